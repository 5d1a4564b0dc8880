"""Value checks: a venue is a venue, a year a plausible year, a title not a link word; a value that fails is
dropped from its record and reported, and the record keeps the rest."""

from __future__ import annotations

import datetime
import re
from dataclasses import replace

from kg.model import Person, Problem, Record, without_controls
from kg.parse import text as tx

FIRST_YEAR = 1950
LAST_YEAR = datetime.date.today().year + 1  # a list may carry next year's accepted papers

# Words lists put in link labels and badge cells, never a title, venue or author.
LINK_WORDS = frozenset({
    "paper", "papers", "pdf", "code", "github", "git", "link", "links", "url", "arxiv", "project", "project page",
    "website", "homepage", "home page", "page", "blog", "slides", "video", "poster", "demo", "openreview", "doi",
    "pytorch", "tensorflow", "official", "bibtex", "abstract", "html", "download", "repo", "repository", "star",
    "stars", "huggingface", "hugging face", "model", "models", "dataset", "data", "details", "more", "here",
    "n/a", "na", "none", "tbd", "todo", "-", "?",
})
_NOT_YET = re.compile(r"\b(?:under review|in review|submitted|in submission|to appear|coming soon|preprint only)\b", re.I)
_URLISH = re.compile(r"https?://|www\.|\.(?:com|org|net|io|html?)\b|\w/\w+/", re.I)
_BADGEISH = re.compile(r"shields\.io|badge|!\[|:star:|\bstars?\b|★|⭐|:fire:|🔥", re.I)
_ARXIV_ONLY = re.compile(r"^\s*(?:arxiv\s*:?\s*)?(?:\d{4}\.\d{4,5}|[a-z-]+/\d{7})(?:v\d+)?\s*(?:\[[\w.-]+\])?\s*$", re.I)
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def venue_problem(venue: str) -> str | None:
    """Why `venue` is not a venue ('a URL', 'a badge' ...), or None when it may be one."""
    text = venue.strip()
    if not text:
        return None
    if _ARXIV_ONLY.match(text):
        return "an arXiv id, not a venue"
    if _BADGEISH.search(text):
        return "a badge or image, not a venue"
    if _URLISH.search(text):
        return "a URL, not a venue"
    if text.strip("[]() ").lower() in LINK_WORDS - {"arxiv"}:  # arXiv is where preprints appear
        return "a link word, not a venue"
    if _NOT_YET.search(text):
        return "a publication status, not a venue"
    if not _LETTERS.search(text):
        return "no name in it"
    if len(text) > 150:
        return "too long for a venue"
    return None


def normalise_venue(venue: str) -> str:
    """A venue written with underscores ('MLSys24_BestPaper') as words ('MLSys24 BestPaper')."""
    return re.sub(r"\s+", " ", venue.replace("_", " ")).strip() if "_" in venue else venue


def year_problem(year: int | None) -> str | None:
    """Why `year` is not a publication year, or None."""
    if year is None or FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return f"outside {FIRST_YEAR}–{LAST_YEAR}"


def title_problem(title: str) -> str | None:
    """Why `title` is not a paper title (a link word, a URL, no words), or None."""
    text = title.strip()
    bare = text.strip("[]()*_ .:!").lower()
    if bare in LINK_WORDS or re.fullmatch(r"(?:paper|code|pdf|link|github)s?\s*\d*", bare):
        return "a link word, not a title"
    if re.fullmatch(r"https?://\S+", text):
        return "a URL, not a title"
    if not _LETTERS.search(text):
        return "no word in it"
    return None


def author_problem(person: Person) -> str | None:
    """Why `person` is not an author (a link word, a URL, 'others'), or None."""
    name = person.display.strip()
    if name.lower() in LINK_WORDS or _URLISH.search(name) or not re.search(r"[^\W\d_]", name):
        return "not a person's name"
    return None


def is_others(person: Person) -> bool:
    """BibTeX's `and others` (or 'et al.') standing where an author would: the list is truncated."""
    return re.sub(r"[^a-z]", "", person.display.lower()) in {"others", "etal", "etc"}


def check(record: Record) -> tuple[Record | None, list[Problem]]:
    """The record with failing values dropped, and a report of each; None if its title fails (no paper then)."""
    reported: list[Problem] = []

    def drop(field: str, value: object, why: str) -> None:
        reported.append(Problem(record.file, record.line, f"{field} '{str(value)[:80]}' dropped: {why}"))

    record = _without_controls(record, reported)
    why = title_problem(record.title)
    if why:
        return None, [Problem(record.file, record.line, f"title '{record.title[:80]}' rejected ({why}): entry not read as a paper")]
    changes: dict[str, object] = {}
    venue = normalise_venue(record.venue)
    if venue != record.venue:
        found = tx.venue_shorthand(venue)
        venue = found[0] if found else venue
        if found and record.year is None:
            changes["year"] = found[1]
        changes["venue"] = venue
    why = venue_problem(venue)
    if why:
        drop("venue", venue, why)
        changes["venue"] = ""
        if _ARXIV_ONLY.match(venue) and record.arxiv is None:
            changes["arxiv"] = tx.arxiv_id("arXiv:" + re.sub(r"(?i)^\s*arxiv\s*:?\s*", "", venue))
    links = _checked_links(record.links, drop)
    if links != record.links:
        changes["links"] = links
    year = changes.get("year", record.year)
    why = year_problem(year)  # type: ignore[arg-type]
    if why:
        drop("year", year, why)
        changes["year"] = None
    authors, truncated = [], record.authors_truncated
    for person in record.authors:
        if is_others(person):
            truncated = True
        elif (why := author_problem(person)) is not None:
            drop("author", person.display, why)
        else:
            authors.append(person)
    if len(authors) != len(record.authors):
        changes["authors"], changes["authors_truncated"] = authors, truncated
        if record.authors_gap is not None:
            changes["authors_gap"] = min(record.authors_gap, len(authors)) or None
    return (replace(record, **changes) if changes else record), reported


def _without_controls(record: Record, reported: list[Problem]) -> Record:
    """Control characters (terminal escapes, NUL, C1) leave the title, venue and author names, each reported."""
    changes: dict[str, object] = {}
    for name in ("title", "venue"):
        value, removed = without_controls(getattr(record, name) or "")
        if removed:
            changes[name] = value
            reported.append(Problem(record.file, record.line, f"{name}: {removed} control character(s) removed"))
    people = [replace(p, family=without_controls(p.family)[0], given=without_controls(p.given)[0]) for p in record.authors]
    if people != record.authors:
        changes["authors"] = people
        reported.append(Problem(record.file, record.line, "authors: control character(s) removed"))
    return replace(record, **changes) if changes else record


_HOST_PATH = re.compile(r"^(?:[\w-]+\.)+[a-z]{2,}/", re.I)


def _checked_links(links: dict[str, list[str]], drop) -> dict[str, list[str]]:
    """Only http(s) URLs stay links ('aclweb.org/x.pdf' gains its https://); javascript:, data: and the rest are dropped."""
    out: dict[str, list[str]] = {}
    for kind, urls in links.items():
        for url in urls:
            if _HOST_PATH.match(url):
                url = "https://" + url
            if re.match(r"^https?://[^\s/]", url, re.I):
                out.setdefault(kind, []).append(url)
            else:
                drop("link", url, "not an http(s) URL")
    return out


# Hosts whose links point at a paper (not code, slides or a project page): a line with one is an entry to read or report.
PAPER_LINK = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|openreview\.net/(?:forum|pdf)|doi\.org/10\.|openaccess\.thecvf\.com/|ecva\.net/papers|"
    r"papers\.nips\.cc/paper|proceedings\.neurips\.cc/paper|nips\.cc/paper|proceedings\.mlr\.press/|aclanthology\.org/|"
    r"aclweb\.org/anthology|ojs\.aaai\.org/|aaai\.org/(?:ojs|Papers|Library)|ieeexplore\.ieee\.org/(?:abstract/)?document|"
    r"dl\.acm\.org/doi|link\.springer\.com/(?:chapter|article)|ijcai\.org/[Pp]roceedings|sciencedirect\.com/science/article|"
    r"proceedings\.mlsys\.org/|mlsys\.org/paper|semanticscholar\.org/paper|jmlr\.org/papers)",
    re.I,
)


def paper_link(text: str) -> str | None:
    """The first paper link's host in `text` ('arxiv.org'), or None."""
    m = PAPER_LINK.search(text)
    return m.group(0).split("/")[0] if m else None
