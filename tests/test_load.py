"""The endpoint under load and abuse: a real `qkg serve` on 127.0.0.1, bounded in requests and time."""

from __future__ import annotations

import json
import re
import statistics
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from kg.sparql.query import library
from tests.conftest import ROOT
from tests.test_serve import Server

ARTIFACTS = ROOT / "tests" / "artifacts"
CLIENTS, REQUESTS = 8, 2000


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (FileNotFoundError, AttributeError, ProcessLookupError):
            continue
    return total / 1024


def _get(base: str, query: str, timeout: float = 30.0) -> tuple[int, float]:
    started = time.perf_counter()
    req = urllib.request.Request(base + "/sparql?query=" + quote(query), headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as err:
        status = err.code
    except OSError:
        status = -1
    return status, (time.perf_counter() - started) * 1000


@pytest.mark.load
def test_eight_clients_two_thousand_library_queries(built):
    _, out = built
    server = Server(out / "qkg.trig", timeout=10.0, max_rows=10_000)
    try:
        queries = [q.text.replace("WHERE {", "WHERE { VALUES (" + " ".join("?" + k for k in q.params) + ") { ("
                                  + " ".join(json.dumps(v) for v in q.params.values()) + ") }", 1) if q.params else q.text
                   for q in library().values()]
        results: list[tuple[int, float]] = []
        lock = threading.Lock()
        rss: dict[int, float] = {}

        def client(k: int) -> None:
            for i in range(REQUESTS // CLIENTS):
                status, ms = _get(server.base, queries[(k + i) % len(queries)])
                with lock:
                    results.append((status, ms))
                    if len(results) in (REQUESTS // 4, REQUESTS // 2, 3 * REQUESTS // 4, REQUESTS):
                        rss[len(results)] = _tree_rss_mb(server.process.pid)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        seconds = time.perf_counter() - started
        failures = [s for s, _ in results if s != 200]
        latencies = sorted(ms for _, ms in results)
        report = {"requests": len(results), "clients": CLIENTS, "failures": len(failures), "seconds": round(seconds, 2),
                  "p50_ms": round(statistics.median(latencies), 1), "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1),
                  "rss_mb_by_request": {k: round(v) for k, v in sorted(rss.items())}}
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "load.json").write_text(json.dumps(report, indent=2))
        print(report)
        assert len(results) == REQUESTS and failures == []
        half, end = rss[REQUESTS // 2], rss[REQUESTS]
        assert end <= half * 1.25 + 20, f"server memory kept growing: {rss}"
    finally:
        server.stop()


ABUSE = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",  # cartesian product over all triples
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 1000000000",  # a huge LIMIT
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (<https://w3id.org/qkg/ontology#extends>|^<https://w3id.org/qkg/ontology#extends>|"
    "<https://w3id.org/qkg/ontology#compares>|^<https://w3id.org/qkg/ontology#compares>|<http://purl.org/dc/terms/creator>|"
    "^<http://purl.org/dc/terms/creator>)* ?b . ?b ?p ?o }",  # deep property paths
]


@pytest.mark.load
def test_abusive_queries_are_cut_off_and_others_keep_being_answered(built):
    _, out = built
    server = Server(out / "qkg.trig", timeout=3.0, max_rows=1000)
    try:
        abuse_results: list[tuple[int, float]] = []

        def abuse(q: str) -> None:
            abuse_results.append(_get(server.base, q, timeout=60))

        threads = [threading.Thread(target=abuse, args=(q,)) for q in ABUSE[:1]]
        for t in threads:
            t.start()
        time.sleep(0.3)
        normal = [_get(server.base, "ASK { ?s ?p ?o }") for _ in range(20)]  # served by the other worker meanwhile
        for t in threads:
            t.join(60)
        for q in ABUSE[1:]:
            abuse_results.append(_get(server.base, q, timeout=60))
        assert all(s == 200 for s, _ in normal), normal
        assert max(ms for _, ms in normal) < 3000
        statuses = sorted(s for s, _ in abuse_results)
        # every abusive query ends: stopped by the time limit (503) or answered capped (200 + truncated)
        assert all(s in (200, 503) for s in statuses) and 503 in statuses
        assert all(ms < 15_000 for _, ms in abuse_results)
        assert _get(server.base, "ASK { ?s ?p ?o }")[0] == 200
    finally:
        server.stop()
