"""exports/qkg.graphml: papers, methods, families, hardware and categories for Gephi and Cytoscape."""

from __future__ import annotations

import io

import networkx as nx

from kg import iri
from kg.export.staging import Staging


def graph(build) -> nx.MultiDiGraph:
    """The property graph: one node per paper, method and concept; edges named by their relation."""
    g = nx.MultiDiGraph()
    for p in build.resolution.papers:
        g.add_node(iri.paper(p.key), kind="paper", label=str(p.title.value), year=int(p.year.value or 0), venue=str(p.venue.value or ""))
    concepts = set()
    for m in build.methods:
        g.add_node(m.iri, kind="method", label=m.name, year=int(m.year or 0), categories=";".join(m.categories))
        if m.paper is not None:
            g.add_edge(m.iri, iri.paper(m.paper.key), relation="introducedIn")
        for kind, values, rel in (("family", m.families, "appliesTo"), ("hardware", m.hardware, "targetsHardware"),
                                  ("category", m.categories, "category")):
            for v in values:
                node = iri.concept(kind, v)
                concepts.add((node, kind, v))
                g.add_edge(m.iri, node, relation=rel)
    for node, kind, v in sorted(concepts):
        g.add_node(node, kind=kind, label=v, year=0)
    for e in build.edges:
        g.add_edge(e.source.iri, e.target.iri, relation=e.kind, evidence=e.evidence)
    return g


def write(build, staging: Staging) -> None:
    g = graph(build)
    ordered = nx.MultiDiGraph()
    ordered.add_nodes_from(sorted(g.nodes(data=True)))
    ordered.add_edges_from(sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2]["relation"])))
    out = io.BytesIO()
    nx.write_graphml(ordered, out, encoding="utf-8")
    staging.write_bytes("qkg.graphml", out.getvalue())
