"""What `qkg build` does, end to end: run the pipeline, validate, write every export atomically."""

from __future__ import annotations

import time
import traceback
from pathlib import Path

from kg.curated import load as curated_mod
from kg.curated.load import CuratedError
from kg.export import write_all
from kg.export.rdf import ConversionFailed
from kg.methods.catalog import MethodError
from kg.paths import Layout
from kg.pipeline import Build, gc_paused, run
from kg.resolve import ResolveError
from kg.graph.validate import Report, validate_file, validate_pyshacl, validate_subjects


class BuildFailed(Exception):
    """The graph violates ontology/shapes.ttl: nothing is written."""


def _writers(html: bool = True) -> dict:
    """name -> writer(build, staging), for every export beyond RDF and reports."""
    from kg.export import bibtex, graphml, markdown, ontology_docs, tables, void
    from kg.export import html as html_views
    writers = {"bibtex": bibtex.write, "papers_md": markdown.write, "graphml": graphml.write, "tables": tables.write,
               "void": void.write, "ontology_docs": ontology_docs.write}
    if html:
        writers["html"] = html_views.write
    return writers


def build_and_export(layout: Layout, progress=None, html: bool = True) -> Build:
    """Build, validate (refusing a graph with violations) and write every export (HTML views unless html=False)."""
    with gc_paused():
        return _build_and_export(layout, progress, html)


def _build_and_export(layout: Layout, progress, html: bool) -> Build:
    build = run(layout, progress=progress)

    def check() -> None:
        start = time.perf_counter()
        report = validate_subjects(build.dataset.by_subject, layout.ontology / "shapes.ttl")
        build.timings["validate"] = time.perf_counter() - start
        if not report.conforms:
            shown = "; ".join(str(r) for r in report.violations[:5])
            more = f" (and {len(report.violations) - 5} more)" if len(report.violations) > 5 else ""
            raise BuildFailed(f"the graph violates ontology/shapes.ttl, no export written: {shown}{more}")
        build.warnings = report.warnings  # type: ignore[attr-defined]
        if progress:
            progress("validate")

    write_all(build, _writers(html), check=check)
    if progress:
        progress("export")
    return build


def validate_graph(layout: Layout, engine: str, data: Path | None) -> Report:
    """Validate a Turtle file, or a freshly built graph, with the chosen engine."""
    shapes = layout.ontology / "shapes.ttl"
    if engine == "pyshacl":
        if data is None:
            import tempfile

            build = run(layout)
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "graph.nt"
                path.write_bytes(build.dataset.ntriples)
                return validate_pyshacl(path, shapes, fmt="nt")
        return validate_pyshacl(data, shapes)
    if data is None:
        return validate_subjects(run(layout).dataset.by_subject, shapes)
    return validate_file(data, shapes)


def check_inputs(layout: Layout) -> dict[str, int]:
    """Load curated data and resolve every reference, as a build would; counts by kind."""
    curated = curated_mod.load(layout.curated)
    build = run(layout)
    return {"methods": len(curated.methods), "relations": len(curated.relations), "paper records": len(curated.papers),
            "graph methods": len(build.methods), "graph edges": len(build.edges)}


def describe_error(err: Exception) -> str:
    """One line for any failure: input errors as they are, anything else with its origin."""
    if isinstance(err, (CuratedError, MethodError, ResolveError, BuildFailed, ConversionFailed)):
        return str(err)
    if isinstance(err, PermissionError):
        return f"cannot write {err.filename}: permission denied"
    if isinstance(err, FileNotFoundError):
        return f"no such file or folder: {err.filename}"
    if isinstance(err, OSError):
        return f"{err.strerror or err}: {err.filename or ''}".strip(": ")
    frame = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    origin = f" (at {Path(frame.filename).name}:{frame.lineno})" if frame else ""
    return f"internal error: {type(err).__name__}: {err}{origin}"
