"""The whole pipeline: parse -> resolve -> methods and edges -> build -> validate -> export."""

from __future__ import annotations

import gc
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.curated import load as curated_mod
from kg.graph.dataset import Dataset, build_dataset
from kg.methods.catalog import Method, build_methods, methods_by_paper
from kg.parse import ParseResult, parse_sources
from kg.paths import Layout
from kg.methods.relations import Edge, build_edges, check_lineage
from kg.resolve import Resolution, cluster, resolve
from kg.resolve.conflicts import Conflict, section_conflict
from kg.methods.schemes import Scheme, load_schemes
from kg.methods.sections import section_categories


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
    timings: dict[str, float] = field(default_factory=dict)
    helper_peak_mb: dict[str, int] = field(default_factory=dict)  # peak memory of the child processes, by task

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
    parsed = parse_sources(layout.sources, extra_sources or [])
    lap("parse")
    clusters = cluster(parsed.records)  # needs no curated data: done while the workers finish reading it
    curated = loading.result()
    schemes = load_schemes(layout.ontology)
    resolution = resolve(parsed.records, curated, clusters)
    lap("resolve")
    methods = build_methods(resolution.papers, curated, schemes)
    edges = build_edges(methods, curated)
    check_lineage(edges)
    sections = section_categories(parsed.records, curated.sections, schemes["category"])
    of_paper = methods_by_paper(methods)
    conflicts = list(resolution.conflicts) + _section_conflicts(resolution, of_paper, sections)
    for c in conflicts:
        c.methods = sorted({n for m in of_paper.get(c.paper_key, []) for n in (m.name, *m.aliases)})
    conflicts.sort(key=lambda c: c.id)
    lap("methods")
    dataset = build_dataset(parsed, resolution, methods, edges, conflicts, curated, schemes, sections)
    lap("build")
    return Build(layout, parsed, resolution, methods, edges, conflicts, dataset, schemes, timings,
                 {"yaml_workers": curated.workers_peak_mb})


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
