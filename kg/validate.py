"""Validate a graph against ontology/shapes.ttl: with pyshacl, or with the shapes compiled to SPARQL on Oxigraph.

pyshacl is the reference; at 1.5M triples it takes minutes, so `qkg build` runs the same
shapes compiled to SPARQL (the SHACL Core subset shapes.ttl uses, plus its SPARQL
constraints) on Oxigraph. A test checks that both engines find the same violations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True, order=True)
class Result:
    """One failed constraint: the node, the shape's message, and its severity."""

    focus: str
    message: str
    severity: str = "Violation"  # or "Warning", "Info"
    value: str = ""

    def __str__(self) -> str:
        value = f" (value {self.value})" if self.value else ""
        return f"{self.severity}: <{self.focus}>: {self.message}{value}"


@dataclass
class Report:
    """Validation results, worst first; `conforms` ignores warnings."""

    results: list[Result]

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        if not self.results:
            return "valid: the graph conforms to ontology/shapes.ttl"
        return f"{len(self.violations)} violations, {len(self.warnings)} warnings"


# --- compiled engine (Oxigraph) ----------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """One SHACL constraint as a SPARQL query binding ?this (and ?value)."""

    query: str
    message: str
    severity: str


def _term(node) -> str:
    if isinstance(node, ox.NamedNode):
        return f"<{node.value}>"
    if isinstance(node, ox.Literal):
        return str(node)
    raise ValueError(f"unsupported term in shapes: {node}")


def _objects(graph: ox.Store, s, p: str) -> list:
    return [q.object for q in graph.quads_for_pattern(s, ox.NamedNode(p), None, None)]


def _one(graph: ox.Store, s, p: str):
    found = _objects(graph, s, p)
    return found[0] if found else None


def _rdf_list(graph: ox.Store, head) -> list:
    items = []
    while head is not None and not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
        items.append(_one(graph, head, RDF + "first"))
        head = _one(graph, head, RDF + "rest")
    return items


def compile_shapes(shapes_path: Path) -> list[Check]:
    """Translate the shapes file into SPARQL checks (the subset of SHACL that shapes.ttl uses)."""
    shapes = ox.Store()
    shapes.bulk_load(path=str(shapes_path), format=ox.RdfFormat.TURTLE)
    checks: list[Check] = []
    for quad in shapes.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(SH + "NodeShape"), None):
        shape = quad.subject
        targets = " UNION ".join(f"{{ ?this a {_term(c)} }}" for c in _objects(shapes, shape, SH + "targetClass"))
        if not targets:
            continue
        for prop in _objects(shapes, shape, SH + "property"):
            checks += _property_checks(shapes, prop, targets)
        for sparql in _objects(shapes, shape, SH + "sparql"):
            select = _one(shapes, sparql, SH + "select").value
            message = _one(shapes, sparql, SH + "message").value
            severity = _severity(shapes, sparql)
            body = select.replace("$this", "?this")
            where = body[body.index("{") + 1: body.rindex("}")]
            checks.append(Check(f"SELECT DISTINCT ?this ?value WHERE {{ {targets} {where} }}", message, severity))
    return checks


def _severity(shapes: ox.Store, node) -> str:
    sev = _one(shapes, node, SH + "severity")
    return sev.value.rsplit("#", 1)[1] if sev is not None else "Violation"


def _property_checks(shapes: ox.Store, prop, targets: str) -> list[Check]:
    path = _term(_one(shapes, prop, SH + "path"))
    message = _one(shapes, prop, SH + "message").value
    severity = _severity(shapes, prop)
    out = []

    def add(where: str, select: str = "?this ?value", tail: str = "") -> None:
        out.append(Check(f"SELECT DISTINCT {select} WHERE {{ {targets} {where} }} {tail}", message, severity))

    min_count = _one(shapes, prop, SH + "minCount")
    if min_count is not None and int(min_count.value) > 0:
        n = int(min_count.value)
        if n == 1:
            add(f"FILTER NOT EXISTS {{ ?this {path} ?any }}", "?this")
        else:
            add(f"OPTIONAL {{ ?this {path} ?v }}", "?this", f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})")
    max_count = _one(shapes, prop, SH + "maxCount")
    if max_count is not None:
        add(f"?this {path} ?v", "?this", f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(max_count.value)})")
    datatype = _one(shapes, prop, SH + "datatype")
    if datatype is not None:
        add(f"?this {path} ?value FILTER (!isLiteral(?value) || datatype(?value) != {_term(datatype)})")
    cls = _one(shapes, prop, SH + "class")
    if cls is not None:
        add(f"?this {path} ?value FILTER NOT EXISTS {{ ?value a {_term(cls)} }}")
    allowed = _one(shapes, prop, SH + "in")
    if allowed is not None:
        values = ", ".join(_term(v) for v in _rdf_list(shapes, allowed))
        add(f"?this {path} ?value FILTER (?value NOT IN ({values}))")
    pattern = _one(shapes, prop, SH + "pattern")
    if pattern is not None:
        escaped = pattern.value.replace("\\", "\\\\").replace('"', '\\"')
        add(f'?this {path} ?value FILTER (!isLiteral(?value) || !regex(str(?value), "{escaped}"))')
    return out


PREFIXES = (
    "PREFIX qkg: <https://w3id.org/qkg/ontology#>\nPREFIX fabio: <http://purl.org/spar/fabio/>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
)


def validate_store(store: ox.Store, shapes_path: Path) -> Report:
    """Run the compiled shapes on an Oxigraph store (its default graph as the union of all graphs)."""
    results = set()
    for check in compile_shapes(shapes_path):
        for solution in store.query(PREFIXES + check.query, use_default_graph_as_union=True):
            this = solution["this"]
            value = solution["value"] if "value" in check.query.split("WHERE")[0] else None
            results.add(Result(this.value, check.message, check.severity, _show(value)))
    return Report(sorted(results, key=lambda r: (r.severity != "Violation", r.focus, r.message, r.value)))


def _show(term) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


# --- reference engine (pyshacl) ----------------------------------------------------------

def validate_pyshacl(data_path: Path, shapes_path: Path, fmt: str = "turtle") -> Report:
    """Run pyshacl on an RDF file; slow on large graphs, the reference for the compiled engine."""
    import pyshacl
    from rdflib import Graph, Namespace

    sh = Namespace(SH)
    data = Graph().parse(data_path, format=fmt)
    shapes = Graph().parse(shapes_path, format="turtle")
    _, report_graph, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True)
    results = set()
    for res in report_graph.subjects(predicate=None, object=sh.ValidationResult):
        focus = report_graph.value(res, sh.focusNode)
        message = report_graph.value(res, sh.resultMessage)
        severity = report_graph.value(res, sh.resultSeverity)
        value = report_graph.value(res, sh.value)
        source = report_graph.value(res, sh.sourceConstraintComponent)
        if source is not None and str(source).endswith("MinCountConstraintComponent") or \
           (source is not None and str(source).endswith("MaxCountConstraintComponent")):
            value = None  # counts have no single offending value; the compiled engine reports none either
        results.add(Result(str(focus), str(message), str(severity).rsplit("#", 1)[1], "" if value is None else str(value)))
    return Report(sorted(results, key=lambda r: (r.severity != "Violation", r.focus, r.message, r.value)))
