"""Triple stores perfkg loads named graphs into and queries, behind one protocol: rdflib in memory, embedded Oxigraph, remote SPARQL endpoints."""
from perfkg.store.protocol import TripleStore

__all__ = ["TripleStore"]
