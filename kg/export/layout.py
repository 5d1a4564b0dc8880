"""Deterministic layouts computed at build time, in plain Python: time runs left to right, lanes run down.

A lineage is laid out column by column (one column per month of first appearance) and each node
takes the nearest free lane where no straight edge passes within CLEARANCE of a node that is not
one of its ends. Nothing here needs numpy or scipy, and the same input gives the same pixels.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

NODE_RADIUS = 9
CLEARANCE = NODE_RADIUS + 5  # an edge keeps this far from the centre of any node it does not join
COLUMN_WIDTH = 118
LANE_HEIGHT = 64  # nodes of one column stay this far apart (name and date sit under each disc)
STEP = LANE_HEIGHT // 2  # nodes of different columns may sit half a lane apart

When = tuple[int, int] | None  # (year, month); month 0 when only the year is known


def columns_of(when: dict[Hashable, When]) -> dict[When, int]:
    """Each distinct date -> its column, earliest first; undated nodes take column 0, left of the rest."""
    dated = sorted({w for w in when.values() if w is not None})
    offset = 1 if any(w is None for w in when.values()) else 0
    out: dict[When, int] = {w: i + offset for i, w in enumerate(dated)}
    if offset:
        out[None] = 0
    return out


def segment_distance(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance from point p to the segment a-b."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / length2))
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def _lanes(limit: int) -> Iterable[int]:
    yield 0
    for k in range(1, limit + 1):
        yield k
        yield -k


@dataclass
class Placed:
    """Positions in pixels, and the columns used, for drawing a time axis."""

    pos: dict[Hashable, tuple[int, int]]
    columns: dict[When, int]


def lineage_layout(nodes: list[Hashable], when: dict[Hashable, When], edges: list[tuple[Hashable, Hashable]],
                   first: Hashable | None = None) -> Placed:
    """x = column of first appearance, y = a lane chosen so no edge runs through a node that is not its end.

    `first` (the page's method) is placed first, on lane 0; the rest follow by date then by key.
    """
    columns = columns_of({n: when.get(n) for n in nodes})
    order = sorted(nodes, key=lambda n: (n != first, columns[when.get(n)], str(n)))
    neighbours: dict[Hashable, set] = defaultdict(set)
    for a, b in edges:
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    pos: dict[Hashable, tuple[int, int]] = {}
    taken: dict[int, set[int]] = defaultdict(set)  # column -> steps used
    drawn: list[tuple[tuple[int, int], tuple[int, int], Hashable, Hashable]] = []
    limit = 2 * len(nodes) + 8
    gap = LANE_HEIGHT // STEP
    for n in order:
        col = columns[when.get(n)]
        x = col * COLUMN_WIDTH
        best, best_bad = None, None
        for lane in _lanes(limit):
            if any(abs(lane - t) < gap for t in taken[col]):
                continue
            p = (x, lane * STEP)
            bad = _conflicts(p, n, neighbours[n], pos, drawn, best_bad)
            if bad == 0:
                best = lane
                break
            if best_bad is None or bad < best_bad:
                best, best_bad = lane, bad
        assert best is not None
        p = (x, best * STEP)
        pos[n] = p
        taken[col].add(best)
        drawn += [(p, pos[m], n, m) for m in sorted(neighbours[n], key=str) if m in pos and m != n]
    top = min((y for _, y in pos.values()), default=0)
    return Placed({n: (x, y - top) for n, (x, y) in pos.items()}, columns)


LABEL_OFFSETS = ((-22, 20), (0, 20), (22, 20), (0, 32))  # points of the name and date under a disc
LABEL_CLEARANCE = 7


def _blocked(q: tuple[int, int], a, b) -> int:
    """100 if the segment a-b runs through the disc at q, 1 if only through the label under it, else 0."""
    x, y = q
    if x < min(a[0], b[0]) - 40 or x > max(a[0], b[0]) + 40 or y < min(a[1], b[1]) - 40 or y > max(a[1], b[1]) + 20:
        return 0  # far from the segment's box: neither the disc nor the label can touch it
    if segment_distance(q, a, b) < CLEARANCE:
        return 100  # a last-resort placement may cross labels, never discs, while any lane allows it
    return int(any(segment_distance((q[0] + dx, q[1] + dy), a, b) < LABEL_CLEARANCE for dx, dy in LABEL_OFFSETS))


def _conflicts(p, n, near, pos, drawn, enough) -> int:
    """How many (edge, node) pairs would come too close with n placed at p; stops at `enough`.

    Discs are hard obstacles (CLEARANCE) and so, more loosely, are the labels beneath them."""
    bad = 0
    for a, b, _, _ in drawn:  # edges already drawn must not run through the new node
        bad += _blocked(p, a, b)
    for m in near:  # the new node's edges must not run through nodes already placed
        if m not in pos:
            continue
        for w, q in pos.items():
            if w != m:
                bad += _blocked(q, p, pos[m])
                if enough is not None and bad >= enough:
                    return bad
    return bad


def band_layout(nodes: list[Hashable], when: dict[Hashable, When], band: dict[Hashable, int], per_row: int = 4,
                dx: int = 100, dy: int = 50) -> tuple[dict[Hashable, tuple[int, int]], dict[int, tuple[int, int]], dict[int, int]]:
    """The whole graph: one column per year, one band per category; within a (band, year) cell nodes run
    in month order, `per_row` to a row. Returns positions, each band's (top, bottom) and each year's left x."""
    years = sorted({w[0] if w else 0 for w in (when.get(n) for n in nodes)})
    year_x = {y: i * (per_row * dx + dx) for i, y in enumerate(years)}
    cells: dict[tuple[int, int], list[Hashable]] = defaultdict(list)
    for n in sorted(nodes, key=lambda n: (when.get(n) or (0, 0), str(n))):
        w = when.get(n)
        cells[(band[n], w[0] if w else 0)].append(n)
    rows: dict[int, int] = defaultdict(int)
    for (b, _), items in cells.items():
        rows[b] = max(rows[b], math.ceil(len(items) / per_row))
    bands: dict[int, tuple[int, int]] = {}
    top = 0
    for b in sorted(rows):
        bands[b] = (top, top + (rows[b] - 1) * dy)
        top += rows[b] * dy + dy
    pos: dict[Hashable, tuple[int, int]] = {}
    for (b, year), items in cells.items():
        for i, n in enumerate(items):
            pos[n] = (year_x[year] + (i % per_row) * dx, bands[b][0] + (i // per_row) * dy)
    return pos, bands, year_x
