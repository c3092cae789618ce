"""The embedded Oxigraph store: atomic per-document graphs, union queries, term bindings, export, timeouts."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from decimal import Decimal

import psutil
import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from perfkg.errors import PerfkgError
from perfkg.results import ResultTable
from perfkg.store.embedded import EmbeddedStore, QuerySyntaxError, QueryTimeout, StoreError

EX = Namespace("http://example.org/perfkg/")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
DOC1, DOC2 = "http://example.org/doc/qhd-kx-2022", "http://example.org/doc/bj-kx-2023"
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def document(code: str, projects: int, dept: str = "科协") -> Graph:
    """A small submission-shaped graph: projects with zh labels, decimal budgets and blank-node targets."""
    g = Graph()
    org = EX[f"dept/{code}"]
    g.add((org, RDF.type, EX.Department))
    g.add((org, RDFS.label, Literal(f"{dept}{code}", lang="zh")))
    for i in range(projects):
        p, t = EX[f"project/{code}/{i}"], BNode()
        g.add((p, RDF.type, EX.Project))
        g.add((p, RDFS.label, Literal(f"科普项目{i}号", lang="zh")))
        g.add((p, EX.code, Literal(f"{code}-{i:03d}")))
        g.add((p, EX.budget, Literal(Decimal(f"{i}.5"))))
        g.add((p, EX.department, org))
        g.add((p, EX.target, t))
        g.add((t, EX.raw, Literal("≥15 元/平方米月")))
        g.add((t, EX.value, Literal(15 + i)))
    return g


@pytest.fixture
def docs():
    return {DOC1: document("qhd", 20), DOC2: document("bj", 10, "北京科协")}


@pytest.fixture
def store(tmp_path, docs):
    with EmbeddedStore(tmp_path / "store") as st:
        for iri, g in docs.items():
            st.replace_graph(iri, g)
        yield st


# -- loading ---------------------------------------------------------------------------------------


def test_replace_is_idempotent_and_counts(store, docs):
    assert store.graphs() == {DOC2: len(docs[DOC2]), DOC1: len(docs[DOC1])}
    assert list(store.graphs()) == sorted([DOC1, DOC2])
    for _ in range(3):  # blank nodes included: reloading never duplicates
        assert store.replace_graph(DOC1, docs[DOC1]) == len(docs[DOC1])
    assert store.triple_count(DOC1) == len(docs[DOC1])
    assert store.triple_count() == len(docs[DOC1]) + len(docs[DOC2])


def test_replace_shrinks_and_drop(store):
    assert store.replace_graph(DOC1, document("qhd", 2)) == len(document("qhd", 2))
    assert store.drop_graph(DOC2) is True
    assert store.drop_graph(DOC2) is False
    assert list(store.graphs()) == [DOC1]


def test_replace_from_files(tmp_path, docs):
    nt, ttl = tmp_path / "d1.nt", tmp_path / "d2.ttl"
    docs[DOC1].serialize(nt, format="nt", encoding="utf-8")
    docs[DOC2].serialize(ttl, format="turtle", encoding="utf-8")
    with EmbeddedStore() as st:
        assert st.replace_graph(DOC1, nt) == len(docs[DOC1])
        assert st.replace_graph(DOC2, str(ttl)) == len(docs[DOC2])
        assert st.replace_graph(DOC2, ttl) == len(docs[DOC2])


def test_bad_input_leaves_graph_unchanged(store, tmp_path, docs):
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://a> <http://b> "x" .\n<http://a> <http://b> } ; DROP ALL ; { .\n', encoding="utf-8")
    with pytest.raises(PerfkgError) as err:
        store.replace_graph(DOC1, bad)
    assert "无法解析" in err.value.message_zh and "does not parse" in err.value.message_en
    assert store.triple_count(DOC1) == len(docs[DOC1])
    with pytest.raises(PerfkgError):
        store.replace_graph(DOC1, tmp_path / "data.rdf")
    with pytest.raises(StoreError):
        store.replace_graph("not an iri", docs[DOC1])


def test_one_update_is_one_transaction():
    """What replace_graph relies on: a failing later operation rolls back the DROP before it."""
    st = ox.Store()
    st.update('INSERT DATA { GRAPH <http://g> { <http://s> <http://p> "old" } }')
    with pytest.raises(RuntimeError):
        st.update('DROP GRAPH <http://g> ; INSERT DATA { GRAPH <http://g> { <http://s> <http://p> "new" } } ;'
                  " DROP GRAPH <http://does-not-exist>")
    assert [q.object.value for q in st] == ["old"]


def test_readers_never_see_a_half_replaced_graph(store, docs):
    expected, seen, stop = len(docs[DOC1]), [], threading.Event()

    def reader():
        while not stop.is_set():
            seen.append(store.triple_count(DOC1))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(15):
            store.replace_graph(DOC1, docs[DOC1])
    finally:
        stop.set()
        thread.join(10)
    assert seen and set(seen) == {expected}


def test_lexical_forms_of_numbers_are_normalised(store):
    g = Graph()
    g.add((EX.p, EX.budget, Literal("40.00", datatype=XSD_DECIMAL)))
    g.add((EX.p, EX.budget, Literal("40.0", datatype=XSD_DECIMAL)))
    assert store.replace_graph("http://example.org/doc/n", g) == 1  # one value, one triple
    (value,) = store.query("SELECT ?v { GRAPH <http://example.org/doc/n> { ?s ?p ?v } }").column("v")
    assert value.eq(Literal(Decimal("40")))


# -- querying --------------------------------------------------------------------------------------


def test_union_default_graph_and_named_graphs(store, docs):
    q = f"SELECT (COUNT(DISTINCT ?p) AS ?n) {{ ?p a <{EX.Project}> }}"
    assert store.query(q).python_rows() == [(30,)]
    assert store.query(q, union_default_graph=False).python_rows() == [(0,)]
    q = f"SELECT ?g (COUNT(?p) AS ?n) {{ GRAPH ?g {{ ?p a <{EX.Project}> }} }} GROUP BY ?g ORDER BY ?g"
    assert store.query(q).python_rows() == [(DOC2, 10), (DOC1, 20)]
    q = f"SELECT ?l {{ GRAPH <{DOC2}> {{ ?d a <{EX.Department}> ; <{RDFS.label}> ?l }} }}"
    assert store.query(q).rows == [(Literal("北京科协bj", lang="zh"),)]


def test_from_clauses_are_honoured(store, docs):
    count = "SELECT (COUNT(*) AS ?n) {} {{ ?s ?p ?o }}"
    assert store.query(count.format(f"FROM <{DOC2}>")).python_rows() == [(len(docs[DOC2]),)]
    q = f"SELECT DISTINCT ?g FROM NAMED <{DOC1}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert store.query(q).python_rows() == [(DOC1,)]
    assert store.query(count.format("")).python_rows() == [(len(docs[DOC1]) + len(docs[DOC2]),)]


def test_closed_store_says_so(tmp_path):
    st = EmbeddedStore(tmp_path / "s")
    st.close()
    with pytest.raises(StoreError) as err:
        st.graphs()
    assert "关闭" in err.value.message_zh and "closed" in err.value.message_en


def test_terms_compare_equal_to_rdflib(store, docs):
    q = f"SELECT ?c ?l ?b {{ ?p <{EX.code}> ?c ; <{RDFS.label}> ?l ; <{EX.budget}> ?b }} ORDER BY ?c"
    table = store.query(q)
    assert isinstance(table, ResultTable) and table.vars == ["c", "l", "b"]
    ds = Dataset(default_union=True)
    for iri, g in docs.items():
        for t in g:
            ds.graph(URIRef(iri)).add(t)
    expected = [tuple(r) for r in ds.query(q)]
    assert table.rows == expected  # plain literals stay plain, lang and datatypes survive
    assert table.rows[0][0] == Literal("bj-000") and table.rows[0][0].datatype is None


def test_bindings_are_terms(store):
    label = Literal("科普项目3号", lang="zh")
    q = f"SELECT ?p ?l {{ ?p <{RDFS.label}> ?l }} ORDER BY ?p"
    assert len(store.query(q, {"l": label})) == 2  # projected variable: pyoxigraph substitution
    q = f"SELECT ?code {{ ?p <{RDFS.label}> ?l ; <{EX.code}> ?code }} ORDER BY ?code"
    assert store.query(q, {"?l": label}).python_rows() == [("bj-003",), ("qhd-003",)]  # not projected: VALUES
    q = f"SELECT (COUNT(*) AS ?n) {{ ?p <{RDFS.label}> ?l }}"
    assert store.query(q, {"l": label}).python_rows() == [(2,)]  # VALUES inside the pattern, before grouping
    q = f"SELECT ?code {{ ?p <{EX.budget}> ?b ; <{EX.code}> ?code }} ORDER BY ?code"
    assert store.query(q, {"b": Literal(Decimal("7.50"))}).python_rows() == [("bj-007",), ("qhd-007",)]
    q = f"SELECT ?code {{ ?p <{EX.department}> ?d ; <{EX.code}> ?code }}"
    assert len(store.query(q, {"d": EX["dept/bj"]})) == 10
    with pytest.raises(PerfkgError) as err:
        store.query(q, {"d": "http://example.org/perfkg/dept/bj"})
    assert "RDF" in err.value.message_zh and "RDF terms" in err.value.message_en


def test_injection_attempt_is_harmless(store):
    before = store.triple_count()
    evil = Literal('"} ; DROP ALL ; {"')
    for q in (f"SELECT ?p ?l {{ ?p <{RDFS.label}> ?l }}", f"SELECT ?p {{ ?p <{RDFS.label}> ?l }}"):
        assert len(store.query(q, {"l": evil})) == 0
    g = Graph()
    g.add((EX.x, RDFS.label, evil))
    store.replace_graph("http://example.org/doc/evil", g)
    assert store.query(f"SELECT ?p {{ ?p <{RDFS.label}> ?l }}", {"l": evil}).rows == [(EX.x,)]
    assert store.triple_count() == before + 1


def test_construct_ask_describe_and_row_cap(store):
    graph = store.query(f"CONSTRUCT {{ ?p <{RDFS.label}> ?l }} WHERE {{ GRAPH <{DOC2}> {{ ?p a <{EX.Project}> ;"
                        f" <{RDFS.label}> ?l }} }}")
    assert isinstance(graph, Graph) and len(graph) == 10
    assert store.query(f"ASK {{ ?p <{EX.code}> 'qhd-019' }}") is True
    assert store.query("ASK { ?p ?q 'nothing' }") is False
    assert len(store.query(f"DESCRIBE <{EX['project/bj/0']}>")) >= 6
    capped = store.query("SELECT * { ?s ?p ?o }", max_rows=7)
    assert len(capped) == 7 and capped.truncated
    assert not store.query("SELECT * { ?s ?p ?o }", max_rows=10_000).truncated


def test_syntax_error_is_bilingual(store):
    with pytest.raises(QuerySyntaxError) as err:
        store.query("SELECT * WHERE { ?s ?p }")
    assert "语法" in err.value.message_zh and "syntax" in err.value.message_en


# -- export and persistence ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt,rdflib_format", [("trig", "trig"), ("nquads", "nquads")])
def test_export_is_deterministic_and_isomorphic(store, docs, tmp_path, fmt, rdflib_format):
    first, second = store.export(fmt), store.export(fmt)
    assert first == second
    with EmbeddedStore(tmp_path / "rebuilt") as again:  # fresh blank nodes, same canonical labels
        for iri in reversed(list(docs)):
            again.replace_graph(iri, docs[iri])
        assert again.export(fmt) == first
    out = tmp_path / f"out.{fmt}"
    store.export(fmt, out)
    assert out.read_bytes() == first
    ds = Dataset()
    ds.parse(data=first.decode("utf-8"), format=rdflib_format)
    for iri, g in docs.items():
        assert isomorphic(ds.graph(URIRef(iri)), g)


def test_persistence_across_close_and_reopen(tmp_path, docs):
    path = tmp_path / "store"
    with EmbeddedStore(path) as st:
        for iri, g in docs.items():
            st.replace_graph(iri, g)
        exported = st.export("nquads")
    with EmbeddedStore(path) as st:
        assert st.graphs() == {DOC1: len(docs[DOC1]), DOC2: len(docs[DOC2])}
        assert st.export("nquads") == exported
    with EmbeddedStore(path, read_only=True) as ro:
        assert ro.triple_count(DOC1) == len(docs[DOC1])
        with pytest.raises(StoreError):
            ro.replace_graph(DOC1, docs[DOC1])


def test_a_second_writer_is_refused(tmp_path):
    with EmbeddedStore(tmp_path / "s"):
        with pytest.raises(StoreError) as err:
            EmbeddedStore(tmp_path / "s")
    assert "另一个进程" in err.value.message_zh and "another process" in err.value.message_en
    with pytest.raises(StoreError):
        EmbeddedStore(tmp_path / "missing", read_only=True)


# -- timeouts --------------------------------------------------------------------------------------


def test_timeout_kills_a_runaway_query(tmp_path):
    with EmbeddedStore(tmp_path / "big") as st:
        st.replace_graph("http://example.org/doc/big", document("big", 1250))  # 10k triples
        assert st.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", timeout=30).python_rows() == [(10_002,)]
        worker = st._worker.pid
        st.replace_graph("http://example.org/doc/one", document("one", 0))  # the warm worker reopens its snapshot
        assert st.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", timeout=30).python_rows() == [(10_004,)]
        assert st._worker.pid == worker
        started = time.monotonic()
        with pytest.raises(QueryTimeout) as err:
            st.query(RUNAWAY, timeout=2)
        assert time.monotonic() - started < 6
        assert "时限" in err.value.message_zh and "time limit" in err.value.message_en
        assert not psutil.pid_exists(worker)
        st.replace_graph("http://example.org/doc/small", document("s", 1))  # the next worker sees new writes
        assert st.query("ASK { ?s <http://example.org/perfkg/code> 's-000' }", timeout=30) is True


def test_timeout_on_an_in_memory_store():
    with EmbeddedStore() as st:
        st.replace_graph("http://example.org/doc/big", document("big", 1250))
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            st.query(RUNAWAY, timeout=1)
        assert time.monotonic() - started < 5
        assert st.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", timeout=30).python_rows() == [(10_002,)]


def test_workers_die_with_their_parent(tmp_path):
    with EmbeddedStore(tmp_path / "s") as st:
        st.replace_graph(DOC1, document("qhd", 1))
    script = ("import sys; from perfkg.store.embedded import QueryWorker; "
              "w = QueryWorker(sys.argv[1]); print(w.pid, flush=True); sys.stdin.read()")
    parent = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "s")], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    assert psutil.pid_exists(worker)
    parent.kill()
    parent.wait(10)
    for _ in range(50):  # bounded: the worker notices within about a second
        if _gone(worker):
            break
        time.sleep(0.1)
    assert _gone(worker)


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
