"""Build the RDF dataset: papers, methods, edges, sources, conflicts, each fact in the graph it came from.

Named graphs: one per source list (what that list supports), `graph/curated` (curated data and
the SKOS schemes), `graph/derived` (title-named methods, rule edges, conflicts). Every triple
stands in exactly one graph, so the union (qkg.ttl) and the TriG hold the same triples.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from functools import cache
from operator import itemgetter
from typing import BinaryIO

from kg import iri
from kg.curated.load import Curated
from kg.methods.catalog import Method
from kg.methods.relations import Edge
from kg.methods.rules import RULES
from kg.methods.schemes import Scheme
from kg.methods.techniques import TechniqueUse
from kg.model import Person, Record
from kg.parse import ParseResult
from kg.resolve import Paper, Resolution, Value, person_key
from kg.resolve.conflicts import Conflict

P = iri.PREFIXES
XSD = P["xsd"]


@cache
def N(value: str) -> str:
    """An IRI term in N-Triples form. qkg mints its IRIs from safe characters; outside URLs go through link()."""
    return f"<{value}>"


@cache
def Q(name: str) -> str:
    return N(iri.ONTOLOGY + name)


@cache
def T(prefix: str, name: str) -> str:
    return N(P[prefix] + name)


RDF_TYPE = T("rdf", "type")
LABEL = T("rdfs", "label")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')  # most text has none: a search is much cheaper than translate


def lit(value: object, datatype: str | None = None, language: str | None = None) -> str:
    """A literal in N-Triples form: strings plain, ints xsd:integer, bools xsd:boolean, or the datatype given."""
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"^^<{XSD}boolean>'
    if isinstance(value, int) and datatype is None:
        return f'"{value}"^^<{XSD}integer>'
    text = str(value)
    text = f'"{text.translate(_ESCAPES) if _NEEDS_ESCAPE.search(text) else text}"'
    if language:
        return f"{text}@{language}"
    return f"{text}^^<{XSD}{datatype}>" if datatype else text


# Characters an IRIREF may not hold (RFC 3987 as N-Triples restricts it); a URL with one is reported, not written.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_HTTP = re.compile(r"^https?://[^/]", re.I)


class Dataset:
    """Triples in N-Triples form, grouped by subject, and the one named graph each belongs to
    (first writer wins, in build order).

    Built with add(); the first read of by_subject freezes it: each subject's triples are sorted
    and deduplicated once, and the exports, the validator and the statistics walk the groups in
    that order. (predicate, object, graph) tuples share their terms: a third less memory than
    one string per triple, and half a million short sorts instead of one of five million.
    """

    def __init__(self) -> None:
        self.bad_links: list[str] = []
        self._building: dict[str, list[tuple[str, str, str]]] | None = {}  # "<s>" -> [("<p>", "o", "<graph>")]
        self._groups: list[tuple[str, list[tuple[str, str, str]]]] = []
        self._count = 0

    def add(self, s: str, p: str, o: str, graph: str) -> None:
        if self._building is None:
            raise RuntimeError("the dataset is frozen: its triples were already sorted for export")
        of_subject = self._building.get(s)
        if of_subject is None:
            of_subject = self._building[s] = []
        of_subject.append((p, o, N(graph)))

    def link(self, s: str, p: str, url: str, graph: str) -> None:
        """Add an outside URL as an IRI; one that is not a valid absolute IRI is reported, not written."""
        if _BAD_IRI.search(url) or not _HTTP.match(url):  # only web pages: never javascript:, data: or file:
            self.bad_links.append(url)
            return
        self.add(s, p, N(url), graph)

    @property
    def by_subject(self) -> list[tuple[str, list[tuple[str, str, str]]]]:
        """(subject, its (predicate, object, graph) triples), in the order of every export: N-Triples line order."""
        if self._building is not None:
            building, self._building = self._building, None
            # Sorting subjects gives line order: where one subject starts another ("_:b1", "_:b10"),
            # the space after it sorts below any character a term can go on with. Likewise predicates.
            for subject in sorted(building):
                triples = building.pop(subject)
                triples.sort(key=_PREDICATE_OBJECT)  # stable: of equal triples, the first added comes first
                unique = [t for t, before in zip(triples, [_NONE, *triples]) if t[1] != before[1] or t[0] != before[0]]
                self._groups.append((subject, unique))
                self._count += len(unique)
        return self._groups

    def write(self, ntriples: BinaryIO, graph_file: Callable[[str], BinaryIO] | None = None) -> None:
        """The union graph as N-Triples to `ntriples`, in order and in chunks (never one huge string);
        with graph_file, each named graph's quads to graph_file(graph) in the same pass."""
        union: list[str] = []
        quads: dict[str, list[str]] = {}
        pending = 0
        for s, triples in self.by_subject:
            for p, o, g in triples:
                line = f"{s} {p} {o}"
                union.append(line)
                if graph_file is not None:
                    quads.setdefault(g, []).append(line)
            pending += len(triples)
            if pending > _CHUNK:
                _flush(ntriples, graph_file, union, quads)
                pending = 0
        _flush(ntriples, graph_file, union, quads)

    @property
    def ntriples(self) -> bytes:
        buffer = io.BytesIO()
        self.write(buffer)
        return buffer.getvalue()

    def __len__(self) -> int:
        if self._building is not None:
            return len({(s, p, o) for s, triples in self._building.items() for p, o, _ in triples})
        return self._count


def types_in(triples: Sequence[tuple]) -> Sequence[tuple]:
    """The rdf:type triples among one subject's (predicate, object, ...) triples: together, as those are sorted."""
    start = bisect_left(triples, RDF_TYPE, key=_PREDICATE)
    return triples[start:bisect_right(triples, RDF_TYPE, lo=start, key=_PREDICATE)]


_CHUNK = 50_000
_PREDICATE = itemgetter(0)
_PREDICATE_OBJECT = itemgetter(0, 1)
_NONE = ("", "", "")  # what the first triple of a subject is compared with


def _flush(ntriples: BinaryIO, graph_file: Callable[[str], BinaryIO] | None, union: list[str], quads: dict[str, list[str]]) -> None:
    if union:
        ntriples.write((" .\n".join(union) + " .\n").encode("utf-8"))
        union.clear()
    for g, lines in quads.items():  # filled only when there is a graph_file
        if lines and graph_file is not None:
            suffix = f" {g} .\n"
            graph_file(g).write((suffix.join(lines) + suffix).encode("utf-8"))
            lines.clear()


def _graph_of_value(value: Value) -> str:
    if value.curated is not None:
        return iri.GRAPH_CURATED
    if value.records:
        return iri.graph_source(min(r.file for r in value.records))
    return iri.GRAPH_DERIVED


def build_dataset(parsed: ParseResult, resolution: Resolution, methods: list[Method], edges: list[Edge],
                  conflicts: list[Conflict], curated: Curated, schemes: dict[str, Scheme],
                  section_categories: dict[tuple[str, int], set[str]], techniques: list[TechniqueUse] = ()) -> Dataset:
    """The whole graph as a Dataset."""
    ds = Dataset()
    _vocabulary(ds, schemes)
    _venues(ds, resolution)
    _rules(ds)
    _sources(ds, parsed, resolution)
    for paper in resolution.papers:
        _paper(ds, paper, section_categories)
    for method in methods:
        _method(ds, method)
    for edge in edges:
        _edge(ds, edge)
    for use in techniques:
        _technique_use(ds, use)
    for conflict in conflicts:
        _conflict(ds, conflict)
    return ds


def _vocabulary(ds: Dataset, schemes: dict[str, Scheme]) -> None:
    classes = {"family": "ModelFamily", "hardware": "HardwareTarget", "category": "Category", "technique": "Technique"}
    for kind, scheme in schemes.items():
        for quad in scheme.quads:
            ds.add(str(quad.subject), str(quad.predicate), str(quad.object), iri.GRAPH_CURATED)
        for local, label in scheme.labels.items():
            node = N(iri.concept(kind, local))
            ds.add(node, RDF_TYPE, Q(classes[kind]), iri.GRAPH_CURATED)
            ds.add(node, LABEL, lit(label, language="en"), iri.GRAPH_CURATED)


def _venues(ds: Dataset, resolution: Resolution) -> None:
    used = {p.venue.value for p in resolution.papers if p.venue.value}
    for key in sorted(used):
        venue = resolution.venues.get(str(key))
        node = N(iri.venue(venue.key))
        graph = iri.GRAPH_CURATED if venue.known else iri.GRAPH_DERIVED
        ds.add(node, RDF_TYPE, Q("Venue"), graph)
        ds.add(node, LABEL, lit(venue.key), graph)
        ds.add(node, T("foaf", "name"), lit(venue.name), graph)
        ds.add(node, Q("venueKind"), lit(venue.kind), graph)


TITLE_RULE_COMMENT = "A paper titled 'Name: ...' introduces the method Name, unless curated data says otherwise."


def _rules(ds: Dataset) -> None:
    node = N(iri.rule("title-prefix"))
    ds.add(node, RDF_TYPE, Q("Rule"), iri.GRAPH_DERIVED)
    ds.add(node, LABEL, lit("title-prefix"), iri.GRAPH_DERIVED)
    ds.add(node, T("rdfs", "comment"), lit(TITLE_RULE_COMMENT), iri.GRAPH_DERIVED)
    for rule in RULES:
        node = N(iri.rule(rule.name))
        ds.add(node, RDF_TYPE, Q("Rule"), iri.GRAPH_DERIVED)
        ds.add(node, LABEL, lit(rule.name), iri.GRAPH_DERIVED)
        ds.add(node, T("rdfs", "comment"), lit(rule.comment), iri.GRAPH_DERIVED)


def _sources(ds: Dataset, parsed: ParseResult, resolution: Resolution) -> None:
    paper_of: dict[tuple[str, int], str] = {(r.file, r.line): p.key for p in resolution.papers for r in p.records}
    files = sorted(parsed.layouts)
    for file in files:
        g = iri.graph_source(file)
        node = N(iri.source(file))
        ds.add(node, RDF_TYPE, Q("SourceList"), g)
        ds.add(node, LABEL, lit(file), g)
        ds.add(node, Q("fileName"), lit(file), g)
        ds.add(node, Q("layout"), lit(parsed.layout_of(file)), g)
        ds.add(node, Q("entryCount"), lit(sum(parsed.layouts[file].values())), g)
    for r in parsed.records:
        _source_record(ds, r, paper_of.get((r.file, r.line)))


def _source_record(ds: Dataset, r: Record, paper_key: str | None) -> None:
    g = iri.graph_source(r.file)
    node = N(iri.record(r.file, r.line))
    ds.add(node, RDF_TYPE, Q("SourceRecord"), g)
    ds.add(node, LABEL, lit(f"{r.file}:{r.line}"), g)
    ds.add(node, Q("inList"), N(iri.source(r.file)), g)  # a sub-property of prov:wasQuotedFrom
    ds.add(node, Q("line"), lit(r.line), g)
    ds.add(node, Q("claimedTitle"), lit(r.title), g)
    if r.authors:
        ds.add(node, Q("claimedAuthors"), lit(", ".join(a.display for a in r.authors) + (", et al." if r.authors_truncated else "")), g)
    if r.venue:
        ds.add(node, Q("claimedVenue"), lit(r.venue), g)
    if r.year:
        ds.add(node, Q("claimedYear"), lit(r.year, "gYear"), g)
    if r.arxiv:
        ds.add(node, Q("claimedArxivId"), lit(r.arxiv), g)
    for s in r.sections:
        ds.add(node, Q("section"), lit(s), g)
    for t in r.tags:
        ds.add(node, Q("tag"), lit(t), g)
    for column, value in r.facts:
        if column in FACT_PROPERTIES:
            ds.add(node, Q(FACT_PROPERTIES[column]), lit(value), g)
    if paper_key:
        ds.add(node, Q("describes"), N(iri.paper(paper_key)), g)


# A list's extra columns (kg.parse.html_table.FACT_COLUMNS) -> the SourceRecord property that keeps them as written.
FACT_PROPERTIES = {"bits": "claimedBitSetting", "quantizer": "claimedQuantizer", "finetune": "claimedFineTuning",
                   "task": "claimedTask", "special": "claimedTechnique"}


def _person(ds: Dataset, person: Person, graph: str) -> str:
    node = N(iri.person(person_key(person) or "unknown"))
    ds.add(node, RDF_TYPE, T("foaf", "Person"), graph)
    ds.add(node, T("foaf", "name"), lit(person.display), graph)
    ds.add(node, T("foaf", "familyName"), lit(person.family), graph)
    ds.add(node, LABEL, lit(person.display), graph)
    return node


def _paper(ds: Dataset, paper: Paper, section_categories: dict[tuple[str, int], set[str]]) -> None:
    node = N(iri.paper(paper.key))
    first_graph = iri.graph_source(paper.records[0].file) if paper.records else iri.GRAPH_CURATED
    ds.add(node, RDF_TYPE, Q("Paper"), first_graph)
    g_title = _graph_of_value(paper.title)
    ds.add(node, T("dcterms", "title"), lit(paper.title.value), g_title)
    ds.add(node, LABEL, lit(paper.title.value), g_title)
    for variant in paper.title_variants:
        if variant != paper.title.value:
            ds.add(node, Q("titleVariant"), lit(variant), iri.graph_source(next(r.file for r in paper.records if r.title == variant)))
    if paper.authors.value:
        g = _graph_of_value(paper.authors)
        names = []
        for person in paper.authors.value:  # type: ignore[union-attr]
            ds.add(node, T("dcterms", "creator"), _person(ds, person, g), g)
            names.append(person.display)
        ds.add(node, Q("authorList"), lit(", ".join(names)), g)
    if paper.year.value:
        ds.add(node, T("fabio", "hasPublicationYear"), lit(paper.year.value, "gYear"), _graph_of_value(paper.year))
    if paper.venue.value:
        ds.add(node, Q("publishedIn"), N(iri.venue(str(paper.venue.value))), _graph_of_value(paper.venue))
    if paper.arxiv is not None:
        g = _graph_of_value(paper.arxiv)
        ds.add(node, Q("arxivId"), lit(paper.arxiv.value), g)
        if paper.first_appeared is not None:
            ds.add(node, Q("firstAppeared"), lit(paper.first_appeared, "gYearMonth"), g)
        ds.link(node, T("foaf", "page"), f"https://arxiv.org/abs/{paper.arxiv.value}", g)
    if paper.doi is not None:
        g = _graph_of_value(paper.doi)
        ds.add(node, T("bibo", "doi"), lit(paper.doi.value), g)
        ds.link(node, T("foaf", "page"), f"https://doi.org/{paper.doi.value}", g)
    if paper.role is not None:
        ds.add(node, Q("role"), lit(paper.role.value), iri.GRAPH_CURATED)
    if not paper.listed:  # absent means the lists carry it
        ds.add(node, Q("listed"), lit(False), iri.GRAPH_CURATED)
    for r in paper.records:
        g = iri.graph_source(r.file)
        ds.add(node, Q("listedIn"), N(iri.source(r.file)), g)
        for kind, urls in r.links.items():
            if kind in ("arxiv", "doi"):
                continue
            for url in urls:
                ds.link(node, Q("codeRepository") if kind == "code" else T("foaf", "page"), url, g)
        for cat in sorted(section_categories.get((r.file, r.line), ())):
            ds.add(node, T("dcterms", "subject"), N(iri.concept("category", cat)), g)


def _method(ds: Dataset, m: Method) -> None:
    node = N(m.iri)
    g = iri.GRAPH_CURATED if m.curated else iri.GRAPH_DERIVED
    ds.add(node, RDF_TYPE, Q("Method"), g)
    ds.add(node, LABEL, lit(m.name), g)
    ds.add(node, T("skos", "prefLabel"), lit(m.name), g)
    for alias in m.aliases:
        ds.add(node, T("skos", "altLabel"), lit(alias), g)
    if not m.listed:
        ds.add(node, Q("listed"), lit(False), g)
    if m.paper is not None:
        ds.add(node, Q("introducedIn"), N(iri.paper(m.paper.key)), g)
    if m.curated is None:
        ds.add(node, T("prov", "wasGeneratedBy"), N(iri.rule("title-prefix")), g)
        ds.add(node, Q("derivedFromTitle"), lit(True), g)  # so a query can leave derived methods out in one pattern
        return
    ds.add(node, Q("curatedAt"), lit(m.curated.where), g)
    ds.add(node, Q("evidence"), lit(m.evidence), g)
    for cat in m.categories:
        ds.add(node, Q("category"), N(iri.concept("category", cat)), g)
    for fam in m.families:
        ds.add(node, Q("appliesTo"), N(iri.concept("family", fam)), g)
    for hw in m.hardware:
        ds.add(node, Q("targetsHardware"), N(iri.concept("hardware", hw)), g)
    for b in m.bits:
        ds.add(node, Q("bitWidth"), lit(b), g)
    for gr in m.granularity:
        ds.add(node, Q("granularity"), lit(gr), g)


def _edge(ds: Dataset, e: Edge) -> None:
    g = iri.GRAPH_CURATED if e.curated else iri.GRAPH_DERIVED
    ds.add(N(e.source.iri), Q(e.kind), N(e.target.iri), g)
    node = N(iri.relation(e.source.name, e.kind, e.target.name))
    ds.add(node, RDF_TYPE, Q("MethodRelation"), g)
    ds.add(node, LABEL, lit(f"{e.source.name} {e.kind} {e.target.name}"), g)
    ds.add(node, Q("relationSource"), N(e.source.iri), g)
    ds.add(node, Q("relationTarget"), N(e.target.iri), g)
    ds.add(node, Q("relationType"), Q(e.kind), g)
    ds.add(node, Q("evidence"), lit(e.evidence), g)
    if e.where:
        ds.add(node, Q("evidenceLocation"), lit(e.where), g)
    if e.curated:
        ds.add(node, Q("curatedAt"), lit(e.curated.where), g)
    else:
        ds.add(node, T("prov", "wasGeneratedBy"), N(iri.rule(e.rule.name)), g)  # type: ignore[union-attr]


def _technique_use(ds: Dataset, u: TechniqueUse) -> None:
    g = iri.GRAPH_CURATED
    technique = N(iri.concept("technique", u.technique))
    ds.add(N(u.method.iri), Q("usesTechnique"), technique, g)
    node = N(iri.technique_use(u.method.name, u.technique))
    ds.add(node, RDF_TYPE, Q("TechniqueUse"), g)
    ds.add(node, LABEL, lit(f"{u.method.name} uses {u.technique}"), g)
    ds.add(node, Q("usingMethod"), N(u.method.iri), g)
    ds.add(node, Q("technique"), technique, g)
    ds.add(node, Q("evidence"), lit(u.evidence), g)
    if u.where:
        ds.add(node, Q("evidenceLocation"), lit(u.where), g)
    ds.add(node, Q("curatedAt"), lit(u.curated.where), g)


def _conflict(ds: Dataset, c: Conflict) -> None:
    g = iri.GRAPH_DERIVED
    node = N(iri.conflict(c.id))
    ds.add(node, RDF_TYPE, Q("Conflict"), g)
    ds.add(node, LABEL, lit(f"{c.kind} conflict: {c.title}"), g)
    ds.add(node, Q("conflictKind"), lit(c.kind), g)
    ds.add(node, Q("aboutPaper"), N(iri.paper(c.paper_key)), g)
    ds.add(node, Q("paperTitle"), lit(c.title), g)
    for v in c.variants:
        ds.add(node, Q("titleVariant"), lit(v), g)
    for m in c.methods:
        ds.add(node, Q("methodName"), lit(m), g)
    ds.add(node, Q("status"), lit(c.status), g)
    ds.add(node, Q("resolution"), lit(c.resolution), g)
    if c.chosen:
        ds.add(node, Q("chosenValue"), lit(c.chosen), g)
    if c.resolved_by:
        ds.add(node, Q("resolvedBy"), lit(c.resolved_by), g)
    for i, claim in enumerate(c.claims, 1):
        cnode = N(f"{iri.conflict(c.id)}/claim-{i}")
        ds.add(node, Q("claim"), cnode, g)
        ds.add(cnode, RDF_TYPE, Q("Claim"), g)
        ds.add(cnode, Q("claimedValue"), lit(claim.value), g)
        ds.add(cnode, Q("inList"), N(iri.source(claim.file)), g)
        ds.add(cnode, Q("line"), lit(claim.line), g)
        ds.add(cnode, LABEL, lit(f"{claim.where}: {claim.value}"), g)
        if claim.line:
            ds.add(cnode, Q("atRecord"), N(iri.record(claim.file, claim.line)), g)


