"""Plain records passed between the pipeline's stages, and the text folding that every stage shares."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    """An author as a list writes them: family name and given name or initials."""

    family: str
    given: str = ""

    @property
    def display(self) -> str:
        return f"{self.given} {self.family}".strip()


@dataclass
class Record:
    """One paper entry of one source list, as the list states it."""

    title: str
    file: str
    line: int
    layout: str
    authors: list[Person] = field(default_factory=list)
    authors_truncated: bool = False  # the list wrote "et al." or "..."
    authors_gap: int | None = None  # where "..." stands in an APA list that names the last author after it
    venue: str = ""  # as written
    year: int | None = None
    arxiv: str | None = None
    doi: str | None = None
    links: dict[str, list[str]] = field(default_factory=dict)
    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()  # (column, value) a list states beyond the citation: ("finetune", "QAT")

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Skipped:
    """An entry recognised as not a paper (software, data set, venue list, placeholder, navigation)."""

    file: str
    line: int
    kind: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """A line that looks like an entry but could not be read."""

    file: str
    line: int
    message: str
    text: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def ascii_fold(text: str) -> str:
    """Text with accents removed: 'Léonard' -> 'Leonard'."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# C0 controls but tab and newline, DEL, C1 controls, lone surrogates and the two non-characters XML forbids:
# no page, XML document or terminal should receive them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")  # ANSI CSI and OSC


def without_controls(text: str) -> tuple[str, int]:
    """`text` without terminal escape sequences and control characters, and how many were removed."""
    text, sequences = _ESCAPE_SEQUENCE.subn("", text)
    text, characters = CONTROL_CHARACTERS.subn("", text)
    return text, sequences + characters
