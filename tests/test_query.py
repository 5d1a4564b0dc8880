"""The query library: each query's exact rows on a fixture graph, on both engines; the real graph on both."""

from __future__ import annotations

import pytest

from kg.sparql.query import QueryError, library, open_engine, resolve_query
from kg.sparql.results import render
from tests.conftest import FIXTURES

LIB = library()
MINI = FIXTURES / "mini.trig"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def mini(request):
    return open_engine(request.param, MINI)


def rows(engine, qname, columns, **params):
    q = LIB[qname]
    result = engine.run(q.text, {**q.params, **params})
    return [tuple(None if r[c] is None else r[c].value for c in columns) for r in result.rows]


EXPECTED = {
    "lineage": ({"name": "QDrop"}, ["direction", "label", "year"],
                [("ancestor", "AdaRound", "2020"), ("ancestor", "BRECQ", "2021")]),
    "compared-against": ({"name": "AdaRound"}, ["label", "year"], [("QDrop", "2022"), ("GPTQ", "2023")]),
    "ptq-llm-by-year": ({}, ["year", "label"], [("2023", "GPTQ"), ("2024", "AWQ"), ("2024", "OWQ")]),
    "llm-ptq-extending": ({"name": "GPTQ"}, ["label", "year"], [("OWQ", "2024")]),
    "methods-per-family-category": ({}, ["family", "category", "methods"], [
        ("CNN", "Post-training quantization", "3"), ("LLM", "Post-training quantization", "3"),
        ("Encoder language model", "Post-training quantization", "1"), ("LLM", "Weight-only quantization", "1")]),
    "methods-per-hardware": ({}, ["hardware", "methods"], [("GPU", "2")]),
    "extended-and-compared": ({}, ["label", "comparedBy"], [("BRECQ", "1")]),
    "papers-in-several-lists": ({}, ["title", "lists"], [("AdaRound paper", "2"), ("GPTQ paper", "2")]),
    "papers-in-one-list": ({}, ["title", "list"], [("BRECQ paper", "a.md"), ("Fake survey", "a.md"), ("OWQ paper", "a.md"),
                                                   ("AWQ paper", "b.md"), ("QDrop paper", "b.md")]),
    "conflicts": ({}, ["title", "kind", "status", "value", "list", "line"], [
        ("AdaRound paper", "venue", "resolved", "ICLR", "a.md", "3"), ("AdaRound paper", "venue", "resolved", "ICML", "b.md", "4")]),
    "bit-widths": ({}, ["label", "bits"], [("AWQ", "W4A16"), ("GPTQ", "W3A16"), ("GPTQ", "W4A16"), ("QDrop", "W2A2"), ("QDrop", "W4A4"),
                                     ("QuaRot", "W4A4"), ("QuaRot", "W4A4KV4"), ("SpinQuant", "W4A4KV4")]),
    "most-extended": ({}, ["label", "extendedBy"], [("AdaRound", "1"), ("BRECQ", "1"), ("GPTQ", "1")]),
    "transformer-work": ({}, ["label", "family"], [("AWQ", "LLM"), ("GPTQ", "LLM"), ("OWQ", "LLM"), ("QDrop", "Encoder language model"),
                                                      ("QuaRot", "LLM"), ("SpinQuant", "LLM")]),
    "papers-per-venue-year": ({}, ["venue", "year", "papers"], [
        ("AAAI", "2024", "1"), ("ICLR", "2021", "1"), ("ICLR", "2022", "1"), ("ICLR", "2023", "1"), ("ICML", "2020", "1"), ("MLSys", "2024", "1")]),
    "no-incoming-since": ({"since": "2023"}, ["label", "year"], [("QuaRot", None), ("SpinQuant", None), ("QDrop", "2022"), ("OWQ", "2024")]),
    "shortest-path": ({"from": "AdaRound", "to": "OWQ"}, ["hops", "via1", "via2"], [("2", "GPTQ", None)]),
    "unverified-entries": ({}, ["title", "list", "line"], [("Fake survey", "a.md", "9")]),
    "methods-using-rotation": ({}, ["label", "appeared", "evidence"], [
        ("QuaRot", "2024-03", "QuaRot rotates with Hadamard matrices."), ("SpinQuant", None, None)]),
    "techniques-in-llm-w4a4": ({}, ["technique", "uses", "method"], [
        ("Learned rotation", "1", "SpinQuant"), ("Rotation and incoherence processing", "1", "QuaRot"),
        ("Second-order error compensation", "1", "QuaRot")]),
    "methods-by-origin": ({}, ["from", "type", "to", "origin"], [
        ("AWQ", "compares", "GPTQ", "curated/relations/x.yaml:16"), ("BRECQ", "extends", "AdaRound", "curated/relations/x.yaml:1"),
        ("GPTQ", "compares", "AdaRound", "curated/relations/x.yaml:10"), ("GPTQ", "compares", "BRECQ", "curated/relations/x.yaml:13"),
        ("OWQ", "compares", "AWQ", "curated/relations/x.yaml:19"), ("OWQ", "extends", "GPTQ", "rule some-rule"),
        ("QDrop", "compares", "AdaRound", "curated/relations/x.yaml:7"), ("QDrop", "extends", "BRECQ", "curated/relations/x.yaml:4")]),
}


def test_library_has_at_least_15_questions_each_with_title_and_question():
    assert len(LIB) >= 15
    assert set(EXPECTED) == set(LIB), "every library query has its exact rows tested"
    for q in LIB.values():
        assert q.title and q.question.endswith("?") or q.question.endswith(".")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_library_query_exact_rows(mini, name):
    params, columns, expected = EXPECTED[name]
    assert rows(mini, name, columns, **params) == expected


def test_shortest_path_prefers_direct_edges(mini):
    assert rows(mini, "shortest-path", ["hops", "via1"], **{"from": "QDrop", "to": "BRECQ"}) == [("1", None)]


@pytest.fixture(scope="module")
def real_engines(built):
    _, out = built
    return open_engine("oxigraph", out / "qkg.trig"), open_engine("rdflib", out / "qkg.trig")


@pytest.mark.parametrize("name", sorted(LIB))
def test_both_engines_give_the_same_rows_on_the_real_graph(real_engines, name):
    oxi, rdf = real_engines
    q = LIB[name]
    a, b = oxi.run(q.text, q.params), rdf.run(q.text, q.params)
    assert a.variables == b.variables
    assert a.rows == b.rows


def test_shortest_path_agrees_with_networkx_on_the_real_graph(real_engines):
    """Hop counts from three well-connected methods to every method, and the vias form a path."""
    import networkx as nx

    oxi, _ = real_engines
    edges = oxi.run("SELECT ?x ?y WHERE { ?a qkg:extends|qkg:compares ?b . ?a rdfs:label ?x . ?b rdfs:label ?y }").rows
    graph = nx.Graph((r["x"].value, r["y"].value) for r in edges)
    for start in ("AdaRound", "GPTQ", "QDrop"):
        lengths = nx.single_source_shortest_path_length(graph, start, cutoff=3)
        for end in sorted(graph):
            answer = rows(oxi, "shortest-path", ["hops", "via1", "via2"], **{"from": start, "to": end})
            if end not in lengths or end == start:
                assert answer == [] or end == start, (start, end, answer)
                continue
            ((hops, *vias),) = answer
            assert int(hops) == lengths[end], (start, end, answer)
            path = [start, *[v for v in vias if v is not None], end]
            assert all(graph.has_edge(u, v) for u, v in zip(path, path[1:])), (start, end, answer)


def test_real_graph_answers_the_readme_question(real_engines):
    oxi, _ = real_engines
    labels = [r[0] for r in rows(oxi, "llm-ptq-extending", ["label"], name="GPTQ")]
    assert "OWQ" in labels


@pytest.mark.parametrize("text, position", [
    ("SELECT ?x WHERE { ?x ?y }", "line 1, column 26"),
    ("SELECT ?x\nWHERE {\n  ?x ?y ?z .\n  FILTER(\n}", "line 5, column 2"),
])
def test_syntax_errors_name_line_and_column(mini, text, position):
    with pytest.raises(QueryError, match=r"^SPARQL syntax error at line \d+, column \d+: ") as err:
        mini.run(text)
    if mini.name == "oxigraph":  # the default engine; rdflib's parser reports where its grammar gave up
        assert position in str(err.value)


@pytest.mark.parametrize("text", ["INSERT DATA { <a:b> <a:c> <a:d> }", "PREFIX x: <a:>\nDELETE WHERE { ?s ?p ?o }",
                                  "# comment\nCLEAR ALL", "LOAD <http://example.org/x>"])
def test_updates_are_refused(mini, text):
    with pytest.raises(QueryError, match="SPARQL Update is not allowed"):
        mini.run(text)


def test_formats(mini):
    q = LIB["most-extended"]
    result = mini.run(q.text)
    assert render(result, "csv").splitlines()[:2] == ["label,extendedBy,method", "AdaRound,1,https://w3id.org/qkg/resource/method/adaround"]
    assert render(result, "tsv").splitlines()[1] == '"AdaRound"\t"1"^^<http://www.w3.org/2001/XMLSchema#integer>\t<https://w3id.org/qkg/resource/method/adaround>'
    import json
    data = json.loads(render(result, "json"))
    assert data["head"]["vars"] == ["label", "extendedBy", "method"]
    assert data["results"]["bindings"][0]["extendedBy"] == {"type": "literal", "value": "1",
                                                            "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    assert "(3 rows)" in render(result, "table")
    graph = mini.run("CONSTRUCT { ?m a <https://w3id.org/qkg/ontology#Method> } WHERE { ?m <https://w3id.org/qkg/ontology#extends> ?x }")
    assert "qkgm:brecq a qkg:Method ." in render(graph, "table")


def test_resolve_query_sources(tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK { ?s ?p ?o }")
    assert resolve_query(str(f), None)[0] == "ASK { ?s ?p ?o }"
    assert resolve_query(None, "lineage")[1] == {"name": "QDrop"}
    with pytest.raises(QueryError, match="did you mean lineage"):
        resolve_query(None, "linage")
