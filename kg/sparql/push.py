"""`qkg push`: send the built dataset to a SPARQL 1.1 Graph Store HTTP Protocol endpoint, one request per named graph.

The TriG is read once, as a stream, and split into one N-Triples file per named graph in a
temporary folder (disk, not memory: a 5M-triple graph never sits in memory twice); each file is
then sent with PUT (replace the graph) or POST (add to it). A 5xx or a dropped connection is
retried with back-off; anything else stops the push, which then says which graphs were written.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox


class PushFailed(Exception):
    """The push stopped: the message says what was and was not written."""


@dataclass
class Target:
    """A Graph Store endpoint and how to talk to it."""

    url: str
    mode: str = "replace"  # "replace" (PUT) or "append" (POST)
    user: str | None = None
    password: str | None = None
    token: str | None = None
    retries: int = 4
    backoff: float = 0.5  # seconds before the first retry; doubled each time
    timeout: float = 600.0

    def headers(self, method: str = "PUT", path: str = "/", challenge: str | None = None) -> dict[str, str]:
        """Request headers, with credentials: a bearer token, Digest when the server asked for it, else Basic."""
        headers = {"Content-Type": "application/n-triples", "User-Agent": "qkg-push"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.user is not None and challenge and challenge.lower().startswith("digest"):
            headers["Authorization"] = digest_authorization(challenge, method, path, self.user, self.password or "")
        elif self.user is not None:
            secret = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            headers["Authorization"] = f"Basic {secret}"
        return headers


@dataclass
class Pushed:
    """What one push did."""

    graphs: list[tuple[str, int, float]] = field(default_factory=list)  # (graph IRI, triples, seconds)
    split_seconds: float = 0.0


def split_by_graph(trig: Path, folder: Path, progress: Callable[[str], None] | None = None) -> list[tuple[str, Path, int]]:
    """Stream the TriG into one N-Triples file per named graph: (graph IRI, file, triples), in the TriG's order.

    Triples of the default graph, if any, are refused: the Graph Store Protocol would put them
    in the store's default graph, which qkg does not own.
    """
    files: dict[str, tuple[Path, object, list[int]]] = {}
    order: list[str] = []
    seen = 0
    try:
        for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph):
                raise PushFailed(f"{trig} holds triples outside any named graph; qkg pushes named graphs only")
            key = graph.value
            entry = files.get(key)
            if entry is None:
                path = folder / f"graph-{len(files):04d}.nt"
                entry = files[key] = (path, open(path, "wb"), [0])
                order.append(key)
            _, out, count = entry
            out.write(f"{quad.subject} {quad.predicate} {quad.object} .\n".encode())
            count[0] += 1
            seen += 1
            if progress and seen % 1_000_000 == 0:
                progress(f"read {seen:,} quads")
    except SyntaxError as err:
        raise PushFailed(f"{trig}: not readable TriG: {err}") from None
    finally:
        for _, out, _ in files.values():
            out.close()
    return [(g, files[g][0], files[g][2][0]) for g in order]


def push(trig: Path, target: Target, progress: Callable[[str], None] | None = None) -> Pushed:
    """Send every named graph of `trig` to the endpoint; raises PushFailed naming what was and was not written."""
    if not trig.is_file():
        raise PushFailed(f"no such dataset: {trig} (run `qkg build` first)")
    url = urlsplit(target.url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise PushFailed(f"'{target.url}' is not an http(s) URL of a Graph Store endpoint")
    result = Pushed()
    folder = Path(tempfile.mkdtemp(prefix="qkg-push-"))
    try:
        started = time.perf_counter()
        graphs = split_by_graph(trig, folder, progress)
        result.split_seconds = time.perf_counter() - started
        for n, (graph, path, triples) in enumerate(graphs, 1):
            started = time.perf_counter()
            try:
                _send(target, graph, path)
            except PushFailed as err:
                done = [g for g, _, _ in result.graphs]
                left = [g for g, _, _ in graphs[n - 1:]]
                raise PushFailed(f"{err}; written: {len(done)} of {len(graphs)} graphs{_names(done)}; "
                                 f"not written: {len(left)}{_names(left)}") from None
            finally:
                path.unlink(missing_ok=True)
            seconds = time.perf_counter() - started
            result.graphs.append((graph, triples, seconds))
            if progress:
                progress(f"[{n}/{len(graphs)}] {graph}: {triples:,} triples in {seconds:.1f} s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def _names(graphs: list[str]) -> str:
    if not graphs:
        return ""
    short = [g.rsplit("/graph/", 1)[-1] for g in graphs]
    return " (" + ", ".join(short[:8]) + (", …" if len(short) > 8 else "") + ")"


def _send(target: Target, graph: str, path: Path) -> None:
    """One PUT/POST of a graph's N-Triples, retried on 5xx and dropped connections with back-off."""
    url = urlsplit(target.url)
    separator = "&" if url.query else "?"
    request_path = (url.path or "/") + (f"?{url.query}" if url.query else "") + f"{separator}graph={quote(graph, safe='')}"
    method = "PUT" if target.mode == "replace" else "POST"
    size = path.stat().st_size
    delay = target.backoff
    conn_type = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    for attempt in range(target.retries + 1):
        problem = None
        conn = conn_type(url.hostname, url.port, timeout=target.timeout)
        try:
            challenge = _challenge(conn_type, url, method, request_path, target) if target.user is not None and not target.token else None
            with open(path, "rb") as body:
                headers = {**target.headers(method, request_path, challenge), "Content-Length": str(size)}
                conn.request(method, request_path, body=body, headers=headers)
                response = conn.getresponse()
                detail = response.read(2000).decode("utf-8", "replace").strip().splitlines()
            if 200 <= response.status < 300:
                return
            problem = f"HTTP {response.status} {response.reason}" + (f": {detail[0][:200]}" if detail else "")
            if response.status < 500:
                raise PushFailed(f"{target.url} refused graph {graph} ({problem})")
        except (OSError, http.client.HTTPException) as err:
            problem = f"{type(err).__name__}: {getattr(err, 'strerror', None) or err}"
        finally:
            conn.close()
        if attempt < target.retries:
            time.sleep(delay)
            delay *= 2
    raise PushFailed(f"{target.url} did not take graph {graph} after {target.retries + 1} attempts ({problem})")


def _challenge(conn_type, url, method: str, request_path: str, target: Target) -> str | None:
    """The server's Digest challenge, asked for with HEAD (no side effect) so that a large body is not sent to be refused."""
    conn = conn_type(url.hostname, url.port, timeout=target.timeout)
    try:
        conn.request("HEAD", request_path, headers={"User-Agent": "qkg-push"})
        response = conn.getresponse()
        response.read()
        challenge = response.getheader("WWW-Authenticate", "")
        return challenge if response.status == 401 and challenge.lower().startswith("digest") else None
    finally:
        conn.close()


def digest_authorization(challenge: str, method: str, uri: str, user: str, password: str) -> str:
    """An HTTP Digest `Authorization` value (RFC 7616: MD5 or SHA-256, qop=auth) answering `challenge` (Virtuoso asks for it)."""
    fields = {k: a or b for k, a, b in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', challenge)}
    algorithm = fields.get("algorithm", "MD5")
    digest = hashlib.sha256 if algorithm.upper().startswith("SHA-256") else hashlib.md5

    def h(text: str) -> str:
        return digest(text.encode()).hexdigest()

    realm, nonce = fields.get("realm", ""), fields.get("nonce", "")
    ha1, ha2 = h(f"{user}:{realm}:{password}"), h(f"{method}:{uri}")
    parts = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"', f"algorithm={algorithm}"]
    if "auth" in [q.strip() for q in fields.get("qop", "").split(",")]:
        cnonce, nc = os.urandom(8).hex(), "00000001"
        parts += [f'response="{h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")}"', "qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
    else:
        parts.append(f'response="{h(f"{ha1}:{nonce}:{ha2}")}"')
    if "opaque" in fields:
        parts.append(f'opaque="{fields["opaque"]}"')
    return "Digest " + ", ".join(parts)


def credentials(user: str | None, password: str | None, token: str | None) -> tuple[str | None, str | None, str | None]:
    """Options first, then QKG_PUSH_USER / QKG_PUSH_PASSWORD / QKG_PUSH_TOKEN from the environment."""
    return (user or os.environ.get("QKG_PUSH_USER"), password or os.environ.get("QKG_PUSH_PASSWORD"),
            token or os.environ.get("QKG_PUSH_TOKEN"))
