"""RDF exports: qkg.nt, qkg.ttl, qkg.jsonld (the union graph) and qkg.trig (one named graph per origin).

The build holds every triple as a sorted N-Triples line, so qkg.nt is written as it is and the
other formats stream those lines through Oxigraph's serialisers in the same order: two builds on
the same inputs give byte-identical files.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg import iri
from kg.build import Dataset
from kg.export.staging import Staging

PREFIXES = dict(sorted(iri.PREFIXES.items()))


def write(ds: Dataset, staging: Staging) -> None:
    """Write the four RDF files into the staging folder."""
    staging.write_bytes("qkg.nt", ds.ntriples)
    for name, fmt, source, source_fmt in (
        ("qkg.ttl", ox.RdfFormat.TURTLE, ds.ntriples, ox.RdfFormat.N_TRIPLES),
        ("qkg.jsonld", ox.RdfFormat.JSON_LD, ds.ntriples, ox.RdfFormat.N_TRIPLES),
        ("qkg.trig", ox.RdfFormat.TRIG, ds.nquads, ox.RdfFormat.N_QUADS),
    ):
        with open(staging.path(name), "wb") as out:
            ox.serialize(ox.parse(source, format=source_fmt), out, format=fmt, prefixes=PREFIXES)
