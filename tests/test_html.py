"""HTML views: files, offline loading, safety; driven in Debian's headless Chromium through Playwright."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kg import iri
from kg.export.html import view_graph
from kg.pipeline import build_and_export
from tests.conftest import CHROMIUM, FIXTURES, ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
needs_browser = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (.ci/run installs it)")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def test_every_method_has_a_page_and_views_html_lists_them(built):
    build, out = built
    html = out / "html"
    assert {p.stem for p in (html / "method").glob("*.html")} == {iri.slug(m.name) for m in build.methods}
    assert (html / "method" / "quip-sharp.html").exists() and (html / "family" / "llm.html").exists() and (html / "hardware" / "gpu.html").exists()
    views = (html / "views.html").read_text()
    listed = re.findall(r'<li data-slug="([^"]+)"', views)
    assert listed == sorted(iri.slug(m.name) for m in build.methods)
    others = [p for p in html.rglob("*.html") if p.parent.name in ("family", "hardware")]
    assert views.count("<li>") == len(others)
    # the old lineage addresses still lead somewhere: to the method page
    old = (html / "lineage" / "qdrop.html").read_text()
    assert 'url=../method/qdrop.html' in old


def test_method_page_says_what_the_method_is_and_lists_every_edge_with_evidence(built):
    build, out = built
    gptq = (out / "html" / "method" / "gptq.html").read_text()
    for text in ("GPTQ: Accurate Post-Training Quantization", "Frantar", "2022-10", "OPTQ", "W4A16", "LLM", "GPU",
                 "Builds on", "Built upon by", "Compares against", "Compared by", "@inproceedings{", "SELECT ?relation"):
        assert text in gptq, text
    into = [e for e in build.edges if e.target.name == "GPTQ"]
    outof = [e for e in build.edges if e.source.name == "GPTQ"]
    assert gptq.count('<li id="') == len(into) + len(outof)
    compared_by = gptq.split('id="compared-by"')[1].split("</section>")[0]
    assert compared_by.count("<li ") == sum(e.kind == "compares" for e in into) >= 15
    spin = (out / "html" / "method" / "spinquant.html").read_text()
    assert "learns the rotation matrices by Cayley optimization" in spin and "2024-05" in spin


def test_method_pages_give_the_sparql_that_returns_their_edges(built):
    import html as h

    from kg.sparql.query import open_engine

    build, out = built
    engine = open_engine("oxigraph", out / "qkg.trig")
    for slug in ("gptq", "adaround", "spinquant"):
        page = (out / "html" / "method" / f"{slug}.html").read_text()
        query = h.unescape(page.split('<pre class="sparql edges">')[1].split("</pre>")[0])
        rows = engine.run(query).rows
        assert len(rows) == page.count('<li id="') > 0, slug
        facts = engine.run(h.unescape(page.split('<pre class="sparql facts">')[1].split("</pre>")[0])).rows
        m = next(m for m in build.methods if iri.slug(m.name) == slug)
        assert len(facts) == 1 and facts[0]["label"].value == m.name
        assert facts[0]["firstAppeared"].value == m.first_appeared and facts[0]["title"].value == m.paper.title.value
        assert sorted(facts[0]["bitWidths"].value.split(", ")) == sorted(m.bits)


def test_method_page_svg_is_well_formed_and_reads_left_to_right_in_time(built):
    build, out = built
    by_slug = {iri.slug(m.name): m for m in build.methods}
    seen = {}
    for slug in ("gptq", "adaround", "quarot", "spinquant"):
        page = (out / "html" / "method" / f"{slug}.html").read_text()
        svg = ET.fromstring(page[page.index("<svg"):page.index("</svg>") + 6])
        ns = "{http://www.w3.org/2000/svg}"
        xs = {}
        for a in svg.iter(f"{ns}a"):
            circle = a.find(f"{ns}circle")
            xs[a.get("data-id")] = float(circle.get("cx"))
        dated = sorted((by_slug[s].when, x) for s, x in xs.items() if by_slug[s].when)
        assert [x for _, x in dated] == sorted(x for _, x in dated), slug  # x grows with first appearance
        seen[slug] = xs
    assert seen["spinquant"]["spinquant"] > seen["spinquant"]["quarot"]  # arXiv month, not ICLR 2025 against 2024


def test_no_page_loads_anything_from_the_network(built):
    _, out = built
    for page in (out / "html").rglob("*.html"):
        text = page.read_text()
        assert not re.search(r"""src\s*=\s*["']?https?://|<link[^>]*href\s*=\s*["']?https?://""", text), page  # links to papers are fine
        assert "cdn" not in text.lower(), page
    for lib in (out / "html" / "lib").iterdir():  # one shared copy of the scripts, next to the pages
        assert lib.suffix in (".js", ".css")
    assert len(list((out / "html").rglob("vis-network.min.js"))) == 1
    assert not list((out / "html" / "method").glob("*.js"))


class Page:
    """A view opened from disk with every network request blocked and recorded."""

    def __init__(self, browser, path: Path | None = None):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.route("**/*", self._route)
        if path is not None:
            self.open(path)

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.qkg && window.qkg.ready", timeout=10_000)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            return route.continue_()
        self.requests.append(route.request.url)
        return route.abort()

    def edge_point(self, selector: str) -> tuple[float, float]:
        """The on-screen middle of an SVG edge (a horizontal line has no box for Playwright to hover)."""
        self.page.locator(selector).first.scroll_into_view_if_needed()
        return tuple(self.eval(f"""(() => {{ const l = document.querySelector('{selector}');
            const p = l.ownerSVGElement.createSVGPoint(); p.x = (l.x1.baseVal.value + l.x2.baseVal.value) / 2;
            p.y = (l.y1.baseVal.value + l.y2.baseVal.value) / 2; const s = p.matrixTransform(l.getScreenCTM()); return [s.x, s.y]; }})()"""))

    def eval(self, js: str):
        return self.page.evaluate(js)

    def shot(self, name: str, full: bool = False) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=full)


# Every drawn edge against every disc that is not one of its ends, in the SVG's own coordinates.
EDGES_THROUGH_NODES = """((root) => {
  const out = {};
  for (const svg of root.querySelectorAll('svg.lineage')) {
    const page = svg.closest('[data-page]') ? svg.closest('[data-page]').dataset.page : location.pathname;
    const discs = Array.from(svg.querySelectorAll('a.node')).map(a => {
      const c = a.querySelector('circle');
      return {id: a.dataset.id, x: c.cx.baseVal.value, y: c.cy.baseVal.value, r: c.r.baseVal.value};
    });
    const bad = [];
    for (const g of svg.querySelectorAll('g.edge')) {
      const l = g.querySelector('line.line');
      const ax = l.x1.baseVal.value, ay = l.y1.baseVal.value, bx = l.x2.baseVal.value, by = l.y2.baseVal.value;
      for (const d of discs) {
        if (d.id === g.dataset.from || d.id === g.dataset.to) continue;
        const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
        const t = len2 ? Math.max(0, Math.min(1, ((d.x - ax) * dx + (d.y - ay) * dy) / len2)) : 0;
        if (Math.hypot(d.x - ax - t * dx, d.y - ay - t * dy) < d.r) bad.push(g.dataset.from + '->' + g.dataset.to + ' through ' + d.id);
      }
    }
    out[page] = [discs.length, svg.querySelectorAll('g.edge').length, bad];
  }
  return out;
})(document)"""


@needs_browser
@pytest.mark.browser
def test_on_every_method_page_no_edge_passes_through_another_node(browser, built, tmp_path):
    build, out = built
    method_dir = out / "html" / "method"
    slugs = sorted(iri.slug(m.name) for m in build.methods)
    # Every page's SVG, as the page has it, parsed and laid out by Chromium in one document (192 navigations take 30 s) ...
    sections = []
    for slug in slugs:
        text = (method_dir / f"{slug}.html").read_text()
        sections.append(f'<section data-page="{slug}">{text[text.index("<svg"):text.index("</svg>") + 6]}</section>')
    sheet = (out / "html" / "lib" / "qkg-method.css").as_uri()
    (tmp_path / "all.html").write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="{sheet}">'
                                       f'<script>window.qkg = {{ready: true}};</script></head><body>{"".join(sections)}</body></html>')
    page = Page(browser, tmp_path / "all.html")
    found = page.eval(EDGES_THROUGH_NODES)
    assert sorted(found) == slugs
    assert {slug: bad for slug, (_, _, bad) in found.items() if bad} == {}
    assert all(nodes >= 1 for nodes, _, _ in found.values()) and sum(edges for _, edges, _ in found.values()) > 500
    # ... and the pages themselves, opened one by one, for the methods with the most edges
    busiest = sorted(slugs, key=lambda s: -found[s][1])[:12]
    for slug in busiest:
        page.open(method_dir / f"{slug}.html")
        (_, edges, bad), = page.eval(EDGES_THROUGH_NODES).values()
        assert bad == [] and edges == found[slug][1], slug
    assert page.errors == [] and page.requests == []
    page.page.close()


@needs_browser
@pytest.mark.browser
def test_method_page_shows_evidence_on_hover_and_click(browser, built):
    _, out = built
    page = Page(browser, out / "html" / "method" / "spinquant.html")
    assert page.eval("qkg.readyAt") < 5000
    x, y = page.edge_point('svg.lineage g.edge.extends[data-from="spinquant"][data-to="quarot"] line.hit')
    page.page.mouse.move(x, y)
    info = page.page.locator("#edge-info")
    assert info.is_visible() and "Cayley optimization" in info.text_content()
    active = "document.querySelector('li.active')"
    assert page.eval(f"{active} && {active}.id").startswith("builds-on-")
    assert page.eval(f"{active}.querySelector('a').textContent") == "QuaRot"
    page.page.mouse.move(5, 5)
    assert not info.is_visible()
    page.page.mouse.click(x, y)
    page.page.mouse.move(5, 5)
    assert info.is_visible() and "Cayley optimization" in info.text_content()  # a click pins it
    page.shot("method-spinquant.png", full=True)
    page.open(out / "html" / "method" / "gptq.html")
    page.shot("method-gptq.png", full=True)
    assert page.errors == [] and page.requests == []
    page.page.close()


@needs_browser
@pytest.mark.browser
def test_views_search_matches_substrings_any_case_and_aliases(browser, built):
    _, out = built
    page = Page(browser, out / "html" / "views.html")
    assert "gptq" in page.eval("qkg.search('GpT')")
    assert page.eval("qkg.search('optq')") == ["gptq"]  # an alias
    assert {"quip", "quip-sharp"} <= set(page.eval("qkg.search('QUIP')"))
    page.page.fill("#method-search", "brec")
    assert page.page.locator("#methods li:visible").count() == len(page.eval("qkg.search('brec')")) >= 1
    assert page.eval("qkg.search('no such method zzz')") == []
    page.shot("views.png")
    assert page.errors == [] and page.requests == []
    page.page.close()


@needs_browser
@pytest.mark.browser
@pytest.mark.parametrize("rel", ["index.html", "family/transformer.html", "hardware/gpu.html"])
def test_view_loads_offline_with_the_expected_network(browser, built, rel):
    build, out = built
    page = Page(browser, out / "html" / rel)
    counts = page.eval("[qkg.nodes.length, qkg.edges.length, qkg.network.body.nodeIndices.length]")
    text = (out / "html" / rel).read_text()
    data = json.loads(text.split('<script id="qkg-graph" type="application/json">')[1].split("</script>")[0])
    assert counts == [len(data["nodes"]), len(data["edges"]), sum(not n["hidden"] for n in data["nodes"])]
    if rel == "index.html":
        vg = view_graph(build)
        assert counts[:2] == [vg.graph.number_of_nodes(), vg.graph.number_of_edges()]
        shown = page.eval("qkg.nodes.get({filter: n => !n.hidden}).map(n => n.kind)")
        assert set(shown) == {"method"} and len(shown) == len(build.methods)  # it opens on the methods
    assert page.errors == [] and page.requests == []
    assert page.eval("qkg.readyAt") < 5000  # interactive within 5 s
    page.shot(rel.replace("/", "-").replace(".html", ".png"))
    page.page.close()


@needs_browser
@pytest.mark.browser
def test_whole_graph_toggles_filters_search_and_edge_evidence(browser, built):
    build, out = built
    page = Page(browser, out / "html" / "index.html")
    total = page.eval("qkg.visibleCount()")
    assert total == len(build.methods)
    page.page.check("#qkg-toggle-paper")
    assert page.eval("qkg.visibleCount()") > total
    page.page.uncheck("#qkg-toggle-paper")
    options = page.eval("Array.from(document.querySelectorAll('#qkg-category option')).map(o => [o.value, o.textContent])")
    assert ["qat", "Quantization-aware training"] in options  # labels, not slugs
    page.page.select_option("#qkg-category", "qat")
    assert 0 < page.eval("qkg.visibleCount()") < total
    assert page.eval("qkg.nodes.get('method:qdrop').hidden") is True  # QDrop is PTQ
    page.page.click("#qkg-reset")
    page.page.fill("#qkg-year-min", "2024")  # years of first appearance: SpinQuant is arXiv 2024, ICLR 2025
    page.page.dispatch_event("#qkg-year-min", "change")
    assert page.eval("[qkg.nodes.get('method:gptq').hidden, qkg.nodes.get('method:spinquant').hidden]") == [True, False]
    page.page.click("#qkg-reset")
    for query in ("qdrop", "OPTQ"):  # any case, aliases
        page.page.fill("#qkg-search", query)
        page.page.press("#qkg-search", "Enter")
        assert page.eval("qkg.network.getSelectedNodes()") == [{"qdrop": "method:qdrop", "OPTQ": "method:gptq"}[query]]
    # every extends and compares edge carries its evidence; hovering one shows it
    lineage = page.eval("qkg.edges.get().filter(e => e.relation === 'extends' || e.relation === 'compares')"
                        ".map(e => [e.title.textContent, e.info.evidence])")
    assert len(lineage) == len(build.edges) and all(ev and ev in tip for tip, ev in lineage)
    page.eval("qkg.network.moveTo({scale: 1.5, position: qkg.network.getPositions(['method:spinquant'])['method:spinquant']})")
    point = page.eval("""(() => { const p = qkg.network.getPositions(['method:spinquant', 'method:quarot']);
        const m = {x: (p['method:spinquant'].x + p['method:quarot'].x) / 2, y: (p['method:spinquant'].y + p['method:quarot'].y) / 2};
        const d = qkg.network.canvasToDOM(m); return [d.x, d.y]; })()""")
    box = page.page.locator("#qkg-network").bounding_box()
    page.page.mouse.move(box["x"] + point[0], box["y"] + point[1])
    page.page.wait_for_selector(".vis-tooltip", state="visible", timeout=3000)
    shown = page.page.locator(".vis-tooltip").text_content()
    assert "QuaRot" in shown and any(tip == shown and ev for tip, ev in lineage)  # an edge there, with its evidence
    page.shot("index-tooltip.png")
    assert page.errors == [] and page.requests == []
    page.page.close()


@needs_browser
@pytest.mark.browser
def test_clicking_a_method_highlights_its_neighbourhood(browser, built):
    _, out = built
    page = Page(browser, out / "html" / "index.html")
    pos = page.eval("(() => { const p = qkg.network.canvasToDOM(qkg.network.getPositions(['method:brecq'])['method:brecq']); return [p.x, p.y]; })()")
    box = page.page.locator("#qkg-network").bounding_box()
    page.page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
    assert page.eval("qkg.highlighted()") == "method:brecq"
    dimmed = page.eval("qkg.nodes.get().filter(n => typeof n.color === 'string' && n.color.startsWith('rgba(200')).map(n => n.id)")
    neighbours = page.eval("qkg.network.getConnectedNodes('method:brecq')")
    assert dimmed and not set(dimmed) & set(neighbours + ["method:brecq"])
    page.page.close()


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    from kg.paths import Layout

    root = tmp_path_factory.mktemp("hostile")
    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(FIXTURES / "hostile.md", root / "data" / "sources" / "hostile.md")
    shutil.copy(FIXTURES / "hostile-methods.yaml", root / "data" / "curated" / "methods" / "hostile.yaml")
    shutil.copy(FIXTURES / "hostile-relations.yaml", root / "data" / "curated" / "relations" / "hostile.yaml")
    layout = Layout.default(root=root, out=root / "exports")
    return build_and_export(layout), layout.out


HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>", '" onmouseover=alert(1) x="', "<script>alert(",
           "<svg onload", "</title></svg>"]
HOSTILE_SLUG = iri.slug("Q<script>alert(1)</script>")


def test_hostile_titles_are_escaped_in_the_files(hostile_build):
    _, out = hostile_build
    text = (out / "html" / "index.html").read_text()
    for attack in HOSTILE:
        assert attack not in text
    assert text.count("<script") == text.count("</script>") == 4  # vis, two JSON blocks, qkg-view.js: nothing injected
    for page in (out / "html").rglob("*.html"):
        assert not CONTROL.search(page.read_text()), page  # control characters never reach a page
    method = (out / "html" / "method" / f"{HOSTILE_SLUG}.html").read_text()
    assert method.count("<script") == 1 and all(a not in method for a in HOSTILE)
    ET.fromstring(method[method.index("<svg"):method.index("</svg>") + 6])  # the SVG is well-formed XML
    gptq = (out / "html" / "method" / "gptq.html").read_text()
    ET.fromstring(gptq[gptq.index("<svg"):gptq.index("</svg>") + 6])
    assert "&lt;/title&gt;&lt;/svg&gt;&lt;script&gt;alert(4)" in gptq


@needs_browser
@pytest.mark.browser
def test_hostile_titles_show_as_text_and_never_run(browser, hostile_build):
    _, out = hostile_build
    page = Page(browser, out / "html" / "index.html")
    labels = page.eval("qkg.nodes.map(n => n.info.title)")
    assert any("<img src=x onerror=alert(1)>" in t for t in labels)
    assert any("</script><script>alert(1)</script>" in t for t in labels)
    options = page.eval("Array.from(document.querySelectorAll('#qkg-names option')).map(o => o.value)")
    assert any(o.startswith("<img src=x") for o in options)
    assert page.eval("document.querySelectorAll('img').length") == 0
    # open a hostile tooltip: it is text, and its javascript: link is dropped
    node = page.eval("qkg.nodes.get().find(n => n.info.title.startsWith('<img')).id")
    tip = page.eval(f"(() => {{ const t = qkg.nodes.get('{node}').title; document.body.appendChild(t); return [t.textContent, t.querySelectorAll('a').length, Array.from(t.querySelectorAll('a')).map(a => a.href)]; }})()")
    assert "<img src=x onerror=alert(1)>" in tip[0]
    assert all(h.startswith("https://") or h.startswith("file://") for h in tip[2])
    page.page.fill("#qkg-search", "<img src=x onerror=alert(1)>: Image Tag Title For Quantization")
    page.page.press("#qkg-search", "Enter")
    page.page.wait_for_timeout(300)
    page.shot("hostile.png")
    for rel in (f"method/{HOSTILE_SLUG}.html", "method/gptq.html", "views.html"):
        page.open(out / "html" / rel)
        assert page.eval("document.querySelectorAll('img, script:not([src])').length") == 0
    page.open(out / "html" / f"method/{HOSTILE_SLUG}.html")
    assert page.eval("document.querySelector('h1').textContent") == "Q<script>alert(1)</script>"
    page.page.mouse.move(*page.edge_point(f'svg.lineage g.edge[data-from="{HOSTILE_SLUG}"] line.hit'))
    assert "<script>alert(4)</script>" in page.page.locator("#edge-info").text_content()
    page.page.wait_for_timeout(200)
    assert page.dialogs == [] and page.errors == [] and page.requests == []
    page.page.close()


def test_lineage_command_writes_a_page_on_demand(tmp_path, built):
    from click.testing import CliRunner

    from kg.cli import main

    _, out = built
    target = tmp_path / "views" / "qdrop.html"
    result = CliRunner().invoke(main, ["lineage", "QDrop", "--graph", str(out / "qkg.trig"), "--html", str(target)])
    assert result.exit_code == 0, result.output
    assert "BRECQ (2021)" in result.output and target.exists() and (target.parent / "lib" / "vis-network.min.js").exists()


def test_method_page_shows_techniques_when_the_graph_has_them(built):
    from types import SimpleNamespace

    from kg.export import method_pages
    from kg.graph.dataset import Dataset, N, lit

    build, _ = built
    ds = Dataset()
    gptq = next(m for m in build.methods if m.name == "GPTQ")
    technique = "https://w3id.org/qkg/technique/hessian-error-compensation"
    ds.add(N(gptq.iri), N(iri.ONTOLOGY + "usesTechnique"), N(technique), iri.GRAPH_CURATED)
    ds.add(N(technique), N("http://www.w3.org/2004/02/skos/core#prefLabel"), lit("Hessian-based error compensation", language="en"),
           iri.GRAPH_CURATED)
    found = method_pages.techniques_of(SimpleNamespace(dataset=ds))
    assert found == {gptq.iri: ["Hessian-based error compensation"]}
    page = method_pages.render(gptq, build, method_pages.Lineages.of(build), None, found[gptq.iri])
    assert "<dt>techniques</dt><dd>Hessian-based error compensation</dd>" in page
    assert "<dt>techniques</dt>" not in method_pages.render(gptq, build, method_pages.Lineages.of(build), None, [])
