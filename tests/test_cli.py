"""The command line end to end (click's CliRunner and a real subprocess): output, exit codes, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner

from kg.cli import main
from tests.conftest import ROOT


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_build_writes_every_export_and_a_summary(project):
    result = invoke("build", "--out", project.out, "--sources", project.sources, "--curated", project.curated)
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    for word in ("papers", "methods", "extends", "compares", "appliesTo", "conflicts", "triples", " s -> "):
        assert word in line
    for name in ("qkg.ttl", "qkg.nt", "qkg.jsonld", "qkg.trig", "reports/conflicts.json", "reports/conflicts.md"):
        assert (project.out / name).stat().st_size > 0


def test_python_dash_m_kg_works():
    done = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "build" in done.stdout


def test_broken_yaml_gives_one_line_and_keeps_previous_exports(project):
    assert invoke("build", "--out", project.out, "--curated", project.curated, "--sources", project.sources).exit_code == 0
    before = (project.out / "qkg.ttl").read_bytes()
    (project.curated / "relations" / "zz.yaml").write_text("- method: QDrop\n  extends: [BRECQ\n")
    result = CliRunner().invoke(main, ["build", "--out", str(project.out), "--curated", str(project.curated),
                                       "--sources", str(project.sources)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("qkg: error: curated/relations/zz.yaml:")
    assert (project.out / "qkg.ttl").read_bytes() == before
    assert not [p for p in project.out.iterdir() if p.name.startswith(".staging-")]


def test_unknown_option_is_a_usage_error():
    result = CliRunner().invoke(main, ["build", "--colour", "red"])
    assert result.exit_code == 2 and "No such option" in result.output


def test_missing_sources_folder_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "o"), "--sources", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.output.strip().startswith("qkg: error: no such file or folder:") and result.output.count("\n") == 1


def test_unwritable_output_folder_is_one_line(tmp_path):
    if os.geteuid() == 0:
        out = "/sys/qkg-exports"  # sysfs refuses new folders even to root, as CI runs
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        out = str(ro / "exports")
    result = CliRunner().invoke(main, ["build", "--out", out])
    assert result.exit_code == 1
    assert result.output == f"qkg: error: cannot write {out}: permission denied\n"


def test_output_path_that_is_a_file_is_refused(tmp_path):
    out = tmp_path / "file"
    out.write_text("not a folder")
    result = CliRunner().invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 2 and "is a file" in result.output


def test_output_path_below_a_file_is_one_line(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "file" / "exports")])
    assert result.exit_code == 1 and result.output == f"qkg: error: Not a directory: {tmp_path / 'file' / 'exports'}\n"
