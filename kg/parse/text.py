"""Text helpers every list layout shares: links, arXiv ids, DOIs, author names."""

from __future__ import annotations

import re

from kg.model import Person

# New-style ids (1501.00001, 2203.05740v2) and old-style ones (hep-th/9901001).
_ARXIV_NEW = r"(?P<new>\d{4}\.\d{4,5})(?:v\d+)?"
_ARXIV_OLD = r"(?P<old>[a-z][a-z.-]*/\d{7})(?:v\d+)?"
_ARXIV_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.|browse\.)?arxiv\.org/(?:abs|pdf)/(?:" + _ARXIV_NEW + "|" + _ARXIV_OLD + r")(?:\.pdf)?",
    re.IGNORECASE,
)
_ARXIV_TEXT = re.compile(r"\barxiv\s*:\s*(?:" + _ARXIV_NEW + "|" + _ARXIV_OLD + ")", re.IGNORECASE)
_DOI = re.compile(r"(?:doi\.org/|\bdoi:\s*)(?P<doi>10\.\d{4,9}/[^\s\])>\"]+)", re.IGNORECASE)
# [label](url), and the broken [[label]](url) that some lists write.
_MD_LINK = re.compile(r"\[\[?(?P<label>[^\[\]]*)\]?\]\((?P<url>[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")
_BARE_URL = re.compile(r"(?<![(\[])\bhttps?://[^\s)\]>\"]+")
_TAG = re.compile(r"\[\*\*`(?P<tag>[^`]+)`\*\*\]")

LINK_KINDS = (
    ("arxiv", re.compile(r"arxiv\.org/", re.I)),
    ("doi", re.compile(r"doi\.org/", re.I)),
    ("openreview", re.compile(r"openreview\.net/", re.I)),
    ("cvf", re.compile(r"openaccess\.thecvf\.com/", re.I)),
    ("ecva", re.compile(r"ecva\.net/", re.I)),
    ("neurips", re.compile(r"(?:papers\.nips\.cc|neurips\.cc|nips\.cc|proceedings\.neurips\.cc)/", re.I)),
    ("pmlr", re.compile(r"proceedings\.mlr\.press/", re.I)),
    ("acl", re.compile(r"aclanthology\.org/", re.I)),
    ("aaai", re.compile(r"ojs\.aaai\.org/", re.I)),
    ("code", re.compile(r"github\.com/|gitlab\.com/", re.I)),
)


def arxiv_id(text: str) -> str | None:
    """The first arXiv id in `text` (from arXiv: text or abs/pdf URLs), without its version."""
    for pattern in (_ARXIV_URL, _ARXIV_TEXT):
        m = pattern.search(text)
        if m:
            return (m.group("new") or m.group("old")).lower()
    return None


def doi(text: str) -> str | None:
    """The first DOI in `text`, lower-cased (DOIs are case-insensitive)."""
    m = _DOI.search(text)
    return m.group("doi").rstrip(".,;").lower() if m else None


def links(text: str) -> list[tuple[str, str]]:
    """(label, url) for every Markdown link and bare URL in `text`, in order."""
    found = [(m.group("label").strip(), m.group("url").strip()) for m in _MD_LINK.finditer(text)]
    stripped = _MD_LINK.sub(" ", text)
    found += [("", m.group(0).rstrip(".,;")) for m in _BARE_URL.finditer(stripped)]
    return found


def link_kind(label: str, url: str) -> str:
    """Classify a link: arxiv, doi, openreview, cvf, ecva, neurips, pmlr, acl, aaai, code or url."""
    if label.lower() == "code":
        return "code"
    for kind, pattern in LINK_KINDS:
        if pattern.search(url):
            return kind
    return "url"


def classify_links(text: str) -> dict[str, list[str]]:
    """Links of `text` grouped by kind; empty URLs (placeholders) are dropped."""
    out: dict[str, list[str]] = {}
    for label, url in links(text):
        if not url or url.startswith("#"):
            continue
        out.setdefault(link_kind(label, url), []).append(url)
    return out


def tags(text: str) -> tuple[str, ...]:
    """Keyword tags written as [**`PTQ`**]."""
    return tuple(m.group("tag").strip() for m in _TAG.finditer(text))


def strip_markdown(text: str) -> str:
    """Text without emphasis markers, HTML tags and surrounding white space."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)", "", text)
    return re.sub(r"\s+", " ", text).strip()


_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.\s*-?\s*)+$")


def is_initials(token: str) -> bool:
    """True for given-name initials such as 'M.', 'P. I. J.', 'J.-P.'."""
    return bool(_INITIALS.match(token.strip()))


def _clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("*", "")).strip(" .,")


def authors_family_first(text: str) -> tuple[list[Person], bool, int | None]:
    """Authors written 'Family, I., Family, I., ... & Family, I.' (APA style).

    Returns the people, whether the list is truncated, and where its '...' gap stands.
    """
    truncated = bool(re.search(r"\.\.\.|…|et al", text))
    text = re.sub(r"\.\.\.|…|et al\.?", ", \x00,", text)
    tokens = [t.strip().lstrip("& ").strip() for t in re.split(r",|\s&\s", text)]
    people: list[Person] = []
    gap: int | None = None
    pending: str | None = None
    for token in tokens:
        if not token or token == "&":
            continue
        if token == "\x00":
            if pending is not None:
                people.append(Person(_clean_name(pending)))
                pending = None
            gap = len(people)
            continue
        if pending is not None and is_initials(token):
            people.append(Person(_clean_name(pending), re.sub(r"\s+", " ", token)))
            pending = None
        else:
            if pending is not None:
                people.append(Person(_clean_name(pending)))
            pending = token
    if pending is not None and _clean_name(pending):
        people.append(Person(_clean_name(pending)))
    return people, truncated, (gap if gap is not None and gap < len(people) else None)


def authors_given_first(text: str) -> tuple[list[Person], bool]:
    """Authors written 'M. Nagel, M. van Baalen, T. Blankevoort'."""
    truncated = bool(re.search(r"et al\.?|\.\.\.|…", text))
    text = re.sub(r"et al\.?|\.\.\.|…", ",", text)
    people = []
    for part in re.split(r",|\band\b", text):
        name = _clean_name(part)
        if name:
            people.append(split_given_first(name))
    return people, truncated


def authors_citation(text: str) -> tuple[list[Person], bool]:
    """Authors written 'Family, Given, Given Family, and Given Family' (Google Scholar style)."""
    truncated = bool(re.search(r"et al\.?", text))
    text = re.sub(r",?\s*et al\.?", "", text)
    parts = [_clean_name(p) for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", text) if _clean_name(p)]
    if not parts:
        return [], truncated
    people = [Person(parts[0], parts[1] if len(parts) > 1 else "")]
    people += [split_given_first(p) for p in parts[2:]]
    return people, truncated


_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "la", "le", "du"}


def split_given_first(name: str) -> Person:
    """'M. van Baalen' -> Person('van Baalen', 'M.'); 'Sai Qian Zhang' -> Person('Zhang', 'Sai Qian')."""
    words = name.split()
    if len(words) == 1:
        return Person(words[0])
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return Person(" ".join(words[cut:]), " ".join(words[:cut]))


_URL_TEXT = re.compile(r"\]\([^)]*\)|\b(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|net|io)/\S*", re.I)


def arxiv_year(arxiv: str | None) -> int | None:
    """The year an arXiv id was given: '1510.00149' -> 2015 (None for old-style ids)."""
    m = re.fullmatch(r"(\d\d)(\d\d)\.\d{4,5}", arxiv or "")
    return 2000 + int(m.group(1)) if m and 1 <= int(m.group(2)) <= 12 else None


def year_of(text: str) -> int | None:
    """A four-digit year 1950–2099 standing alone in `text` outside any URL, the last one if several.

    URLs are left out: their paths hold user names and numbers ('github.com/x1994/...'), not years."""
    text = _URL_TEXT.sub(" ", text)
    years = re.findall(r"(?<![\d.])(19[5-9]\d|20\d\d)(?![\d]|\.\d)", text)
    return int(years[-1]) if years else None


# Venue shorthands such as "ICML24", "NeurIPS24 Oral", "ICLR'22", "Arxiv2025", "ICLR 2026", "CVPR 2024 Highlight".
_SHORTHAND = re.compile(r"^(?P<venue>[A-Za-z][A-Za-z&.\-]*?)\s*'?\s*(?P<year>(?:19|20)\d\d|\d\d)(?:\s+(?P<note>[A-Za-z][\w ]*))?$")
_BADGE = re.compile(r"img\.shields\.io/badge/(?P<label>[^-/]+)-(?P<message>[^-/]+)-[^/)\s]+", re.I)
_EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2B55\uFE0F\u200D]")
# ':fire:309', ':star:5': a badge and its count; ':126:' is one whose name a list lost.
_SHORTCODE = re.compile(r":[a-z][a-z0-9_+-]{1,29}:(?:\s*\d+)?|:\d{1,6}:(?!\w)")
_CODE_LABEL = re.compile(r"\[+\s*(?:pytorch|tensorflow|tf|code|github|official|jax|mxnet|caffe|keras|paddle)[^\]]{0,20}\]+|\[\s*\]", re.I)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


def venue_shorthand(text: str) -> tuple[str, int | None] | None:
    """('ICML', 2024) for 'ICML24', 'ICML 2024', "ICML'24", 'ICML24 Oral'; None for anything else."""
    m = _SHORTHAND.match(text.strip())
    if not m:
        return None
    year = m.group("year")
    return m.group("venue"), int(year) if len(year) == 4 else 2000 + int(year)


def badge_venue(text: str) -> tuple[str, int | None] | None:
    """The venue of a shields.io badge such as .../badge/Conference-ICLR'22-blue."""
    for m in _BADGE.finditer(text):
        message = m.group("message").replace("%27", "'").replace("%20", " ").replace("_", " ")
        found = venue_shorthand(message)
        if found:
            return found
    return None


def clean_title(text: str) -> str:
    """A title without images, badges, emoji, :shortcodes:, HTML tags or Markdown emphasis."""
    text = _IMAGE.sub(" ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a linked title keeps its label
    text = _SHORTCODE.sub(" ", text)
    text = _CODE_LABEL.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    return strip_markdown(text).strip(" -–:|")
