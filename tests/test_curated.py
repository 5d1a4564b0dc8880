"""Curated YAML: every real record loads through its model; every kind of error names file, record and field."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from kg.curated import load as cm
from kg.pipeline import describe_error, run
from tests.conftest import ROOT

CURATED = ROOT / "data" / "curated"


def test_every_real_record_loads_through_its_model():
    data = cm.load(CURATED)
    assert len(data.methods) > 100 and len(data.relations) > 100 and len(data.papers) > 100
    assert len(data.venues) > 20 and len(data.sections) > 20
    assert len(data.techniques) > 100 and all(loc.record.evidence.strip() for loc in data.techniques)
    for loc in data.relations:
        assert loc.record.evidence.strip()
    assert all(loc.line > 0 and loc.file.startswith("curated/") for loc in data.methods)


@pytest.mark.parametrize("model, data, message", [
    (cm.MethodRecord, {"name": "X", "paper": None, "categories": ["ptq"], "families": ["cnn"], "evidence": "a long enough evidence",
                       "colour": "red"}, "colour: unknown field"),
    (cm.MethodRecord, {"name": "X", "paper": None, "categories": ["ptq"], "evidence": "a long enough evidence"}, "families: missing field"),
    (cm.MethodRecord, {"name": "X", "paper": None, "categories": ["ptq"], "families": ["cnn"], "bits": ["4-bit"],
                       "evidence": "a long enough evidence"}, "bits: '4-bit' is not a bit-width setting"),
    (cm.RelationRecord, {"method": "A", "extends": "B", "compares": "C", "evidence": "a long enough evidence"},
     "give exactly one of 'extends' or 'compares'"),
    (cm.RelationRecord, {"method": "A", "extends": "B"}, "evidence: missing field"),
    (cm.PaperRecord, {"paper": "T", "venue": "ICML"}, "needs 'evidence'"),
    (cm.PaperRecord, {"paper": "T", "arxiv": "2203.5", "evidence": "because"}, "is not an arXiv id"),
    (cm.PaperRecord, {"paper": "T", "listed": False, "evidence": "because"}, "needs at least 'title' and 'year'"),
])
def test_model_errors_name_record_and_field(tmp_path, model, data, message):
    path = tmp_path / "curated" / "x.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump([data]))
    with pytest.raises(cm.CuratedError) as err:
        cm.load_file(path, model, tmp_path / "curated")
    text = str(err.value)
    assert text.startswith("curated/x.yaml:1: ") and message in text and "\n" not in text


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "curated" / "bad.yaml"
    path.parent.mkdir()
    path.write_text("- name: A\n  aliases: [B\n- name: C\n")
    with pytest.raises(cm.CuratedError, match=r"^curated/bad.yaml:\d+: YAML: syntax error"):
        cm.load_file(path, cm.MethodRecord, tmp_path / "curated")


def _append(project, folder, text):
    path = project.curated / folder / "zz-test.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("folder, text, message", [
    ("methods", """\
        - name: QDROP
          paper: null
          categories: [ptq]
          families: [cnn]
          evidence: "a second record under a taken name"
        """, "curated/methods/zz-test.yaml:1: method 'QDROP': name 'QDROP' is already used by method 'QDrop' at curated/methods/cnn-ptq.yaml:"),
    ("methods", """\
        - name: Brand New
          paper: "A Paper Title No List Has"
          categories: [ptq]
          families: [cnn]
          evidence: "names a paper that does not exist"
        """, "curated/methods/zz-test.yaml:1: method 'Brand New': paper 'A Paper Title No List Has' is no paper"),
    ("methods", """\
        - name: Brand New
          paper: null
          categories: [ptq]
          families: [cnnn]
          evidence: "names a family that does not exist"
        """, "curated/methods/zz-test.yaml:1: method 'Brand New': families: unknown family 'cnnn'"),
    ("relations", """\
        - method: QDrop
          extends: BRECK
          evidence: "names a method that does not exist"
        """, "curated/relations/zz-test.yaml:1: relation of 'QDrop': extends: unknown method 'BRECK'; did you mean BRECQ"),
    ("relations", """\
        - method: QDrop
          compares: QDrop
          evidence: "compares a method with itself"
        """, "a method cannot compares itself"),
    ("relations", """\
        - method: AdaRound
          extends: QDrop
          evidence: "points forward in time"
        """, "curated/relations/zz-test.yaml:1: relation 'AdaRound extends QDrop': QDrop (arXiv 2022-03) is newer than AdaRound (arXiv 2020-04)"),
    ("papers", """\
        - paper: "No Such Paper Anywhere"
          role: survey
        """, "curated/papers/zz-test.yaml:1: paper 'No Such Paper Anywhere' is no paper of the lists"),
    ("techniques", """\
        - method: QDrop
          technique: rotations
          evidence: "names a technique the taxonomy lacks"
        """, "curated/techniques/zz-test.yaml:1: technique use of 'QDrop': technique: unknown technique 'rotations' (ontology/techniques.ttl has: "),
    ("techniques", """\
        - method: QDrob
          technique: block-reconstruction
          evidence: "names a method that does not exist"
        """, "curated/techniques/zz-test.yaml:1: technique use of 'QDrob': method: unknown method 'QDrob'; did you mean QDrop"),
    ("techniques", """\
        - method: QDrop
          technique: kv-cache-scheme
          evidence: "states a technique use twice"
        - method: qdrop
          technique: kv-cache-scheme
          evidence: "states a technique use twice"
        """, "curated/techniques/zz-test.yaml:4: technique use 'qdrop uses kv-cache-scheme': duplicate of curated/techniques/zz-test.yaml:1"),
    ("techniques", """\
        - method: QDrop
          technique: block-reconstruction
        """, "curated/techniques/zz-test.yaml:1: technique 'QDrop': evidence: missing field"),
])
def test_bad_curated_records_stop_the_build_with_one_line(project, folder, text, message):
    _append(project, folder, text)
    with pytest.raises(Exception) as err:
        run(project)
    line = describe_error(err.value)
    assert message in line and "\n" not in line


def test_extends_cycle_is_refused(project):
    _append(project, "relations", """\
        - method: BRECQ
          extends: QDrop
          evidence: "closes a cycle with QDrop extends BRECQ"
        """)
    with pytest.raises(Exception) as err:
        run(project)
    assert "newer than" in str(err.value) or "cycle" in str(err.value)


def test_extends_cycle_among_same_year_methods_is_refused(project):
    _append(project, "methods", """\
        - name: CycleA
          paper: null
          categories: [ptq]
          families: [cnn]
          evidence: "test method without a paper"
        - name: CycleB
          paper: null
          categories: [ptq]
          families: [cnn]
          evidence: "test method without a paper"
        """)
    _append(project, "relations", """\
        - method: CycleA
          extends: CycleB
          evidence: "first half of a cycle"
        - method: CycleB
          extends: CycleA
          evidence: "second half of a cycle"
        """)
    with pytest.raises(Exception, match=r"extends forms a cycle: Cycle[AB] -> Cycle[AB] -> Cycle[AB]"):
        run(project)
