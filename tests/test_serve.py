"""The endpoint: a real `qkg serve` on 127.0.0.1, queried with SPARQLWrapper and plain HTTP."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.sparql.results import PREFIXES
from tests.conftest import ROOT

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Server:
    """`python -m kg serve` in a subprocess on a free port."""

    def __init__(self, graph, timeout=2.0, max_rows=50, *extra: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", "0", "--graph", str(graph), "--timeout", str(timeout),
             "--max-rows", str(max_rows), *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", line)
        assert m, line + self.process.stderr.read()
        self.base = f"http://127.0.0.1:{m.group(1)}"
        self.endpoint = self.base + "/sparql"
        self.graph = graph

    def get(self, path, headers=None):
        req = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def post(self, body: bytes, ctype: str, accept="application/sparql-results+json"):
        req = urllib.request.Request(self.endpoint, data=body, headers={"Content-Type": ctype, "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def _local_store(server):
    """The graph the server answers from, loaded here into Oxigraph: what its answers must agree with."""
    store = ox.Store()
    store.bulk_load(path=str(server.graph), format=ox.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module")
def server(built):
    _, out = built
    s = Server(out / "qkg.trig")
    yield s
    s.stop()


def wrapper(server, query, fmt=JSON, method="GET"):
    w = SPARQLWrapper(server.endpoint)
    w.setQuery(query)
    w.setReturnFormat(fmt)
    w.setMethod(method)
    return w


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_json_with_sparqlwrapper(server, method):
    w = wrapper(server, "SELECT ?l WHERE { ?m a qkg:Method ; rdfs:label ?l FILTER (?l = 'QDrop') }", JSON, method)
    data = w.query().convert()
    assert [b["l"]["value"] for b in data["results"]["bindings"]] == ["QDrop"]


def test_select_xml_and_csv(server):
    q = "SELECT ?l WHERE { ?m a qkg:Method ; rdfs:label ?l } ORDER BY ?l LIMIT 2"
    first_two = [row[0].value for row in _local_store(server).query(q, use_default_graph_as_union=True, prefixes=PREFIXES)]
    assert len(first_two) == 2
    xml = wrapper(server, q, XML).query().convert()
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == first_two
    csv_text = wrapper(server, q, CSV).query().convert().decode()
    assert csv_text.splitlines() == ["l", *first_two]


def test_construct_turtle_and_content_negotiation(server):
    q = "CONSTRUCT { ?m a qkg:Method } WHERE { ?m rdfs:label 'QDrop' ; a qkg:Method }"
    turtle = wrapper(server, q, TURTLE).query().convert().decode()
    assert "qkgm:qdrop a qkg:Method" in turtle
    for accept, marker in [("application/n-triples", b"<https://w3id.org/qkg/resource/method/qdrop>"),
                           ("application/ld+json", b'"@id":"https://w3id.org/qkg/resource/method/qdrop"')]:
        status, headers, body = server.get("/sparql?query=" + quote(q), {"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(accept) and marker in body
    status, _, _ = server.get("/sparql?query=" + quote(q), {"Accept": "image/png"})
    assert status == 406


def test_post_sparql_query_body_and_tsv(server):
    status, headers, body = server.post(b"SELECT ?n WHERE { BIND(1 AS ?n) }", "application/sparql-query", "text/tab-separated-values")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.decode().splitlines() == ["?n", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>']


def test_ask(server):
    status, _, body = server.get("/sparql?query=" + quote("ASK { ?m rdfs:label 'GPTQ' }"))
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("body, ctype", [
    (b"update=" + quote("INSERT DATA { <a:b> <a:c> <a:d> }").encode(), "application/x-www-form-urlencoded"),
    (b"INSERT DATA { <a:b> <a:c> <a:d> }", "application/sparql-update"),
    (b"DELETE WHERE { ?s ?p ?o }", "application/sparql-query"),
    (b"query=" + quote("CLEAR ALL").encode(), "application/x-www-form-urlencoded"),
])
def test_updates_are_refused(server, body, ctype):
    status, _, text = server.post(body, ctype)
    assert status == 403 and b"read-only" in text
    status, _, body = server.get("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { <a:b> ?p ?o }"))
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0"


def test_malformed_query_is_400_with_the_parser_message(server):
    w = wrapper(server, "SELECT ?x WHERE { ?x ?y }")
    with pytest.raises(QueryBadFormed) as err:
        w.query()
    assert "line 1, column 26" in str(err.value)
    assert wrapper(server, "ASK { ?s ?p ?o }").query().convert()["boolean"] is True  # still serving


def test_a_slow_query_is_stopped_and_others_keep_being_answered(server):
    started = time.perf_counter()
    status, _, body = server.post(SLOW.encode(), "application/sparql-query")
    assert status == 503 and b"longer than the 2 s limit" in body
    assert time.perf_counter() - started < 8
    for _ in range(3):
        assert wrapper(server, "ASK { ?s ?p ?o }").query().convert()["boolean"] is True


def test_results_are_capped_and_say_so(server):
    status, headers, body = server.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }"))
    assert status == 200 and headers.get("X-QKG-Truncated") == "true"
    assert len(json.loads(body)["results"]["bindings"]) == 50


def test_query_page_lists_the_library_and_escapes_it(server):
    status, headers, body = server.get("/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Lineage of a method" in page and '<textarea id="query"' in page
    script = page.split('<script id="library" type="application/json">')[1].split("</script>")[0]
    assert "<" not in script and len(json.loads(script)) >= 15


@pytest.mark.parametrize("path", ["/graph/../../pyproject.toml", "/graph/%2e%2e/%2e%2e/pyproject.toml", "/graph/..%2f..%2fREADME.md",
                                  "/../pyproject.toml", "/graph//etc/passwd"])
def test_no_file_outside_the_served_folder(server, path):
    status, _, body = server.get(path)
    assert status in (403, 404) and b"[project]" not in body and b"root:" not in body


def test_write_methods_are_refused(server):
    req = urllib.request.Request(server.endpoint, data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 405
