"""Text made safe for where it is written: HTML, SVG and JSON in a page (no control characters, markup escaped), XML
(no illegal characters, counted and reported), terminals (no control sequences), spreadsheets (no formulas). Shared by
every writer and by `qkg query`/`qkg serve`."""

from __future__ import annotations

import html
import json
import re

from kg.model import CONTROL_CHARACTERS as _UNSAFE  # what no page may hold; the parse checks remove it from list values too

# Characters XML 1.0 forbids anywhere (even as character references): C0 controls but tab, LF and CR;
# lone surrogates; U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# ANSI/VT escape sequences (CSI, OSC, and two-character ESC forms), then any other C0/C1 control but tab and newline.
_TERMINAL_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?|\x9b[0-?]*[ -/]*[@-~]")
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def xml_clean(text: str) -> tuple[str, int]:
    """`text` without the characters XML 1.0 cannot hold, and how many were removed."""
    cleaned, removed = _XML_ILLEGAL.subn("", text)
    return cleaned, removed


class XmlCleaner:
    """Cleans values for one XML document and counts what it removed, so the writer can report it."""

    def __init__(self) -> None:
        self.removed = 0
        self.values = 0

    def __call__(self, text: str) -> str:
        if not _XML_ILLEGAL.search(text):
            return text
        cleaned, n = xml_clean(text)
        self.removed += n
        self.values += 1
        return cleaned

    def note(self, what: str) -> str | None:
        """One line saying what was removed, or None when nothing was."""
        if not self.removed:
            return None
        return f"{what}: removed {self.removed} control character(s) XML cannot hold from {self.values} value(s)"


def terminal_safe(text: str) -> str:
    """`text` with escape sequences and control characters removed (tab and newline kept), for printing."""
    return _TERMINAL_CONTROL.sub("", _TERMINAL_SEQUENCE.sub("", text))


def csv_cell(value: object) -> object:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or tab/CR) gets a leading quote (OWASP).

    Numbers ('-1.5') are left alone: a spreadsheet reads them as numbers, not formulas.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value

def clean(text: object) -> str:
    """The text without characters no HTML or XML page may hold; None gives ''."""
    return "" if text is None else _UNSAFE.sub("", str(text))


def esc(text: object) -> str:
    """Cleaned and escaped for HTML text and quoted attributes."""
    return html.escape(clean(text), quote=True)


def script_json(value: object) -> str:
    """JSON for a <script type="application/json"> block: cleaned strings, and no <, > or & that could end it."""
    text = json.dumps(_cleaned(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cleaned(value: object) -> object:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k): _cleaned(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cleaned(v) for v in value]
    return value
