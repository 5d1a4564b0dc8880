"""Markdown tables with a Title column: `| Title | Authors | Venue | Year | Paper Link |`."""

from __future__ import annotations

import re

from kg.model import Problem, Record, Skipped
from kg.parse import text as tx
from kg.parse.context import Context

LAYOUT = "markdown-table"

# A separator row has pipes: a bare '---' after a table is a horizontal rule, not a header line.
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)+\|?\s*$|^\s*\|\s*:?-{2,}:?\s*\|\s*$")
_COLUMN_NAMES = {
    "title": "title", "paper": "title", "name": "title",
    "authors": "authors", "author": "authors",
    "venue": "venue", "conference": "venue", "publication": "venue",
    "year": "year",
    "paper link": "link", "link": "link", "links": "link", "pdf": "link", "url": "link", "code": "code",
}


def cells(line: str) -> list[str]:
    """The cells of a table row, outer pipes removed."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in body.split("|")]


def is_row(line: str) -> bool:
    return line.lstrip().startswith("|")


def parse(line: str, ctx: Context, next_line: str = "") -> Record | Skipped | Problem | None:
    """Read one row; a header row (followed by a separator) opens a table."""
    if not is_row(line):
        return None
    if _SEPARATOR.match(line):
        return Skipped(ctx.file, 0, "table-separator", "")
    if ctx.table_columns is None and _SEPARATOR.match(next_line):
        names = [tx.strip_markdown(c).lower() for c in cells(line)]
        columns = [_COLUMN_NAMES.get(n, n) for n in names]
        if "title" in names:  # '| Title | Venue | Paper | Code |': the Paper column holds the paper's link
            columns = ["link" if n in ("paper", "name") else c for n, c in zip(names, columns)]
        ctx.table_columns = columns
        return Skipped(ctx.file, 0, "table-header", line.strip())
    columns = ctx.table_columns
    if columns is None:
        return Problem(ctx.file, 0, "table row without a header row", line.strip())
    if "title" not in columns:
        compound = _compound_row(cells(line), ctx)
        return compound or Skipped(ctx.file, 0, "table-without-titles", tx.strip_markdown(cells(line)[0]))
    row = cells(line)
    if len(row) > len(columns) and not any(row[len(columns):]):
        row = row[: len(columns)]  # trailing empty cells: a stray pipe
    if len(row) < len(columns) and len(row) > columns.index("title"):
        row += [""] * (len(columns) - len(row))  # a row that leaves out its last cells (no venue, no link) keeps the rest
    if len(row) != len(columns):
        return Problem(ctx.file, 0, f"table row has {len(row)} cells, header has {len(columns)}", line.strip())
    value = dict(zip(columns, row))
    if _BR.search(value["title"]):  # 'Venue<br />[Title](url)<br />Authors' under a Paper/Title header
        compound = _compound_row([value["title"]], ctx)
        if compound is not None:
            return compound
    title = tx.clean_title(value["title"])
    if not title:
        return Problem(ctx.file, 0, "table row with an empty Title cell", line.strip())
    authors, truncated = tx.authors_given_first(value.get("authors", ""))
    year = tx.year_of(value.get("year", ""))
    linked = " ".join(value.get(c, "") for c in ("link", "code", "title", "venue"))
    venue = tx.clean_title(value.get("venue", ""))  # a linked venue ('[arXiv](url)') keeps its label
    badge = tx.badge_venue(value.get("venue", "")) or (tx.venue_shorthand(venue) if venue else None)
    if badge:
        venue, year = badge[0], year or badge[1]
    return Record(
        title=title,
        file=ctx.file,
        line=0,
        layout=LAYOUT,
        authors=authors,
        authors_truncated=truncated,
        venue=venue,
        year=year,
        arxiv=tx.arxiv_id(linked),
        doi=tx.doi(linked),
        links=tx.classify_links(linked),
        sections=ctx.sections,
    )


_BR = re.compile(r"<br\s*/?>", re.I)
_LINK = re.compile(r"\[(?P<title>[^\]]+)\]\((?P<url>[^)]*)\)")


def _compound_row(row: list[str], ctx: Context) -> Record | None:
    """A row whose cell holds 'Venue<br />[Title](url)<br />Authors', as some lists write them."""
    for cell in row:
        parts = [p.strip() for p in _BR.split(cell)]
        for i, part in enumerate(parts):
            m = _LINK.fullmatch(part)
            if not m or i == 0:
                continue
            venue_text = parts[i - 1]
            found = tx.badge_venue(venue_text) or tx.venue_shorthand(tx.strip_markdown(venue_text))
            venue, year = found if found else (tx.strip_markdown(venue_text), tx.year_of(venue_text))
            authors, truncated = tx.authors_given_first(parts[i + 1]) if i + 1 < len(parts) else ([], False)
            others = " ".join(row)
            return Record(title=tx.clean_title(m.group("title")), file=ctx.file, line=0, layout="markdown-table-compound",
                          authors=authors, authors_truncated=truncated, venue=venue, year=year or ctx.year,
                          arxiv=tx.arxiv_id(m.group("url")) or tx.arxiv_id(others), doi=tx.doi(others),
                          links=tx.classify_links(others), sections=ctx.sections)
    return None
