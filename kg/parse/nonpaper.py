"""Entries that are recognisably not papers: navigation, resource links, venue lists, placeholders."""

from __future__ import annotations

import re

from kg.model import Skipped
from kg.parse import text as tx
from kg.parse.checks import PAPER_LINK
from kg.parse.context import Context

_TOC = re.compile(r"^\s*[-*+]\s+\[[^\]]+\]\(#[^)]*\)\s*$")
_NAV = re.compile(r"^\s*[-*+]?\s*\[\[[^\]]*\]\(#[^)]*\)\]\s*$")
_LINK_ONLY = re.compile(r"^\s*[-*+]\s+\[(?P<name>[^\]]+)\]\((?P<url>[^)]+)\)\s*$")
_LABEL = re.compile(r"^\s*[-*+]\s+[^\[\]\"“]{1,60}:\s*$")
_VENUE_LIST = re.compile(r"^\s*[-*+]\s+\*\*(?P<name>[A-Za-z][\w .&-]{0,20})\*\*\s*\((?P<full>[^)]+)\)\s*$")
_NAMED_LINK = re.compile(r"^\s*[-*+]\s+(?P<name>[^\[\]\"“*]{1,60}?)\s*\[\[(?P<label>[^\]]*)\]\((?P<url>[^)]*)\)\]\s*$")


def recognise(line: str, ctx: Context) -> Skipped | None:
    """A Skipped entry if `line` is a known kind of non-paper bullet, else None."""
    if _TOC.match(line):
        return Skipped(ctx.file, 0, "table-of-contents", tx.strip_markdown(line.strip(" -*+")))
    if _NAV.match(line):
        return Skipped(ctx.file, 0, "navigation", line.strip())
    m = _VENUE_LIST.match(line)
    if m:
        return Skipped(ctx.file, 0, "venue", m.group("name"))
    m = _LINK_ONLY.match(line)
    if m and not PAPER_LINK.search(m.group("url")):  # a bullet linking a paper is an entry (link-bullets), not a resource
        return Skipped(ctx.file, 0, "resource", m.group("name"))
    if _LABEL.match(line):
        return Skipped(ctx.file, 0, "label", line.strip(" -*+:"))
    m = _NAMED_LINK.match(line)
    if m and m.group("label").lower() not in {"paper", "pdf"} and not PAPER_LINK.search(m.group("url")):
        return Skipped(ctx.file, 0, "resource", m.group("name"))
    return None
