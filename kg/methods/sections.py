"""Map each list entry's section headings and keyword tags onto categories (data/curated/sections.yaml)."""

from __future__ import annotations

from kg.curated.load import Located
from kg.methods.schemes import Scheme
from kg.model import Record

# What a list's extra columns imply, in the abbreviations lists with such columns define (e.g. Zhen Dong's joint
# table: "MP -> Mixed-Precision, T -> Ternarization, B -> Binarization, PQ -> Vector/Product Quantizer").
FACT_CATEGORIES: dict[tuple[str, str], str] = {
    ("finetune", "qat"): "qat", ("finetune", "ptq"): "ptq",
    ("bits", "mp"): "mixed-precision", ("bits", "b"): "binary-ternary", ("bits", "t"): "binary-ternary",
    ("quantizer", "pq"): "vector-quantization", ("quantizer", "vq"): "vector-quantization",
    ("quantizer", "log"): "non-uniform", ("quantizer", "optn"): "non-uniform", ("quantizer", "k"): "non-uniform",
    ("special", "distl"): "knowledge-distillation",
}


def section_categories(records: list[Record], mapping: list[Located], categories: Scheme) -> dict[tuple[str, int], set[str]]:
    """(file, line) -> the categories its sections and tags imply."""
    by_heading: dict[tuple[str | None, str], list[str]] = {}
    by_tag: dict[str, list[str]] = {}
    for loc in mapping:
        rec = loc.record
        for cat in rec.categories:
            if cat not in categories.labels:
                raise ValueError(f"{loc.where}: section '{rec.heading or rec.tag}': categories: unknown category '{cat}'")
        if rec.heading is not None:
            by_heading[(rec.source, rec.heading.casefold())] = rec.categories
        else:
            by_tag[rec.tag.casefold()] = rec.categories
    out: dict[tuple[str, int], set[str]] = {}
    for r in records:
        cats: set[str] = set()
        for heading in r.sections:
            key = heading.casefold()
            cats.update(by_heading.get((r.file, key)) or by_heading.get((None, key)) or [])
        for tag in r.tags:
            cats.update(by_tag.get(tag.casefold(), []))
        for column, value in r.facts:
            cat = FACT_CATEGORIES.get((column, value.casefold()))
            if cat in categories.labels:
                cats.add(cat)
        if cats:
            out[(r.file, r.line)] = cats
    return out
