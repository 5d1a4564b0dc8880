"""Bullets that are a paper link and nothing else but notes: `- [Title](https://arxiv.org/abs/...)`, with
`* [1510-Deep Compression](https://arxiv.org/abs/1510.00149)` (an arXiv yymm prefix) and notes indented below;
and bold numbered entries whose venue and authors follow on their own lines:

    1. **Title** [[paper](url)]
       **Venue:** ICLR 2021
       **Authors:** A. Author, B. Author
"""

from __future__ import annotations

import re

from kg.model import Record
from kg.parse import text as tx
from kg.parse.checks import LINK_WORDS, PAPER_LINK
from kg.parse.context import Context

LAYOUT = "link-bullets"
BOLD_LAYOUT = "bold-numbered"

_LINK_BULLET = re.compile(r"^\s*[-*+]\s+\[(?P<label>[^\[\]]+)\]\((?P<url>[^()\s]+)\)\s*(?P<rest>.*)$")
_YYMM = re.compile(r"^(?P<yymm>\d{4})\s*[-_:.]\s*(?=\S)")
_VENUE_NOTE = re.compile(r"[(\[]\s*(?P<venue>[A-Za-z][A-Za-z&.\- ]{1,40}?)\s*'?(?P<year>(?:19|20)\d\d)\s*[)\]]")
_BOLD = re.compile(r"^\s*\d+\.\s+\*\*(?P<title>[^*]{8,})\*\*\s*(?P<rest>.*)$")
FIELD = re.compile(r"^\s*(?:[-*+]\s+)?\*\*(?P<name>[A-Za-z ]{2,20}?)\s*:?\s*\*\*\s*:?\s*(?P<value>.*)$")


def parse(line: str, ctx: Context) -> Record | None:
    """A record for a top-level bullet whose only link points at a paper, else None."""
    m = _LINK_BULLET.match(line)
    if not m or not PAPER_LINK.search(m.group("url")):
        return None
    label = tx.clean_title(m.group("label"))
    prefix = _YYMM.match(label)
    if prefix:
        label = label[prefix.end():]
    if label.lower() in LINK_WORDS or len(label) < 4:
        return None
    rest = m.group("rest")
    links_text = f"[x]({m.group('url')}) {rest}"
    arxiv = tx.arxiv_id(links_text)
    note = _VENUE_NOTE.search(rest)
    venue, year = (note.group("venue").strip(), int(note.group("year"))) if note else ("", None)
    return Record(title=label, file=ctx.file, line=0, layout=LAYOUT, venue=venue,
                  year=year or ctx.year or tx.arxiv_year(arxiv), arxiv=arxiv, doi=tx.doi(links_text),
                  links=tx.classify_links(links_text), sections=ctx.sections)


def parse_bold(line: str, ctx: Context) -> Record | None:
    """A record for `1. **Title** [links]`, completed by the field lines that follow (see add_field)."""
    m = _BOLD.match(line)
    if not m or re.search(r"\(\d{4}\)", m.group("rest")):
        return None  # '**Family, I.** (2018). "Title"' is the numbered bibliography
    title = tx.clean_title(m.group("title"))
    rest = m.group("rest")
    if title.lower() in LINK_WORDS or title.endswith(":"):
        return None
    return Record(title=title, file=ctx.file, line=0, layout=BOLD_LAYOUT, year=ctx.year, arxiv=tx.arxiv_id(rest),
                  doi=tx.doi(rest), links=tx.classify_links(rest), sections=ctx.sections)


def add_field(record: Record, line: str) -> bool:
    """Complete a bold-numbered record with a `**Venue:** ...`, `**Authors:** ...` or link line; False if not one."""
    m = FIELD.match(line)
    if not m:
        return False
    name, value = m.group("name").strip().lower(), m.group("value").strip()
    if name in ("venue", "conference", "published", "publication", "published in", "journal"):
        found = tx.venue_shorthand(tx.strip_markdown(value))
        venue, year = found if found else (re.sub(r"(?<!\d)(?:19|20)\d\d(?!\d)", "", tx.strip_markdown(value)).strip(" ,"),
                                           tx.year_of(value))
        record.venue, record.year = venue, year or record.year
    elif name in ("authors", "author"):
        record.authors, record.authors_truncated = tx.authors_given_first(tx.strip_markdown(value))
    elif name == "year":
        record.year = tx.year_of(value) or record.year
    elif name in ("paper", "link", "links", "code", "arxiv", "pdf", "url"):
        record.arxiv = record.arxiv or tx.arxiv_id(value)
        record.doi = record.doi or tx.doi(value)
        for kind, urls in tx.classify_links(value).items():
            record.links.setdefault(kind, []).extend(urls)
    else:
        return False
    return True
