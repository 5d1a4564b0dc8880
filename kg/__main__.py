"""`python -m kg` runs the qkg command line."""

from kg.cli import main

main()
