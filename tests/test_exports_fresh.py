"""The committed exports/ are exactly what `qkg build` writes now: a stale export fails this test."""

from __future__ import annotations

from tests.conftest import ROOT

EXPORTS = ROOT / "exports"


def _files(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and ".staging-" not in p.as_posix()}


def test_committed_exports_match_a_fresh_build(built):
    _, out = built
    fresh, committed = _files(out), _files(EXPORTS)
    assert fresh == committed, "exports/ has missing or extra files: run `qkg build` and commit exports/"
    stale = sorted(rel for rel in fresh if (out / rel).read_bytes() != (EXPORTS / rel).read_bytes())
    assert not stale, f"exports/ is stale ({', '.join(stale[:5])}): run `qkg build` and commit exports/"
