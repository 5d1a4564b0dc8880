"""SHACL: the graph conforms; the compiled engine and pyshacl find the same violations."""

from __future__ import annotations

import pytest

from kg.graph.validate import compile_shapes, validate_file, validate_pyshacl, validate_subjects
from tests.conftest import ROOT

SHAPES = ROOT / "ontology" / "shapes.ttl"
Q = "https://w3id.org/qkg/ontology#"
R = "https://w3id.org/qkg/resource/"


def test_the_real_graph_conforms(built):
    build, out = built
    report = validate_subjects(build.dataset.by_subject, SHAPES)
    assert report.violations == []
    assert validate_pyshacl(out / "qkg.ttl", SHAPES).violations == []


def test_every_shape_constraint_compiles():
    shapes = compile_shapes(SHAPES)
    constraints = [c for shape in shapes for c in (*shape.properties, *shape.sparql)]
    import rdflib
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    declared = rdflib.Graph().parse(SHAPES)
    assert len(constraints) == len(list(declared.objects(None, sh.property))) + len(list(declared.objects(None, sh.sparql)))
    messages = {c.message for c in constraints}
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
    fast = validate_file(data, SHAPES)
    reference = validate_pyshacl(data, SHAPES)
    assert fast.violations, case
    assert {(r.focus, r.message) for r in fast.violations} == {(r.focus, r.message) for r in reference.violations}
