"""Reports: conflicts (JSON and Markdown), the build report, and lineage coverage."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from kg import iri
from kg.export.staging import Staging
from kg.methods.catalog import Method
from kg.methods.relations import Edge
from kg.resolve.conflicts import Conflict


def conflict_records(conflicts: list[Conflict]) -> list[dict]:
    """conflicts.json: one record per conflict, every claim with its file and line."""
    return [
        {
            "id": c.id,
            "iri": iri.conflict(c.id),
            "kind": c.kind,
            "paper": {"iri": iri.paper(c.paper_key), "title": c.title, "title_variants": c.variants, "methods": c.methods},
            "claims": [{"value": cl.value, "file": cl.file, "line": cl.line} for cl in c.claims],
            "chosen": c.chosen,
            "status": c.status,
            "resolution": c.resolution,
            "resolved_by": c.resolved_by or None,
        }
        for c in conflicts
    ]


def conflicts_markdown(conflicts: list[Conflict]) -> str:
    lines = ["# Conflicts among the source lists", ""]
    kinds = Counter(c.kind for c in conflicts)
    status = Counter(c.status for c in conflicts)
    lines.append(f"{len(conflicts)} conflicts ({status['resolved']} resolved by curated data, {status['unresolved']} unresolved): "
                 + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ".")
    lines.append("")
    for c in conflicts:
        names = f" — method {', '.join(c.methods)}" if c.methods else ""
        lines.append(f"## {c.kind}: {c.title}{names}")
        lines.append("")
        if len(c.variants) > 1:
            lines.append("Known as: " + "; ".join(f"“{v}”" for v in c.variants))
            lines.append("")
        for cl in c.claims:
            lines.append(f"- `{cl.where}`: {cl.value}")
        lines.append("")
        chosen = f" Value in the graph: **{c.chosen}**." if c.chosen else ""
        lines.append(f"*{c.status}*: {c.resolution}.{chosen}")
        lines.append("")
    return "\n".join(lines)


def coverage(methods: list[Method], edges: list[Edge], papers) -> dict:
    """The lineage coverage figures issue #3 asks for, measured on the built graph."""
    connected = {e.source.name for e in edges} | {e.target.name for e in edges}
    recent = [m for m in methods if m.year is not None and m.year >= 2017]
    recent_linked = [m for m in recent if m.name in connected]
    with_family = [m for m in methods if m.families]
    with_method = {m.paper.key for m in methods if m.paper is not None}
    listed_papers = [p for p in papers if p.records]
    undecided = [p for p in listed_papers if p.key not in with_method and p.role is None]
    return {
        "methods": len(methods),
        "methods_curated": sum(m.curated is not None for m in methods),
        "methods_from_titles_only": sorted(m.name for m in methods if m.curated is None),
        "methods_since_2017": len(recent),
        "methods_since_2017_with_edge": len(recent_linked),
        "share_since_2017_with_edge": round(len(recent_linked) / len(recent), 4) if recent else 0.0,
        "methods_since_2017_without_edge": sorted(m.name for m in recent if m.name not in connected),
        "methods_with_family": len(with_family),
        "methods_without_family": sorted(m.name for m in methods if not m.families),
        "methods_with_hardware": sum(bool(m.hardware) for m in methods),
        "papers": len(listed_papers),
        "papers_with_method": sum(p.key in with_method for p in listed_papers),
        "papers_by_role": dict(sorted(Counter(p.role.value for p in listed_papers if p.role is not None).items())),
        "papers_without_method_or_role": sorted(str(p.title.value) for p in undecided),
    }


def coverage_by_category(methods: list[Method], edges: list[Edge], techniques: list) -> dict:
    """Per category: how many methods have an extends edge (either way), compares edges, hardware, techniques."""
    extends = {n for e in edges if e.kind == "extends" for n in (e.source.name, e.target.name)}
    compares = {n for e in edges if e.kind == "compares" for n in (e.source.name, e.target.name)}
    with_technique = {u.method.name for u in techniques}
    rows: dict[str, dict[str, int]] = {}
    for category in sorted({c for m in methods for c in m.categories}):
        members = [m for m in methods if category in m.categories]
        rows[category] = {
            "methods": len(members),
            "with_extends": sum(m.name in extends for m in members),
            "with_compares": sum(m.name in compares for m in members),
            "with_hardware": sum(bool(m.hardware) for m in members),
            "with_techniques": sum(m.name in with_technique for m in members),
        }
    curated = [m for m in methods if m.curated is not None]
    recent = [m for m in methods if m.year is not None and m.year >= 2017]
    return {
        "by_category": rows,
        "curated_methods_with_techniques": sum(m.name in with_technique for m in curated),
        "curated_methods": len(curated),
        "curated_methods_without_techniques": sorted(m.name for m in curated if m.name not in with_technique),
        "methods_since_2017_without_extends": sorted(m.name for m in recent if m.name not in extends),
    }


def build_report(build) -> dict:
    """What the build read, skipped and could not read; figures for the summary."""
    by_file: dict[str, dict] = defaultdict(dict)
    records = defaultdict(list)
    for r in build.parsed.records:
        records[r.file].append(r)
    for file in sorted(build.parsed.layouts):
        present, read = build.parsed.link_lines.get(file, (0, 0))
        rs = records[file]
        by_file[file] = {"layout": build.parsed.layout_of(file), "entries": sum(build.parsed.layouts[file].values()),
                         "with_arxiv": sum(1 for r in rs if r.arxiv), "with_venue": sum(1 for r in rs if r.venue),
                         "with_year": sum(1 for r in rs if r.year),
                         "paper_links": {"present": present, "read": read}}
    without_authors = sorted((p for p in build.resolution.papers if not p.authors.value
                              and not (p.role is not None and p.role.value == "unverified")), key=lambda p: p.key)
    return {
        "summary": build.summary(),
        "sources": by_file,
        "unreadable_lines": [{"file": p.file, "line": p.line, "message": p.message, "text": p.text} for p in build.parsed.problems],
        "paper_links_not_read": [{"file": p.file, "line": p.line, "message": p.message, "text": p.text}
                                 for p in build.parsed.unread_links],
        "values_dropped": [{"file": p.file, "line": p.line, "message": p.message} for p in build.parsed.dropped],
        "bibtex_entries_without_authors": [{"paper": p.key, "title": str(p.title.value)} for p in without_authors],
        "skipped_non_papers": [{"file": s.file, "line": s.line, "kind": s.kind, "text": s.text} for s in build.parsed.skipped],
        "invalid_links": sorted(set(build.dataset.bad_links)),
        "coverage": coverage(build.methods, build.edges, build.resolution.papers),
        "coverage_by_category": coverage_by_category(build.methods, build.edges, build.techniques),
    }


def build_report_markdown(report: dict) -> str:
    s, cov = report["summary"], report["coverage"]
    lines = ["# Build report", "", "## Summary", ""]
    for key, value in s.items():
        lines.append(f"- {key}: {value}")
    lines += ["", "## Sources", ""]
    for file, info in report["sources"].items():
        links = info["paper_links"]
        lines.append(f"- `{file}`: {info['entries']} entries, layout {info['layout']}; {info['with_arxiv']} with arXiv id, "
                     f"{info['with_venue']} with venue, {info['with_year']} with year; paper links read: {links['read']} of {links['present']}")
    lines += ["", "## Lines that could not be read", ""]
    lines += [f"- `{p['file']}:{p['line']}`: {p['message']}" for p in report["unreadable_lines"]] or ["None."]
    lines += ["", "## Lines with a paper link that were not read", ""]
    lines += [f"- `{p['file']}:{p['line']}`: {p['message']}" for p in report["paper_links_not_read"]] or ["None."]
    lines += ["", "## Values dropped (failed their check)", ""]
    lines += [f"- `{p['file']}:{p['line']}`: {p['message']}" for p in report["values_dropped"]] or ["None."]
    lines += ["", "## BibTeX entries without authors (no list gives them)", ""]
    lines += [f"- {p['paper']}: {p['title']}" for p in report["bibtex_entries_without_authors"]] or ["None."]
    lines += ["", "## Entries recognised as not papers", ""]
    lines += [f"- `{x['file']}:{x['line']}` {x['kind']}: {x['text']}" for x in report["skipped_non_papers"]] or ["None."]
    lines += ["", "## Lineage coverage", ""]
    lines.append(f"- methods: {cov['methods']} ({cov['methods_curated']} curated)")
    lines.append(f"- methods since 2017 with an extends/compares edge: {cov['methods_since_2017_with_edge']} of "
                 f"{cov['methods_since_2017']} ({cov['share_since_2017_with_edge']:.1%})")
    lines.append(f"- methods with an appliesTo family: {cov['methods_with_family']} of {cov['methods']}")
    lines.append(f"- methods with a targetsHardware edge: {cov['methods_with_hardware']}")
    lines.append(f"- papers with a method: {cov['papers_with_method']} of {cov['papers']}; roles: {cov['papers_by_role']}")
    lines += _category_table(report["coverage_by_category"])
    for title, key in (("Methods since 2017 without an edge", "methods_since_2017_without_edge"),
                       ("Methods without a family", "methods_without_family"),
                       ("Papers with neither a method nor a role", "papers_without_method_or_role")):
        lines += ["", f"### {title}", ""]
        lines += [f"- {x}" for x in cov[key]] or ["None."]
    by_cat = report["coverage_by_category"]
    for title, key in (("Methods since 2017 without lineage (no extends edge either way)", "methods_since_2017_without_extends"),
                       ("Curated methods without a technique", "curated_methods_without_techniques")):
        lines += ["", f"### {title}", ""]
        lines += [f"- {x}" for x in by_cat[key]] or ["None."]
    return "\n".join(lines) + "\n"


def _category_table(by_cat: dict) -> list[str]:
    share = by_cat["curated_methods_with_techniques"] / by_cat["curated_methods"] if by_cat["curated_methods"] else 0.0
    lines = [f"- curated methods with a technique: {by_cat['curated_methods_with_techniques']} of {by_cat['curated_methods']} ({share:.1%})",
             "", "### Per category", "",
             "| category | methods | with extends | with compares | with hardware | with techniques |",
             "|---|---|---|---|---|---|"]
    for category, row in by_cat["by_category"].items():
        lines.append(f"| {category} | {row['methods']} | {row['with_extends']} | {row['with_compares']} | "
                     f"{row['with_hardware']} | {row['with_techniques']} |")
    return lines


def write(build, staging: Staging) -> dict:
    """Write reports/conflicts.{json,md} and reports/build-report.{json,md}; returns the build report."""
    staging.write_text("reports/conflicts.json", _json(conflict_records(build.conflicts)))
    staging.write_text("reports/conflicts.md", conflicts_markdown(build.conflicts))
    report = build_report(build)
    staging.write_text("reports/build-report.json", _json(report))
    staging.write_text("reports/build-report.md", build_report_markdown(report))
    return report


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
