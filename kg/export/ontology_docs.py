"""exports/ontology/index.html: documentation of the ontology's classes and properties, from ontology/qkg.ttl.

(pyLODE would do this, but its PyPI release cannot be imported; this page is small and offline.)
"""

from __future__ import annotations

import html

import pyoxigraph as ox

from kg import iri
from kg.export.staging import Staging

RDF, RDFS, OWL = iri.PREFIXES["rdf"], iri.PREFIXES["rdfs"], iri.PREFIXES["owl"]


def _short(term) -> str:
    value = term.value if hasattr(term, "value") else str(term)
    for prefix, ns in sorted(iri.PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns):]}"
    return value


def write(build, staging: Staging) -> None:
    store = ox.Store()
    store.bulk_load(path=str(build.layout.ontology / "qkg.ttl"), format=ox.RdfFormat.TURTLE)

    def values(s, p):
        return sorted((q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None, None)), key=str)

    def terms(kind):
        return sorted({q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(kind), None)
                       if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(iri.ONTOLOGY)}, key=lambda t: t.value)

    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>qkg ontology</title>',
             "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
             "dt{font-weight:600;margin-top:1rem}code{background:#f4f4f4;padding:0 .2rem}.meta{color:#555}</style></head><body>",
             "<h1>qkg ontology</h1>", f"<p>Namespace <code>{html.escape(iri.ONTOLOGY)}</code> (prefix <code>qkg:</code>). "
             "These names are a public contract: queries rely on them.</p>"]
    for title, kinds in (("Classes", [OWL + "Class"]), ("Object properties", [OWL + "ObjectProperty"]),
                         ("Data properties", [OWL + "DatatypeProperty"])):
        items = sorted({t for k in kinds for t in terms(k)}, key=lambda t: t.value)
        parts.append(f"<h2>{title} ({len(items)})</h2><dl>")
        for t in items:
            local = t.value[len(iri.ONTOLOGY):]
            label = " ".join(v.value for v in values(t, RDFS + "label"))
            comment = " ".join(v.value for v in values(t, RDFS + "comment"))
            meta = []
            for name, p in (("subclass of", RDFS + "subClassOf"), ("sub-property of", RDFS + "subPropertyOf"),
                            ("domain", RDFS + "domain"), ("range", RDFS + "range")):
                vs = values(t, p)
                if vs:
                    meta.append(f"{name} " + ", ".join(f"<code>{html.escape(_short(v))}</code>" for v in vs))
            parts.append(f'<dt id="{html.escape(local)}"><code>qkg:{html.escape(local)}</code> — {html.escape(label)}</dt>')
            parts.append(f"<dd>{html.escape(comment)}" + (f'<div class="meta">{"; ".join(meta)}</div>' if meta else "") + "</dd>")
        parts.append("</dl>")
    parts.append("</body></html>")
    staging.write_text("ontology/index.html", "\n".join(parts) + "\n")
