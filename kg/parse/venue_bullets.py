"""Bullets that lead with venue and year: `- **(ICLR 2021)** Title [[Paper](url)]`."""

from __future__ import annotations

import re

from kg.model import Record, Skipped
from kg.parse import text as tx
from kg.parse.context import Context

LAYOUT = "venue-year-bullets"

_ENTRY = re.compile(r"^\s*[-*+]\s+\*\*\((?P<venue>[^)]*)\)\*\*\s*(?P<title>[^\[]*?)\s*(?P<links>\[.*)?$")


def parse(line: str, ctx: Context) -> Record | Skipped | None:
    """A record, a placeholder, or None when the line is not of this layout."""
    m = _ENTRY.match(line)
    if not m:
        return None
    title = tx.strip_markdown(m.group("title"))
    venue_year = m.group("venue").strip()
    if not title.strip("?.- ") or not venue_year:
        return Skipped(ctx.file, 0, "placeholder", line.strip())
    year = tx.year_of(venue_year)
    venue = re.sub(r"(?<!\d)(19|20)\d\d(?!\d)", "", venue_year).strip()
    rest = m.group("links") or ""
    return Record(
        title=title,
        file=ctx.file,
        line=0,
        layout=LAYOUT,
        venue=venue,
        year=year,
        arxiv=tx.arxiv_id(rest),
        doi=tx.doi(rest),
        links=tx.classify_links(rest),
        sections=ctx.sections,
    )
