"""The layouts of issue #16, each in a fixture written for these tests (tests/fixtures/layouts/, not copied from any
list): every line carrying a paper link is read as a paper or reported with its line and why."""

from __future__ import annotations

import pytest

from kg.parse import parse_file, parse_text
from tests.conftest import FIXTURES

LAYOUTS = FIXTURES / "layouts"


def parsed(name: str):
    return parse_file(LAYOUTS / name)


def values(result):
    return [(r.title, r.venue, r.year, r.arxiv) for r in result.records]


# (fixture, paper-link lines present, read, records as (title, venue, year, arXiv id))
CASES = [
    ("html-table.md", 5, 3, [("Grid Search for Ternary Kernels", "NeurIPS", 2021, "2105.01234"),
                             ("Mixed Widths by Sensitivity & Budget", "CVPR", 2020, None),
                             ("Product Codes for Tiny Embeddings", "ACM Trans. Embed. Comput. Syst.", 2019, None)]),
    ("notes-style.md", 4, 3, [("Rounding Weights Up or Down by Learning", "", 2020, "2004.11111"),
                              ("Second-Order Layer Quantizer", "ICLR", 2023, None),
                              ("Lookup Tables for Binary Layers", "", None, None)]),
    ("fire-badge.md", 2, 2, [("Hessian Bits: Ultra Low Precision for Transformers", "AAAI", None, "1909.11111"),
                             ("Scale Search for Few-Bit Activations", "NeurIPS", None, None)]),
    ("year-bar.md", 2, 2, [("Quantized Replay Buffers for Lifelong Agents", "CoLLAs", 2023, None),
                           ("Low-Bit Adapters That Do Not Forget", "ICLR", 2024, None)]),
    ("long-venue.md", 2, 2, [("Fixed-Point Accelerators for Depthwise Layers", "ACM Trans. Des. Autom. Electron. Syst.", 2020, None),
                             ("A 4-bit Inference Chip With Sparse Activations", "IEEE J. Solid-State Circuits", 2020, None)]),
    ("empty-venue-link.md", 1, 1, [("Codebook Distillation for Video Transformers", "ICCV", 2025, "2507.01234"),
                                   ("Outlier Channels Need Their Own Scales", "NeurIPS", 2025, None)]),
    ("table-no-venue.md", 3, 3, [("Quantized Attention Without Softmax Overflow", "", None, "2402.04444"),
                                 ("Calibration With Synthetic Images", "arXiv", None, "2403.05555"),
                                 ("Bit Allocation by Fisher Trace", "ICML", 2024, None)]),
    ("bold-numbered.md", 2, 2, [("Learned Clipping for Four-Bit Activations", "NeurIPS", 2021, "2106.01010"),
                                ("Block Reconstruction Revisited", "ICLR", 2022, "2201.02020")]),
    ("link-only.md", 2, 2, [("Pruned Codebooks for Tiny Devices", "", 2015, "1510.01111"),
                            ("Integer Arithmetic Only Inference", "", 2017, "1712.02222")]),
]


@pytest.mark.parametrize("name, present, read, expected", CASES, ids=[c[0] for c in CASES])
def test_layout_is_read_and_every_unread_paper_link_reported(name, present, read, expected):
    result = parsed(name)
    assert values(result) == expected
    assert result.link_lines[name] == (present, read)
    # No silent loss: each paper-link line that gave no record is reported with its line and why.
    read_lines = {r.line for r in result.records}
    assert len(result.unread_links) == present - read
    for p in result.unread_links:
        assert p.line not in read_lines and "not read:" in p.message


def test_html_table_keeps_the_extra_columns_as_facts_and_reports_link_words():
    result = parsed("html-table.md")
    first = result.records[0]
    assert first.facts == (("bits", "T"), ("bits", "Uni"), ("quantizer", "LQ"), ("finetune", "QAT"), ("task", "C"), ("special", "Distl"))
    assert first.links["code"] == ["https://github.com/x/grid"]
    assert [(r.line, r.title) for r in result.records] == [(17, "Grid Search for Ternary Kernels"),
                                                          (29, "Mixed Widths by Sensitivity & Budget"), (41, "Product Codes for Tiny Embeddings")]
    (paper_row,) = [p for p in result.problems if "'Paper'" in p.message]
    assert paper_row.line == 50 and "link word" in paper_row.message
    assert {p.line for p in result.unread_links} == {2, 52}  # the prose link, and the link of the row titled "Paper"


def test_notes_under_a_link_bullet_are_notes_not_problems():
    result = parsed("notes-style.md")
    assert result.problems == []
    assert [s.kind for s in result.skipped] == ["note", "note", "note", "note", "resource"]
    (unread,) = result.unread_links
    assert unread.line == 5 and "note" in unread.message


def test_bold_numbered_entries_take_their_venue_and_authors_lines():
    first, second = parsed("bold-numbered.md").records
    assert [a.display for a in first.authors] == ["Ana Pereira", "Li Wei"] and first.authors_truncated
    assert [a.family for a in second.authors] == ["Smith", "Garcia"] and not second.authors_truncated


def test_a_link_bullet_of_a_paper_is_no_resource_but_one_of_a_project_page_is():
    result = parse_text("* [Project page](https://example.org/p)\n* [2001-Sparse Codes](https://arxiv.org/abs/2001.00001)\n", "l.md")
    assert [s.kind for s in result.skipped] == ["resource"]
    assert values(result) == [("Sparse Codes", "", 2020, "2001.00001")]


def test_an_entry_in_no_layout_with_a_paper_link_is_reported():
    result = parse_text("- see https://arxiv.org/abs/2101.00001 for the details\n", "l.md")
    assert result.records == [] and result.link_lines["l.md"] == (1, 0)
    assert result.unread_links[0].where == "l.md:1" and "entry in no known layout" in result.unread_links[0].message


def test_a_stray_table_tag_swallows_nothing():
    text = "<table> is how some lists start a table, but this one never closes it\n## 2024\n" \
           "- [ICML24](https://arxiv.org/abs/2402.00002) Grids for Outliers in Small Models\n"
    result = parse_text(text, "l.md")
    assert [r.title for r in result.records] == ["Grids for Outliers in Small Models"]
