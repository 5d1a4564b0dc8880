"""Quoted-title bullets: `- "Title", Venue, 2023. [[paper](url)] [[code](url)] [**`PTQ`**]`."""

from __future__ import annotations

import re

from kg.model import Record
from kg.parse import text as tx
from kg.parse.context import Context

LAYOUT = "quoted-title-bullets"

_ENTRY = re.compile(r"^\s*[-*+]\s+[\"“](?P<title>[^\"”]+)[\"”]\s*,\s*(?P<venue>.+?),\s*(?P<year>(?:19|20)\d\d)\.?\s*(?P<rest>.*)$")


def parse(line: str, ctx: Context) -> Record | None:
    """A record, or None when the line is not of this layout."""
    m = _ENTRY.match(line)
    if not m:
        return None
    rest = m.group("rest")
    return Record(
        title=m.group("title").strip().rstrip(".,"),
        file=ctx.file,
        line=0,
        layout=LAYOUT,
        venue=tx.strip_markdown(m.group("venue")),
        year=int(m.group("year")),
        arxiv=tx.arxiv_id(rest),
        doi=tx.doi(rest),
        links=tx.classify_links(rest),
        sections=ctx.sections,
        tags=tx.tags(rest),
    )
