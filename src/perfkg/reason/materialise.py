"""Writes inferred links and class memberships back into rdflib: a named graph <doc>/inferred, with evidence nodes."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from perfkg.vocab import MANDATE, PERFKG

PARTS = (PERFKG.hasProjectGoal, PERFKG.hasIndicator, PERFKG.hasMeasureItem)


@dataclass
class Inferred:
    """Entailments perfkg materialises: supportsMandate values and memberships of perfkg's defined classes."""

    supports: set[tuple[URIRef, URIRef]] = field(default_factory=set)
    types: set[tuple[URIRef, URIRef]] = field(default_factory=set)

    def triples(self) -> set[tuple]:
        return ({(s, PERFKG.supportsMandate, m) for s, m in self.supports}
                | {(s, RDF.type, c) for s, c in self.types})

    def __eq__(self, other) -> bool:
        return isinstance(other, Inferred) and self.triples() == other.triples()


def inferred_graph_iri(doc: URIRef) -> URIRef:
    return URIRef(f"{doc}/inferred")


def _key(concept: URIRef) -> str:
    text = str(concept)
    return text[len(str(MANDATE)):] if text.startswith(str(MANDATE)) else text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _support_index(graph: Graph):
    """For each element: its parts (transitively, itself included); for each concept: it and its ancestors."""
    def closure(start, step):
        seen, todo = {start}, [start]
        while todo:
            for nxt in step(todo.pop()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    parts = lambda x: [o for p in PARTS for o in graph.objects(x, p)]  # noqa: E731
    up = lambda c: list(graph.objects(c, SKOS.broader)) + list(graph.subjects(SKOS.narrower, c))  # noqa: E731
    best = {}  # (element, concept) -> the strongest asserted evidence node
    for ev in graph.subjects(RDF.type, PERFKG.MandateEvidence):
        if graph.value(ev, PERFKG.linkMethod) == PERFKG.ReasonerInference:
            continue
        key = (graph.value(ev, PERFKG.linkedElement), graph.value(ev, PERFKG.linkedMandate))
        rank = (-float(graph.value(ev, PERFKG.score) or 0), str(ev))
        if key not in best or rank < best[key][0]:
            best[key] = (rank, ev)
    return (lambda x: closure(x, parts)), (lambda c: closure(c, up)), {k: v[1] for k, v in best.items()}


def materialise(graph: Graph, inferred: Inferred, doc: URIRef) -> Graph:
    """The inferred triples, each supportsMandate link with a MandateEvidence node of method 'inferred' that
    prov:wasDerivedFrom the strongest asserted evidence of every servesMandate link it rests on."""
    out = Graph()
    parts_of, up_of, best = _support_index(graph)
    resting = defaultdict(set)
    for (element, concept), ev in best.items():
        for m in up_of(concept):
            resting[(element, m)].add(ev)
    for s, m in sorted(inferred.supports):
        out.add((s, PERFKG.supportsMandate, m))
        ev = URIRef(f"{s}/evidence/{_key(m)}-inferred")
        out.add((ev, RDF.type, PERFKG.MandateEvidence))
        out.add((ev, RDFS.label, Literal(f"inferred「{_key(m)}」")))
        out.add((ev, PERFKG.linkedElement, s))
        out.add((ev, PERFKG.linkedMandate, m))
        out.add((ev, PERFKG.linkMethod, PERFKG.ReasonerInference))
        for part in parts_of(s):
            for basis in resting.get((part, m), ()):
                out.add((ev, PROV.wasDerivedFrom, basis))
    for s, c in sorted(inferred.types):
        out.add((s, RDF.type, c))
    return out


def add_to_dataset(ds: Dataset, doc: URIRef, inferred_triples: Graph) -> URIRef:
    """Put the inferred triples in their own named graph beside the document's graph; returns its IRI."""
    name = inferred_graph_iri(doc)
    ds.remove((None, None, None, ds.graph(name)))
    ds.graph(name).__iadd__(inferred_triples)
    return name
