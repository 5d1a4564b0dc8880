"""Parse paper lists: takes list files (Markdown, BibTeX, CSV) and gives, for every entry of every layout, a Record,
a Skipped non-paper, or a Problem.

The layout is detected line by line: each parser is strict, and a line that looks like an
entry (a bullet, a numbered item, a table row) but that no parser reads is reported with its
file and line, never dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.model import Problem, Record, Skipped
from kg.parse import bracket_venue, citation, nonpaper, numbered, quoted, table, venue_bullets
from kg.parse.context import Context

# Line parsers, tried in this order; each returns None for a line not of its layout.
LINE_PARSERS: dict[str, Callable[[str, Context], Record | Skipped | None]] = {
    numbered.LAYOUT: numbered.parse,
    venue_bullets.LAYOUT: venue_bullets.parse,
    quoted.LAYOUT: quoted.parse,
    citation.LAYOUT: citation.parse,
    bracket_venue.LAYOUT: bracket_venue.parse,
}
LIST_SUFFIXES = (".md", ".markdown", ".txt", ".bib", ".csv")
MAX_LINE = 4000  # longer lines are reported, not parsed: no list entry is that long

_ENTRY_LIKE = re.compile(r"^\s*(?:[-*+]\s|\d+\.\s|\|)")


@dataclass
class ParseResult:
    """What one or more files held."""

    records: list[Record] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    layouts: dict[str, Counter] = field(default_factory=dict)  # file -> layout -> entries

    def extend(self, other: ParseResult) -> None:
        self.records += other.records
        self.skipped += other.skipped
        self.problems += other.problems
        self.layouts.update(other.layouts)

    def layout_of(self, file: str) -> str:
        """The layout most entries of `file` use ('unknown' if none)."""
        counts = self.layouts.get(file)
        return counts.most_common(1)[0][0] if counts else "unknown"


def decode(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """Text of a list file; undecodable bytes are replaced and reported once."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        text = data.decode("utf-8", errors="replace")
        return text, [Problem(name, line, "not valid UTF-8; undecodable bytes replaced")]


def parse_text(text: str, name: str) -> ParseResult:
    """Parse the text of one list; `name` is how records cite their file."""
    result = ParseResult(layouts={name: Counter()})
    ctx = Context(file=name)
    # Lines end at \n only (as grep -n and git count them); a stray \r is white space.
    lines = text.replace("\r\n", "\n").replace("\r", " ").split("\n")
    for index, raw in enumerate(lines):
        lineno = index + 1
        line = raw.replace("\x00", "").rstrip()
        if len(line) > MAX_LINE:
            if _ENTRY_LIKE.match(line):
                result.problems.append(Problem(name, lineno, f"line of {len(line)} characters is too long to be an entry"))
            continue
        if not line.strip():
            ctx.table_columns = None if not table.is_row(line) else ctx.table_columns
            continue
        if ctx.enter_heading(line):
            continue
        if table.is_row(line):
            next_line = lines[index + 1] if index + 1 < len(lines) else ""
            _collect(result, table.parse(line, ctx, next_line), lineno, table.LAYOUT)
            continue
        ctx.table_columns = None
        if not _ENTRY_LIKE.match(line):
            continue  # prose between entries
        _collect(result, _parse_entry(line, ctx), lineno, None)
    return result


def _parse_entry(line: str, ctx: Context) -> tuple[str, Record | Skipped | Problem]:
    skipped = nonpaper.recognise(line, ctx)
    if skipped is not None:
        return "non-paper", skipped
    for layout, parse in LINE_PARSERS.items():
        try:
            found = parse(line, ctx)
        except (ValueError, IndexError) as err:  # a parser's own bug must not drop the line silently
            return layout, Problem(ctx.file, 0, f"{layout} parser failed: {err}", line.strip())
        if found is not None:
            return layout, found
    return "unknown", Problem(ctx.file, 0, "entry in no known layout", line.strip()[:200])


def _collect(result: ParseResult, found, lineno: int, layout: str | None) -> None:
    if isinstance(found, tuple):
        layout, found = found
    if found is None:
        return
    found = replace(found, line=lineno)
    if isinstance(found, Record):
        result.records.append(found)
        result.layouts[found.file][found.layout] += 1
    elif isinstance(found, Problem):
        result.problems.append(found)
    elif found.kind not in ("table-separator", "table-header"):
        result.skipped.append(found)


def parse_file(path: Path, base: Path | None = None) -> ParseResult:
    """Parse one list file; records cite it relative to `base` (default: its folder)."""
    name = path.name if base is None else path.relative_to(base).as_posix()
    text, problems = decode(path.read_bytes(), name)
    suffix = path.suffix.lower()
    if suffix in (".bib", ".csv"):
        from kg.parse.bibtex import LAYOUT as BIB
        from kg.parse.bibtex import parse_bibtex
        from kg.parse.csv_list import LAYOUT as CSV
        from kg.parse.csv_list import parse_csv
        layout = BIB if suffix == ".bib" else CSV
        records, more = (parse_bibtex if suffix == ".bib" else parse_csv)(text, name)
        result = ParseResult(records=records, problems=problems + more, layouts={name: Counter({layout: len(records)})})
        return result
    result = parse_text(text, name)
    result.problems[:0] = problems
    return result


def list_files(folder: Path) -> list[Path]:
    """The list files of a sources folder, sorted so that builds are deterministic."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in LIST_SUFFIXES)


def parse_sources(folder: Path, extra: Iterable[Path] = ()) -> ParseResult:
    """Parse every list in `folder` (and `extra` files)."""
    result = ParseResult()
    for path in [*list_files(folder), *extra]:
        result.extend(parse_file(path, folder if path.parent == folder else path.parent))
    return result
