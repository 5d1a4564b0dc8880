"""The query page of `qkg serve` in Debian's headless Chromium: library questions bind their parameters as the CLI does."""

from __future__ import annotations

import re

import pytest

from kg.sparql.query import library, open_engine
from tests.test_html import ARTIFACTS, needs_browser
from tests.test_serve import Server

pytestmark = [pytest.mark.browser, needs_browser]


@pytest.fixture(scope="module")
def server(built):
    _, out = built
    s = Server(out / "qkg.trig", 5.0, 1000)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def engine(built):
    _, out = built
    return open_engine("oxigraph", out / "qkg.trig")


def _open(browser, server):  # noqa: F811 - the fixture's name
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.base + "/", timeout=15_000)
    return page, errors


def _wait_for_rows(page) -> None:
    """Until the status says how many rows came (no string evaluation: the page's CSP forbids eval, even Playwright's)."""
    from playwright.sync_api import expect

    expect(page.locator("#status")).to_have_text(re.compile(r"^\d+ rows?"), timeout=15_000)


def _table(page) -> list[list[str]]:
    return page.eval_on_selector_all("#results tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


@pytest.mark.parametrize("name, params", [("llm-ptq-extending", {}), ("lineage", {"name": "gptq"}), ("lineage", {"name": "OPTQ"}),
                                          ("shortest-path", {"from": "awq", "to": "QDrop"})])
def test_the_page_binds_parameters_like_the_cli(browser, server, engine, name, params):  # noqa: F811
    page, errors = _open(browser, server)
    page.select_option("#pick", name)
    for var, value in params.items():
        page.fill(f"#param-{var}", value)
    page.click("#run")
    _wait_for_rows(page)
    q = library()[name]
    expected = engine.run(q.text, {**q.params, **params})
    rows = _table(page)
    assert rows[0] == expected.variables
    assert len(rows) - 1 == len(expected.rows) > 0
    assert [r[expected.variables.index("label")] for r in rows[1:]] == [r["label"].value for r in expected.rows] if "label" in rows[0] else True
    if name == "llm-ptq-extending":
        assert "GPTQ" not in [r[0] for r in rows[1:]]  # the method itself is not among those extending it
    if name == "shortest-path":
        assert " → " in rows[1][rows[0].index("path")]
    page.screenshot(path=str(ARTIFACTS / f"serve-page-{name}.png"))
    assert errors == []
    page.close()


def test_the_page_reports_a_misspelt_method_in_one_line(browser, server):  # noqa: F811
    page, errors = _open(browser, server)
    page.select_option("#pick", "lineage")
    page.fill("#param-name", "GTPQ")
    page.click("#run")
    page.wait_for_selector("#status.err", timeout=15_000)
    assert page.text_content("#status").strip() == "no method is named 'GTPQ' (by label or alias, in any case)"
    page.close()


def test_an_edited_query_runs_as_written(browser, server):  # noqa: F811
    page, errors = _open(browser, server)
    page.fill("#query", "SELECT ?l WHERE { ?m a qkg:Method ; rdfs:label ?l } ORDER BY ?l LIMIT 3")
    page.click("#run")
    _wait_for_rows(page)
    assert len(_table(page)) == 4 and errors == []
    page.close()


def test_views_and_method_pages_run_under_the_content_security_policy(browser, server):  # noqa: F811
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path in ("/graph/index.html", "/resource/method/gptq", "/resource/paper/arxiv-2210.17323"):
        response = page.goto(server.base + path, timeout=20_000)
        assert response.status == 200 and "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        page.wait_for_timeout(300)
    assert [e for e in errors if "Content Security Policy" in e] == []
    page.close()
