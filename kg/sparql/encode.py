"""Content negotiation: a query's Result as the bytes of the media type a client accepts."""

from __future__ import annotations

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
}
FORMAT_ALIASES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
                  "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
                  "ntriples": "application/n-triples", "nt": "application/n-triples", "jsonld": "application/ld+json"}


def encode(result, accept: list[str]) -> tuple[int, str, bytes, bool]:
    """(status, content type, body, truncated) for a result, by content negotiation."""
    import pyoxigraph as ox

    from kg import iri
    from kg.sparql.results import render, to_xml

    if result.kind == "graph":
        ctype = negotiate(accept, GRAPH_TYPES, "text/turtle")
        if ctype is None:
            return 406, "text/plain", b"not acceptable: CONSTRUCT/DESCRIBE give text/turtle, application/n-triples or application/ld+json\n", False
        fmt = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}[GRAPH_TYPES[ctype]]
        body = ox.serialize(sorted(result.triples, key=str), format=fmt, prefixes=iri.PREFIXES if fmt is ox.RdfFormat.TURTLE else None)
        return 200, ctype, body, result.truncated
    ctype = negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
    if ctype is None:
        return 406, "text/plain", b"not acceptable: results come as SPARQL JSON, XML, CSV or TSV\n", False
    kind = RESULT_TYPES[ctype]
    body = to_xml(result) if kind == "xml" else render(result, kind)
    return 200, ctype, body.encode("utf-8"), result.truncated


def negotiate(accept: list[str], offered: dict[str, str], default: str) -> str | None:
    """The first offered media type the client accepts (its list best first), `default` for */*, None for none."""
    if not accept or any(a in ("*/*", "") for a in accept):
        return default if not any(a in offered for a in accept) else next(a for a in accept if a in offered)
    for a in accept:
        if a in offered:
            return a
        if a.endswith("/*") and default.startswith(a[:-1]):
            return default
    return None


def accept_list(header: str) -> list[str]:
    """Media types of an Accept header, best first."""
    items = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        items.append((-q, i, fields[0].lower()))
    return [t for _, _, t in sorted(items)]
