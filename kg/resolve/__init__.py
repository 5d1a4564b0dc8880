"""Resolve list records into one node per real paper, and record every disagreement as a conflict.

Records are merged by shared identifiers (arXiv id, DOI) when their titles agree, and by
near-identical titles; an identifier carried by an unrelated title is a conflict, never a
merge. Canonical values follow curated corrections first, then the lists' majority; each
value remembers the records (file:line) or curated record it came from.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from kg.curated.load import Curated, Located, PaperRecord, Role
from kg.model import Person, Record
from kg.parse.text import ascii_fold, split_given_first
from kg.resolve import titles
from kg.resolve.conflicts import Claim, Conflict, find_conflicts
from kg.resolve.venues import VenueTable

SURVEY_TITLE = re.compile(r"\b(survey|overview|review|white ?paper)\b", re.I)


class ResolveError(Exception):
    """A curated paper record that names no paper, or more than one."""


@dataclass
class Value:
    """A canonical value and where it came from: list records, or one curated record."""

    value: object
    records: list[Record] = field(default_factory=list)
    curated: Located | None = None


@dataclass
class Paper:
    """One real paper, with the list records that describe it."""

    key: str
    records: list[Record]
    title: Value
    authors: Value
    venue: Value  # venue key
    year: Value
    arxiv: Value | None
    doi: Value | None
    listed: bool = True
    role: Role | None = None
    role_source: Located | None = None
    curated: list[Located] = field(default_factory=list)
    rejected_ids: list[Claim] = field(default_factory=list)  # identifiers lists gave it that belong elsewhere
    garbled: set[tuple[str, int]] = field(default_factory=set)  # entries a curated same_as names as garbled variants
    merged_by: list[Located] = field(default_factory=list)  # those same_as records

    @property
    def title_variants(self) -> list[str]:
        seen: dict[str, str] = {}
        for r in self.records:
            seen.setdefault(titles.compact(r.title), r.title)
        return list(seen.values())

    @property
    def sources(self) -> list[str]:
        return sorted({r.file for r in self.records})

    def links(self, kind: str) -> list[str]:
        return sorted({url for r in self.records for url in r.links.get(kind, [])})

    @property
    def derived_method_names(self) -> list[str]:
        names: dict[str, str] = {}
        for r in self.records:
            name = titles.method_name(r.title)
            if name:
                names.setdefault(titles.norm(name), name)
        return list(names.values())


@dataclass
class Resolution:
    """The papers and the conflicts among the lists' claims about them."""

    papers: list[Paper]
    conflicts: list[Conflict]
    venues: VenueTable

    def by_key(self) -> dict[str, Paper]:
        return {p.key: p for p in self.papers}


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


MAX_BLOCK = 400  # a block larger than this is compared by exact title only


def cluster(records: list[Record]) -> list[list[int]]:
    """Groups of record indexes that describe one paper (before curated merges)."""
    uf = _UnionFind(len(records))
    by_compact: dict[str, int] = {}
    for i, r in enumerate(records):
        key = titles.compact(r.title)
        if key in by_compact:
            uf.union(i, by_compact[key])
        else:
            by_compact[key] = i
    by_id: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if r.arxiv:
            by_id[("arxiv", r.arxiv)].append(i)
        if r.doi:
            by_id[("doi", r.doi)].append(i)
    for group in by_id.values():
        for a_pos, a in enumerate(group):
            for b in group[a_pos + 1:]:
                if uf.find(a) != uf.find(b) and titles.same_work(records[a].title, records[b].title):
                    uf.union(a, b)
    # Near-identical titles without a shared identifier: compare within blocks only.
    distinct = list(by_compact.values())
    blocks: dict[str, list[int]] = defaultdict(list)
    for i in distinct:
        for key in titles.block_keys(records[i].title):
            blocks[key].append(i)
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1:]:
                if uf.find(a) != uf.find(b) and titles.same_title(records[a].title, records[b].title):
                    uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        groups[uf.find(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def resolve(records: list[Record], curated: Curated, clusters: list[list[int]] | None = None) -> Resolution:
    """Merge records into papers, apply curated corrections, and collect conflicts.

    `clusters` is cluster(records) when the caller has it already (it needs no curated data).
    """
    venues = VenueTable.from_curated(curated.venues)
    groups = [[records[i] for i in g] for g in (clusters if clusters is not None else cluster(records))]
    groups, garbled = _apply_same_as(groups, curated.papers)
    owner = _identifier_owners(groups, curated.papers)
    owned: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for ident, holder in sorted(owner.items()):
        if holder is not None:
            owned[holder].append(ident)
    papers = [_make_paper(i, g, owned.get(i, []), venues, garbled) for i, g in enumerate(groups)]
    papers += _unlisted_papers(curated.papers, venues)
    _apply_paper_records(papers, curated.papers, venues)
    _ensure_unique_keys(papers)
    conflicts = find_conflicts(papers, curated, venues)
    papers.sort(key=lambda p: p.key)
    return Resolution(papers, conflicts, venues)


# --- curated references -------------------------------------------------------------------

def _ref_matches(ref: str, records: list[Record]) -> bool:
    if ref.lower().startswith("arxiv:"):
        wanted = ref[6:].strip().lower()
        return any(r.arxiv == wanted for r in records)
    return any(titles.compact(r.title) == titles.compact(ref) for r in records)


def _find_group(ref: str, groups: list[list[Record]], loc: Located, require: bool = True) -> int | None:
    hits = [i for i, g in enumerate(groups) if _ref_matches(ref, g)]
    if not hits and not ref.lower().startswith("arxiv:"):
        hits = [i for i, g in enumerate(groups) if any(titles.same_title(r.title, ref) for r in g)]
    if len(hits) > 1:
        raise ResolveError(f"{loc.where}: paper '{ref}': names {len(hits)} different papers; refer to it by its title")
    if not hits:
        if require:
            raise ResolveError(f"{loc.where}: paper '{ref}': no list entry has this title or arXiv id")
        return None
    return hits[0]


def _apply_same_as(groups: list[list[Record]], paper_records: list[Located]) -> tuple[list[list[Record]], dict[tuple[str, int], Located]]:
    """Merge garbled variants into the paper a curated `same_as` names.

    Returns the groups and, for every garbled entry's (file, line), the same_as record that
    names it: their values stay in the conflicts report but do not vote on canonical values.
    """
    garbled: dict[tuple[str, int], Located] = {}
    for loc in paper_records:
        rec: PaperRecord = loc.record
        if rec.same_as is None:
            continue
        a = _find_group(rec.paper, groups, loc)
        b = _find_group(rec.same_as, groups, loc)
        if a is None or b is None or a == b:
            continue
        real = {(r.file, r.line) for r in groups[b]}
        for r in groups[a]:
            if (r.file, r.line) not in real:
                garbled[(r.file, r.line)] = loc
        keep, drop = min(a, b), max(a, b)
        groups[keep] = groups[keep] + groups[drop]
        del groups[drop]
    return groups, garbled


def _identifier_owners(groups: list[list[Record]], paper_records: list[Located]) -> dict[tuple[str, str], int | None]:
    """Which group owns each identifier: the one whose records carry it most, none on a tie.

    A curated correction that gives a paper an arXiv id makes that paper its owner.
    """
    claims: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for i, g in enumerate(groups):
        for r in g:
            if r.arxiv:
                claims[("arxiv", r.arxiv)][i] += 1
            if r.doi:
                claims[("doi", r.doi)][i] += 1
    owner: dict[tuple[str, str], int | None] = {}
    for ident, counter in claims.items():
        ranked = counter.most_common()
        tie = len(ranked) > 1 and ranked[0][1] == ranked[1][1]
        owner[ident] = None if tie else ranked[0][0]
    for loc in paper_records:
        rec: PaperRecord = loc.record
        if rec.same_as is not None or not rec.listed:
            continue
        for kind in ("arxiv", "doi"):
            value = getattr(rec, kind)
            if value is None:
                continue
            i = _find_group(rec.paper, groups, loc)
            for ident, holder in list(owner.items()):
                if ident[0] == kind and holder == i and ident[1] != value.lower():
                    owner[ident] = None  # the corrected paper no longer owns the id its list gave
            owner[(kind, value.lower())] = i
    return owner


# --- canonical values ---------------------------------------------------------------------

@lru_cache(maxsize=1 << 20)
def _title_score(title: str) -> tuple:
    letters = "".join(filter(str.isalpha, title))
    upper = sum(map(str.isupper, letters))
    shouting = bool(letters) and upper > 0.8 * len(letters)
    return (not shouting, upper, len(title))


def _choose_title(records: list[Record]) -> Value:
    variants: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        variants[titles.compact(r.title)].append(r)
    best = max(variants.values(), key=lambda rs: (len({r.file for r in rs}), len(rs), max(_title_score(r.title) for r in rs)))
    shown = max(best, key=lambda r: _title_score(r.title)).title
    return Value(shown, best)


def person_key(p: Person) -> str:
    """Family name and first initial, lower-case ASCII: how authors are compared across lists."""
    family = _letters(p.family)
    initial = _letters(p.given)[:1]
    return f"{family}-{initial}" if initial else family


def family_sequence(people: list[Person]) -> tuple[str, ...]:
    """Family names compared on their last word: 'v. Baalen' and 'van Baalen' agree."""
    return tuple(_last_name_letters(p.family) for p in people)


@lru_cache(maxsize=1 << 20)
def _last_name_letters(family: str) -> str:
    words = family.split()
    return _letters(words[-1] if words else "")


@lru_cache(maxsize=1 << 20)  # names repeat across entries and are compared many times
def _letters(name: str) -> str:
    """Lower-case ASCII letters only: 'Dettmers-Ö' -> 'dettmerso'."""
    return re.sub(r"[^a-z]", "", ascii_fold(name).lower())


def authors_fit(record: Record, full: tuple[str, ...]) -> bool:
    """Whether a record's author list agrees with a full list of family names.

    An "et al." list must be a prefix of it; an APA list with a "..." gap must match its
    head before the gap and its tail after it.
    """
    seq = family_sequence(record.authors)
    if not record.authors_truncated:
        return seq == full
    if record.authors_gap is None:
        return full[: len(seq)] == seq
    head, tail = seq[: record.authors_gap], seq[record.authors_gap:]
    return len(full) >= len(seq) and full[: len(head)] == head and (not tail or full[-len(tail):] == tail)


def _choose_authors(records: list[Record]) -> Value:
    with_authors = [r for r in records if r.authors]
    if not with_authors:
        return Value([], [])
    candidates = {family_sequence(r.authors) for r in with_authors if not r.authors_truncated} or {
        family_sequence(r.authors) for r in with_authors}
    support = {c: [r for r in with_authors if authors_fit(r, c) or family_sequence(r.authors) == c] for c in candidates}
    # Each list votes once: a list that repeats an entry does not outvote another list.
    best = max(sorted(candidates), key=lambda c: (len({r.file for r in support[c]}), len(c)))
    shown = max((r for r in support[best] if family_sequence(r.authors) == best), key=lambda r: sum(len(p.given) for p in r.authors))
    return Value(list(shown.authors), support[best])


def _choose_venue_year(records: list[Record], venues: VenueTable) -> tuple[Value, Value]:
    keyed = [(venues.key_of(r.venue), r) for r in records]
    published = [(k, r) for k, r in keyed if k and not venues.is_preprint(k)]
    pool = published or [(k, r) for k, r in keyed if k]
    if pool:
        counts = Counter(k for k, _ in {(k, r.file) for k, r in pool})  # one vote per list
        top = max(counts, key=lambda k: (counts[k], -min(i for i, (kk, _) in enumerate(pool) if kk == k)))
        venue_records = [r for k, r in pool if k == top]
    else:
        top, venue_records = "", []
    year_pool = [r for r in venue_records if r.year] or [r for r in records if r.year]
    years = Counter(y for y, _ in {(r.year, r.file) for r in year_pool})
    year = max(years, key=lambda y: (years[y], -y)) if years else None
    return Value(top, venue_records), Value(year, [r for r in year_pool if r.year == year])


def _make_paper(index: int, records: list[Record], owned: list[tuple[str, str]], venues: VenueTable,
                garbled: dict[tuple[str, int], Located] | None = None) -> Paper:
    garbled = garbled or {}
    records = sorted(records, key=lambda r: (r.file, r.line))
    voters = [r for r in records if (r.file, r.line) not in garbled] or records
    venue, year = _choose_venue_year(voters, venues)
    paper = Paper(key="", records=records, title=_choose_title(voters), authors=_choose_authors(voters),
                  venue=venue, year=year, arxiv=None, doi=None)
    paper.arxiv = _owned(records, "arxiv", owned, paper)
    paper.doi = _owned(records, "doi", owned, paper)
    paper.garbled = {(r.file, r.line) for r in records if (r.file, r.line) in garbled}
    paper.merged_by = sorted({garbled[k] for k in paper.garbled}, key=lambda loc: loc.where)
    paper.key = paper_key(paper)
    return paper


def _owned(records: list[Record], kind: str, owned: list[tuple[str, str]], paper: Paper) -> Value | None:
    """The identifier of `kind` that this group owns; ids its records give that belong elsewhere are rejected."""
    mine = {ident for k, ident in owned if k == kind}
    chosen: Value | None = None
    for ident, _ in Counter(getattr(r, kind) for r in records if getattr(r, kind)).most_common():
        supporting = [r for r in records if getattr(r, kind) == ident]
        if ident in mine and chosen is None:
            chosen = Value(ident, supporting)
        else:
            paper.rejected_ids += [Claim(f"{kind}:{ident}", r.file, r.line) for r in supporting]
    if chosen is None and mine:
        chosen = Value(sorted(mine)[0], [])  # given by a curated correction, applied later with its source
    return chosen


def paper_key(paper: Paper) -> str:
    """The stable key an IRI is minted from: the arXiv id, else the normalised title."""
    if paper.arxiv is not None:
        return "arxiv-" + re.sub(r"[^a-z0-9.]+", "-", str(paper.arxiv.value).lower())
    slug = titles.norm(str(paper.title.value)).replace(" ", "-")[:80].strip("-")
    return "t-" + (slug or "untitled")


# --- curated paper records ----------------------------------------------------------------

def _unlisted_papers(paper_records: list[Located], venues: VenueTable) -> list[Paper]:
    out = []
    for loc in paper_records:
        rec: PaperRecord = loc.record
        if rec.listed:
            continue
        authors = [split_given_first(a) for a in rec.authors or []]
        paper = Paper(
            key="", records=[], listed=False,
            title=Value(rec.title, curated=loc),
            authors=Value(authors, curated=loc),
            venue=Value(venues.key_of(rec.venue or "") or (rec.venue or ""), curated=loc),
            year=Value(rec.year, curated=loc),
            arxiv=Value(rec.arxiv, curated=loc) if rec.arxiv else None,
            doi=Value(rec.doi.lower(), curated=loc) if rec.doi else None,
            role=rec.role, role_source=loc if rec.role else None, curated=[loc],
        )
        paper.key = paper_key(paper)
        out.append(paper)
    return out


class PaperIndex:
    """Find papers by arXiv id or by any title variant without scanning them all."""

    def __init__(self, papers: list[Paper]):
        self.arxiv: dict[str, list[Paper]] = defaultdict(list)
        self.listed_arxiv: dict[str, list[Paper]] = defaultdict(list)
        self.compact: dict[str, list[Paper]] = defaultdict(list)
        self.blocks: dict[str, list[Paper]] = defaultdict(list)
        for p in papers:
            self.add(p)

    @staticmethod
    def _put(table: dict[str, list[Paper]], key: str, p: Paper) -> None:
        papers = table[key]
        if all(q is not p for q in papers):  # identity: comparing two papers field by field is costly
            papers.append(p)

    def add(self, p: Paper) -> None:
        """Index (or re-index, after a correction) one paper."""
        if p.arxiv is not None:
            self._put(self.arxiv, str(p.arxiv.value), p)
        for r in p.records:
            if r.arxiv:
                self._put(self.listed_arxiv, r.arxiv, p)
        for t in {str(p.title.value), *p.title_variants}:
            self._put(self.compact, titles.compact(t), p)
            for key in titles.block_keys(t):
                self._put(self.blocks, key, p)

    def find(self, ref: str) -> Paper | None:
        """The paper a curated reference names: 'arXiv:<id>' or a title (any variant)."""
        if ref.lower().startswith("arxiv:"):
            wanted = ref[6:].strip().lower()
            hits = [p for p in self.arxiv.get(wanted, []) if p.arxiv is not None and p.arxiv.value == wanted]
            hits = hits or list(self.listed_arxiv.get(wanted, []))
        else:
            hits = list(self.compact.get(titles.compact(ref), []))
            if not hits:
                candidates = {id(p): p for key in titles.block_keys(ref) for p in self.blocks.get(key, [])}
                hits = [p for p in candidates.values() if any(titles.same_title(t, ref) for t in [str(p.title.value), *p.title_variants])]
        if len(hits) > 1:
            raise ResolveError(f"paper '{ref}' names {len(hits)} different papers: " + "; ".join(sorted(str(p.title.value) for p in hits)))
        return hits[0] if hits else None

    def require(self, ref: str, context: str) -> Paper:
        """The paper `ref` names; a ResolveError prefixed with `context` (file:line and record) if none or several."""
        try:
            paper = self.find(ref)
        except ResolveError as err:
            raise ResolveError(f"{context}: {err}") from None
        if paper is None:
            raise ResolveError(f"{context}: paper '{ref}' is no paper of the lists or of papers/*.yaml")
        return paper


def find_paper(ref: str, papers: list[Paper] | PaperIndex) -> Paper | None:
    """The paper a curated reference names: 'arXiv:<id>' or a title (any variant)."""
    index = papers if isinstance(papers, PaperIndex) else PaperIndex(papers)
    return index.find(ref)


def _apply_paper_records(papers: list[Paper], paper_records: list[Located], venues: VenueTable) -> None:
    index = PaperIndex(papers)
    for loc in paper_records:
        rec: PaperRecord = loc.record
        if not rec.listed:
            continue
        paper = index.require(rec.paper, loc.where)
        paper.curated.append(loc)
        if rec.role is not None:
            paper.role, paper.role_source = rec.role, loc
        for name, value in rec.corrections.items():
            if name == "authors":
                paper.authors = Value([split_given_first(a) for a in value], curated=loc)
            elif name == "venue":
                paper.venue = Value(venues.key_of(value) or value, curated=loc)
            elif name in ("arxiv", "doi"):
                setattr(paper, name, Value(str(value).lower(), curated=loc))
            else:
                setattr(paper, name, Value(value, curated=loc))
        paper.key = paper_key(paper)
        index.add(paper)


def _ensure_unique_keys(papers: list[Paper]) -> None:
    seen: dict[str, Paper] = {}
    for p in sorted(papers, key=lambda p: (p.key, p.records[0].where if p.records else "")):
        if p.key in seen:
            # Two papers share a title: the later one is told apart by its first list entry.
            base = p.key
            n = 2
            while f"{base}-{n}" in seen:
                n += 1
            p.key = f"{base}-{n}"
        seen[p.key] = p
