"""Colours shared by the pages and the figures: one per category, one per family, and edge kinds apart from both."""

from __future__ import annotations

CATEGORY_COLOURS = {
    "ptq": "#1f77b4", "qat": "#2ca02c", "mixed-precision": "#ff7f0e", "data-free": "#9467bd", "binary-ternary": "#d62728",
    "non-uniform": "#e377c2", "vector-quantization": "#8c564b", "hardware-aware": "#17becf", "low-precision-training": "#bcbd22",
    "kv-cache": "#00a087", "weight-only": "#393b79", "quantized-fine-tuning": "#637939", "knowledge-distillation": "#843c39",
    "quantization": "#6b6ecf", "survey": "#b5a000",
}
UNCATEGORISED = "#5f7f9f"
# Edge kinds use black and grey, which no category or family colour takes.
EDGE_COLOURS = {"extends": "#222222", "compares": "#8a8a8a", "appliesTo": "#17becf", "targetsHardware": "#8c564b",
                "introducedIn": "#c7c7c7", "category": "#c9b037"}
_FAMILY_CYCLE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
                 "#1b9e77", "#7570b3", "#d95f02", "#66a61e", "#e7298a", "#a6761d", "#666699"]


def category_colour(categories: list[str]) -> str:
    """The colour of a method: its first category's."""
    return CATEGORY_COLOURS.get(categories[0], UNCATEGORISED) if categories else UNCATEGORISED


def family_colours(families: list[str]) -> dict[str, str]:
    """family id -> colour, assigned in sorted order so the same scheme always gets the same colours."""
    return {f: _FAMILY_CYCLE[i % len(_FAMILY_CYCLE)] for i, f in enumerate(sorted(families))}
