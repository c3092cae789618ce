"""The standard sh:ValidationReport in Turtle, each result with its source lines (perfkg:firstLine/lastLine)."""
from __future__ import annotations

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, SH

from perfkg.validate.report import DocumentReport
from perfkg.validate.settings import PKS
from perfkg.vocab import PERFKG

_PREFIXES = (("sh", SH), ("perfkg", PERFKG), ("pks", PKS), ("dcterms", DCTERMS),
             ("cat", "https://w3id.org/perfkg/category/"), ("basis", "https://w3id.org/perfkg/basis/"),
             ("id", "https://w3id.org/perfkg/id/"))


def report_graph(reports: DocumentReport | list[DocumentReport]) -> Graph:
    """One graph holding every document's sh:ValidationReport (blank nodes kept apart per document)."""
    items = [reports] if isinstance(reports, DocumentReport) else list(reports)
    g = Graph()
    for prefix, ns in _PREFIXES:
        g.bind(prefix, ns)
    several = len(items) > 1
    for i, r in enumerate(items, 1):
        if not r.ok or not r.report_graph:
            continue
        part = Graph().parse(data=r.report_graph, format="nt")
        for s, p, o in part:
            if several:
                s = BNode(f"d{i}{s}") if isinstance(s, BNode) else s
                o = BNode(f"d{i}{o}") if isinstance(o, BNode) else o
            g.add((s, p, o))
    return g


def render_turtle(reports: DocumentReport | list[DocumentReport]) -> str:
    """Turtle text; the same findings always give the same text. Unreadable sources are listed as comments."""
    items = [reports] if isinstance(reports, DocumentReport) else list(reports)
    head = "".join(f"# {r.problem.path}{':' + str(r.problem.line) if r.problem.line else ''}: "
                   f"{r.problem.message['zh']} / {r.problem.message['en']}\n" for r in items if not r.ok)
    graph = report_graph(items)
    stable = Graph()  # blank-node labels from content, so the serialiser's order is stable
    for prefix, ns in _PREFIXES:
        stable.bind(prefix, ns)
    for triple in to_canonical_graph(graph):
        stable.add(triple)
    return head + stable.serialize(format="turtle")
