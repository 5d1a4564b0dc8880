"""CSV input: a header naming at least a title column (and venue, year, authors, arxiv, doi, url when present)."""

from __future__ import annotations

import csv
import io
import re

from kg.model import Problem, Record, Skipped
from kg.parse import text as tx
from kg.parse.html_table import FACT_COLUMNS

LAYOUT = "csv"
COLUMNS = {"title": "title", "paper": "title", "name": "title", "venue": "venue", "conference": "venue", "journal": "venue", "publication": "venue",
           "year": "year", "authors": "authors", "author": "authors", "arxiv": "arxiv", "arxiv id": "arxiv", "doi": "doi",
           "url": "url", "link": "url", "pdf": "url", "code": "code"}


def parse_csv(text: str, name: str) -> tuple[list[Record], list[Problem], list[Skipped]]:
    """Records of every row; a file without a title column, or a row without a title, is reported.

    A venue cell that also holds the year ('NeurIPS 2021') gives both; bit-width, quantizer, fine-tuning, task
    and special columns are kept as the record's facts."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], [Problem(name, 1, "CSV file without a header row")], []
    columns = [COLUMNS.get(h.strip().lower()) or FACT_COLUMNS.get(h.strip().lower(), h.strip().lower()) for h in header]
    if "title" not in columns:
        return [], [Problem(name, 1, f"CSV header has no title column: {', '.join(header)[:120]}")], []
    records, problems = [], []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            problems.append(Problem(name, reader.line_num, f"CSV row cannot be read: {err}"))
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        value = dict(zip(columns, row))
        title = tx.clean_title(value.get("title", ""))
        if not title:
            problems.append(Problem(name, line, "CSV row without a title", ",".join(row)[:200]))
            continue
        authors, truncated = tx.authors_given_first(value.get("authors", "").replace(";", ","))
        links_text = " ".join(value.get(c, "") for c in ("url", "code", "arxiv", "doi"))
        arxiv = tx.arxiv_id(links_text) or tx.arxiv_id("arXiv:" + value.get("arxiv", "").strip())
        venue, year = _venue_year(value.get("venue", "").strip(), value.get("year", ""))
        facts = tuple((column, part.strip()) for column, cell in value.items() if column in FACT_COLUMNS.values()
                      for part in re.split(r"[/,;]", cell) if part.strip())
        records.append(Record(title=title, file=name, line=line, layout=LAYOUT, authors=authors, authors_truncated=truncated,
                              venue=venue, year=year, arxiv=arxiv,
                              doi=tx.doi("doi:" + value["doi"]) if value.get("doi") else tx.doi(links_text),
                              links=tx.classify_links(links_text), facts=facts))
    return records, problems, []


def _venue_year(venue: str, year_cell: str) -> tuple[str, int | None]:
    """('NeurIPS', 2021) from a venue cell 'NeurIPS 2021' when no year column says otherwise."""
    year = tx.year_of(year_cell)
    found = tx.venue_shorthand(venue)
    if found:
        return found[0], year or found[1]
    if year is None and (year := tx.year_of(venue)) is not None:
        venue = re.sub(r"(?<!\d)(?:19|20)\d\d(?!\d)", "", venue).strip(" ,'")
    return venue, year
