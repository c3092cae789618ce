"""The rdflib store: an in-memory Dataset whose default graph is the union of its named graphs."""
from __future__ import annotations

from pathlib import Path

from pyparsing import ParseException

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from perfkg.results import ResultTable, answer_from_rdflib
from perfkg.store.errors import QueryRefused, StoreError
from perfkg.store.sparql_text import analyse, check_iri

_FORMATS = {".nt": "nt", ".ttl": "turtle", ".turtle": "turtle"}


class RdflibStore:
    """Named graphs in an rdflib Dataset (no persistence, no time limit): the reference engine of the parity tests.

    Unlike Oxigraph and Virtuoso, the union default graph holds a triple once even when several graphs hold it.
    """

    name = "rdflib"

    def __init__(self):
        self.dataset = Dataset(default_union=True)

    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> ResultTable | bool | Graph:
        try:
            result = self.dataset.query(sparql, initBindings=dict(bindings or {}))
        except ParseException:
            if analyse(sparql).is_update:  # else analyse raised QuerySyntaxError, bilingual, as everywhere
                raise QueryRefused("查询接口不执行 SPARQL 更新", "query() does not run SPARQL updates") from None
            raise
        return answer_from_rdflib(result)

    def replace_graph(self, graph_iri: str, data: Graph | str | Path) -> int:
        name = URIRef(check_iri(str(graph_iri), "图 IRI", "graph IRI"))
        incoming = data if isinstance(data, Graph) else _read(Path(data))
        self.dataset.remove_graph(name)
        graph = self.dataset.graph(name)
        graph += incoming
        return len(graph)

    def drop_graph(self, graph_iri: str) -> bool:
        name = URIRef(graph_iri)
        held = len(self.dataset.graph(name)) > 0
        self.dataset.remove_graph(name)
        return held

    def graphs(self) -> dict[str, int]:
        return dict(sorted((str(g.identifier), len(g)) for g in self.dataset.graphs()
                           if g.identifier != DATASET_DEFAULT_GRAPH_ID))

    def triple_count(self, graph: str | None = None) -> int:
        if graph is None:
            return sum(self.graphs().values())
        return len(self.dataset.graph(URIRef(graph)))

    def close(self) -> None:
        """Nothing to release."""


def _read(path: Path) -> Graph:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None or not path.is_file():
        raise StoreError(f"{path}: 只支持已有的 N-Triples (.nt) 或 Turtle (.ttl) 文件",
                         f"{path}: only an existing N-Triples (.nt) or Turtle (.ttl) file can be loaded")
    graph = Graph()
    try:
        graph.parse(path, format=fmt)
    except Exception as e:  # noqa: BLE001 — rdflib's parsers raise many types
        raise StoreError(f"{path}: RDF 数据无法解析：{e}", f"{path}: the RDF data does not parse: {e}") from None
    return graph
