"""`qkg figure`: publication figures of a method's lineage, or of a family's or category's methods, via Graphviz.

Time flows left to right: every method sits in the rank of its first appearance (arXiv month, else
venue year), and a row of years runs above them. Fill colours are model families, solid edges
builds-on (qkg:extends), dashed edges comparisons; the arrow points at the earlier method. The DOT
text is written from sorted data, and dot renders it with SOURCE_DATE_EPOCH pinned, so the same
graph gives the same bytes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from kg import iri
from kg.export.palette import EDGE_COLOURS, family_colours

FORMATS = ("svg", "pdf", "png", "dot", "tikz")
METHODS_QUERY = """
SELECT ?m ?label ?month ?year (GROUP_CONCAT(DISTINCT STR(?fam); separator=" ") AS ?fams) WHERE {
  ?m a qkg:Method ; rdfs:label ?label .
  OPTIONAL { ?m qkg:introducedIn ?p . OPTIONAL { ?p qkg:firstAppeared ?month } OPTIONAL { ?p fabio:hasPublicationYear ?year } }
  OPTIONAL { ?m qkg:appliesTo ?fam }
} GROUP BY ?m ?label ?month ?year"""
NAMES_QUERY = "SELECT ?m ?name WHERE { ?m a qkg:Method . { ?m rdfs:label ?name } UNION { ?m skos:altLabel ?name } }"
EDGES_QUERY = "SELECT ?a ?kind ?b WHERE { VALUES ?kind { qkg:extends qkg:compares } ?a ?kind ?b }"
MEMBERS_QUERY = {
    "family": "SELECT DISTINCT ?m WHERE { ?m a qkg:Method ; qkg:appliesTo/skos:broader* <%s> }",
    "category": "SELECT DISTINCT ?m WHERE { ?m a qkg:Method ; qkg:category/skos:broader* <%s> }",
}
CONCEPT_QUERY = "SELECT ?c ?label WHERE { ?c skos:inScheme <%s> ; skos:prefLabel ?label }"


class FigureError(Exception):
    """A figure that cannot be drawn: an unknown method, family or category, or no Graphviz; one line."""


@dataclass
class Node:
    """A method as a figure draws it."""

    label: str
    when: tuple[int, int] | None
    families: list[str]

    @property
    def date(self) -> str:
        if self.when is None:
            return "n.d."
        return f"{self.when[0]}-{self.when[1]:02d}" if self.when[1] else str(self.when[0])


@dataclass
class Figure:
    """The methods and edges one figure draws, and its title."""

    title: str
    nodes: dict[str, Node]
    edges: list[tuple[str, str, str]]  # (later method, "extends" | "compares", earlier method)
    focus: str | None = None
    family_labels: dict[str, str] = field(default_factory=dict)


@dataclass
class FigureGraph:
    """Every method, name and extends/compares edge of a graph, read once through SPARQL."""

    nodes: dict[str, Node]
    names: dict[str, str]  # lower-case label or alias -> IRI
    edges: list[tuple[str, str, str]]
    engine: object

    @classmethod
    def load(cls, engine) -> FigureGraph:
        """Read the graph from an engine with run(query).rows (kg.sparql.query's engines)."""
        nodes = {}
        for r in engine.run(METHODS_QUERY).rows:
            month, year = r["month"], r["year"]
            when = (int(month.value[:4]), int(month.value[5:7])) if month is not None else ((int(year.value), 0) if year is not None else None)
            fams = sorted(f.rsplit("/", 1)[-1] for f in r["fams"].value.split()) if r["fams"] is not None else []
            node = Node(r["label"].value, when, fams)
            old = nodes.get(r["m"].value)
            if old is None or (node.when or (9999, 0)) < (old.when or (9999, 0)):
                nodes[r["m"].value] = node
        names: dict[str, str] = {}
        for r in sorted(engine.run(NAMES_QUERY).rows, key=lambda r: (r["m"].value, r["name"].value)):
            names.setdefault(r["name"].value.lower(), r["m"].value)
        kinds = {iri.ONTOLOGY + "extends": "extends", iri.ONTOLOGY + "compares": "compares"}
        edges = sorted({(r["a"].value, kinds[r["kind"].value], r["b"].value) for r in engine.run(EDGES_QUERY).rows})
        return cls(nodes, names, edges, engine)

    def find(self, name: str) -> str:
        found = self.names.get(name.strip().lower())
        if found is None:
            close = sorted(n for n in {v.label for v in self.nodes.values()} if name.strip().lower() in n.lower())[:5]
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise FigureError(f"no method named '{name}'{hint}")
        return found

    def family_labels(self) -> dict[str, str]:
        rows = self.engine.run(CONCEPT_QUERY % iri.concept_base("family")).rows  # type: ignore[attr-defined]
        return {r["c"].value.rsplit("/", 1)[-1]: r["label"].value for r in rows}

    def lineage(self, name: str, depth: int | None, compares: bool) -> Figure:
        """A method, its ancestors and descendants along extends (up to `depth` steps), and its comparisons if asked."""
        focus = self.find(name)
        keep = {focus}
        for direction in (0, 2):  # 0: follow edges to what it builds on; 2: to what builds on it
            frontier, steps = {focus}, 0
            while frontier and (depth is None or steps < depth):
                frontier = {e[2 - direction] for e in self.edges if e[1] == "extends" and e[direction] in frontier} - keep
                keep |= frontier
                steps += 1
        edges = [e for e in self.edges if e[1] == "extends" and e[0] in keep and e[2] in keep]
        if compares:
            near = [e for e in self.edges if e[1] == "compares" and focus in (e[0], e[2])]
            keep |= {e[0] for e in near} | {e[2] for e in near}
            edges += near
        return Figure(f"Lineage of {self.nodes[focus].label}", {n: self.nodes[n] for n in keep}, sorted(edges), focus,
                      self.family_labels())

    def members(self, kind: str, concept: str, compares: bool) -> Figure:
        """Every method of a family (or category), narrower ones included, with the edges among them."""
        labels = {r["c"].value.rsplit("/", 1)[-1]: r["label"].value
                  for r in self.engine.run(CONCEPT_QUERY % iri.concept_base(kind)).rows}  # type: ignore[attr-defined]
        if concept not in labels:
            raise FigureError(f"no {kind} '{concept}' (known: {', '.join(sorted(labels))})")
        rows = self.engine.run(MEMBERS_QUERY[kind] % iri.concept(kind, concept)).rows  # type: ignore[attr-defined]
        keep = {r["m"].value for r in rows}
        if not keep:
            raise FigureError(f"no method is in the {kind} '{concept}'")
        edges = [e for e in self.edges if e[0] in keep and e[2] in keep and (e[1] == "extends" or compares)]
        return Figure(f"{labels[concept]}: methods", {n: self.nodes[n] for n in keep}, edges, None, self.family_labels())


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(fig: Figure) -> str:
    """The figure as DOT: one rank per date, a row of years above, family fill colours, a legend beneath."""
    used = sorted({f for n in fig.nodes.values() for f in n.families[:1]})
    colours = family_colours(used)
    dates = sorted({n.when or (0, 0) for n in fig.nodes.values()})
    ids = {m: f"m{i}" for i, m in enumerate(sorted(fig.nodes, key=lambda m: (fig.nodes[m].when or (0, 0), fig.nodes[m].label.lower(), m)))}
    out = ["digraph qkg {",
           '  graph [rankdir=LR, newrank=true, nodesep=0.18, ranksep=0.32, fontname="Helvetica", fontsize=10, '
           'labelloc=b, labeljust=l, pad=0.1];',
           '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, penwidth=0.8, margin="0.08,0.03", height=0.3];',
           '  edge [arrowsize=0.55, penwidth=0.9];']
    seen_years: set[int] = set()
    for i, d in enumerate(dates):
        label = "" if d[0] in seen_years else ("n.d." if d == (0, 0) else str(d[0]))
        seen_years.add(d[0])
        out.append(f'  t{i} [shape=plaintext, style="", label={_dot_id(label)}, fontsize=11, fontname="Helvetica-Bold", height=0.2];')
    if len(dates) > 1:
        out.append("  " + " -> ".join(f"t{i}" for i in range(len(dates))) + " [style=invis];")
    rank_of = {d: i for i, d in enumerate(dates)}
    for m, nid in ids.items():
        n = fig.nodes[m]
        fam = n.families[0] if n.families else None
        colour = colours.get(fam, "#bbbbbb") if fam else "#bbbbbb"
        weight = "<b>" + _html(n.label) + "</b>" if m == fig.focus else _html(n.label)
        label = f'<{weight}<br/><font point-size="8" color="#555555">{_html(n.date)}</font>>'
        pen = ", penwidth=2" if m == fig.focus else ""
        out.append(f'  {nid} [label={label}, fillcolor="{colour}40", color="{colour}"{pen}];')
    by_rank: dict[int, list[str]] = {}
    for m, nid in ids.items():
        by_rank.setdefault(rank_of[fig.nodes[m].when or (0, 0)], []).append(nid)
    for r in sorted(by_rank):
        out.append(f"  {{ rank=same; t{r}; {'; '.join(by_rank[r])}; }}")
    for later, kind, earlier in sorted(fig.edges, key=lambda e: (ids[e[2]], ids[e[0]], e[1])):
        style = f'color="{EDGE_COLOURS["extends"]}"' if kind == "extends" else f'color="{EDGE_COLOURS["compares"]}", style=dashed'
        # drawn earlier -> later so dot ranks it forward in time; dir=back puts the arrowhead on the earlier method
        constraint = "" if (fig.nodes[earlier].when or (0, 0)) <= (fig.nodes[later].when or (0, 0)) else ", constraint=false"
        out.append(f"  {ids[earlier]} -> {ids[later]} [dir=back, {style}{constraint}];")
    out.append(f"  label={_legend(fig, used, colours)};")
    out.append("}")
    return "\n".join(out) + "\n"


def _legend(fig: Figure, used: list[str], colours: dict[str, str]) -> str:
    cells = "".join(f'<td bgcolor="{colours[f]}40" border="1" color="{colours[f]}"> {_html(fig.family_labels.get(f, f))} </td>'
                    for f in used)
    edges = ('<td> <font color="#222222">&#8212;&#9656;</font> builds on </td>'
             '<td> <font color="#8a8a8a">- - &#9656;</font> compares against </td>')
    return f'<<table border="0" cellspacing="4" cellpadding="2"><tr>{cells}{edges}</tr></table>>'


def render(fig: Figure, fmt: str) -> bytes:
    """The figure in one of FORMATS; svg, pdf and png come from Graphviz's dot, tikz from dot's layout."""
    dot = to_dot(fig)
    if fmt == "dot":
        return dot.encode()
    if fmt == "tikz":
        import json

        from kg.export.figure_tikz import to_tikz

        return to_tikz(json.loads(run_dot(dot, "json")), fig).encode()
    if fmt not in FORMATS:
        raise FigureError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
    data = run_dot(dot, fmt)
    if fmt == "pdf":  # this cairo ignores SOURCE_DATE_EPOCH: pin the date, same length so the xref offsets hold
        data = re.sub(rb"/CreationDate \(D:\d{14}", b"/CreationDate (D:19700101000000", data)
    return data


def run_dot(dot: str, fmt: str) -> bytes:
    """Graphviz's dot through the graphviz package, with dates in the output pinned."""
    import graphviz

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "0"  # cairo writes the creation date into PDFs unless this is set
    try:
        return graphviz.pipe("dot", fmt, dot.encode(), quiet=True)
    except graphviz.ExecutableNotFound:
        raise FigureError("Graphviz's dot is not installed (Debian: apt-get install graphviz)") from None
    except graphviz.CalledProcessError as err:
        raise FigureError(f"dot failed: {(err.stderr or b'').decode(errors='replace').strip()[:300]}") from None
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
