"""One query on a pyoxigraph Store: dataset options, bindings (substitutions, else VALUES), answers as rdflib terms."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from perfkg.results import ResultTable
from perfkg.store.errors import QueryError, QuerySyntaxError
from perfkg.store.oxigraph_terms import graph_node, to_oxigraph, to_rdflib
from perfkg.store.sparql_text import analyse, bind_values, variable_names


# What pyoxigraph 0.5 offers for queries, and how this module uses it (verified on 0.5.13):
# * Bindings: ``Store.query(substitutions=…)`` (SEP-0007) binds RDF terms, but only variables of the outer
#   SELECT projection (else RuntimeError); for the others a VALUES block is put at the start of the WHERE
#   pattern (not after the query: see sparql_text.bind_values), from validated terms.
# * Timeouts: ``Store.query`` has no timeout and no cancellation (oxigraph issue #1926; the Rust-only
#   CancellationToken of PR #1409 is not exposed). A timed query therefore runs in a child process that is
#   killed when the time is up (query_workers): a read-only instance (``Store.read_only``) for a store on disk, a fork for an
#   in-memory store.
# * Union default graph: ``use_default_graph_as_union=True``, except for queries with FROM / FROM NAMED (the
#   option would silently override them). Oxigraph counts a triple once per graph that holds it (like
#   Virtuoso); rdflib's ``Dataset(default_union=True)`` counts it once. Use DISTINCT when the same triple can
#   sit in several document graphs.
# * Numeric, boolean and date literals are stored by value: "40.00"^^xsd:decimal comes back as "40",
#   "007"^^xsd:integer as "7"; two lexical forms of one value become one triple.


@dataclass
class QueryRequest:
    """Everything a worker needs to run one query; picklable."""

    sparql: str
    bindings: dict[str, Node] = field(default_factory=dict)
    union_default_graph: bool = True
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    max_rows: int | None = None
    generation: int = 0


@dataclass
class QueryOutcome:
    """An engine-neutral answer: a table, a boolean or triples, and whether it was cut at max_rows."""

    kind: str  # "select" | "ask" | "graph"
    table: ResultTable | None = None
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] | None = None
    truncated: bool = False

    def value(self):
        """What EmbeddedStore.query returns: ResultTable, bool or rdflib Graph."""
        if self.kind == "select":
            return self.table
        if self.kind == "ask":
            return self.boolean
        graph = Graph()
        for triple in self.triples:
            graph.add(triple)
        graph.truncated = self.truncated
        return graph



def _names_its_dataset(sparql: str) -> bool:
    """FROM / FROM NAMED, by the parser; a text without the letters "from" cannot have them (and skips the
    parser's cost: bench/results/sparql-parse.md)."""
    if "from" not in sparql.lower():
        return False
    try:
        return analyse(sparql).has_dataset_clause
    except QuerySyntaxError:
        return False  # pyoxigraph's own parser reports the error when the query runs


def _run(store: ox.Store, request: QueryRequest):
    bindings = request.bindings or {}
    terms = {name: to_oxigraph(term) for name, term in zip(variable_names(bindings), bindings.values())}
    union = request.union_default_graph and not _names_its_dataset(request.sparql)
    options = {"use_default_graph_as_union": union}
    if request.default_graphs is not None:
        options = {"default_graph": [graph_node(g) for g in request.default_graphs]}
    if request.named_graphs is not None:
        options["named_graphs"] = [graph_node(g) for g in request.named_graphs]
    try:
        if not terms:
            return store.query(request.sparql, **options)
        try:
            return store.query(request.sparql, substitutions={ox.Variable(n): t for n, t in terms.items()}, **options)
        except RuntimeError:  # only projected variables can be substituted
            return store.query(bind_values(request.sparql, bindings), **options)
    except SyntaxError as e:
        raise QuerySyntaxError(f"SPARQL 语法错误：{e}", f"SPARQL syntax error: {e}") from None
    except (RuntimeError, OSError, ValueError) as e:
        raise QueryError(f"查询失败：{e}", f"query failed: {e}") from None


def execute(store: ox.Store, request: QueryRequest) -> QueryOutcome:
    """Run one query on a pyoxigraph Store and convert the answer to rdflib terms."""
    result = _run(store, request)
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("ask", boolean=bool(result))
    limit, cache, truncated = request.max_rows, {}, False
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(tuple(to_rdflib(solution[i], cache) for i in range(len(names))))
        return QueryOutcome("select", table=ResultTable(names, rows, truncated), truncated=truncated)
    triples = []
    for t in result:
        if limit is not None and len(triples) >= limit:
            truncated = True
            break
        triples.append((to_rdflib(t.subject, cache), to_rdflib(t.predicate, cache), to_rdflib(t.object, cache)))
    return QueryOutcome("graph", triples=triples, truncated=truncated)

