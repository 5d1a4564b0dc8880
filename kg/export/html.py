"""Interactive HTML views (pyvis): the whole graph, each method's lineage, each family and hardware target.

Pages work from disk with no network: vis-network is copied from the pyvis package into
html/lib/ once, next to the pages, with qkg's own script and style. Node data reaches the
page as JSON inside <script type="application/json"> (Jinja's tojson escapes <, > and &), and
the script builds tooltips with textContent, so a hostile title stays text.
"""

from __future__ import annotations

import math
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pyvis
from pyvis.network import Network

from kg import iri
from kg.export.staging import Staging
from kg.paths import STATIC

VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
LIB_FILES = {"vis-network.min.js": VIS_DIR / "vis-network.min.js", "vis-network.css": VIS_DIR / "vis-network.css",
             "qkg-view.js": STATIC / "qkg-view.js", "qkg-view.css": STATIC / "qkg-view.css"}
WHOLE_GRAPH_PAPER_CAP = 1500  # beyond this many papers the whole-graph view samples them

KIND_COLOURS = {"paper": "#9e9e9e", "method": "#1f77b4", "family": "#17becf", "hardware": "#8c564b", "category": "#e6b800"}
CATEGORY_COLOURS = {
    "ptq": "#1f77b4", "qat": "#2ca02c", "mixed-precision": "#ff7f0e", "data-free": "#9467bd", "binary-ternary": "#d62728",
    "non-uniform": "#e377c2", "vector-quantization": "#e377c2", "hardware-aware": "#8c564b", "low-precision-training": "#bcbd22",
    "kv-cache": "#7f7f7f", "weight-only": "#393b79", "quantized-fine-tuning": "#637939", "knowledge-distillation": "#843c39",
}
EDGE_STYLES = {
    "extends": {"color": "#d62728", "width": 2.5, "dashes": False},
    "compares": {"color": "#7f7f7f", "width": 1, "dashes": [6, 4]},
    "appliesTo": {"color": "#17becf", "width": 1, "dashes": [2, 3]},
    "targetsHardware": {"color": "#8c564b", "width": 1.5, "dashes": [8, 3, 2, 3]},
    "introducedIn": {"color": "#c7c7c7", "width": 0.5, "dashes": False},
    "category": {"color": "#e6b800", "width": 0.5, "dashes": [1, 4]},
}


@dataclass
class ViewGraph:
    """The nodes and edges the views draw, with everything a tooltip shows."""

    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)

    def add(self, node_id: str, **attrs) -> None:
        self.graph.add_node(node_id, **attrs)


def view_graph(build) -> ViewGraph:
    """Papers, methods, families, hardware and categories of a build as one graph."""
    vg = ViewGraph()
    schemes = {"family": {}, "hardware": {}, "category": {}}
    for m in build.methods:
        for kind, values in (("family", m.families), ("hardware", m.hardware), ("category", m.categories)):
            for v in values:
                schemes[kind][v] = True
    labels = {(kind, local): label for kind, scheme in build.schemes.items() for local, label in scheme.labels.items()}
    for kind, used in schemes.items():
        for local in sorted(used):
            vg.add(f"{kind}:{local}", kind=kind, label=labels.get((kind, local), local), info={"title": labels.get((kind, local), local),
                   "kind": kind}, year=None, categories=[], families=[local] if kind == "family" else [])
    methods_of_paper = defaultdict(list)
    for m in build.methods:
        if m.paper is not None:
            methods_of_paper[m.paper.key].append(m)
    for p in build.resolution.papers:
        year = p.year.value
        cats = sorted({c for m in methods_of_paper[p.key] for c in m.categories})
        fams = sorted({f for m in methods_of_paper[p.key] for f in m.families})
        vg.add(f"paper:{p.key}", kind="paper", label=_short_title(str(p.title.value)), year=year, categories=cats, families=fams,
               info=_paper_info(p, build, cats))
    for m in build.methods:
        year = m.year
        vg.add(f"method:{iri.slug(m.name)}", kind="method", label=m.name, year=year, categories=list(m.categories),
               families=list(m.families), info=_method_info(m, build))
        if m.paper is not None:
            vg.graph.add_edge(f"method:{iri.slug(m.name)}", f"paper:{m.paper.key}", relation="introducedIn")
        for f in m.families:
            vg.graph.add_edge(f"method:{iri.slug(m.name)}", f"family:{f}", relation="appliesTo")
        for h in m.hardware:
            vg.graph.add_edge(f"method:{iri.slug(m.name)}", f"hardware:{h}", relation="targetsHardware")
        for c in m.categories:
            vg.graph.add_edge(f"method:{iri.slug(m.name)}", f"category:{c}", relation="category")
    for e in build.edges:
        vg.graph.add_edge(f"method:{iri.slug(e.source.name)}", f"method:{iri.slug(e.target.name)}", relation=e.kind,
                          evidence=e.evidence)
    return vg


def _short_title(title: str) -> str:
    return title if len(title) <= 48 else title[:45].rstrip() + "…"


def _links(p) -> list[dict]:
    links = []
    if p.arxiv is not None:
        links.append({"label": f"arXiv:{p.arxiv.value}", "url": f"https://arxiv.org/abs/{p.arxiv.value}"})
    if p.doi is not None:
        links.append({"label": f"DOI:{p.doi.value}", "url": f"https://doi.org/{p.doi.value}"})
    for url in p.links("code")[:2]:
        links.append({"label": "code", "url": url})
    for kind in ("openreview", "cvf", "ecva", "neurips", "pmlr", "acl", "aaai"):
        for url in p.links(kind)[:1]:
            links.append({"label": kind, "url": url})
    return links


def _paper_info(p, build, cats) -> dict:
    venue = build.resolution.venues.get(str(p.venue.value)).key if p.venue.value else ""
    return {"title": str(p.title.value), "kind": "paper", "authors": ", ".join(a.display for a in p.authors.value),
            "venue": venue, "year": p.year.value, "categories": cats, "role": p.role.value if p.role else None,
            "lists": p.sources, "links": _links(p)}


def _method_info(m, build) -> dict:
    info = {"title": m.name, "kind": "method", "categories": list(m.categories), "families": list(m.families),
            "hardware": list(m.hardware), "bits": list(m.bits), "year": m.year}
    if m.paper is not None:
        info.update(_paper_info(m.paper, build, list(m.categories)))
        info["title"] = f"{m.name}: {m.paper.title.value}"
        info["kind"] = "method"
    return info


# --- layout ------------------------------------------------------------------------------

def spring_positions(g: nx.Graph, scale: float) -> dict[str, tuple[int, int]]:
    """Deterministic force layout (seeded) of the connected nodes, rounded to whole pixels;
    nodes without edges go in rows beneath, so they do not ring the graph."""
    undirected = nx.Graph(g.to_undirected())
    linked = sorted(n for n in undirected.nodes if undirected.degree(n) > 0)
    lonely = sorted((n for n in undirected.nodes if undirected.degree(n) == 0), key=lambda n: (g.nodes[n]["kind"], g.nodes[n]["label"].lower()))
    ordered = nx.Graph()
    ordered.add_nodes_from(linked)
    ordered.add_edges_from(sorted((a, b) if a < b else (b, a) for a, b in undirected.edges if a != b))
    pos = {}
    if linked:
        layout = nx.spring_layout(ordered, seed=7, iterations=80, k=2.5 / math.sqrt(len(linked)))
        pos = {n: (round(float(x) * scale), round(float(y) * scale)) for n, (x, y) in layout.items()}
    bottom = max((y for _, y in pos.values()), default=0) + 150
    left = min((x for x, _ in pos.values()), default=0)
    per_row = max(8, int(math.sqrt(len(lonely)) * 2))
    for i, n in enumerate(lonely):
        pos[n] = (left + (i % per_row) * 120, bottom + (i // per_row) * 60)
    return pos


def grid_positions(g: nx.Graph) -> dict[str, tuple[int, int]]:
    """A cheap layout for large graphs: a column per kind and year, nodes stacked by name."""
    columns: dict[tuple, list[str]] = defaultdict(list)
    for n, data in g.nodes(data=True):
        columns[(data["kind"], data.get("year") or 0)].append(n)
    pos = {}
    for ci, key in enumerate(sorted(columns, key=lambda k: (k[0], k[1]))):
        for ri, n in enumerate(sorted(columns[key])):
            pos[n] = (ci * 220, ri * 40)
    return pos


def timeline_positions(g: nx.Graph) -> dict[str, tuple[int, int]]:
    """Left to right by year, so a lineage reads as a timeline."""
    by_year: dict[int, list[str]] = defaultdict(list)
    for n, data in g.nodes(data=True):
        by_year[data.get("year") or 0].append(n)
    years = sorted(by_year)
    pos = {}
    for xi, year in enumerate(years):
        column = sorted(by_year[year], key=lambda n: g.nodes[n]["label"].lower())
        for yi, n in enumerate(column):
            pos[n] = (xi * 260, round((yi - (len(column) - 1) / 2) * 110))
    return pos


# --- pages -------------------------------------------------------------------------------

def _node_style(data: dict, degree: int) -> dict:
    kind = data["kind"]
    colour = KIND_COLOURS[kind]
    if kind == "method" and data["categories"]:
        colour = CATEGORY_COLOURS.get(data["categories"][0], colour)
    shape = {"paper": "dot", "method": "dot", "family": "diamond", "hardware": "square", "category": "triangle"}[kind]
    size = round(8 + 4 * math.sqrt(degree), 1) if kind != "paper" else round(5 + 2 * math.sqrt(degree), 1)
    return {"color": colour, "shape": shape, "size": size}


def render_view(g: nx.MultiDiGraph, title: str, subtitle: str, positions: dict, lib: str, kind: str, links: list[dict] | None = None) -> str:
    """One page: pyvis builds the network data; qkg's template adds search, filters, legend and tooltips."""
    net = Network(height="100%", width="100%", directed=True, cdn_resources="local")
    net.set_template_dir(str(STATIC), "view.html")
    degree = dict(g.degree())
    for n in sorted(g.nodes):
        data = g.nodes[n]
        x, y = positions.get(n, (0, 0))
        net.add_node(n, label=data["label"], x=x, y=y, info=data["info"], kind=data["kind"], year=data.get("year"),
                     categories=data.get("categories", []), families=data.get("families", []), **_node_style(data, degree[n]))
    for a, b, data in sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2]["relation"])):
        style = dict(EDGE_STYLES[data["relation"]])
        if data["relation"] == "compares":  # curved, so a comparison never hides under an extends edge
            style["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2}
        net.add_edge(a, b, relation=data["relation"], arrows="to", **style)
    net.options = {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True, "navigationButtons": False},
        "nodes": {"font": {"size": 14, "face": "system-ui"}},
        "edges": {"smooth": False},
        "layout": {"improvedLayout": False},
    }
    html = net.generate_html()
    page = {"title": title, "subtitle": subtitle, "kind": kind, "legend": _legend(g), "links": links or []}
    # pyvis renders nodes/edges/options into the template; page metadata goes alongside, escaped the same way.
    import json

    safe = json.dumps(page, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return html.replace("__QKG_LIB__", lib).replace("__QKG_PAGE__", safe)


def _legend(g: nx.MultiDiGraph) -> list[dict]:
    kinds = sorted({d["kind"] for _, d in g.nodes(data=True)})
    relations = sorted({d["relation"] for _, _, d in g.edges(data=True)})
    cats = sorted({d["categories"][0] for _, d in g.nodes(data=True) if d["kind"] == "method" and d["categories"]})
    items = [{"type": "node", "label": k, "color": KIND_COLOURS[k]} for k in kinds if k != "method"]
    items += [{"type": "node", "label": f"method: {c}", "color": CATEGORY_COLOURS.get(c, KIND_COLOURS["method"])} for c in cats]
    items += [{"type": "edge", "label": r, "color": EDGE_STYLES[r]["color"], "dashes": bool(EDGE_STYLES[r]["dashes"])} for r in relations]
    return items


def _lineage_subgraph(vg: ViewGraph, method_id: str, ext: nx.DiGraph, lineage_edges: list) -> nx.MultiDiGraph:
    """A method with its ancestors and descendants along extends, and the extends/compares edges among them."""
    nodes = {method_id} | (nx.descendants(ext, method_id) | nx.ancestors(ext, method_id) if method_id in ext else set())
    sub = nx.MultiDiGraph()
    sub.add_nodes_from((n, vg.graph.nodes[n]) for n in nodes)
    sub.add_edges_from((a, b, d) for a, b, d in lineage_edges if a in nodes and b in nodes)
    return sub


def _concept_subgraph(vg: ViewGraph, concept_id: str, relation: str, narrower: set[str]) -> nx.MultiDiGraph:
    targets = {concept_id} | narrower
    methods = {a for a, b, d in vg.graph.edges(data=True) if d["relation"] == relation and b in targets}
    nodes = methods | {t for t in targets if t in vg.graph}
    sub = nx.MultiDiGraph()
    sub.add_nodes_from((n, vg.graph.nodes[n]) for n in nodes)
    sub.add_edges_from((a, b, d) for a, b, d in vg.graph.edges(data=True)
                       if a in nodes and b in nodes and d["relation"] in ("extends", "compares", relation))
    return sub


def lineage_pages(vg: ViewGraph) -> dict[str, nx.MultiDiGraph]:
    """method slug -> its lineage graph, for every method with an ancestor or descendant."""
    out = {}
    ext = nx.DiGraph()
    ext.add_edges_from((a, b) for a, b, d in vg.graph.edges(data=True) if d["relation"] == "extends")
    lineage_edges = [(a, b, d) for a, b, d in vg.graph.edges(data=True) if d["relation"] in ("extends", "compares")]
    for n, d in vg.graph.nodes(data=True):
        if d["kind"] != "method" or n not in ext:  # no extends edge: no ancestor, no descendant
            continue
        sub = _lineage_subgraph(vg, n, ext, lineage_edges)
        if sub.number_of_nodes() > 1:
            out[n.split(":", 1)[1]] = sub
    return out


def write(build, staging: Staging) -> None:
    """Write html/: whole graph, lineage, family and hardware views, the views index, and lib/."""
    vg = view_graph(build)
    for name, src in LIB_FILES.items():
        staging.write_bytes(f"html/lib/{name}", src.read_bytes())
    views: list[dict] = []

    whole = vg.graph
    papers = [n for n, d in whole.nodes(data=True) if d["kind"] == "paper"]
    sampled = ""
    if len(papers) > WHOLE_GRAPH_PAPER_CAP:
        keep = {b for a, b, d in whole.edges(data=True) if d["relation"] == "introducedIn"}
        drop = [p for p in papers if p not in keep]
        whole = whole.copy()
        whole.remove_nodes_from(drop)
        sampled = f" (papers without a method left out: {len(drop)} of {len(papers)})"
    positions = spring_positions(whole, 2600) if whole.number_of_nodes() <= 2500 else grid_positions(whole)
    staging.write_text("html/index.html", render_view(
        whole, "qkg: the whole graph", f"{whole.number_of_nodes()} nodes, {whole.number_of_edges()} edges{sampled}", positions,
        "lib", "whole", [{"label": "All views", "url": "views.html"}]))
    views.append({"group": "Whole graph", "label": "Papers, methods, families, hardware, categories", "url": "index.html",
                  "count": f"{whole.number_of_nodes()} nodes, {whole.number_of_edges()} edges"})

    for slug, sub in sorted(lineage_pages(vg).items()):
        name = vg.graph.nodes[f"method:{slug}"]["label"]
        ext = nx.DiGraph((a, b) for a, b, d in sub.edges(data=True) if d["relation"] == "extends")
        node = f"method:{slug}"
        up = len(nx.descendants(ext, node)) if node in ext else 0
        down = len(nx.ancestors(ext, node)) if node in ext else 0
        staging.write_text(f"html/lineage/{slug}.html", render_view(
            sub, f"Lineage of {name}", f"{up} ancestors, {down} descendants; left to right by year", timeline_positions(sub),
            "../lib", "lineage", [{"label": "All views", "url": "../views.html"}]))
        views.append({"group": "Lineage", "label": name, "url": f"lineage/{slug}.html", "count": f"{up} ancestors, {down} descendants"})

    schemes = build.schemes
    for kind, relation in (("family", "appliesTo"), ("hardware", "targetsHardware")):
        scheme = schemes[kind]
        for local in sorted(scheme.labels):
            narrower = {f"{kind}:{c}" for c in scheme.labels if local in scheme.ancestors(c)}
            sub = _concept_subgraph(vg, f"{kind}:{local}", relation, narrower)
            methods = sum(1 for _, d in sub.nodes(data=True) if d["kind"] == "method")
            if methods == 0:
                continue
            staging.write_text(f"html/{kind}/{local}.html", render_view(
                sub, f"{scheme.labels[local]}: methods", f"{methods} methods (including narrower {'families' if kind == 'family' else 'targets'})",
                spring_positions(sub, 700), "../lib", kind, [{"label": "All views", "url": "../views.html"}]))
            views.append({"group": "Model family" if kind == "family" else "Hardware target", "label": scheme.labels[local],
                          "url": f"{kind}/{local}.html", "count": f"{methods} methods"})
    staging.write_text("html/views.html", views_page(views))


def views_page(views: list[dict]) -> str:
    """The index of every view, with counts."""
    import html as h

    groups: dict[str, list[dict]] = defaultdict(list)
    for v in views:
        groups[v["group"]].append(v)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>qkg views</title>',
             '<link rel="stylesheet" href="lib/qkg-view.css"></head><body class="qkg-index">',
             "<h1>qkg: every view</h1>", f"<p>{len(views)} views. They work offline, straight from disk.</p>"]
    for group, items in groups.items():
        parts.append(f"<h2>{h.escape(group)} ({len(items)})</h2><ul>")
        parts += [f'<li><a href="{h.escape(v["url"])}">{h.escape(v["label"])}</a> <span class="count">{h.escape(v["count"])}</span></li>'
                  for v in items]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_lineage_page(lg, method_iri: str, path: Path) -> None:
    """`qkg lineage METHOD --html PATH`: one lineage view, with its scripts copied next to it."""
    g = nx.MultiDiGraph()
    nodes = {method_iri} | lg.ancestors(method_iri) | lg.descendants(method_iri)
    for n in nodes:
        g.add_node(n, kind="method", label=lg.labels[n], year=lg.years.get(n), categories=[], families=[],
                   info={"title": lg.labels[n], "kind": "method", "year": lg.years.get(n)})
    for a, b in lg.graph.edges():
        if a in nodes and b in nodes:
            g.add_edge(a, b, relation="extends")
    path.parent.mkdir(parents=True, exist_ok=True)
    lib = path.parent / "lib"
    lib.mkdir(exist_ok=True)
    for name, src in LIB_FILES.items():
        shutil.copyfile(src, lib / name)
    page = render_view(g, f"Lineage of {lg.labels[method_iri]}", "left to right by year", timeline_positions(g), "lib", "lineage")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
