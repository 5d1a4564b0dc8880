"""A read-only SPARQL 1.1 Protocol endpoint over the built graph, with a query page, the HTML views and linked data.

Queries run in worker processes (kg/sparql/pool.py: lanes, fairness, memory cap); every query is
checked first (kg/sparql/guard.py: size, nesting, SERVICE). Results are capped at a number of
rows; a capped answer says so in `X-QKG-Truncated`. Any request the server cannot read gets a
4xx with one line, never a closed connection.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from kg.sparql import linked
from kg.sparql.encode import FORMAT_ALIASES, GRAPH_TYPES, accept_list, negotiate
from kg.sparql.guard import Limits
from kg.sparql.pool import Pool, PoolSettings

MAX_BODY = 1 << 20  # a request body larger than 1 MiB is refused
MAX_PATH = 2048  # a path longer than this names nothing here
# HTML pages run only their own scripts and styles, load nothing from elsewhere, and are never framed.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml", ".ttl": "text/turtle; charset=utf-8"}


@dataclass(frozen=True)
class Settings:
    """What `qkg serve` was told."""

    trig: Path
    html_root: Path | None = None
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    max_memory_mb: int = 1536
    short_budget: float = 1.0
    allow_service: tuple[str, ...] = ()
    cors: tuple[str, ...] = ()
    ontology: Path | None = None

    def pool(self) -> PoolSettings:
        """What the worker pool is told."""
        return PoolSettings(self.trig, self.timeout, self.max_rows, self.workers, self.max_memory_mb, self.short_budget,
                            Limits(allow_service=self.allow_service))


class BadRequest(Exception):
    """A request the server cannot read: answered 400 with this message."""


class Handler(BaseHTTPRequestHandler):
    """SPARQL Protocol on /sparql, library queries on /library/NAME, the query page on /, views on /graph/, IRIs on /resource/."""

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
        if ctype.startswith("text/html"):
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("X-Frame-Options", "DENY")
        origin = self._cors_origin()
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Expose-Headers", "X-QKG-Truncated, X-QKG-Max-Rows")
            self.send_header("Vary", "Origin")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _cors_origin(self) -> str | None:
        allowed = self.app.settings.cors
        if not allowed:
            return None
        if "*" in allowed:
            return "*"
        headers = getattr(self, "headers", None)  # absent when the request line itself could not be read
        origin = headers.get("Origin", "") if headers else ""
        return origin if origin in allowed else None

    def _error(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (" ".join(message.split()) + "\n").encode("utf-8"))

    def send_error(self, code, message=None, explain=None):  # http.server's own errors (bad request line, long headers) as one line
        self.close_connection = True
        try:
            self._error(code, message or self.responses.get(code, ("error",))[0])
        except OSError:
            pass

    def _guarded(self, handler) -> None:
        """Run a handler: unreadable input is a 400, anything unexpected one line of 500, never a dropped connection."""
        try:
            handler()
        except BadRequest as err:
            self.close_connection = True
            self._error(400, str(err))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as err:  # noqa: BLE001 - the client gets one line; the server lives on
            self.close_connection = True
            sys.stderr.write(f"qkg serve: {self.command} {self.path[:200]!r}: {type(err).__name__}: {err}\n")
            self._error(500, f"internal error: {type(err).__name__}")

    def do_HEAD(self):
        self._guarded(self._get)

    def do_GET(self):
        self._guarded(self._get)

    def do_POST(self):
        self._guarded(self._post)

    def do_OPTIONS(self):
        def preflight():
            if not self._cors_origin():
                return self._error(405, "cross-origin requests are not enabled (start qkg serve with --cors ORIGIN)")
            return self._send(204, "text/plain", b"", {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                                       "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600"})
        self._guarded(preflight)

    def do_PUT(self):
        self._guarded(lambda: self._error(405, "this endpoint is read-only"))

    do_DELETE = do_PATCH = do_PUT

    def _url(self):
        url = urlsplit(self.path)
        try:
            path = unquote(url.path, errors="strict")
        except UnicodeDecodeError:
            raise BadRequest("the path is not UTF-8 once %-decoded") from None
        if len(path) > MAX_PATH:
            raise BadRequest(f"path of {len(path):,} characters, over the limit of {MAX_PATH:,}")
        if any(ord(c) < 32 or ord(c) == 127 for c in path):
            raise BadRequest("control character in the path")
        return url, path

    def _get(self) -> None:
        url, path = self._url()
        params = parse_qs(url.query, keep_blank_values=True)
        if path == "/sparql":
            return self._sparql(params, None)
        if path in ("/", "/index.html"):
            return self._send(200, "text/html; charset=utf-8", self.app.page)
        if path == "/favicon.ico":  # browsers ask for it on every page; no icon, and no error in their console
            return self._send(204, "image/x-icon", b"")
        if path.startswith("/library/"):
            return self._library(path[len("/library/"):], params)
        if path == "/graph" or path.startswith("/graph/"):
            return self._static(path[len("/graph"):])
        if path.startswith("/resource/"):
            return self._resource(url.path, params)  # as sent: the graph's IRIs are compared undecoded
        if path in ("/ontology", "/ontology/"):
            return self._ontology()
        if path in ("/dataset", "/void", "/.well-known/void"):
            return self._file(self.app.settings.trig.parent / "void.ttl", "text/turtle; charset=utf-8")
        return self._error(404, f"not found: {path}")

    def _post(self) -> None:
        url, path = self._url()
        if path != "/sparql":
            return self._error(405 if path in ("/", "/graph") else 404, "POST goes to /sparql")
        raw = self.headers.get("Content-Length")
        if raw is None and self.headers.get("Transfer-Encoding"):
            raise BadRequest("chunked request bodies are not supported: send Content-Length")
        try:
            length = int(raw or 0)
        except ValueError:
            raise BadRequest(f"Content-Length must be a number of bytes, not {raw[:40]!r}") from None
        if length < 0:
            raise BadRequest("Content-Length must not be negative")
        if length > MAX_BODY:
            self.close_connection = True
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

    def _accept(self, params: dict[str, list[str]]) -> list[str]:
        fmt = (params.get("format") or [None])[0]
        return [FORMAT_ALIASES.get(fmt, fmt)] if fmt else accept_list(self.headers.get("Accept", ""))

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
        self._answer(text, None, self._accept(params))

    def _library(self, name: str, params: dict[str, list[str]]) -> None:
        """A library query by name, its parameters from the query string, bound as `qkg query --param` binds them."""
        from kg.sparql.query import QueryError, bind_arguments, resolve_query

        given = {k: v[-1] for k, v in params.items() if k != "format"}
        try:
            text, defaults = resolve_query(None, name, self.app.library)
            bindings = bind_arguments(text, defaults, given)
        except QueryError as err:
            return self._error(400 if name in self.app.library else 404, str(err))
        self._answer(text, bindings, self._accept(params))

    def _answer(self, text: str, bindings: dict[str, str] | None, accept: list[str]) -> None:
        kind, payload = self.app.run(text, bindings, accept, self.client_address[0])
        if kind == "ok":
            status, ctype, body, truncated = payload  # type: ignore[misc]
            headers = {"X-QKG-Truncated": "true", "X-QKG-Max-Rows": str(self.app.settings.max_rows)} if truncated else {}
            return self._send(status, ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""), body, headers)
        status = {"bad-request": 400, "timeout": 503, "busy": 503, "memory": 503}.get(kind, 500)
        return self._error(status, str(payload))

    def _resource(self, path: str, params: dict[str, list[str]]) -> None:
        subject = linked.resource_iri(path)
        if subject is None or any(c in subject for c in '<>"{}|^`\\ '):
            return self._error(404, f"not found: {path}")
        accept = self._accept(params)
        wants_html = not params.get("format") and "text/html" in accept and not any(
            a in GRAPH_TYPES for a in accept[:accept.index("text/html")])
        kind, payload = self.app.run(linked.rows_query(subject), None, ["application/sparql-results+json"], self.client_address[0])
        if kind != "ok":
            return self._error(503 if kind in ("busy", "timeout", "memory") else 500, str(payload))
        rows = json.loads(payload[2])["results"]["bindings"]  # type: ignore[index]
        if not rows:
            return self._error(404, f"the graph has no resource {subject}")
        if wants_html:
            page = linked.method_page(subject)
            root = self.app.settings.html_root
            if page and root is not None and (root / page).is_file():
                return self._send(200, "text/html; charset=utf-8", (root / page).read_bytes(), {"Content-Location": f"/graph/{page}"})
            return self._send(200, "text/html; charset=utf-8", linked.render_html(subject, payload[2]))  # type: ignore[index]
        if negotiate(accept, GRAPH_TYPES, "text/turtle") is None:
            return self._error(406, "not acceptable: a resource comes as text/html, text/turtle, application/n-triples or application/ld+json")
        self._answer(linked.describe_query(subject), None, accept)

    def _ontology(self) -> None:
        accept = accept_list(self.headers.get("Accept", ""))
        ontology = self.app.settings.ontology
        if ontology is not None and (ontology / "qkg.ttl").is_file() and negotiate(accept, GRAPH_TYPES, "text/html") == "text/turtle":
            return self._file(ontology / "qkg.ttl", "text/turtle; charset=utf-8")
        root = self.app.settings.html_root
        return self._file(root.parent / "ontology" / "index.html" if root else Path("/nonexistent"), "text/html; charset=utf-8")

    def _file(self, path: Path, ctype: str) -> None:
        if not path.is_file():
            return self._error(404, f"not built: {path.name} (run `qkg build`)")
        self._send(200, ctype, path.read_bytes())

    def _static(self, rel: str) -> None:
        root = self.app.settings.html_root
        if root is None or not root.is_dir():
            return self._error(404, "no HTML views: run `qkg build`")
        rel = rel.lstrip("/") or "index.html"
        base = root.resolve()
        target = (root / rel).resolve()
        if base not in target.parents and target != base:
            return self._error(403, "outside the served folder")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return self._error(404, f"not found: /graph/{rel}")
        return self._send(200, STATIC_TYPES.get(target.suffix, "application/octet-stream"), target.read_bytes())


class App:
    """The server's state: settings, the worker pool, the query page, request counts."""

    def __init__(self, settings: Settings, verbose: bool = False):
        from kg.sparql.page import query_page
        from kg.sparql.query import library

        self.settings = settings
        self.verbose = verbose
        self.pool = Pool(settings.pool())
        self.library = library()
        self.page = query_page().encode("utf-8")
        self.lock = threading.Lock()
        self.stats: dict[str, int] = {}

    def run(self, text: str, bindings: dict[str, str] | None, accept: list[str], client: str) -> tuple[str, object]:
        """A query through the pool, counted by outcome."""
        started = time.perf_counter()
        kind, payload = self.pool.run(text, bindings, accept, client)
        self.count(kind, time.perf_counter() - started)
        return kind, payload

    def count(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.stats[kind] = self.stats.get(kind, 0) + 1


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def make_server(settings: Settings, host: str = "127.0.0.1", port: int = 8000, verbose: bool = False) -> ThreadingHTTPServer:
    """A server bound to host:port (port 0 picks a free one); call serve_forever()."""
    app = App(settings, verbose)
    try:
        server = Server((host, port), Handler)
    except OSError:
        app.pool.close()
        raise
    server.app = app  # type: ignore[attr-defined]
    return server


def serve(settings: Settings, host: str, port: int, verbose: bool = False) -> None:
    """Run until interrupted."""
    server = make_server(settings, host, port, verbose)
    bound_host, bound_port = server.server_address[:2]
    print(f"qkg serve: SPARQL endpoint http://{bound_host}:{bound_port}/sparql (query page /, views /graph/, IRIs /resource/); "
          f"timeout {settings.timeout:g} s, at most {settings.max_rows} rows, {settings.max_memory_mb} MB per worker", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.app.pool.close()  # type: ignore[attr-defined]
