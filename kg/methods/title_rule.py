"""The title-prefix rule: 'BRECQ: Pushing the Limit of Post-Training Quantization ...' introduces the method BRECQ,
but only when the prefix names a quantization method: the title speaks of quantization, the prefix is a name (not a
phrase such as 'Beyond Outliers' or a standard such as 'ISO 26262'), and data/curated/not-methods.yaml does not list it."""

from __future__ import annotations

import re

from kg.curated.load import Located, name_key

# A title about quantization says so: quantized, binary, ternary, 4-bit, low-precision, INT8, FP8, codebook, rounding ...
QUANTIZATION_WORDS = re.compile(
    r"quanti[sz]|binar|ternar|\bbits?\b|\d+-?bits?\b|bit-?width|\bbit\b|precision|low-resolution|\bint\d|\bfp\d|"
    r"fixed-point|integer|xnor|\bbnns?\b|\bbcnns?\b|codebook|rounding|1-bit|w\d+a\d+",
    re.I,
)
# A prefix that opens with one of these is a phrase, not a name ('Beyond Outliers', 'Towards Efficient ...').
_PHRASE_OPENERS = frozenset("beyond towards toward rethinking revisiting understanding on is are do does can could should when "
                            "why how what where which exploring improving learning training making not less more".split())
_STANDARD = re.compile(r"^(?:ISO|IEC|IEEE|ANSI|ETSI|ITU)\b|\s\d{3,}$")


def stop_names(records: list[Located]) -> dict[str, Located]:
    """name key -> the curated record that says a title prefix is not a method."""
    return {name_key(loc.record.name): loc for loc in records}


def names_a_method(prefix: str, title: str, stop: dict[str, Located]) -> bool:
    """Whether a title prefix ('BRECQ') names a quantization method of the paper titled `title`."""
    if name_key(prefix) in stop or _STANDARD.search(prefix):
        return False
    words = prefix.split()
    if len(words) > 1 and words[0].lower() in _PHRASE_OPENERS:
        return False
    return bool(QUANTIZATION_WORDS.search(title))
