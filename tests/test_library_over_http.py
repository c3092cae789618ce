"""Acceptance: every library query over HTTP gives the embedded store's answer.

(a) `perfkg serve --store DIR` (started as a subprocess on a free loopback port; it separates query and update:
it refuses update=) queried by perfkg's SPARQLWrapper client and by `perfkg query NAME --endpoint URL`;
(b) `perfkg query NAME --endpoint URL` on the real Virtuoso the tests start. Values compare numerically
(40 = 40.0), rows as exact multisets.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from perfkg.backends import EmbeddedBackend, replace_all
from perfkg.queries import get_query, list_queries
from perfkg.results import table_from_json
from perfkg.store.embedded import EmbeddedStore
from perfkg.store.remote import RemoteStore, RemoteStoreError
from test_query_library import library_items  # noqa: F401 — the seed + data/ items, one session fixture

LIBRARY = [q.name for q in list_queries()]


def perfkg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "perfkg", *args], capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def store_dir(library_items, tmp_path_factory):
    path = tmp_path_factory.mktemp("served-store")
    with EmbeddedStore(path) as store:
        replace_all(store, library_items)
    return path


@pytest.fixture(scope="module")
def expected(store_dir):
    """The embedded store's answer to every library query (default parameters)."""
    backend = EmbeddedBackend.open(store_dir)
    try:
        return {name: backend.run(get_query(name)) for name in LIBRARY}
    finally:
        backend.close()


@pytest.fixture(scope="module")
def served(store_dir, expected):
    """`perfkg serve --store DIR --port P` as a real subprocess; yields its query URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "perfkg", "serve", "--store", str(store_dir), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/sparql"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=5) as response:
                    response.read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"perfkg serve did not start: {process.stderr.read()}") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def cli_answer(name: str, endpoint: str):
    done = perfkg("query", name, "--endpoint", endpoint, "--format", "json")
    assert done.returncode == 0, done.stderr
    return table_from_json(json.loads(done.stdout))


def test_every_library_query_is_a_select():
    """The comparisons below are on result tables: a CONSTRUCT/ASK added to the library needs its own check."""
    assert {get_query(name).form for name in LIBRARY} == {"SELECT"}


def test_perfkg_serve_refuses_updates(served):
    """The server separates query and update: update= on its query URL is refused (so a query sent as an
    update fails loudly instead of being answered, as Virtuoso would)."""
    store = RemoteStore(served, update_url=served, max_rows=None)
    with pytest.raises(RemoteStoreError) as refused:
        store.update("DROP ALL")
    assert "HTTP 403" in refused.value.message_en


@pytest.mark.parametrize("name", LIBRARY)
def test_perfkg_serve_through_sparqlwrapper(served, expected, name):
    query = get_query(name)
    got = RemoteStore(served, max_rows=None).query(query.text, query.bindings())
    assert got.comparable() == expected[name].comparable()


@pytest.mark.parametrize("name", LIBRARY)
def test_perfkg_serve_through_the_query_command(served, expected, name):
    assert cli_answer(name, served).comparable() == expected[name].comparable()


@pytest.fixture(scope="module")
def virtuoso_endpoint(virtuoso, library_items):
    replace_all(virtuoso.store, library_items)
    return virtuoso.store.endpoint


@pytest.mark.parametrize("name", LIBRARY)
def test_virtuoso_through_the_query_command(virtuoso_endpoint, expected, name):
    assert cli_answer(name, virtuoso_endpoint).comparable() == expected[name].comparable()
