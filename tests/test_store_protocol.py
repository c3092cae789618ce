"""The store protocol without a server: one parser for the query form, VALUES placement, the same answers from the
rdflib and Oxigraph stores, and the remote store's server-free logic (chunks, swap, truncation)."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from SPARQLWrapper import SPARQLWrapper

from perfkg.errors import PerfkgError
from perfkg.queries import get_query, list_queries
from perfkg.store import TripleStore
from perfkg.store.embedded import EmbeddedStore
from perfkg.store.errors import BindingError, LoadError, QuerySyntaxError, RemoteStoreError
from perfkg.store.graph_loads import BACKUP_PREFIX, GraphSwap, group_units, pack_chunks
from perfkg.store.memory import RdflibStore
from perfkg.store.remote import RemoteStore
from perfkg.store.sparql_text import analyse, bind_values, split_prologue, where_offset
from perfkg.store.truncation import HTTP_ROW_LIMIT, graph_truncated, select_truncated

EX = "http://example.org/"
DOC = EX + "doc/1"


# -- one parser decides the form ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["document-history", "placeholder-indicators", "spending-plan-problems"])
def test_header_comments_do_not_make_a_query_an_update(name):
    """SPARQLWrapper's keyword guess reads "removed"/"drops" in the header comments as updates; the parser does not."""
    text = get_query(name).text
    guess = SPARQLWrapper("http://127.0.0.1/sparql")
    guess.setQuery(text)
    assert guess.isSparqlUpdateRequest()  # the defect perfkg no longer relies on
    shape = analyse(text)
    assert (shape.form, shape.is_update) == ("SELECT", False)


def test_every_library_query_parses_as_a_query():
    for q in list_queries():
        shape = analyse(q.text)
        assert not shape.is_update and q.text[where_offset(q.text) - 1] == "{", q.name


def test_updates_and_malformed_text():
    assert (analyse("DROP SILENT GRAPH <urn:g>").form, analyse("DROP SILENT GRAPH <urn:g>").is_update) == ("DROP", True)
    assert analyse("INSERT DATA { <urn:a> <urn:b> 1 }").form == "INSERT"
    with pytest.raises(QuerySyntaxError) as bad:
        analyse("SELEC ?x WHERE { ?x ?p ?o }")
    assert "SPARQL 语法错误" in bad.value.message_zh and "syntax error" in bad.value.message_en


def test_outer_limit_dataset_clause_and_prologue():
    text = "PREFIX ex: <urn:x#>\n# a comment { with a brace\nSELECT ?s FROM <urn:g> WHERE { { SELECT ?s { ?s ?p ?o } LIMIT 9 } } LIMIT 3"
    shape = analyse(text)
    assert shape.limit == 3 and shape.has_dataset_clause
    assert split_prologue(text)[1].startswith("SELECT ?s FROM")
    assert analyse("SELECT ?s { { SELECT ?s { ?s ?p ?o } LIMIT 9 } }").limit is None


@pytest.mark.parametrize("text, before", [
    ('PREFIX ex: <urn:x#> SELECT ?s WHERE { ?s ex:p "{ WHERE }" . # { comment\n }', 'PREFIX ex: <urn:x#> SELECT ?s WHERE {'),
    ("CONSTRUCT { ?s <urn:p> ?o } WHERE { ?s <urn:q> ?o }", "CONSTRUCT { ?s <urn:p> ?o } WHERE {"),
    ("CONSTRUCT { ?s <urn:p> ?o } { ?s <urn:q> ?o }", "CONSTRUCT { ?s <urn:p> ?o } {"),  # WHERE is optional
    ("CONSTRUCT WHERE { ?s <urn:q> ?o }", "CONSTRUCT WHERE {"),
    ("CONSTRUCT {} WHERE { ?s <urn:q> ?o }", "CONSTRUCT {} WHERE {"),
    ("SELECT (EXISTS { ?s <urn:x> ?y } AS ?e) ?s { ?s <urn:q> ?o }", "SELECT (EXISTS { ?s <urn:x> ?y } AS ?e) ?s {"),
    ("ASK { ?s ?p ?o }", "ASK {"),
])
def test_values_go_first_in_the_where_pattern(text, before):
    assert text[:where_offset(text)] == before


def test_values_block_text():
    text = bind_values("SELECT ?where { ?where <urn:p> ?o }", {"where": URIRef("urn:a")})
    assert text == "SELECT ?where { VALUES (?where) { (<urn:a>) }  ?where <urn:p> ?o }"
    assert bind_values("DESCRIBE ?x", {"x": URIRef("urn:a")}).endswith("VALUES (?x) { (<urn:a>) } ")
    for bad in ({"nosuch": Literal("x")}, {"s": BNode()}, {"s": URIRef("urn:x> } ; DROP ALL ; { <urn:y")},
                {"s) } DROP ALL { (?x": Literal("x")}, {"s": "not a term"}):
        with pytest.raises(BindingError):
            bind_values("SELECT ?s { ?s ?p ?o }", bad)


# -- the protocol: rdflib and Oxigraph give the same answers ----------------------------------------------


def document() -> Graph:
    g = Graph()
    for i, (label, amount) in enumerate([("甲", "40.0"), ("乙", "12.5"), ("丙", "0")]):
        p = URIRef(f"{EX}p/{i}")
        g.add((p, URIRef(EX + "label"), Literal(label, lang="zh")))
        g.add((p, URIRef(EX + "amount"), Literal(amount, datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    return g


@pytest.fixture(params=["rdflib", "oxigraph"])
def store(request):
    s = RdflibStore() if request.param == "rdflib" else EmbeddedStore(None)
    yield s
    s.close()


def test_every_store_implements_the_protocol(store):
    assert isinstance(store, TripleStore) and isinstance(RemoteStore("http://127.0.0.1:1/sparql"), TripleStore)


def test_graphs_counts_and_drop(store):
    assert store.replace_graph(DOC, document()) == 6
    assert store.replace_graph(EX + "doc/2", document()) == 6
    assert store.graphs() == {DOC: 6, EX + "doc/2": 6} and store.triple_count(DOC) == 6
    assert store.replace_graph(DOC, Graph()) == 0  # replaced, not merged
    assert store.drop_graph(EX + "doc/2") is True and store.drop_graph(EX + "doc/2") is False
    assert store.triple_count() == 0


def test_same_answers_on_both_stores():
    rdflib_store, oxigraph_store = RdflibStore(), EmbeddedStore(None)
    for s in (rdflib_store, oxigraph_store):
        s.replace_graph(DOC, document())
    select = f"PREFIX ex: <{EX}> SELECT ?label (SUM(?a) AS ?total) {{ ?p ex:label ?label ; ex:amount ?a }} GROUP BY ?label"
    bound = {"p": URIRef(EX + "p/1")}  # not projected: Oxigraph takes the VALUES path
    a, b = rdflib_store.query(select, bound), oxigraph_store.query(select, bound)
    assert a.comparable() == b.comparable() and len(a) == 1
    construct = f"PREFIX ex: <{EX}> CONSTRUCT {{ ?p ex:copy ?a }} {{ ?p ex:amount ?a }}"
    assert isomorphic(rdflib_store.query(construct, bound), oxigraph_store.query(construct, bound))
    assert len(oxigraph_store.query(construct, bound)) == 1
    assert rdflib_store.query("ASK { ?s ?p ?o }") is True and oxigraph_store.query("ASK { ?s ?p ?o }") is True


def test_comparable_is_numeric_and_a_multiset():
    from perfkg.results import ResultTable

    dec = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    integer = URIRef("http://www.w3.org/2001/XMLSchema#integer")
    forty = ResultTable(["n"], [(Literal("40.00", datatype=dec),)])
    assert forty.comparable() == ResultTable(["n"], [(Literal("40", datatype=integer),)]).comparable()
    twice = ResultTable(["n"], [(Literal("40", datatype=integer),)] * 2)
    assert twice.comparable() != forty.comparable() and twice.as_set() == forty.as_set()


def test_rdflib_store_refuses_updates_and_bad_files(tmp_path):
    s = RdflibStore()
    with pytest.raises(PerfkgError):
        s.query("DROP ALL")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    with pytest.raises(PerfkgError) as err:
        s.replace_graph(DOC, bad)
    assert "bad.ttl" in err.value.message_en


# -- remote-store logic that needs no server ----------------------------------------------------------------


def test_chunks_keep_blank_nodes_together():
    lines = ["<urn:a> <urn:p> _:x .\n", "<urn:b> <urn:p> <urn:c> .\n", "_:x <urn:q> _:y .\n", "_:y <urn:q> \"1\" .\n",
             "<urn:d> <urn:p> _:z .\n", "<urn:e> <urn:p> <urn:f> .\n"]
    units = group_units(lines)
    assert sorted(map(len, units)) == [1, 1, 1, 3]
    assert sorted(lines[i] for i in (0, 2, 3)) in [sorted(u) for u in units]
    chunks = pack_chunks(units, 2)
    assert sorted(map(len, chunks)) == [1, 2, 3]  # the 3-line component travels whole, never split
    assert sorted(line for chunk in chunks for line in chunk) == sorted(lines)


def test_truncation_from_headers_and_counts():
    never = lambda: pytest.fail("no count needed")  # noqa: E731
    assert select_truncated({"X-SQL-State": "S1TAT"}, 3, None, never)
    assert select_truncated({"X-PerfKG-Truncated": "true"}, 3, None, never)  # perfkg serve's row cap
    assert not select_truncated({}, 99, None, never)
    assert not select_truncated({"X-SPARQL-MaxRows": "50"}, 49, None, never)
    assert not select_truncated({"X-SPARQL-MaxRows": "50"}, 50, 50, never)  # the query's own LIMIT
    assert select_truncated({"X-SPARQL-MaxRows": "50"}, 50, None, lambda: 120)
    assert not select_truncated({"X-SPARQL-MaxRows": "50"}, 50, None, lambda: 50)  # exactly the cap
    assert select_truncated({"X-SPARQL-MaxRows": "50"}, 50, None, lambda: None)  # cannot tell: say so
    assert select_truncated({}, HTTP_ROW_LIMIT, None, lambda: HTTP_ROW_LIMIT + 1)
    assert graph_truncated({}, 51, 50) and not graph_truncated({}, 50, 50) and not graph_truncated({}, 10**6, None)


class OxigraphAdmin:
    """A real SPARQL engine in this process (Oxigraph) behind the swap's GraphAdmin interface."""

    def __init__(self):
        self.store = ox.Store()
        self.failing_copies: tuple[str, ...] = ()  # COPY requests starting so are half done, then fail

    def update(self, sparql_update: str, *, timeout: float | None = None) -> None:
        if sparql_update.startswith(self.failing_copies or ("\0",)):
            target = sparql_update.rsplit("<", 1)[1].rstrip(">")
            self.store.update(f"DROP SILENT GRAPH <{target}>")
            self.store.update(f"INSERT DATA {{ GRAPH <{target}> {{ <urn:half> <urn:p> 1 }} }}")
            raise RemoteStoreError("模拟的中断", "simulated interruption")
        self.store.update(sparql_update)

    def triple_count(self, graph: str | None = None) -> int:
        return len(list(self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))

    def drop_graph(self, graph_iri: str) -> bool:
        self.store.update(f"DROP SILENT GRAPH <{graph_iri}>")
        return True

    def fill(self, graph: str, n: int, tag: str) -> None:
        self.store.update("INSERT DATA { GRAPH <%s> { %s } }" % (
            graph, " ".join(f"<urn:{tag}/{i}> <urn:p> {i} ." for i in range(n))))

    def graph_names(self) -> set[str]:
        return {g.value for g in self.store.named_graphs()}


def test_swap_replaces_and_cleans_up():
    admin = OxigraphAdmin()
    admin.fill(DOC, 5, "old")
    admin.fill("urn:staging", 7, "new")
    GraphSwap(admin, pause=0).swap(DOC, "urn:staging", 7)
    assert admin.triple_count(DOC) == 7
    assert not any(g.startswith(BACKUP_PREFIX) for g in admin.graph_names())


def test_failed_swap_restores_the_old_content():
    admin = OxigraphAdmin()
    admin.fill(DOC, 5, "old")
    admin.fill("urn:staging", 7, "new")
    admin.failing_copies = ("COPY <urn:staging>",)
    with pytest.raises(LoadError) as caught:
        GraphSwap(admin, retries=1, pause=0).swap(DOC, "urn:staging", 7)
    assert (caught.value.expected, caught.value.actual) == (7, 1) and "restored" in caught.value.message_en
    assert sorted(str(q.subject) for q in admin.store.quads_for_pattern(None, None, None, ox.NamedNode(DOC))) == \
        sorted(f"<urn:old/{i}>" for i in range(5))
    assert not any(g.startswith(BACKUP_PREFIX) for g in admin.graph_names())


def test_failed_swap_of_a_new_graph_leaves_no_graph():
    admin = OxigraphAdmin()
    admin.fill("urn:staging", 3, "new")
    admin.failing_copies = ("COPY <urn:staging>",)
    with pytest.raises(LoadError, match="restored"):
        GraphSwap(admin, retries=0, pause=0).swap(DOC, "urn:staging", 3)
    assert admin.triple_count(DOC) == 0


def test_failed_restore_keeps_the_backup_and_names_it():
    admin = OxigraphAdmin()
    admin.fill(DOC, 5, "old")
    admin.fill("urn:staging", 7, "new")
    admin.failing_copies = ("COPY <urn:staging>", f"COPY <{BACKUP_PREFIX}")
    with pytest.raises(LoadError) as caught:
        GraphSwap(admin, retries=0, pause=0).swap(DOC, "urn:staging", 7)
    (backup,) = [g for g in admin.graph_names() if g.startswith(BACKUP_PREFIX)]
    assert f"<{backup}>" in caught.value.message_en and f"<{backup}>" in caught.value.message_zh
    assert admin.triple_count(backup) == 5
