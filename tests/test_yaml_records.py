"""Large curated files are read in pieces by worker processes: the same records, lines and errors as a whole read."""

from __future__ import annotations

import pytest

from kg.curated import yaml_records
from kg.curated.yaml_records import Reading, YamlSyntaxError, pieces, read_text
from tests.conftest import ROOT

CURATED = sorted((ROOT / "data" / "curated").rglob("*.yaml"))


@pytest.fixture
def always_parallel(monkeypatch):
    monkeypatch.setattr(yaml_records, "PARALLEL_BYTES", 0)


def test_pieces_cover_every_record_once():
    for path in CURATED:
        text = path.read_text(encoding="utf-8")
        cut = pieces(text, 8)
        if cut is None:
            continue
        assert sum(records for _, _, records in cut) == len(read_text(text))
        first = text.index(cut[0][0])
        assert "".join(piece for piece, _, _ in cut) == text[first:]
        assert cut[0][1] == text.count("\n", 0, first) + 1


def test_workers_read_the_real_curated_files_as_a_whole_read_does(always_parallel):
    reading = Reading(CURATED)
    try:
        assert reading.workers, "the files were not handed to worker processes"
        for path in CURATED:
            assert reading.result(path) == read_text(path.read_text(encoding="utf-8")), path.name
    finally:
        reading.close()


def test_an_error_in_one_piece_is_reported_at_its_line_in_the_whole_file(always_parallel, tmp_path):
    lines = []
    for i in range(200):
        lines += [f"- name: M{i}", "  evidence: fine"]
    lines[301] = '  evidence: "unterminated'
    path = tmp_path / "big.yaml"
    path.write_text("\n".join(lines) + "\n")
    reading = Reading([path])
    try:
        with pytest.raises(YamlSyntaxError) as err:
            reading.result(path)
    finally:
        reading.close()
    with pytest.raises(YamlSyntaxError) as whole:
        read_text(path.read_text())
    assert err.value.line == whole.value.line and err.value.problem == whole.value.problem


def test_a_file_with_anchors_is_read_whole(tmp_path):
    text = "- name: A\n  families: &f [cnn]\n- name: B\n  families: *f\n"
    assert pieces(text, 4) is None
    assert read_text(text)[1] == (3, {"name": "B", "families": ["cnn"]})
