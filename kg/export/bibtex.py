"""exports/qkg.bib: BibTeX for every paper, with corrected values and readable, stable keys."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

from kg.export.staging import Staging
from kg.parse.text import ascii_fold
from kg.resolve import titles

_STOP = {"a", "an", "the", "on", "of", "for", "to", "in", "and", "with", "towards", "toward"}
_ENTRY_TYPES = {"conference": "inproceedings", "workshop": "inproceedings", "journal": "article", "book": "incollection"}


def base_key(paper, method_names: list[str]) -> str:
    """family name + year + method name (or the first significant title word): 'nagel2020adaround'."""
    family = ascii_fold(paper.authors.value[0].family.split()[-1]).lower() if paper.authors.value else ""
    family = re.sub(r"[^a-z]", "", family)
    year = str(paper.year.value or "")
    if method_names:
        word = re.sub(r"[^a-z0-9]", "", ascii_fold(method_names[0]).lower())
    else:
        words = [w for w in titles.norm(str(paper.title.value)).split() if w not in _STOP]
        word = words[0] if words else "paper"
    return f"{family}{year}{word}" if family else f"{word}{year}"  # no authors known: 'inq2017'



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


def entry(paper, key: str, venues) -> str:
    """One BibTeX entry; the title is double-braced so BibTeX styles keep its capitals."""
    venue = venues.get(str(paper.venue.value)) if paper.venue.value else None
    kind = _ENTRY_TYPES.get(venue.kind, "misc") if venue else "misc"
    fields = [("title", "{" + _escape(str(paper.title.value)) + "}"),
              ("author", _escape(" and ".join(f"{p.family}, {p.given}".strip(", ") for p in paper.authors.value)))]
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
    parts += [entry(p, k[p.key], build.resolution.venues) for p in sorted(listed, key=lambda p: k[p.key])]
    staging.write_text("qkg.bib", "\n".join(parts))
