"""Title normalisation and the similarity rules that decide whether two entries are one paper."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from kg.model import ascii_fold

_SPLIT_PREFIX = re.compile(r"^(?P<prefix>[^:?]{1,60}?)\s*[:?]\s+(?P<rest>.+)$")
_NAME_LIKE = re.compile(r"^[A-Za-z0-9][\w.+#()-]*(?:\s[A-Za-z0-9][\w.+#()-]*)?$")
_GENERIC_PREFIXES = {"a survey", "survey", "overview", "an overview", "review", "tutorial", "position"}
_SURVEY_REST = re.compile(r"^(?:a |an )?(?:comprehensive |systematic )?(?:survey|overview|review)\b", re.I)


@lru_cache(maxsize=1 << 20)  # each title is normalised many times while entries are grouped and compared
def norm(title: str) -> str:
    """Lower-case ASCII words: 'Zero-Shot Quantization!' -> 'zero shot quantization'."""
    return re.sub(r"[^a-z0-9]+", " ", ascii_fold(title).lower()).strip()


@lru_cache(maxsize=1 << 20)
def compact(title: str) -> str:
    """Letters and digits only: the key under which spelling variants coincide."""
    return norm(title).replace(" ", "")


def split_prefix(title: str) -> tuple[str, str] | None:
    """('BRECQ', 'Pushing the Limit ...') for a title 'BRECQ: Pushing the Limit ...', else None."""
    m = _SPLIT_PREFIX.match(title.strip())
    if not m or len(m.group("prefix").split()) > 4:
        return None
    return m.group("prefix").strip(), m.group("rest").strip()


def core(title: str) -> str | None:
    """The normalised title after a short 'Name:' or 'Question?' prefix, if it has 4+ words."""
    split = split_prefix(title)
    if split is None:
        return None
    rest = norm(split[1])
    return rest if len(rest.split()) >= 4 else None


def method_name(title: str) -> str | None:
    """The method a title names before its colon: 'BRECQ: Pushing ...' -> 'BRECQ'."""
    m = re.match(r"^(?P<prefix>[^:]{1,40}):\s+(?P<rest>.+)$", title.strip())
    if not m:
        return None
    prefix, rest = m.group("prefix").strip(), m.group("rest")
    if not _NAME_LIKE.match(prefix) or prefix.lower() in _GENERIC_PREFIXES or _SURVEY_REST.match(rest):
        return None
    if not re.search(r"[A-Z0-9#+]", prefix[1:]) and " " in prefix:
        return None  # 'Deep compression', 'Binarized Neural Networks': a phrase, not a name
    return prefix


def ratio(a: str, b: str) -> float:
    """Similarity 0–100 of two normalised strings."""
    return fuzz.ratio(a, b)


def same_work(a: str, b: str) -> bool:
    """Titles that may name one paper when the entries share an identifier (arXiv id, DOI)."""
    na, nb = norm(a), norm(b)
    if na.replace(" ", "") == nb.replace(" ", "") or ratio(na, nb) >= 80:
        return True
    ca, cb = core(a), core(b)
    if ca and cb and ratio(ca, cb) >= 90:
        return True
    pa, pb = split_prefix(a), split_prefix(b)
    if pa and pb and norm(pa[0]) == norm(pb[0]) and len(norm(pa[0])) >= 3:
        return True
    shorter, longer = sorted((na, nb), key=len)
    return len(shorter.split()) >= 4 and longer.startswith(shorter)


_FUNCTION_WORDS = frozenset("a an the of for to in on with by from via and or towards toward using based is are at as its into "
                            "through under beyond without".split())
# Words nearly every title of the field holds: sharing them says nothing about being one paper.
_FIELD_WORDS = frozenset("quantization quantized quantizing quantize quantizer neural network networks deep learning model models "
                         "training trained post efficient low bit bits precision accurate large language llm llms".split())


@lru_cache(maxsize=1 << 16)
def _content_words(title: str) -> frozenset[str]:
    return frozenset(w for w in norm(title).split() if w not in _FUNCTION_WORDS and w not in _FIELD_WORDS and len(w) > 1)


def related(a: str, b: str) -> bool:
    """Titles that may be two versions of one paper (an arXiv id's first and final titles): same_work, or at least two
    shared content words making up half of the shorter title's ('ZeroQuant-V2: ... Comprehensive Study ...' and
    'A Comprehensive Study on Post-Training Quantization for Large Language Models')."""
    if same_work(a, b):
        return True
    wa, wb = _content_words(a), _content_words(b)
    shared = len(wa & wb)
    return shared >= 2 and shared * 2 >= min(len(wa), len(wb))


def same_title(a: str, b: str) -> bool:
    """Titles near-identical enough to merge two entries without a shared identifier."""
    na, nb = norm(a), norm(b)
    if na.replace(" ", "") == nb.replace(" ", ""):
        return True
    # Titles whose numbers differ ('FP8' and 'FP4', 'V2' and 'V3') name different papers.
    if re.findall(r"\d+", na) != re.findall(r"\d+", nb):
        return False
    # 'Up or Down? X' and 'AdaRound: X' are one paper; 'PTQ4ViT: X' and 'APQ-ViT: X' are not.
    ma, mb = method_name(a), method_name(b)
    if ma and mb and norm(ma).replace(" ", "") != norm(mb).replace(" ", ""):
        return False
    if len(na.split()) >= 4 and ratio(na, nb) >= 93:
        return True
    ca, cb = core(a), core(b)
    return bool(ca and cb and ratio(ca, cb) >= 95)


def block_keys(title: str) -> set[str]:
    """Keys under which near-duplicate titles meet, so that not every pair is compared."""
    words = norm(title).split()
    keys = {"h:" + " ".join(words[:3]), "t:" + " ".join(words[-3:])}
    c = core(title)
    if c:
        keys.add("c:" + " ".join(c.split()[:3]))
    return keys
