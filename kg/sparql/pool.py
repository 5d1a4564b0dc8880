"""The endpoint's worker processes: each holds a copy of the graph; the pool schedules queries on them fairly.

Every query runs in a worker process, so a query can be stopped by killing its worker (a thread
cannot be interrupted inside Oxigraph), and a crash or a runaway allocation costs one worker,
which is replaced, never the server.

Fairness: `workers` general workers, plus one worker reserved for short queries (the short
lane). A query the pool has seen run longer than `short_budget` is known slow (by its text) and
waits for a general worker; any other query may take the short lane, where it is stopped at
`short_budget` and sent on to the general lane, marked slow (queries are told apart by their
text without comments and extra whitespace). A loaded spare takes over the short lane the
moment its worker is stopped. So however many clients run slow queries, a cheap one waits at
most for the short lane. Waiting queries are served client by
client: the next free worker goes to the waiting client with the fewest queries running.

Memory: a monitor thread reads each busy worker's resident memory every 20 ms and kills a
worker over `max_memory_mb` (the query gets 503 and the worker is replaced).
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from kg.sparql.guard import Limits, shape

_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1 << 20) if hasattr(os, "sysconf") else 4 / 1024
WATCH_SECONDS = 0.02


@dataclass(frozen=True)
class PoolSettings:
    """How the workers are run."""

    trig: Path
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    max_memory_mb: int = 1536
    short_budget: float = 1.0
    limits: Limits = Limits()


def _worker_main(conn, trig: str, max_rows: int, limits: Limits) -> None:
    """Load the graph, then answer (text, bindings, accept) requests until the pipe closes."""
    from kg.sparql.encode import encode
    from kg.sparql.query import OxigraphEngine, QueryError

    engine = OxigraphEngine(Path(trig), limits=limits)
    conn.send(("ready", None))
    while True:
        try:
            text, bindings, accept = conn.recv()
        except EOFError:
            return
        try:
            result = engine.run(text, bindings, limit=max_rows)
            conn.send(("ok", encode(result, accept)))
        except QueryError as err:
            conn.send(("bad-request", str(err)))
        except MemoryError:
            conn.send(("memory", "query stopped: it needed more memory than a worker may use"))
        except Exception as err:  # noqa: BLE001 - an engine failure becomes a 500, the worker lives on
            conn.send(("error", f"{type(err).__name__}: {err}"))


class Worker:
    """One worker process, its pipe, and what it is doing."""

    def __init__(self, settings: PoolSettings, lane: str, wait: bool = True):
        ctx = mp.get_context("spawn")
        self.lane = lane
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, str(settings.trig), settings.max_rows, settings.limits), daemon=True)
        self.process.start()
        child.close()
        self.stopped_for: str | None = None  # set by whoever kills it: "memory", "timeout", "budget"
        self.started: float | None = None  # when the current query was sent
        self.fingerprint: str | None = None
        self.client = ""
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Block until the worker has loaded the graph."""
        if not self.conn.poll(300):
            self.kill()
            raise RuntimeError("a worker did not load the graph within 300 s")
        kind, _ = self.conn.recv()
        if kind != "ready":
            raise RuntimeError(f"a worker failed to start: {kind}")

    def rss_mb(self) -> float:
        """Resident memory now, from /proc (0 when it cannot be read)."""
        try:
            return int(Path(f"/proc/{self.process.pid}/statm").read_text().split()[1]) * _PAGE_MB
        except (OSError, IndexError, ValueError):
            return 0.0

    def kill(self, reason: str | None = None) -> None:
        if reason and self.stopped_for is None:
            self.stopped_for = reason
        self.process.kill()

    def close(self) -> None:
        self.kill()
        self.process.join(5)
        self.conn.close()


class Pool:
    """Hands workers to queries: short lane and general lane, fair by client, memory watched."""

    def __init__(self, settings: PoolSettings):
        self.settings = settings
        self.cond = threading.Condition()
        self.idle: dict[str, list[Worker]] = {"general": [], "short": []}
        self.busy: set[Worker] = set()
        self.waiting: list[tuple[int, str, str]] = []  # (ticket, client, fingerprint)
        self.running: dict[str, int] = {}
        self.slow: OrderedDict[str, None] = OrderedDict()  # fingerprints of queries seen running past the short budget
        self.tickets = itertools.count()
        self.closed = False
        self.baseline_mb = 0.0
        # Started together, so the graph loads in all of them at once. A loaded spare takes over the short lane the
        # moment its worker is stopped: starting one takes longer than the lane's budget.
        started = [Worker(settings, lane, wait=False) for lane in ["general"] * settings.workers + ["short", "short"]]
        for worker in started:
            worker.wait_ready()
            self.baseline_mb = max(self.baseline_mb, worker.rss_mb())
        for worker in started[:-1]:
            self.idle[worker.lane].append(worker)
        self.spare: Worker | None = started[-1]
        if self.baseline_mb > 0.8 * settings.max_memory_mb:
            self.close()
            raise RuntimeError(f"a worker holds {self.baseline_mb:.0f} MB with the graph loaded: raise --max-memory "
                               f"(now {settings.max_memory_mb} MB) well above that")
        threading.Thread(target=self._watch, name="qkg-memory-watch", daemon=True).start()

    # --- scheduling -------------------------------------------------------------------

    def run(self, text: str, bindings: dict[str, str] | None, accept: list[str], client: str = "") -> tuple[str, object]:
        """(kind, payload) for a query: ok, bad-request, busy, timeout, memory, crash or error."""
        fingerprint = shape(text) + repr(sorted((bindings or {}).items()))
        while True:
            worker = self._acquire(client, fingerprint, time.monotonic() + self.settings.timeout)
            if worker is None:
                return "busy", f"every worker is busy; try again (waited {self.settings.timeout:g} s)"
            kind, payload = self._ask(worker, (text, bindings, accept))
            if kind != "budget":
                return kind, payload  # a query stopped in the short lane goes on to the general lane

    def _acquire(self, client: str, fingerprint: str, deadline: float) -> Worker | None:
        with self.cond:
            ticket = (next(self.tickets), client, fingerprint)
            self.waiting.append(ticket)
            try:
                while not self.closed:
                    for lane in ("general", "short"):
                        while self.idle[lane] and not self.idle[lane][-1].process.is_alive():  # died while idle (killed from outside)
                            self._retire(self.idle[lane].pop())
                        if self.idle[lane] and self._next_for(lane) == ticket:
                            worker = self.idle[lane].pop()
                            worker.started, worker.fingerprint, worker.client = time.monotonic(), fingerprint, client
                            self.busy.add(worker)
                            self.running[client] = self.running.get(client, 0) + 1
                            return worker
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return None
                    self.cond.wait(min(remaining, 0.5))
                return None
            finally:
                self.waiting.remove(ticket)
                self.cond.notify_all()

    def _next_for(self, lane: str) -> tuple[int, str, str] | None:
        """The waiting query a free worker of `lane` goes to: the client with the fewest running, then the oldest."""
        eligible = [t for t in self.waiting if lane == "general" or t[2] not in self.slow]
        return min(eligible, key=lambda t: (self.running.get(t[1], 0), t[0]), default=None)

    def _ask(self, worker: Worker, request) -> tuple[str, object]:
        budget = self.settings.short_budget if worker.lane == "short" else self.settings.timeout
        answer: tuple[str, object] | None = None
        try:
            worker.conn.send(request)
            if worker.conn.poll(budget):
                answer = worker.conn.recv()
            else:
                worker.kill("budget" if worker.lane == "short" else "timeout")
        except (EOFError, OSError):
            pass
        self._release(worker, alive=answer is not None)
        if answer is not None:
            return answer
        return self._why_stopped(worker)

    def _why_stopped(self, worker: Worker) -> tuple[str, str]:
        worker.process.join(5)
        reason = worker.stopped_for
        if reason == "budget":
            return "budget", ""
        if reason == "timeout":
            return "timeout", f"query stopped: it ran longer than the {self.settings.timeout:g} s limit"
        if reason == "memory":
            return "memory", (f"query stopped: its worker used more than the {self.settings.max_memory_mb} MB memory limit "
                              f"(--max-memory); the worker was replaced")
        code = worker.process.exitcode
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        return "crash", f"query crashed its worker ({how}); the worker was replaced"

    def _release(self, worker: Worker, alive: bool) -> None:
        with self.cond:
            self.busy.discard(worker)
            client = worker.client
            self.running[client] = self.running.get(client, 1) - 1
            if not self.running[client]:
                del self.running[client]
            elapsed = time.monotonic() - (worker.started or time.monotonic())
            if elapsed > self.settings.short_budget or worker.stopped_for:
                self._mark_slow(worker.fingerprint)
            worker.started = None
            if alive and not self.closed:
                self.idle[worker.lane].append(worker)
                self.cond.notify_all()
                return
        with self.cond:
            self._retire(worker)

    def _retire(self, worker: Worker) -> None:
        """Replace a dead or killed worker (the short lane's spare steps in at once); call with the lock held."""
        if worker.lane == "short" and self.spare is not None:
            self.idle["short"].append(self.spare)
            self.spare = None
            self.cond.notify_all()
        worker.close()
        threading.Thread(target=self._replace, args=(worker.lane,), daemon=True).start()

    def _mark_slow(self, fingerprint: str | None) -> None:
        if fingerprint is None:
            return
        self.slow[fingerprint] = None
        self.slow.move_to_end(fingerprint)
        while len(self.slow) > 1024:
            self.slow.popitem(last=False)

    def _replace(self, lane: str) -> None:
        try:
            worker = Worker(self.settings, lane)
        except Exception:  # noqa: BLE001 - retried on the next failure; the pool runs on with one worker fewer
            return
        with self.cond:
            if self.closed:
                worker.close()
                return
            if lane == "short" and self.spare is None and (self.idle["short"] or any(w.lane == "short" for w in self.busy)):
                self.spare = worker
                return
            self.idle[lane].append(worker)
            self.cond.notify_all()

    def _watch(self) -> None:
        """Kill a busy worker over the memory cap; mark a query slow as soon as it passes the short budget."""
        while not self.closed:
            time.sleep(WATCH_SECONDS)
            with self.cond:
                busy = list(self.busy)
            now = time.monotonic()
            for worker in busy:
                if worker.rss_mb() > self.settings.max_memory_mb:
                    worker.kill("memory")
                elif worker.started is not None and now - worker.started > self.settings.short_budget and worker.lane == "general":
                    with self.cond:
                        if worker.fingerprint not in self.slow:
                            self._mark_slow(worker.fingerprint)
                            self.cond.notify_all()

    def processes(self) -> list[int]:
        """The pids of the workers now alive."""
        with self.cond:
            return [w.process.pid for w in [*self.busy, *self.idle["general"], *self.idle["short"], *filter(None, [self.spare])]]

    def close(self) -> None:
        with self.cond:
            self.closed = True
            workers = [*self.busy, *self.idle["general"], *self.idle["short"], *filter(None, [self.spare])]
            self.idle, self.spare = {"general": [], "short": []}, None
            self.cond.notify_all()
        for w in workers:
            w.close()
