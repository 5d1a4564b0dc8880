"""SHACL: the graph conforms; the compiled engine and pyshacl find the same violations."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.export import load_store
from kg.validate import compile_shapes, validate_pyshacl, validate_store
from tests.conftest import ROOT

SHAPES = ROOT / "ontology" / "shapes.ttl"
Q = "https://w3id.org/qkg/ontology#"
R = "https://w3id.org/qkg/resource/"


def test_the_real_graph_conforms(built):
    build, out = built
    report = validate_store(load_store(build), SHAPES)
    assert report.violations == []
    assert validate_pyshacl(out / "qkg.ttl", SHAPES).violations == []


def test_every_shape_constraint_compiles():
    checks = compile_shapes(SHAPES)
    assert len(checks) > 40
    messages = {c.message for c in checks}
    assert "qkg:extends must be acyclic" in messages and "every relation has evidence" in messages


BROKEN = {
    "self-loop": f"<{R}method/qdrop> <{Q}extends> <{R}method/qdrop> .",
    "forward in time": f"<{R}method/qdrop> <{Q}extends> <{R}method/x-new> .\n<{R}method/x-new> a <{Q}Method> ; "
                       f"<http://www.w3.org/2000/01/rdf-schema#label> \"X\" ; <{Q}introducedIn> <{R}paper/new> .\n"
                       f"<{R}paper/new> a <{Q}Paper> ; <http://purl.org/spar/fabio/hasPublicationYear> \"2030\"^^<http://www.w3.org/2001/XMLSchema#gYear> .",
    "dangling end": f"<{R}method/qdrop> <{Q}compares> <{R}method/nowhere> .",
    "edge without evidence": f"<{R}method/gptq> <{Q}compares> <{R}method/qdrop> .",
    "two titles": f"<{R}paper/arxiv-2203.05740> <http://purl.org/dc/terms/title> \"Another title\" .",
    "bad role": f"<{R}paper/arxiv-2203.05740> <{Q}role> \"poster\" .",
    "bad arxiv": f"<{R}paper/arxiv-2203.05740> <{Q}arxivId> \"2203.05740v2\" .",
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_both_engines_find_the_same_violations(built, tmp_path, case):
    build, out = built
    data = tmp_path / "broken.ttl"
    data.write_bytes((out / "qkg.ttl").read_bytes() + b"\n" + BROKEN[case].encode() + b"\n")
    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.TURTLE)
    fast = validate_store(store, SHAPES)
    reference = validate_pyshacl(data, SHAPES)
    assert fast.violations, case
    assert {(r.focus, r.message) for r in fast.violations} == {(r.focus, r.message) for r in reference.violations}
