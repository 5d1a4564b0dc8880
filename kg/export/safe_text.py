"""Text from the lists, made safe for HTML, SVG and JSON in a page: control characters go, markup is escaped."""

from __future__ import annotations

import html
import json
import re

# C0 controls but tab and newline, DEL, C1 controls, lone surrogates and the two non-characters XML forbids
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


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
