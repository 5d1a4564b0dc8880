"""Linked data on `qkg serve` (issue #20): the graph's IRIs under /resource/…, by Accept; the ontology and VoID."""

from __future__ import annotations

import json
import shutil

import pytest
import rdflib

from tests.test_serve import Server

GPTQ = "https://w3id.org/qkg/resource/method/gptq"
LABEL = rdflib.RDFS.label


@pytest.fixture(scope="module")
def served(built, tmp_path_factory):
    """A server over a copy of the exports with one method page, as the views write them."""
    _, out = built
    root = tmp_path_factory.mktemp("served")
    shutil.copy(out / "qkg.trig", root / "qkg.trig")
    shutil.copy(out / "void.ttl", root / "void.ttl")
    shutil.copytree(out / "ontology", root / "ontology")
    (root / "html" / "method").mkdir(parents=True)
    (root / "html" / "method" / "gptq.html").write_text("<!DOCTYPE html><title>GPTQ</title><p>the method page</p>")
    s = Server(root / "qkg.trig", 5.0, 1000)
    yield s
    s.stop()


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")])
def test_a_resource_gives_its_triples_by_accept(served, accept, fmt):
    status, headers, body = served.get("/resource/method/gptq", {"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept)
    graph = rdflib.Graph().parse(data=body.decode(), format=fmt)
    assert (rdflib.URIRef(GPTQ), LABEL, rdflib.Literal("GPTQ")) in graph
    assert (rdflib.URIRef("https://w3id.org/qkg/resource/method/owq"), rdflib.URIRef("https://w3id.org/qkg/ontology#extends"),
            rdflib.URIRef(GPTQ)) in graph  # what points at it, too


def test_html_is_the_method_page_when_there_is_one(served):
    status, headers, body = served.get("/resource/method/gptq", {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert status == 200 and b"the method page" in body and headers["Content-Location"] == "/graph/method/gptq.html"


def test_html_is_a_rendering_of_the_triples_otherwise(served):
    status, headers, body = served.get("/resource/method/awq", {"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html") and "<h1>AWQ</h1>" in page
    assert 'href="/resource/method/gptq"' in page  # links stay on this server


@pytest.mark.parametrize("path", ["/resource/method/no-such-method", "/resource/", "/resource/method/a%20b", "/resource/x%3E%20%3Cy"])
def test_an_iri_the_graph_lacks_is_404(served, path):
    status, _, body = served.get(path, {"Accept": "text/turtle"})
    assert status == 404 and body.count(b"\n") == 1


def test_ontology_and_void_at_their_own_paths(served):
    status, headers, body = served.get("/ontology", {"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert (rdflib.URIRef("https://w3id.org/qkg/ontology#extends"), rdflib.RDF.type, rdflib.OWL.ObjectProperty) in \
        rdflib.Graph().parse(data=body.decode(), format="turtle")
    status, headers, body = served.get("/ontology", {"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    status, headers, body = served.get("/dataset", {"Accept": "text/turtle"})
    void = rdflib.Graph().parse(data=body.decode(), format="turtle")
    assert status == 200 and any(void.subjects(rdflib.RDF.type, rdflib.URIRef("http://rdfs.org/ns/void#Dataset")))


def test_resource_queries_are_answered_by_the_workers(served):
    status, _, body = served.get("/sparql?query=" + "ASK%20%7B%3C" + GPTQ + "%3E%20%3Fp%20%3Fo%7D")
    assert status == 200 and json.loads(body)["boolean"] is True
