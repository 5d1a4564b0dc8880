"""Parse paper lists: takes list files (Markdown, BibTeX, CSV) and gives, for every entry of every layout, a Record,
a Skipped non-paper, or a Problem.

The layout is detected line by line: each parser is strict, and a line that looks like an
entry (a bullet, a numbered item, a table row) but that no parser reads is reported with its
file and line, never dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.model import Problem, Record, Skipped
from kg.parse import bracket_venue, checks, citation, html_table, link_bullets, nonpaper, numbered, quoted, table, venue_bullets
from kg.parse.context import Context

# Line parsers, tried in this order; each returns None for a line not of its layout.
LINE_PARSERS: dict[str, Callable[[str, Context], Record | Skipped | None]] = {
    numbered.LAYOUT: numbered.parse,
    link_bullets.BOLD_LAYOUT: link_bullets.parse_bold,
    venue_bullets.LAYOUT: venue_bullets.parse,
    quoted.LAYOUT: quoted.parse,
    citation.LAYOUT: citation.parse,
    bracket_venue.LAYOUT: bracket_venue.parse,
    link_bullets.LAYOUT: link_bullets.parse,
}
LIST_SUFFIXES = (".md", ".markdown", ".txt", ".bib", ".csv")
NOT_LISTS = re.compile(r"^(?:SOURCE|LICEN[CS]E|NOTICE|ATTRIBUTION|COPYING)(?:\.\w+)?$", re.I)  # kept beside a list, never read
MAX_LINE = 4000  # longer lines are reported, not parsed: no list entry is that long

_ENTRY_LIKE = re.compile(r"^\s*(?:[-*+]\s|\d+\.\s|\|)")
_NESTED = re.compile(r"^(?:\s{2,}|\t)[-*+]\s")
_TABLE_OPEN = re.compile(r"^\s*<table\b", re.I)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.I)


@dataclass
class ParseResult:
    """What one or more files held."""

    records: list[Record] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    layouts: dict[str, Counter] = field(default_factory=dict)  # file -> layout -> entries
    dropped: list[Problem] = field(default_factory=list)  # values that failed their check, dropped from their record
    unread_links: list[Problem] = field(default_factory=list)  # lines carrying a paper link that no record was read from
    link_lines: dict[str, tuple[int, int]] = field(default_factory=dict)  # file -> (lines with a paper link, of those read)

    def extend(self, other: ParseResult) -> None:
        self.records += other.records
        self.skipped += other.skipped
        self.problems += other.problems
        self.layouts.update(other.layouts)
        self.dropped += other.dropped
        self.unread_links += other.unread_links
        self.link_lines.update(other.link_lines)

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
    outcome: dict[int, str] = {}  # line -> "read", or why it gave no record
    # Lines end at \n only (as grep -n and git count them); a stray \r is white space.
    lines = text.replace("\r\n", "\n").replace("\r", " ").split("\n")
    closes = [i for i, text in enumerate(lines) if "</" in text and _TABLE_CLOSE.search(text)]
    index = 0
    while index < len(lines):
        lineno = index + 1
        line = lines[index].replace("\x00", "").rstrip()
        index += 1
        end = _table_end(closes, index - 1) if _TABLE_OPEN.match(line) else None
        if end is not None:  # an HTML table, however long its lines
            for item, span in html_table.parse_block(lines[index - 1:end + 1], lineno, ctx):
                if item is not None:
                    _collect(result, item, item.line, None, outcome)
                why = "read" if isinstance(item, Record) else item.message if item is not None else "HTML table header"
                outcome.update({n: why for n in span})
            index, ctx.last = end + 1, None
            continue
        if len(line) > MAX_LINE:
            if _ENTRY_LIKE.match(line) or checks.paper_link(line):
                _collect(result, Problem(name, 0, f"line of {len(line)} characters is too long to be an entry"), lineno, None, outcome)
            continue
        if not line.strip():
            ctx.table_columns = None if not table.is_row(line) else ctx.table_columns
            continue
        if ctx.enter_heading(line):
            ctx.last = None
            continue
        if table.is_row(line):
            next_line = lines[index] if index < len(lines) else ""
            _collect(result, table.parse(line, ctx, next_line), lineno, table.LAYOUT, outcome)
            ctx.last = None
            continue
        ctx.table_columns = None
        if ctx.last is not None and ctx.last.layout == link_bullets.BOLD_LAYOUT and link_bullets.add_field(ctx.last, line):
            outcome[lineno] = "read"  # a `**Venue:** ...` line completing the entry above
            continue
        if not _ENTRY_LIKE.match(line):
            if not line.startswith((" ", "\t")):
                ctx.last = None  # prose ends the entry above: later lines are not its notes
            continue
        record = _collect(result, _parse_entry(line, ctx), lineno, None, outcome)
        if record is not None:
            ctx.last = record
        elif not _NESTED.match(line):
            ctx.last = None
    _check_records(result, outcome)
    _account_links(result, name, lines, outcome)
    return result


def _table_end(closes: list[int], start: int) -> int | None:
    """The line index of the `</table>` closing a table opened at `start` (`closes`: the indexes of every `</table>`
    line, in order); None if it is never closed (then the lines are read one by one, so that a stray tag cannot
    swallow the rest of the list)."""
    at = bisect_left(closes, start)
    return closes[at] if at < len(closes) else None


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
    if ctx.last is not None and _NESTED.match(line):
        return "note", Skipped(ctx.file, 0, "note", line.strip()[:200])  # an indented note under the entry above
    return "unknown", Problem(ctx.file, 0, "entry in no known layout", line.strip()[:200])


def _collect(result: ParseResult, found, lineno: int, layout: str | None, outcome: dict[int, str]) -> Record | None:
    """File what a parser found under its line; returns the record, if it was one."""
    if isinstance(found, tuple):
        layout, found = found
    if found is None:
        return None
    found = replace(found, line=lineno)
    if isinstance(found, Record):
        result.records.append(found)
        result.layouts[found.file][found.layout] += 1
        outcome[lineno] = "read"
        return found
    if isinstance(found, Problem):
        result.problems.append(found)
        outcome[lineno] = found.message
    else:
        outcome.setdefault(lineno, f"not a paper ({found.kind}: {found.text[:60]})")
        if found.kind not in ("table-separator", "table-header"):
            result.skipped.append(found)
    return None


def _account_links(result: ParseResult, name: str, lines: list[str], outcome: dict[int, str]) -> None:
    """Count the lines that carry a paper link, and report each one no record was read from, with why."""
    present = read = 0
    for index, line in enumerate(lines):
        host = checks.paper_link(line)
        if host is None:
            continue
        lineno = index + 1
        present += 1
        why = outcome.get(lineno)
        if why == "read":
            read += 1
            continue
        why = why or ("prose, not a list entry" if not _ENTRY_LIKE.match(line) else "entry in no known layout")
        result.unread_links.append(Problem(name, lineno, f"carries a paper link ({host}) but was not read: {why}", line.strip()[:200]))
    result.link_lines[name] = (present, read)


def _check_records(result: ParseResult, outcome: dict[int, str]) -> None:
    """Run the value checks on every record: failing values are dropped and reported, a record whose title fails is
    reported instead of read."""
    kept = []
    starts = {r.line for r in result.records}
    for record in result.records:
        checked, reported = checks.check(record)
        if checked is None:
            result.problems += reported
            result.layouts[record.file][record.layout] -= 1
            outcome[record.line] = reported[0].message
            line = record.line + 1
            while outcome.get(line) == "read" and line not in starts:  # the rest of a multi-line entry (an HTML row)
                outcome[line] = reported[0].message
                line += 1
            continue
        result.dropped += reported
        kept.append(checked)
    result.records = kept
    for counts in result.layouts.values():
        for layout in [k for k, n in counts.items() if n <= 0]:
            del counts[layout]


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
        records, more, skipped = (parse_bibtex if suffix == ".bib" else parse_csv)(text, name)
        result = ParseResult(records=records, problems=more, skipped=skipped, layouts={name: Counter({layout: len(records)})})
        _check_records(result, {})
        # Entries rather than link lines: a CSV row or BibTeX entry is one paper whether or not it links one.
        unread = [p for p in result.problems if p.line > 1 or layout == BIB]
        result.link_lines[name] = (len(result.records) + len(unread), len(result.records))
        result.unread_links += [Problem(p.file, p.line, f"entry not read: {p.message}", p.text) for p in unread]
        result.problems[:0] = problems
        return result
    result = parse_text(text, name)
    result.problems[:0] = problems
    return result


def list_files(folder: Path, warn=None) -> list[Path]:
    """The list files of a sources folder and its subfolders, sorted so that builds are deterministic.

    A symlink that resolves outside the folder is refused (one warning line through `warn`); licence and
    attribution files kept beside a list (SOURCE.md, LICENSE) are not lists."""
    if not folder.is_dir():
        raise FileNotFoundError(2, "no such folder", str(folder))
    root = folder.resolve()
    out = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in LIST_SUFFIXES or NOT_LISTS.match(path.name) or not path.is_file():
            continue
        if root not in path.resolve().parents:
            if warn is not None:
                warn(f"warning: {path} resolves outside {folder} ({path.resolve()}): not read")
            continue
        out.append(path)
    return out


def parse_sources(folder: Path, extra: Iterable[Path] = (), warn=None) -> ParseResult:
    """Parse every list in `folder` and its subfolders (and `extra` files); names are relative to `folder`."""
    result = ParseResult()
    for path in list_files(folder, warn):
        result.extend(parse_file(path, folder))
    for path in extra:
        result.extend(parse_file(path, path.parent))
    return result
