"""Named rules that derive `extends` edges from method names: HAWQ-V2 -> HAWQ, LSQ+ -> LSQ, QuIP# -> QuIP."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kg.curated.load import name_key


@dataclass(frozen=True)
class Rule:
    """A rule: its name, what it says, and how it finds the base a name extends."""

    name: str
    comment: str
    base_of: Callable[[str, Callable[[str], bool]], str | None]


def _version(name: str, known: Callable[[str], bool]) -> str | None:
    m = re.match(r"^(?P<base>.+?)[- ]?[vV](?P<n>\d+)$", name)
    if not m or int(m.group("n")) < 2:
        return None
    base, n = m.group("base"), int(m.group("n"))
    for candidate in (f"{base}-V{n - 1}", f"{base}V{n - 1}", f"{base} V{n - 1}") if n > 2 else ():
        if known(candidate):
            return candidate
    return base


def _plus(name: str, known: Callable[[str], bool]) -> str | None:
    m = re.match(r"^(?P<base>.+?)\++$", name)
    return m.group("base").strip() if m else None


def _sharp(name: str, known: Callable[[str], bool]) -> str | None:
    m = re.match(r"^(?P<base>.+?)#$", name)
    return m.group("base").strip() if m else None


def _bit_suffix(name: str, known: Callable[[str], bool]) -> str | None:
    m = re.match(r"^(?P<base>.+?)\s+b\d+(?:\.\d+)?$", name)
    return m.group("base").strip() if m else None


RULES: list[Rule] = [
    Rule("version-suffix", "A method named X-Vn extends X-V(n-1), or X when there is no earlier version.", _version),
    Rule("plus-suffix", "A method named X+ (or X++) extends X.", _plus),
    Rule("sharp-suffix", "A method named X# extends X.", _sharp),
    Rule("bit-width-suffix", "A method named 'X b1.58' extends X.", _bit_suffix),
]


def derive(name: str, known: Callable[[str], bool]) -> tuple[Rule, str] | None:
    """The first rule that applies to `name` and the known base it names, if any."""
    for rule in RULES:
        base = rule.base_of(name, known)
        if base and name_key(base) != name_key(name) and known(base):
            return rule, base
    return None
