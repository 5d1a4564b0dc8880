"""Sources as a build reads them: a list carrying a curated `listed: false` paper, lists that share a stem, symlinks
leading out of the sources folder, non-web links; and `qkg ingest` per-file figures and exit code."""

from __future__ import annotations

import os

from click.testing import CliRunner

from kg import iri
from kg.cli import main
from kg.pipeline import run

APQ_VIT = "- [[ACM MM](https://arxiv.org/abs/2303.14341v2)] APQ-ViT: Towards Accurate Post-Training Quantization for Vision Transformer\n"


def test_a_list_that_carries_a_listed_false_paper_builds_with_one_paper_curated_values_winning(project):
    (project.sources / "vit-extra.md").write_text("## 2022\n" + APQ_VIT)
    build = run(project)
    (paper,) = [p for p in build.resolution.papers if p.arxiv is not None and p.arxiv.value == "2303.14341"]
    assert paper.listed and [r.where for r in paper.records] == ["vit-extra.md:2"]
    assert paper.title.value == "Towards Accurate Post-Training Quantization for Vision Transformer"  # the curated title
    (method,) = [m for m in build.methods if m.name == "APQ-ViT"]
    assert method.paper is paper
    triples = [line for line in build.dataset.ntriples.decode().splitlines() if line.startswith(f"<{iri.paper(paper.key)}>")]
    assert not any("#listed>" in t for t in triples) and any("#listedIn>" in t for t in triples)


def test_lists_that_share_a_stem_get_distinct_source_iris(project):
    (project.sources / "extra.md").write_text("## 2024\n- [ICML24](https://arxiv.org/abs/2402.00002) Grids for Outliers in Small Models\n")
    (project.sources / "extra.csv").write_text("Title,Venue,Year\nScales Learned per Group of Channels,ICLR,2023\n")
    build = run(project)
    assert iri.source("extra.md") != iri.source("extra.csv")
    assert iri.source("awesome-quantization-papers.md").endswith("/source/awesome-quantization-papers")  # unchanged IRIs
    text = build.dataset.ntriples.decode()
    assert f"<{iri.source('extra.md')}>" in text and f"<{iri.source('extra.csv')}>" in text
    assert iri.record("extra.md", 2) != iri.record("extra.csv", 2)


def test_a_symlink_leading_out_of_the_sources_is_refused_with_one_warning(project, tmp_path, capfd):
    outside = tmp_path / "elsewhere.md"
    outside.write_text("## 2024\n- [ICML24](https://arxiv.org/abs/2402.00009) A Paper Kept Outside the Sources\n")
    os.symlink(outside, project.sources / "linked.md")
    inside = project.sources / "sub"
    inside.mkdir()
    os.symlink(project.sources / "awesome-quantization-papers.md", inside / "again.md")  # inside: read
    build = run(project)
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "linked.md" in err and "outside" in err
    titles = {p.title.value for p in build.resolution.papers}
    assert "A Paper Kept Outside the Sources" not in titles
    assert any(r.file == "sub/again.md" for r in build.parsed.records)


def test_only_http_links_become_foaf_page_or_code_repository(project):
    (project.sources / "links.md").write_text(
        "## 2024\n- [ICML24](https://arxiv.org/abs/2402.00003) Hostile Links in a Paper List [[code](javascript:alert(1))] "
        "[[pdf](data:text/html,x)] [[site](https://example.org/p)]\n")
    build = run(project)
    text = build.dataset.ntriples.decode()
    assert "javascript:" not in text and "data:text" not in text and "<https://example.org/p>" in text
    assert any("javascript:" in p.message for p in build.parsed.dropped)


def test_ingest_prints_per_file_figures_and_fails_on_a_file_with_no_papers(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("## 2024\n- [ICML24](https://arxiv.org/abs/2402.00002) Grids for Outliers\n- see https://arxiv.org/abs/2402.1 here\n")
    empty = tmp_path / "empty.md"
    empty.write_text("# Nothing\n- a bullet that is no entry\n")
    ok = CliRunner().invoke(main, ["ingest", str(good)])
    assert ok.exit_code == 0
    assert ("1 papers" in ok.output and "1 with arXiv ids, 1 with venue, 1 with year" in ok.output
            and "1 unreadable lines" in ok.output and "1 of 2 lines with a paper link not read" in ok.output and f"not read: {good}:3:" not in ok.output
            and f"unreadable: {good}:3: entry in no known layout" in ok.output)
    bad = CliRunner().invoke(main, ["ingest", str(good), str(empty)])
    assert bad.exit_code == 1
    last = bad.output.strip().splitlines()[-1]
    assert last.startswith(f"qkg: error: {empty}: no papers read")
