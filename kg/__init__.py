"""qkg: a knowledge graph of neural-network quantization research."""

__version__ = "0.1.0"
