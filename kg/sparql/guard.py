"""Checks every query passes before an engine sees it: its size, its nesting depth, and no remote fetch.

Oxigraph's parser recurses once per nesting level and overflows the stack (a segfault, not an
error) at a few thousand levels; a query that is refused here costs a regular-expression scan.
SERVICE makes the engine send HTTP requests wherever the query says (request forgery from the
server's address), so it runs only against endpoints the operator allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 100_000  # the largest query in the library is under 2,000 characters
MAX_DEPTH = 128  # brackets ( { [ nested; the library's deepest query nests 5

# Strings (long and short) and comments are masked first, so a '{' or 'SERVICE' inside them counts for nothing.
_MASKED = re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\""
                     r"|<[^<>\"{}|^`\\\x00-\x20]*>|#[^\n\r]*", re.S)
_BRACKET = re.compile(r"[(){}\[\]]")
_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.I)
_SERVICE = re.compile(r"(?<![\w:?$.-])SERVICE\s+(?:SILENT\s+)?(?:<([^<>\s]*)>|([A-Za-z][\w.-]*)?:([\w.-]*)|([?$]\w+))?", re.I)


@dataclass(frozen=True)
class Limits:
    """What a query may be: at most `max_chars` long, nested at most `max_depth` deep, SERVICE only to `allow_service`."""

    max_chars: int = MAX_CHARS
    max_depth: int = MAX_DEPTH
    allow_service: tuple[str, ...] = ()


def refusal(text: str, limits: Limits = Limits(), prefixes: dict[str, str] | None = None) -> str | None:
    """Why `text` must not run (one line naming the limit), or None when it may."""
    if len(text) > limits.max_chars:
        return f"query refused: {len(text):,} characters, over the limit of {limits.max_chars:,}"
    iris: list[str] = []

    def mask(m: re.Match) -> str:
        token = m.group(0)
        if token.startswith("<"):
            iris.append(token[1:-1])
            return f"<{len(iris) - 1}>"  # brackets inside an IRI are not nesting
        return " " if token.startswith("#") else '""'

    code = _MASKED.sub(mask, text)
    depth = deepest = 0
    for m in _BRACKET.finditer(code):
        depth += 1 if m.group(0) in "({[" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limits.max_depth:
                return f"query refused: brackets nested more than {limits.max_depth} deep (the nesting limit)"
    for m in _SERVICE.finditer(code):
        endpoint = _service_endpoint(m, code, iris, prefixes or {})
        if endpoint is None or endpoint not in limits.allow_service:
            shown = endpoint if endpoint is not None else (m.group(0).split()[-1] if len(m.group(0).split()) > 1 else "?")
            allowed = ", ".join(limits.allow_service) or "none"
            return (f"query refused: SERVICE {shown} would fetch from another endpoint; this server allows SERVICE only to "
                    f"endpoints given with --allow-service (allowed: {allowed})")
    return None


def _service_endpoint(m: re.Match, code: str, iris: list[str], prefixes: dict[str, str]) -> str | None:
    """The endpoint IRI a SERVICE names, or None when it is a variable or cannot be told."""
    if m.group(1) is not None:
        return iris[int(m.group(1))] if m.group(1).isdigit() else m.group(1)
    if m.group(3) is not None:
        declared = dict(prefixes)
        declared.update({p.group(1) or "": _iri(p.group(2), iris) for p in _PREFIX.finditer(code)})
        base = declared.get(m.group(2) or "")
        return None if base is None else base + m.group(3)
    return None


def _iri(masked: str, iris: list[str]) -> str:
    return iris[int(masked)] if masked.isdigit() else masked


def shape(text: str) -> str:
    """The query without comments and with whitespace collapsed: what the pool remembers a slow query by."""
    return " ".join(_MASKED.sub(lambda m: " " if m.group(0).startswith("#") else m.group(0), text).split())
