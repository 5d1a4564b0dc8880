"""Edges between methods: curated extends/compares with evidence, rule-derived extends, and their checks."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from kg.curated.load import Curated, Located, RelationRecord
from kg.methods.catalog import Method, MethodError, MethodIndex
from kg.methods.rules import RULES, Rule, derive


@dataclass(frozen=True)
class Edge:
    """source (the later method) extends or compares target; curated edges carry evidence, derived ones a rule."""

    source: Method
    kind: str  # "extends" | "compares"
    target: Method
    evidence: str
    where: str | None = None  # where in the later paper
    curated: Located | None = None
    rule: Rule | None = None

    @property
    def origin(self) -> str:
        return self.curated.where if self.curated else f"rule {self.rule.name}"  # type: ignore[union-attr]


def build_edges(methods: list[Method], curated: Curated) -> list[Edge]:
    """Curated edges, then rule-derived `extends` edges that curated data does not already state."""
    index = MethodIndex(methods)
    edges: list[Edge] = []
    seen: dict[tuple[str, str, str], Located] = {}
    for loc in curated.relations:
        rec: RelationRecord = loc.record
        source = _lookup(index, rec.method, loc, "method")
        target = _lookup(index, rec.target, loc, rec.kind)
        if source is target:
            raise MethodError(f"{loc.where}: relation '{rec.method} {rec.kind} {rec.target}': a method cannot {rec.kind} itself")
        key = (source.name, rec.kind, target.name)
        if key in seen:
            raise MethodError(f"{loc.where}: relation '{rec.method} {rec.kind} {rec.target}': duplicate of {seen[key].where}")
        seen[key] = loc
        edges.append(Edge(source, rec.kind, target, rec.evidence, rec.where, curated=loc))
    curated_extends = {(e.source.name, e.target.name) for e in edges if e.kind == "extends"}
    for m in methods:
        found = derive(m.name, lambda n: index.get(n) is not None)
        if found is None:
            continue
        rule, base_name = found
        base = index.get(base_name)
        if base is None or base is m or (m.name, base.name) in curated_extends:
            continue
        if newer(base, m):
            continue  # a name rule never makes an edge that points forward in time
        edges.append(Edge(m, "extends", base, f"{rule.comment} ({m.name} -> {base.name})", rule=rule))
    return sorted(edges, key=lambda e: (e.source.name.lower(), e.kind, e.target.name.lower()))


def _lookup(index: MethodIndex, name: str, loc: Located, field_name: str) -> Method:
    method = index.get(name)
    if method is None:
        hint = index.suggest(name)
        suffix = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise MethodError(f"{loc.where}: relation of '{loc.record.method}': {field_name}: unknown method '{name}'{suffix}")
    return method


def newer(a: Method, b: Method) -> bool:
    """Whether a appeared after b: by arXiv month when both papers have one, else by year."""
    if a.first_appeared is not None and b.first_appeared is not None:
        return a.first_appeared > b.first_appeared
    return a.year is not None and b.year is not None and a.year > b.year


def _date(m: Method) -> str:
    return f"arXiv {m.first_appeared}" if m.first_appeared else str(m.year)


def check_lineage(edges: list[Edge]) -> None:
    """extends is acyclic and points back in time; raises MethodError naming the edge's origin."""
    for e in edges:
        if e.kind != "extends":
            continue
        if newer(e.target, e.source):
            raise MethodError(f"{e.origin}: relation '{e.source.name} extends {e.target.name}': {e.target.name} ({_date(e.target)}) "
                              f"is newer than {e.source.name} ({_date(e.source)}); extends must point back in time")
    graph = nx.DiGraph((e.source.name, e.target.name, {"edge": e}) for e in edges if e.kind == "extends")
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    first = graph.edges[cycle[0][0], cycle[0][1]]["edge"]
    path = " -> ".join([c[0] for c in cycle] + [cycle[0][0]])
    raise MethodError(f"{first.origin}: relation '{first.source.name} extends {first.target.name}': extends forms a cycle: {path}")


__all__ = ["Edge", "RULES", "build_edges", "check_lineage", "newer"]
