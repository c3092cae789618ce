"""Links one document graph to its mandate schemes: org:purpose, servesMandate with evidence, a scheme copy."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF, SKOS

from perfkg.link.elements import Element, document_elements, locate
from perfkg.link.evidence import INHERITED_FACTOR, Evidence
from perfkg.link.lexicon import Lexicon, Scheme, load_lexicon
from perfkg.link.match import find_matches
from perfkg.vocab import PERFKG


@dataclass
class LinkReport:
    """What linking one document did, for the command line and tests."""

    document: URIRef
    organisation: str | None
    schemes: list[Scheme] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    elements: int = 0
    linked: set[URIRef] = field(default_factory=set)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def links(self) -> set[tuple[URIRef, URIRef]]:
        return {(e.element, e.concept) for e in self.evidence}

    def summary(self) -> str:
        if not self.schemes:
            return "; ".join(f"{zh} / {en}" for zh, en in self.warnings)
        names = ", ".join(f"{s.label_zh} / {s.label_en}" for s in self.schemes)
        return (f"{len(self.links)} 条职责关联 mandate links, {len(self.evidence)} 条证据 evidence, "
                f"{len(self.linked)}/{self.elements} 个元素已关联 elements linked ({names})")


def _organisation(graph: Graph, doc: URIRef) -> tuple[URIRef | None, str | None]:
    org = graph.value(doc, PERFKG.issuedBy)
    if org is None:
        return None, None
    names = sorted(str(o) for o in graph.objects(org, SKOS.prefLabel))
    return org, (names[0] if names else None)


def _clear(graph: Graph, elements: list[Element], org: URIRef | None, schemes: list[Scheme]) -> None:
    """Remove the document's earlier links and evidence and the copies of its schemes: linking twice changes nothing."""
    mine = {el.iri for el in elements}
    for e in list(graph.subjects(RDF.type, PERFKG.MandateEvidence)):
        if graph.value(e, PERFKG.linkedElement) in mine:
            graph.remove((e, None, None))
    for el in mine:
        graph.remove((el, PERFKG.servesMandate, None))
    for scheme in schemes:
        for c in scheme.concepts:
            graph.remove((c, None, None))
            if org is not None:
                graph.remove((org, ORG.purpose, c))
        graph.remove((scheme.iri, None, None))


def _evidence_for(el: Element, lexicon: Lexicon, phrases, lines) -> list[Evidence]:
    found = []
    for f in el.fields:
        for m in find_matches(f.text, phrases, lambda a, b: b in lexicon.ancestors(a), lexicon.more_specific_in_family):
            p = m.phrase
            first, last = locate(p.key, f, lines)
            found.append(Evidence(el.iri, p.concept, lexicon.concept(p.concept).key,
                                  "explicit" if p.explicit else "lexicon", p.text, f.prop, p.label_property,
                                  first, last, Decimal(str(p.score))))
    return found


def _inherit(section: list[Evidence], item: URIRef, own: list[Evidence], lexicon: Lexicon) -> list[Evidence]:
    """An item inherits each explicit statement of its section when it has no link of its own, or when one of its
    own links is that mandate or narrower (a heading that names two duties governs each item only through one)."""
    out = []
    own_concepts = {e.concept for e in own}
    for ev in section:
        if ev.method != "explicit":
            continue
        if own_concepts and not any(c == ev.concept or ev.concept in lexicon.ancestors(c) for c in own_concepts):
            continue
        out.append(Evidence(item, ev.concept, ev.concept_key, "inherited", ev.phrase, ev.matched_in,
                            ev.label_property, ev.first, ev.last, ev.score * INHERITED_FACTOR, ev))
    return out


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    """One evidence node per element, mandate, method, phrase, field and line (repeats on one line count once)."""
    by_iri = {}
    for e in evidence:
        by_iri.setdefault(e.iri, e)
    return sorted(by_iri.values(), key=lambda e: (str(e.element), str(e.concept), e.rank()))


def copy_schemes(graph: Graph, schemes: list[Scheme]) -> None:
    """The applicable schemes' concepts (type, labels, hierarchy): linked graphs answer queries on their own."""
    for scheme in schemes:
        graph.add((scheme.iri, RDF.type, SKOS.ConceptScheme))
        for text, lang in ((scheme.label_zh, "zh"), (scheme.label_en, "en")):
            if text:
                graph.add((scheme.iri, SKOS.prefLabel, Literal(text, lang=lang)))
        for c in scheme.concepts.values():
            graph.add((c.iri, RDF.type, SKOS.Concept))
            graph.add((c.iri, SKOS.inScheme, scheme.iri))
            for text, lang in ((c.label_zh, "zh"), (c.label_en, "en")):
                if text:
                    graph.add((c.iri, SKOS.prefLabel, Literal(text, lang=lang)))
            if c.notation:
                graph.add((c.iri, SKOS.notation, Literal(c.notation)))
            for b in c.broader:
                graph.add((c.iri, SKOS.broader, b))


def link_document(graph: Graph, graph_iri: URIRef, *, lexicon: Lexicon | None = None,
                  lines: list[str] | None = None, with_schemes: bool = True) -> LinkReport:
    """Add mandate links with evidence to one document's graph, in place and deterministically.

    graph_iri is the document IRI (it names the document's graph). lines, the source text lines, make the
    evidence line exact for elements that span several lines (a measure section's intro, a split paragraph).
    with_schemes=False leaves out the copy of the schemes: for graphs loaded into a store that holds the
    vocabulary graph once (a copy per document would repeat the hierarchy in every graph of a corpus).
    """
    lexicon = lexicon or load_lexicon()
    org, name = _organisation(graph, graph_iri)
    report = LinkReport(graph_iri, name)
    elements = document_elements(graph, graph_iri)
    report.elements = len(elements)
    report.schemes = lexicon.for_organisation(name)
    _clear(graph, elements, org, report.schemes)
    if name is None:
        report.warnings.append(("文档没有发布机构，未做职责关联", "the document names no organisation: no mandate links"))
        return report
    if not report.schemes:
        report.warnings.append((f"没有适用于“{name}”的职责概念体系，未做职责关联",
                                f"no mandate scheme applies to {name!r}: no mandate links"))
        return report
    for scheme in report.schemes:
        for duty in scheme.purposes:
            graph.add((org, ORG.purpose, duty))
    phrases = [p for s in report.schemes for p in s.phrases]
    own = {el.iri: _evidence_for(el, lexicon, phrases, lines) for el in elements}
    evidence = [e for found in own.values() for e in found]
    for el in elements:
        for item in el.children:
            evidence += _inherit(own[el.iri], item, own.get(item, []), lexicon)
    report.evidence = _dedupe(evidence)
    source = graph.value(graph_iri, PROV.wasDerivedFrom)
    for e in report.evidence:
        graph.add((e.element, PERFKG.servesMandate, e.concept))
        e.write(graph, source)
        report.linked.add(e.element)
    if with_schemes:
        copy_schemes(graph, report.schemes)
    return report
