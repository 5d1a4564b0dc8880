"""SPARQL over the built graph: the query library, two engines (Oxigraph, rdflib), and result formats.

Both engines read the same TriG dataset and query the union of its graphs by default, so a
query gives the same rows whichever runs it; a test compares them row by row.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import iri
from kg.paths import QUERY_LIBRARY

ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"  # chosen by measurement: see README "Two engines, one answer"
# Prefixes every query may use without declaring them: the export's own.
PREFIXES = {**iri.PREFIXES, "qkgr": iri.RESOURCE}


class QueryError(Exception):
    """A query that cannot run: a syntax error (with line and column), an update, or an unknown name."""


# --- the library -------------------------------------------------------------------------

@dataclass(frozen=True)
class LibraryQuery:
    """A .rq file of the library: its name, title, the question it answers, its parameters."""

    name: str
    title: str
    question: str
    text: str
    params: dict[str, str] = field(default_factory=dict)  # variable -> default value (a literal's lexical form)
    path: Path | None = None


_HEADER = re.compile(r"^#\s*(?P<key>title|question|param|note):\s*(?P<value>.*)$")


def read_library_query(path: Path) -> LibraryQuery:
    """Parse a .rq file's header comments: '# title:', '# question:', '# param: ?var = default', '# note:' (one line on how it is written)."""
    text = path.read_text(encoding="utf-8")
    title = question = ""
    params: dict[str, str] = {}
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if not m:
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        key, value = m.group("key"), m.group("value").strip()
        if key == "title":
            title = value
        elif key == "question":
            question = (question + " " + value).strip()
        elif key == "param":
            var, _, default = value.partition("=")
            params[var.strip().lstrip("?")] = default.strip().strip('"')
    if not title or not question:
        raise QueryError(f"{path}: a library query starts with '# title:' and '# question:' comments")
    return LibraryQuery(path.stem, title, question, text, params, path)


def library(folder: Path = QUERY_LIBRARY) -> dict[str, LibraryQuery]:
    """Every query of the library, by name."""
    return {q.name: q for q in (read_library_query(p) for p in sorted(folder.glob("*.rq")))}


# --- engines -----------------------------------------------------------------------------

@dataclass
class Result:
    """A query's answer: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False


class OxigraphEngine:
    """pyoxigraph's in-memory store; the default graph is the union of the named graphs."""

    name = "oxigraph"

    def __init__(self, trig: Path | None = None, store: ox.Store | None = None):
        self.store = store if store is not None else ox.Store()
        if trig is not None:
            self.store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)

    def raw(self, text: str, bindings: dict[str, str] | None = None):
        try:
            return self.store.query(bind_params(text, bindings), use_default_graph_as_union=True, prefixes=PREFIXES)
        except SyntaxError as err:
            raise QueryError(_syntax_message(text, str(err))) from None

    def run(self, text: str, bindings: dict[str, str] | None = None, limit: int | None = None) -> Result:
        answer = self.raw(text, bindings)
        if isinstance(answer, (bool, ox.QueryBoolean)):
            return Result("ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows, truncated = [], False
            for solution in answer:
                if limit is not None and len(rows) >= limit:
                    truncated = True
                    break
                rows.append({v: solution[v] for v in variables})
            return Result("select", variables, rows, truncated=truncated)
        triples = []
        for t in answer:
            if limit is not None and len(triples) >= limit:
                return Result("graph", triples=triples, truncated=True)
            triples.append(t)
        return Result("graph", triples=triples)


class RdflibEngine:
    """rdflib's default in-memory store (the reference toolkit), queried over the union graph."""

    name = "rdflib"

    def __init__(self, trig: Path):
        import rdflib

        self.dataset = rdflib.Dataset(default_union=True)
        self.dataset.parse(trig, format="trig")

    def run(self, text: str, bindings: dict[str, str] | None = None, limit: int | None = None) -> Result:
        from pyparsing import ParseException

        try:
            answer = self.dataset.query(bind_params(text, bindings), initNs=PREFIXES)
        except ParseException as err:
            raise QueryError(_syntax_message(text, f"error at {err.lineno}:{err.col}: {err.msg}")) from None
        if answer.type == "ASK":
            return Result("ask", boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            variables = [str(v) for v in answer.vars]
            rows = [{v: _from_rdflib(row[i]) for i, v in enumerate(variables)} for row in answer]
            return Result("select", variables, rows[:limit] if limit else rows, truncated=bool(limit and len(rows) > limit))
        triples = [ox.Triple(_from_rdflib(s), _from_rdflib(p), _from_rdflib(o)) for s, p, o in answer.graph]
        return Result("graph", triples=triples)


def _from_rdflib(term):
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def open_engine(name: str, trig: Path):
    """An engine over the TriG dataset at `trig`."""
    if name == "oxigraph":
        return OxigraphEngine(trig)
    if name == "rdflib":
        return RdflibEngine(trig)
    raise QueryError(f"unknown engine '{name}' (known: {', '.join(ENGINES)})")


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def bind_params(text: str, bindings: dict[str, str] | None) -> str:
    """The query with its parameters bound by a VALUES block opening the WHERE group.

    Both engines read the same text, and FILTERs in the group see the values (a trailing
    VALUES clause would be joined only after them).
    """
    if not bindings:
        return text
    m = _WHERE.search(text)
    if m is None:
        raise QueryError("a parameterised query needs a WHERE { ... } group to bind its parameters in")
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(str(ox.Literal(v)) for v in bindings.values())
    return f"{text[:m.end()]} VALUES ({names}) {{ ({values}) }} {text[m.end():]}"


_UPDATE = re.compile(r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)


def is_update(text: str) -> bool:
    """True for SPARQL Update requests, which qkg never runs."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return bool(_UPDATE.match(body))


def _syntax_message(text: str, message: str) -> str:
    if is_update(text):
        return "SPARQL Update is not allowed: qkg's graph is read-only"
    m = re.search(r"(\d+):(\d+)", message)
    where = f"line {m.group(1)}, column {m.group(2)}: " if m else ""
    detail = re.sub(r"^error at \d+:\d+:\s*", "", message)
    return f"SPARQL syntax error at {where}{detail}".replace(": :", ":")


def resolve_query(query: str | None, name: str | None, lib: dict[str, LibraryQuery] | None = None) -> tuple[str, dict[str, str]]:
    """The text to run and default bindings: inline SPARQL, a .rq file, or a library name."""
    lib = lib if lib is not None else library()
    if name is not None:
        if name not in lib:
            from rapidfuzz import process
            close = [n for n, s, _ in process.extract(name, list(lib), limit=3) if s >= 50]
            hint = f"; did you mean {', '.join(close)}?" if close else "; `qkg query --list` lists them"
            raise QueryError(f"no library query named '{name}'{hint}")
        q = lib[name]
        return q.text, dict(q.params)
    if query is None:
        raise QueryError("give a query: inline SPARQL, a .rq file, or --name NAME")
    if query.endswith(".rq") or (len(query) < 300 and "\n" not in query and Path(query).is_file()):
        path = Path(query)
        if not path.is_file():
            raise QueryError(f"no such query file: {query}")
        return path.read_text(encoding="utf-8"), {}
    return query, {}


# --- formats ------------------------------------------------------------------------------

FORMATS = ("table", "csv", "tsv", "json")


def _plain(term) -> str:
    return "" if term is None else term.value


def _ntriples(term) -> str:
    return "" if term is None else str(term)


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean})
    bindings = []
    for row in result.rows:
        b = {}
        for var, term in row.items():
            if term is None:
                continue
            if isinstance(term, ox.NamedNode):
                b[var] = {"type": "uri", "value": term.value}
            elif isinstance(term, ox.BlankNode):
                b[var] = {"type": "bnode", "value": term.value}
            else:
                b[var] = {"type": "literal", "value": term.value}
                if term.language:
                    b[var]["xml:lang"] = term.language
                elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                    b[var]["datatype"] = term.datatype.value
        bindings.append(b)
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def to_xml(result: Result) -> str:
    """SPARQL Query Results XML."""
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>")
    if result.kind == "ask":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for var, term in row.items():
                if term is None:
                    continue
                if isinstance(term, ox.NamedNode):
                    inner = f"<uri>{escape(term.value)}</uri>"
                elif isinstance(term, ox.BlankNode):
                    inner = f"<bnode>{escape(term.value)}</bnode>"
                elif term.language:
                    inner = f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
                elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                    inner = f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
                else:
                    inner = f"<literal>{escape(term.value)}</literal>"
                out.append(f"<binding name={quoteattr(var)}>{inner}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def to_csv(result: Result, delimiter: str = ",") -> str:
    """SPARQL 1.1 CSV (plain values) or TSV (N-Triples terms)."""
    out = io.StringIO()
    if delimiter == "\t":
        out.write("\t".join("?" + v for v in result.variables) + "\n")
        for row in result.rows:
            out.write("\t".join(_ntriples(row[v]) for v in result.variables) + "\n")
        return out.getvalue()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_plain(row[v]) for v in result.variables])
    return out.getvalue()


def _short(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):  # the longest namespace wins
            if term.value.startswith(ns):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    return term.value


def to_table(result: Result) -> str:
    """A readable text table; IRIs shortened with the usual prefixes."""
    if result.kind == "ask":
        return "yes" if result.boolean else "no"
    cells = [[_short(row[v]) for v in result.variables] for row in result.rows]
    widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(result.variables)]
    widths = [min(w, 80) for w in widths]

    def line(values):
        return "  ".join(str(v)[:80].ljust(w) for v, w in zip(values, widths)).rstrip()

    lines = [line(result.variables), line("-" * w for w in widths)] + [line(c) for c in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}{', truncated' if result.truncated else ''})")
    return "\n".join(lines)


def render(result: Result, fmt: str) -> str:
    """The result as text in `fmt` (table, csv, tsv, json); graphs are always Turtle."""
    if result.kind == "graph":
        return ox.serialize(sorted(result.triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=iri.PREFIXES).decode()
    if fmt == "json":
        return to_json(result)
    if result.kind == "ask":
        return to_table(result) if fmt == "table" else ("true" if result.boolean else "false")
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_csv(result, "\t")
    return to_table(result)
