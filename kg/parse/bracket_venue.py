"""Bullets that lead with a bracketed venue: `- [[ICLR](url)] Title [[code](url)]` or `- [ICLR 2026](url) Title`.

Common in lists grouped under year headings; a venue without a year takes the heading's year.
"""

from __future__ import annotations

import re

from kg.model import Record
from kg.parse import text as tx
from kg.parse.context import Context

LAYOUT = "bracket-venue-bullets"

_DOUBLE = re.compile(r"^\s*[-*+]\s+\[\[(?P<venue>[^\]]+)\]\((?P<url>[^)]*)\)\]\s*(?P<title>[^\[]+?)\s*(?P<rest>\[.*)?$")
_SINGLE = re.compile(r"^\s*[-*+]\s+\[(?P<venue>[^\]\[]+)\]\((?P<url>[^)#][^)]*)\)\s+(?P<title>[^\[]+?)\s*(?P<rest>\[.*)?$")


def parse(line: str, ctx: Context) -> Record | None:
    """A record, or None when the line is not of this layout (the bracket must hold a venue)."""
    m = _DOUBLE.match(line) or _SINGLE.match(line)
    if not m:
        return None
    venue_text = tx.strip_markdown(m.group("venue"))
    found = tx.venue_shorthand(venue_text)
    if found:
        venue, year = found
    elif re.fullmatch(r"[A-Za-z][A-Za-z&.\- ]{1,30}", venue_text) and ctx.year:
        venue, year = venue_text, None
    else:
        return None
    title = tx.clean_title(m.group("title"))
    if len(title.split()) < 2:
        return None
    links_text = f"[x]({m.group('url')}) {m.group('rest') or ''}"
    return Record(title=title, file=ctx.file, line=0, layout=LAYOUT, venue=venue, year=year or ctx.year,
                  arxiv=tx.arxiv_id(links_text), doi=tx.doi(links_text), links=tx.classify_links(links_text),
                  sections=ctx.sections, tags=tx.tags(m.group("rest") or ""))
