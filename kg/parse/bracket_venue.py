"""Bullets that lead with a bracketed venue: `- [[ICLR](url)] Title [[code](url)]`, `- [ICLR 2026](url) Title`,
`- [ICCV 2025]() Title`, `- [[AAAI](url)] [72:fire:] Title` and `-  [**2023 | CoLLAs**] Title [[📄 paper](url)]`.

Common in lists grouped under year headings; a venue without a year takes the heading's year.
"""

from __future__ import annotations

import re

from kg.model import Record
from kg.parse import text as tx
from kg.parse.checks import PAPER_LINK
from kg.parse.context import Context

LAYOUT = "bracket-venue-bullets"

_DOUBLE = re.compile(r"^\s*[-*+]\s+\[\[(?P<venue>[^\]]+)\]\((?P<url>[^)]*)\)\]\s*(?P<title>[^\[]+?)\s*(?P<rest>\[.*)?$")
_SINGLE = re.compile(r"^\s*[-*+]\s+\[(?P<venue>[^\]\[]+)\]\((?P<url>(?:[^)#][^)]*)?)\)\s+(?P<title>[^\[]+?)\s*(?P<rest>\[.*)?$")
_YEAR_BAR = re.compile(r"^\s*[-*+]\s+\[\*\*(?P<a>[^*|\]]+)\|(?P<b>[^*|\]]+)\*\*\]\s*(?P<title>[^\[]+?)\s*(?P<rest>\[.*)?$")
_BADGE_BRACKET = re.compile(r"\[\s*\d*\s*(?::[a-z_]+:\s*\d*\s*)+\]")  # '[72:fire:]', '[:star:12]': popularity, not a link
_VENUE_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9&.,\- ]{1,60}")


def parse(line: str, ctx: Context) -> Record | None:
    """A record, or None when the line is not of this layout (the bracket must hold a venue)."""
    line = _BADGE_BRACKET.sub(" ", line)
    m = _YEAR_BAR.match(line)
    if m:
        a, b = tx.strip_markdown(m.group("a")), tx.strip_markdown(m.group("b"))
        year_text, venue_text = (a, b) if re.fullmatch(r"(?:19|20)\d\d", a) else (b, a)
        if not re.fullmatch(r"(?:19|20)\d\d", year_text):
            return None
        return _record(m, venue_text, int(year_text), "", ctx)
    double = _DOUBLE.match(line)
    m = double or _SINGLE.match(line)
    if not m:
        return None
    venue_text = tx.strip_markdown(m.group("venue"))
    found = tx.venue_shorthand(venue_text)
    # '[[AAAI](paper url)]' is plainly a venue; '[Words](url)' only under a year heading (else it may be a title).
    if found:
        venue, year = found
    elif _VENUE_WORDS.fullmatch(venue_text) and (ctx.year or (double and PAPER_LINK.search(m.group("url")))):
        venue, year = venue_text, None
    else:
        return None
    return _record(m, venue, year, m.group("url"), ctx)


def _record(m: re.Match, venue: str, year: int | None, url: str, ctx: Context) -> Record | None:
    title = tx.clean_title(m.group("title"))
    if len(title.split()) < 2:
        return None
    links_text = f"[x]({url}) {m.group('rest') or ''}"
    return Record(title=title, file=ctx.file, line=0, layout=LAYOUT, venue=venue, year=year or ctx.year,
                  arxiv=tx.arxiv_id(links_text), doi=tx.doi(links_text), links=tx.classify_links(links_text),
                  sections=ctx.sections, tags=tx.tags(m.group("rest") or ""))
