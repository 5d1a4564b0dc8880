"""Name rules derive extends edges; lineages the field knows are complete."""

from __future__ import annotations

import pytest

from kg.methods.rules import derive


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
        if kind == "extends" and e.source.year and e.target.year:
            assert e.target.year <= e.source.year
