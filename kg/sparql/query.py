"""SPARQL over the built graph: the query library, two engines (Oxigraph, rdflib), and result formats.

Both engines read the same TriG dataset and query the union of its graphs by default, so a
query gives the same rows whichever runs it; a test compares them row by row.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.paths import QUERY_LIBRARY
from kg.sparql.guard import Limits, refusal
from kg.sparql.results import PREFIXES, Result

ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"  # chosen by measurement: see README "Two engines, one answer"


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

_STACK_BYTES = 512 << 20  # Oxigraph parses and evaluates recursively: at 8 MB a few thousand nested terms overflow (segfault)


def on_big_stack(fn, *args):
    """fn(*args) on a thread with a 512 MB stack (address space, touched only as deep as a query goes); re-raises its error."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = fn(*args)
        except BaseException as err:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = err

    previous = threading.stack_size(_STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name="qkg-query", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


class _Engine:
    """What both engines share: the checks a query passes, and parameters bound by name."""

    limits = Limits()

    def prepare(self, text: str, bindings: dict[str, str] | None) -> str:
        """The text to run: refused if over a limit; method-name parameters matched by label or alias, any case."""
        reason = refusal(text, self.limits, PREFIXES)
        if reason:
            raise QueryError(reason)
        return bind_params(text, self.canonical_names(text, bindings) if bindings else bindings)

    def canonical_names(self, text: str, bindings: dict[str, str]) -> dict[str, str]:
        """Each value of a parameter that names a method (`rdfs:label ?var`) replaced by that method's label."""
        out = dict(bindings)
        for var, value in bindings.items():
            if not re.search(rf"rdfs:label\s+\?{re.escape(var)}\b", text) or self._labels(_EXACT, value):
                continue
            found = self._labels(_ANY_NAME, value.strip().lower())
            if len(found) == 1:
                out[var] = found[0]
            elif found:
                raise QueryError(f"'{value}' names several methods: {', '.join(found)}; give one of them")
            else:
                raise QueryError(f"no method is named '{value}' (by label or alias, in any case)")
        return out

    def _labels(self, query: str, value: str) -> list[str]:
        result = self.run(query.replace("?value", str(ox.Literal(value))))
        return [r["label"].value for r in result.rows]


# Finding a method by name: its exact label first (an index lookup), else any label or alias in any case (a scan).
_EXACT = "SELECT ?label WHERE { ?m a qkg:Method ; rdfs:label ?value . BIND (?value AS ?label) } LIMIT 1"
_ANY_NAME = """SELECT DISTINCT ?label WHERE {
  ?m a qkg:Method ; rdfs:label ?label .
  { ?m rdfs:label ?n } UNION { ?m skos:altLabel ?n } UNION { ?m skos:prefLabel ?n }
  FILTER (LCASE(STR(?n)) = ?value)
} ORDER BY ?label LIMIT 10"""


class OxigraphEngine(_Engine):
    """pyoxigraph's in-memory store; the default graph is the union of the named graphs."""

    name = "oxigraph"

    def __init__(self, trig: Path | None = None, store: ox.Store | None = None, limits: Limits | None = None):
        self.store = store if store is not None else ox.Store()
        self.limits = limits or Limits()
        if trig is not None:
            self.store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)

    def raw(self, text: str, bindings: dict[str, str] | None = None):
        """Oxigraph's own answer (lazy): the query checked and its parameters bound as given."""
        reason = refusal(text, self.limits, PREFIXES)
        if reason:
            raise QueryError(reason)
        return self._query(bind_params(text, bindings), text)

    def _query(self, bound: str, text: str):
        try:
            return self.store.query(bound, use_default_graph_as_union=True, prefixes=PREFIXES)
        except SyntaxError as err:
            raise QueryError(_syntax_message(text, str(err))) from None

    def run(self, text: str, bindings: dict[str, str] | None = None, limit: int | None = None) -> Result:
        """The answer as a Result, at most `limit` rows; evaluated on a deep stack so no query overflows it."""
        bound = self.prepare(text, bindings)
        return on_big_stack(self._collect, bound, text, limit)

    def _collect(self, bound: str, text: str, limit: int | None) -> Result:
        answer = self._query(bound, text)
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


class RdflibEngine(_Engine):
    """rdflib's default in-memory store (the reference toolkit), queried over the union graph."""

    name = "rdflib"

    def __init__(self, trig: Path, limits: Limits | None = None):
        import rdflib
        import rdflib.plugins.sparql

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM <url> would fetch it over the network
        self.limits = limits or Limits()
        self.dataset = rdflib.Dataset(default_union=True)
        self.dataset.parse(trig, format="trig")

    def run(self, text: str, bindings: dict[str, str] | None = None, limit: int | None = None) -> Result:
        """The answer as a Result, at most `limit` rows."""
        from pyparsing import ParseException

        bound = self.prepare(text, bindings)
        try:
            answer = on_big_stack(lambda: self.dataset.query(bound, initNs=PREFIXES))
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


def open_engine(name: str, trig: Path, limits: Limits | None = None):
    """An engine over the TriG dataset at `trig`."""
    if name == "oxigraph":
        return OxigraphEngine(trig, limits=limits)
    if name == "rdflib":
        return RdflibEngine(trig, limits=limits)
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
    if "Prefix not found" in detail:  # the parser lists every character it would have accepted instead
        prefix = _undeclared_prefix(text, int(m.group(1)), int(m.group(2))) if m else None
        detail = f"undeclared prefix '{prefix}:'" if prefix is not None else "undeclared prefix"
        detail += f" (declare it with PREFIX, or use one of {', '.join(sorted(PREFIXES))})"
    elif len(detail) > 200 or "\n" in detail:
        detail = " ".join(detail.split())[:200] + " ..."
    return f"SPARQL syntax error at {where}{detail}".replace(": :", ":")


def _undeclared_prefix(text: str, line: int, column: int) -> str | None:
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    names = re.findall(r"(?<![\w<?$])([A-Za-z][\w.-]*)?:[\w.-]*", lines[line - 1][:column])  # the last prefixed name before the error
    return names[-1] if names else None


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
    if query.endswith(".rq") or _is_file(query):
        path = Path(query)
        if not _is_file(query):
            raise QueryError(f"no such query file: {query}")
        text = path.read_text(encoding="utf-8")
        return text, dict(_declared_params(text))
    return query, {}


def _is_file(query: str) -> bool:
    """True when `query` names a file; inline SPARQL (any length: a name over 255 bytes is an OSError) is not one."""
    if "\n" in query or "{" in query:
        return False
    try:
        return Path(query).is_file()
    except (OSError, ValueError):
        return False


def _declared_params(text: str) -> dict[str, str]:
    params = {}
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if m and m.group("key") == "param":
            var, _, default = m.group("value").partition("=")
            params[var.strip().lstrip("?")] = default.strip().strip('"')
    return params


def bind_arguments(text: str, defaults: dict[str, str], given: dict[str, str]) -> dict[str, str]:
    """The bindings to run with: defaults overridden by `given`, whose names must be the query's parameters.

    A query that declares parameters (`# param:`) takes only those; one that declares none, any variable it uses.
    """
    for name in given:
        if defaults and name not in defaults:
            raise QueryError(f"unknown parameter '{name}': this query takes {', '.join(sorted(defaults))}")
        if not defaults and not re.search(rf"[?$]{re.escape(name)}\b", text):
            raise QueryError(f"unknown parameter '{name}': the query has no variable ?{name}")
    return {**defaults, **given}
