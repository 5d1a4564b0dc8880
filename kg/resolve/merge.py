"""Merge grouped records into papers: curated merges and corrections, canonical values by majority, conflicts."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache

from kg.curated.load import Curated, Located, PaperRecord
from kg.model import Record
from kg.parse.text import split_given_first
from kg.resolve import titles
from kg.resolve.cluster import cluster
from kg.resolve.conflicts import Claim, find_conflicts
from kg.resolve.index import PaperIndex
from kg.resolve.paper import Paper, Resolution, ResolveError, Value, authors_fit, family_sequence, paper_key
from kg.resolve.venues import VenueTable


def resolve(records: list[Record], curated: Curated, clusters: list[list[int]] | None = None) -> Resolution:
    """Merge records into papers, apply curated corrections, and collect conflicts.

    `clusters` is cluster(records) when the caller has it already (it needs no curated data).
    """
    venues = VenueTable.from_curated(curated.venues)
    groups = [[records[i] for i in g] for g in (clusters if clusters is not None else cluster(records))]
    groups, garbled = _apply_same_as(groups, curated.papers)
    groups = _apply_renames(groups, curated.papers)
    # A curated `listed: false` paper that a list now carries is that list's paper, with the curated values winning.
    carried = {id(loc): _carrying_group(loc, groups) for loc in curated.papers if not loc.record.listed}
    paper_records = [loc for loc in curated.papers if loc.record.listed or carried[id(loc)] is not None]
    owner = _identifier_owners(groups, paper_records)
    for loc in curated.papers:  # an id a curated unlisted paper holds is not a list group's, whatever its entries say
        if carried.get(id(loc), 0) is None and loc.record.arxiv:
            owner[("arxiv", loc.record.arxiv.lower())] = None
    owned: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for ident, holder in sorted(owner.items()):
        if holder is not None:
            owned[holder].append(ident)
    papers = [_make_paper(i, g, owned.get(i, []), venues, garbled) for i, g in enumerate(groups)]
    papers += _unlisted_papers([loc for loc in curated.papers if carried.get(id(loc), 0) is None], venues)
    _apply_paper_records(papers, paper_records, venues)
    _ensure_unique_keys(papers)
    conflicts = find_conflicts(papers, curated, venues)
    papers.sort(key=lambda p: p.key)
    return Resolution(papers, conflicts, venues)


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
        if a is None or b is None:
            continue
        if a == b:  # already one paper (one arXiv id): the garbled entries still do not vote
            garbled.update({(r.file, r.line): loc for r in groups[a] if titles.compact(r.title) == titles.compact(rec.paper)})
            continue
        real = {(r.file, r.line) for r in groups[b]}
        for r in groups[a]:
            if (r.file, r.line) not in real:
                garbled[(r.file, r.line)] = loc
        keep, drop = min(a, b), max(a, b)
        groups[keep] = groups[keep] + groups[drop]
        del groups[drop]
    return groups, garbled


def _apply_renames(groups: list[list[Record]], paper_records: list[Located]) -> list[list[Record]]:
    """Apply curated title corrections before papers are made: a list entry under the corrected title (or, for an arXiv
    correction, carrying the corrected id under a related title) joins the corrected paper instead of standing apart."""
    todo = [loc for loc in paper_records
            if loc.record.listed and loc.record.same_as is None and (loc.record.title is not None or loc.record.arxiv is not None)]
    if not todo:
        return groups
    by_title: dict[str, set[int]] = defaultdict(set)
    by_arxiv: dict[str, set[int]] = defaultdict(set)
    for i, g in enumerate(groups):
        for r in g:
            by_title[titles.compact(r.title)].add(i)
            if r.arxiv:
                by_arxiv[r.arxiv].add(i)
    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for loc in todo:
        rec: PaperRecord = loc.record
        ref = rec.paper
        exact = by_arxiv.get(ref[6:].strip().lower(), set()) if ref.lower().startswith("arxiv:") else by_title.get(titles.compact(ref), set())
        target = min(exact) if len(exact) == 1 else _find_group(ref, groups, loc, require=False)
        if target is None:
            continue
        joining = set(by_title.get(titles.compact(rec.title), set())) if rec.title else set()
        if rec.arxiv:
            joining |= {i for i in by_arxiv.get(rec.arxiv.lower(), set())
                        if any(titles.related(r.title, rec.title or rec.paper) for r in groups[i])}
        for i in joining:
            a, b = root(i), root(target)
            if a != b:
                parent[max(a, b)] = min(a, b)
    merged: dict[int, list[Record]] = {}
    for i, g in enumerate(groups):
        merged.setdefault(root(i), []).extend(g)
    return [merged[k] for k in sorted(merged)]


def _carrying_group(loc: Located, groups: list[list[Record]]) -> int | None:
    """The group of list entries that carries a `listed: false` paper: by its arXiv id, else by its title."""
    rec: PaperRecord = loc.record
    if rec.arxiv is not None:
        hits = [i for i, g in enumerate(groups) if any(r.arxiv == rec.arxiv.lower() and titles.related(r.title, rec.title or "")
                                                      for r in g)]
        if len(hits) == 1:
            return hits[0]
    hits = [i for i, g in enumerate(groups) if any(titles.compact(r.title) == titles.compact(rec.title or "") for r in g)]
    return hits[0] if len(hits) == 1 else None


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


@lru_cache(maxsize=1 << 20)
def _title_score(title: str) -> tuple:
    letters = "".join(filter(str.isalpha, title))
    upper = sum(map(str.isupper, letters))
    shouting = bool(letters) and upper > 0.8 * len(letters)
    return (not shouting, upper, len(title))


def _choose_title(records: list[Record]) -> Value:
    """The wording most lists use, then the spelling (casing) most lists use; a trailing period is no part of a title."""
    variants: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        variants[titles.compact(r.title)].append(r)
    best = max(variants.values(), key=lambda rs: (len({r.file for r in rs}), len(rs), max(_title_score(r.title) for r in rs)))
    spellings: dict[str, set[str]] = defaultdict(set)
    for r in best:
        spellings[r.title.strip().rstrip(".").strip()].add(r.file)
    shown = max(sorted(spellings), key=lambda t: (len(spellings[t]), _title_score(t)))
    return Value(shown, best)


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


def _apply_paper_records(papers: list[Paper], paper_records: list[Located], venues: VenueTable) -> None:
    index = PaperIndex(papers)
    for loc in paper_records:
        rec: PaperRecord = loc.record
        ref = rec.paper if rec.listed else (f"arXiv:{rec.arxiv}" if rec.arxiv and index.find(f"arXiv:{rec.arxiv}") else rec.title)
        paper = index.require(ref, loc.where)
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
