"""HTML `<table>` blocks inside Markdown (`<tr><th>Title</th><th><a href=..>NeurIPS 2021</a></th><th>MP</th>...`),
read with the standard library's HTML parser: each row a record, its extra columns kept as facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from kg.model import Problem, Record
from kg.parse import text as tx
from kg.parse.context import Context

LAYOUT = "html-table"

# Header names -> the record field or fact they give; other columns are kept as facts under their own name.
COLUMNS = {
    "title": "title", "paper": "title", "paper title": "title", "name": "title",
    "publication": "venue", "venue": "venue", "conference": "venue", "journal": "venue", "conf": "venue",
    "year": "year", "authors": "authors", "author": "authors",
    "link": "link", "links": "link", "pdf": "link", "url": "link", "code": "code",
}
FACT_COLUMNS = {"bit": "bits", "bits": "bits", "bit-width": "bits", "bitwidth": "bits", "precision": "bits",
                "quantizer": "quantizer", "quantizer type": "quantizer", "finetune": "finetune", "fine-tuning": "finetune",
                "finetuning": "finetune", "fine-tune": "finetune", "task": "task", "special": "special"}


@dataclass
class Cell:
    """One table cell: its text outside links, its links (label, url), and the line it starts on."""

    line: int
    text: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def plain(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text)).strip()

    @property
    def link_text(self) -> str:
        return " ".join(label for label, _ in self.links).strip()


class _Rows(HTMLParser):
    """Collects table rows as lists of cells; line numbers are counted from the block's first line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[Cell]]] = []
        self._row: list[Cell] | None = None
        self._cell: Cell | None = None
        self._href: str | None = None
        self._label: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag == "tr":
            self._row = []
            self.rows.append((line, self._row))
        elif tag in ("td", "th") and self._row is not None:
            self._cell = Cell(line)
            self._row.append(self._cell)
        elif tag == "a" and self._cell is not None:
            self._href, self._label = dict(attrs).get("href") or "", []
        elif tag == "br" and self._cell is not None:
            self._cell.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._cell is not None and self._href is not None:
            self._cell.links.append(("".join(self._label).strip(), self._href.strip()))
            self._href = None
        elif tag in ("td", "th"):
            self._cell = None
        elif tag == "tr":
            self._row, self._cell = None, None

    def handle_data(self, data: str) -> None:
        if self._cell is None:
            return
        if self._href is not None:
            self._label.append(data)
        else:
            self._cell.text.append(data)


def parse_block(lines: list[str], first_line: int, ctx: Context) -> list[tuple[Record | Problem | None, range]]:
    """What each row of one `<table>` block (starting at `first_line`) gave, with the lines the row spans:
    a record, a problem, or None for the header row."""
    reader = _Rows()
    reader.feed("\n".join(lines))
    reader.close()
    out: list[tuple[Record | Problem | None, range]] = []
    columns: list[str] | None = None
    for index, (offset, row) in enumerate(reader.rows):
        line = first_line + offset - 1
        end = first_line + (reader.rows[index + 1][0] - 1 if index + 1 < len(reader.rows) else len(lines)) - 1
        span = range(line, max(end, line) + 1)
        names = [c.plain.lower() or c.link_text.lower() for c in row]
        if columns is None and any(COLUMNS.get(n) == "title" for n in names):
            columns = [COLUMNS.get(n) or FACT_COLUMNS.get(n) or n for n in names]
            out.append((None, span))
            continue
        if not row or not any(c.plain or c.links for c in row):
            continue
        if columns is None:
            out.append((Problem(ctx.file, line, "HTML table row before a header row naming a Title column", _row_text(row)), span))
            continue
        out.append((_record(dict(zip(columns, row)), line, ctx), span))
    return out


def _row_text(row: list[Cell]) -> str:
    return " | ".join(c.plain or c.link_text for c in row)[:200]


def _record(value: dict[str, Cell], line: int, ctx: Context) -> Record | Problem:
    title_cell = value.get("title")
    if title_cell is None:
        return Problem(ctx.file, line, "HTML table row without a Title cell")
    title = tx.clean_title(title_cell.plain) or tx.clean_title(title_cell.link_text)
    if not title:
        return Problem(ctx.file, line, "HTML table row with an empty Title cell")
    venue_cell = value.get("venue")
    venue_text = (venue_cell.plain + " " + venue_cell.link_text).strip() if venue_cell else ""
    found = tx.venue_shorthand(venue_text)
    venue, year = found if found else (re.sub(r"(?<!\d)(?:19|20)\d\d(?!\d)", "", venue_text).strip(" ,'"), tx.year_of(venue_text))
    if "year" in value:
        year = tx.year_of(value["year"].plain) or year
    urls = [(label, url) for cell in value.values() for label, url in cell.links if url.strip()]
    linked = " ".join(f"[{label}]({url})" for label, url in urls)
    authors, truncated = tx.authors_given_first(value["authors"].plain) if "authors" in value else ([], False)
    facts = tuple((name, part.strip()) for name, cell in value.items() if name in FACT_COLUMNS.values()
                  for part in re.split(r"[/,;]", cell.plain) if part.strip())
    return Record(title=title, file=ctx.file, line=line, layout=LAYOUT, authors=authors, authors_truncated=truncated,
                  venue=venue, year=year or ctx.year, arxiv=tx.arxiv_id(linked), doi=tx.doi(linked),
                  links=tx.classify_links(linked), sections=ctx.sections, facts=facts)
