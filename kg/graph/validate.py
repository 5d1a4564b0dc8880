"""Validate a graph against ontology/shapes.ttl: with pyshacl, or with the shapes compiled for one pass.

pyshacl is the reference; at a million triples it takes many minutes, so `qkg build` runs the
same shapes compiled (the SHACL Core subset shapes.ttl uses, plus its SPARQL constraints):
the Core constraints are checked over the sorted triples subject by subject, and
the SPARQL constraints run on Oxigraph over the few predicates they name. A test checks that
both engines find the same violations.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import pyoxigraph as ox

from kg import iri
from kg.graph.dataset import types_in

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = f"<{RDF}type>"


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


# --- compiled engine ---------------------------------------------------------------------
# Terms are compared in N-Triples form ("<iri>", "\"text\"^^<datatype>"), as the build writes them.

@dataclass
class PropertyConstraint:
    """One sh:property of a node shape."""

    path: str
    message: str
    severity: str
    min_count: int = 0
    max_count: int | None = None
    datatype: str | None = None
    cls: str | None = None
    allowed: frozenset[str] | None = None
    pattern: re.Pattern | None = None

    def check(self, focus: str, values: list[str], instances: dict[str, set[str]], out: set) -> None:
        def fail(value: str | None = None) -> None:
            out.add(Result(_show(focus), self.message, self.severity, "" if value is None else _show(value)))

        if len(values) < self.min_count or (self.max_count is not None and len(values) > self.max_count):
            fail()
        for v in values:
            if self.datatype is not None and (not v.startswith('"') or _datatype(v) != self.datatype):
                fail(v)
            if self.cls is not None and v not in instances.get(self.cls, ()):
                fail(v)
            if self.allowed is not None and v not in self.allowed:
                fail(v)
            if self.pattern is not None and (not v.startswith('"') or not self.pattern.search(_lexical(v))):
                fail(v)


@dataclass
class SparqlConstraint:
    """One sh:sparql constraint, and the predicates its query reads."""

    query: str
    message: str
    severity: str
    predicates: frozenset[str]


@dataclass
class NodeShape:
    targets: frozenset[str]
    properties: list[PropertyConstraint] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)


def _term(node) -> str:
    if isinstance(node, (ox.NamedNode, ox.Literal)):
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


PREFIXES = iri.PREFIXES  # the names shapes.ttl's SPARQL may use
SPARQL_PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


def compile_shapes(shapes_path: Path) -> list[NodeShape]:
    """Read the shapes file into checks (the subset of SHACL that shapes.ttl uses)."""
    shapes = ox.Store()
    shapes.bulk_load(path=str(shapes_path), format=ox.RdfFormat.TURTLE)
    out = []
    for quad in sorted(shapes.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(SH + "NodeShape"), None), key=str):
        shape = quad.subject
        targets = frozenset(_term(c) for c in _objects(shapes, shape, SH + "targetClass"))
        if not targets:
            continue
        node = NodeShape(targets)
        for prop in _objects(shapes, shape, SH + "property"):
            node.properties.append(_property(shapes, prop))
        union = " UNION ".join(f"{{ ?this a {t} }}" for t in sorted(targets))
        for sparql in _objects(shapes, shape, SH + "sparql"):
            body = _one(shapes, sparql, SH + "select").value.replace("$this", "?this")
            where = body[body.index("{") + 1: body.rindex("}")]
            node.sparql.append(SparqlConstraint(f"SELECT DISTINCT ?this ?value WHERE {{ {union} {where} }}",
                                                _one(shapes, sparql, SH + "message").value, _severity(shapes, sparql),
                                                _predicates(where)))
        out.append(node)
    return out


def _property(shapes: ox.Store, prop) -> PropertyConstraint:
    def value(name: str):
        return _one(shapes, prop, SH + name)

    c = PropertyConstraint(_term(value("path")), value("message").value, _severity(shapes, prop))
    if value("minCount") is not None:
        c.min_count = int(value("minCount").value)
    if value("maxCount") is not None:
        c.max_count = int(value("maxCount").value)
    if value("datatype") is not None:
        c.datatype = _term(value("datatype"))
    if value("class") is not None:
        c.cls = _term(value("class"))
    if value("in") is not None:
        c.allowed = frozenset(_term(v) for v in _rdf_list(shapes, value("in")))
    if value("pattern") is not None:
        c.pattern = re.compile(value("pattern").value)
    return c


def _predicates(where: str) -> frozenset[str]:
    """Every IRI a SPARQL pattern names (the predicates among them): the triples its store must hold."""
    names = {f"<{PREFIXES[p]}{local}>" for p, local in re.findall(r"\b([a-z]+):([A-Za-z_][\w-]*)", where) if p in PREFIXES}
    names |= {f"<{i}>" for i in re.findall(r"<([^>\s]+)>", where)}
    if re.search(r"\ba\b", where):
        names.add(TYPE)
    return frozenset(names)


def _severity(shapes: ox.Store, node) -> str:
    sev = _one(shapes, node, SH + "severity")
    return sev.value.rsplit("#", 1)[1] if sev is not None else "Violation"


def validate_subjects(subjects: Sequence[tuple[str, Sequence[tuple]]], shapes_path: Path) -> Report:
    """Validate triples grouped by subject: (subject, its (predicate, object, ...) pairs sorted), terms in N-Triples form."""
    shapes = compile_shapes(shapes_path)
    shapes_of: dict[str, list[NodeShape]] = {}  # class -> the shapes that target it, in shape order
    for shape in shapes:
        for target in shape.targets:
            shapes_of.setdefault(target, []).append(shape)
    paths = {c.path for shape in shapes for c in shape.properties}
    sparql_predicates = {p for shape in shapes for c in shape.sparql for p in c.predicates}
    sparql_targets = {t for shape in shapes if shape.sparql for t in shape.targets}
    # class -> its instances (the subject strings themselves): "is v a C?" is one set lookup, for sh:class.
    instances: dict[str, set[str]] = {}
    for subject, triples in subjects:
        for _, o, *_ in types_in(triples):
            instances.setdefault(o, set()).add(subject)
    results: set[Result] = set()
    with tempfile.TemporaryFile() as for_sparql:  # the few predicates the SPARQL constraints read, for their store
        batch: list[str] = []
        for subject, triples in subjects:
            values: dict[str, list[str]] = {}
            for p, o, *_ in triples:
                if p in paths:
                    values.setdefault(p, []).append(o)
                if p in sparql_predicates or (p == TYPE and o in sparql_targets):
                    batch.append(f"{subject} {p} {o} .\n")
            if len(batch) > 50_000:
                for_sparql.write("".join(batch).encode("utf-8"))
                batch.clear()
            classes = [o for _, o, *_ in types_in(triples)]
            matched = shapes_of.get(classes[0], []) if len(classes) == 1 else \
                [shape for shape in shapes if not shape.targets.isdisjoint(classes)]
            for shape in matched:
                for c in shape.properties:
                    c.check(subject, values.get(c.path, []), instances, results)
        for_sparql.write("".join(batch).encode("utf-8"))
        if any(shape.sparql for shape in shapes):
            for_sparql.seek(0)
            _run_sparql(shapes, for_sparql, results)
    return Report(sorted(results, key=lambda r: (r.severity != "Violation", r.focus, r.message, r.value)))


def _run_sparql(shapes: list[NodeShape], triples, results: set) -> None:
    """The SPARQL constraints, on a store holding only the triples they read (an N-Triples file object)."""
    store = ox.Store()
    store.bulk_load(triples, format=ox.RdfFormat.N_TRIPLES)
    for shape in shapes:
        for c in shape.sparql:
            for solution in store.query(SPARQL_PREFIXES + c.query):
                value = solution["value"]
                results.add(Result(_show(str(solution["this"])), c.message, c.severity, _show(str(value)) if value is not None else ""))


def validate_file(path: Path, shapes_path: Path) -> Report:
    """Validate an RDF file (any syntax Oxigraph reads, by its extension)."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    lines = sorted({f"{q.subject} {q.predicate} {q.object}" for q in ox.parse(path=str(path), format=fmt)})
    by_subject = groupby((line.split(" ", 2) for line in lines), key=itemgetter(0))
    return validate_subjects([(subject, [(p, o) for _, p, o in group]) for subject, group in by_subject], shapes_path)


_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _lexical(literal: str) -> str:
    """The lexical form of an N-Triples literal."""
    text = literal[1:literal.rindex('"')]
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)) if (m[1] or m[2]) else _SIMPLE.get(m[3], m[3]), text)


def _datatype(literal: str) -> str:
    tail = literal[literal.rindex('"') + 1:]
    if tail.startswith("^^"):
        return tail[2:]
    return f"<{RDF}langString>" if tail.startswith("@") else f"<{XSD}string>"


def _show(term: str | None) -> str:
    """A term as results show it: an IRI without brackets, a literal's lexical form."""
    if term is None:
        return ""
    if term.startswith("<"):
        return term[1:-1]
    if term.startswith('"'):
        return _lexical(term)
    return term


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
