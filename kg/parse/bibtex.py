"""BibTeX input (.bib), read with bibtexparser: brace-protected titles, LaTeX accents, arXiv ids from
`journal = {arXiv preprint arXiv:...}`, `eprint` or `url`, and DOIs."""

from __future__ import annotations

import logging
import re
import unicodedata

import bibtexparser
from bibtexparser import middlewares

from kg.model import Person, Problem, Record, Skipped
from kg.parse import text as tx

LAYOUT = "bibtex"
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307",
            "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı"}


def decode_latex(text: str) -> str:
    """'G{\\"o}del and {\\'E}cole' -> 'Gödel and École'; braces that protect case are dropped."""
    def accent(m: re.Match) -> str:
        return m.group("letter") + _ACCENTS[m.group("cmd")]

    text = re.sub(r"\\(?P<cmd>[\"'`^~=.])\s*\{?(?P<letter>[A-Za-z])\}?", accent, text)
    text = re.sub(r"\\(?P<cmd>[uvHckr])\s*\{(?P<letter>[A-Za-z])\}", accent, text)
    text = re.sub(r"\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i)\b\s*", lambda m: _LETTERS[m.group(1)], text)
    text = text.replace("\\&", "&").replace("\\%", "%").replace("\\_", "_").replace("\\$", "$").replace("--", "–")
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _value(entry, name: str) -> str:
    field = entry.fields_dict.get(name)
    return "" if field is None else str(field.value)


_STANDARD = re.compile(r"^(?:ISO|IEC|IEEE Std|ANSI|ETSI|ITU-T)\b", re.I)
_CODE_HOST = re.compile(r"github\.com|gitlab\.com|bitbucket\.org|pypi\.org", re.I)


def parse_bibtex(text: str, name: str) -> tuple[list[Record], list[Problem], list[Skipped]]:
    """Records of every entry; a block that does not parse is a problem with its line.

    `and others` marks a truncated author list (no person 'others'); @misc software (a code-host URL and no
    paper identifier) and standards (ISO 26262) are recognised non-papers."""
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = bibtexparser.parse_string(text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    records, problems, skipped = [], [], []
    for block in library.failed_blocks:
        problems.append(Problem(name, (block.start_line or 0) + 1, "BibTeX entry that cannot be parsed", block.raw[:200]))
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        title = decode_latex(_value(entry, "title"))
        if not title:
            problems.append(Problem(name, line, f"BibTeX entry '{entry.key}' has no title"))
            continue
        author_field = entry.fields_dict.get("author")
        people, truncated = [], False
        for parts in (author_field.value if author_field is not None and isinstance(author_field.value, list) else []):
            family = decode_latex(" ".join(parts.von + parts.last))
            if family.lower() == "others" and not parts.first:
                truncated = True
                continue
            people.append(Person(family, decode_latex(" ".join(parts.first))))
        venue_text = decode_latex(_value(entry, "booktitle") or _value(entry, "journal") or _value(entry, "publisher"))
        ids = " ".join(_value(entry, f) for f in ("journal", "eprint", "url", "note", "archiveprefix"))
        arxiv = tx.arxiv_id(ids) or (_value(entry, "eprint").strip() if re.fullmatch(r"\d{4}\.\d{4,5}(v\d+)?", _value(entry, "eprint").strip()) else None)
        if arxiv:
            arxiv = re.sub(r"v\d+$", "", arxiv)
        doi = _value(entry, "doi").strip().lower() or tx.doi(_value(entry, "url"))
        url = _value(entry, "url")
        if _STANDARD.match(title) or (entry.entry_type.lower() in ("misc", "software", "manual") and not arxiv and not doi
                                      and (_CODE_HOST.search(url + _value(entry, "howpublished")) or entry.entry_type.lower() != "misc")):
            skipped.append(Skipped(name, line, "standard" if _STANDARD.match(title) else "software", title))
            continue
        records.append(Record(title=title, file=name, line=line, layout=LAYOUT, authors=people, authors_truncated=truncated, venue=venue_text,
                              year=tx.year_of(_value(entry, "year")), arxiv=arxiv, doi=doi or None,
                              links=tx.classify_links(url) if url else {}))
    return records, problems, skipped
