"""RDF exports: qkg.ttl, qkg.nt, qkg.jsonld (the union graph) and qkg.trig (one named graph per origin)."""

from __future__ import annotations

import pyoxigraph as ox

from kg import iri
from kg.build import Dataset
from kg.export.staging import Staging

FILES = {"qkg.ttl": ox.RdfFormat.TURTLE, "qkg.nt": ox.RdfFormat.N_TRIPLES, "qkg.jsonld": ox.RdfFormat.JSON_LD}


def sorted_triples(ds: Dataset) -> list[ox.Triple]:
    """The union graph, sorted so that output is byte-identical for identical input."""
    return sorted(ds.graph_of.keys(), key=str)


def write(ds: Dataset, staging: Staging, triples: list[ox.Triple] | None = None) -> None:
    """Write the four RDF files into the staging folder."""
    triples = triples if triples is not None else sorted_triples(ds)
    prefixes = dict(sorted(iri.PREFIXES.items()))
    for name, fmt in FILES.items():
        data = ox.serialize(triples, format=fmt, prefixes=prefixes if fmt is not ox.RdfFormat.N_TRIPLES else None)
        staging.write_bytes(name, data)
    staging.write_bytes("qkg.trig", ox.serialize(ds.quads(), format=ox.RdfFormat.TRIG, prefixes=prefixes))
