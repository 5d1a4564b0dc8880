"""Merge and conflict rules: which entries become one paper, and which disagreements are recorded."""

from __future__ import annotations

import pytest

from kg.curated.load import Curated, Located, PaperRecord, VenueRecord
from kg.model import Person, Record
from kg.resolve import resolve
from kg.resolve import titles as tt

VENUES = [Located(VenueRecord(key=k, name=k, kind=kind, patterns=[p]), "venues.yaml", i)
          for i, (k, kind, p) in enumerate([("arXiv", "preprint", "arxiv"), ("ICML", "conference", r"\bICML\b"),
                                             ("ICLR", "conference", r"\bICLR\b"), ("CVPR", "conference", r"\bCVPR\b"),
                                             ("ICCV", "conference", r"\bICCV\b")], 1)]


def rec(title, file="a.md", line=1, arxiv=None, venue="", year=None, authors=(), truncated=False, sections=()):
    return Record(title=title, file=file, line=line, layout="test", arxiv=arxiv, venue=venue, year=year,
                  authors=[Person(*a.split(" ", 1)) for a in authors],
                  authors_truncated=truncated, sections=tuple(sections))


def run(records, papers=()):
    curated = Curated(venues=VENUES, papers=[Located(PaperRecord(**p), "papers.yaml", i) for i, p in enumerate(papers, 1)])
    return resolve(records, curated)


@pytest.mark.parametrize("a, b, merged", [
    ("Up or Down? Adaptive Rounding for Post-Training Quantization", "AdaRound: Adaptive Rounding for Post-Training Quantization", True),
    ("ZeroQ: A Novel Zero-Shot Quantization Framework", "Zeroq: A novel zero shot quantization framework", True),
    ("BSQ: EXPLORING BIT-LEVEL SPARSITY FOR MIXEDPRECISION NEURAL NETWORK QUANTIZATION",
     "BSQ: Exploring Bit-Level Sparsity for Mixed-Precision Neural Network Quantization", True),
    ("BRECQ: Pushing the Limit of Post-Training Quantization by Block Reconstruction",
     "BRECQ: Pushing the Limit of Post-Training Quantizaton by Block Reconstruction", True),
    ("Post-Training Quantization for Vision Transformer",
     "PTQ4ViT: Post-Training Quantization for Vision Transformers with Twin Uniform Quantization", False),
    ("PTQ4ViT: Post-Training Quantization for Vision Transformers", "APQ-ViT: Post-Training Quantization for Vision Transformers", False),
    ("Quantization Networks", "Quantized Neural Networks", False),
    ("Outlier Suppression: Pushing the Limit of Low-bit Transformer Language Models",
     "Outlier Suppression+: Accurate Quantization of Large Language Models by Equivalent and Optimal Shifting and Scaling", False),
])
def test_title_only_merges(a, b, merged):
    result = run([rec(a, "a.md", 1), rec(b, "b.md", 1)])
    assert (len(result.papers) == 1) is merged


@pytest.mark.parametrize("a, b, merged", [
    ("QDrop: Randomly Dropping Quantization for Extremely Low-bit Post-training Quantization",
     "QDrop: Randomly Dropping Quantization for Extremely Low-bit Zero-Shot Quantization", True),
    ("Bi-Real Net: Enhancing the Performance of 1-bit CNNs",
     "Bi-Real Net: Enhancing the Performance of 1-bit CNNs With Improved Representational Capability and Advanced Training Algorithm", True),
    ("BRECQ: Pushing the Limit of Post-Training Quantization by Block Reconstruction",
     "Post-Training Quantization with Multiple Points: Mixed Precision Without Mixed Precision", False),
    ("XNOR-Net: ImageNet Classification Using Binary Convolutional Neural Networks",
     "BNN+: Improved Training for Binary Neural Networks", False),
])
def test_shared_arxiv_id_merges_only_when_titles_agree(a, b, merged):
    result = run([rec(a, "a.md", 1, arxiv="2102.05426"), rec(b, "b.md", 1, arxiv="2102.05426")])
    assert (len(result.papers) == 1) is merged
    kinds = {c.kind for c in result.conflicts}
    assert ("identifier-title-mismatch" in kinds) is (not merged)


def test_id_carried_by_an_unrelated_title_stays_with_the_majority():
    brecq = "BRECQ: Pushing the Limit of Post-Training Quantization by Block Reconstruction"
    other = "Post-Training Quantization with Multiple Points: Mixed Precision Without Mixed Precision"
    result = run([rec(brecq, "a.md", 1, arxiv="2102.05426"), rec(brecq, "b.md", 5, arxiv="2102.05426"),
                  rec(other, "b.md", 9, arxiv="2102.05426")])
    by_title = {p.title.value: p for p in result.papers}
    assert by_title[brecq].arxiv.value == "2102.05426"
    assert by_title[other].arxiv is None and [c.value for c in by_title[other].rejected_ids] == ["arxiv:2102.05426"]
    (conflict,) = [c for c in result.conflicts if c.kind == "identifier-title-mismatch"]
    assert [c.where for c in conflict.claims] == ["a.md:1", "b.md:5", "b.md:9"]
    assert conflict.status == "unresolved" and conflict.chosen == brecq


def test_tied_identifier_goes_to_nobody_until_curated():
    result = run([rec("Quantization Networks", "a.md", 1, arxiv="1704.08363"),
                  rec("SYQ: Learning Symmetric Quantization for Efficient Deep Neural Networks", "a.md", 2, arxiv="1704.08363")])
    assert all(p.arxiv is None for p in result.papers)
    fixed = run([rec("Quantization Networks", "a.md", 1, arxiv="1704.08363"),
                 rec("SYQ: Learning Symmetric Quantization for Efficient Deep Neural Networks", "a.md", 2, arxiv="1704.08363")],
                papers=[{"paper": "Quantization Networks", "arxiv": "1911.09464", "evidence": "arXiv 1911.09464 is Yang et al."},
                        {"paper": "SYQ: Learning Symmetric Quantization for Efficient Deep Neural Networks", "arxiv": "1807.00301",
                         "evidence": "arXiv 1807.00301 is SYQ."}])
    assert sorted(p.arxiv.value for p in fixed.papers) == ["1807.00301", "1911.09464"]
    (conflict,) = [c for c in fixed.conflicts if c.kind == "identifier-title-mismatch"]
    assert conflict.status == "resolved" and "papers.yaml:1" in conflict.resolved_by


def test_same_title_two_ids_is_one_paper_with_an_arxiv_conflict():
    t = "LQER: Low-Rank Quantization Error Reconstruction for LLMs"
    result = run([rec(t, "a.md", 3, arxiv="2402.14727"), rec(t, "b.md", 4, arxiv="2402.02446")])
    assert len(result.papers) == 1
    (c,) = [c for c in result.conflicts if c.kind == "arxiv-id"]
    assert sorted(cl.value for cl in c.claims) == ["arXiv:2402.02446", "arXiv:2402.14727"] and c.status == "unresolved"
    fixed = run([rec(t, "a.md", 3, arxiv="2402.14727"), rec(t, "b.md", 4, arxiv="2402.02446")],
                papers=[{"paper": t, "arxiv": "2402.02446", "evidence": "arXiv 2402.02446 is LQER."}])
    assert fixed.papers[0].arxiv.value == "2402.02446" and fixed.papers[0].key == "arxiv-2402.02446"
    (c,) = [c for c in fixed.conflicts if c.kind == "arxiv-id"]
    assert c.status == "resolved" and c.resolved_by == "papers.yaml:1"


@pytest.mark.parametrize("records, kind, chosen", [
    ([rec("DFQ", "a.md", 1, venue="CVPR", year=2019), rec("DFQ", "b.md", 1, venue="ICCV", year=2019),
      rec("DFQ", "c.md", 1, venue="ICCV", year=2019)], "venue", "ICCV"),
    ([rec("QNN", "a.md", 1, venue="JMLR x", year=2017), rec("QNN", "b.md", 1, venue="JMLR x", year=2018),
      rec("QNN", "c.md", 1, venue="JMLR x", year=2018)], "year", "2018"),
    ([rec("BiLLM", "a.md", 1, arxiv="2402.04291", year=2023, venue="arXiv preprint")], "arxiv-date", "2023"),
    ([rec("X Paper", "a.md", 1, authors=["Wei X", "Gong R"]), rec("X Paper", "b.md", 1, authors=["Wei X", "Zhang Y"])], "authors", None),
    ([rec("AdaRound: Adaptive Rounding for Post-Training Quantization", "a.md", 1),
      rec("Up or Down? Adaptive Rounding for Post-Training Quantization", "b.md", 1, arxiv="2004.10568"),
      rec("Up or Down? Adaptive Rounding for Post-Training Quantization", "c.md", 1, arxiv="2004.10568")],
     "title-variant", "Up or Down? Adaptive Rounding for Post-Training Quantization"),
])
def test_conflict_kinds(records, kind, chosen):
    result = run(records)
    matching = [c for c in result.conflicts if c.kind == kind]
    assert len(matching) == 1
    if chosen is not None:
        assert matching[0].chosen == chosen
    assert all(cl.file and cl.line for cl in matching[0].claims)


def test_preprint_year_is_not_a_conflict_with_the_published_year():
    result = run([rec("GPTQ: Accurate PTQ", "a.md", 1, venue="arXiv preprint", year=2022),
                  rec("GPTQ: Accurate PTQ", "b.md", 1, venue="ICLR", year=2023)])
    assert result.conflicts == []
    assert (result.papers[0].venue.value, result.papers[0].year.value) == ("ICLR", 2023)


def test_truncated_author_lists_agree_with_their_full_list():
    full = ["Shen S", "Dong Z", "Ye J", "Keutzer K"]
    r1 = rec("Q-BERT", "a.md", 1, authors=full)
    r2 = rec("Q-BERT", "b.md", 1, authors=["Shen S", "Dong Z"], truncated=True)
    r3 = rec("Q-BERT", "c.md", 1, authors=["Shen S", "Keutzer K"], truncated=True)
    r3.authors_gap = 1
    result = run([r1, r2, r3])
    assert [c for c in result.conflicts if c.kind == "authors"] == []


def test_duplicates_within_one_list_vote_once():
    right, wrong = ["Wei X", "Gong R", "Li Y"], ["Wei X", "Zhang Y", "Zhang X"]
    result = run([rec("QDrop", "a.md", 1, authors=wrong), rec("QDrop", "a.md", 9, authors=wrong),
                  rec("QDrop", "b.md", 1, authors=right), rec("QDrop", "c.md", 1, authors=right)])
    assert [p.family for p in result.papers[0].authors.value] == ["Wei", "Gong", "Li"]


def test_same_as_merges_a_garbled_variant_whose_values_do_not_vote():
    real = "Differentiable Soft Quantization: Bridging Full-Precision and Low-Bit Neural Networks"
    garbled = "DSQ: Differentiable Soft Quantization for Neural Network Compression"
    records = [rec(real, "a.md", 1, arxiv="1908.05033", venue="ICCV", year=2019),
               rec(garbled, "b.md", 1, arxiv="1908.05033", venue="CVPR", year=2019)]
    assert len(run(records).papers) == 1  # one arXiv id, related titles: one paper even before curation
    result = run(records, papers=[{"paper": garbled, "same_as": real, "evidence": "arXiv 1908.05033 is the ICCV 2019 DSQ paper."}])
    (paper,) = result.papers
    assert (paper.title.value, paper.venue.value, paper.arxiv.value) == (real, "ICCV", "1908.05033")
    assert {c.kind for c in result.conflicts} >= {"title-variant", "venue"}
    assert all(c.status == "resolved" for c in result.conflicts)


def test_curated_reference_to_no_paper_is_an_error():
    from kg.resolve import ResolveError
    with pytest.raises(ResolveError, match="papers.yaml:1: paper 'No Such Paper' is no paper"):
        run([rec("A Paper", "a.md", 1)], papers=[{"paper": "No Such Paper", "role": "survey"}])


@pytest.mark.parametrize("title, name", [
    ("BRECQ: Pushing the Limit of Post-Training Quantization", "BRECQ"),
    ("LLM.int8(): 8-bit Matrix Multiplication for Transformers at Scale", "LLM.int8()"),
    ("QuIP#: Even Better LLM Quantization", "QuIP#"),
    ("Bi-Real Net: Enhancing the Performance of 1-bit CNNs", "Bi-Real Net"),
    ("Binary Neural Networks: A Survey", None),
    ("Deep compression: Compressing deep neural networks", None),
    ("Up or Down? Adaptive Rounding for Post-Training Quantization", None),
    ("Quantization Networks", None),
])
def test_method_names_from_titles(title, name):
    assert tt.method_name(title) == name


def test_paper_iris_are_keyed_by_arxiv_id_else_title():
    result = run([rec("A Paper: With Id", "a.md", 1, arxiv="2101.00001"), rec("Another Paper Without One", "a.md", 2)])
    assert sorted(p.key for p in result.papers) == ["arxiv-2101.00001", "t-another-paper-without-one"]


def test_one_arxiv_id_with_a_renamed_title_is_one_paper():
    first = "A Comprehensive Study on Post-Training Quantization for Large Language Models"
    final = "ZeroQuant-V2: Exploring Post-training Quantization in LLMs from Comprehensive Study to Low Rank Compensation"
    result = run([rec(first, "a.md", 1, arxiv="2303.08302"), rec(final, "b.md", 1, arxiv="2303.08302"),
                  rec(final, "c.md", 1, arxiv="2303.08302")])
    (paper,) = result.papers
    assert paper.title.value == final and paper.arxiv.value == "2303.08302"


def test_a_curated_rename_applies_before_grouping():
    old, new = "BNN+: Improved Training for Binary Networks", "BNN+: Improved Binary Network Training"
    records = [rec(old, "a.md", 1, venue="ICLR", year=2019), rec(new, "b.md", 1, venue="ICLR", year=2019)]
    assert len(run(records).papers) == 2
    result = run(records, papers=[{"paper": old, "title": new, "evidence": "The published title is 'BNN+: Improved Binary Network Training'."}])
    (paper,) = result.papers
    assert paper.title.value == new and sorted(r.file for r in paper.records) == ["a.md", "b.md"]


@pytest.mark.parametrize("spellings, shown", [
    (["Rotated Grids for Outliers.", "Rotated Grids for Outliers", "Rotated Grids for Outliers"], "Rotated Grids for Outliers"),
    (["KIVI: A Tuning-Free Asymmetric 2bit Quantization", "Kivi: A tuning-free asymmetric 2bit quantization",
      "KIVI: A Tuning-Free Asymmetric 2bit Quantization"], "KIVI: A Tuning-Free Asymmetric 2bit Quantization"),
    (["Q-dit: Accurate Post-Training Quantization", "Q-DiT: Accurate Post-Training Quantization",
      "Q-DiT: Accurate Post-Training Quantization."], "Q-DiT: Accurate Post-Training Quantization"),
])
def test_canonical_title_takes_the_spelling_most_lists_use_without_a_trailing_period(spellings, shown):
    result = run([rec(t, f"{i}.md", 1) for i, t in enumerate(spellings)])
    (paper,) = result.papers
    assert paper.title.value == shown


def test_a_listed_false_paper_that_a_list_carries_merges_with_it_curated_values_winning():
    title = "Accurate Post-Training Quantization for Vision Transformers"
    records = [rec(title + ".", "a.md", 4, arxiv="2303.14341", venue="arXiv preprint", year=2022)]
    result = run(records, papers=[{"paper": "arXiv:2303.14341", "listed": False, "title": title, "year": 2023, "venue": "ICCV",
                                   "arxiv": "2303.14341", "evidence": "arXiv 2303.14341 is this paper, at ICCV 2023."}])
    (paper,) = result.papers
    assert paper.listed and [r.where for r in paper.records] == ["a.md:4"]
    assert (paper.title.value, paper.year.value, paper.venue.value, paper.arxiv.value) == (title, 2023, "ICCV", "2303.14341")
    assert paper.year.curated is not None and paper.venue.curated is not None
