"""Resolve list records into one node per real paper, and record every disagreement as a conflict.

Records are merged by shared identifiers (arXiv id, DOI) when their titles agree, and by
near-identical titles; an identifier carried by an unrelated title is a conflict, never a
merge. Canonical values follow curated corrections first, then the lists' majority; each
value remembers the records (file:line) or curated record it came from.

Takes the parsed records and the curated data; gives a Resolution (papers and conflicts).
"""

from kg.resolve.cluster import cluster
from kg.resolve.index import PaperIndex, find_paper
from kg.resolve.merge import resolve
from kg.resolve.paper import Paper, Resolution, ResolveError, Value, person_key

__all__ = ["Paper", "PaperIndex", "Resolution", "ResolveError", "Value", "cluster", "find_paper", "person_key", "resolve"]
