"""One page per method (html/method/<slug>.html): what it is, its lineage on a time axis, each edge with
its evidence, the paper's BibTeX and the SPARQL that gives the same facts.

Pages are static HTML with the lineage drawn as inline SVG at build time; they share one small
script and style in html/lib/ and embed only their own neighbourhood, so 250 pages stay small.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kg import iri
from kg.export import bibtex
from kg.export.lineage_svg import date_of, lineage_svg
from kg.export.palette import EDGE_COLOURS
from kg.export.safe_text import esc

TECHNIQUE = iri.ONTOLOGY + "usesTechnique"
SECTIONS = [("builds-on", "Builds on", "extends", "out"), ("built-upon-by", "Built upon by", "extends", "in"),
            ("compares-against", "Compares against", "compares", "out"), ("compared-by", "Compared by", "compares", "in")]


@dataclass
class Lineages:
    """Every method's extends and compares edges, both ways, looked up by method name."""

    methods: list
    out: dict[tuple[str, str], list] = field(default_factory=lambda: defaultdict(list))  # (name, kind) -> edges from it
    into: dict[tuple[str, str], list] = field(default_factory=lambda: defaultdict(list))  # (name, kind) -> edges to it

    @classmethod
    def of(cls, build) -> Lineages:
        lin = cls(list(build.methods))
        for e in build.edges:
            lin.out[(e.source.name, e.kind)].append(e)
            lin.into[(e.target.name, e.kind)].append(e)
        return lin

    def edges(self, m, kind: str, direction: str) -> list:
        found = (self.out if direction == "out" else self.into).get((m.name, kind), [])
        other = (lambda e: e.target) if direction == "out" else (lambda e: e.source)
        return sorted(found, key=lambda e: (other(e).when or (0, 0), other(e).name.lower()))

    def closure(self, m, direction: str) -> list:
        """Ancestors (out) or descendants (in) along extends, nearest first."""
        seen, todo, order = {m.name}, [m], []
        while todo:
            nxt = []
            for cur in todo:
                for e in self.edges(cur, "extends", direction):
                    other = e.target if direction == "out" else e.source
                    if other.name not in seen:
                        seen.add(other.name)
                        order.append(other)
                        nxt.append(other)
            todo = nxt
        return order

    def drawn(self, m) -> tuple[list, list]:
        """The methods and edges a page draws: its whole extends lineage, and the comparisons it takes part in."""
        nodes = {x.name: x for x in [m, *self.closure(m, "out"), *self.closure(m, "in")]}
        lineage = set(nodes)
        edges = [e for name in sorted(lineage) for e in self.out.get((name, "extends"), []) if e.target.name in lineage]
        edges += self.out.get((m.name, "compares"), []) + self.into.get((m.name, "compares"), [])
        for e in edges:
            nodes.setdefault(e.source.name, e.source)
            nodes.setdefault(e.target.name, e.target)
        return list(nodes.values()), edges


def techniques_of(build) -> dict[str, list[str]]:
    """method IRI -> the labels of the techniques it uses (qkg:usesTechnique), when the graph holds any."""
    uses: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    label_p = {"<http://www.w3.org/2004/02/skos/core#prefLabel>", "<http://www.w3.org/2000/01/rdf-schema#label>"}
    for s, triples in build.dataset.by_subject:
        for p, o, _ in triples:
            if p == f"<{TECHNIQUE}>" and o.startswith("<"):
                uses[s[1:-1]].append(o[1:-1])
            elif p in label_p and o.startswith('"'):
                labels.setdefault(s[1:-1], o[1:o.rindex('"')])
    return {m: sorted(labels.get(t, t.rsplit("/", 1)[-1].rsplit("#", 1)[-1]) for t in ts) for m, ts in uses.items()}


def bibtex_entries(build) -> dict[str, str]:
    """paper key -> its BibTeX entry, as qkg.bib writes it (kg/export/bibtex.py makes keys and entries)."""
    names_of: dict[str, list[str]] = defaultdict(list)
    for m in build.methods:
        if m.paper is not None:
            names_of[m.paper.key].append(m.name)
    papers = [m.paper for m in build.methods if m.paper is not None]
    listed = [p for p in build.resolution.papers if not (p.role is not None and p.role.value == "unverified")]
    keys = bibtex.keys(listed, names_of)
    return {p.key: bibtex.entry(p, keys.get(p.key) or bibtex.base_key(p, names_of.get(p.key, [])), build.resolution.venues)
            for p in papers}


def sparql_facts(m) -> str:
    """The SPARQL that gives what the page says the method is: one row."""
    return f"""PREFIX qkg: <{iri.ONTOLOGY}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX fabio: <http://purl.org/spar/fabio/>
SELECT ?label ?title ?authors ?venue ?year ?firstAppeared
       (GROUP_CONCAT(DISTINCT ?category; separator=", ") AS ?categories)
       (GROUP_CONCAT(DISTINCT ?family; separator=", ") AS ?families)
       (GROUP_CONCAT(DISTINCT ?hardware; separator=", ") AS ?targets)
       (GROUP_CONCAT(DISTINCT ?bits; separator=", ") AS ?bitWidths) WHERE {{
  VALUES ?m {{ <{m.iri}> }}
  ?m rdfs:label ?label .
  OPTIONAL {{ ?m qkg:introducedIn ?paper . ?paper dcterms:title ?title .
             OPTIONAL {{ ?paper qkg:authorList ?authors }} OPTIONAL {{ ?paper qkg:publishedIn/rdfs:label ?venue }}
             OPTIONAL {{ ?paper fabio:hasPublicationYear ?year }} OPTIONAL {{ ?paper qkg:firstAppeared ?firstAppeared }} }}
  OPTIONAL {{ ?m qkg:category/skos:prefLabel ?category }}
  OPTIONAL {{ ?m qkg:appliesTo/skos:prefLabel ?family }}
  OPTIONAL {{ ?m qkg:targetsHardware/skos:prefLabel ?hardware }}
  OPTIONAL {{ ?m qkg:bitWidth ?bits }}
}}
GROUP BY ?label ?title ?authors ?venue ?year ?firstAppeared"""


def sparql_for(m) -> str:
    """The SPARQL that lists the same edges the page does, with evidence and location."""
    return f"""PREFIX qkg: <{iri.ONTOLOGY}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?relation ?direction ?other ?evidence ?where WHERE {{
  VALUES ?m {{ <{m.iri}> }}
  ?r a qkg:MethodRelation ; qkg:relationType ?relation ; qkg:evidence ?evidence .
  {{ ?r qkg:relationSource ?m ; qkg:relationTarget ?o . BIND ("out" AS ?direction) }}
  UNION
  {{ ?r qkg:relationTarget ?m ; qkg:relationSource ?o . BIND ("in" AS ?direction) }}
  ?o rdfs:label ?other .
  OPTIONAL {{ ?r qkg:evidenceLocation ?where }}
}}
ORDER BY ?relation ?direction ?other"""


def _fact(label: str, value: str) -> str:
    return f"<dt>{esc(label)}</dt><dd>{value}</dd>" if value else ""


def _link(url: str, text: str) -> str:
    ok = url.startswith("https://") or url.startswith("http://")
    return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text)}</a>' if ok else esc(text)


def _facts(m, build, techniques: list[str]) -> str:
    labels = {kind: s.labels for kind, s in build.schemes.items()}
    p = m.paper
    rows = []
    if p is not None:
        venue = build.resolution.venues.get(str(p.venue.value)) if p.venue.value else None
        rows.append(_fact("paper", esc(p.title.value)))
        rows.append(_fact("authors", esc(", ".join(a.display for a in p.authors.value))))
        rows.append(_fact("venue", esc(f"{venue.name} {p.year.value or ''}".strip() if venue else (p.year.value or ""))))
        rows.append(_fact("first appeared", esc(f"{p.first_appeared} (arXiv {p.arxiv.value})" if p.first_appeared else "")))
        links = []
        if p.arxiv is not None:
            links.append(_link(f"https://arxiv.org/abs/{p.arxiv.value}", f"arXiv:{p.arxiv.value}"))
        if p.doi is not None:
            links.append(_link(f"https://doi.org/{p.doi.value}", f"DOI:{p.doi.value}"))
        rows.append(_fact("links", " ".join(links)))
        rows.append(_fact("code", " ".join(_link(u, u.split("://", 1)[-1]) for u in p.links("code"))))
    for kind, title, values in (("category", "categories", m.categories), ("family", "families", m.families),
                                ("hardware", "hardware", m.hardware)):
        rows.append(_fact(title, esc(", ".join(labels.get(kind, {}).get(v, v) for v in values))))
    rows.append(_fact("bit-widths", esc(", ".join(m.bits))))
    rows.append(_fact("techniques", esc(", ".join(techniques))))
    rows.append(_fact("also called", esc(", ".join(m.aliases))))
    rows.append(_fact("about", esc(m.evidence)))
    rows.append(_fact("source", esc(m.where)))
    return '<dl class="facts">' + "".join(rows) + "</dl>"


def _edge_item(item: str, e, direction: str) -> str:
    other = e.target if direction == "out" else e.source
    where = [f"shown in {e.where}" if e.where else "", f"from {e.origin}"]
    return (f'<li id="{item}" class="{e.kind}"><a href="{esc(iri.slug(other.name))}.html">{esc(other.name)}</a> '
            f'<span class="date">{esc(date_of(other))}</span><p class="evidence">{esc(e.evidence)}</p>'
            f'<p class="where">{esc("; ".join(w for w in where if w))}</p></li>')


def render(m, build, lin: Lineages, bib: str | None, techniques: list[str]) -> str:
    """The whole page of one method."""
    nodes, drawn = lin.drawn(m)
    ids: dict[int, str] = {}
    sections = []
    for anchor, title, kind, direction in SECTIONS:
        edges = lin.edges(m, kind, direction)
        items = []
        for i, e in enumerate(edges):
            item = f"{anchor}-{i}"
            ids[id(e)] = item
            items.append(_edge_item(item, e, direction))
        body = f'<ul class="edges">{"".join(items)}</ul>' if items else '<p class="none">none in the graph</p>'
        sections.append(f'<section id="{anchor}"><h2>{title} <span class="count">({len(edges)})</span></h2>{body}</section>')
    for e in drawn:  # lineage edges not touching this method point at their own method's page
        ids.setdefault(id(e), "")
    svg = lineage_svg(m, nodes, [(ids[id(e)], e) for e in drawn])
    ancestors, descendants = len(lin.closure(m, "out")), len(lin.closure(m, "in"))
    legend = (f'<p class="legend"><span class="key extends" style="border-color:{EDGE_COLOURS["extends"]}"></span> A → B: A builds on B '
              f'(qkg:extends) <span class="key compares" style="border-color:{EDGE_COLOURS["compares"]}"></span> A ⇢ B: A compares '
              f"against B (qkg:compares). Time runs left to right (first appearance); discs are coloured by category. "
              f"Hover or click an edge for its evidence; click a method to open its page.</p>")
    bib_html = f'<section id="cite"><h2>Cite</h2><pre class="bibtex">{esc(bib)}</pre></section>' if bib else ""
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{esc(m.name)}: qkg</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="stylesheet" href="../lib/qkg-method.css"></head><body class="qkg-method">',
        '<nav><a href="../views.html">All methods and views</a> <a href="../index.html">Whole graph</a></nav>',
        f'<h1 data-iri="{esc(m.iri)}">{esc(m.name)}</h1>', _facts(m, build, techniques),
        f'<section id="lineage"><h2>Lineage <span class="count">({ancestors} ancestors, {descendants} descendants, '
        f'{len(lin.edges(m, "compares", "out")) + len(lin.edges(m, "compares", "in"))} comparisons)</span></h2>{legend}'
        f'<div class="canvas">{svg}</div><div id="edge-info" role="status" hidden></div></section>',
        *sections, bib_html,
        f'<section id="sparql"><h2>SPARQL</h2><p>The same facts from the graph (<code>qkg query</code> or the endpoint): '
        f'what the method is,</p><pre class="sparql facts">{esc(sparql_facts(m))}</pre>'
        f'<p>and its edges, with their evidence:</p><pre class="sparql edges">{esc(sparql_for(m))}</pre></section>',
        '<script src="../lib/qkg-method.js"></script>', "</body></html>", ""])


def write(build, staging) -> list[dict]:
    """Write html/method/<slug>.html for every method; returns the index entries for views.html."""
    lin = Lineages.of(build)
    bibs = bibtex_entries(build)
    techniques = techniques_of(build)
    entries = []
    for m in sorted(build.methods, key=lambda m: iri.slug(m.name)):
        slug = iri.slug(m.name)
        bib = bibs.get(m.paper.key) if m.paper is not None else None
        staging.write_text(f"html/method/{slug}.html", render(m, build, lin, bib, techniques.get(m.iri, [])))
        counts = [len(lin.edges(m, kind, d)) for _, _, kind, d in SECTIONS]
        entries.append({"name": m.name, "aliases": list(m.aliases), "slug": slug, "date": date_of(m), "counts": counts,
                        "categories": list(m.categories)})
    return entries
