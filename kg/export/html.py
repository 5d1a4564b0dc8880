"""Interactive HTML views: the whole graph, a page per method, each family and hardware target, and views.html.

Pages work from disk with no network: vis-network is copied from the pyvis package into
html/lib/ once, next to the pages, with qkg's own scripts and styles. Graph data reaches a page
as JSON inside <script type="application/json"> (cleaned of control characters, with <, > and &
escaped), and the scripts build tooltips with textContent, so a hostile title stays text.
Layouts are computed here, at build time, in plain Python (kg/export/layout.py).
"""

from __future__ import annotations

import math
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pyvis

from kg import iri
from kg.export import method_pages
from kg.export.layout import band_layout, lineage_layout
from kg.export.palette import CATEGORY_COLOURS, EDGE_COLOURS, UNCATEGORISED, category_colour
from kg.export.safe_text import script_json
from kg.export.staging import Staging
from kg.export.views_index import redirect_page, views_page
from kg.paths import STATIC

VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
LIB_FILES = {"vis-network.min.js": VIS_DIR / "vis-network.min.js", "vis-network.css": VIS_DIR / "vis-network.css",
             **{name: STATIC / name for name in ("qkg-view.js", "qkg-view.css", "qkg-method.js", "qkg-method.css", "qkg-index.js")}}
WHOLE_GRAPH_PAPER_CAP = 1500  # beyond this many papers the whole-graph view keeps only papers that introduce a method

# concepts are diamonds and squares in dark and khaki greys, apart from every category colour
KIND_COLOURS = {"paper": "#b0b0b0", "method": UNCATEGORISED, "family": "#3b3b3b", "hardware": "#9c8a6e", "category": "#c9b037"}
EDGE_STYLES = {
    "extends": {"color": EDGE_COLOURS["extends"], "width": 2.2, "dashes": False},
    "compares": {"color": {"color": EDGE_COLOURS["compares"], "opacity": 0.5}, "width": 1, "dashes": [6, 4]},
    "appliesTo": {"color": EDGE_COLOURS["appliesTo"], "width": 1, "dashes": [2, 3]},
    "targetsHardware": {"color": EDGE_COLOURS["targetsHardware"], "width": 1.5, "dashes": [8, 3, 2, 3]},
    "introducedIn": {"color": EDGE_COLOURS["introducedIn"], "width": 0.8, "dashes": False},
    "category": {"color": EDGE_COLOURS["category"], "width": 0.5, "dashes": [1, 4]},
}
RELATION_WORDS = {"extends": "builds on", "compares": "compares against", "appliesTo": "applies to",
                  "targetsHardware": "targets", "introducedIn": "is introduced in", "category": "is in"}


@dataclass
class ViewGraph:
    """The nodes and edges the views draw, with everything a tooltip shows."""

    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (scheme kind, id) -> label

    def add(self, node_id: str, **attrs) -> None:
        self.graph.add_node(node_id, **attrs)


def view_graph(build) -> ViewGraph:
    """Papers, methods, families and hardware of a build as one graph (categories are node attributes)."""
    vg = ViewGraph(labels={(kind, local): label for kind, scheme in build.schemes.items() for local, label in scheme.labels.items()})
    for kind in ("family", "hardware"):
        for local in sorted({v for m in build.methods for v in (m.families if kind == "family" else m.hardware)}):
            label = vg.labels.get((kind, local), local)
            vg.add(f"{kind}:{local}", kind=kind, label=label, info={"title": label, "kind": kind}, when=None, year=None,
                   categories=[], families=[local] if kind == "family" else [])
    methods_of_paper = defaultdict(list)
    for m in build.methods:
        if m.paper is not None:
            methods_of_paper[m.paper.key].append(m)
    for p in build.resolution.papers:
        cats = sorted({c for m in methods_of_paper[p.key] for c in m.categories})
        fams = sorted({f for m in methods_of_paper[p.key] for f in m.families})
        vg.add(f"paper:{p.key}", kind="paper", label=_short_title(str(p.title.value)), year=p.year.value, when=p.when,
               categories=cats, families=fams, info=_paper_info(p, build, cats))
    for m in build.methods:
        node = f"method:{iri.slug(m.name)}"
        vg.add(node, kind="method", label=m.name, year=m.when[0] if m.when else None, when=m.when, categories=list(m.categories),
               families=list(m.families), info=_method_info(m, build), aliases=list(m.aliases))
        if m.paper is not None:
            vg.graph.add_edge(node, f"paper:{m.paper.key}", relation="introducedIn")
        for f in m.families:
            vg.graph.add_edge(node, f"family:{f}", relation="appliesTo")
        for h in m.hardware:
            vg.graph.add_edge(node, f"hardware:{h}", relation="targetsHardware")
    for e in build.edges:
        vg.graph.add_edge(f"method:{iri.slug(e.source.name)}", f"method:{iri.slug(e.target.name)}", relation=e.kind,
                          evidence=e.evidence, where=e.where or "", origin=e.origin)
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
            "venue": venue, "year": p.year.value, "first appeared": p.first_appeared, "categories": cats,
            "role": p.role.value if p.role else None, "lists": p.sources, "links": _links(p)}


def _method_info(m, build) -> dict:
    labels = {kind: s.labels for kind, s in build.schemes.items()}
    info = {"title": m.name, "kind": "method", "year": m.year}
    if m.paper is not None:
        info.update(_paper_info(m.paper, build, []))
        info["title"] = f"{m.name}: {m.paper.title.value}"
        info["kind"] = "method"
    info.update({"categories": [labels["category"].get(c, c) for c in m.categories],
                 "families": [labels["family"].get(f, f) for f in m.families],
                 "hardware": [labels["hardware"].get(h, h) for h in m.hardware], "bits": list(m.bits),
                 "page": f"method/{iri.slug(m.name)}.html"})
    return info


# --- whole-graph layout ------------------------------------------------------------------

def whole_positions(g: nx.MultiDiGraph, category_order: list[str]) -> tuple[dict[str, tuple[int, int]], list[dict], list[dict]]:
    """Methods: x = first appearance (a column per year), one band per (first) category; papers under their
    method or in a band of their own; families and hardware above. Returns positions, bands and years."""
    rank = {c: i for i, c in enumerate(category_order)}
    methods = [n for n, d in g.nodes(data=True) if d["kind"] == "method"]
    when = {n: g.nodes[n]["when"] for n in g.nodes}
    band = {n: rank.get((g.nodes[n]["categories"] or [""])[0], len(rank)) for n in methods}
    pos, bands, year_x = band_layout(methods, when, band)
    bottom = max((b for _, b in bands.values()), default=0) + 120
    lonely = [n for n, d in g.nodes(data=True) if d["kind"] == "paper" and not any(
        g.nodes[a]["kind"] == "method" for a in g.predecessors(n))]
    lonely_pos, _, _ = band_layout(lonely, when, dict.fromkeys(lonely, 0), per_row=8, dx=38, dy=26)
    pos.update({n: (x, y + bottom) for n, (x, y) in lonely_pos.items()})
    for n in g.nodes:
        if g.nodes[n]["kind"] == "paper" and n not in pos:
            owner = min(a for a in g.predecessors(n) if g.nodes[a]["kind"] == "method")
            pos[n] = (pos[owner][0] + 14, pos[owner][1] + 16)
    width = max((x for x, _ in pos.values()), default=0)
    for kind, y in (("family", -160), ("hardware", -90)):
        concepts = sorted((n for n, d in g.nodes(data=True) if d["kind"] == kind), key=lambda n: g.nodes[n]["label"].lower())
        step = width / max(1, len(concepts) - 1) if len(concepts) > 1 else 0
        for i, n in enumerate(concepts):
            pos[n] = (round(i * step), y)
    labels = [{"label": category_order[b] if b < len(category_order) else "", "top": t, "bottom": bt} for b, (t, bt) in bands.items()]
    return pos, labels, [{"year": y or "n.d.", "x": x} for y, x in sorted(year_x.items())]


# --- pages -------------------------------------------------------------------------------

def _node_style(data: dict, degree: int) -> dict:
    kind = data["kind"]
    colour = category_colour(data["categories"]) if kind == "method" else KIND_COLOURS[kind]
    shape = {"paper": "dot", "method": "dot", "family": "diamond", "hardware": "square", "category": "triangle"}[kind]
    size = round(8 + 3 * math.sqrt(degree), 1) if kind != "paper" else 5
    return {"color": colour, "shape": shape, "size": min(size, 30)}


def render_view(g: nx.MultiDiGraph, title: str, subtitle: str, positions: dict, lib: str, kind: str, links: list[dict] | None = None,
                hidden_kinds: tuple[str, ...] = (), extra: dict | None = None) -> str:
    """One vis-network page: nodes at the given positions, straight edges, search, filters, toggles, legend and tooltips."""
    degree = dict(g.degree())
    nodes, edges = [], []
    for n in sorted(g.nodes):
        d = g.nodes[n]
        x, y = positions.get(n, (0, 0))
        nodes.append({"id": n, "label": d["label"], "x": x, "y": y, "info": d["info"], "kind": d["kind"], "year": d.get("year"),
                      "categories": d.get("categories", []), "families": d.get("families", []), "aliases": d.get("aliases", []),
                      "hidden": d["kind"] in hidden_kinds, **_node_style(d, degree[n])})
    for i, (a, b, d) in enumerate(sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2]["relation"]))):
        style = dict(EDGE_STYLES[d["relation"]])
        if d["relation"] == "compares":  # curved, so a comparison never hides under an extends edge
            style["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.15}
        info = {"title": f"{g.nodes[a]['label']} {RELATION_WORDS[d['relation']]} {g.nodes[b]['label']}",
                "evidence": d.get("evidence"), "where": d.get("where"), "origin": d.get("origin")}
        edges.append({"id": f"e{i}", "from": a, "to": b, "relation": d["relation"], "arrows": "to", "info": info,
                      "hidden": g.nodes[a]["kind"] in hidden_kinds or g.nodes[b]["kind"] in hidden_kinds, **style})
    options = {"physics": {"enabled": False}, "nodes": {"font": {"size": 14, "face": "system-ui"}}, "edges": {"smooth": False},
               "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True, "navigationButtons": False},
               "layout": {"improvedLayout": False}}
    page = {"title": title, "subtitle": subtitle, "kind": kind, "legend": _legend(g), "links": links or [],
            "toggles": [{"kind": k, "label": {"paper": "papers", "family": "model families", "hardware": "hardware targets"}[k]}
                        for k in ("paper", "family", "hardware") if any(d["kind"] == k for _, d in g.nodes(data=True))],
            "hidden": list(hidden_kinds), "labels": _filter_labels(g), **(extra or {})}
    values = {"__QKG_LIB__": lib, "__QKG_PAGE__": script_json(page),
              "__QKG_GRAPH__": script_json({"nodes": nodes, "edges": edges, "options": options})}
    template = (STATIC / "view.html").read_text(encoding="utf-8")
    return re.sub("__QKG_(LIB|PAGE|GRAPH)__", lambda m: values[m.group(0)], template)  # one pass: data never re-expanded


def _filter_labels(g: nx.MultiDiGraph) -> dict:
    out: dict[str, dict[str, str]] = {"category": {}, "family": {}}
    for _, d in g.nodes(data=True):
        if d["kind"] == "method":
            for c, label in zip(d["categories"], d["info"].get("categories", [])):
                out["category"][c] = label
            for f, label in zip(d["families"], d["info"].get("families", [])):
                out["family"][f] = label
    return out


def _legend(g: nx.MultiDiGraph) -> list[dict]:
    kinds = sorted({d["kind"] for _, d in g.nodes(data=True)})
    relations = sorted({d["relation"] for _, _, d in g.edges(data=True)})
    labels = _filter_labels(g)["category"]
    cats = sorted({d["categories"][0] for _, d in g.nodes(data=True) if d["kind"] == "method" and d["categories"]})
    items = [{"type": "node", "label": k, "color": KIND_COLOURS[k]} for k in kinds if k != "method"]
    items += [{"type": "node", "label": f"method: {labels.get(c, c)}", "color": CATEGORY_COLOURS.get(c, UNCATEGORISED)} for c in cats]
    items += [{"type": "edge", "label": RELATION_WORDS[r], "color": EDGE_COLOURS[r], "dashes": bool(EDGE_STYLES[r]["dashes"])}
              for r in relations]
    return items


def _concept_subgraph(vg: ViewGraph, concept_id: str, relation: str, narrower: set[str]) -> nx.MultiDiGraph:
    targets = {concept_id} | narrower
    methods = {a for a, b, d in vg.graph.edges(data=True) if d["relation"] == relation and b in targets}
    nodes = methods | {t for t in targets if t in vg.graph}
    sub = nx.MultiDiGraph()
    sub.add_nodes_from((n, vg.graph.nodes[n]) for n in nodes)
    sub.add_edges_from((a, b, d) for a, b, d in vg.graph.edges(data=True)
                       if a in nodes and b in nodes and d["relation"] in ("extends", "compares", relation))
    return sub


def _category_order(build) -> list[str]:
    used = {c for m in build.methods for c in m.categories[:1]}
    return [c for c in build.schemes["category"].labels if c in used]


def write(build, staging: Staging) -> None:
    """Write html/: whole graph, method pages, family and hardware views, the views index, and lib/."""
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
        sampled = f"; papers without a method left out: {len(drop)} of {len(papers)}"
    order = _category_order(build)
    positions, bands, years = whole_positions(whole, order)
    category_labels = build.schemes["category"].labels
    bands = [{**b, "label": category_labels.get(b["label"], b["label"] or "uncategorised")} for b in bands]
    methods = sum(1 for _, d in whole.nodes(data=True) if d["kind"] == "method")
    staging.write_text("html/index.html", render_view(
        whole, "qkg: methods and their lineage", f"{methods} methods, left to right by first appearance, one band per category"
        f"{sampled}", positions, "lib", "whole", [{"label": "All methods and views", "url": "views.html"}],
        hidden_kinds=("paper", "family", "hardware"), extra={"bands": bands, "years": years}))
    views.append({"group": "Whole graph", "label": "Methods with their extends and compares edges (papers, families, hardware on demand)",
                  "url": "index.html", "count": f"{whole.number_of_nodes()} nodes, {whole.number_of_edges()} edges"})
    entries = method_pages.write(build, staging)
    extends = {iri.slug(m.name) for e in build.edges if e.kind == "extends" for m in (e.source, e.target)}
    for slug in sorted(extends):  # the old lineage/<slug>.html addresses were public: they now point at the method page
        staging.write_text(f"html/lineage/{slug}.html", redirect_page(f"../method/{slug}.html"))
    schemes = build.schemes
    for kind, relation in (("family", "appliesTo"), ("hardware", "targetsHardware")):
        scheme = schemes[kind]
        for local in sorted(scheme.labels):
            narrower = {f"{kind}:{c}" for c in scheme.labels if local in scheme.ancestors(c)}
            sub = _concept_subgraph(vg, f"{kind}:{local}", relation, narrower)
            count = sum(1 for _, d in sub.nodes(data=True) if d["kind"] == "method")
            if count == 0:
                continue
            pos, sub_bands, sub_years = whole_positions(sub, order)
            sub_bands = [{**b, "label": category_labels.get(b["label"], b["label"] or "uncategorised")} for b in sub_bands]
            staging.write_text(f"html/{kind}/{local}.html", render_view(  # the concept links to every method: shown on demand
                sub, f"{scheme.labels[local]}: methods", f"{count} methods (including narrower {'families' if kind == 'family' else 'targets'})"
                ", left to right by first appearance", pos, "../lib", kind, [{"label": "All methods and views", "url": "../views.html"}],
                hidden_kinds=(kind,), extra={"bands": sub_bands, "years": sub_years}))
            views.append({"group": "Model family" if kind == "family" else "Hardware target", "label": scheme.labels[local],
                          "url": f"{kind}/{local}.html", "count": f"{count} methods"})
    staging.write_text("html/views.html", views_page(views, entries))


def write_lineage_page(lg, method_iri: str, path: Path) -> None:
    """`qkg lineage METHOD --html PATH`: one lineage view, with its scripts copied next to it."""
    g = nx.MultiDiGraph()
    nodes = {method_iri} | lg.ancestors(method_iri) | lg.descendants(method_iri)
    for n in nodes:
        year = lg.years.get(n)
        g.add_node(n, kind="method", label=lg.labels[n], year=year, when=(year, 0) if year else None, categories=[], families=[],
                   info={"title": lg.labels[n], "kind": "method", "year": year})
    pairs = sorted((a, b) for a, b in lg.graph.edges() if a in nodes and b in nodes)
    for a, b in pairs:
        g.add_edge(a, b, relation="extends")
    placed = lineage_layout(sorted(nodes), {n: g.nodes[n]["when"] for n in nodes}, pairs, first=method_iri)
    positions = {n: (x * 2, y * 2) for n, (x, y) in placed.pos.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    lib = path.parent / "lib"
    lib.mkdir(exist_ok=True)
    for name, src in LIB_FILES.items():
        shutil.copyfile(src, lib / name)
    page = render_view(g, f"Lineage of {lg.labels[method_iri]}", "left to right by year", positions, "lib", "lineage")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
