"""Finds lexicon phrases in a text: longest match first, no two matches overlapping, explicit phrases preferred."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import URIRef

from perfkg.link.lexicon import Phrase, normalise

Narrower = Callable[[URIRef, URIRef], bool]  # narrower(a, b): a is a narrower concept of b (transitively)


@dataclass(frozen=True)
class Match:
    phrase: Phrase
    start: int  # offset in the normalised text
    end: int


def _occurrences(norm: str, phrases: list[Phrase]) -> list[Match]:
    found = []
    for p in phrases:
        start = norm.find(p.key)
        while start >= 0:
            found.append(Match(p, start, start + len(p.key)))
            start = norm.find(p.key, start + 1)
    return found


def find_matches(text: str, phrases: list[Phrase], narrower: Narrower = lambda a, b: False) -> list[Match]:
    """The phrase occurrences that carry a signal, in text order. Three rules, all about phrases inside phrases:

    1. Longest first: a shorter phrase inside a longer match is not a separate signal (全民科学素质行动, the
       Outline, hides 全民科学素质, the duty; 服务提高全民科学素质, explicit, hides 全民科学素质).
    2. Except an enumeration of narrower concepts: inside 政治性、先进性、群众性 (增“三性”) each of 政治性,
       先进性 and 群众性 names a narrower concept and is kept.
    3. Echo: a bare phrase that is part of another concept's phrase matched elsewhere in the same text refers
       back to it (科普 after 科普信息化 is the same topic) and is dropped.
    """
    norm = normalise(text)
    candidates = sorted(_occurrences(norm, phrases),
                        key=lambda m: (-(m.end - m.start), -m.phrase.score, m.start, str(m.phrase.concept)))
    taken: list[Match] = []
    for m in candidates:
        inside = [t for t in taken if not (m.end <= t.start or m.start >= t.end)]
        if all(t.start <= m.start and m.end <= t.end and narrower(m.phrase.concept, t.phrase.concept)
               for t in inside):
            taken.append(m)
    kept = [m for m in taken
            if not any(t.phrase.concept != m.phrase.concept and m.phrase.key in t.phrase.key
                       and len(t.phrase.key) > len(m.phrase.key) and not narrower(m.phrase.concept, t.phrase.concept)
                       for t in taken)]
    return sorted(kept, key=lambda m: (m.start, str(m.phrase.concept)))
