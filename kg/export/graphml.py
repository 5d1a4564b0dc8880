"""exports/qkg.graphml: papers, methods, families, hardware and categories for Gephi and Cytoscape.

Written directly, in the layout networkx's GraphML writer produces (and reads back), because
building a networkx graph first took half a minute at 100k papers for a file this simple.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

from kg import iri
from kg.export.safe_text import XmlCleaner
from kg.export.staging import Staging

# (key id, domain, attribute, GraphML type): a fixed table, so every build declares the same keys.
KEYS = (("d0", "node", "kind", "string"), ("d1", "node", "label", "string"), ("d2", "node", "year", "long"),
        ("d3", "node", "categories", "string"), ("d4", "node", "venue", "string"),
        ("d5", "edge", "relation", "string"), ("d6", "edge", "evidence", "string"))
KEY_ID = {name: key for key, _, name, _ in KEYS}
HEADER = ("<?xml version='1.0' encoding='utf-8'?>\n"
          '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
_ATTR = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#09;"}


def nodes_and_edges(build) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """The property graph: one node per paper, method and concept; edges named by their relation."""
    nodes: dict[str, dict] = {}
    edges: list[tuple[str, str, dict]] = []
    for p in build.resolution.papers:
        nodes[iri.paper(p.key)] = {"kind": "paper", "label": str(p.title.value), "year": int(p.year.value or 0),
                                   "venue": str(p.venue.value or "")}
    for m in build.methods:
        nodes[m.iri] = {"kind": "method", "label": m.name, "year": int(m.year or 0), "categories": ";".join(m.categories)}
        if m.paper is not None:
            edges.append((m.iri, iri.paper(m.paper.key), {"relation": "introducedIn"}))
        for kind, values, rel in (("family", m.families, "appliesTo"), ("hardware", m.hardware, "targetsHardware"),
                                  ("category", m.categories, "category")):
            for v in values:
                node = iri.concept(kind, v)
                nodes.setdefault(node, {"kind": kind, "label": v, "year": 0})
                edges.append((m.iri, node, {"relation": rel}))
    for e in build.edges:
        edges.append((e.source.iri, e.target.iri, {"relation": e.kind, "evidence": e.evidence}))
    return nodes, edges


def render(nodes: dict[str, dict], edges: list[tuple[str, str, dict]], clean: XmlCleaner | None = None) -> Iterator[str]:
    """The document in pieces, so that a large graph is never one string in memory; `clean` drops what XML cannot hold."""
    clean = clean if clean is not None else XmlCleaner()

    def _attr(value: str) -> str:
        return f'"{escape(clean(value), _ATTR)}"'

    out = [HEADER]
    out += [f'  <key id="{key}" for="{domain}" attr.name="{name}" attr.type="{kind}" />\n' for key, domain, name, kind in reversed(KEYS)]
    out.append('  <graph edgedefault="directed">\n')
    for node in sorted(nodes):
        out.append(f"    <node id={_attr(node)}>\n")
        out += [f'      <data key="{KEY_ID[k]}">{escape(clean(str(v)))}</data>\n' for k, v in nodes[node].items()]
        out.append("    </node>\n")
        if len(out) > 20_000:
            yield "".join(out)
            out.clear()
    parallel: dict[tuple[str, str], int] = {}
    for source, target, data in sorted(edges, key=lambda e: (e[0], e[1], e[2]["relation"])):
        key = parallel.get((source, target), 0)  # several edges between two nodes are told apart by their key
        parallel[(source, target)] = key + 1
        out.append(f'    <edge source={_attr(source)} target={_attr(target)} id="{key}">\n')
        out += [f'      <data key="{KEY_ID[k]}">{escape(clean(str(v)))}</data>\n' for k, v in data.items()]
        out.append("    </edge>\n")
        if len(out) > 20_000:
            yield "".join(out)
            out.clear()
    out.append("  </graph>\n</graphml>\n")
    yield "".join(out)


def write(build, staging: Staging) -> None:
    """exports/qkg.graphml; control characters in values are removed and reported in build.export_notes."""
    clean = XmlCleaner()
    with open(staging.path("qkg.graphml"), "wb") as out:
        for piece in render(*nodes_and_edges(build), clean=clean):
            out.write(piece.encode("utf-8"))
    note = clean.note("qkg.graphml")
    if note:
        build.export_notes.append(note)
