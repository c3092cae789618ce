"""The one interface every triple store implements (rdflib in memory, embedded Oxigraph, remote SPARQL server)."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from rdflib import Graph
from rdflib.term import Node

from perfkg.results import ResultTable


@runtime_checkable
class TripleStore(Protocol):
    """A dataset of named graphs (one per document, plus the vocabulary graph) that answers SPARQL.

    Like rdflib's store plugins, small on purpose: what the CLI, the query library and the loaders need. The
    default graph of a query is the union of the named graphs. Engine-specific options (time limits, row caps,
    truncation handling) are keyword arguments of each implementation's query().
    """

    name: str

    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> ResultTable | bool | Graph:
        """SELECT -> ResultTable, ASK -> bool, CONSTRUCT/DESCRIBE -> rdflib Graph; bindings are RDF terms."""

    def replace_graph(self, graph_iri: str, data: Graph | str | Path) -> int:
        """Replace a named graph with `data` (rdflib Graph or an RDF file); returns its triple count."""

    def drop_graph(self, graph_iri: str) -> bool:
        """Remove a named graph; returns whether it held triples."""

    def graphs(self) -> dict[str, int]:
        """Every named graph with its triple count, sorted by IRI."""

    def triple_count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or in every named graph together."""

    def close(self) -> None:
        """Release what the store holds (files, locks, worker processes)."""
