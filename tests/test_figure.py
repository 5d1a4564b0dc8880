"""`qkg figure`: Graphviz lineage and taxonomy figures, parsed back as SVG, DOT and TikZ; same bytes twice."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from kg.cli import main

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (.ci/run installs it)")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def figure(built, tmp_path_factory):
    """Run `qkg figure ARGS... --out FILE` against the built graph; returns the file's bytes."""
    _, out = built
    folder = tmp_path_factory.mktemp("figures")

    def run(*args: str, name: str = "fig") -> bytes:
        target = folder / name
        result = CliRunner().invoke(main, ["figure", *args, "--graph", str(out / "qkg.trig"), "--out", str(target)])
        assert result.exit_code == 0, result.output
        return target.read_bytes()
    return run


def _svg_nodes(data: bytes) -> dict[str, float]:
    """method label -> x of its box centre, from dot's SVG."""
    out = {}
    for g in ET.fromstring(data).iter(f"{SVG}g"):
        if g.get("class") == "node" and g.find(f"{SVG}title").text.startswith("m"):
            texts = [t for t in g.iter(f"{SVG}text")]
            out[texts[0].text] = float(texts[0].get("x"))
    return out


@needs_dot
def test_svg_lineage_runs_left_to_right_in_time_with_names_and_dates(figure, built):
    build, _ = built
    data = figure("SpinQuant", "--format", "svg", name="spin.svg")
    nodes = _svg_nodes(data)
    assert {"SpinQuant", "QuaRot"} <= set(nodes) and nodes["QuaRot"] < nodes["SpinQuant"]
    texts = [t.text for t in ET.fromstring(data).iter(f"{SVG}text")]
    assert "2024-05" in texts and "2024-04" in texts  # first appearances, not venue years
    edges = [g for g in ET.fromstring(data).iter(f"{SVG}g") if g.get("class") == "edge"]
    expected = {(e.source.name, e.target.name) for e in build.edges if e.kind == "extends" and e.source.name in nodes and e.target.name in nodes}
    assert len(edges) == len(expected) >= 1
    gptq = _svg_nodes(figure("GPTQ", "--format", "svg", "--compares", name="gptq.svg"))
    compared_by = {e.source.name for e in build.edges if e.kind == "compares" and e.target.name == "GPTQ"}
    assert compared_by <= set(gptq)
    assert all(gptq[n] > gptq["GPTQ"] for n in compared_by if n in ("SpinQuant", "AWQ", "QuIP"))


@needs_dot
def test_depth_limits_the_lineage(figure):
    full = _svg_nodes(figure("AdaRound", "--format", "svg", name="ada-all.svg"))
    near = _svg_nodes(figure("AdaRound", "--format", "svg", "--depth", "1", name="ada-1.svg"))
    assert "QDrop" in full and "BRECQ" in near and "QDrop" not in near  # QDrop extends BRECQ extends AdaRound


@needs_dot
def test_dot_output_parses_with_graphviz(figure):
    data = figure("GPTQ", "--format", "dot", "--compares", name="gptq.dot")
    canon = subprocess.run(["dot", "-Tcanon"], input=data, capture_output=True, check=True).stdout.decode()
    assert "rankdir=LR" in canon and "GPTQ" in canon
    assert canon.count("->") == data.decode().count("->")


@needs_dot
def _extends_lineage(build, name: str) -> tuple[set[str], int]:
    """The method, every ancestor and descendant along extends, and how many extends edges join them."""
    ext = [(e.source.name, e.target.name) for e in build.edges if e.kind == "extends"]
    found, todo = {name}, [name]
    for forward in (True, False):
        todo = [name]
        while todo:
            here = todo.pop()
            for a, b in ext:
                there = b if forward and a == here else a if not forward and b == here else None
                if there and there not in found:
                    found.add(there)
                    todo.append(there)
    return found, sum(a in found and b in found for a, b in ext)


def test_tikz_output_is_a_complete_picture(figure, built):
    data = figure("QDrop", "--format", "tikz", name="qdrop.tex").decode()
    body = data[data.index("\\begin{tikzpicture}"):]
    assert body.rstrip().endswith("\\end{tikzpicture}")
    depth = 0
    for ch in re.sub(r"\\[{}]", "", body):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    names = re.findall(r"\\node\[draw=[^\]]*\] \(m\d+\) at \([-\d.]+,[-\d.]+\) \{(?:\\textbf\{)?([^}\\]+)", body)
    lineage, edges = _extends_lineage(built[0], "QDrop")
    assert "BRECQ" in lineage and "AdaRound" in lineage
    assert sorted(names) == sorted(lineage)
    assert len(re.findall(r"\\draw\[", body)) == edges
    for colour in re.findall(r"draw=(qkg[0-9A-F]{6})", body):
        assert f"\\definecolor{{{colour}}}{{HTML}}" in data


@needs_dot
@pytest.mark.parametrize("fmt", ["svg", "pdf", "png", "dot", "tikz"])
def test_the_same_figure_twice_gives_the_same_bytes(figure, fmt):
    first = figure("GPTQ", "--format", fmt, "--compares", name=f"a.{fmt}")
    assert first and first == figure("GPTQ", "--format", fmt, "--compares", name=f"b.{fmt}")
    if fmt == "pdf":
        assert first.startswith(b"%PDF")
    if fmt == "png":
        assert first.startswith(b"\x89PNG")


@needs_dot
def test_family_and_category_taxonomy_figures(figure, built):
    build, _ = built
    llm = _svg_nodes(figure("--family", "llm", "--format", "svg", name="llm.svg"))
    assert {"GPTQ", "SpinQuant", "AWQ"} <= set(llm) and "AdaRound" not in llm
    ptq = _svg_nodes(figure("--category", "ptq", "--format", "svg", name="ptq.svg"))
    assert {m.name for m in build.methods if "ptq" in m.categories} == set(ptq)


@pytest.mark.parametrize("args, message", [
    (["GPTQx"], "no method named 'GPTQx'"),
    (["--family", "llms"], "no family 'llms' (known:"),
    (["--category", "nope"], "no category 'nope'"),
    ([], "name one METHOD, or --family, or --category"),
    (["GPTQ", "--family", "llm"], "name one METHOD"),
])
def test_figure_errors_are_one_line(built, args, message):
    _, out = built
    result = CliRunner().invoke(main, ["figure", *args, "--graph", str(out / "qkg.trig"), "--format", "dot"])
    assert result.exit_code == 1 and message in result.output and result.output.count("\n") == 1, result.output


def test_method_names_match_any_case_and_aliases(built):
    _, out = built
    result = CliRunner().invoke(main, ["figure", "optq", "--graph", str(out / "qkg.trig"), "--format", "dot"])
    assert result.exit_code == 0 and "<b>GPTQ</b>" in result.output
