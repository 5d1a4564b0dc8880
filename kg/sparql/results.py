"""Query results as text: SPARQL 1.1 JSON, XML, CSV and TSV, and a readable table for terminals."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg import iri
from kg.export.safe_text import XmlCleaner, csv_cell, terminal_safe

# Prefixes every query may use without declaring them: the export's own.
PREFIXES = {**iri.PREFIXES, "qkgr": iri.RESOURCE}


@dataclass
class Result:
    """A query's answer: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False



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
    """SPARQL Query Results XML; characters XML cannot hold are removed, and a comment says how many."""
    from xml.sax.saxutils import escape as _escape
    from xml.sax.saxutils import quoteattr

    clean = XmlCleaner()

    def escape(text: str) -> str:
        return _escape(clean(text))

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
    note = clean.note("qkg")
    if note:
        out.insert(1, f"<!-- {note} -->")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def to_csv(result: Result, delimiter: str = ",", spreadsheet_safe: bool = False) -> str:
    """SPARQL 1.1 CSV (plain values) or TSV (N-Triples terms); `spreadsheet_safe` quotes cells a spreadsheet would run."""
    out = io.StringIO()
    if delimiter == "\t":
        out.write("\t".join("?" + v for v in result.variables) + "\n")
        for row in result.rows:
            out.write("\t".join(_ntriples(row[v]) for v in result.variables) + "\n")
        return out.getvalue()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        cells = [_plain(row[v]) for v in result.variables]
        writer.writerow([csv_cell(c) for c in cells] if spreadsheet_safe else cells)
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
    cells = [[terminal_safe(_short(row[v])) for v in result.variables] for row in result.rows]  # no escape sequence reaches the terminal
    widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(result.variables)]
    widths = [min(w, 80) for w in widths]

    def line(values):
        return "  ".join(str(v)[:80].ljust(w) for v, w in zip(values, widths)).rstrip()

    lines = [line(result.variables), line("-" * w for w in widths)] + [line(c) for c in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}{', truncated' if result.truncated else ''})")
    return "\n".join(lines)


def render(result: Result, fmt: str, spreadsheet_safe: bool = False) -> str:
    """The result as text in `fmt` (table, csv, tsv, json); graphs are always Turtle."""
    if result.kind == "graph":
        return ox.serialize(sorted(result.triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=iri.PREFIXES).decode()
    if fmt == "json":
        return to_json(result)
    if result.kind == "ask":
        return to_table(result) if fmt == "table" else ("true" if result.boolean else "false")
    if fmt == "csv":
        return to_csv(result, spreadsheet_safe=spreadsheet_safe)
    if fmt == "tsv":
        return to_csv(result, "\t")
    return to_table(result)
