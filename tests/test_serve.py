"""`perfkg serve` over real HTTP on 127.0.0.1: a real uvicorn subprocess; SPARQLWrapper and urllib as clients."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, XML, SPARQLWrapper

from perfkg.web.sparql import RESULT_OFFERS, negotiate
from perfkg.store.embedded import EmbeddedStore, StoreError
from test_embedded_store import DOC1, DOC2, EX, RUNAWAY, document

MAX_ROWS = 50
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LIBRARY = """# title@zh: 项目清单
# title@en: Projects
# description: One row per project
# columns: code
SELECT ?code { ?p <http://example.org/perfkg/code> ?code }
"""


class Served:
    """A `perfkg serve` subprocess on a free loopback port: .url, .path, .process, and .app.pool.pids() (its live
    query workers, read from the process tree)."""

    def __init__(self, path: Path, *flags: str):
        self.path = path
        self.log: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "perfkg", "serve", "--store", str(path), "--port", "0", *flags],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, PYTHONIOENCODING="utf-8"))
        self._started = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()
        self._started.wait(60)
        lines = [line for line in self.log if "endpoint running: " in line]
        if not lines:
            self.stop()
            raise AssertionError("perfkg serve did not start:\n" + "".join(self.log))
        self.url = lines[0].split("endpoint running: ")[1].split()[0].removesuffix("/sparql")
        self.app = self.pool = self

    def _drain(self) -> None:
        for line in self.process.stderr:
            self.log.append(line)
            if "endpoint running: " in line:
                self._started.set()
        self._started.set()  # exited

    def pids(self) -> list[int]:
        live = []
        for child in psutil.Process(self.process.pid).children():
            try:
                if "perfkg.web.worker" in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                    live.append(child.pid)
            except psutil.NoSuchProcess:
                pass
        return live

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("served") / "store"
    with EmbeddedStore(path) as st:
        st.replace_graph(DOC1, document("qhd", 250))  # 2,002 triples
        st.replace_graph(DOC2, document("bj", 10, "北京科协"))
    library = tmp_path_factory.mktemp("library")
    (library / "projects.rq").write_text(LIBRARY, encoding="utf-8")
    srv = Served(path, "--timeout", "2", "--max-rows", str(MAX_ROWS), "--workers", "2", "--queries", str(library))
    yield srv
    srv.stop()


def call(url, *, query=None, accept=None, data=None, ctype=None, method=None, length=None, **params):
    """One HTTP request; returns (status, headers, body text) for successes and errors alike."""
    if query is not None:
        params["query"] = query
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    headers = {k: v for k, v in (("Accept", accept), ("Content-Type", ctype), ("Content-Length", length)) if v}
    body = data.encode("utf-8") if isinstance(data, str) else data
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8")


def sparql(server) -> str:
    return server.url + "/sparql"


def wrapper(server, query: str, fmt) -> SPARQLWrapper:
    sw = SPARQLWrapper(sparql(server))
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw


DEPT_LABELS = f"SELECT ?d ?l {{ ?d a <{EX.Department}> ; <{LABEL}> ?l }} ORDER BY ?l"


# -- SPARQLWrapper as the client -------------------------------------------------------------------


def test_sparqlwrapper_select_json(server):
    result = wrapper(server, DEPT_LABELS, JSON).queryAndConvert()
    assert result["head"]["vars"] == ["d", "l"]
    labels = [(b["l"]["value"], b["l"]["xml:lang"]) for b in result["results"]["bindings"]]
    assert labels == [("北京科协bj", "zh"), ("科协qhd", "zh")]


def test_sparqlwrapper_select_xml(server):
    doc = wrapper(server, DEPT_LABELS, XML).queryAndConvert()
    literals = doc.getElementsByTagName("literal")
    assert [n.firstChild.data for n in literals] == ["北京科协bj", "科协qhd"]
    assert literals[0].getAttribute("xml:lang") == "zh"


def test_sparqlwrapper_construct_turtle(server):
    q = f"CONSTRUCT {{ ?p <{LABEL}> ?l }} WHERE {{ GRAPH <{DOC2}> {{ ?p a <{EX.Project}> ; <{LABEL}> ?l }} }}"
    body = wrapper(server, q, TURTLE).queryAndConvert()
    graph = Graph().parse(data=body, format="turtle")
    assert len(graph) == 10


@pytest.mark.parametrize("method", [URLENCODED, POSTDIRECTLY])
def test_sparqlwrapper_post(server, method):
    sw = wrapper(server, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{DOC2}> {{ ?s ?p ?o }} }}", JSON)
    sw.setMethod(POST)
    sw.setRequestMethod(method)
    result = sw.queryAndConvert()
    assert result["results"]["bindings"][0]["n"]["value"] == "82"


def test_sparqlwrapper_update_is_refused(server):
    sw = wrapper(server, f"INSERT DATA {{ <{EX.x}> <{EX.y}> 'z' }}", JSON)
    sw.setMethod(POST)
    with pytest.raises(urllib.error.HTTPError) as err:
        sw.query()
    assert err.value.code == 403


# -- the protocol over plain HTTP ------------------------------------------------------------------


def test_get_defaults_to_sparql_json(server):
    status, headers, body = call(sparql(server), query=DEPT_LABELS)
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    assert headers["X-PerfKG-Truncated"] == "false"
    assert len(json.loads(body)["results"]["bindings"]) == 2


@pytest.mark.parametrize("accept,expected", [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/tab-separated-values, */*;q=0.1", "text/tab-separated-values"),
    ("application/*;q=0.2, text/csv;q=0.3", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("text/csv;q=0, text/*;q=0.4, application/sparql-results+json;q=0.3", "text/tab-separated-values"),
])
def test_accept_negotiation_with_q_values(server, accept, expected):
    status, headers, _ = call(sparql(server), query=DEPT_LABELS, accept=accept)
    assert status == 200 and headers["Content-Type"].split(";")[0] == expected


def test_negotiate_breaks_ties_in_server_order():
    assert negotiate("text/csv, application/sparql-results+json", RESULT_OFFERS) == "json"
    assert negotiate("", RESULT_OFFERS) == "json"
    assert negotiate("image/png", RESULT_OFFERS) is None


def test_format_parameter_overrides_accept(server):
    status, headers, body = call(sparql(server), query=DEPT_LABELS, accept="application/sparql-results+xml",
                                 format="csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert body.startswith("d,l\r\n")


def test_csv_and_tsv(server):
    _, _, body = call(sparql(server), query=DEPT_LABELS, accept="text/csv")
    assert list(csv.reader(io.StringIO(body))) == [
        ["d", "l"], [str(EX["dept/bj"]), "北京科协bj"], [str(EX["dept/qhd"]), "科协qhd"]]
    _, _, body = call(sparql(server), query=DEPT_LABELS, accept="text/tab-separated-values")
    assert body.splitlines() == ["?d\t?l", f'<{EX["dept/bj"]}>\t"北京科协bj"@zh', f'<{EX["dept/qhd"]}>\t"科协qhd"@zh']


def test_ask_in_each_format(server):
    ask = f"ASK {{ ?p <{EX.code}> 'bj-009' }}"
    assert json.loads(call(sparql(server), query=ask)[2]) == {"head": {}, "boolean": True}
    assert "<boolean>true</boolean>" in call(sparql(server), query=ask, accept="application/sparql-results+xml")[2]
    assert call(sparql(server), query=ask, accept="text/csv")[2] == "_askResult\r\ntrue\r\n"


def test_construct_in_n_triples(server):
    q = f"CONSTRUCT {{ ?d <{LABEL}> ?l }} WHERE {{ GRAPH <{DOC2}> {{ ?d a <{EX.Department}> ; <{LABEL}> ?l }} }}"
    status, headers, body = call(sparql(server), query=q, accept="application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert len(Graph().parse(data=body, format="nt")) == 1 and "北京科协bj" in body


def test_not_acceptable(server):
    status, _, body = call(sparql(server), query=DEPT_LABELS, accept="image/png")
    assert status == 406 and "无法" in body and "available" in body
    assert call(sparql(server), query=DEPT_LABELS, accept="text/turtle")[0] == 406  # a graph type for a table
    assert call(sparql(server), query=DEPT_LABELS, format="bogus")[0] == 406


def test_updates_are_refused_with_a_message(server):
    update = f"INSERT DATA {{ GRAPH <{DOC1}> {{ <{EX.x}> <{EX.y}> 'z' }} }}"
    form = urllib.parse.urlencode({"update": update})
    attempts = [
        call(sparql(server), data=form, ctype="application/x-www-form-urlencoded"),
        call(sparql(server), data=update, ctype="application/sparql-update"),
        call(sparql(server), query=update),
        call(sparql(server), query="DROP ALL"),
        call(sparql(server), update=update),
    ]
    for status, _, body in attempts:
        assert status == 403 and "只读" in body and "read-only" in body
    assert json.loads(call(sparql(server), query=f"ASK {{ <{EX.x}> ?p ?o }}")[2])["boolean"] is False


def test_service_is_refused_but_the_word_is_not(server):
    for q in ("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
              "SELECT * { ?s ?p ?o OPTIONAL { service silent <http://127.0.0.1:9/> { ?s ?q ?r } } } LIMIT 1"):
        status, _, body = call(sparql(server), query=q)
        assert status == 403 and "SERVICE" in body and "联邦" in body
    q = '# SERVICE <http://127.0.0.1:9/> in a comment\nSELECT ?x { BIND("SERVICE <http://a/> { }" AS ?x) }'
    status, _, body = call(sparql(server), query=q)
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"]["value"].startswith("SERVICE")


def test_malformed_query_is_400_with_the_parser_message(server):
    status, _, body = call(sparql(server), query="SELECT * WHERE { ?s ?p }")
    assert status == 400 and "无法解析" in body and "does not parse" in body and "col:" in body
    assert call(sparql(server))[0] == 400  # no query at all


def test_runaway_query_is_stopped(server):
    before = server.app.pool.pids()
    started = time.monotonic()
    status, _, body = call(sparql(server), query=RUNAWAY)
    assert status == 503 and time.monotonic() - started < 6
    assert "时限" in body and "time limit" in body
    killed = [pid for pid in before if not psutil.pid_exists(pid)]
    assert len(killed) == 1  # the worker that ran it is gone, not merely abandoned
    for _ in range(100):  # bounded: a replacement worker comes up in the background
        if len(server.app.pool.pids()) == 2:
            break
        time.sleep(0.1)
    assert len(server.app.pool.pids()) == 2
    assert call(sparql(server), query="ASK {}")[0] == 200


def test_row_cap_is_flagged(server):
    status, headers, body = call(sparql(server), query="SELECT * { ?s ?p ?o }")
    result = json.loads(body)
    assert status == 200 and headers["X-PerfKG-Truncated"] == "true" and headers["X-PerfKG-Max-Rows"] == "50"
    assert len(result["results"]["bindings"]) == MAX_ROWS and result["perfkg"]["truncated"] is True
    _, _, body = call(sparql(server), query="SELECT * { ?s ?p ?o }", accept="application/sparql-results+xml")
    assert 'urn:perfkg:truncated' in body
    status, headers, body = call(sparql(server), query="CONSTRUCT WHERE { ?s ?p ?o }", accept="text/turtle")
    assert headers["X-PerfKG-Truncated"] == "true" and len(Graph().parse(data=body, format="turtle")) <= MAX_ROWS


def test_dataset_parameters(server):
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    _, _, body = call(sparql(server), query=count, **{"default-graph-uri": DOC2})
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "82"
    q = "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"
    _, _, body = call(sparql(server), query=q, **{"named-graph-uri": DOC1})
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [DOC1]
    assert call(sparql(server), query=q, **{"named-graph-uri": "not an iri"})[0] == 400


def test_query_library_and_home_page(server):
    for path in ("/.well-known/perfkg-queries", "/queries"):
        status, headers, body = call(server.url + path)
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        (entry,) = json.loads(body)["queries"]
        assert entry["name"] == "projects" and entry["title"]["zh"] == "项目清单" and "SELECT ?code" in entry["text"]
    status, headers, body = call(server.url + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "只读" in body and "read-only" in body and "项目清单" in body


def test_http_errors(server):
    assert call(server.url + "/nowhere")[0] == 404
    assert call(sparql(server), data="x", ctype="text/plain")[0] == 415
    assert call(sparql(server), data=DEPT_LABELS, ctype="application/sparql-query", method="PUT")[0] == 405
    too_long = call(sparql(server), data="query=x", ctype="application/x-www-form-urlencoded", length=str(1 << 21))
    assert too_long[0] == 413  # refused on the announced length, before reading the body


def test_store_cannot_be_written_while_served(server):
    with pytest.raises(StoreError) as err:
        EmbeddedStore(server.path)
    assert "perfkg serve" in err.value.message_en
