"""The state a list parser carries from line to line: file, section headings, open table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import Record

_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")


@dataclass
class Context:
    """Where in a list the current line stands."""

    file: str
    headings: list[tuple[int, str]] = field(default_factory=list)
    table_columns: list[str] | None = None  # header of the table being read, lower-cased
    year: int | None = None  # the year of the nearest year heading ("## 2024"), for lists grouped by year
    last: Record | None = None  # the entry read last, which indented notes and `**Venue:**` lines belong to

    def enter_heading(self, line: str) -> bool:
        """Track a Markdown heading; returns False if `line` is not one."""
        m = _HEADING.match(line)
        if not m:
            return False
        level = len(m.group("hashes"))
        text = clean_heading(m.group("text"))
        year = re.fullmatch(r"(?:19|20)\d\d", text)
        if year:
            self.year = int(year.group(0))
        elif level <= 2:
            self.year = None
        self.headings = [(lv, t) for lv, t in self.headings if lv < level]
        if text:
            self.headings.append((level, text))
        self.table_columns = None
        return True

    @property
    def sections(self) -> tuple[str, ...]:
        """Headings above the current line, outermost first, without the list's title (level 1)."""
        return tuple(t for lv, t in self.headings if lv > 1)


def clean_heading(text: str) -> str:
    """Heading text without emphasis, numbering such as '# 001', or emoji."""
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"^#\s*\d+\s*$", "", text.strip())
    text = re.sub(r"[^\w\s&()'/+.,:-]", "", text)
    return re.sub(r"\s+", " ", text).strip()
