"""The linkable elements of a document graph (goals, measures, projects, indicators): texts to search, lines."""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from perfkg.link.lexicon import normalise
from perfkg.vocab import PERFKG

# Element classes in document order, and the properties whose text is searched for each.
KINDS = (
    (PERFKG.OverallGoal, "overall-goal", (PERFKG.text,)),
    (PERFKG.SubGoal, "subgoal", (PERFKG.text,)),
    (PERFKG.GuaranteeMeasureSection, "measure", (RDFS.label, PERFKG.text)),
    (PERFKG.GuaranteeMeasureItem, "measure-item", (PERFKG.text,)),
    (PERFKG.BudgetProject, "project", (RDFS.label,)),
    (PERFKG.ProjectGoal, "project-goal", (PERFKG.text,)),
    (PERFKG.Indicator, "indicator", (PERFKG.indicatorName, PERFKG.description)),
)


@dataclass(frozen=True)
class Field:
    prop: URIRef
    text: str
    first: int | None  # the lines the text can lie on
    last: int | None


@dataclass
class Element:
    iri: URIRef
    kind: str
    fields: list[Field]
    children: list[URIRef] = field(default_factory=list)  # measure items of a section


def _int(graph: Graph, s, p) -> int | None:
    v = graph.value(s, p)
    return int(v) if isinstance(v, Literal) else None


def _span(kind: str, prop: URIRef, first: int | None, last: int | None) -> tuple[int | None, int | None]:
    """A section's heading is its first line, its intro the lines after; a project's name is on its title line."""
    if first is None:
        return None, None
    if kind == "measure":
        if prop == RDFS.label:
            return first, first
        return (first + 1 if last and last > first else first), last
    if kind == "project":
        return first, first
    return first, last if last is not None else first


# How a document reaches its elements (a graph may hold several documents).
PARTS = (PERFKG.hasOverallGoal, PERFKG.hasSubGoal, PERFKG.hasMeasureSection, PERFKG.hasMeasureItem,
         PERFKG.hasProject, PERFKG.hasProjectGoal, PERFKG.hasIndicator)


def parts_of(graph: Graph, doc: URIRef) -> set[URIRef]:
    """Every node reachable from the document through the part properties above."""
    seen: set[URIRef] = set()
    todo = [doc]
    while todo:
        node = todo.pop()
        for p in PARTS:
            for o in graph.objects(node, p):
                if isinstance(o, URIRef) and o not in seen:
                    seen.add(o)
                    todo.append(o)
    return seen


def document_elements(graph: Graph, doc: URIRef) -> list[Element]:
    """The document's elements of the kinds perfkg links, ordered by kind then IRI (the order links are written in)."""
    out = []
    mine = parts_of(graph, doc)
    for cls, kind, props in KINDS:
        for s in sorted(set(graph.subjects(RDF.type, cls)) & mine):
            first, last = _int(graph, s, PERFKG.firstLine), _int(graph, s, PERFKG.lastLine)
            fields = []
            for p in props:
                for o in sorted(graph.objects(s, p), key=str):
                    if isinstance(o, Literal) and str(o).strip() and o.language in (None, "zh"):
                        fields.append(Field(p, str(o), *_span(kind, p, first, last)))
            children = sorted(graph.objects(s, PERFKG.hasMeasureItem)) if kind == "measure" else []
            out.append(Element(s, kind, fields, children))
    return out


def locate(phrase_key: str, f: Field, lines: list[str] | None) -> tuple[int | None, int | None]:
    """The source line holding the phrase when the source lines are known; otherwise the field's line span."""
    if lines and f.first is not None and f.last is not None and f.first != f.last:
        for n in range(f.first, f.last + 1):
            if 0 < n <= len(lines) and phrase_key in normalise(lines[n - 1]):
                return n, n
    return f.first, f.last
