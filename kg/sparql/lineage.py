"""Lineage of one method: its ancestors (extends+) and descendants, with years, as text trees."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from rapidfuzz import process

from kg.curated.load import name_key

EDGES_QUERY = """
SELECT ?m ?label ?year ?alias WHERE {
  ?m a qkg:Method ; rdfs:label ?label .
  OPTIONAL { ?m qkg:introducedIn/fabio:hasPublicationYear ?y }
  OPTIONAL { ?m qkg:introducedIn/qkg:firstAppeared ?month }
  OPTIONAL { ?m skos:altLabel ?alias }
  BIND (COALESCE(xsd:integer(SUBSTR(STR(?month), 1, 4)), xsd:integer(STR(?y))) AS ?year)  # first appearance when known
}"""
EXTENDS_QUERY = "SELECT ?a ?b WHERE { ?a qkg:extends ?b }"


class UnknownMethod(Exception):
    """No method has this name; the message suggests the closest names."""


@dataclass
class LineageGraph:
    """Every method and extends edge of the graph."""

    graph: nx.DiGraph  # later -> earlier
    labels: dict[str, str]
    years: dict[str, int | None]  # year of first appearance (arXiv), else of the venue
    names: dict[str, str]  # name_key(label or alias) -> method IRI

    @classmethod
    def from_engine(cls, engine) -> LineageGraph:
        labels, years, names = {}, {}, {}
        for row in engine.run(EDGES_QUERY).rows:
            m = row["m"].value
            labels[m] = row["label"].value
            years[m] = int(row["year"].value) if row["year"] is not None else None
            names.setdefault(name_key(row["label"].value), m)
            if row["alias"] is not None:
                names.setdefault(name_key(row["alias"].value), m)
        graph = nx.DiGraph()
        graph.add_nodes_from(labels)
        graph.add_edges_from((r["a"].value, r["b"].value) for r in engine.run(EXTENDS_QUERY).rows)
        return cls(graph, labels, years, names)

    def find(self, name: str) -> str:
        """The IRI of the method called `name` (label or alias, any case)."""
        found = self.names.get(name_key(name))
        if found is None:
            close = [n for n, score, _ in process.extract(name, sorted(set(self.labels.values())), limit=3) if score >= 50]
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownMethod(f"no method named '{name}'{hint}")
        return found

    def show(self, iri: str) -> str:
        year = self.years.get(iri)
        return f"{self.labels[iri]} ({year})" if year else self.labels[iri]

    def ancestors(self, iri: str) -> set[str]:
        return nx.descendants(self.graph, iri)

    def descendants(self, iri: str) -> set[str]:
        return nx.ancestors(self.graph, iri)

    def tree(self, iri: str, up: bool) -> list[str]:
        """Text tree of ancestors (up) or descendants, children sorted by year then name."""
        lines: list[str] = []
        seen: set[str] = set()

        def children(node: str) -> list[str]:
            nxt = self.graph.successors(node) if up else self.graph.predecessors(node)
            return sorted(nxt, key=lambda n: (self.years.get(n) or 0, self.labels[n].lower()))

        def walk(node: str, prefix: str) -> None:
            kids = children(node)
            for i, kid in enumerate(kids):
                last = i == len(kids) - 1
                repeat = kid in seen
                lines.append(f"{prefix}{'└─ ' if last else '├─ '}{self.show(kid)}{' (see above)' if repeat else ''}")
                if not repeat:
                    seen.add(kid)
                    walk(kid, prefix + ("   " if last else "│  "))

        walk(iri, "  ")
        return lines

    def render(self, iri: str) -> str:
        up, down = self.tree(iri, True), self.tree(iri, False)
        out = [self.show(iri), "builds on (extends):"] + (up or ["  (nothing in the graph)"])
        out += ["built on by:"] + (down or ["  (nothing in the graph)"])
        return "\n".join(out)
