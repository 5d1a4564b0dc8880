"""`qkg query` and the exports on hostile input (issues #17, #18.5): one line for bad queries and parameters,
no control sequence on the terminal, no formula in a spreadsheet, well-formed XML whatever the titles hold."""

from __future__ import annotations

import csv
import subprocess
import sys
from xml.dom import minidom

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export.safe_text import csv_cell, terminal_safe, xml_clean
from kg.pipeline import build_and_export
from kg.sparql.query import QueryError, library, open_engine, resolve_query
from tests.conftest import FIXTURES, ROOT

MINI = str(FIXTURES / "mini.trig")
HOSTILE = '- "=cmd|calc A Paper \x01About \x1b[31mRounding\x07 Things", ICML, 2021. [[paper](https://arxiv.org/abs/2101.00001)]\n'


def cli(*args: str):
    return CliRunner().invoke(main, ["query", *args])


def test_an_unknown_parameter_is_refused_naming_the_query_parameters():
    result = cli("--name", "lineage", "--param", "nme=GPTQ", "--graph", MINI)
    assert result.exit_code == 1 and result.output == "qkg: error: unknown parameter 'nme': this query takes name\n"
    result = cli("--name", "shortest-path", "--param", "form=AdaRound", "--graph", MINI)
    assert result.output == "qkg: error: unknown parameter 'form': this query takes from, to\n"


@pytest.fixture(scope="module")
def real(built):
    _, out = built
    return open_engine("oxigraph", out / "qkg.trig")


@pytest.mark.parametrize("name", ["gptq", "OPTQ", "optq", " GPTQ "])
def test_method_names_match_in_any_case_and_by_alias(real, name):
    q = library()["lineage"]
    exact = real.run(q.text, {"name": "GPTQ"}).rows
    assert exact and real.run(q.text, {"name": name}).rows == exact


def test_an_unknown_method_name_says_so(real):
    with pytest.raises(QueryError, match="no method is named 'Nonexistent-Method'"):
        real.run(library()["lineage"].text, {"name": "Nonexistent-Method"})


def test_shortest_path_names_the_path(real):
    q = library()["shortest-path"]
    (row,) = real.run(q.text, {"from": "AdaRound", "to": "GPTQ"}).rows
    hops = int(row["hops"].value)
    names = row["path"].value.split(" → ")
    assert names[0] == "AdaRound" and names[-1] == "GPTQ" and len(names) == hops + 1


@pytest.mark.parametrize("length", [256, 280, 299, 400])
def test_inline_queries_of_any_length(length):
    head = "SELECT ?l WHERE { ?m rdfs:label ?l } LIMIT 1 #"
    text = head + "x" * (length - len(head))
    assert resolve_query(text, None) == (text, {})
    result = cli(text, "--graph", MINI)
    assert result.exit_code == 0, result.output


def test_an_undeclared_prefix_is_one_line():
    result = cli("SELECT ?x WHERE { ?x foo:bar ?y }", "--graph", MINI)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "undeclared prefix 'foo:'" in result.output and "u{" not in result.output


@pytest.mark.parametrize("text, message", [
    ("SELECT * WHERE { FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }", "over the limit of 100,000"),
    ("SELECT * WHERE { FILTER(" + "(" * 1000 + "1" + ")" * 1000 + ") }", "nested more than 128 deep"),
])
def test_a_deep_query_file_is_one_line_and_a_non_zero_exit(tmp_path, text, message):
    deep = tmp_path / "deep.rq"
    deep.write_text(text)
    run = subprocess.run([sys.executable, "-m", "kg", "query", str(deep), "--graph", MINI], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 1 and run.stderr.count("\n") == 1 and message in run.stderr


def test_a_long_operator_chain_within_the_limits_does_not_crash(tmp_path):
    chain = tmp_path / "chain.rq"
    chain.write_text("ASK { FILTER(" + "!" * 90_000 + "true) }")  # overflowed an 8 MB stack (exit 139)
    run = subprocess.run([sys.executable, "-m", "kg", "query", str(chain), "--graph", MINI], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "yes"


def test_service_is_refused_by_qkg_query_unless_allowed():
    q = "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    result = cli(q, "--graph", MINI)
    assert result.exit_code == 1 and "query refused: SERVICE http://127.0.0.1:9/sparql" in result.output
    assert cli(q, "--graph", MINI, "--allow-service", "http://127.0.0.1:9/sparql").exit_code == 0


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A graph whose titles hold a formula, control characters and a terminal escape sequence."""
    trig = tmp_path_factory.mktemp("hostile") / "h.trig"
    trig.write_text('<https://w3id.org/qkg/resource/paper/x> <http://purl.org/dc/terms/title> '
                    '"=HYPERLINK(\\"http://evil\\") \\u001B[31mred\\u0007 \\u0001title" .\n'
                    '<https://w3id.org/qkg/resource/paper/x> <https://w3id.org/qkg/ontology#n> "-1.5" .\n')
    return str(trig)


def test_terminal_output_carries_no_control_sequence(hostile):
    result = cli("SELECT ?t WHERE { ?p dcterms:title ?t }", "--graph", hostile)
    assert result.exit_code == 0 and "red title" in result.output
    assert not any(ord(c) < 32 and c != "\n" for c in result.output)


def test_csv_cells_are_spreadsheet_safe(hostile):
    result = cli("SELECT ?t ?n WHERE { ?p dcterms:title ?t ; qkg:n ?n }", "--graph", hostile, "--format", "csv")
    (row,) = list(csv.reader(result.output.splitlines()))[1:]
    assert row[0].startswith("'=HYPERLINK") and row[1] == "-1.5"


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
                                             ("-3", "-3"), ("+4.5e3", "+4.5e3"), ("plain", "plain"), (7, 7)])
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def test_sanitisers():
    assert xml_clean("a\x00b\x0bc\ud800d\tok") == ("abcd\tok", 3)
    assert terminal_safe("\x1b]0;title\x07x\x1b[2Jy\x9b1mz\rw") == "xyzw"


def test_exports_stay_well_formed_and_report_what_they_removed(project):
    (project.sources / "hostile.md").write_text(HOSTILE)
    build = build_and_export(project, html=False)
    minidom.parse(str(project.out / "qkg.graphml"))
    # Removed where the list is read, with its line, so that no export receives them.
    assert any("control character(s) removed" in p.message and p.file.endswith("hostile.md") for p in build.parsed.dropped)
    with open(project.out / "tables" / "papers.csv", newline="", encoding="utf-8") as f:
        titles = [row["title"] for row in csv.DictReader(f)]
    assert any(t.startswith("'=cmd|calc") for t in titles) and not any(t.startswith("=") for t in titles)
