"""The benchmark: build synthetic graphs of 1k, 10k and 100k papers end to end, time every stage,
measure peak memory and every library query, and compare with a plain-rdflib pipeline.

Each measurement runs in a fresh child process, so peak memory (ru_maxrss) belongs to that
run alone. Results go to bench/results.json (a list of runs) and bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
SIZES = (1_000, 10_000, 100_000)
HTML_LIMIT = 1_500  # views are written for sizes up to this (issue #18 asks for them at 1.5k); larger graphs are built without them
RDFLIB_BUDGET = 1200.0  # seconds the rdflib baseline may take to parse and serialise per size
RDFLIB_QUERY_BUDGET = 60.0  # then seconds for its library queries; unfinished ones are reported

sys.path.insert(0, str(REPO))

PREFIXES_FOR_TURTLE = (("qkg", "https://w3id.org/qkg/ontology#"), ("qkgr", "https://w3id.org/qkg/resource/"),
                       ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"), ("dcterms", "http://purl.org/dc/terms/"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(data: dict) -> None:
    print(json.dumps(data), flush=True)


# --- children ---------------------------------------------------------------------------

def child_build(inputs: Path, out: Path, html: bool) -> None:
    """Build end to end (parse ... export), reporting seconds and peak RSS after each stage."""
    from kg.paths import Layout
    from kg.pipeline import build_and_export

    layout = Layout(sources=inputs / "sources", curated=inputs / "curated", ontology=REPO / "ontology", out=out)
    marks: dict[str, float] = {}
    start = time.perf_counter()
    build = build_and_export(layout, progress=lambda stage: marks.__setitem__(stage, rss_mb()), html=html)
    total = time.perf_counter() - start
    helpers = build.helper_peak_mb
    # The YAML workers run while the build is small and end before the serialiser starts; the serialiser
    # runs beside the build's own peak. Adding the larger of the two to the build's peak bounds the total.
    peak = rss_mb() + max(helpers.get("yaml_workers", 0), helpers.get("serialiser", 0))
    emit({"build_seconds": round(total, 3), "stages": {k: round(v, 3) for k, v in build.timings.items()},
          "rss_after_mb": {k: round(v) for k, v in marks.items()}, "peak_memory_mb": round(peak),
          "build_process_peak_mb": round(rss_mb()), "helper_peak_mb": helpers, "summary": build.summary()})


def bound_library(params_file: Path) -> list[tuple[object, dict[str, str]]]:
    """Every library query with the bindings it is timed with: the generator's, else the query's defaults."""
    from kg.sparql.query import library

    chosen = json.loads(params_file.read_text(encoding="utf-8"))
    return [(q, {**q.params, **chosen.get(q.name, {})}) for q in library().values()]


def latency_ms(engine, text: str, params: dict[str, str]) -> float:
    """Time to the complete SPARQL JSON result, as the endpoint would send it (median of three runs)."""
    import pyoxigraph as ox

    times = []
    for _ in range(3):
        t = time.perf_counter()
        engine.raw(text, params).serialize(format=ox.QueryResultsFormat.JSON)
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def child_queries(out: Path, params_file: Path) -> None:
    """Load the graph into Oxigraph and time every library query (median of three runs)."""
    import pyoxigraph as ox

    from bench.least_work import LEAST_WORK
    from kg.sparql.query import OxigraphEngine

    t = time.perf_counter()
    engine = OxigraphEngine(out / "qkg.trig")
    load = time.perf_counter() - t
    queries = {}
    for q, params in bound_library(params_file):
        rows = len(engine.run(q.text, params).rows)
        queries[q.name] = {"ms": latency_ms(engine, q.text, params), "rows": rows, "params": params}
        if q.name in LEAST_WORK:
            queries[q.name]["least_work_ms"] = latency_ms(engine, LEAST_WORK[q.name], params)
    del engine
    # The same operations as the rdflib baseline: Turtle text -> triples in memory, and back to Turtle text.
    t = time.perf_counter()
    triples = list(ox.parse(path=str(out / "qkg.ttl"), format=ox.RdfFormat.TURTLE))
    parse = time.perf_counter() - t
    t = time.perf_counter()
    ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES_FOR_TURTLE))
    serialize = time.perf_counter() - t
    del triples
    # And into a queryable store (indexed, as rdflib's Graph.parse also builds indexes).
    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(out / "qkg.ttl"), format=ox.RdfFormat.TURTLE)
    load_store = time.perf_counter() - t
    emit({"load_trig_seconds": round(load, 3), "queries": queries, "parse_turtle": round(parse, 3),
          "serialize_turtle": round(serialize, 3), "load_turtle_store": round(load_store, 3), "peak_memory_mb": round(rss_mb())})


def child_rdflib(out: Path, params_file: Path) -> None:
    """The plain-rdflib baseline: rdflib's default store, its Turtle parser and serialiser, its SPARQL."""
    import rdflib

    from kg.sparql.query import bind_params
    from kg.sparql.results import PREFIXES

    t = time.perf_counter()
    g = rdflib.Graph()
    g.parse(out / "qkg.ttl", format="turtle")
    emit({"parse_turtle": round(time.perf_counter() - t, 3), "triples": len(g)})
    for prefix, namespace in PREFIXES_FOR_TURTLE:
        g.bind(prefix, namespace)
    t = time.perf_counter()
    g.serialize(format="turtle")
    emit({"serialize_turtle": round(time.perf_counter() - t, 3), "peak_memory_mb": round(rss_mb())})
    for q, params in bound_library(params_file):  # the parent stops this child when its time budget runs out
        t = time.perf_counter()
        rows = len(list(g.query(bind_params(q.text, params), initNs=PREFIXES)))
        emit({"query": q.name, "ms": round((time.perf_counter() - t) * 1000, 2), "rows": rows})


# --- parent -------------------------------------------------------------------------------

def run_child(args: list[str], budget: float | None = None, then: tuple[str, float] | None = None) -> list[dict]:
    """Run this file as a child; collect its JSON lines (stopping it when over budget)."""
    proc = subprocess.Popen([sys.executable, str(Path(__file__)), "--child", *args], stdout=subprocess.PIPE, text=True,
                            cwd=REPO, env={**os.environ, "PYTHONHASHSEED": "0"})
    lines: list[dict] = []
    deadline = time.monotonic() + budget if budget else None
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    while True:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        if deadline is not None and timeout == 0:
            proc.kill()
            lines.append({"stopped": True})
            break
        if not sel.select(timeout):
            continue
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(json.loads(line))
        if then is not None and then[0] in lines[-1]:  # a new budget from this step on
            deadline = time.monotonic() + then[1]
    proc.wait()
    if proc.returncode not in (0, -9) and not any(x.get("stopped") for x in lines):
        raise SystemExit(f"benchmark child {args[0]} failed with exit code {proc.returncode}")
    return lines


def say(message: str) -> None:
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def bench_size(papers: int) -> dict:
    from bench.generate import generate

    inputs, out = WORK / f"inputs-{papers}", WORK / f"exports-{papers}"
    say(f"[{papers} papers] generating inputs")
    counts = generate(papers, inputs)
    html = papers <= HTML_LIMIT
    say(f"[{papers} papers] building{' (with HTML)' if html else ' (HTML skipped at this size)'}")
    os.sync()  # earlier runs' unwritten files must not slow this build's writes down
    (build,) = run_child(["build", str(inputs), str(out), "1" if html else "0"])
    say(f"[{papers} papers] {build['build_seconds']} s; querying")
    views = {}
    if html:
        from bench.views import measure, size_mb
        views = {"ready_ms": measure(out / "html"), "size_mb": size_mb(out / "html"),
                 "method_pages": len(list((out / "html" / "method").glob("*.html")))}
    params_file = str(inputs / "query-params.json")
    (queries,) = run_child(["queries", str(out), params_file])
    say(f"[{papers} papers] rdflib baseline")
    rd = run_child(["rdflib", str(out), params_file], budget=RDFLIB_BUDGET, then=("serialize_turtle", RDFLIB_QUERY_BUDGET))
    rd_parse = next((x["parse_turtle"] for x in rd if "parse_turtle" in x), None)
    rd_ser = next((x["serialize_turtle"] for x in rd if "serialize_turtle" in x), None)
    rd_mem = next((x["peak_memory_mb"] for x in rd if "peak_memory_mb" in x), None)
    rd_queries = {x["query"]: x["ms"] for x in rd if "query" in x}
    both = [n for n in rd_queries if n in queries["queries"]]
    speedup = {
        "parse_turtle": round(rd_parse / queries["parse_turtle"], 1) if rd_parse else None,
        "serialize_turtle": round(rd_ser / queries["serialize_turtle"], 1) if rd_ser else None,
        "load_turtle_into_store": round(rd_parse / queries["load_turtle_store"], 1) if rd_parse else None,
        "query_library": round(sum(rd_queries[n] for n in both) / max(sum(queries["queries"][n]["ms"] for n in both), 1e-3), 1) if both else None,
    }
    return {
        "papers": papers,
        "inputs": counts,
        "triples": build["summary"]["triples"],
        "html": html,
        "views": views,
        "build_seconds": build["build_seconds"],
        "peak_memory_mb": build["peak_memory_mb"],
        "build_process_peak_mb": build["build_process_peak_mb"],
        "helper_peak_mb": build["helper_peak_mb"],
        "stages": build["stages"],
        "rss_after_mb": build["rss_after_mb"],
        "max_query_ms": max(q["ms"] for q in queries["queries"].values()),
        "queries": queries["queries"],
        "speedup_vs_rdflib": speedup,
        "rdflib": {"parse_turtle_s": rd_parse, "serialize_turtle_s": rd_ser, "peak_memory_mb": rd_mem,
                   "queries_ms": rd_queries, "queries_finished": f"{len(rd_queries)} of {len(queries['queries'])}"},
        "oxigraph": {"parse_turtle_s": queries["parse_turtle"], "serialize_turtle_s": queries["serialize_turtle"],
                     "load_turtle_store_s": queries["load_turtle_store"]},
    }


def bench_real() -> dict:
    """`qkg build` on the real corpus, HTML included, as a user runs it."""
    out = WORK / "exports-real"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", "build", "--out", str(out)], cwd=REPO, check=True, capture_output=True)
    return {"papers": "real corpus", "build_seconds": round(time.perf_counter() - start, 2), "html": True}


def markdown(runs: list[dict]) -> str:
    lines = ["# Benchmark results", "",
             f"Machine: {os.cpu_count()} cores. Produced by `bench/run`; each build runs in a fresh process.", "",
             "| papers | triples | build s | peak MB | parse | resolve | methods | build | validate | export rdf | export html | max query ms | Turtle parse ×rdflib | Turtle serialise ×rdflib | Turtle into a store ×rdflib | queries ×rdflib |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        if r["papers"] == "real corpus":
            continue
        st, sp = r["stages"], r["speedup_vs_rdflib"]
        lines.append(f"| {r['papers']:,} | {r['triples']:,} | {r['build_seconds']} | {r['peak_memory_mb']} | {st.get('parse', 0):.2f} | "
                     f"{st.get('resolve', 0):.2f} | {st.get('methods', 0):.2f} | {st.get('build', 0):.2f} | {st.get('validate', 0):.2f} | "
                     f"{st.get('export_rdf', 0):.2f} | {st.get('export_html', 0):.2f} | {r['max_query_ms']} | {sp['parse_turtle']} | "
                     f"{sp['serialize_turtle']} | {sp.get('load_turtle_into_store')} | {sp['query_library']} ({r['rdflib']['queries_finished']} finished) |")
    for r in runs:
        if r["papers"] != "real corpus" and r.get("views"):
            v = r["views"]
            ready = ", ".join(f"{page} {ms} ms" for page, ms in v.get("ready_ms", {}).items()) or "no browser here"
            lines += ["", f"{r['papers']:,} papers, HTML: {v['method_pages']} method pages, {v['size_mb']} MB; "
                      f"interactive in headless Chromium (window.qkg.readyAt): {ready}."]
    for r in runs:
        if r["papers"] == "real corpus":
            lines += ["", f"Real corpus, `qkg build` end to end with HTML (one process, wall clock): {r['build_seconds']} s."]
    for r in runs:
        if r["papers"] == "real corpus":
            continue
        lines += ["", f"## {r['papers']:,} papers: library query latency (Oxigraph, median of 3)", "",
                  "Least work: the same answer rows with only what no correct query can skip (`bench/least_work.py`), "
                  "what the listing question itself costs on this store.", "", "| query | bound to | ms | rows | least work ms | rdflib ms |", "|---|---|---|---|---|---|"]
        for name, q in sorted(r["queries"].items()):
            rd = r["rdflib"]["queries_ms"].get(name, "not finished")
            bound = ", ".join(f"?{k} = {v}" for k, v in q.get("params", {}).items())
            lines.append(f"| {name} | {bound} | {q['ms']} | {q['rows']} | {q.get('least_work_ms', '')} | {rd} |")
        lines += ["", f"rdflib: Turtle parse {r['rdflib']['parse_turtle_s']} s, serialise {r['rdflib']['serialize_turtle_s']} s, "
                  f"peak {r['rdflib']['peak_memory_mb']} MB; Oxigraph: parse {r['oxigraph']['parse_turtle_s']} s, "
                  f"serialise {r['oxigraph']['serialize_turtle_s']} s, into an indexed store {r['oxigraph'].get('load_turtle_store_s')} s. "
                  f"Peak MB = the build process ({r.get('build_process_peak_mb')}) + its largest helper {r.get('helper_peak_mb')}; "
                  f"build process RSS after each stage: {r['rss_after_mb']}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark qkg at 1k, 10k and 100k papers.")
    parser.add_argument("--papers", type=int, help="run one size only")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "build":
            return child_build(Path(rest[0]), Path(rest[1]), rest[2] == "1")
        if kind == "queries":
            return child_queries(Path(rest[0]), Path(rest[1]))
        return child_rdflib(Path(rest[0]), Path(rest[1]))
    WORK.mkdir(exist_ok=True)
    sizes = (args.papers,) if args.papers else SIZES
    runs = [bench_size(n) for n in sizes]
    if not args.papers:
        runs.append(bench_real())
    (BENCH / "results.json").write_text(json.dumps(runs, indent=2) + "\n")
    (BENCH / "results.md").write_text(markdown(runs))
    print(markdown(runs))


if __name__ == "__main__":
    main()
