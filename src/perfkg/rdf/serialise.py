"""Deterministic serialisation: the same graph always gives byte-identical Turtle, N-Triples, JSON-LD and TriG."""
from __future__ import annotations

import json

from rdflib import Dataset, Graph, URIRef

from perfkg.rdf.writer import ntriples_lines, turtle
from perfkg.vocab import BASIS, CAT, ID, MANDATE, PERFKG

FORMATS = {"turtle": ".ttl", "nt": ".nt", "json-ld": ".jsonld", "trig": ".trig", "nquads": ".nq"}
ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "jsonld": "json-ld", "nq": "nquads"}

PREFIXES = {
    "perfkg": str(PERFKG._NS), "cat": str(CAT), "basis": str(BASIS), "mandate": str(MANDATE), "id": str(ID),
    "org": "http://www.w3.org/ns/org#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#", "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def canonical_format(fmt: str) -> str:
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return fmt


def new_graph() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def _bound(graph: Graph) -> Graph:
    g = new_graph()
    for triple in graph:
        g.add(triple)
    return g


def _sorted_json(value):
    """Order JSON-LD arrays (unordered sets of nodes/values) so output never depends on hash order."""
    if isinstance(value, dict):
        return {k: _sorted_json(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def _lines(text: str) -> list[str]:
    """str.splitlines() for "\n" only: literals may hold VT, FF or U+001C–U+001E, where splitlines() would cut."""
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def turtle_by_rdflib(graph: Graph) -> str:
    """rdflib's Turtle serializer with perfkg's prefixes: the reference the direct writer (rdf/writer.py) matches,
    and what is used for graphs that writer declines (blank nodes, lists, unbound predicate namespaces)."""
    return _bound(graph).serialize(format="turtle")


def _turtle(graph: Graph) -> str:
    text = turtle(graph, PREFIXES)
    return text if text is not None else turtle_by_rdflib(graph)


def serialise_graph(graph: Graph, fmt: str) -> str:
    fmt = canonical_format(fmt)
    if fmt == "nt":
        return "\n".join(sorted(set(ntriples_lines(graph)))) + "\n"
    if fmt == "json-ld":
        context = {p: ns for p, ns in PREFIXES.items()}
        data = json.loads(_bound(graph).serialize(format="json-ld", context=context, auto_compact=True))
        return json.dumps(_sorted_json(data), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if fmt in ("trig", "nquads"):
        ds = Dataset()
        ds.graph(URIRef(str(ID) + "default")).__iadd__(graph)
        return serialise_dataset(ds, fmt)
    return _turtle(graph)


def serialise_dataset(ds: Dataset, fmt: str) -> str:
    """Named graphs in IRI order; within each graph the same order as Turtle/N-Triples."""
    fmt = canonical_format(fmt)
    graphs = sorted((g for g in ds.graphs() if len(g)), key=lambda g: str(g.identifier))
    if fmt in ("turtle", "nt", "json-ld"):
        merged = Graph()
        for g in graphs:
            merged += g
        return serialise_graph(merged, fmt)
    if fmt == "nquads":
        lines = set()
        for g in graphs:
            for line in _lines(serialise_graph(g, "nt")):
                lines.add(f"{line[:-1].rstrip()} <{g.identifier}> .")
        return "\n".join(sorted(lines)) + "\n"
    out = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())]
    for g in graphs:
        body = [l for l in _lines(_turtle(g)) if not l.startswith("@prefix")]
        while body and not body[0].strip():
            body.pop(0)
        out += ["", f"<{g.identifier}> {{"] + [f"    {l}" if l else "" for l in body] + ["}"]
    return "\n".join(out).rstrip() + "\n"
