"""Technique uses: every curated record becomes a qkg:usesTechnique triple with a qualified node carrying its evidence."""

from __future__ import annotations

import pyoxigraph as ox

from kg import iri
from kg.curated import load as cm
from tests.conftest import ROOT

Q = iri.ONTOLOGY
SKOS = "http://www.w3.org/2004/02/skos/core#"


def _store(out):
    store = ox.Store()
    store.bulk_load(path=str(out / "qkg.trig"), format=ox.RdfFormat.TRIG)
    return store


def _rows(store, query):
    return [tuple(None if v is None else v.value for v in row) for row in store.query(query, use_default_graph_as_union=True,
                                                                                      prefixes=iri.PREFIXES)]


def test_every_curated_technique_use_is_in_the_graph_with_its_evidence(built):
    build, out = built
    curated = cm.load(ROOT / "data" / "curated")
    store = _store(out)
    found = set(_rows(store, """SELECT ?label ?t ?evidence WHERE {
        ?u a qkg:TechniqueUse ; qkg:usingMethod/rdfs:label ?label ; qkg:technique ?t ; qkg:evidence ?evidence .
        ?m rdfs:label ?label ; qkg:usesTechnique ?t . ?t a qkg:Technique }"""))
    assert len(found) == len(curated.techniques) == len(build.techniques)
    expected = {(u.method.name, iri.concept("technique", u.technique), u.evidence) for u in build.techniques}
    assert found == expected


def test_techniques_are_a_skos_scheme_that_queries_can_walk(built):
    _, out = built
    store = _store(out)
    narrower = _rows(store, "SELECT ?c WHERE { ?c skos:broader qkgt:mixed-precision-search }")
    assert (iri.concept("technique", "hessian-sensitivity"),) in narrower
    labels = _rows(store, "SELECT ?l WHERE { qkgt:rotation skos:prefLabel ?l }")
    assert labels == [("Rotation and incoherence processing",)]


def test_build_report_shows_coverage_per_category(built):
    _, out = built
    text = (out / "reports" / "build-report.md").read_text(encoding="utf-8")
    assert "| category | methods | with extends | with compares | with hardware | with techniques |" in text
    assert "### Methods since 2017 without lineage (no extends edge either way)" in text
