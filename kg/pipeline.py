"""What `qkg build` does, end to end: parse -> resolve -> methods and edges -> graph -> validate -> export.

`run` builds the graph in memory; `build_and_export` validates it and writes every export as one set."""

from __future__ import annotations

import gc
import sys
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.curated import load as curated_mod
from kg.curated.load import CuratedError
from kg.export import write_all
from kg.export.rdf import ConversionFailed
from kg.graph.dataset import Dataset, build_dataset
from kg.graph.validate import Report, validate_file, validate_pyshacl, validate_subjects
from kg.methods.catalog import Method, MethodError, build_methods, methods_by_paper
from kg.methods.relations import Edge, build_edges, check_lineage
from kg.methods.schemes import Scheme, load_schemes
from kg.methods.sections import section_categories
from kg.methods.techniques import TechniqueUse, build_technique_uses
from kg.parse import ParseResult, parse_sources
from kg.paths import Layout
from kg.resolve import Resolution, ResolveError, cluster, resolve
from kg.resolve.conflicts import Conflict, section_conflict


@dataclass
class Build:
    """Everything one build produced, stage by stage, with timings."""

    layout: Layout
    parsed: ParseResult
    resolution: Resolution
    methods: list[Method]
    edges: list[Edge]
    conflicts: list[Conflict]
    dataset: Dataset
    schemes: dict[str, Scheme] = field(default_factory=dict)
    techniques: list[TechniqueUse] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    helper_peak_mb: dict[str, int] = field(default_factory=dict)  # peak memory of the child processes, by task
    export_notes: list[str] = field(default_factory=list)  # what writers changed to keep a format valid (e.g. control characters)

    def summary(self) -> dict[str, object]:
        edges = Counter(e.kind for e in self.edges)
        method_edges = self._method_edge_counts()
        return {
            "papers": len(self.resolution.papers),
            "methods": len(self.methods),
            "edges": {"extends": edges["extends"], "compares": edges["compares"], **method_edges},
            "conflicts": len(self.conflicts),
            "conflicts_unresolved": sum(c.status == "unresolved" for c in self.conflicts),
            "triples": len(self.dataset),
            "unreadable_lines": len(self.parsed.problems),
        }

    def _method_edge_counts(self) -> dict[str, int]:
        return {
            "appliesTo": sum(len(m.families) for m in self.methods),
            "targetsHardware": sum(len(m.hardware) for m in self.methods),
            "usesTechnique": len(self.techniques),
        }


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector: a build allocates millions of objects that live to its end,
    and each full collection walks all of them (12 s of an 88 s build at 100k papers).

    On the way out the objects allocated meanwhile are frozen (gc.freeze) before the collector
    resumes: they would all still be in the youngest generation, and the first collection after
    would walk every one of them (3 s at 100k). Refcounting still frees them when they are dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def run(layout: Layout, extra_sources: list[Path] | None = None, progress=None) -> Build:
    """Read every input and build the graph in memory (nothing is written)."""
    with gc_paused():
        return _run(layout, extra_sources, progress)


def _run(layout: Layout, extra_sources: list[Path] | None, progress) -> Build:
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now
        if progress:
            progress(stage)

    loading = curated_mod.Loading(layout.curated)  # large curated files are read on the other cores meanwhile
    parsed = parse_sources(layout.sources, extra_sources or [], warn=_warn)
    for file, counts in sorted(parsed.layouts.items()):
        if not counts:  # a list in no layout qkg reads must not pass unnoticed (see `qkg ingest` for its lines)
            _warn(f"warning: {file}: no papers read; `qkg ingest` shows its unreadable lines")
    lap("parse")
    clusters = cluster(parsed.records)  # needs no curated data: done while the workers finish reading it
    curated = loading.result()
    schemes = load_schemes(layout.ontology)
    resolution = resolve(parsed.records, curated, clusters)
    lap("resolve")
    methods = build_methods(resolution.papers, curated, schemes)
    edges = build_edges(methods, curated)
    check_lineage(edges)
    techniques = build_technique_uses(methods, curated, schemes["technique"])
    sections = section_categories(parsed.records, curated.sections, schemes["category"])
    of_paper = methods_by_paper(methods)
    conflicts = list(resolution.conflicts) + _section_conflicts(resolution, of_paper, sections)
    for c in conflicts:
        c.methods = sorted({n for m in of_paper.get(c.paper_key, []) for n in (m.name, *m.aliases)})
    conflicts.sort(key=lambda c: c.id)
    lap("methods")
    dataset = build_dataset(parsed, resolution, methods, edges, conflicts, curated, schemes, sections, techniques)
    lap("build")
    return Build(layout, parsed, resolution, methods, edges, conflicts, dataset, schemes, techniques, timings,
                 {"yaml_workers": curated.workers_peak_mb})


def _warn(message: str) -> None:
    """One line on stderr for input that is refused but does not stop the build (a symlink leading out of the sources)."""
    print(message, file=sys.stderr)


def _section_conflicts(resolution: Resolution, of_paper: dict[str, list[Method]], sections) -> list[Conflict]:
    out = []
    for paper in resolution.papers:
        curated_methods = [m for m in of_paper.get(paper.key, []) if m.curated is not None]
        cats = {c for m in curated_methods for c in m.categories}
        where = curated_methods[0].curated.where if curated_methods else None
        if paper.role is not None and paper.role.value == "survey":
            cats, where = {"survey"}, paper.role_source.where if paper.role_source else None
        c = section_conflict(paper, sections, cats, where)
        if c is not None:
            out.append(c)
    return out


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
            "technique uses": len(curated.techniques), "graph methods": len(build.methods), "graph edges": len(build.edges)}


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
