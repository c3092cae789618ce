"""Triple stores perfkg loads named graphs into and queries: embedded (Oxigraph) and remote (SPARQL endpoints)."""
