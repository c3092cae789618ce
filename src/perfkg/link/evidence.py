"""Evidence for a mandate link as data: a MandateEvidence node (deterministic IRI, method, phrase, lines, score)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from perfkg.vocab import PERFKG

METHODS = {"explicit": PERFKG.ExplicitStatement, "lexicon": PERFKG.LexiconMatch,
           "inherited": PERFKG.InheritedFromParent, "inferred": PERFKG.ReasonerInference}
METHOD_NAMES = {v: k for k, v in METHODS.items()}
INHERITED_FACTOR = Decimal("0.8")


@dataclass(frozen=True)
class Evidence:
    element: URIRef
    concept: URIRef
    concept_key: str
    method: str  # explicit | lexicon | inherited
    phrase: str
    matched_in: URIRef
    label_property: URIRef
    first: int | None
    last: int | None
    score: Decimal
    inherited_from: "Evidence | None" = None

    @property
    def iri(self) -> URIRef:
        parts = [self.method, str(self.matched_in), self.phrase, str(self.first), str(self.last)]
        if self.inherited_from is not None:
            parts.append(str(self.inherited_from.iri))
        digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]
        return URIRef(f"{self.element}/evidence/{self.concept_key}-{digest}")

    def rank(self) -> tuple:
        """Sort key: strongest first (explicit outranks lexicon), then by line and phrase."""
        return (-self.score, self.first or 0, self.phrase, str(self.iri))

    def lines(self) -> str:
        if self.first is None:
            return ""
        return f"l.{self.first}" if self.last in (None, self.first) else f"l.{self.first}–{self.last}"

    def describe(self) -> str:
        """Readable form, e.g. lexicon「科普活动」l.127 (also the evidence node's rdfs:label)."""
        return f"{self.method}「{self.phrase}」{self.lines()}"

    def write(self, graph: Graph, source: URIRef | None) -> None:
        e = self.iri
        graph.add((e, RDF.type, PERFKG.MandateEvidence))
        graph.add((e, RDFS.label, Literal(self.describe())))
        graph.add((e, PERFKG.linkedElement, self.element))
        graph.add((e, PERFKG.linkedMandate, self.concept))
        graph.add((e, PERFKG.linkMethod, METHODS[self.method]))
        graph.add((e, PERFKG.matchedPhrase, Literal(self.phrase)))
        graph.add((e, PERFKG.matchedIn, self.matched_in))
        graph.add((e, PERFKG.matchedLabel, self.label_property))
        graph.add((e, PERFKG.score, Literal(self.score.quantize(Decimal("0.01")), datatype=XSD.decimal)))
        if self.first is not None:
            graph.add((e, PERFKG.firstLine, Literal(self.first)))
            graph.add((e, PERFKG.lastLine, Literal(self.last if self.last is not None else self.first)))
        if self.inherited_from is not None:
            graph.add((e, PERFKG.inheritedFrom, self.inherited_from.iri))
        if source is not None:
            graph.add((e, PROV.wasDerivedFrom, source))
