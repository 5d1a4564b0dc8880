"""A read-only SPARQL 1.1 Protocol endpoint over the built graph, with a query page and the HTML views.

Queries run in a small pool of worker processes, each holding its own copy of the graph. A
query that runs past the time limit is stopped by killing its worker (a thread cannot be
interrupted inside Oxigraph), and a fresh worker takes its place; the others keep answering.
Results are capped at a number of rows; a capped answer says so in `X-QKG-Truncated`.
"""

from __future__ import annotations

import html
import json
import multiprocessing as mp
import queue
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
}
FORMAT_ALIASES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
                  "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
                  "ntriples": "application/n-triples", "nt": "application/n-triples", "jsonld": "application/ld+json"}
MAX_BODY = 1 << 20  # a query larger than 1 MiB is refused


@dataclass(frozen=True)
class Settings:
    """What `qkg serve` was told."""

    trig: Path
    html_root: Path | None = None
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2


# --- worker processes ---------------------------------------------------------------------

def _worker_main(conn, trig: str, max_rows: int) -> None:
    """Load the graph, then answer (query, accept) requests until the pipe closes."""
    from kg.sparql.query import OxigraphEngine, QueryError

    engine = OxigraphEngine(Path(trig))
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        text, accept = request
        try:
            result = engine.run(text, limit=max_rows)
            conn.send(("ok", _encode(result, accept)))
        except QueryError as err:
            conn.send(("bad-request", str(err)))
        except Exception as err:  # noqa: BLE001 - an engine failure becomes a 500, the worker lives on
            conn.send(("error", f"{type(err).__name__}: {err}"))


def _encode(result, accept: list[str]) -> tuple[int, str, bytes, bool]:
    """(status, content type, body, truncated) for a result, by content negotiation."""
    import pyoxigraph as ox

    from kg import iri
    from kg.sparql.query import render, to_xml

    if result.kind == "graph":
        ctype = _negotiate(accept, GRAPH_TYPES, "text/turtle")
        if ctype is None:
            return 406, "text/plain", b"not acceptable: CONSTRUCT/DESCRIBE give text/turtle, application/n-triples or application/ld+json\n", False
        fmt = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}[GRAPH_TYPES[ctype]]
        body = ox.serialize(sorted(result.triples, key=str), format=fmt, prefixes=iri.PREFIXES if fmt is ox.RdfFormat.TURTLE else None)
        return 200, ctype, body, result.truncated
    ctype = _negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
    if ctype is None:
        return 406, "text/plain", b"not acceptable: results come as SPARQL JSON, XML, CSV or TSV\n", False
    kind = RESULT_TYPES[ctype]
    body = to_xml(result) if kind == "xml" else render(result, kind)
    return 200, ctype, body.encode("utf-8"), result.truncated


def _negotiate(accept: list[str], offered: dict[str, str], default: str) -> str | None:
    if not accept or any(a in ("*/*", "") for a in accept):
        return default if not any(a in offered for a in accept) else next(a for a in accept if a in offered)
    for a in accept:
        if a in offered:
            return a
        if a.endswith("/*") and default.startswith(a[:-1]):
            return default
    return None


class Worker:
    """One worker process and its pipe."""

    def __init__(self, settings: Settings):
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, str(settings.trig), settings.max_rows), daemon=True)
        self.process.start()
        child.close()
        kind, _ = self.conn.recv()  # wait until the graph is loaded
        assert kind == "ready"

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Pool:
    """Workers handed out one request at a time; a timed-out worker is replaced."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.idle: queue.Queue[Worker] = queue.Queue()
        for _ in range(settings.workers):
            self.idle.put(Worker(settings))

    def run(self, text: str, accept: list[str]) -> tuple[str, object]:
        try:
            worker = self.idle.get(timeout=self.settings.timeout)
        except queue.Empty:
            return "busy", "every worker is busy; try again"
        try:
            worker.conn.send((text, accept))
            if worker.conn.poll(self.settings.timeout):
                answer = worker.conn.recv()
                self.idle.put(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            pass
        # Past the time limit (or the worker died): stop it and start a fresh one in the background.
        worker.kill()
        threading.Thread(target=lambda: self.idle.put(Worker(self.settings)), daemon=True).start()
        return "timeout", f"query stopped: it ran longer than the {self.settings.timeout:g} s limit"

    def close(self) -> None:
        while True:
            try:
                self.idle.get_nowait().kill()
            except queue.Empty:
                return


# --- HTTP ---------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    """SPARQL Protocol on /sparql, the query page on /, the HTML views under /graph/."""

    server_version = "qkg"
    protocol_version = "HTTP/1.1"

    @property
    def app(self) -> App:
        return self.server.app  # type: ignore[attr-defined]

    def log_message(self, fmt, *args):  # quiet unless asked
        if self.app.verbose:
            sys.stderr.write(f"{self.address_string()} - {fmt % args}\n")

    def _send(self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/sparql":
            params = parse_qs(url.query, keep_blank_values=True)
            return self._sparql(params, None)
        if url.path in ("/", "/index.html"):
            return self._send(200, "text/html; charset=utf-8", self.app.page)
        if url.path == "/graph" or url.path.startswith("/graph/"):
            return self._static(url.path[len("/graph"):])
        return self._error(404, f"not found: {url.path}")

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path != "/sparql":
            return self._error(405 if url.path in ("/", "/graph") else 404, "POST goes to /sparql")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._error(413, f"request body over {MAX_BODY} bytes")
        body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if ctype == "application/sparql-update":
            return self._error(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if ctype == "application/sparql-query":
            return self._sparql(params, body)
        if ctype in ("application/x-www-form-urlencoded", ""):
            params.update(parse_qs(body, keep_blank_values=True))
            return self._sparql(params, None)
        return self._error(415, f"unsupported content type '{ctype}': use application/sparql-query or a form")

    def do_PUT(self):
        self._error(405, "this endpoint is read-only")

    do_DELETE = do_PATCH = do_PUT

    def _sparql(self, params: dict[str, list[str]], direct: str | None) -> None:
        from kg.sparql.query import is_update

        if "update" in params:
            return self._error(403, "SPARQL Update is not allowed: this endpoint is read-only")
        text = direct if direct is not None else (params.get("query") or [None])[0]
        if not text:
            return self._error(400, "missing 'query' parameter")
        if is_update(text):
            return self._error(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return self._error(400, "default-graph-uri and named-graph-uri are not supported: the default graph is the union")
        accept = _accept_list(self.headers.get("Accept", ""))
        fmt = (params.get("format") or [None])[0]
        if fmt:
            accept = [FORMAT_ALIASES.get(fmt, fmt)]
        started = time.perf_counter()
        kind, payload = self.app.pool.run(text, accept)
        self.app.count(kind, time.perf_counter() - started)
        if kind == "ok":
            status, ctype, body, truncated = payload  # type: ignore[misc]
            headers = {"X-QKG-Truncated": "true", "X-QKG-Max-Rows": str(self.app.settings.max_rows)} if truncated else {}
            return self._send(status, ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""), body, headers)
        status = {"bad-request": 400, "timeout": 503, "busy": 503}.get(kind, 500)
        return self._error(status, str(payload))

    def _static(self, rel: str) -> None:
        root = self.app.settings.html_root
        if root is None or not root.is_dir():
            return self._error(404, "no HTML views: run `qkg build`")
        rel = unquote(rel).lstrip("/") or "index.html"
        target = (root / rel).resolve()
        if root.resolve() not in target.parents and target != root.resolve():
            return self._error(403, "outside the served folder")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return self._error(404, f"not found: /graph/{rel}")
        types = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml"}
        return self._send(200, types.get(target.suffix, "application/octet-stream"), target.read_bytes())


def _accept_list(header: str) -> list[str]:
    """Media types of an Accept header, best first."""
    items = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        items.append((-q, i, fields[0].lower()))
    return [t for _, _, t in sorted(items)]


class App:
    """The server's state: settings, the worker pool, the query page, request counts."""

    def __init__(self, settings: Settings, verbose: bool = False):
        self.settings = settings
        self.verbose = verbose
        self.pool = Pool(settings)
        self.page = query_page().encode("utf-8")
        self.lock = threading.Lock()
        self.stats: dict[str, int] = {}

    def count(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.stats[kind] = self.stats.get(kind, 0) + 1


def make_server(settings: Settings, host: str = "127.0.0.1", port: int = 8000, verbose: bool = False) -> ThreadingHTTPServer:
    """A server bound to host:port (port 0 picks a free one); call serve_forever()."""
    app = App(settings, verbose)
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.app = app  # type: ignore[attr-defined]
    return server


def query_page() -> str:
    """The page at /: a query box, the library's questions to pick from, a results table."""
    from kg.sparql.query import library

    questions = [{"name": q.name, "title": q.title, "question": q.question, "text": q.text} for q in library().values()]
    # JSON inside <script>: escape '<' so no title can close the script element.
    data = json.dumps(questions).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    options = "\n".join(f'<option value="{html.escape(q["name"])}">{html.escape(q["title"])}</option>' for q in questions)
    return PAGE.replace("{{OPTIONS}}", options).replace("{{DATA}}", data)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>qkg SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:80rem}
textarea{width:100%;height:14rem;font-family:monospace;font-size:.9rem}
table{border-collapse:collapse;margin-top:1rem;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
#status{margin-top:.5rem;color:#555}.err{color:#b00}
</style></head><body>
<h1>qkg: quantization research knowledge graph</h1>
<p>Ask a question of the graph in SPARQL, or pick one of the library's. Endpoint: <code>/sparql</code>. Views: <a href="/graph/">/graph</a>.</p>
<label>Research question: <select id="pick"><option value="">(write your own)</option>
{{OPTIONS}}
</select></label>
<p id="question"></p>
<textarea id="query" spellcheck="false">SELECT ?label WHERE { ?m a qkg:Method ; rdfs:label ?label } ORDER BY ?label LIMIT 20</textarea>
<button id="run">Run</button>
<div id="status"></div>
<table id="results"></table>
<script id="library" type="application/json">{{DATA}}</script>
<script>
const lib = JSON.parse(document.getElementById('library').textContent);
const byName = Object.fromEntries(lib.map(q => [q.name, q]));
document.getElementById('pick').addEventListener('change', e => {
  const q = byName[e.target.value];
  document.getElementById('question').textContent = q ? q.question : '';
  if (q) document.getElementById('query').value = q.text;
});
document.getElementById('run').addEventListener('click', async () => {
  const status = document.getElementById('status'), table = document.getElementById('results');
  table.replaceChildren(); status.className = ''; status.textContent = 'running...';
  const text = document.getElementById('query').value;
  const resp = await fetch('/sparql', {method: 'POST', headers: {'Content-Type': 'application/sparql-query',
    'Accept': 'application/sparql-results+json'}, body: text});
  const body = await resp.text();
  if (!resp.ok) { status.className = 'err'; status.textContent = body; return; }
  const data = JSON.parse(body);
  if ('boolean' in data) { status.textContent = 'answer: ' + data.boolean; return; }
  const vars = data.head.vars, head = table.insertRow();
  vars.forEach(v => { const th = document.createElement('th'); th.textContent = v; head.appendChild(th); });
  for (const b of data.results.bindings) {
    const row = table.insertRow();
    vars.forEach(v => { row.insertCell().textContent = b[v] ? b[v].value : ''; });
  }
  status.textContent = data.results.bindings.length + ' rows' + (resp.headers.get('X-QKG-Truncated') ? ' (truncated)' : '');
});
</script></body></html>
"""


def serve(settings: Settings, host: str, port: int, verbose: bool = False) -> None:
    """Run until interrupted."""
    server = make_server(settings, host, port, verbose)
    bound_host, bound_port = server.server_address[:2]
    print(f"qkg serve: SPARQL endpoint http://{bound_host}:{bound_port}/sparql (query page /, views /graph/); "
          f"timeout {settings.timeout:g} s, at most {settings.max_rows} rows", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.app.pool.close()  # type: ignore[attr-defined]
