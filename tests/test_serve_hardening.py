"""The endpoint's hardening (issue 9), proved on the real `perfkg serve` (uvicorn subprocess) over loopback HTTP.

Federation refused at every nesting and in the engine itself (a local listener must receive nothing), the worker
memory cap, the answer byte cap with a small server process, HTTP limits (bad or oversized Content-Length, idle and
trickling connections, a bounded waiting line, a connection cap), valid XML with control characters, slow
clients, UPDATE/LOAD, path traversal, and a query stopped when its client leaves.
"""
from __future__ import annotations

import csv
import http.client
import signal
import io
import json
import socket
import subprocess
import sys
import threading
import time
import xml.dom.minidom
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, SPARQLWrapper

from perfkg.store.embedded import EmbeddedStore
from test_embedded_store import DOC1, DOC2, RUNAWAY, document
from test_serve import Served

MIB = 1 << 20
CARTESIAN = "SELECT ?a ?b ?c ?d { ?a ?p ?b . ?c ?q ?d } ORDER BY ?d ?c ?b ?a"  # ~4M rows to sort: memory grows fast


def doubled(times: int) -> str:
    """A ~400-byte query whose one answer cell is 16 * 2**times characters (CONCAT doubling)."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times))
    return f'SELECT ?x{times} {{ BIND("0123456789abcdef" AS ?x0) {binds} }}'


class Listener:
    """A loopback TCP server that records every connection made to it (a stand-in for an internal host)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(65536) or b"<connected>")
                except OSError:
                    self.received.append(b"<connected>")

    def close(self):
        self.sock.close()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("hardened") / "store"
    with EmbeddedStore(path) as st:
        st.replace_graph(DOC1, document("qhd", 250))  # 2,002 triples
        st.replace_graph(DOC2, document("bj", 10, "北京科协"))
    return path


@pytest.fixture(scope="module")
def server(store_path):
    """Two workers, 20 s, 1 GiB per worker, 48 MiB per answer, 1 s of silence allowed."""
    srv = Served(store_path, "--workers", "2", "--timeout", "20", "--memory-mb", "1024", "--max-bytes", str(48 * MIB),
                 "--idle-timeout", "1", "--max-connections", "400")
    yield srv
    srv.stop()


@pytest.fixture
def listener():
    spy = Listener()
    yield spy
    spy.close()


def get(server, query: str, accept: str | None = None, timeout: float = 60) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(server.url + "/sparql", params={"query": query}, headers=headers, timeout=timeout)


def raw_exchange(server, request: bytes, wait: float = 10) -> bytes:
    """Send raw bytes, then read until the server closes (a reset raises ConnectionResetError: a failure)."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# -- 1. federation -----------------------------------------------------------------------------------------

NESTINGS = [
    "ASK {{ FILTER EXISTS {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "ASK {{ FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * {{ FILTER EXISTS {{ {{ SELECT * {{ FILTER NOT EXISTS {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }} }} }} }}",
    "SELECT (EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} AS ?x) {{}}",
    "SELECT * {{ BIND(NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} AS ?x) }}",
    "SELECT * {{ ?a ?b ?c }} ORDER BY (EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }}) LIMIT 1",
    "SELECT ?a (COUNT(*) AS ?n) {{ ?a ?b ?c }} GROUP BY ?a HAVING (EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }})",
    "CONSTRUCT {{ ?s ?p ?o }} {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "DESCRIBE ?s {{ ?s ?p ?o OPTIONAL {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?q ?r }} }} }} }}",
]


@pytest.mark.parametrize("template", NESTINGS)
def test_service_is_refused_at_every_nesting(server, listener, template):
    response = get(server, template.format(url=f"http://127.0.0.1:{listener.port}/sparql"))
    assert response.status_code == 403 and "SERVICE" in response.text and "联邦" in response.text
    time.sleep(0.3)
    assert listener.received == []


ENGINE_PROBE = """
import sys, pyoxigraph
from perfkg.web.worker import forbid_network
if sys.argv[2] == "guarded":
    forbid_network()
try:
    pyoxigraph.Store().query("ASK { FILTER EXISTS { FILTER EXISTS { SERVICE <http://127.0.0.1:" + sys.argv[1]
                             + "/x> { ?s ?p ?o } } } }")
except Exception as e:
    print(type(e).__name__)
"""


def test_the_engine_itself_cannot_reach_the_network(listener):
    """Without the algebra check: pyoxigraph calls out unless the worker's seccomp filter is installed."""
    probe = ENGINE_PROBE
    subprocess.run([sys.executable, "-c", probe, str(listener.port), "open"], check=True, timeout=60)
    time.sleep(0.3)
    assert listener.received and listener.received[0].startswith(b"POST /x")  # the listener works, the hole is real
    listener.received.clear()
    subprocess.run([sys.executable, "-c", probe, str(listener.port), "guarded"], check=True, timeout=60)
    time.sleep(0.3)
    assert listener.received == []


def test_served_workers_run_under_the_network_filter(server):
    pids = server.pids()
    assert len(pids) == 2
    for pid in pids:
        status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status").read().splitlines() if ":" in line)
        assert status["Seccomp"].strip() == "2"  # SECCOMP_MODE_FILTER
        limit = open(f"/proc/{pid}/limits").read()
        assert f"Max address space         {1024 * MIB}" in limit


def test_update_and_load_are_refused_in_every_form(server, listener):
    load = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>"
    url = server.url + "/sparql"
    attempts = [
        httpx.get(url, params={"query": load}),
        httpx.get(url, params={"update": load}),
        httpx.post(url, data={"update": load}),
        httpx.post(url, content=load, headers={"Content-Type": "application/sparql-update"}),
        httpx.post(url, content=load + " INTO GRAPH <http://x/g>", headers={"Content-Type": "application/sparql-query"}),
        httpx.post(url, data={"query": "CLEAR ALL"}),
    ]
    for response in attempts:
        assert response.status_code == 403 and "只读" in response.text and "read-only" in response.text
    time.sleep(0.3)
    assert listener.received == []


# -- 2. memory -----------------------------------------------------------------------------------------------


def test_memory_cap_answers_503_and_the_worker_is_replaced(server):
    before = set(server.pids())
    started = time.monotonic()
    response = get(server, CARTESIAN)
    assert response.status_code == 503 and time.monotonic() - started < 20  # the cap, not the 20 s time limit
    assert "内存" in response.text and "memory" in response.text and "1024 MiB" in response.text
    assert len(before - set(server.pids())) == 1
    for _ in range(100):
        if len(server.pids()) == 2:
            break
        time.sleep(0.1)
    assert len(server.pids()) == 2 and get(server, "ASK {}").json()["boolean"] is True


# -- 3. answer size --------------------------------------------------------------------------------------------


def test_byte_cap_cuts_a_huge_cell_in_the_worker(server):
    response = get(server, doubled(22))  # one 64 MiB cell, over the 48 MiB cap
    assert response.status_code == 200
    assert response.headers["X-PerfKG-Truncated"] == "true" and response.headers["X-PerfKG-Truncated-By"] == "bytes"
    body = response.json()
    assert body["results"]["bindings"] == [] and body["perfkg"]["truncated"] is True
    assert len(response.content) <= 48 * MIB


def test_big_answer_streams_through_a_small_server(server):
    """A 32 MiB answer under the cap passes whole; the server process never holds it."""
    process = psutil.Process(server.process.pid)
    baseline, peak, done = process.memory_info().rss, [0], threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with httpx.stream("GET", server.url + "/sparql", params={"query": doubled(21)}, timeout=60) as response:
            size = sum(len(chunk) for chunk in response.iter_bytes())
            truncated = response.headers["X-PerfKG-Truncated"]
    finally:
        done.set()
        watcher.join()
    assert truncated == "false" and size > 32 * MIB
    assert peak[0] - baseline < 16 * MIB  # the answer is 32 MiB: it went by, it was never held


def test_byte_cap_cuts_rows_at_a_whole_row(store_path):
    srv = Served(store_path, "--workers", "1", "--max-bytes", "20000")
    try:
        response = get(srv, "SELECT ?s ?p ?o { ?s ?p ?o }", accept="text/csv")
        assert response.status_code == 200 and response.headers["X-PerfKG-Truncated-By"] == "bytes"
        rows = list(csv.reader(io.StringIO(response.text)))
        assert len(response.content) <= 20000 and response.text.endswith("\r\n") and 50 < len(rows) < 2002
        assert rows[0] == ["s", "p", "o"] and all(len(row) == 3 and all(row) for row in rows)  # every row whole
    finally:
        srv.stop()


# -- 4. HTTP limits ------------------------------------------------------------------------------------------


def test_negative_content_length_is_refused_not_reset(server):
    body = b"query=" + b"A" * (8 * MIB)
    answer = raw_exchange(server, b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded"
                                  b"\r\nContent-Length: -1\r\n\r\n" + body)
    head, _, text = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and "Content-Length" in text.decode() and "负数" in text.decode()


@pytest.mark.parametrize("chunked", [False, True])
def test_oversized_post_gets_413_not_a_reset(server, chunked):
    form = b"query=" + b"A" * (2 * MIB)
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/sparql", body=iter([form]) if chunked else form, headers=headers, encode_chunked=chunked)
    response = conn.getresponse()
    text = response.read().decode()
    assert response.status == 413 and "字节" in text and "bytes" in text
    conn.close()


def test_idle_and_trickling_connections_are_closed_without_a_thread_each(server):
    host, port = server.url.removeprefix("http://").split(":")
    idle = [socket.create_connection((host, int(port))) for _ in range(300)]
    trickler = socket.create_connection((host, int(port)))
    try:
        assert psutil.Process(server.process.pid).num_threads() < 40
        assert get(server, "ASK {}").status_code == 200  # served meanwhile
        started = time.monotonic()
        for piece in [b"GET /sparql?query=ASK", b"%7B", b"%7D", b" HTTP/1.1\r\n", b"Host: t\r\n"] * 20:
            try:
                trickler.sendall(piece)
            except OSError:
                break
            time.sleep(0.3)
        assert time.monotonic() - started < 5  # cut off after about --idle-timeout, head unfinished
        for conn in idle:
            conn.settimeout(5)
            assert conn.recv(1) == b""  # closed by the server
    finally:
        for conn in idle + [trickler]:
            conn.close()


def test_connection_cap_answers_503_in_both_languages(store_path):
    srv = Served(store_path, "--workers", "1", "--max-connections", "4", "--idle-timeout", "30")
    host, port = srv.url.removeprefix("http://").split(":")
    held = [socket.create_connection((host, int(port))) for _ in range(4)]
    try:
        time.sleep(0.3)
        answer = raw_exchange(srv, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: t\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 503") and "连接数" in answer.decode() and "connections" in answer.decode()
    finally:
        for conn in held:
            conn.close()
        srv.stop()


def test_waiting_line_is_bounded(store_path):
    """Two runaways hold both workers: one query may wait (until the time limit at most), the next gets 503 now."""
    srv = Served(store_path, "--workers", "2", "--queue", "1", "--timeout", "3")
    try:
        with ThreadPoolExecutor(4) as pool:
            runaways = [pool.submit(get, srv, RUNAWAY) for _ in range(2)]
            time.sleep(0.5)
            waiting = pool.submit(get, srv, "ASK {}")
            time.sleep(0.3)
            started = time.monotonic()
            refused = get(srv, "ASK {}")
            assert refused.status_code == 503 and time.monotonic() - started < 2  # not after the 3 s limit
            assert "排队" in refused.text and "queue" in refused.text and refused.headers["Retry-After"] == "5"
            assert [r.result().status_code for r in runaways] == [503, 503]
            assert waiting.result().status_code in (200, 503)  # answered within the bound either way
        for _ in range(100):
            if len(srv.pids()) == 2:
                break
            time.sleep(0.1)
        assert get(srv, "ASK {}").json()["boolean"] is True
    finally:
        srv.stop()


def test_xml_answers_with_control_characters_are_valid_xml(server):
    query = 'SELECT ?x { BIND("a\\u0001b\\u000Bc\\rd\\u001Fe" AS ?x) }'
    response = get(server, query, accept="application/sparql-results+xml")
    doc = xml.dom.minidom.parseString(response.content)  # raises on invalid XML
    (literal,) = doc.getElementsByTagName("literal")
    assert literal.firstChild.data == "a\ufffdb\ufffdc\rd\ufffde"  # CR kept exactly, the rest marked
    assert response.headers["X-PerfKG-Replaced-Characters"] == "3"
    assert get(server, query).json()["results"]["bindings"][0]["x"]["value"] == "a\x01b\x0bc\rd\x1fe"  # JSON exact
    construct = 'CONSTRUCT { <http://e/s> <http://e/p> ?x } WHERE { BIND("x\\u0002y" AS ?x) }'
    rdfxml = get(server, construct, accept="application/rdf+xml")
    assert len(Graph().parse(data=rdfxml.text, format="xml")) == 1


def test_slow_clients_do_not_hold_workers(server):
    """Three clients that never read a 16 MiB answer (two workers): others are still answered at once."""
    host, port = server.url.removeprefix("http://").split(":")
    stalled = []
    for _ in range(3):
        conn = socket.create_connection((host, int(port)))
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        path = "/sparql?" + httpx.QueryParams({"query": doubled(20)}).__str__()
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        stalled.append(conn)
    try:
        time.sleep(3)  # long enough for the three answers to be computed and spooled
        for _ in range(5):
            started = time.monotonic()
            assert get(server, "ASK {}", timeout=5).status_code == 200
            assert time.monotonic() - started < 3
    finally:
        for conn in stalled:
            conn.close()


def test_sparqlwrapper_still_works_after_the_abuse(server):
    sw = SPARQLWrapper(server.url + "/sparql")
    sw.setQuery(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{DOC2}> {{ ?s ?p ?o }} }}")
    sw.setReturnFormat(JSON)
    assert sw.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "82"


def test_path_traversal_reaches_nothing(server):
    host, port = server.url.removeprefix("http://").split(":")
    for path in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/sparql/../../etc/passwd",
                 "/queries/..%2f..%2f..%2fetc%2fpasswd", "/.well-known/../../../etc/passwd", "//etc/passwd"]:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        conn.close()
        assert response.status in (400, 404) and "root:" not in text


def test_a_query_stops_when_its_client_leaves(server):
    """Closing the connection kills the worker at once (a cancel button relies on it), not at the time limit."""
    before = set(server.pids())
    host, port = server.url.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)))
    path = "/sparql?" + str(httpx.QueryParams({"query": RUNAWAY}))
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    time.sleep(1)
    started = time.monotonic()
    conn.close()
    while set(server.pids()) >= before and time.monotonic() - started < 5:
        time.sleep(0.1)
    assert time.monotonic() - started < 5 and len(before - set(server.pids())) == 1  # the 20 s limit is far off
    for _ in range(100):
        if len(server.pids()) == 2:
            break
        time.sleep(0.1)
    assert len(server.pids()) == 2


def test_stopping_the_server_stops_its_workers_and_frees_the_store(tmp_path):
    store_path = tmp_path / "store"
    with EmbeddedStore(store_path) as st:
        st.replace_graph(DOC2, document("bj", 10, "北京科协"))
    srv = Served(store_path, "--workers", "2")
    workers = srv.pids()
    assert len(workers) == 2 and get(srv, "ASK {}").status_code == 200
    srv.process.terminate()  # SIGTERM: uvicorn's graceful shutdown, then the app's lifespan closes the pool
    assert srv.process.wait(15) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it has shut down
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in workers)
    with EmbeddedStore(store_path) as st:  # the shared lock is released: the store can be written again
        assert st.triple_count() == 82
    assert "Traceback" not in "".join(srv.log)


def test_a_stalled_request_body_gets_408_and_holds_no_worker(server):
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 100\r\n\r\nSELECT")  # 6 of 100 bytes, then silence
        assert get(server, "ASK {}", timeout=5).status_code == 200  # others are served meanwhile
        started = time.monotonic()
        answer = conn.recv(65536)
        took = time.monotonic() - started
        while b"too slowly" not in answer and (chunk := conn.recv(65536)):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408") and "过慢" in answer.decode() and "too slowly" in answer.decode()
        assert took < 3  # --idle-timeout 1
