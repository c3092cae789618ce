"""Virtuoso's bulk loader path (perfkg.store.virtuoso_bulk) on a real server: documents land complete or not at
all, a bad file fails alone with the loader's own message, a failed swap rolls back, and without a readable
directory the store falls back to chunked Graph Store loads."""
from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from conftest import require
from perfkg.store.graph_loads import STAGING_PREFIX
from perfkg.store.virtuoso import INSTALL_HINT_EN, VirtuosoServer, find_isql, find_virtuoso
from perfkg.store.virtuoso_bulk import VirtuosoBulkLoader

EX = Namespace("http://example.org/bulk/")


@pytest.fixture(scope="module")
def bulk_server(tmp_path_factory):
    """A server of its own whose DirsAllowed holds the load directory (the session server's does not)."""
    require(bool(find_virtuoso() and find_isql(find_virtuoso())), f"Virtuoso is not installed; {INSTALL_HINT_EN}")
    load_dir = tmp_path_factory.mktemp("bulk-load")
    server = VirtuosoServer(load_dirs=[load_dir], buffers=20_000)
    server.start()
    try:
        yield server, load_dir
    finally:
        server.stop()


def document(name: str, projects: int) -> Graph:
    g = Graph()
    for i in range(projects):
        project = EX[f"{name}/project/{i}"]
        g.add((project, EX.name, Literal(f"项目 {i} of {name}", lang="zh")))
        g.add((project, EX.budget, Literal(f"{i}.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
        target = BNode()  # blank nodes stay one node within a document
        g.add((project, EX.target, target))
        g.add((target, EX.value, Literal(i)))
    return g


def stored(store, graph_iri: str) -> Graph:
    return store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")


def staging_graphs(store) -> list[str]:
    return [g for g in store.graphs() if g.startswith(STAGING_PREFIX)]


def test_bulk_load_many_documents_complete_and_identical(bulk_server):
    server, load_dir = bulk_server
    store = server.remote_store(bulk_dir=load_dir)
    docs = {str(EX[f"doc/{n}"]): document(f"d{n}", 5 + n) for n in range(5)}
    outcomes = store.replace_graphs(docs.items())
    assert [(o.graph_iri, o.triples, o.error) for o in outcomes] == [(iri, len(g), None) for iri, g in docs.items()]
    for iri, graph in docs.items():
        assert isomorphic(stored(store, iri), graph)
    assert staging_graphs(store) == []
    assert list(load_dir.iterdir()) == []  # the batch's files are removed
    listed = server.sql().marked_rows("select 'row|' || LL_FILE from DB.DBA.LOAD_LIST;", "row")
    assert not any("perfkg-bulk" in row[0] for row in listed)  # its load_list rows are gone


def test_replacing_a_graph_leaves_nothing_of_the_old_content(bulk_server):
    server, load_dir = bulk_server
    store = server.remote_store(bulk_dir=load_dir)
    iri = str(EX["doc/replaced"])
    store.replace_graph(iri, document("old", 20))
    assert store.replace_graph(iri, document("new", 3)) == 12
    assert isomorphic(stored(store, iri), document("new", 3))


def test_a_bad_file_fails_alone_with_the_loaders_message(bulk_server, tmp_path):
    server, load_dir = bulk_server
    store = server.remote_store(bulk_dir=load_dir)
    kept, good = str(EX["doc/kept"]), str(EX["doc/good"])
    store.replace_graph(kept, document("kept", 4))
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/bulk/a> <http://example.org/bulk/p> "1" .\n'
                   '<http://example.org/bulk/a> <http://example.org/bulk/p> "2 .\n'
                   '<http://example.org/bulk/a> <http://example.org/bulk/q> <http://example.org/bulk/b> .\n',
                   encoding="utf-8")
    first, second = store.replace_graphs([(kept, bad), (good, document("good", 2))])
    assert first.triples is None and "SP029" in first.error.message_en and "line" in first.error.message_en
    assert "批量载入器" in first.error.message_zh and "keeps its previous content" in first.error.message_en
    assert isomorphic(stored(store, kept), document("kept", 4))  # the triple read before the error is not there
    assert second.error is None and isomorphic(stored(store, good), document("good", 2))
    assert staging_graphs(store) == []


def test_a_swap_that_fails_after_deleting_rolls_back_completely(bulk_server):
    """The swap is one SQL transaction. Swapping a graph onto itself deletes it, copies nothing, then finds 0
    triples instead of 24 (PKG02): the rollback must bring every deleted triple back. A staging graph with the
    wrong count (PKG01) is refused before anything changes."""
    server, load_dir = bulk_server
    store = server.remote_store(bulk_dir=load_dir)
    target, staging = str(EX["doc/swap"]), STAGING_PREFIX + "rollback-test"
    store.replace_graph(target, document("before", 6))
    answer = server.isql_exec(f"select DB.DBA.PERFKG_SWAP_GRAPH ('{target}', '{target}', 24);")
    assert f"perfkg-swap|{target}|failed|PKG02" in answer
    assert isomorphic(stored(store, target), document("before", 6))
    store.replace_graph(staging, document("after", 2))
    answer = server.isql_exec(f"select DB.DBA.PERFKG_SWAP_GRAPH ('{staging}', '{target}', 9);")
    assert f"perfkg-swap|{target}|failed|PKG01 the staging graph holds 8 triples, expected 9" in answer
    assert isomorphic(stored(store, target), document("before", 6))
    answer = server.isql_exec(f"select DB.DBA.PERFKG_SWAP_GRAPH ('{staging}', '{target}', 8);")
    assert f"perfkg-swap|{target}|ok|8" in answer
    assert isomorphic(stored(store, target), document("after", 2)) and staging_graphs(store) == []


def test_without_a_directory_the_server_can_read_it_falls_back_to_chunked_loads(bulk_server, tmp_path):
    server, _ = bulk_server
    # a server on another machine: it sees no such directory (and it is outside DirsAllowed)
    loader = VirtuosoBulkLoader(server.sql(), tmp_path, server_load_dir="/srv/perfkg-not-shared")
    store = server.remote_store(bulk_loader=loader, chunk_triples=7)
    iri = str(EX["doc/chunked"])
    (outcome,) = store.replace_graphs([(iri, document("chunked", 6))])
    assert not loader.available() and "FA003" in loader.unavailable_reason
    assert outcome.error is None and outcome.triples == 24
    assert isomorphic(stored(store, iri), document("chunked", 6))
