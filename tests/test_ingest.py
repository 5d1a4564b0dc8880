"""More layouts, BibTeX and CSV input, and `qkg ingest`: lines written for these tests, not copied from any list."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.parse import parse_file, parse_text
from kg.parse.bibtex import decode_latex


def one(text: str):
    result = parse_text(text, "list.md")
    assert len(result.records) == 1 and result.problems == [], (result.records, result.problems)
    return result.records[0]


@pytest.mark.parametrize("text, title, venue, year, arxiv", [
    ("## 2024\n- [[ICLR](https://openreview.net/forum?id=q1)] Rotated Weights for Small Models [[code](https://github.com/a/b)]",
     "Rotated Weights for Small Models", "ICLR", 2024, None),
    ("- [ICLR 2026](https://arxiv.org/pdf/2601.00001.pdf) Calibration Sets Revisited", "Calibration Sets Revisited", "ICLR", 2026, "2601.00001"),
    ("- [ICML24](https://arxiv.org/abs/2402.00002v3) Grids for Outliers :fire:", "Grids for Outliers", "ICML", 2024, "2402.00002"),
    ("- [NeurIPS24 Oral](http://browse.arxiv.org/abs/2405.00003) Codebooks Beyond Four Bits 🚀", "Codebooks Beyond Four Bits", "NeurIPS", 2024, "2405.00003"),
    ("- [Arxiv2025](https://arxiv.org/pdf/2501.00004) A Preprint on Scales", "A Preprint on Scales", "Arxiv", 2025, "2501.00004"),
    ("| Paper | Code |\n|---|---|\n| ICLR'22<br />[A Compound Cell Title](https://openreview.net/forum?id=z)<br />A. Author, B. Writer | x |",
     "A Compound Cell Title", "ICLR", 2022, None),
    ("| Title | Venue | Year |\n|---|---|---|\n| Badge Venue Title | ![](https://img.shields.io/badge/Conference-ICLR'22-blue) | |",
     "Badge Venue Title", "ICLR", 2022, None),
    ("| Title | Venue | Year |\n|---|---|---|\n| <details>Title <b>With</b> Tags</details> | CVPR | 2023 |", "Title With Tags", "CVPR", 2023, None),
])
def test_common_public_list_layouts(text, title, venue, year, arxiv):
    r = one(text)
    assert (r.title, r.venue, r.year, r.arxiv) == (title, venue, year, arxiv)


@pytest.mark.parametrize("line", [
    "- [Vision Transformers](#vision-transformers)",
    "- [Awesome Quantization](https://github.com/x/awesome)",
    "* [MQBench (Benchmark)](http://mqbench.tech/)",
])
def test_tables_of_contents_and_resource_links_are_skipped(line):
    result = parse_text(line, "list.md")
    assert result.records == [] and result.problems == [] and len(result.skipped) == 1


def test_unknown_layout_is_reported_not_guessed():
    result = parse_text("- Some words [with](https://example.org) a link\n- [Workshop](https://x.org) X", "list.md")
    assert result.records == []
    assert [p.line for p in result.problems] == [1, 2]


BIB = r"""@inproceedings{nagel2020up,
  title={Up or Down? {A}daptive Rounding for Post-Training Quantization},
  author={Nagel, Markus and van Baalen, Mart and Blankevoort, Tijmen and Welling, Max},
  booktitle={International Conference on Machine Learning},
  year={2020}
}

@article{godel,
  title={G{\"o}del Meets {\'E}cole: {QDrop} Again},
  author={M{\"u}ller, J{\"o}rg and Stra{\ss}e, Ana},
  journal={arXiv preprint arXiv:2203.05740},
  year={2022},
  doi={10.1000/ABC}
}

@misc{broken, title = {Broken, author = {A}

@misc{eprint, title={By Eprint}, eprint={2101.00001v2}, archivePrefix={arXiv}, year=2021}
@misc{notitle, author={Nobody}, year=2020}
"""


def test_bibtex_input(tmp_path):
    path = tmp_path / "thesis.bib"
    path.write_text(BIB)
    result = parse_file(path)
    by_title = {r.title: r for r in result.records}
    up = by_title["Up or Down? Adaptive Rounding for Post-Training Quantization"]
    assert [a.display for a in up.authors] == ["Markus Nagel", "Mart van Baalen", "Tijmen Blankevoort", "Max Welling"]
    assert (up.venue, up.year, up.line) == ("International Conference on Machine Learning", 2020, 1)
    godel = by_title["Gödel Meets École: QDrop Again"]
    assert [a.display for a in godel.authors] == ["Jörg Müller", "Ana Straße"]
    assert (godel.arxiv, godel.doi) == ("2203.05740", "10.1000/abc")
    assert by_title["By Eprint"].arxiv == "2101.00001"
    assert sorted(p.message for p in result.problems) == ["BibTeX entry 'notitle' has no title", "BibTeX entry that cannot be parsed"]
    assert all(p.line > 0 for p in result.problems)


@pytest.mark.parametrize("latex, text", [(r"{\'E}cole", "École"), (r"Stra{\ss}e", "Straße"), (r"\v{C}ech", "Čech"), (r"{Q}{D}rop", "QDrop")])
def test_latex_accents(latex, text):
    assert decode_latex(latex) == text


def test_csv_input(tmp_path):
    path = tmp_path / "papers.csv"
    path.write_text('Title,Venue,Year,Authors,arXiv\n"A Paper, With Comma",ICML,2023,"A. B; C. D",2301.00001\n,ICLR,2020,,\nSecond Paper,CVPR,2024,,\n')
    result = parse_file(path)
    assert [(r.title, r.venue, r.year, r.arxiv, r.line) for r in result.records] == [
        ("A Paper, With Comma", "ICML", 2023, "2301.00001", 2), ("Second Paper", "CVPR", 2024, None, 4)]
    assert [a.display for a in result.records[0].authors] == ["A. B", "C. D"]
    assert [(p.line, p.message) for p in result.problems] == [(3, "CSV row without a title")]


def test_csv_without_title_column_is_reported(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("name,year\nSome Title,2020\n")
    path2 = tmp_path / "y.csv"
    path2.write_text("venue,year\nICML,2020\n")
    assert parse_file(path).problems == [] and len(parse_file(path).records) == 1  # "name" is a title column
    assert "no title column" in parse_file(path2).problems[0].message


def test_ingest_reports_and_json(tmp_path):
    path = tmp_path / "mine.md"
    path.write_text("## 2024\n- [ICML24](https://arxiv.org/abs/2402.00002) Grids for Outliers\n- nonsense line here\n")
    result = CliRunner().invoke(main, ["ingest", str(path)])
    assert result.exit_code == 0
    assert "1 papers" in result.output and "1 with arXiv ids" in result.output and f"{path}:3: entry in no known layout" in result.output
    data = json.loads(CliRunner().invoke(main, ["ingest", str(path), "--json"]).output)
    assert data == [{"title": "Grids for Outliers", "authors": [], "venue": "ICML", "year": 2024, "arxiv": "2402.00002", "doi": None,
                     "links": {"arxiv": ["https://arxiv.org/abs/2402.00002"]}, "file": "mine.md", "line": 2,
                     "layout": "bracket-venue-bullets", "sections": ["2024"], "tags": [], "facts": []}]


def test_ingest_add_puts_the_list_into_the_next_build(project, tmp_path):
    from kg.pipeline import run

    path = tmp_path / "extra.bib"
    path.write_text("@inproceedings{x, title={A Brand New Quantization Paper}, author={Doe, Jane}, booktitle={ICML}, year={2025}}\n")
    result = CliRunner().invoke(main, ["ingest", str(path), "--add", "--sources", str(project.sources)])
    assert result.exit_code == 0 and (project.sources / "extra.bib").exists()
    titles = {p.title.value for p in run(project).resolution.papers}
    assert "A Brand New Quantization Paper" in titles


def test_ingest_missing_file_is_one_line():
    result = CliRunner().invoke(main, ["ingest", "/no/such/file.md"])
    assert result.exit_code == 1 and result.output == "qkg: error: no such file: /no/such/file.md\n"
