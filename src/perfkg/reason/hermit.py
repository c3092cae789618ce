"""Runs HermiT through owlready2 on the ontology plus one lean document ABox; reads back inferred links and classes."""
from __future__ import annotations

import io
import shutil
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from perfkg.errors import PerfkgError
from perfkg.reason.abox import lean_abox, tbox
from perfkg.reason.diagnose import diagnose
from perfkg.reason.materialise import Inferred
from perfkg.vocab import PERFKG


class InconsistentGraphError(PerfkgError):
    """HermiT found the ontology plus the graph inconsistent; carries the diagnosis."""

    def __init__(self, findings: list):
        self.findings = findings
        zh = "\n".join(f"  - {f.zh}" for f in findings) or "  - 未能定位具体个体（请检查类型、定义域/值域与不相交公理）"
        en = ("\n".join(f"  - {f.en}" for f in findings)
              or "  - could not localise the clash (check types, domains/ranges, disjointness)")
        super().__init__(f"HermiT 判定图谱与本体不一致：\n{zh}",
                         f"HermiT found the graph inconsistent with the ontology:\n{en}")


def java_available() -> bool:
    return shutil.which("java") is not None


def _require_java() -> None:
    if not java_available():
        raise PerfkgError("找不到 Java：HermiT 推理机需要 Java 运行时（例如 apt-get install default-jre-headless），"
                          "或改用 --engine construct",
                          "Java not found: the HermiT reasoner needs a Java runtime (e.g. apt-get install "
                          "default-jre-headless), or use --engine construct")


def defined_classes(graph: Graph) -> list[URIRef]:
    """perfkg classes with an owl:equivalentClass definition (PopularScienceProject, ...)."""
    return sorted(c for c in graph.subjects(OWL.equivalentClass, None)
                  if isinstance(c, URIRef) and str(c).startswith(str(PERFKG)))


def _run(graph: Graph):
    """Load a graph into a fresh owlready2 World and run HermiT; returns the world (caller closes it)."""
    import owlready2

    world = owlready2.World()
    data = graph.serialize(format="nt", encoding="utf-8")
    world.get_ontology("https://w3id.org/perfkg/reasoning/").load(fileobj=io.BytesIO(data), format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        world.close()
        raise
    return world


def check_ontology(extra: Graph | None = None) -> None:
    """HermiT on the ontology and mandate schemes alone (plus extra axioms); raises when inconsistent."""
    _require_java()
    import owlready2

    g = tbox()
    if extra is not None:
        g += extra
    try:
        _run(g).close()
    except owlready2.OwlReadyInconsistentOntologyError:
        raise InconsistentGraphError(diagnose(g)) from None


def infer_with_hermit(graph: Graph) -> Inferred:
    """supportsMandate values and defined-class memberships HermiT entails for one linked document graph."""
    _require_java()
    import owlready2

    onto = tbox()
    reasoner_input = onto + lean_abox(graph)
    try:
        world = _run(reasoner_input)
    except owlready2.OwlReadyInconsistentOntologyError:
        raise InconsistentGraphError(diagnose(reasoner_input)) from None
    try:
        # HermiT lists each property's instances without those of its sub-properties (servesMandate pairs are
        # supportsMandate pairs too): the extension is the union over the classified property hierarchy.
        supports = set()
        prop = world[str(PERFKG.supportsMandate)]
        for sub in (prop.descendants() if prop is not None else ()):
            for s, o in sub.get_relations():
                supports.add((URIRef(s.iri), URIRef(o.iri)))
        types = set()
        for cls in defined_classes(onto):
            c = world[str(cls)]
            for individual in (c.instances() if c is not None else []):
                types.add((URIRef(individual.iri), cls))
    finally:
        world.close()
    asserted = {(s, o) for s, o in graph.subject_objects(PERFKG.supportsMandate)}
    return Inferred(supports - asserted, {t for t in types if (t[0], RDF.type, t[1]) not in graph})
