"""exports/qkg.bib: BibTeX for every paper, with corrected values and readable, stable keys."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

from kg.export.staging import Staging
from kg.model import ascii_fold
from kg.resolve import titles

# Words that say nothing of a paper, left out of keys: 'full2023' or 'towards2021' tell two papers apart from nothing.
_STOP = frozenset("a an the on of for to in and with towards toward via from by at as is are do does can how what when why "
                  "using based into through under beyond without its their our we full fully new novel simple efficient "
                  "accurate fast faster improved improving better rethinking revisiting understanding exploring learning "
                  "deep neural network networks model models training post low high ultra".split())
_ENTRY_TYPES = {"conference": "inproceedings", "workshop": "inproceedings", "journal": "article", "book": "incollection"}


def significant_words(title: str) -> list[str]:
    """The title's words that tell it apart, in order: no function words, no field-wide adjectives, none under 3 letters."""
    return [w for w in titles.norm(title).split() if w not in _STOP and len(w) >= 3 and not w.isdigit()]


def base_key(paper, method_names: list[str]) -> str:
    """family name + year + method name (or the first significant title word): 'nagel2020adaround'.

    With no author known: the first two significant title words + year ('integerquantization2021')."""
    family = ascii_fold(paper.authors.value[0].family.split()[-1]).lower() if paper.authors.value else ""
    family = re.sub(r"[^a-z]", "", family)
    year = str(paper.year.value or "")
    words = significant_words(str(paper.title.value)) or [w for w in titles.norm(str(paper.title.value)).split() if w] or ["paper"]
    if method_names:
        word = re.sub(r"[^a-z0-9]", "", ascii_fold(method_names[0]).lower()) or words[0]
    else:
        word = words[0]
    if family:
        return f"{family}{year}{word}"
    second = "" if method_names else next((w for w in words if w != word), "")
    return f"{word}{second}{year}"


def keys(papers, names_of) -> dict[str, str]:
    """paper key -> BibTeX key; papers whose readable keys collide get a short suffix from their IRI key."""
    by_base: dict[str, list] = defaultdict(list)
    for p in papers:
        by_base[base_key(p, names_of.get(p.key, []))].append(p)
    out = {}
    for base, ps in by_base.items():
        for p in ps:
            out[p.key] = base if len(ps) == 1 else f"{base}-{hashlib.sha1(p.key.encode()).hexdigest()[:4]}"
    return out


def _escape(text: str) -> str:
    text = text.replace("\\", r"\textbackslash{}")
    for ch in "&%$#_{}":
        text = text.replace(ch, "\\" + ch)
    return text.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def authors_truncated(paper) -> bool:
    """Whether the author list shown is cut short: every list that supports it wrote 'et al.', '...' or 'and others',
    or another list names more authors than it."""
    value = paper.authors
    if value.curated is not None or not value.value:
        return False
    if value.records and all(r.authors_truncated for r in value.records):
        return True
    return any(len(r.authors) > len(value.value) for r in paper.records)


def protected_title(title: str, method_names: list[str]) -> str:
    """The title escaped for BibTeX, with method names and words a style must not lower-case braced: '{GPTQ}: Accurate ...'."""
    names = sorted({n for n in method_names if n and n in title}, key=len, reverse=True)
    pattern = re.compile("|".join([re.escape(n) + r"(?!\w)" for n in names] + [r"\S+"]))
    out, at = [], 0
    for m in pattern.finditer(title):
        out.append(_escape(title[at:m.start()]))
        token, at = m.group(0), m.end()
        if token in names:
            out.append("{" + _escape(token) + "}")
            continue
        parts = token.strip("\"'“”‘’.,:;!?()[]").split("-")
        # 'LLMs', 'ViT', 'ImageNet', 'Q-BERT': capitals after a word's first letter are part of a name ('Post-Training' is not).
        out.append("{" + _escape(token) + "}" if any(c.isupper() for part in parts for c in part[1:]) else _escape(token))
    return "".join(out) + _escape(title[at:])


def entry(paper, key: str, venues, method_names: list[str] | None = None) -> str:
    """One BibTeX entry: method names and acronyms braced so styles keep their capitals; 'and others' where the
    lists cut the author list short."""
    venue = venues.get(str(paper.venue.value)) if paper.venue.value else None
    kind = _ENTRY_TYPES.get(venue.kind, "misc") if venue else "misc"
    people = list(paper.authors.value)
    gap = next((r.authors_gap for r in paper.authors.records if r.authors_gap is not None and len(r.authors) == len(people)), None)
    if paper.authors.curated is None and gap is not None:
        people = people[:gap]  # 'A, B, ... & Z': BibTeX can only say the list goes on after B
    authors = [f"{p.family}, {p.given}".strip(", ") for p in people]
    if authors and (gap is not None or authors_truncated(paper)):
        authors.append("others")
    fields = [("title", protected_title(str(paper.title.value), method_names or [])), ("author", _escape(" and ".join(authors)))]
    if paper.year.value:
        fields.append(("year", str(paper.year.value)))
    if venue is not None and venue.kind != "preprint":
        fields.append(("journal" if kind == "article" else "booktitle", _escape(venue.name)))
    if paper.arxiv is not None:
        fields += [("eprint", str(paper.arxiv.value)), ("archivePrefix", "arXiv")]
        if venue is None or venue.kind == "preprint":
            fields.append(("journal", f"arXiv preprint arXiv:{paper.arxiv.value}"))
    if paper.doi is not None:
        fields.append(("doi", str(paper.doi.value)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def write(build, staging: Staging) -> None:
    names_of = defaultdict(list)
    for m in build.methods:
        if m.paper is not None:
            names_of[m.paper.key].append(m.name)
    listed = [p for p in build.resolution.papers if not (p.role is not None and p.role.value == "unverified")]
    k = keys(listed, names_of)
    parts = ["% qkg: every paper of the graph, with curated corrections applied. Written by `qkg build`.\n"]
    parts += [entry(p, k[p.key], build.resolution.venues, names_of.get(p.key, [])) for p in sorted(listed, key=lambda p: k[p.key])]
    staging.write_text("qkg.bib", "\n".join(parts))
