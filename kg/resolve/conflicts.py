"""Disagreements among the lists, each naming the paper and every claimed value with its file:line."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.curated.load import Curated, Role
from kg.resolve import titles

if TYPE_CHECKING:
    from kg.resolve.paper import Paper
    from kg.resolve.venues import VenueTable

# Categories a paper cannot have at once; a section filing that implies both is a conflict.
EXCLUSIVE = [({"ptq"}, {"qat"}), ({"survey"}, {"ptq", "qat", "mixed-precision", "data-free", "binary-ternary",
                                                 "non-uniform", "hardware-aware", "kv-cache", "weight-only"})]


@dataclass(frozen=True)
class Claim:
    """A value one list states, and where."""

    value: str
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Conflict:
    """One disagreement about one paper."""

    kind: str
    paper_key: str
    title: str
    variants: list[str]
    claims: list[Claim]
    chosen: str
    status: str = "unresolved"  # or "resolved": a curated record decided
    resolution: str = ""
    resolved_by: str = ""  # file:line of the curated record
    methods: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def id(self) -> str:
        suffix = re.sub(r"[^a-z0-9.]+", "-", self.detail.lower()).strip("-")
        return f"{self.paper_key}/{self.kind}" + (f"/{suffix}" if suffix else "")


def _conflict(paper: Paper, kind: str, claims: list[Claim], chosen: object, field_value=None, detail: str = "") -> Conflict:
    c = Conflict(kind=kind, paper_key=paper.key, title=str(paper.title.value), variants=paper.title_variants,
                 claims=sorted(set(claims), key=lambda c: (c.file, c.line, c.value)), chosen=str(chosen or ""), detail=detail)
    if field_value is not None and field_value.curated is not None:
        c.status, c.resolved_by = "resolved", field_value.curated.where
        c.resolution = f"curated correction at {field_value.curated.where}"
    else:
        c.resolution = "value chosen by majority of the lists (no curated correction)"
    return c


def find_conflicts(papers: list[Paper], curated: Curated, venues: VenueTable) -> list[Conflict]:
    """Every disagreement among the records of the lists."""
    out: list[Conflict] = []
    out += _identifier_conflicts(papers)
    for p in papers:
        if not p.records:
            continue
        out += _title_conflicts(p)
        out += _arxiv_id_conflicts(p)
        out += _venue_year_conflicts(p, venues)
        out += _author_conflicts(p)
        out += _arxiv_date_conflicts(p)
    by_key = {p.key: p for p in papers}
    for c in out:
        p = by_key.get(c.paper_key)
        if c.status == "unresolved" and p is not None and p.merged_by and _only_garbled_dissent(c, p):
            c.status, c.resolved_by = "resolved", p.merged_by[0].where
            c.resolution = (f"curated same_as at {c.resolved_by}: the dissenting entries are garbled variants of this paper; "
                            "their values are not used")
    return sorted(out, key=lambda c: c.id)


def _only_garbled_dissent(c: Conflict, p: Paper) -> bool:
    """True when the claims of the entries that are not garbled variants all agree."""
    clean = {cl.value for cl in c.claims if (cl.file, cl.line) not in p.garbled}
    return len(clean) <= 1


def _identifier_conflicts(papers: list[Paper]) -> list[Conflict]:
    claimants: dict[str, list[Paper]] = defaultdict(list)
    for p in papers:
        for ident in sorted({f"arxiv:{r.arxiv}" for r in p.records if r.arxiv} | {f"doi:{r.doi}" for r in p.records if r.doi}):
            claimants[ident].append(p)
    out = []
    for ident, ps in sorted(claimants.items()):
        if len(ps) < 2:
            continue
        kind, value = ident.split(":", 1)
        holder = next((p for p in ps if getattr(p, kind) is not None and getattr(p, kind).value == value), None)
        claims = [Claim(r.title, r.file, r.line) for p in ps for r in p.records if getattr(r, kind) == value]
        c = _conflict(holder or ps[0], "identifier-title-mismatch", claims, holder.title.value if holder else "", detail=ident)
        c.variants = sorted({str(p.title.value) for p in ps})
        others = [p for p in ps if p is not holder]
        fixed = [p for p in others if (getattr(p, kind) is not None and getattr(p, kind).curated) or p.role == Role.unverified]
        if holder is None and len(fixed) == len(ps):
            c.status = "resolved"
            c.resolved_by = ", ".join(sorted({(getattr(p, kind).curated if getattr(p, kind) else p.role_source).where for p in fixed}))
            c.resolution = f"{ident} belongs to none of these entries; each is corrected or marked unverified at {c.resolved_by}"
        elif holder is not None and len(fixed) == len(others):
            c.status = "resolved"
            c.resolved_by = ", ".join(sorted({(getattr(p, kind).curated if getattr(p, kind) else p.role_source).where for p in fixed}))
            c.resolution = f"{ident} belongs to '{holder.title.value}'; the other entries are corrected or marked unverified at {c.resolved_by}"
        elif holder is not None:
            c.resolution = f"{ident} kept by '{holder.title.value}' (most entries carry it); the other titles stay separate papers without it"
        else:
            c.resolution = f"{ident} given to none of the papers: as many entries carry it with each title"
        out.append(c)
    return out


def _title_conflicts(p: Paper) -> list[Conflict]:
    variants = {titles.compact(r.title) for r in p.records}
    if len(variants) < 2:
        return []
    c = _conflict(p, "title-variant", [Claim(r.title, r.file, r.line) for r in p.records], p.title.value, p.title)
    merged_by = [loc for loc in p.curated if loc.record.same_as is not None] + p.merged_by
    if c.status != "resolved" and merged_by:
        c.status, c.resolved_by = "resolved", merged_by[0].where
        c.resolution = f"curated same_as at {merged_by[0].where}: the variants are one paper"
    return [c]


def _arxiv_id_conflicts(p: Paper) -> list[Conflict]:
    ids = {r.arxiv for r in p.records if r.arxiv}
    if len(ids) < 2:
        return []
    claims = [Claim(f"arXiv:{r.arxiv}", r.file, r.line) for r in p.records if r.arxiv]
    return [_conflict(p, "arxiv-id", claims, p.arxiv.value if p.arxiv else "", p.arxiv)]


def _venue_year_conflicts(p: Paper, venues: VenueTable) -> list[Conflict]:
    out = []
    keyed = [(venues.key_of(r.venue), r) for r in p.records]
    published = [(k, r) for k, r in keyed if k and not venues.is_preprint(k)]
    if len({k for k, _ in published}) > 1:
        out.append(_conflict(p, "venue", [Claim(k, r.file, r.line) for k, r in published], p.venue.value, p.venue))
    for group in (published, [(k, r) for k, r in keyed if k and venues.is_preprint(k)]):
        years = {r.year for _, r in group if r.year}
        if len(years) > 1:
            kind = "preprint" if group and venues.is_preprint(group[0][0]) else "published"
            out.append(_conflict(p, "year", [Claim(str(r.year), r.file, r.line) for _, r in group if r.year],
                                 p.year.value, p.year, detail=kind))
    return out


def _author_conflicts(p: Paper) -> list[Conflict]:
    from kg.resolve.paper import authors_fit, family_sequence

    with_authors = [r for r in p.records if r.authors]
    full = {family_sequence(r.authors) for r in with_authors if not r.authors_truncated}
    partial = [r for r in with_authors if r.authors_truncated]
    disagree = len(full) > 1 or (full and any(not any(authors_fit(r, f) for f in full) for r in partial))
    if not disagree and not full and len({family_sequence(r.authors)[:1] for r in partial}) > 1:
        disagree = True  # truncated lists that do not even agree on the first author
    if not disagree:
        return []
    claims = [Claim(", ".join(a.display for a in r.authors) + (", et al." if r.authors_truncated else ""), r.file, r.line)
              for r in p.records if r.authors]
    chosen = ", ".join(a.display for a in p.authors.value)
    return [_conflict(p, "authors", claims, chosen, p.authors)]


def _arxiv_date_conflicts(p: Paper) -> list[Conflict]:
    claims = []
    for r in p.records:
        m = re.match(r"^(\d\d)(\d\d)\.", r.arxiv or "")
        if m and r.year and r.year < 2000 + int(m.group(1)):
            claims.append(Claim(f"{r.year} with arXiv:{r.arxiv} (posted 20{m.group(1)}-{m.group(2)})", r.file, r.line))
    if not claims:
        return []
    c = _conflict(p, "arxiv-date", claims, p.year.value, p.year)
    if c.status != "resolved":
        c.resolution = "a paper cannot be published before its arXiv id's year-month; the year stays as the lists' majority says"
    return [c]


def section_conflict(p: Paper, by_record: dict[tuple[str, int], set[str]], curated_categories: set[str],
                     method_where: str | None) -> Conflict | None:
    """A paper filed under sections whose categories exclude each other (or exclude its curated ones)."""
    claims, seen = [], set()
    for r in p.records:
        for cat in sorted(by_record.get((r.file, r.line), ())):
            claims.append(Claim(f"{cat} (section '{' > '.join(r.sections) or '-'}')", r.file, r.line))
            seen.add(cat)
    if not claims:
        return None
    clash_lists = any(seen & a and seen & b for a, b in EXCLUSIVE)
    clash_curated = curated_categories and any((seen & a and curated_categories & b) or (seen & b and curated_categories & a)
                                               for a, b in EXCLUSIVE)
    if not (clash_lists or clash_curated):
        return None
    c = _conflict(p, "section", claims, ", ".join(sorted(curated_categories)) or ", ".join(sorted(seen)))
    if curated_categories and method_where:
        c.status, c.resolved_by = "resolved", method_where
        c.resolution = f"the curated method record at {method_where} gives the categories: {', '.join(sorted(curated_categories))}"
    else:
        c.resolution = "the paper keeps every category its sections imply; no curated record decides"
    return c
