"""RemoteStore against a real Virtuoso 7.2.5: chunked staged loads, queries vs rdflib, truncation, bindings, auth."""
from __future__ import annotations

import json
import os
import re
import stat
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib import namespace as _ns
from rdflib.plugins.sparql import prepareQuery

from conftest import require
from perfkg.results import ResultTable
from perfkg.store import remote_http
from perfkg.store.graph_loads import GraphSwap
from perfkg.store.remote import (BACKUP_PREFIX, STAGING_PREFIX, BindingError, LoadError, RemoteStore,
                                 RemoteStoreError, ResultTruncatedError)
from perfkg.store.sparql_text import bind_values

DECIMAL = _ns.XSD.decimal  # (pytest warns when it inspects the XSD namespace object itself)
PK = Namespace("https://perfkg.example.org/ont#")
ID = Namespace("https://perfkg.example.org/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
BIG = "https://perfkg.example.org/graph/big"
SMALL = "https://perfkg.example.org/graph/small"
UNITS = ["元/平方米月", "%", "万元", "个", "天"]
CATEGORIES = [ID[f"category/{c}"] for c in ("数量指标", "质量指标", "时效指标", "成本指标", "社会效益指标",
                                              "经济效益指标", "生态效益指标", "满意度指标")]


# -- a deterministic perfkg-like corpus ----------------------------------------------------------------


def build_corpus(departments: int = 20, projects: int = 100, indicators: int = 8) -> Graph:
    """Departments -> projects -> indicators with zh/en labels, decimals, booleans: ~126k triples by default."""
    g = Graph()
    for d in range(departments):
        dept = ID[f"dept/{d}"]
        g.add((dept, RDF.type, ORG.Organization))
        g.add((dept, RDFS.label, Literal(f"第{d}部门", lang="zh")))
        g.add((dept, RDFS.label, Literal(f"Department {d}", lang="en")))
        for p in range(projects):
            proj = ID[f"project/{d}-{p}"]
            g.add((proj, RDF.type, PK.Project))
            g.add((proj, RDFS.label, Literal(f"第{d}部门项目{p}：科普活动", lang="zh")))
            g.add((proj, PK.department, dept))
            g.add((proj, PK.budgetWanYuan, Literal(f"{(d * 37 + p * 11) % 900}.{p % 100:02d}", datatype=DECIMAL)))
            g.add((proj, PK.fiscalYear, Literal(2021 + p % 4)))
            g.add((proj, PK.isNew, Literal(p % 3 == 0)))
            g.add((proj, SKOS.notation, Literal(f"P{d:02d}{p:03d}")))
            for i in range(indicators):
                n = (d * projects + p) * indicators + i
                ind = ID[f"indicator/{d}-{p}-{i}"]
                g.add((ind, RDF.type, PK.Indicator))
                g.add((ind, RDFS.label, Literal(f"指标{n}：完成率", lang="zh")))
                g.add((ind, PK.project, proj))
                g.add((ind, PK.category, CATEGORIES[n % len(CATEGORIES)]))
                g.add((ind, PK.target, Literal(f"{n % 100}.{(n % 4) * 25:02d}", datatype=DECIMAL)))
                g.add((ind, PK.unit, Literal(UNITS[n % len(UNITS)])))
                g.add((ind, PK.isCost, Literal(n % len(CATEGORIES) == 3)))
    special = ID["indicator/special"]
    g.add((special, PK.target, Literal("40.00", datatype=DECIMAL)))
    g.add((special, RDFS.label, Literal("绩效目标", lang="zh")))
    g.add((special, SKOS.altLabel, Literal("绩效", lang="zh-CN")))
    return g


@pytest.fixture(scope="module")
def corpus() -> Graph:
    return build_corpus()


@pytest.fixture(scope="module")
def big(virtuoso, corpus):
    """The corpus loaded once into the main server (chunks of 50k triples)."""
    started = time.perf_counter()
    count = virtuoso.store.replace_graph(BIG, corpus)
    print(f"\nloaded {count} triples in {time.perf_counter() - started:.1f} s")
    return virtuoso.store


def leftovers(store: RemoteStore) -> list[str]:
    return [g for g in store.graphs() if g.startswith((STAGING_PREFIX, BACKUP_PREFIX))]


def small_graph(tag: str, n: int = 30) -> Graph:
    g = Graph()
    for i in range(n):
        g.add((ID[f"{tag}/{i}"], RDFS.label, Literal(f"{tag} 第{i}项", lang="zh")))
    return g


def contents(store: RemoteStore, graph: str) -> set:
    return store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").as_set()


# -- loading -----------------------------------------------------------------------------------------------


def test_load_in_chunks_counts_verified(big, corpus):
    assert len(corpus) > 120_000
    assert big.triple_count(BIG) == len(corpus)
    assert big.graphs()[BIG] == len(corpus)
    assert leftovers(big) == []


def test_reload_is_idempotent(big, corpus, monkeypatch):
    posted = []
    real_post = big._post_chunk
    monkeypatch.setattr(big, "_post_chunk", lambda g, staging, lines, label: (posted.append((label, len(lines))),
                                                                             real_post(g, staging, lines, label)))
    assert big.replace_graph(BIG, corpus) == len(corpus)
    assert [label for label, _ in posted] == ["1/3", "2/3", "3/3"] and max(n for _, n in posted) == 50_000
    assert big.triple_count(BIG) == len(corpus)  # replaced, not added to: no duplicates
    assert leftovers(big) == []


def test_load_from_ntriples_file_with_blank_nodes_across_chunks(virtuoso, tmp_path):
    g = Graph()
    for i in range(40):  # each target is a blank node with 3 triples: chunks of 7 must not split one
        target = BNode()
        g.add((ID[f"ind/{i}"], PK.hasTarget, target))
        g.add((target, PK.value, Literal(f"{i}.5", datatype=DECIMAL)))
        g.add((target, PK.unit, Literal("元/平方米月")))
    path = tmp_path / "bnodes.nt"
    g.serialize(path, format="nt", encoding="utf-8")
    store = virtuoso.server.remote_store(chunk_triples=7)
    graph = "https://perfkg.example.org/graph/bnodes"
    assert store.replace_graph(graph, path) == 120
    complete = store.query(f"""SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ GRAPH <{graph}> {{
        ?i <{PK.hasTarget}> ?t . ?t <{PK.value}> ?v ; <{PK.unit}> ?u . FILTER(isBlank(?t)) }} }}""")
    assert int(complete.rows[0][0]) == 40
    store.drop_graph(graph)


def test_failed_load_malformed_chunk_leaves_target_as_it_was(virtuoso, tmp_path):
    store = virtuoso.server.remote_store(chunk_triples=10)
    store.replace_graph(SMALL, small_graph("before"))
    before = contents(store, SMALL)
    lines = small_graph("after").serialize(format="nt", encoding="utf-8").decode().splitlines()
    lines.insert(15, '<urn:x> <urn:y> "unterminated .')  # in chunk 2; the server keeps chunk 2's first lines
    path = tmp_path / "bad.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        store.replace_graph(SMALL, path)
    assert caught.value.chunk == "2/4" and caught.value.graph == SMALL
    assert "chunk 2/4" in caught.value.message_en and "第 2/4 块" in caught.value.message_zh
    assert contents(store, SMALL) == before
    assert leftovers(store) == []


def test_failed_swap_restores_the_old_content(virtuoso, monkeypatch):
    """The COPY onto the target half-succeeds and errors, every time: the backup is put back."""
    store = virtuoso.server.remote_store()
    store.replace_graph(SMALL, small_graph("old"))
    before = contents(store, SMALL)
    real_update = store.update

    def half_copy(text, **kw):
        if text.startswith(f"COPY <{STAGING_PREFIX}"):
            staging = text.split("<")[1].split(">")[0]
            real_update(f"DROP SILENT GRAPH <{SMALL}>")
            real_update(f"INSERT {{ GRAPH <{SMALL}> {{ ?s ?p ?o }} }} WHERE {{ {{ SELECT ?s ?p ?o WHERE "
                        f"{{ GRAPH <{staging}> {{ ?s ?p ?o }} }} LIMIT 7 }} }}")
            raise RemoteStoreError("模拟的中断", "simulated interruption")
        return real_update(text, **kw)

    monkeypatch.setattr(store, "update", half_copy)
    with pytest.raises(LoadError) as caught:
        store.replace_graph(SMALL, small_graph("new", 60))
    assert caught.value.expected == 60 and caught.value.actual == 7
    assert "restored" in caught.value.message_en
    monkeypatch.undo()
    assert contents(store, SMALL) == before
    assert leftovers(store) == []


def test_virtuoso_sparql_update_commits_by_itself(virtuoso):
    """Evidence for the backup: a SPARQL DROP inside an isql transaction is not undone by ROLLBACK WORK."""
    graph = "https://perfkg.example.org/graph/rollback"
    virtuoso.store.replace_graph(graph, small_graph("rollback", 100))
    virtuoso.server.isql_exec(f"set autocommit off;\nSPARQL DROP SILENT GRAPH <{graph}>;\nrollback work;\n", check=False)
    assert virtuoso.store.triple_count(graph) == 0


def test_unknown_target_state_after_swap_error_is_restored(virtuoso, monkeypatch):
    """Counting the target fails after a half copy: the backup still restores it, and nothing is left behind."""
    store = virtuoso.server.remote_store()
    store.replace_graph(SMALL, small_graph("safe"))
    before = contents(store, SMALL)
    real_update, real_settled = store.update, GraphSwap.settled_count

    def half_copy(text, **kw):
        if text.startswith(f"COPY <{STAGING_PREFIX}"):
            real_update(f"DROP SILENT GRAPH <{SMALL}>")
            raise RemoteStoreError("模拟的中断", "simulated interruption")
        return real_update(text, **kw)

    def counting_fails(swap, graph, expected):
        if graph == SMALL and expected == 45:
            raise RemoteStoreError("查询超时", "the query timed out")
        return real_settled(swap, graph, expected)

    monkeypatch.setattr(store, "update", half_copy)
    monkeypatch.setattr(GraphSwap, "settled_count", counting_fails)
    with pytest.raises(LoadError, match="restored"):
        store.replace_graph(SMALL, small_graph("unsafe", 45))
    monkeypatch.undo()
    assert contents(store, SMALL) == before
    assert leftovers(store) == []


def test_staging_count_mismatch_never_touches_target(virtuoso, monkeypatch):
    store = virtuoso.server.remote_store()
    store.replace_graph(SMALL, small_graph("kept"))
    before = contents(store, SMALL)
    real_count = store.triple_count
    monkeypatch.setattr(store, "triple_count",
                        lambda graph=None: real_count(graph) - (1 if graph and graph.startswith(STAGING_PREFIX) else 0))
    with pytest.raises(LoadError) as caught:
        store.replace_graph(SMALL, small_graph("lost", 40))
    assert (caught.value.expected, caught.value.actual) == (40, 39)
    assert "expected 40 triples, found 39" in caught.value.message_en and "应有 40 条" in caught.value.message_zh
    monkeypatch.undo()
    assert contents(store, SMALL) == before
    assert leftovers(store) == []


class _StallingHandler(BaseHTTPRequestHandler):
    """Accepts a Graph Store POST, then says nothing for 5 s (a stalled server)."""

    attempts: list[float] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).attempts.append(time.monotonic())
        time.sleep(5)

    def log_message(self, *args):
        pass


def test_stalled_chunk_is_abandoned_and_retried_a_bounded_number_of_times(virtuoso):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StallingHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _StallingHandler.attempts = []
    try:
        v = virtuoso.server
        store = RemoteStore(v.endpoint, update_url=v.update_endpoint, user=v.user, password=v.password,
                            graph_store_url=f"http://127.0.0.1:{server.server_address[1]}/gsp", timeout=1, retries=1)
        store.replace_graph(SMALL, small_graph("steady"))  # fails: nothing answers; target must be left alone
    except LoadError as e:
        assert e.chunk == "1/1" and "timed out" in e.message_en and "超时" in e.message_zh
    else:
        pytest.fail("a stalled Graph Store did not fail the load")
    finally:
        server.shutdown()
        server.server_close()
    assert len(_StallingHandler.attempts) == 2  # the first try and one retry, each abandoned after 1 s
    assert leftovers(virtuoso.store) == []


def test_chunk_retry_after_a_timeout_succeeds(virtuoso, monkeypatch):
    store = virtuoso.server.remote_store(chunk_triples=10)
    real_open, failures = store._opener.open, []

    def flaky_open(request, *args, **kw):
        if request.get_method() == "POST" and "graph-crud" in request.full_url and not failures:
            failures.append(request.full_url)
            raise TimeoutError("timed out")
        return real_open(request, *args, **kw)

    monkeypatch.setattr(store._opener, "open", flaky_open)
    graph = "https://perfkg.example.org/graph/flaky"
    assert store.replace_graph(graph, small_graph("flaky", 25)) == 25 and len(failures) == 1
    assert store.triple_count(graph) == 25
    store.drop_graph(graph)


def test_drop_graph_and_counts(virtuoso):
    store = virtuoso.store
    graph = "https://perfkg.example.org/graph/dropme"
    store.replace_graph(graph, small_graph("drop", 5))
    assert store.graphs()[graph] == 5
    store.drop_graph(graph)
    assert graph not in store.graphs() and store.triple_count(graph) == 0
    assert store.triple_count() == sum(store.graphs().values())
    assert not any(g.startswith("http://www.openlinksw.com/") for g in store.graphs())


# -- queries against rdflib's in-memory answers ----------------------------------------------------------

QUERIES = {
    "projects per department": """SELECT ?dept (COUNT(?p) AS ?n) WHERE {{ {open}
        ?p <{PK}department> ?dept . {close} }} GROUP BY ?dept""",
    "cost indicators of one department with targets >= 90": """SELECT ?i ?label ?t WHERE {{ {open}
        ?i <{PK}isCost> true ; <{PK}target> ?t ; <{RDFS}label> ?label ; <{PK}project> ?p .
        ?p <{PK}department> <{ID}dept/3> . FILTER(?t >= 90) {close} }}""",
    "zh labels of new projects in 2024": """SELECT ?p ?label ?budget WHERE {{ {open}
        ?p <{PK}isNew> true ; <{PK}fiscalYear> 2024 ; <{RDFS}label> ?label ; <{PK}budgetWanYuan> ?budget .
        FILTER(langMatches(lang(?label), "zh")) {close} }}""",
    "indicators per unit and category": """SELECT ?unit ?cat (COUNT(*) AS ?n) (SUM(?t) AS ?total) WHERE {{ {open}
        ?i <{PK}unit> ?unit ; <{PK}category> ?cat ; <{PK}target> ?t . {close} }} GROUP BY ?unit ?cat""",
}


def _both(template: str) -> tuple[str, str]:
    names = {"PK": str(PK), "ID": str(ID), "RDFS": str(RDFS)}
    remote_q = template.format(open=f"GRAPH <{BIG}> {{", close="}", **names)
    local_q = template.format(open="", close="", **names)
    return remote_q, local_q


@pytest.mark.parametrize("name", list(QUERIES))
def test_select_equals_rdflib(big, corpus, name):
    remote_q, local_q = _both(QUERIES[name])
    got = big.query(remote_q)
    want = ResultTable.from_rdflib(corpus.query(local_q))
    assert len(want) > 0
    assert got.vars == want.vars
    assert got.as_set() == want.as_set()


def test_construct_returns_an_rdflib_graph(big, corpus):
    remote_q, local_q = _both("""CONSTRUCT {{ ?d <{RDFS}label> ?l }} WHERE {{ {open}
        ?d a <http://www.w3.org/ns/org#Organization> ; <{RDFS}label> ?l . {close} }}""")
    got = big.query(remote_q)
    assert isinstance(got, Graph) and got.truncated is False
    assert set(got) == set(corpus.query(local_q).graph)
    assert len(got) == 40


def test_ask_returns_bool(big):
    assert big.query(f"ASK {{ GRAPH <{BIG}> {{ ?s a <{PK}Indicator> }} }}") is True
    assert big.query(f"ASK {{ GRAPH <{BIG}> {{ ?s a <{PK}Nothing> }} }}") is False


def test_decimal_is_canonicalised_and_compared_by_value(big):
    """Virtuoso stores xsd:decimal as a number: "40.00" comes back as "40" (and "15.50" as "15.5")."""
    table = big.query(f"SELECT ?t WHERE {{ GRAPH <{BIG}> {{ <{ID}indicator/special> <{PK}target> ?t }} }}")
    (value,), = table.rows
    assert value.datatype == DECIMAL and str(value) == "40"
    assert value.toPython() == Decimal("40.00")
    assert table.as_set() == ResultTable(["t"], [(Literal("40.00", datatype=DECIMAL),)]).as_set()


def test_language_tags_round_trip(big):
    table = big.query(f"SELECT ?l ?alt WHERE {{ GRAPH <{BIG}> {{ <{ID}indicator/special> <{RDFS}label> ?l ; "
                      f"<{SKOS}altLabel> ?alt }} }}")
    (label, alt), = table.rows
    assert label == Literal("绩效目标", lang="zh") and label.language == "zh"
    assert str(alt) == "绩效" and alt.language == "zh-cn"  # Virtuoso lower-cases language tags
    assert alt == Literal("绩效", lang="zh-CN")  # rdflib compares tags case-insensitively, as BCP 47 says


def test_long_query_goes_by_post(big, monkeypatch):
    methods = []
    real = remote_http.Wrapper.setMethod
    monkeypatch.setattr(remote_http.Wrapper, "setMethod", lambda self, m: (methods.append(m), real(self, m))[1])
    big.query(f"ASK {{ GRAPH <{BIG}> {{ ?s ?p ?o }} }}")
    padding = "# " + "填充" * 1500 + "\n"  # a comment makes the text > 2,000 chars
    table = big.query(padding + f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BIG}> {{ ?s a <{PK}Project> }} }}")
    assert int(table.rows[0][0]) == 2000
    assert methods == ["GET", "POST"]


# -- bindings ---------------------------------------------------------------------------------------------------


def test_bindings_are_rdf_terms(big):
    q = f"""SELECT ?p ?label WHERE {{ GRAPH <{BIG}> {{ ?p <{RDFS}label> ?label ; <{PK}department> ?dept .
            ?p <{SKOS}notation> ?code }} }}"""
    table = big.query(q, {"dept": ID["dept/2"], "code": Literal("P02007")})
    assert table.rows == [(ID["project/2-7"], Literal("第2部门项目7：科普活动", lang="zh"))]
    zh = big.query(f"SELECT ?d WHERE {{ GRAPH <{BIG}> {{ ?d <{RDFS}label> ?l }} }}", {"l": Literal("第5部门", lang="zh")})
    assert zh.rows == [(ID["dept/5"],)]


def test_injection_attempt_is_escaped_and_harmless(big, virtuoso):
    evil = '"} ; DROP ALL ; {"'
    trap = small_graph("trap", 5)
    trap.add((ID["trap/evil"], RDFS.label, Literal(evil)))
    graph = "https://perfkg.example.org/graph/trap"
    store = virtuoso.store
    store.replace_graph(graph, trap)
    before = store.graphs()
    q = f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s <{RDFS.label}> ?label }} }}"
    text = bind_values(q, {"label": Literal(evil)})
    assert r'"\"} ; DROP ALL ; {\""' in text
    local = prepareQuery(text.replace(f"GRAPH <{graph}> {{", "{"))  # still one query, one VALUES row
    assert [row.s for row in trap.query(local)] == [ID["trap/evil"]]
    assert store.query(q, {"label": Literal(evil)}).rows == [(ID["trap/evil"],)]  # matched as a string
    for bad in ({"s": URIRef("urn:x> } ; DROP ALL ; { <urn:y")},
                {"label": Literal("x", datatype="urn:t> } ; DROP ALL ; { <urn:y")},
                {"label) } DROP ALL { (?x": Literal("x")},
                {"nosuchvar": Literal("x")},
                {"s": BNode()},
                {"label": "a plain str is not an RDF term"}):
        with pytest.raises(BindingError):
            store.query(q, bad)
    assert store.graphs() == before and store.triple_count(BIG) > 120_000
    store.drop_graph(graph)


# -- truncation -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def capped(virtuoso_small_cap):
    store = virtuoso_small_cap.store
    g = Graph()
    for i in range(120):
        g.add((ID[f"row/{i}"], PK.n, Literal(i)))
    store.replace_graph("urn:perfkg:test:rows", g)
    return store


ROWS = "SELECT ?s ?n WHERE { GRAPH <urn:perfkg:test:rows> { ?s <https://perfkg.example.org/ont#n> ?n } }"


def test_virtuoso_caps_silently_with_a_header(capped, virtuoso_small_cap):
    """Evidence of the server's behaviour: HTTP 200, 50 rows, X-SPARQL-MaxRows: 50 — no error."""
    url = virtuoso_small_cap.server.endpoint + "?" + urllib.parse.urlencode({"query": ROWS})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and response.headers["X-SPARQL-MaxRows"] == "50"
        assert len(json.load(response)["results"]["bindings"]) == 50


def test_truncated_select_raises(capped):
    with pytest.raises(ResultTruncatedError) as caught:
        capped.query(ROWS)
    assert caught.value.result.truncated and len(caught.value.result) == 50
    assert "ResultSetMaxRows" in caught.value.message_en and "截断" in caught.value.message_zh
    table = capped.query(ROWS, allow_truncated=True)
    assert table.truncated and len(table) == 50
    with pytest.raises(ResultTruncatedError):
        capped.query(ROWS + " LIMIT 60")


def test_exactly_cap_rows_is_not_truncated(capped):
    exactly = capped.query(ROWS.replace("} }", "FILTER(?n < 50) } }"))  # header present, COUNT says 50
    assert len(exactly) == 50 and not exactly.truncated
    limited = capped.query(ROWS + " LIMIT 50")
    assert len(limited) == 50 and not limited.truncated
    paged = capped.query(ROWS + " ORDER BY ?n OFFSET 100 LIMIT 50")
    assert len(paged) == 20 and not paged.truncated


def test_truncated_construct_raises(capped):
    """CONSTRUCT is cut at cap + 1 triples with no header at all."""
    construct = "CONSTRUCT { ?s <urn:n> ?n } WHERE { GRAPH <urn:perfkg:test:rows> { ?s ?p ?n } }"
    assert capped.max_rows() == 50
    with pytest.raises(ResultTruncatedError) as caught:
        capped.query(construct)
    assert len(caught.value.result) == 51
    small = capped.query(construct.replace("?n } }", "?n FILTER(?n < 30) } }"))
    assert len(small) == 30 and not small.truncated


def test_time_capped_query_is_truncated(big):
    """An "anytime" query stopped by the server's clock returns partial results (X-SQL-State: S1TAT)."""
    heavy = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BIG}> {{ ?a <{PK}category> ?c . ?b <{PK}category> ?c . "
             f"FILTER(STR(?a) < STR(?b)) }} }}")  # ~16M pairs: seconds of work, a cost estimate Virtuoso accepts
    with pytest.raises(ResultTruncatedError):
        big.query(heavy, server_timeout_ms=300)
    partial = big.query(heavy, server_timeout_ms=300, allow_truncated=True)
    assert partial.truncated  # rows: a partial COUNT, or none at all when it was stopped that early
    assert all(int(row[0]) < 16000 * 1999 // 2 for row in partial.rows)


# -- security ---------------------------------------------------------------------------------------------------


def test_anonymous_and_wrong_writes_are_refused(virtuoso):
    server = virtuoso.server
    graph = "https://perfkg.example.org/graph/anon"
    before = virtuoso.store.graphs()
    anonymous = RemoteStore(server.endpoint, user=None)
    with pytest.raises(RemoteStoreError, match="401"):
        anonymous.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> 1 }} }}")
    with pytest.raises(LoadError):
        anonymous.replace_graph(graph, small_graph("anon", 3))
    for user, password, auth in [("dba", "dba", "digest"), (server.user, "wrong", "digest"),
                                 (server.user, server.password, "basic")]:
        store = RemoteStore(server.endpoint, user=user, password=password, auth=auth)
        with pytest.raises(RemoteStoreError, match="401"):
            store.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> 1 }} }}")
    with pytest.raises(RemoteStoreError, match="use update"):
        anonymous.query(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> 1 }} }}")
    for field in ("query", "update"):  # an update sent to the open query endpoint, as either field
        data = urllib.parse.urlencode({field: f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> 1 }} }}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.endpoint, data=data.encode(), timeout=30)
        assert "permission" in refused.value.read().decode("utf-8", "replace").lower()
    gsp = urllib.request.Request(server.base_url + "/sparql-graph-crud?" + urllib.parse.urlencode({"graph": graph}),
                                 data=b"<urn:a> <urn:b> <urn:c> .\n", method="POST",
                                 headers={"Content-Type": "application/n-triples"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(gsp, timeout=30)
    assert caught.value.code in (401, 403)
    assert virtuoso.store.graphs() == before


def test_private_server_setup(virtuoso):
    server = virtuoso.server
    credentials = server.data_dir / "perfkg-credentials.json"
    assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
    assert server.dba_password != "dba" and len(server.password) == 32
    ini = (server.data_dir / "virtuoso.ini").read_text()
    ports = re.findall(r"^ServerPort\s*=\s*(\S+)", ini, re.M)
    assert ports == [f"127.0.0.1:{server.sql_port}", f"127.0.0.1:{server.http_port}"]
    assert re.search(r"^ResultSetMaxRows\s*=\s*100000$", ini, re.M)


def test_server_stops_and_removes_its_directory(virtuoso):
    from perfkg.store.virtuoso import VirtuosoServer

    with VirtuosoServer(buffers=10_000) as server:
        data_dir, process = server.data_dir, server.process
        assert server.remote_store().query("ASK {}") is True
    assert process.poll() is not None and not data_dir.exists()


def _plugin():
    plugins = [m for m in list(sys.modules.values())
               if (getattr(m, "__file__", None) or "").endswith("conftest_virtuoso.py")]
    require(bool(plugins), "the conftest_virtuoso plugin registered (run from the checkout's tests/)")
    return plugins[0]


def test_missing_virtuoso_skips_locally_and_fails_on_ci(monkeypatch):
    plugin = _plugin()
    monkeypatch.setattr(plugin, "find_virtuoso", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install-system-deps"):
        plugin._require_virtuoso()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="install-system-deps"):
        plugin._require_virtuoso()


def test_missing_binary_error_is_bilingual(monkeypatch):
    from perfkg.store import virtuoso as module

    monkeypatch.setattr(module, "find_virtuoso", lambda: None)
    with pytest.raises(module.VirtuosoError) as caught:
        module.VirtuosoServer()
    assert "找不到" in caught.value.message_zh and "not found" in caught.value.message_en
    assert "install-system-deps" in caught.value.message_en
