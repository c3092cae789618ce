"""Pytest plugin: session-scoped real Virtuoso servers (`virtuoso`, `virtuoso_small_cap`), started on first use."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import require
from perfkg.store.remote import RemoteStore
from perfkg.store.virtuoso import (INSTALL_HINT_EN, INSTALL_HINT_ZH, VirtuosoServer, find_isql, find_virtuoso)

SMALL_CAP = 50


@dataclass
class VirtuosoHandle:
    """A started server and a RemoteStore bound to it with the writer's credentials."""

    server: VirtuosoServer
    store: RemoteStore


def _require_virtuoso() -> None:
    """Skip locally, fail on CI (CI=true), when Virtuoso is not installed."""
    installed = bool(find_virtuoso() and find_isql(find_virtuoso()))
    require(installed, f"未安装 Virtuoso；{INSTALL_HINT_ZH} / Virtuoso is not installed; {INSTALL_HINT_EN}")


def _serve(**options):
    _require_virtuoso()
    server = VirtuosoServer(**options)
    server.start()
    try:
        yield VirtuosoHandle(server, server.remote_store())
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso():
    """The main test server: ResultSetMaxRows 100000."""
    yield from _serve(max_rows=100_000, buffers=100_000)


@pytest.fixture(scope="session")
def virtuoso_small_cap():
    """A second server whose ResultSetMaxRows is 50, to prove truncation is detected."""
    yield from _serve(max_rows=SMALL_CAP, buffers=20_000)


def pytest_collection_modifyitems(config, items):
    """Mark every test that uses a Virtuoso fixture (directly or through another fixture) with `virtuoso`."""
    for item in items:
        if {"virtuoso", "virtuoso_small_cap"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.virtuoso)
