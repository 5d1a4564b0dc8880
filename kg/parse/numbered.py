"""Numbered bibliography: `12. **Family, I., & Family, I.** (2018). "Title." *Venue*, pages.`"""

from __future__ import annotations

import re

from kg.model import Record, Skipped
from kg.parse import text as tx
from kg.parse.context import Context

LAYOUT = "numbered-bibliography"

_ENTRY = re.compile(
    r"^\s*\d+\.\s+\*\*(?P<authors>.+?)\*\*\s*\((?P<year>\d{4})\)\.?\s*"
    r"[\"“](?P<title>.+?)[\"”]\s*(?P<rest>.*)$"
)
_RESOURCE = re.compile(r"^\s*\d+\.\s+\*\*(?P<name>[^*]+)\*\*\s*:\s*(?P<url>https?://\S+)\s*$")
_VENUE = re.compile(r"\*(?P<venue>[^*]+)\*")


def parse(line: str, ctx: Context) -> Record | Skipped | None:
    """A record, a recognised non-paper, or None when the line is not of this layout."""
    m = _RESOURCE.match(line)
    if m:
        kind = "dataset" if any("dataset" in t.lower() for t in ctx.sections) else "software"
        return Skipped(ctx.file, 0, kind, m.group("name").strip())
    m = _ENTRY.match(line)
    if not m:
        return None
    title = m.group("title").strip().rstrip(".").strip()
    rest = m.group("rest")
    venue_m = _VENUE.search(rest)
    venue = venue_m.group("venue").strip() if venue_m else ""
    if "github repository" in venue.lower() or (not venue and "available:" in rest.lower()):
        return Skipped(ctx.file, 0, "software", title)
    authors, truncated, gap = tx.authors_family_first(m.group("authors"))
    return Record(
        title=title,
        file=ctx.file,
        line=0,
        layout=LAYOUT,
        authors=authors,
        authors_truncated=truncated,
        authors_gap=gap,
        venue=venue,
        year=int(m.group("year")),
        arxiv=tx.arxiv_id(rest),
        doi=tx.doi(rest),
        links=tx.classify_links(rest),
        sections=ctx.sections,
    )
