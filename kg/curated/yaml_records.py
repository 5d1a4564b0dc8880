"""Read YAML files that hold a list of records, each record with the line it starts on.

libyaml parses in C, but PyYAML then builds a Python node with two marks for every scalar:
16 MB of records take about 7 s. When a file is a plain block sequence at column 0 (as every
curated file is), it is cut at the record starts and the pieces are read in a pool of
processes, one per core, while the build parses the source lists. A file that is not that
plain (anchors, several documents, directives), or a piece that does not read cleanly, is read
whole, so that errors and line numbers are always those of the whole file.
"""

from __future__ import annotations

import io
import os
import pickle
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import yaml

from kg.child import own_peak_mb, spawn

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster on large files
PARALLEL_BYTES = 2_000_000  # below this in all, a pool costs more than it saves
PIECES_PER_WORKER = 8
_RECORD_START = re.compile(r"^-(?=[ \n])", re.M)
_NOT_PLAIN = re.compile(r"^(?:---|\.\.\.|%)|(?:^|[\s\[{,])[&*!][^\s,\[\]{}]", re.M)  # documents, directives, anchors, aliases, tags


class YamlSyntaxError(Exception):
    def __init__(self, line: int, problem: str):
        super().__init__(problem)
        self.line, self.problem = line, problem


class NotAList(Exception):
    """The document is not a YAML list."""


Records = list[tuple[int, Any]]  # (line, record) in file order


def read_text(text: str, first_line: int = 1) -> Records:
    """Every item of the YAML list in `text` with its line; [] for an empty document."""
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + first_line if mark else 0
        raise YamlSyntaxError(line, getattr(err, "problem", None) or str(err).splitlines()[0]) from None
    if data is None:
        return []
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        raise NotAList
    return [(node.start_mark.line + first_line, item) for node, item in zip(root.value, data)]


def _read_piece(text: str, first_line: int, records: int) -> Records | None:
    """A piece in a worker: None when it does not read as exactly `records` records (the parent reads the file whole)."""
    try:
        out = read_text(text, first_line)
    except (YamlSyntaxError, NotAList):
        return None
    return out if len(out) == records else None


def pieces(text: str, count: int) -> list[tuple[str, int, int]] | None:
    """`text` cut into about `count` runs of whole records: (text, first line, records); None if it is not plain."""
    if _NOT_PLAIN.search(text):
        return None
    starts = [m.start() for m in _RECORD_START.finditer(text)]
    head = text[:starts[0]] if starts else text
    if not starts or any(line.strip() and not line.lstrip().startswith("#") for line in head.splitlines()):
        return None
    step = max(1, -(-len(starts) // count))
    out = []
    line = head.count("\n") + 1
    for i in range(0, len(starts), step):
        end = starts[i + step] if i + step < len(starts) else len(text)
        chunk = text[starts[i]:end]
        out.append((chunk, line, min(step, len(starts) - i)))
        line += chunk.count("\n")
    return out


class Reading:
    """Files being read; result(path) gives one file's records (or raises its YAML error)."""

    def __init__(self, paths: list[Path]):
        self.texts: dict[Path, str] = {}
        self.errors: dict[Path, OSError | UnicodeDecodeError] = {}
        for path in paths:
            try:
                self.texts[path] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                self.errors[path] = err
        self.jobs: list[Path] = []  # the file of each piece, in submission order
        self.workers: list[_Worker] = []
        count = os.cpu_count() or 1
        if sum(len(t) for t in self.texts.values()) < PARALLEL_BYTES or count < 2:
            return
        work: list[list[tuple[str, int, int]]] = [[] for _ in range(count)]
        for path, text in self.texts.items():
            cut = pieces(text, count * PIECES_PER_WORKER) if len(text) >= PARALLEL_BYTES // 4 else None
            for piece in cut or []:
                work[len(self.jobs) % count].append(piece)
                self.jobs.append(path)
        self.workers = [_Worker(w) for w in work if w]

    def result(self, path: Path) -> Records:
        if path in self.errors:
            raise self.errors[path]
        parts = self._parts().pop(path, None)  # handed over once: the caller keeps what it needs
        text = self.texts.pop(path)
        if parts and all(p is not None for p in parts):
            return [record for part in parts for record in part]
        return read_text(text)

    def _parts(self) -> dict[Path, list[Records | None]]:
        if not hasattr(self, "_done"):
            results = [w.result() for w in self.workers]
            self._done: dict[Path, list[Records | None]] = {}
            for n, path in enumerate(self.jobs):  # job n went to worker n % count, as its (n // count)th piece
                self._done.setdefault(path, []).append(results[n % len(results)][n // len(results)] if results else None)
        return self._done

    def close(self) -> None:
        for w in self.workers:
            w.stop()

    @property
    def workers_peak_mb(self) -> int:
        """The workers' peak memory added up (they run at the same time)."""
        return sum(w.peak_mb for w in self.workers)


class _Worker:
    """A child process reading pieces (plain subprocess, not multiprocessing: no re-import of the caller's script)."""

    def __init__(self, work: list[tuple[str, int, int]]):
        self.count = len(work)
        self.process = spawn("kg.curated.yaml_records", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.output: bytes = b""
        self.peak_mb = 0
        self.thread = threading.Thread(target=self._talk, args=(pickle.dumps(work),), daemon=True)
        self.thread.start()

    def _talk(self, data: bytes) -> None:
        self.output, _ = self.process.communicate(data)

    def result(self) -> list[Records | None]:
        """The worker's answers, or None for each piece if it failed (the parent then reads those files itself)."""
        self.thread.join()
        if self.process.returncode != 0:
            return [None] * self.count
        stream = io.BytesIO(self.output)
        self.output = b""
        results = [pickle.load(stream) for _ in range(self.count)]
        self.peak_mb = pickle.load(stream)
        return results

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.thread.join()


if __name__ == "__main__":
    import gc
    gc.disable()  # a short-lived reader: collections would walk every record built so far, 3-4x the reading time
    for piece in pickle.loads(sys.stdin.buffer.read()):
        pickle.dump(_read_piece(*piece), sys.stdout.buffer)  # one piece's records at a time: the worker's peak is one piece
    pickle.dump(own_peak_mb(), sys.stdout.buffer)
