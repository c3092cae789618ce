"""Where library queries run — rdflib in memory, the embedded Oxigraph store, or a remote SPARQL endpoint — through one store protocol.

Every backend holds the documents as named graphs plus the vocabulary graph (ontology + SKOS schemes), so the
same query text — e.g. a mandate query walking skos:broader — gives the same answer everywhere.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from perfkg.sources import DocumentItem, load_items  # noqa: F401 — load_items (the one loader) re-exported
from perfkg.ontology import ontology_graph
from perfkg.queries import QueryInfo
from perfkg.store.protocol import TripleStore
from perfkg.vocab import ID

VOCABULARY_GRAPH = ID["graph/vocabulary"]


def vocabulary_graph() -> Graph:
    """The ontology and every SKOS scheme (categories, basis standards, mandates) as one graph."""
    return ontology_graph()


class LibraryBackend:
    """Runs library queries (with their parameters bound as RDF terms) on any TripleStore."""

    def __init__(self, store: TripleStore):
        self.store = store
        self.name = store.name

    def run(self, query: QueryInfo, params: dict[str, str] | None = None):
        return self.store.query(query.text, query.bindings(params))

    def close(self) -> None:
        self.store.close()


class RdflibBackend(LibraryBackend):
    """rdflib in memory, holding the vocabulary graph and the items' graphs."""

    def __init__(self, items: list[DocumentItem] | None = None):
        from perfkg.store.memory import RdflibStore

        super().__init__(RdflibStore())
        replace_all(self.store, items or [])

    @property
    def dataset(self):
        return self.store.dataset


class EmbeddedBackend(LibraryBackend):
    """The on-disk Oxigraph store (perfkg load --store DIR)."""

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = True) -> "EmbeddedBackend":
        from perfkg.store.embedded import EmbeddedStore

        return cls(EmbeddedStore(path, read_only=read_only))


class RemoteBackend(LibraryBackend):
    """A SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, perfkg serve …) through SPARQLWrapper and the Graph Store
    Protocol."""


def replace_all(store: TripleStore, items: list[DocumentItem], *, with_vocabulary: bool = True
                ) -> list[tuple[DocumentItem, int]]:
    """Load each item's graph into a store, replacing what was there; returns counts."""
    loaded = []
    if with_vocabulary:
        store.replace_graph(str(VOCABULARY_GRAPH), vocabulary_graph())
    for item in items:
        if item.graph is None:
            continue
        loaded.append((item, store.replace_graph(str(item.graph_iri), item.graph)))
    return loaded
