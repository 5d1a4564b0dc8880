"""How soon the HTML views are interactive in headless Chromium: the whole graph, views.html and the
heaviest method pages (window.qkg.readyAt, ms after navigation starts). Needs Playwright and chromium.

    python -m bench.views EXPORTS_HTML_DIR [--pages N]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def measure(html: Path, pages: int = 5) -> dict:
    """readyAt (ms) of index.html, views.html and the `pages` largest method pages; None without a browser."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    if not Path(CHROMIUM).exists():
        return {}
    html = html.resolve()  # a file URI needs an absolute path
    heaviest = sorted((html / "method").glob("*.html"), key=lambda p: (-p.stat().st_size, p.name))[:pages]
    targets = [html / "index.html", html / "views.html", *heaviest]
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                                    "--disable-background-networking", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for target in targets:
            page.goto(target.as_uri())
            page.wait_for_function("window.qkg && window.qkg.ready", timeout=60_000)
            out[str(target.relative_to(html))] = round(page.evaluate("window.qkg.readyAt"))
        browser.close()
    return out


def size_mb(html: Path) -> float:
    """Bytes of every file under html/, in MB."""
    return round(sum(p.stat().st_size for p in html.rglob("*") if p.is_file()) / 1e6, 1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("--pages", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps({"ready_ms": measure(args.html, args.pages), "size_mb": size_mb(args.html),
                      "method_pages": len(list((args.html / "method").glob("*.html")))}, indent=2))
