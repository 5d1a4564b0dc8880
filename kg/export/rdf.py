"""RDF exports: qkg.nt, qkg.ttl, qkg.jsonld (the union graph) and qkg.trig (one named graph per origin).

The build holds every triple in N-Triples terms; this process writes qkg.nt and the quads TriG
needs (one file per named graph) in sorted order in one pass, then a child process streams them
through Oxigraph's serialisers while this one validates and writes the other exports: the two
cores work at once, and the child holds one triple at a time, not the graph. Same order in,
same bytes out: two builds on the same inputs give byte-identical files.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg import iri
from kg.child import own_peak_mb, spawn
from kg.export.staging import Staging
from kg.graph.dataset import Dataset

PREFIXES = dict(sorted(iri.PREFIXES.items()))
QUADS = ".quads"  # TriG's input, a folder beside the staged files (one N-Quads file per graph); never committed
CONVERSIONS = (  # output, format, input, input format
    ("qkg.ttl", "TURTLE", "qkg.nt", "N_TRIPLES"),
    ("qkg.jsonld", "JSON_LD", "qkg.nt", "N_TRIPLES"),
    ("qkg.trig", "TRIG", QUADS, "N_QUADS"),
)


class ConversionFailed(Exception):
    """The serialiser child failed: its message names the file."""


class Conversion:
    """The child process writing qkg.ttl, qkg.jsonld and qkg.trig from the staged N-Triples and N-Quads."""

    def __init__(self, staging: Staging):
        self.folder = staging.root
        for name, *_ in CONVERSIONS:
            staging.path(name)  # registered now, so the commit moves them
        self.process = spawn("kg.export.rdf", str(self.folder), str(os.getpid()), stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def wait(self) -> dict[str, float]:
        """Seconds the child spent per file; raises ConversionFailed if it failed."""
        out, err = self.process.communicate()
        shutil.rmtree(self.folder / QUADS, ignore_errors=True)
        if self.process.returncode != 0:
            lines = err.decode("utf-8", "replace").strip().splitlines()
            raise ConversionFailed(f"writing the Turtle/JSON-LD/TriG exports failed: {lines[-1] if lines else self.process.returncode}")
        return json.loads(out)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _die_with_parent(parent: int) -> None:
    """In the child: ask Linux to kill it when the build process dies, so no orphan writes into staging.

    Set here rather than in a preexec_fn, which would make Python fork the whole build process
    (and count its memory twice) instead of spawning.
    """
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request was in place
        sys.exit(1)


def start(ds: Dataset, staging: Staging) -> Conversion:
    """Write qkg.nt and the quads, then start the child that writes the other three formats."""
    quads = staging.root / QUADS
    quads.mkdir()
    files: dict[str, BinaryIO] = {}

    def graph_file(graph: str) -> BinaryIO:
        if graph not in files:
            files[graph] = open(quads / f"{len(files):04d}.nq", "wb")
        return files[graph]

    try:
        with open(staging.path("qkg.nt"), "wb") as out:
            ds.write(out, graph_file)
    finally:
        for f in files.values():
            f.close()
    # The child reads the graphs in IRI order, as TriG lists them: named by that order.
    for n, graph in enumerate(sorted(files)):
        Path(files[graph].name).rename(quads / f"graph-{n:04d}.nq")
    return Conversion(staging)


def convert(folder: Path) -> dict[str, float]:
    """In the child: stream each input through Oxigraph's parser into its serialiser."""
    seconds = {}
    for name, fmt, source, source_fmt in CONVERSIONS:
        start_time = time.perf_counter()
        source_path = folder / source
        paths = sorted(source_path.glob("graph-*.nq")) if source_path.is_dir() else [source_path]
        with open(folder / name, "wb") as out:
            quads = chain.from_iterable(ox.parse(path=str(p), format=getattr(ox.RdfFormat, source_fmt)) for p in paths)
            ox.serialize(quads, out, format=getattr(ox.RdfFormat, fmt), prefixes=PREFIXES)
        seconds[name] = round(time.perf_counter() - start_time, 3)
    seconds["peak_mb"] = own_peak_mb()
    return seconds


if __name__ == "__main__":
    import gc
    gc.disable()  # a short-lived converter holding no Python cycles
    _die_with_parent(int(sys.argv[2]))
    print(json.dumps(convert(Path(sys.argv[1]))))
