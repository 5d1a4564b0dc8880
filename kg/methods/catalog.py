"""Methods: curated records first, then names taken from titles ('BRECQ: Pushing ...' -> BRECQ)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import process

from kg import iri
from kg.curated.load import Curated, Located, MethodRecord, Role, name_key
from kg.methods.schemes import Scheme
from kg.methods.title_rule import names_a_method, stop_names
from kg.resolve import Paper, PaperIndex

NON_METHOD_ROLES = {Role.survey, Role.hardware, Role.framework, Role.benchmark, Role.architecture, Role.other, Role.unverified}


class MethodError(Exception):
    """A curated method or relation that names something unknown; one line naming file and record."""


@dataclass
class Method:
    """A quantization method and the paper that introduced it."""

    name: str
    paper: Paper | None
    aliases: list[str] = field(default_factory=list)
    listed: bool = True
    categories: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    hardware: list[str] = field(default_factory=list)
    bits: list[str] = field(default_factory=list)
    granularity: list[str] = field(default_factory=list)
    evidence: str = ""
    curated: Located | None = None  # None: named after its paper's title by the title rule

    @property
    def iri(self) -> str:
        return iri.method(self.name)

    @property
    def year(self) -> int | None:
        return self.paper.year.value if self.paper is not None else None  # type: ignore[return-value]

    @property
    def first_appeared(self) -> str | None:
        """'YYYY-MM' of its paper's arXiv id, when it has one."""
        return self.paper.first_appeared if self.paper is not None else None

    @property
    def when(self) -> tuple[int, int] | None:
        """(year, month) for timelines: the arXiv month when known, else (venue year, 0)."""
        return self.paper.when if self.paper is not None else None

    @property
    def where(self) -> str:
        return self.curated.where if self.curated else (self.paper.records[0].where if self.paper and self.paper.records else "")


class MethodIndex:
    """Look methods up by name or alias, case-insensitively."""

    def __init__(self, methods: list[Method]):
        self.methods = list(methods)
        self._by_key: dict[str, Method] = {}
        for m in methods:
            self._index(m)

    def _index(self, m: Method) -> None:
        for n in (m.name, *m.aliases):
            self._by_key.setdefault(name_key(n), m)

    def add(self, m: Method) -> None:
        self.methods.append(m)
        self._index(m)

    def get(self, name: str) -> Method | None:
        return self._by_key.get(name_key(name))

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The closest known names, for 'did you mean' messages."""
        names = sorted({m.name for m in self.methods})
        return [n for n, score, _ in process.extract(name, names, limit=limit) if score >= 50]


def _check_ids(loc: Located, field_name: str, values: list[str], scheme: Scheme) -> None:
    for v in values:
        if v not in scheme.labels:
            known = ", ".join(sorted(scheme.labels))
            raise MethodError(f"{loc.where}: method '{loc.record.name}': {field_name}: unknown {scheme.kind} '{v}' (known: {known})")


def build_methods(papers: list[Paper], curated: Curated, schemes: dict[str, Scheme]) -> list[Method]:
    """Curated methods linked to their papers, plus one method per remaining title-named paper."""
    methods: list[Method] = []
    papers_with_method: set[str] = set()
    paper_index = PaperIndex(papers)
    for loc in curated.methods:
        rec: MethodRecord = loc.record
        _check_ids(loc, "categories", rec.categories, schemes["category"])
        _check_ids(loc, "families", rec.families, schemes["family"])
        _check_ids(loc, "hardware", rec.hardware, schemes["hardware"])
        paper = None
        if rec.paper is not None:
            paper = paper_index.require(rec.paper, f"{loc.where}: method '{rec.name}'")
            papers_with_method.add(paper.key)
        methods.append(Method(
            name=rec.name, paper=paper, aliases=list(rec.aliases), listed=rec.listed,
            categories=list(rec.categories), families=list(rec.families), hardware=list(rec.hardware),
            bits=list(rec.bits), granularity=[g.value for g in rec.granularity], evidence=rec.evidence, curated=loc,
        ))
    index = MethodIndex(methods)
    stop = stop_names(curated.not_methods)
    for paper in papers:
        if paper.key in papers_with_method or paper.role in NON_METHOD_ROLES or not paper.records:
            continue
        names = [n for n in paper.derived_method_names if names_a_method(n, str(paper.title.value), stop)]
        if not names:
            continue
        name = max(names, key=lambda n: (sum(c.isupper() for c in n), n))
        if index.get(name) is not None:
            continue  # a curated method owns this name; two papers must not share one method
        method = Method(name=name, paper=paper, aliases=sorted({n for n in names if n != name}))
        methods.append(method)
        index.add(method)
    _check_slugs(methods)
    return sorted(methods, key=lambda m: iri.slug(m.name))


def _check_slugs(methods: list[Method]) -> None:
    seen: dict[str, Method] = {}
    for m in methods:
        s = iri.slug(m.name)
        if s in seen:
            other = seen[s]
            raise MethodError(f"{m.where}: method '{m.name}': its IRI would equal that of '{other.name}' ({other.where}); rename one")
        seen[s] = m


def methods_by_paper(methods: list[Method]) -> dict[str, list[Method]]:
    """paper key -> the methods it introduced."""
    out: dict[str, list[Method]] = {}
    for m in methods:
        if m.paper is not None:
            out.setdefault(m.paper.key, []).append(m)
    return out
