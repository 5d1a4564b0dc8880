"""Exports are replaced as a whole: a build killed at the swap leaves every old export or every new one."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kg.export.staging import Staging, exchange
from kg.pipeline import build_and_export
from tests.conftest import ROOT

# A build in a child process, with the swap wrapped so that it stops (and says so) at a chosen point.
CHILD = """
import os, sys, time
from pathlib import Path
import kg.export.staging as st
from kg.paths import Layout
from kg.pipeline import build_and_export
point = sys.argv[1]
real_exchange, real_rename = st.exchange, os.rename
def pause(where):
    if where == point:
        print(point, flush=True)
        time.sleep(60)
def wrapped_exchange(a, b):
    pause("before-exchange")
    ok = real_exchange(a, b) if point != "between-renames" else False
    pause("after-exchange")
    return ok
def wrapped_rename(a, b, *args, **kwargs):
    real_rename(a, b, *args, **kwargs)
    if Path(a).name == "exports":
        pause("between-renames")
st.exchange = wrapped_exchange
st.os.rename = wrapped_rename
root = Path(sys.argv[2])
build_and_export(Layout.default(root=root, out=root / "exports"), html=False)
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def two_sets(project):
    """The project built once (the old set), and its inputs changed so the next build differs everywhere it can."""
    build_and_export(project, html=False)
    (project.out / "NOTES.txt").write_text("kept: a build owns only its own files\n")
    before = _files(project.out)
    (project.sources / "new.md").write_text('- "A Paper Only The New Build Saw", ICML, 2024.\n')
    return project, before


@pytest.mark.parametrize("point, expect", [("before-exchange", "old"), ("after-exchange", "new"), ("between-renames", "old")])
def test_a_build_killed_at_the_swap_leaves_one_whole_set(two_sets, point, expect):
    project, before = two_sets
    if point != "between-renames" and not exchange(project.out, project.out):
        pytest.skip("no atomic directory exchange on this system")
    proc = subprocess.Popen([sys.executable, "-c", CHILD, point, str(project.out.parent)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == point
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    Staging(project.out).discard()  # what the next build does first: put a set aside by the fallback back, drop stale folders
    after = _files(project.out)
    assert after["NOTES.txt"] == before["NOTES.txt"]
    if expect == "old":
        assert after == before
    else:
        assert set(after) == set(before) and after != before
        assert b"A Paper Only The New Build Saw" in after["qkg.nt"] and b"A Paper Only The New Build Saw" in after["tables/papers.csv"]
    leftovers = [p.name for p in project.out.parent.iterdir() if p.name.startswith(".exports.")]
    assert leftovers == []


def test_exchange_swaps_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not exchange(a, b):
        pytest.skip("no atomic directory exchange on this system")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
