"""Maps 指标值确定依据 text to the standards of the basis scheme (计划标准, 行业标准, …) via its SKOS labels."""
from __future__ import annotations

from functools import cache

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from perfkg.ontology import ontology_graph
from perfkg.parse.normalise import squash
from perfkg.vocab import PERFKG


@cache
def _lexicon() -> tuple[tuple[str, URIRef], ...]:
    g = ontology_graph()
    entries = []
    for concept in g.subjects(RDF.type, PERFKG.BasisStandard):
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in g.objects(concept, prop):
                if getattr(label, "language", None) in (None, "zh"):
                    entries.append((squash(str(label)), concept))
    # longest phrase first, so "预算支出标准" wins over "标准"
    return tuple(sorted(entries, key=lambda e: (-len(e[0]), e[0], str(e[1]))))


def basis_standards(text: str | None) -> list[URIRef]:
    """Every standard whose label or trigger phrase occurs in the text (sorted, no duplicates)."""
    if not text:
        return []
    remaining = squash(text)
    found: set[URIRef] = set()
    for phrase, concept in _lexicon():
        if phrase and phrase in remaining:
            found.add(concept)
            remaining = remaining.replace(phrase, "\u0000")
    return sorted(found)
