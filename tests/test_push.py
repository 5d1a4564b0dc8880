"""`qkg push` into a real Oxigraph server started here on 127.0.0.1 (the `oxigraph` wheel's binary), and into a
small real HTTP server that asks for credentials and fails once, for retries."""

from __future__ import annotations

import base64
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import ROOT

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
needs_oxigraph = pytest.mark.skipif(not Path(OXIGRAPH).exists(), reason="the oxigraph wheel (test extras) is not installed")
pytestmark = needs_oxigraph


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Oxigraph:
    """`oxigraph serve` (or serve-read-only) on a free port, its store in a folder."""

    def __init__(self, folder: Path, read_only: bool = False):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = "serve-read-only" if read_only else "serve"
        self.process = subprocess.Popen([OXIGRAPH, command, "--location", str(folder), "--bind", f"127.0.0.1:{self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                time.sleep(0.1)
        raise RuntimeError("oxigraph did not start within 20 s")

    def quads(self) -> set[str]:
        """Every quad of the store, as N-Quads lines."""
        req = urllib.request.Request(self.base + "/store", headers={"Accept": "application/n-quads"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            data = resp.read()
        return {str(q) for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)}

    def add(self, graph: str, ntriples: bytes) -> None:
        req = urllib.request.Request(f"{self.base}/store?graph={graph}", data=ntriples, method="POST",
                                     headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(req, timeout=30).read()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def qkg_push(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "kg", "push", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def trig(built):
    _, out = built
    return out / "qkg.trig"


@pytest.fixture(scope="module")
def graph_count(trig) -> int:
    """How many named graphs the build wrote: one per source list, curated and derived."""
    return len({q.graph_name for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)})


@pytest.fixture(scope="module")
def local_quads(trig) -> set[str]:
    return {str(q) for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)}


@pytest.fixture
def store(tmp_path):
    server = Oxigraph(tmp_path / "store")
    yield server
    server.stop()


def test_push_writes_every_named_graph_and_twice_leaves_the_same_quads(store, trig, local_quads):
    first = qkg_push(store.base + "/store", "--graph", str(trig))
    assert first.returncode == 0, first.stderr
    graphs = {q.graph_name for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)}
    assert f"qkg push: {len(graphs)} graphs, {len(local_quads):,} triples replaced" in first.stdout
    assert store.quads() == local_quads
    assert first.stderr.count(f"/{len(graphs)}] ") == len(graphs)  # progress: one line per graph
    for mode in ("--replace", "--append"):
        again = qkg_push(store.base + "/store", mode, "--graph", str(trig))
        assert again.returncode == 0, again.stderr
        assert store.quads() == local_quads


def test_replace_drops_stale_triples_of_our_graphs_and_leaves_other_graphs(store, trig, local_quads):
    ours = "https://w3id.org/qkg/graph/curated"
    store.add(ours, b"<https://w3id.org/qkg/resource/stale> <http://www.w3.org/2000/01/rdf-schema#label> \"stale\" .\n")
    store.add("http://example.org/theirs", b"<http://example.org/a> <http://example.org/b> \"kept\" .\n")
    assert qkg_push(store.base + "/store", "--graph", str(trig)).returncode == 0
    assert store.quads() == local_quads | {'<http://example.org/a> <http://example.org/b> "kept" <http://example.org/theirs>'}


def test_a_down_server_is_one_line_saying_nothing_was_written(trig, graph_count):
    run = qkg_push(f"http://127.0.0.1:{_free_port()}/store", "--graph", str(trig), "--retries", "1", "--backoff", "0.05")
    assert run.returncode == 1
    (line,) = [x for x in run.stderr.splitlines() if x.startswith("qkg: error:")]
    assert "ConnectionRefusedError" in line and f"written: 0 of {graph_count} graphs; not written: {graph_count} (curated, derived," in line


def test_a_refusing_server_is_one_line_and_no_retry(tmp_path, store, trig, graph_count):
    assert qkg_push(store.base + "/store", "--graph", str(trig)).returncode == 0
    store.stop()
    read_only = Oxigraph(tmp_path / "store", read_only=True)
    try:
        started = time.monotonic()
        run = qkg_push(read_only.base + "/store", "--graph", str(trig))
        assert run.returncode == 1 and time.monotonic() - started < 20
        (line,) = [x for x in run.stderr.splitlines() if x.startswith("qkg: error:")]
        assert "refused graph https://w3id.org/qkg/graph/curated (HTTP 4" in line and f"written: 0 of {graph_count} graphs" in line
    finally:
        read_only.stop()


class _Flaky(BaseHTTPRequestHandler):
    """Asks for Basic credentials; answers 503 to the first PUT of each graph, then 204; records what it took."""

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
        elif self.path not in self.server.failed:
            self.server.failed.add(self.path)
            self.send_response(503)
        else:
            self.server.taken[self.path] = body
            self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_credentials_from_the_environment_and_5xx_retried(trig, local_quads, graph_count):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    server.failed, server.taken = set(), {}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/store"
    try:
        refused = qkg_push(url, "--graph", str(trig), "--user", "alice", "--password", "wrong")
        assert refused.returncode == 1 and "HTTP 401" in refused.stderr
        run = qkg_push(url, "--graph", str(trig), "--backoff", "0.05", env={"QKG_PUSH_USER": "alice", "QKG_PUSH_PASSWORD": "s3cret"})
        assert run.returncode == 0, run.stderr
        assert len(server.taken) == graph_count and len(server.failed) == graph_count  # every graph failed once, then was taken
        pushed = sum(len(b.splitlines()) for b in server.taken.values())
        assert pushed == len(local_quads)
    finally:
        server.shutdown()
        server.server_close()


VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/v.db
ErrorLogFile = {d}/v.log
LockFile = {d}/v.lck
TransactionFile = {d}/v.trx
xa_persistent_file = {d}/v.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/v-temp.db
TransactionFile = {d}/v-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {d}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
MaxClientConnections = 5
ServerThreads = 5
"""


@pytest.mark.skipif(VIRTUOSO is None, reason="Debian's virtuoso-opensource-7-bin is not installed")
def test_push_into_virtuoso_with_digest_credentials(tmp_path, trig):
    import json
    from collections import Counter
    from urllib.parse import quote

    http = _free_port()
    (tmp_path / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=tmp_path, sql=_free_port(), http=http))
    process = subprocess.Popen([VIRTUOSO, "-f", "-c", str(tmp_path / "virtuoso.ini")], cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}"

    def per_graph() -> Counter:
        q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), 'https://w3id.org/qkg/')) } GROUP BY ?g"
        req = urllib.request.Request(f"{base}/sparql?query={quote(q)}", headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return Counter({b["g"]["value"]: int(b["n"]["value"]) for b in json.load(resp)["results"]["bindings"]})

    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                per_graph()
                break
            except OSError:
                time.sleep(0.3)
        expected = Counter(q.graph_name.value for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
        url = f"{base}/sparql-graph-crud-auth"
        while time.monotonic() < deadline:  # the authenticated endpoint answers a little after /sparql does
            try:
                urllib.request.urlopen(url, timeout=10).read()
            except urllib.error.HTTPError as err:
                if err.code == 401:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        # Retries as a real client would use them, so a busy CI machine's dropped connection is no failure.
        patient = ("--retries", "4", "--backoff", "0.5")
        wrong = qkg_push(url, "--graph", str(trig), "--user", "dba", "--password", "wrong", *patient)
        assert wrong.returncode == 1 and "HTTP 401" in wrong.stderr and f"written: 0 of {len(expected)} graphs" in wrong.stderr
        for _ in range(2):  # twice: the same quads
            run = qkg_push(url, "--graph", str(trig), *patient, env={"QKG_PUSH_USER": "dba", "QKG_PUSH_PASSWORD": "dba"})
            assert run.returncode == 0, run.stderr
            assert per_graph() == expected
    finally:
        process.terminate()
        process.wait(30)
