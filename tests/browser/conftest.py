"""Workbench fixtures: the bundled data in a store, a real `perfkg serve` on loopback, Debian's Chromium via Playwright,
every request a page makes recorded (all must go to the server under test), screenshots for people to look at."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import DATA, require
from test_serve import Served

DOCUMENTS = [DATA / "yunling-kexie-2023.txt", DATA / "yunling-kexie-2024.txt", DATA / "beihu-minzheng-2024.txt"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
MAX_ROWS = 1000  # data/ holds ~11,000 triples: a query over all of them is cut, and says so
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"  # gitignored: written for people to look at


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """`perfkg serve` over a store loaded by `perfkg load` (the commands a user runs) with the three text documents
    of data/ that data/README.md describes line by line (the expected values of these tests come from them)."""
    store = tmp_path_factory.mktemp("workbench") / "store"
    load = subprocess.run([sys.executable, "-m", "perfkg", "load", *map(str, DOCUMENTS), "--store", str(store)],
                          capture_output=True, text=True, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert load.returncode == 0, load.stderr
    server = Served(store, "--workers", "2", "--timeout", "60", "--max-rows", str(MAX_ROWS))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).is_file(), f"Debian's chromium at {CHROMIUM} (.ci/install-system-deps installs it)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a shared 2-core machine: rendering 1,000 rows can take seconds

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Recorder:
    """Every request the page made; `outside()` lists those not addressed to the server under test."""

    def __init__(self, base: str):
        self.origin = urlsplit(base)[:2]
        self.urls: list[str] = []

    def __call__(self, request) -> None:
        self.urls.append(request.url)

    def outside(self) -> list[str]:
        return [u for u in self.urls if not u.startswith(("data:", "blob:", "about:")) and urlsplit(u)[:2] != self.origin]


@pytest.fixture
def page(browser, served):
    """A fresh browser context (no cookies) on the served workbench; after the test, no request left the server."""
    context = browser.new_context(base_url=served.url, viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                  accept_downloads=True)
    context.set_default_timeout(20_000)
    recorder = Recorder(served.url)
    context.on("request", recorder)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.requests = recorder
    yield page
    context.close()
    assert recorder.urls, "the page made no request at all"
    assert recorder.outside() == [], f"requests left the server under test: {recorder.outside()}"
    assert errors == [], f"JavaScript errors: {errors}"


def shot(page, name: str) -> Path:
    """A full-page screenshot under tests/browser/screenshots/ (not committed)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^\w.-]", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path
