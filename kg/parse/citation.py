"""Citation style: `- Family, Given, et al. "Title." Venue details (Year).` with an optional `(ICLR 2025)`."""

from __future__ import annotations

import re

from kg.model import Record
from kg.parse import text as tx
from kg.parse.context import Context

LAYOUT = "citation"

_ENTRY = re.compile(
    r"^\s*[-*+]\s+(?P<authors>[^\"“]+?)\.?\s+[\"“](?P<title>[^\"”]+?)[.,]?[\"”][.,]?\s*(?P<rest>.+)$"
)
# A later publication noted after the citation: "(NeurIPS 2024)", "(ICLR 2025 Accepted)".
_PUBLISHED = re.compile(r"\(\s*(?P<venue>[A-Za-z][A-Za-z&.\- ]*?)\s+(?P<year>(?:19|20)\d\d)(?:\s+\w+)?\s*\)\s*\.?\s*$")


def parse(line: str, ctx: Context) -> Record | None:
    """A record, or None when the line is not of this layout."""
    m = _ENTRY.match(line)
    if not m or "**" in m.group("authors"):
        return None
    rest = m.group("rest").strip()
    arxiv = tx.arxiv_id(rest)
    published = _PUBLISHED.search(rest)
    if published:
        venue, year = published.group("venue"), int(published.group("year"))
    else:
        year = tx.year_of(rest)
        venue = _venue_text(rest)
    if year is None:
        return None
    authors, truncated = tx.authors_citation(m.group("authors"))
    return Record(
        title=m.group("title").strip(),
        file=ctx.file,
        line=0,
        layout=LAYOUT,
        authors=authors,
        authors_truncated=truncated,
        venue=venue,
        year=year,
        arxiv=arxiv,
        doi=tx.doi(rest),
        links=tx.classify_links(rest),
        sections=ctx.sections,
    )


def _venue_text(rest: str) -> str:
    """The venue part of a citation's tail: before volume numbers, pages and the year."""
    venue = re.split(r"\(\s*(?:19|20)\d\d\s*\)|\s(?:19|20)\d\d\s*\.?\s*$", rest)[0]
    venue = re.sub(r"arXiv:\S+", "", venue)
    venue = re.sub(r"(\s+Vol\.|\s+\d+(\.\d+)?\s*(\(\d+\))?\s*(:\s*[\d-]+)?)+\s*$", "", venue.strip(" .,"))
    return venue.strip(" .,")
