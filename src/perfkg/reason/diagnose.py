"""Explains an inconsistency HermiT reports: which individuals fall into disjoint classes, through which axioms."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS


@dataclass(frozen=True)
class Finding:
    individual: URIRef
    zh: str
    en: str


def _short(graph: Graph, node) -> str:
    try:
        return node.n3(graph.namespace_manager) if isinstance(node, URIRef) else str(node)
    except Exception:  # noqa: BLE001 - any prefix trouble: fall back to the full IRI
        return f"<{node}>"


def _members(graph: Graph, node) -> list:
    return list(Collection(graph, node)) if node is not None else []


def _disjoint_pairs(graph: Graph) -> dict[tuple, str]:
    """{(A, B): the axiom that makes them disjoint}, both orders, named classes only."""
    pairs = {}
    for a, b in graph.subject_objects(OWL.disjointWith):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            text = f"{_short(graph, a)} owl:disjointWith {_short(graph, b)}"
            pairs[(a, b)] = pairs[(b, a)] = text
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = [m for m in _members(graph, graph.value(axiom, OWL.members)) if isinstance(m, URIRef)]
        text = "AllDisjointClasses(" + " ".join(_short(graph, m) for m in members) + ")"
        for a in members:
            for b in members:
                if a != b:
                    pairs[(a, b)] = text
    return pairs


def _class_options(graph: Graph, node) -> list[URIRef]:
    """A named class, or the members of a union (a domain or range that is an owl:unionOf)."""
    if isinstance(node, URIRef):
        return [node]
    union = graph.value(node, OWL.unionOf) if isinstance(node, BNode) else None
    return [m for m in _members(graph, union) if isinstance(m, URIRef)]


def _super_properties(graph: Graph, p) -> set:
    seen, todo = {p}, [p]
    while todo:
        for q in graph.objects(todo.pop(), RDFS.subPropertyOf):
            if q not in seen:
                seen.add(q)
                todo.append(q)
    return seen


def _types(graph: Graph) -> tuple[dict, list]:
    """Named types per individual with the reason for each, and union constraints (individual, options, reason)."""
    types: dict = defaultdict(dict)
    unions = []
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(o, URIRef) and not str(o).startswith(str(OWL)):
            types[s].setdefault(o, ("直接断言", "asserted"))
    schema_props = {RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass}
    for s, p, o in graph:
        if p in schema_props or isinstance(o, Literal) or str(p).startswith((str(OWL), str(RDF), str(RDFS))):
            continue
        for q in _super_properties(graph, p):
            for end, node, axiom in ((s, graph.value(q, RDFS.domain), ("定义域", "domain")),
                                     (o, graph.value(q, RDFS.range), ("值域", "range"))):
                if node is None:
                    continue
                triple = f"{_short(graph, s)} {_short(graph, p)} {_short(graph, o)}"
                reason = (f"{_short(graph, q)} 的{axiom[0]}，因 {triple}", f"{axiom[1]} of {_short(graph, q)}, from {triple}")
                options = _class_options(graph, node)
                if len(options) == 1:
                    types[end].setdefault(options[0], reason)
                elif options:
                    unions.append((end, options, reason))
    for ind in list(types):  # subclass closure
        todo = list(types[ind])
        while todo:
            c = todo.pop()
            for sup in graph.objects(c, RDFS.subClassOf):
                if isinstance(sup, URIRef) and sup not in types[ind]:
                    zh, en = types[ind][c]
                    step = f"{_short(graph, c)} ⊑ {_short(graph, sup)}"
                    types[ind][sup] = (f"{step}；{zh}", f"{step}; {en}")
                    todo.append(sup)
    return types, unions


def diagnose(graph: Graph) -> list[Finding]:
    """Individuals typed (directly, by subclass, domain or range) with two disjoint classes, or with a class disjoint
    from every option of a union domain/range; sorted, one finding per individual and axiom."""
    from perfkg.rdf.serialise import PREFIXES

    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    pairs = _disjoint_pairs(graph)
    types, unions = _types(graph)
    findings = {}
    for ind, known in types.items():
        if not isinstance(ind, URIRef):
            continue
        classes = sorted(known)
        for i, a in enumerate(classes):
            for b in classes[i + 1:]:
                axiom = pairs.get((a, b))
                if axiom:
                    name = _short(graph, ind)
                    findings[(ind, axiom)] = Finding(
                        ind,
                        f"{name} 同时属于不相交的类 {_short(graph, a)}（{known[a][0]}）和 {_short(graph, b)}"
                        f"（{known[b][0]}）；公理：{axiom}",
                        f"{name} is both {_short(graph, a)} ({known[a][1]}) and {_short(graph, b)} ({known[b][1]}), "
                        f"which are disjoint: {axiom}")
    for ind, options, reason in unions:
        if not isinstance(ind, URIRef):
            continue
        for c, why in sorted(types.get(ind, {}).items()):
            axioms = [pairs.get((c, opt)) for opt in options]
            if all(axioms):
                name = _short(graph, ind)
                union = " ⊔ ".join(_short(graph, o) for o in options)
                findings[(ind, f"union:{reason[1]}")] = Finding(
                    ind,
                    f"{name} 属于 {_short(graph, c)}（{why[0]}），但{reason[0]}要求它属于 {union} 之一，"
                    f"而这些类都与之不相交；公理：{axioms[0]}",
                    f"{name} is {_short(graph, c)} ({why[1]}) but the {reason[1]} requires one of {union}, "
                    f"all disjoint from it: {axioms[0]}")
                break
    return [findings[k] for k in sorted(findings, key=lambda k: (str(k[0]), k[1]))]
