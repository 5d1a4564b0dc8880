"""Linked data: what `qkg serve` answers for the graph's own IRIs (`/resource/…`, `/ontology`, `/dataset`)."""

from __future__ import annotations

import html
import json

from kg import iri

BASE = "https://w3id.org/qkg/"


def resource_iri(path: str) -> str | None:
    """The graph IRI a request path stands for (`/resource/method/gptq` -> https://w3id.org/qkg/resource/method/gptq)."""
    rel = path.lstrip("/")
    if not rel.startswith("resource/") or len(rel) <= len("resource/"):
        return None
    return BASE + rel


def describe_query(subject: str) -> str:
    """Every triple about `subject`: as subject, and the statements pointing at it."""
    node = f"<{subject}>"
    return (f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} }} WHERE {{ {{ {node} ?p ?o }} UNION {{ ?s ?q {node} }} }}")


def rows_query(subject: str) -> str:
    """The same triples as rows, for the HTML rendering."""
    node = f"<{subject}>"
    return (f"SELECT ?s ?p ?o WHERE {{ {{ {node} ?p ?o BIND ({node} AS ?s) }} UNION {{ ?s ?p {node} BIND ({node} AS ?o) }} }} "
            "ORDER BY ?p ?s ?o")


def method_page(subject: str) -> str | None:
    """The method page a method IRI has in exports/html (`method/<slug>.html`), as a path under the HTML folder."""
    prefix = iri.RESOURCE + "method/"
    if not subject.startswith(prefix):
        return None
    slug = subject[len(prefix):]
    return f"method/{slug}.html" if slug and "/" not in slug and not slug.startswith(".") else None


def _short(value: str) -> str:
    for prefix, ns in sorted(iri.PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns):]}"
    return value


def _cell(term: dict) -> str:
    value = term["value"]
    if term["type"] == "uri":
        href = "/" + value[len(BASE):] if value.startswith(BASE + "resource/") else value
        safe = href if href.startswith(("/", "http://", "https://")) else "#"
        return f'<a href="{html.escape(safe)}">{html.escape(_short(value))}</a>'
    return html.escape(value)


def render_html(subject: str, results_json: bytes) -> bytes:
    """A small page listing a resource's triples (used when the build wrote no page for it)."""
    data = json.loads(results_json)
    rows = data["results"]["bindings"]
    out_rows = [r for r in rows if r["s"]["value"] == subject]
    in_rows = [r for r in rows if r["s"]["value"] != subject]
    labels = [r["o"]["value"] for r in out_rows if r["p"]["value"] in (iri.PREFIXES["rdfs"] + "label", "http://purl.org/dc/terms/title")]
    title = html.escape(labels[0] if labels else _short(subject))
    body = [f"<h1>{title}</h1>", f"<p><code>{html.escape(subject)}</code></p>", "<table>"]
    body += [f"<tr><th>{_cell(r['p'])}</th><td>{_cell(r['o'])}</td></tr>" for r in out_rows]
    body.append("</table>")
    if in_rows:
        body += ["<h2>Pointing here</h2>", "<table>"]
        body += [f"<tr><td>{_cell(r['s'])}</td><th>{_cell(r['p'])}</th></tr>" for r in in_rows]
        body.append("</table>")
    if data.get("truncated"):
        body.append("<p>(truncated)</p>")
    page = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>' + title + " · qkg</title>"
            "<style>body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem}td,th{text-align:left;vertical-align:top;"
            "padding:.2rem .6rem;border-bottom:1px solid #ddd}</style></head><body>" + "".join(body)
            + '<p>As <a href="?format=ttl">Turtle</a>, <a href="?format=nt">N-Triples</a>, <a href="?format=jsonld">JSON-LD</a>.</p>'
            "</body></html>\n")
    return page.encode("utf-8")
