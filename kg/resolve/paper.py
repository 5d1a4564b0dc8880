"""A resolved paper: each canonical value with the records (file:line) or curated record it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from kg.curated.load import Located, Role
from kg.model import Person, Record, ascii_fold
from kg.resolve import titles

if TYPE_CHECKING:  # conflicts and venues need Paper: only the annotations name them back
    from kg.resolve.conflicts import Claim, Conflict
    from kg.resolve.venues import VenueTable


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
    def first_appeared(self) -> str | None:
        """'YYYY-MM' the arXiv id dates the paper to (2210.17323 -> 2022-10), or None without an id."""
        return arxiv_month(str(self.arxiv.value)) if self.arxiv is not None else None

    @property
    def when(self) -> tuple[int, int] | None:
        """(year, month) to order papers in time: the arXiv month when known, else the year's start."""
        month = self.first_appeared
        if month is not None:
            return int(month[:4]), int(month[5:])
        return (int(self.year.value), 0) if self.year.value else None  # type: ignore[arg-type]

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


_NEW_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")
_OLD_ID = re.compile(r"^[A-Za-z][A-Za-z.-]*/(\d{2})(\d{2})\d{3}$")


def arxiv_month(arxiv: str) -> str | None:
    """The month an arXiv id was issued, 'YYYY-MM': 2210.17323 -> 2022-10, hep-th/9901001 -> 1999-01."""
    found = _NEW_ID.match(arxiv) or _OLD_ID.match(arxiv)
    if found is None:
        return None
    yy, mm = int(found.group(1)), int(found.group(2))
    if not 1 <= mm <= 12:
        return None
    year = 1900 + yy if yy >= 91 else 2000 + yy  # arXiv began in August 1991
    return f"{year:04d}-{mm:02d}"


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


def paper_key(paper: Paper) -> str:
    """The stable key an IRI is minted from: the arXiv id, else the normalised title."""
    if paper.arxiv is not None:
        return "arxiv-" + re.sub(r"[^a-z0-9.]+", "-", str(paper.arxiv.value).lower())
    slug = titles.norm(str(paper.title.value)).replace(" ", "-")[:80].strip("-")
    return "t-" + (slug or "untitled")
