"""The benchmark's synthetic inputs: they build, the bindings it times the parameterised queries with
have answers, and its least-work queries answer the same questions as the library."""

from __future__ import annotations

import pytest

from bench.generate import generate
from bench.least_work import LEAST_WORK
from bench.runner import REPO, bound_library
from kg.paths import Layout
from kg.pipeline import build_and_export
from kg.sparql.query import open_engine


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """1k synthetic papers, built: (generator counts, inputs folder, Oxigraph engine on the build)."""
    root = tmp_path_factory.mktemp("bench")
    inputs, out = root / "inputs", root / "out"
    counts = generate(1000, inputs)
    layout = Layout(sources=inputs / "sources", curated=inputs / "curated", ontology=REPO / "ontology", out=out)
    build_and_export(layout, html=False)
    return counts, inputs, open_engine("oxigraph", out / "qkg.trig")


def test_synthetic_inputs_build_and_every_bound_query_has_answers(synthetic):
    counts, inputs, engine = synthetic
    empty = [q.name for q, params in bound_library(inputs / "query-params.json") if not engine.run(q.text, params).rows]
    assert empty == [], "a query timed on an empty answer measures nothing"
    unverified = engine.run('SELECT ?paper WHERE { ?paper a qkg:Paper ; qkg:role "unverified" }').rows
    assert len(unverified) == counts["unverified"] > 0


def test_least_work_queries_return_the_rows_of_their_library_queries(synthetic):
    """A least-work query measures its question only if it returns the same rows: as many of them."""
    _, inputs, engine = synthetic
    bound = {q.name: (q, params) for q, params in bound_library(inputs / "query-params.json")}
    assert set(LEAST_WORK) <= set(bound)
    for name, text in LEAST_WORK.items():
        q, params = bound[name]
        assert len(engine.run(text, params).rows) == len(engine.run(q.text, params).rows) > 0, name
