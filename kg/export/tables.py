"""CSV tables of papers, methods and edges, for spreadsheets and data frames."""

from __future__ import annotations

import csv
import io

from kg import iri
from kg.export.safe_text import csv_cell
from kg.export.staging import Staging


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([csv_cell(c) for c in row] for row in rows)  # a title starting with '=' stays text
    return out.getvalue()


def write(build, staging: Staging) -> None:
    names_of: dict[str, list[str]] = {}
    for m in build.methods:
        if m.paper is not None:
            names_of.setdefault(m.paper.key, []).append(m.name)
    papers = [[iri.paper(p.key), p.title.value, "; ".join(a.display for a in p.authors.value), p.venue.value or "", p.year.value or "",
               p.arxiv.value if p.arxiv else "", p.doi.value if p.doi else "", "; ".join(p.sources), p.role.value if p.role else "",
               "; ".join(sorted(names_of.get(p.key, [])))] for p in build.resolution.papers]
    staging.write_text("tables/papers.csv", _csv(["iri", "title", "authors", "venue", "year", "arxiv", "doi", "lists", "role", "methods"], papers))
    methods = [[m.iri, m.name, "; ".join(m.aliases), iri.paper(m.paper.key) if m.paper else "", m.year or "", "; ".join(m.categories),
                "; ".join(m.families), "; ".join(m.hardware), "; ".join(m.bits), "; ".join(m.granularity), "yes" if m.listed else "no",
                m.curated.where if m.curated else "title rule"] for m in build.methods]
    staging.write_text("tables/methods.csv", _csv(["iri", "name", "aliases", "paper", "year", "categories", "families", "hardware",
                                                   "bit_widths", "granularity", "listed", "origin"], methods))
    edges = [[e.source.name, e.kind, e.target.name, e.evidence, e.where or "", e.origin] for e in build.edges]
    staging.write_text("tables/edges.csv", _csv(["source", "relation", "target", "evidence", "where", "origin"], edges))
