"""Loads perfkg's ontology files (ontology/*.ttl: core OWL, indicator categories, basis standards) as one graph."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph

from perfkg.resources import resource_dir


def ontology_files() -> list[Path]:
    """Every Turtle file of the ontology folder, sorted by name."""
    return sorted(resource_dir("ontology").glob("*.ttl"))


@cache
def _parsed() -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


def ontology_graph() -> Graph:
    """A fresh copy of the ontology graph (parsed once): callers may change it without touching the cache."""
    cached = _parsed()
    graph = Graph()
    for prefix, namespace in cached.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph += cached
    return graph
