"""Shared fixtures: the real corpus built once per session into a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.paths import REPO_ROOT, Layout

ROOT = REPO_ROOT
FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's, installed by .ci/run


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The real corpus, built and exported once: (Build, output folder)."""
    from kg.pipeline import build_and_export

    out = tmp_path_factory.mktemp("exports")
    build = build_and_export(Layout.default(out=out))
    return build, out


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session: Playwright's sync API runs one instance per thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def project(tmp_path) -> Layout:
    """A writable copy of the repository's inputs, for tests that change them."""
    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return Layout.default(root=tmp_path, out=tmp_path / "exports")
