"""The endpoint under attack and overload (issue #17): a real `qkg serve` on 127.0.0.1, every loop bounded in count and time."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote
from xml.dom import minidom

import pytest

from kg.sparql.guard import Limits, refusal
from tests.test_serve import Server

ARTIFACTS = Path(__file__).parent / "artifacts"
ALLOWED = "http://127.0.0.1:9/sparql"  # port 9 (discard) refuses: an allowed SERVICE SILENT answers no rows
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
FAST = "SELECT ?l WHERE { ?m a qkg:Method ; rdfs:label ?l } ORDER BY ?l LIMIT 5"


@pytest.fixture(scope="module")
def server(built):
    _, out = built
    s = Server(out / "qkg.trig", 6.0, 100, "--allow-service", ALLOWED, "--cors", "https://yasgui.example", "--max-memory", "300M")
    yield s
    s.stop()


def get(server, query: str, accept="application/sparql-results+json", timeout=60.0) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    req = urllib.request.Request(server.endpoint + "?query=" + quote(query), headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, body = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, body = err.code, err.read()
    return status, body, time.perf_counter() - started


def raw(server, request: bytes) -> bytes:
    """Send bytes as they are; the whole answer (the server must answer, not drop the connection)."""
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
            if b"\r\n\r\n" in b"".join(chunks):
                head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
                m = re.search(rb"Content-Length: (\d+)", head)
                if m and len(body) >= int(m.group(1)):
                    break
    return b"".join(chunks)


# --- 1. SERVICE ---------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }",
    "PREFIX e: <http://127.0.0.1:1/> SELECT * WHERE { SERVICE SILENT e:x { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:1/x> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "select * where { service <http://localhost:1/x> { ?s ?p ?o } }",
])
def test_service_is_refused_with_a_clear_message(server, query):
    status, body, _ = get(server, query)
    assert status == 400 and body.startswith(b"query refused: SERVICE") and b"--allow-service" in body


def test_service_to_an_allowed_endpoint_runs(server):
    status, body, _ = get(server, f"SELECT * WHERE {{ SERVICE SILENT <{ALLOWED}> {{ ?s ?p ?o }} }}")
    assert status == 200, body


def test_guard_reads_strings_comments_and_prefixes():
    allow = Limits(allow_service=("http://ok.example/sparql",))
    assert refusal('SELECT * WHERE { ?s ?p "SERVICE <http://x/> {" } # SERVICE <http://y/>', allow) is None
    assert refusal("PREFIX o: <http://ok.example/> SELECT * WHERE { SERVICE o:sparql { ?s ?p ?o } }", allow) is None
    fake = 'PREFIX o: <http://evil.example/> SELECT * WHERE { ?s ?p "PREFIX o: <http://ok.example/>" SERVICE o:sparql { ?s ?p ?o } }'
    assert "evil.example" in refusal(fake, allow)
    assert refusal("SELECT * WHERE { ?s <http://x/a(b)> ?o }", Limits(max_depth=1)) is None  # brackets in an IRI are not nesting
    assert refusal("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:SERVICE ?o . ?service ?p ?o }") is None  # names, not the keyword


# --- 2. limits and crashes ----------------------------------------------------------------

def test_a_deep_query_is_refused_quickly_naming_the_limit(server):
    status, body, seconds = get(server, "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }")
    assert status == 400 and b"nested more than 128 deep" in body
    status, body, _ = get(server, "SELECT * WHERE { FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }")
    assert status in (400, 414) and (b"over the limit of 100,000" in body or status == 414)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "deep-refusal.json").write_text(json.dumps({"depth": 5000, "seconds": round(seconds, 4)}))
    assert get(server, "ASK { ?s ?p ?o }")[0] == 200


def _busy_worker(server) -> int:
    """The worker child burning CPU now (from /proc), within 10 s."""
    children = [int(c) for c in Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()]

    def cpu(pid):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        before = {c: cpu(c) for c in children}
        time.sleep(0.3)
        moved = [c for c in children if cpu(c) - before[c] > 5]
        if len(moved) == 1:
            return moved[0]
    raise AssertionError("no busy worker found")


def test_a_worker_crash_is_a_500_not_a_timeout_and_the_worker_is_replaced(server):
    import os
    import signal

    answer = {}
    thread = threading.Thread(target=lambda: answer.update(r=get(server, SLOW + " # crash test")))
    thread.start()
    os.kill(_busy_worker(server), signal.SIGSEGV)
    thread.join(30)
    status, body, seconds = answer["r"]
    assert status == 500 and body == b"query crashed its worker (signal SIGSEGV); the worker was replaced\n"
    assert seconds < 4  # reported at once, not after the 5 s limit
    for _ in range(3):
        assert get(server, "ASK { ?s ?p ?o }")[0] == 200


# --- 5. well-formed XML, plain text ---------------------------------------------------------

def test_control_characters_never_make_xml_malformed(server):
    q = 'SELECT ?x ?y WHERE { BIND ("a\\u0001b\\u001b[31mred" AS ?x) BIND (STRLANG("c\\u000Bd", "en") AS ?y) }'
    status, body, _ = get(server, q, accept="application/sparql-results+xml")
    assert status == 200
    doc = minidom.parseString(body)
    assert [n.firstChild.data for n in doc.getElementsByTagName("literal")] == ["ab[31mred", "cd"]
    assert b"removed 3 control character" in body


# --- 6. malformed HTTP, headers -------------------------------------------------------------

@pytest.mark.parametrize("request_bytes", [
    b"GET /graph/%00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /graph/" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: abc\r\n\r\nASK {}",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    b"GET /graph/%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /resource/%00 HTTP/1.1\r\nHost: x\r\n\r\n",
])
def test_malformed_requests_get_a_400(server, request_bytes):
    answer = raw(server, request_bytes)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    body = answer.partition(b"\r\n\r\n")[2]
    assert body.count(b"\n") == 1 and b"Traceback" not in body
    assert server.get("/sparql?query=" + quote("ASK {}"))[0] == 200


def test_html_carries_csp_and_frame_options_and_cors_only_for_its_origin(server, built):
    status, headers, _ = server.get("/")
    assert status == 200 and "frame-ancestors 'none'" in headers["Content-Security-Policy"] and headers["X-Frame-Options"] == "DENY"
    status, headers, _ = server.get("/sparql?query=" + quote("ASK {}"), {"Origin": "https://yasgui.example"})
    assert headers.get("Access-Control-Allow-Origin") == "https://yasgui.example"
    status, headers, _ = server.get("/sparql?query=" + quote("ASK {}"), {"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in headers
    _, out = built
    plain = Server(out / "qkg.trig", 2.0, 10)
    try:
        status, headers, _ = plain.get("/sparql?query=" + quote("ASK {}"), {"Origin": "https://yasgui.example"})
        assert status == 200 and not any(k.lower().startswith("access-control") for k in headers)
    finally:
        plain.stop()


# --- 3. fairness ----------------------------------------------------------------------------

def _tree_rss_mb(pid: int) -> float:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{p}/status").read_text()).group(1))
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total / 1024


@pytest.mark.load
def test_a_cheap_query_is_answered_within_a_second_while_eight_clients_run_slow_ones(server):
    stop = time.monotonic() + 8
    slow: list[int] = []

    def slow_client(k: int) -> None:
        for _ in range(20):  # bounded: at most 20 requests each, and 8 s
            if time.monotonic() > stop:
                return
            slow.append(get(server, SLOW + f" # client {k}", timeout=30)[0])

    threads = [threading.Thread(target=slow_client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.5)  # every worker of the general lane is busy by now
    fast = []
    for _ in range(10):
        status, body, seconds = get(server, FAST)
        fast.append((status, seconds))
        time.sleep(0.3)
    for t in threads:
        t.join(60)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "fairness.json").write_text(json.dumps({"fast_seconds": [round(s, 3) for _, s in fast], "slow_statuses": slow}))
    assert all(status == 200 for status, _ in fast)
    assert max(s for _, s in fast) < 1.0, fast
    assert slow and all(s in (503,) for s in slow)


# --- 4. memory --------------------------------------------------------------------------------

@pytest.mark.load
def test_two_runaway_queries_are_stopped_at_the_memory_cap(server):
    answers: list[tuple[int, bytes, float]] = []
    threads = [threading.Thread(target=lambda: answers.append(get(server, RUNAWAY, timeout=60))) for _ in range(2)]
    peak, deadline = 0.0, time.monotonic() + 60
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads) and time.monotonic() < deadline:
        peak = max(peak, _tree_rss_mb(server.process.pid))
        time.sleep(0.01)
    for t in threads:
        t.join(10)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "runaway-memory.json").write_text(json.dumps({"cap_mb": 300, "peak_tree_mb": round(peak)}))
    assert [s for s, _, _ in answers] == [503, 503], answers
    assert all(b"300 MB memory limit (--max-memory)" in body for _, body, _ in answers)
    assert peak < 2 * 300 + 600, peak  # two capped workers, the idle ones and the server
    assert get(server, "ASK { ?s ?p ?o }")[0] == 200
