"""A method's lineage as inline SVG: a time axis, one disc per method, straight edges that pass through no other disc.

The SVG is drawn at build time from lineage_layout's positions, so a page shows it at once and
needs no script to lay it out; every label is escaped text.
"""

from __future__ import annotations

import math

from kg import iri
from kg.export.layout import COLUMN_WIDTH, NODE_RADIUS, lineage_layout
from kg.export.palette import EDGE_COLOURS, category_colour
from kg.export.safe_text import esc

MARGIN_X, AXIS_H, BOTTOM = 70, 46, 44
PARALLEL = 4  # px between an extends and a compares edge joining the same two methods


def date_of(m) -> str:
    """'2022-10' (arXiv month), else the venue year, else 'n.d.'."""
    return m.first_appeared or (str(m.year) if m.year else "n.d.")


def _short(name: str, limit: int = 18) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def lineage_svg(focus, nodes: list, edges: list[tuple[str, object]]) -> str:
    """SVG of `nodes` (methods) and `edges` ((list-item id, Edge)); `focus` is drawn first and ringed."""
    slugs = {iri.slug(m.name): m for m in nodes}
    when = {s: m.when for s, m in slugs.items()}
    pairs = [(iri.slug(e.source.name), iri.slug(e.target.name)) for _, e in edges]
    placed = lineage_layout(sorted(slugs), when, pairs, first=iri.slug(focus.name))
    pos = {s: (x + MARGIN_X, y + AXIS_H + 20) for s, (x, y) in placed.pos.items()}
    width = max(x for x, _ in pos.values()) + MARGIN_X + 40
    height = max(y for _, y in pos.values()) + BOTTOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="lineage of {esc(focus.name)} on a time axis">',
             "<defs>" + "".join(
                 f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
                 f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE_COLOURS[kind]}"/></marker>'
                 for kind in ("extends", "compares")) + "</defs>"]
    parts += _axis(placed.columns, height)
    both = {(a, b) for (a, b), (_, e) in zip(pairs, edges) if e.kind == "extends"}
    both = {p for p in both if any(q == p or q == p[::-1] for q, (_, e) in zip(pairs, edges) if e.kind == "compares")}
    for (a, b), (item, e) in sorted(zip(pairs, edges), key=lambda t: (t[1][1].kind == "extends", t[1][0])):
        shift = PARALLEL if e.kind == "compares" and ((a, b) in both or (b, a) in both) else 0
        parts.append(_edge(item, e, pos[a], pos[b], a, b, shift))
    focus_slug = iri.slug(focus.name)
    for s in sorted(slugs):
        parts.append(_node(slugs[s], s, pos[s], s == focus_slug))
    parts.append("</svg>")
    return "".join(parts)


def _axis(columns: dict, height: int) -> list[str]:
    out = ['<g class="axis">']
    seen_years: set = set()
    for when, col in sorted(columns.items(), key=lambda t: t[1]):
        x = col * COLUMN_WIDTH + MARGIN_X
        label = "n.d." if when is None else str(when[0])
        if label in seen_years:
            continue
        seen_years.add(label)
        out.append(f'<line x1="{x - COLUMN_WIDTH // 2}" y1="{AXIS_H - 14}" x2="{x - COLUMN_WIDTH // 2}" y2="{height}" class="tick"/>'
                   if col else "")
        out.append(f'<text x="{x}" y="{AXIS_H - 20}" class="year">{label}</text>')
    out.append("</g>")
    return out


def _edge(item: str, e, a: tuple[int, int], b: tuple[int, int], sa: str, sb: str, shift: int) -> str:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    ox, oy = -uy * shift, ux * shift
    x1, y1 = a[0] + ux * NODE_RADIUS + ox, a[1] + uy * NODE_RADIUS + oy
    x2, y2 = b[0] - ux * (NODE_RADIUS + 2) + ox, b[1] - uy * (NODE_RADIUS + 2) + oy
    coords = f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
    verb = "builds on" if e.kind == "extends" else "compares against"
    tip = f"{e.source.name} {verb} {e.target.name}: {e.evidence}"
    return (f'<g class="edge {e.kind}" data-item="{item}" data-from="{sa}" data-to="{sb}" tabindex="0">'
            f'<title>{esc(tip)}</title><line class="hit" {coords}/>'
            f'<line class="line" {coords} marker-end="url(#arrow-{e.kind})"/></g>')


def _node(m, s: str, p: tuple[int, int], focus: bool) -> str:
    x, y = p
    title = f"{m.name} ({date_of(m)})" + (f": {m.paper.title.value}" if m.paper is not None else "")
    ring = ' stroke="#000" stroke-width="3"' if focus else ' stroke="#fff" stroke-width="1.5"'
    return (f'<a class="node{" focus" if focus else ""}" href="{esc(s)}.html" data-id="{esc(s)}"><title>{esc(title)}</title>'
            f'<circle cx="{x}" cy="{y}" r="{NODE_RADIUS}" fill="{category_colour(m.categories)}"{ring}/>'
            f'<text x="{x}" y="{y + NODE_RADIUS + 13}" class="name">{esc(_short(m.name))}</text>'
            f'<text x="{x}" y="{y + NODE_RADIUS + 25}" class="date">{esc(date_of(m))}</text></a>')
