"""Each layout's parser on real lines of the lists, non-paper entries, and unreadable lines."""

from __future__ import annotations

import pytest

from kg.parse import parse_file, parse_text
from kg.parse import text as tx
from tests.conftest import ROOT

SOURCES = ROOT / "data" / "sources"


def one(text: str):
    result = parse_text(text, "list.md")
    assert len(result.records) == 1, (result.records, result.skipped, result.problems)
    return result.records[0]


@pytest.mark.parametrize("line, title, authors, venue, year, arxiv, layout", [
    ('1. **Courbariaux, M., Hubara, I., Soudry, D., El-Yaniv, R., & Bengio, Y.** (2016). "Binarized Neural Networks: Training Deep '
     'Neural Networks with Weights and Activations Constrained to +1 or -1." *arXiv preprint arXiv:1602.02830*.',
     "Binarized Neural Networks: Training Deep Neural Networks with Weights and Activations Constrained to +1 or -1",
     ["M. Courbariaux", "I. Hubara", "D. Soudry", "R. El-Yaniv", "Y. Bengio"], "arXiv preprint arXiv:1602.02830", 2016, "1602.02830",
     "numbered-bibliography"),
    ('16. **Nagel, M., van Baalen, M., Blankevoort, T., & Welling, M.** (2020). "Up or Down? Adaptive Rounding for Post-Training '
     'Quantization." *International Conference on Machine Learning*, 7197-7206.',
     "Up or Down? Adaptive Rounding for Post-Training Quantization", ["M. Nagel", "M. van Baalen", "T. Blankevoort", "M. Welling"],
     "International Conference on Machine Learning", 2020, None, "numbered-bibliography"),
    ("| LSQ+: Improving Low-Bit Quantization Through Learnable Offsets and Better Initialization | Y. Bhalgat, J. Lee, M. Nagel, "
     "T. Blankevoort, N. Kwak | CVPR | 2020 | [PDF](https://arxiv.org/abs/2004.09576) |",
     "LSQ+: Improving Low-Bit Quantization Through Learnable Offsets and Better Initialization",
     ["Y. Bhalgat", "J. Lee", "M. Nagel", "T. Blankevoort", "N. Kwak"], "CVPR", 2020, "2004.09576", "markdown-table"),
    ("- **(ICLR 2021)** BRECQ: PUSHING THE LIMIT OF POST-TRAINING QUANTIZATION BY BLOCK RECONSTRUCTION "
     "[[Paper](https://openreview.net/forum?id=POWv6hDd9XH)]",
     "BRECQ: PUSHING THE LIMIT OF POST-TRAINING QUANTIZATION BY BLOCK RECONSTRUCTION", [], "ICLR", 2021, None, "venue-year-bullets"),
    ("- **(CVPR 2019)** HAQ- Hardware-Aware Automated Quantization [[Paper](https://arxiv.org/abs/1811.08886?)]",
     "HAQ- Hardware-Aware Automated Quantization", [], "CVPR", 2019, "1811.08886", "venue-year-bullets"),
    ('- Li, Yuhang, et al. "Brecq: Pushing the limit of post-training quantization by block reconstruction." arXiv preprint '
     'arXiv:2102.05426 (2021)', "Brecq: Pushing the limit of post-training quantization by block reconstruction", ["Yuhang Li"],
     "arXiv preprint", 2021, "2102.05426", "citation"),
    ('- Sui, Yang, et al. "Bitsfusion: 1.99 bits weight quantization of diffusion model." arXiv preprint arXiv:2406.04333 (2024). '
     '(NeurIPS 2024)', "Bitsfusion: 1.99 bits weight quantization of diffusion model", ["Yang Sui"], "NeurIPS", 2024, "2406.04333",
     "citation"),
    ('- Dong, Zhenyuan, and Sai Qian Zhang. "DiTAS: Quantizing Diffusion Transformers via Enhanced Activation Smoothing." arXiv '
     'preprint arXiv:2409.07756 (2024). (WACV 2025 Accepted)', "DiTAS: Quantizing Diffusion Transformers via Enhanced Activation Smoothing",
     ["Zhenyuan Dong", "Sai Qian Zhang"], "WACV", 2025, "2409.07756", "citation"),
    ('- "RepQ-ViT: Scale Reparameterization for Post-Training Quantization of Vision Transformers", ICCV, 2023. '
     '[[paper](https://openaccess.thecvf.com/content/ICCV2023/papers/Li_RepQ-ViT.pdf)] [[code](https://github.com/zkkli/RepQ-ViT)] [**`PTQ`**]',
     "RepQ-ViT: Scale Reparameterization for Post-Training Quantization of Vision Transformers", [], "ICCV", 2023, None,
     "quoted-title-bullets"),
    ('- "Outlier Suppression: Pushing the Limit of Low-bit Transformer Language Models", NeurIPS, 2022. [[paper]](https://arxiv.org/abs/2209.13325) '
     '[[code](https://github.com/wimh966/outlier_suppression)] [**`PTQ`**]',
     "Outlier Suppression: Pushing the Limit of Low-bit Transformer Language Models", [], "NeurIPS", 2022, "2209.13325",
     "quoted-title-bullets"),
])
def test_layouts_on_real_lines(line, title, authors, venue, year, arxiv, layout):
    text = "| Title | Authors | Venue | Year | Paper Link |\n|---|---|---|---|---|\n" + line if line.startswith("|") else line
    r = one(text)
    assert (r.title, [a.display for a in r.authors], r.venue, r.year, r.arxiv, r.layout) == (title, authors, venue, year, arxiv, layout)


def test_tags_sections_and_links():
    r = one("## Transformer-based Models\n### Vision Transformers\n"
            '- "PTQ4ViT: Post-Training Quantization for Vision Transformers with Twin Uniform Quantization", ECCV, 2022. '
            "[[paper](https://www.ecva.net/papers/eccv_2022/papers_ECCV/papers/136720190.pdf)] [[code](https://github.com/hahnyuan/ptq4vit)]  [**`PTQ`**]")
    assert r.sections == ("Transformer-based Models", "Vision Transformers")
    assert r.tags == ("PTQ",)
    assert r.links == {"ecva": ["https://www.ecva.net/papers/eccv_2022/papers_ECCV/papers/136720190.pdf"],
                       "code": ["https://github.com/hahnyuan/ptq4vit"]}


def test_apa_gap_keeps_last_author():
    r = one('9. **Jacob, B., Kligys, S., Chen, B., Zhu, M., Tang, M., Howard, A., ... & Adam, H.** (2018). "Quantization and Training." *CVPR*.')
    assert [a.family for a in r.authors] == ["Jacob", "Kligys", "Chen", "Zhu", "Tang", "Howard", "Adam"]
    assert r.authors_truncated and r.authors_gap == 6


@pytest.mark.parametrize("text, expected", [
    ("arXiv:2203.05740", "2203.05740"),
    ("arXiv: 2203.05740v2", "2203.05740"),
    ("https://arxiv.org/abs/2203.05740v3", "2203.05740"),
    ("http://arxiv.org/pdf/2203.05740.pdf", "2203.05740"),
    ("https://arxiv.org/pdf/2203.05740v1", "2203.05740"),
    ("https://browse.arxiv.org/abs/2203.05740", "2203.05740"),
    ("https://arxiv.org/abs/1811.08886?", "1811.08886"),
    ("arXiv:hep-th/9901001v2", "hep-th/9901001"),
    ("no id here 2203.05740", None),
])
def test_arxiv_ids_are_normalised(text, expected):
    assert tx.arxiv_id(text) == expected


@pytest.mark.parametrize("line, kind", [
    ("- **()** ?? [[Paper]()]", "placeholder"),
    ("- Paper archive [[Github page](https://github.com/htqin/awesome-model-quantization)]", "resource"),
    ("- **NeurIPS** (Advances in Neural Information Processing Systems)", "venue"),
    ("74. **Hugging Face Transformers**: https://github.com/huggingface/transformers", "software"),
    ('59. **Bai, J., Lu, F., Zhang, K., et al.** (2019). "ONNX: Open Neural Network Exchange." *GitHub Repository*. '
     "Available: https://github.com/onnx/onnx", "software"),
    ("  - [Vision Transformers](#vision-transformers)", "table-of-contents"),
    ("- [[Back to Overview](#overview)]", "navigation"),
    ("  * [MQBench (Benchmark)](http://mqbench.tech/)", "resource"),
])
def test_non_papers_are_recognised_not_turned_into_papers(line, kind):
    result = parse_text(line, "list.md")
    assert result.records == [] and result.problems == []
    assert [s.kind for s in result.skipped] == [kind]


def test_dataset_entries_under_a_datasets_heading():
    result = parse_text("### Datasets and Benchmarks\n79. **ImageNet**: http://www.image-net.org/", "list.md")
    assert [(s.kind, s.line) for s in result.skipped] == [("dataset", 2)]


def test_unreadable_entry_is_reported_with_file_and_line():
    result = parse_text("# List\n\n- A paper with no recognisable layout at all\n- \"Good\", ICML, 2020.", "odd.md")
    assert [str(p) for p in result.problems] == ["odd.md:3: entry in no known layout"]
    assert [r.title for r in result.records] == ["Good"]


def test_last_table_row_before_a_rule_is_a_paper_not_a_header():
    text = "| Title | Authors | Venue | Year | Paper Link |\n|---|---|---|---|---|\n| A Paper | A. B | ICML | 2020 | x |\n---\n"
    assert [r.title for r in parse_text(text, "t.md").records] == ["A Paper"]


def test_table_without_title_column_is_skipped_not_parsed():
    text = "| Category | Description |\n|---|---|\n| **PTQ** | Quantizing a model |\n"
    result = parse_text(text, "t.md")
    assert result.records == [] and [s.kind for s in result.skipped] == ["table-without-titles"]


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.md")), ids=lambda p: p.name)
def test_every_real_list_parses_without_unreadable_lines(path):
    result = parse_file(path)
    assert result.problems == []
    assert len(result.records) > 20
    # one layout per list, detected from its lines
    assert len(result.layouts[path.name]) == 1


def test_real_lists_entry_counts():
    counts = {p.name: len(parse_file(p).records) for p in sorted(SOURCES.glob("*.md"))}
    assert counts == {
        "awesome-quantization-papers.md": 27,
        "awesome-quantization-tables.md": 160,
        "comprehensive-bibliography.md": 71,
        "model-compression-paper-list.md": 62,
        "quantization-papers-by-topic.md": 46,
    }


def test_invalid_utf8_is_reported_and_the_rest_read(tmp_path):
    path = tmp_path / "bad.md"
    path.write_bytes(b'- "Good Paper", ICML, 2020.\n- "Caf\xe9 Paper", ICML, 2021.\n')
    result = parse_file(path)
    assert [r.title for r in result.records] == ["Good Paper", "Caf\ufffd Paper"]
    assert [str(p) for p in result.problems] == ["bad.md:2: not valid UTF-8; undecodable bytes replaced"]
