"""Bad input never crashes a parser; a failed or killed build loses nothing; identifiers stay stable."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.parse import parse_file, parse_text
from kg.pipeline import build_and_export
from tests.conftest import ROOT

GOOD = [
    ('- "A Good Paper About Rounding", ICML, 2021. [[paper](https://arxiv.org/abs/2101.00001)]', "A Good Paper About Rounding"),
    ("- **(ICLR 2022)** Another Good Paper On Calibration [[Paper](https://arxiv.org/abs/2201.00002)]", "Another Good Paper On Calibration"),
    ('3. **Doe, J., & Roe, R.** (2020). "A Third Good Paper." *International Conference on Machine Learning*.', "A Third Good Paper"),
    ('- Doe, Jane, et al. "A fourth good paper." arXiv preprint arXiv:1901.00004 (2019).', "A fourth good paper"),
]
JUNK = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="[]()|*-_`\"#!<>:.0123456789 ", max_size=200),
    st.builds(lambda s: "- " + s, st.text(max_size=200)),
    st.builds(lambda s: "| " + s + " |", st.text(alphabet="|[]()ab ", max_size=100)),
    st.builds(lambda n: "- " + "[" * n + "x" + "]" * (n // 2), st.integers(0, 500)),
    st.builds(lambda n: "- " + "a" * n, st.integers(3000, 9000)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(JUNK, max_size=20), st.randoms(use_true_random=False))
def test_junk_lines_never_crash_and_good_lines_survive(junk, rnd):
    lines = [g for g, _ in GOOD] + junk
    rnd.shuffle(lines)
    text = "\n".join(lines)
    result = parse_text(text, "fuzz.md")
    titles = {r.title for r in result.records}
    for _, title in GOOD:
        assert title in titles
    n = text.count("\n") + 1
    assert all(1 <= p.line <= n for p in result.problems)
    assert all(1 <= r.line <= n for r in result.records)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_binary_files_never_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "junk.md"
    path.write_bytes(b'- "A Good Paper About Rounding", ICML, 2021.\n' + data + b'\n- "Last Good Paper Here", ICLR, 2020.\n')
    result = parse_file(path)
    titles = {r.title for r in result.records}
    assert {"A Good Paper About Rounding", "Last Good Paper Here"} <= titles


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1", "cp1252"])
def test_wrong_encodings_are_reported_and_read(tmp_path, encoding):
    path = tmp_path / "list.md"
    path.write_bytes('- "Caf\u00e9 Quantization Paper", ICML, 2021.\n- "Plain Paper Title", ICLR, 2020.\n'.encode(encoding))
    result = parse_file(path)
    assert result.problems and all(p.file == "list.md" and p.line >= 1 for p in result.problems)
    if encoding != "utf-16":
        assert "Plain Paper Title" in {r.title for r in result.records}


def test_wrongly_typed_yaml_field_is_one_line(project):
    from kg.pipeline import describe_error, run

    (project.curated / "methods" / "zz.yaml").write_text("- name: X\n  paper: null\n  categories: ptq\n  families: [cnn]\n  evidence: long enough text\n")
    with pytest.raises(Exception) as err:
        run(project)
    assert describe_error(err.value) == "curated/methods/zz.yaml:1: method 'X': categories: Input should be a valid list"


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_build_failing_halfway_leaves_the_previous_exports(project, monkeypatch):
    build_and_export(project)
    before = _files(project.out)

    from kg.export import reports

    def fail(*args, **kwargs):
        raise RuntimeError("injected fault after the RDF files were staged")

    monkeypatch.setattr(reports, "write", fail)
    (project.sources / "new.md").write_text('- "A Paper Only The Failed Build Saw", ICML, 2024.\n')
    with pytest.raises(RuntimeError, match="injected fault"):
        build_and_export(project)
    assert _files(project.out) == before
    assert not list(project.out.parent.glob(".exports.staging-*"))


def test_a_killed_build_leaves_the_previous_exports_and_the_next_build_cleans_up(project):
    build_and_export(project)
    before = _files(project.out)
    code = ("import time, kg.export.rdf as r\n"
            "orig = r.start\n"
            "def slow(*a, **k):\n    c = orig(*a, **k); c.wait(); print('staged', flush=True); time.sleep(60)\n"
            "r.start = slow\n"
            "from kg.pipeline import build_and_export\nfrom kg.paths import Layout\nfrom pathlib import Path\n"
            f"build_and_export(Layout.default(root=Path({str(project.sources.parent.parent)!r}), out=Path({str(project.out)!r})))\n")
    (project.sources / "new.md").write_text('- "A Paper Only The Killed Build Saw", ICML, 2024.\n')
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "staged"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _files(project.out) == before
    assert list(project.out.parent.glob(".exports.staging-*"))  # a killed process leaves its staging folder ...
    build_and_export(project)
    assert not list(project.out.parent.glob(".exports.staging-*"))  # ... which the next build removes


def _iris(folder):
    return set(re.findall(rb"<(https://w3id\.org/qkg/resource/[^>]+)>", (folder / "qkg.nt").read_bytes()))


def test_adding_a_list_changes_no_existing_iri(project):
    build_and_export(project, html=False)
    first = _iris(project.out)
    (project.sources / "zz-new-list.md").write_text(
        "# A new list\n\n## Post-training\n\n"
        '- "QDrop: Randomly Dropping Quantization for Extremely Low-bit Post-Training Quantization", ICLR, 2022. '
        "[[paper](https://arxiv.org/abs/2203.05740)]\n"
        '- "A Completely New Quantization Paper", ICML, 2025. [[paper](https://arxiv.org/abs/2501.12345)]\n')
    build_and_export(project, html=False)
    second = _iris(project.out)
    # Conflict claims are numbered per conflict; a new list can add claims, never rename a node.
    lost = {i for i in first - second if b"/claim-" not in i}
    assert lost == set()
    assert b"https://w3id.org/qkg/resource/paper/arxiv-2501.12345" in second
