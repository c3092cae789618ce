"""What the reasoner sees: the ontology's axioms without annotations, and a lean ABox (elements, structure, links)."""
from __future__ import annotations

from functools import cache

from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from perfkg.ontology import ontology_graph
from perfkg.vocab import PERFKG

# Element classes whose nodes go to the reasoner, and the only predicates kept on them.
ELEMENT_CLASSES = (PERFKG.BudgetDocument, PERFKG.OverallGoal, PERFKG.SubGoal, PERFKG.GuaranteeMeasureSection,
                   PERFKG.GuaranteeMeasureItem, PERFKG.BudgetProject, PERFKG.ProjectGoal, PERFKG.Indicator)
ELEMENT_PREDICATES = (RDF.type, PERFKG.hasProjectGoal, PERFKG.hasIndicator, PERFKG.hasMeasureItem,
                      PERFKG.servesMandate)
CONCEPT_PREDICATES = (RDF.type, SKOS.broader, SKOS.narrower, SKOS.inScheme)
_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.versionIRI}
# Literal-valued triples that are part of an axiom (everything else with a literal object is an annotation or data).
_AXIOM_LITERALS = {OWL.hasValue, RDF.first, OWL.cardinality, OWL.minCardinality, OWL.maxCardinality,
                   OWL.qualifiedCardinality, OWL.minQualifiedCardinality, OWL.maxQualifiedCardinality}


@cache
def _tbox() -> Graph:
    full = ontology_graph()
    annotation = set(full.subjects(RDF.type, OWL.AnnotationProperty)) | _ANNOTATIONS
    lean = Graph()
    for s, p, o in full:
        if p in annotation or (isinstance(o, Literal) and p not in _AXIOM_LITERALS):
            continue
        lean.add((s, p, o))
    return lean


def tbox() -> Graph:
    """perfkg.ttl, the category and basis schemes and mandates*.ttl: axioms and hierarchy, no labels or notes."""
    g = Graph()
    g += _tbox()
    return g


def lean_abox(graph: Graph) -> Graph:
    """Element types, parts (goals, indicators, measure items), servesMandate links and the concept hierarchy.

    Axioms the data states itself (RDFS/OWL triples) come along. Targets, amounts, provenance, text and evidence
    nodes stay out: the reasoner needs none of them and HermiT's
    cost grows far faster than the data.
    """
    out = Graph()
    elements = {s for c in ELEMENT_CLASSES for s in graph.subjects(RDF.type, c)}
    for s in elements:
        for p in ELEMENT_PREDICATES:
            for o in graph.objects(s, p):
                out.add((s, p, o))
    for c in set(graph.subjects(RDF.type, SKOS.Concept)):
        for p in CONCEPT_PREDICATES:
            for o in graph.objects(c, p):
                out.add((c, p, o))
    for p in (PERFKG.servesMandate, PERFKG.supportsMandate):  # every link, whatever its subject
        out += graph.triples((None, p, None))
    for s, p, o in graph:  # axioms a data file states itself are reasoned over too
        if str(p).startswith((str(RDFS), str(OWL))) or p in (RDF.first, RDF.rest) or (
                p == RDF.type and str(o).startswith((str(RDFS), str(OWL), str(RDF)))):
            out.add((s, p, o))
    return out
