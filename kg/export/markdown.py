"""exports/papers.md: an awesome-list regenerated from the graph, grouped by category and year, each paper once."""

from __future__ import annotations

from collections import defaultdict

from kg.export.staging import Staging

ORDER = ["ptq", "qat", "mixed-precision", "data-free", "binary-ternary", "non-uniform", "vector-quantization", "weight-only",
         "kv-cache", "hardware-aware", "low-precision-training", "quantized-fine-tuning", "knowledge-distillation"]
ROLE_GROUPS = {"survey": "Surveys and overviews", "hardware": "Hardware and accelerators", "framework": "Frameworks and tools",
               "benchmark": "Benchmarks", "architecture": "Architectures", "other": "Related work", "method": "Other methods"}


def _md(text: str) -> str:
    """Text safe inside Markdown link labels and list items."""
    return str(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def write(build, staging: Staging) -> None:
    labels = build.schemes["category"].labels
    of_paper = defaultdict(list)
    for m in build.methods:
        if m.paper is not None:
            of_paper[m.paper.key].append(m)
    disagreements = defaultdict(set)
    for c in build.conflicts:
        disagreements[c.paper_key].add(c.kind)
    groups: dict[str, list] = defaultdict(list)
    for p in build.resolution.papers:
        if p.role is not None and p.role.value == "unverified":
            continue
        methods = of_paper.get(p.key, [])
        cats = [c for c in ORDER if any(c in m.categories for m in methods)]
        group = labels.get(cats[0], cats[0]) if cats else ROLE_GROUPS.get(p.role.value if p.role else "method", "Other methods")
        groups[group].append((p, methods))
    order = [labels.get(c, c) for c in ORDER] + list(ROLE_GROUPS.values())
    lines = ["# Quantization papers, from qkg", "",
             "Regenerated from the knowledge graph by `qkg build`: every paper once, with curated corrections applied; "
             "entries the lists disagree about are marked, and the details are in `reports/conflicts.md`. "
             "List entries no real paper was found for are left out (see the `unverified-entries` query).", ""]
    lines += [f"- [{g}](#{g.lower().replace(' ', '-').replace('/', '').replace('(', '').replace(')', '')}) ({len(groups[g])})"
              for g in order if groups.get(g)]
    for g in order:
        items = groups.get(g)
        if not items:
            continue
        lines += ["", f"## {g}"]
        by_year = defaultdict(list)
        for p, methods in items:
            by_year[p.year.value or 0].append((p, methods))
        for year in sorted(by_year, reverse=True):
            lines += ["", f"### {year or 'Year unknown'}", ""]
            for p, methods in sorted(by_year[year], key=lambda x: str(x[0].title.value).lower()):
                name = f"**{_md(', '.join(m.name for m in methods))}** — " if methods else ""
                venue = f" *{_md(p.venue.value)} {p.year.value or ''}*".rstrip() if p.venue.value else ""
                links = []
                if p.arxiv is not None:
                    links.append(f"[arXiv](https://arxiv.org/abs/{p.arxiv.value})")
                if p.doi is not None:
                    links.append(f"[DOI](https://doi.org/{p.doi.value})")
                links += [f"[code]({u})" for u in p.links("code")[:1] if u.startswith(("http://", "https://"))]
                fams = sorted({f for m in methods for f in m.families})
                extra = f" `{'`, `'.join(fams)}`" if fams else ""
                note = f" ⚠ lists disagree: {', '.join(sorted(disagreements[p.key]))}" if disagreements.get(p.key) else ""
                lines.append(f"- {name}{_md(p.title.value)}.{venue} {' '.join(links)}{extra}{note}".rstrip())
    staging.write_text("papers.md", "\n".join(lines) + "\n")
