"""Name rules derive extends edges; lineages the field knows are complete."""

from __future__ import annotations

import pytest

from kg.methods.relations import newer
from kg.methods.rules import derive
from kg.resolve.paper import arxiv_month


@pytest.mark.parametrize("name, known, expected", [
    ("HAWQ-V2", {"HAWQ"}, ("version-suffix", "HAWQ")),
    ("HAWQ-V3", {"HAWQ", "HAWQ-V2"}, ("version-suffix", "HAWQ-V2")),
    ("HAWQ-V3", {"HAWQ"}, ("version-suffix", "HAWQ")),
    ("ZeroQuant-V2", {"ZeroQuant"}, ("version-suffix", "ZeroQuant")),
    ("LSQ+", {"LSQ"}, ("plus-suffix", "LSQ")),
    ("Outlier Suppression+", {"Outlier Suppression"}, ("plus-suffix", "Outlier Suppression")),
    ("QuIP#", {"QuIP"}, ("sharp-suffix", "QuIP")),
    ("BitNet b1.58", {"BitNet"}, ("bit-width-suffix", "BitNet")),
    ("LSQ+", set(), None),
    ("HAWQ", {"HAWQ"}, None),
    ("Bi-Real Net", {"Bi"}, None),
])
def test_name_rules(name, known, expected):
    keys = {k.lower() for k in known}
    found = derive(name, lambda n: n.lower() in keys)
    assert (None if found is None else (found[0].name, found[1])) == expected


@pytest.fixture(scope="module")
def edges(built):
    build, _ = built
    return {(e.source.name, e.kind, e.target.name): e for e in build.edges}


@pytest.mark.parametrize("chain", [
    ["QDrop", "BRECQ", "AdaRound"],
    ["LSQ+", "LSQ"],
    ["HAWQ-V3", "HAWQ-V2", "HAWQ"],
    ["QuIP#", "QuIP"],
    ["ReActNet", "Bi-Real Net", "XNOR-Net"],
    ["SpinQuant", "QuaRot"],
])
def test_well_known_lineages_are_complete(edges, chain):
    for later, earlier in zip(chain, chain[1:]):
        assert (later, "extends", earlier) in edges, f"{later} extends {earlier} is missing"


def test_rule_edges_name_their_rule_and_curated_edges_their_record(edges):
    assert edges[("LSQ+", "extends", "LSQ")].rule.name == "plus-suffix"
    assert edges[("QDrop", "extends", "BRECQ")].curated.file == "curated/relations/cnn-ptq.yaml"
    assert all(e.evidence for e in edges.values())


def test_extends_points_back_in_time_and_has_no_self_loops(edges):
    for (src, kind, dst), e in edges.items():
        assert src != dst
        if kind == "extends":
            assert not newer(e.target, e.source), f"{src} extends the newer {dst}"


@pytest.mark.parametrize("arxiv, month", [
    ("2210.17323", "2022-10"), ("1712.05877", "2017-12"), ("0704.0001", "2007-04"), ("hep-th/9901001", "1999-01"),
    ("cs/0112017", "2001-12"), ("math.GT/0309136", "2003-09"), ("2213.00001", None), ("not-an-id", None),
])
def test_first_appearance_is_read_from_the_arxiv_id(arxiv, month):
    assert arxiv_month(arxiv) == month


def test_first_appearance_orders_methods_whose_venue_years_mislead(built):
    build, out = built
    by_name = {m.name: m for m in build.methods}
    spin, ost = by_name["SpinQuant"], by_name["OstQuant"]
    assert spin.first_appeared == "2024-05"
    assert sorted([ost, spin], key=lambda m: m.when)[0] is spin
    nt = (out / "qkg.nt").read_text()
    assert '<http://www.w3.org/2001/XMLSchema#gYearMonth>' in nt and '"2024-05"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>' in nt


def test_an_extends_edge_to_a_later_arxiv_month_is_refused(project):
    from kg.methods.catalog import MethodError
    from kg.pipeline import run

    path = project.curated / "relations" / "llm.yaml"
    path.write_text(path.read_text() + '\n- method: QuaRot\n  extends: SpinQuant\n  evidence: "wrong way round"\n')
    with pytest.raises(MethodError, match=r"SpinQuant \(arXiv 2024-05\) is newer than QuaRot \(arXiv 2024-0[1-4]\)"):
        run(project)
