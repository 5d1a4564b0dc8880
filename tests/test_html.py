"""HTML views: files, offline loading, safety; driven in Debian's headless Chromium through Playwright."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from kg.export.html import lineage_pages, view_graph
from kg.pipeline import build_and_export
from tests.conftest import FIXTURES, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
needs_browser = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (.ci/run installs it)")


def test_views_exist_for_every_lineage_family_and_hardware(built):
    build, out = built
    html = out / "html"
    vg = view_graph(build)
    assert {p.stem for p in (html / "lineage").glob("*.html")} == set(lineage_pages(vg))
    assert (html / "lineage" / "qdrop.html").exists() and (html / "family" / "llm.html").exists() and (html / "hardware" / "gpu.html").exists()
    views = (html / "views.html").read_text()
    assert views.count("<li>") == len(list(html.rglob("*.html"))) - 1  # every page but views.html itself


def test_no_page_loads_anything_from_the_network(built):
    _, out = built
    for page in (out / "html").rglob("*.html"):
        text = page.read_text()
        assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", text), page
        assert "cdn" not in text.lower(), page
    for lib in (out / "html" / "lib").iterdir():  # one shared copy of the scripts, next to the pages
        assert lib.suffix in (".js", ".css")
    assert len(list((out / "html").rglob("vis-network.min.js"))) == 1


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


class Page:
    """A view opened from disk with every network request blocked and recorded."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.qkg && window.qkg.ready", timeout=10_000)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            return route.continue_()
        self.requests.append(route.request.url)
        return route.abort()

    def eval(self, js: str):
        return self.page.evaluate(js)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name))


@needs_browser
@pytest.mark.browser
@pytest.mark.parametrize("rel", ["index.html", "lineage/qdrop.html", "lineage/adaround.html", "family/transformer.html", "hardware/gpu.html"])
def test_view_loads_offline_with_the_expected_network(browser, built, rel):
    build, out = built
    page = Page(browser, out / "html" / rel)
    counts = page.eval("[qkg.nodes.length, qkg.edges.length, qkg.network.body.nodeIndices.length]")
    text = (out / "html" / rel).read_text()
    data = json.loads(text.split('<script id="qkg-graph" type="application/json">')[1].split("</script>")[0])
    assert counts == [len(data["nodes"]), len(data["edges"]), len(data["nodes"])]
    if rel == "index.html":
        vg = view_graph(build)
        assert counts[:2] == [vg.graph.number_of_nodes(), vg.graph.number_of_edges()]
    if rel == "lineage/qdrop.html":
        assert sorted(page.eval("qkg.nodes.map(n => n.label)")) == ["AdaRound", "BRECQ", "QDrop"]
    assert page.errors == [] and page.requests == []
    assert page.eval("qkg.readyAt") < 5000  # interactive within 5 s
    page.shot(rel.replace("/", "-").replace(".html", ".png"))
    page.page.close()


@needs_browser
@pytest.mark.browser
def test_search_and_filters_change_what_is_visible(browser, built):
    _, out = built
    page = Page(browser, out / "html" / "index.html")
    total = page.eval("qkg.visibleCount()")
    page.page.select_option("#qkg-category", "qat")
    after_category = page.eval("qkg.visibleCount()")
    assert 0 < after_category < total
    assert page.eval("qkg.nodes.get('method:qdrop').hidden") is True  # QDrop is PTQ
    page.page.click("#qkg-reset")
    assert page.eval("qkg.visibleCount()") == total
    page.page.fill("#qkg-year-min", "2023")
    page.page.dispatch_event("#qkg-year-min", "change")
    assert page.eval("qkg.nodes.get('method:adaround').hidden") is True
    assert page.eval("qkg.nodes.get('method:gptq').hidden") is False
    page.page.click("#qkg-reset")
    page.page.fill("#qkg-search", "QDrop")
    page.page.press("#qkg-search", "Enter")
    assert page.eval("qkg.network.getSelectedNodes()") == ["method:qdrop"]
    assert page.eval("qkg.highlighted()") == "method:qdrop"
    page.shot("search-qdrop.png")
    assert page.errors == [] and page.requests == []
    page.page.close()


@needs_browser
@pytest.mark.browser
def test_clicking_a_method_highlights_its_neighbourhood(browser, built):
    _, out = built
    page = Page(browser, out / "html" / "lineage" / "adaround.html")
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
    layout = Layout.default(root=root, out=root / "exports")
    return build_and_export(layout), layout.out


HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>", '" onmouseover=alert(1) x="']


def test_hostile_titles_are_escaped_in_the_files(hostile_build):
    _, out = hostile_build
    text = (out / "html" / "index.html").read_text()
    for attack in HOSTILE:
        assert attack not in text
    assert text.count("<script") == text.count("</script>") == 4  # vis, two JSON blocks, qkg-view.js: nothing injected


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
    assert all(h.startswith("https://") for h in tip[2])
    page.page.fill("#qkg-search", "<img src=x onerror=alert(1)>: Image Tag Title For Quantization")
    page.page.press("#qkg-search", "Enter")
    page.page.wait_for_timeout(300)
    assert page.dialogs == [] and page.errors == [] and page.requests == []
    page.shot("hostile.png")
    page.page.close()


def test_lineage_command_writes_a_page_on_demand(tmp_path, built):
    from click.testing import CliRunner

    from kg.cli import main

    _, out = built
    target = tmp_path / "views" / "qdrop.html"
    result = CliRunner().invoke(main, ["lineage", "QDrop", "--graph", str(out / "qkg.trig"), "--html", str(target)])
    assert result.exit_code == 0, result.output
    assert "BRECQ (2021)" in result.output and target.exists() and (target.parent / "lib" / "vis-network.min.js").exists()
