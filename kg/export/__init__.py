"""Exports: takes a validated build and gives every export file, one small writer per format; `write_all` stages
them all, then puts them in place as one set."""

from __future__ import annotations

import time

from kg.export import rdf, reports
from kg.export.staging import staged

# Folders whose files only a build writes: stale files there are removed on commit.
OWNED_FOLDERS = ["reports", "html", "tables", "ontology"]


def write_all(build, writers=None, timings: dict | None = None, check=None) -> dict:
    """Write every export of `build` into build.layout.out atomically; returns the build report.

    `check()` runs while a child process writes Turtle, JSON-LD and TriG; if it raises, nothing
    is written. Any failure discards the staged files and leaves the previous exports as they were.
    """
    timings = timings if timings is not None else build.timings
    with staged(build.layout.out) as staging:
        start = time.perf_counter()
        conversion = rdf.start(build.dataset, staging)
        timings["export_rdf"] = time.perf_counter() - start
        try:
            if check is not None:
                check()
            start = time.perf_counter()
            report = reports.write(build, staging)
            timings["export_reports"] = time.perf_counter() - start
            for name, writer in (writers or {}).items():
                start = time.perf_counter()
                writer(build, staging)
                timings[f"export_{name}"] = time.perf_counter() - start
            start = time.perf_counter()
            child = conversion.wait()
            timings["export_rdf_wait"] = time.perf_counter() - start
            build.helper_peak_mb["serialiser"] = child.pop("peak_mb")
            timings.update({f"export_rdf_child_{name}": seconds for name, seconds in child.items()})
        finally:
            conversion.stop()
        staging.commit(prune=OWNED_FOLDERS)
    return report
