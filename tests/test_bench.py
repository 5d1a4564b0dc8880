"""The benchmark's synthetic inputs: they build, and the bindings it times the parameterised queries with have answers."""

from __future__ import annotations

from bench.generate import generate
from bench.runner import REPO, bound_library
from kg.builder import build_and_export
from kg.paths import Layout
from kg.query import open_engine


def test_synthetic_inputs_build_and_every_bound_query_has_answers(tmp_path):
    inputs, out = tmp_path / "inputs", tmp_path / "out"
    counts = generate(1000, inputs)
    layout = Layout(sources=inputs / "sources", curated=inputs / "curated", ontology=REPO / "ontology", out=out)
    build_and_export(layout, html=False)
    engine = open_engine("oxigraph", out / "qkg.trig")
    empty = [q.name for q, params in bound_library(inputs / "query-params.json") if not engine.run(q.text, params).rows]
    assert empty == [], "a query timed on an empty answer measures nothing"
    unverified = engine.run('SELECT ?paper WHERE { ?paper a qkg:Paper ; qkg:role "unverified" }').rows
    assert len(unverified) == counts["unverified"] > 0
