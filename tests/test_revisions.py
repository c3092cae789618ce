"""Revisions in a store: two versions of one document kept, the current one seen by default, the earlier via history,
identical content a no-op, an interrupted load resumed, and ingest never merging two versions into one graph."""
from __future__ import annotations

import shutil

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from perfkg.backends import replace_all
from perfkg.cli import main
from perfkg.queries import get_query, list_queries
from perfkg.revisions import history, load_document, stored_version, unpack, pack
from perfkg.sources import read_items
from perfkg.store.embedded import EmbeddedStore
from perfkg.store.memory import RdflibStore
from perfkg.vocab import ID, PERFKG
from conftest import DATA, ROOT

V1 = DATA / "yunling-kexie-2023.txt"
V2 = ROOT / "tests" / "fixtures" / "revisions" / "yunling-kexie-2023-revised.txt"
DOC = str(ID["doc/139900-512001-2023"])
PROPERTY = ID["project/13990023P00512030009W"]  # renamed in V2: 物业管理费 -> 物业服务费


def item(path):
    (only,) = read_items(path, self_contained=False)
    assert only.error is None
    return only


@pytest.fixture(scope="module")
def v1():
    return item(V1)


@pytest.fixture(scope="module")
def v2():
    return item(V2)


def fresh(engine):
    store = EmbeddedStore(None) if engine == "oxigraph" else RdflibStore()
    replace_all(store, [], with_vocabulary=True)
    return store


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_two_versions_kept_current_seen_by_default(engine, v1, v2):
    store = fresh(engine)
    first = load_document(store, v1)
    second = load_document(store, v2)
    assert (first.status, second.status) == ("new", "revision")
    assert second.previous == f"{DOC}/v/{v1.result.document.source_sha256[:12]}"
    assert second.diff.count("project-added") == 1 and second.diff.count("target-lowered") == 2
    assert "修订 revision of" in second.message() and "1 project added" in second.message()
    # by default only the current version: one name for the renamed project, five projects (V1 has four)
    labels = store.query(f"SELECT ?l WHERE {{ <{PROPERTY}> <{RDFS.label}> ?l }}").python_rows()
    assert labels == [("机关信息系统运维及物业服务费",)]
    count = store.query(f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{PERFKG.BudgetProject}> }}").python_rows()
    assert int(count[0][0]) == 5
    # the history lists both, oldest first; the earlier one comes back whole
    versions = history(store, DOC)
    assert [(v.file, v.current) for v in versions] == [
        ("yunling-kexie-2023.txt", False), ("yunling-kexie-2023-revised.txt", True)]
    assert versions[1].previous == versions[0].version and versions[0].previous is None
    old = stored_version(store, DOC, versions[0].version)
    assert set(old) == set(v1.graph)


def test_library_answers_as_if_only_the_current_version_were_loaded(v1, v2):
    """Every library query gives the same rows on a store that kept V1 as history as on one that only has V2."""
    with_history, only_current = fresh("oxigraph"), fresh("oxigraph")
    load_document(with_history, v1)
    load_document(with_history, v2)
    load_document(only_current, v2)
    for q in list_queries():
        if q.name == "document-history":
            continue
        a = with_history.query(q.text, q.bindings({})).python_rows()
        b = only_current.query(q.text, q.bindings({})).python_rows()
        assert sorted(map(repr, a)) == sorted(map(repr, b)), q.name


def test_identical_content_again_changes_nothing(v1, v2):
    store = fresh("oxigraph")
    load_document(store, v1)
    load_document(store, v2)
    graphs, total = store.graphs(), store.triple_count()
    again = load_document(store, item(V2))
    assert again.status == "unchanged" and "未变化" in again.message() and "unchanged, skipped" in again.message()
    assert (store.graphs(), store.triple_count()) == (graphs, total)


def test_returning_to_an_earlier_version(v1, v2):
    store = fresh("oxigraph")
    for version in (v1, v2):
        load_document(store, version)
    back = load_document(store, v1)
    assert back.status == "reverted" and back.diff.count("project-removed") == 1
    assert [(v.file, v.current) for v in history(store, DOC)] == [
        ("yunling-kexie-2023.txt", True), ("yunling-kexie-2023-revised.txt", False)]


def test_snapshot_is_deterministic_and_lossless(v1):
    assert str(pack(v1.graph)) == str(pack(item(V1).graph))
    assert set(unpack(pack(v1.graph))) == set(v1.graph)


def test_history_query_lists_nothing_without_versions(v1):
    store = fresh("oxigraph")
    store.replace_graph(DOC, v1.graph)  # a graph loaded before versions were kept
    assert store.query(get_query("document-history").text).python_rows() == []
    second = load_document(store, item(V2))  # the earlier graph is kept now, before it is replaced
    assert second.status == "revision"
    assert [v.file for v in history(store, DOC)] == ["yunling-kexie-2023.txt", "yunling-kexie-2023-revised.txt"]


def test_another_kind_of_document_is_not_a_revision(v1, v2):
    """A self-evaluation report and a target-tables document of one unit and year are two documents."""
    store = fresh("oxigraph")
    load_document(store, v1)
    other = read_items(V2, self_contained=False)[0]
    other.graph.remove((other.graph_iri, RDF.type, None))
    other.graph.add((other.graph_iri, RDF.type, PERFKG.SelfEvaluationReport))
    other.graph.add((other.graph_iri, RDF.type, PERFKG.BudgetDocument))
    refused = load_document(store, other)
    assert refused.status == "refused" and "另一类文档" in refused.error.message_zh
    assert "another kind of document" in refused.error.message_en
    assert [v.file for v in history(store, DOC)] == ["yunling-kexie-2023.txt"]
    assert load_document(store, other, force=True).status == "revision"


# --- the command line -------------------------------------------------------------------------------------------
def store_state(path):
    with EmbeddedStore(path, read_only=True) as store:
        return store.graphs(), store.triple_count()


def test_cli_load_skips_unchanged_and_reports_a_revision(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(V1, src / "a.txt")
    store = str(tmp_path / "store")
    assert main(["load", str(src), "--store", store, "--workers", "1"]) == 0
    before = store_state(store)
    capsys.readouterr()
    assert main(["load", str(src), "--store", store, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "= a.txt: 未变化，已跳过 unchanged, skipped" in out and "1 个未变化 unchanged" in out
    assert store_state(store) == before
    assert main(["load", str(src), "--store", store, "--workers", "1", "--reload-unchanged"]) == 0
    assert "a.txt → <" + DOC + ">: 内容未变，已重新载入 same content, reloaded:" in capsys.readouterr().out
    assert store_state(store) == before
    shutil.copy(V2, src / "a.txt")  # the revised submission under the same file name
    assert main(["load", str(src), "--store", store, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert f"修订 revision of <{DOC}/v/" in out
    assert "2 处目标降低，1 处项目新增" in out and "2 targets lowered, 1 project added" in out


def test_interrupted_load_resumes(tmp_path, monkeypatch, capsys):
    src = tmp_path / "src"
    src.mkdir()
    for f in sorted(DATA.glob("*.txt")):
        shutil.copy(f, src / f.name)
    clean = str(tmp_path / "clean")
    assert main(["load", str(src), "--store", clean, "--workers", "1"]) == 0
    writes = []
    real = EmbeddedStore.replace_graph

    def dies_on_the_second_document(self, graph_iri, data, **kw):
        if "/doc/" in graph_iri and "/v/" not in graph_iri:
            writes.append(graph_iri)
            if len(writes) == 2:
                raise KeyboardInterrupt
        return real(self, graph_iri, data, **kw)

    broken = str(tmp_path / "broken")
    monkeypatch.setattr(EmbeddedStore, "replace_graph", dies_on_the_second_document)
    assert main(["load", str(src), "--store", broken, "--workers", "1"]) == 130
    monkeypatch.setattr(EmbeddedStore, "replace_graph", real)
    capsys.readouterr()
    assert main(["load", str(src), "--store", broken, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert out.count("未变化，已跳过 unchanged, skipped") == 1 and out.count("新文档 new document") == 2
    assert store_state(broken) == store_state(clean)


def test_ingest_never_merges_two_versions(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["ingest", str(V1), str(V2), "-o", str(out)]) == 2
    assert "another revision or file format?" in capsys.readouterr().err
    names = set()
    for f in out.rglob("*.ttl"):
        g = Graph().parse(f)
        names |= {str(o) for o in g.objects(URIRef(PROPERTY), RDFS.label)}
    assert names == {"机关信息系统运维及物业管理费"}


def test_revisions_on_virtuoso(virtuoso, v1, v2):
    """The same on a real server: the record's snapshot literal travels through the Graph Store loads intact, and
    the default graph sees only the current version. The session's store is put back as it was afterwards."""
    store = virtuoso.store
    had = store.triple_count(DOC)
    replace_all(store, [], with_vocabulary=True)
    versions = []
    try:
        store.drop_graph(DOC)
        assert [load_document(store, v).status for v in (v1, v2, v2)] == ["new", "revision", "unchanged"]
        labels = store.query(f"SELECT ?l WHERE {{ <{PROPERTY}> <{RDFS.label}> ?l }}").python_rows()
        assert labels == [("机关信息系统运维及物业服务费",)]
        versions = history(store, DOC)
        assert [(v.file, v.current) for v in versions] == [
            ("yunling-kexie-2023.txt", False), ("yunling-kexie-2023-revised.txt", True)]
        assert set(stored_version(store, DOC, versions[0].version)) == set(v1.graph)
    finally:
        for v in versions or history(store, DOC):
            store.drop_graph(v.version)
        if had:
            store.replace_graph(DOC, v1.graph)
        else:
            store.drop_graph(DOC)
