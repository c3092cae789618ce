"""Finds lexicon phrases in a text: longest match first, no two matches overlapping, the most specific concept preferred."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import URIRef

from perfkg.link.lexicon import Phrase, normalise

Narrower = Callable[[URIRef, URIRef], bool]  # narrower(a, b): a is a narrower concept of b (transitively)
# more_specific(a, b): a is a more specific concept of b's family (Lexicon.more_specific_in_family)
MoreSpecific = Callable[[URIRef, URIRef], bool]
# Clause ends: a generic phrase gives way to a more specific concept of its family in the same clause only.
_CLAUSE_ENDS = frozenset("，,；;。：:！!？?")


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


def find_matches(text: str, phrases: list[Phrase], narrower: Narrower = lambda a, b: False,
                 more_specific: MoreSpecific = lambda a, b: False) -> list[Match]:
    """The phrase occurrences that carry a signal, in text order. Five rules, three about phrases inside phrases:

    0. A context word (the people a concept serves: 老年, 职工; a channel: 新媒体) signals its concept only when the
       same clause also names the concept's family, i.e. a phrase of one of its broader concepts or of a concept it
       is more specific than (科普, 科学素质): 提升老年群体科学素养 is the older-people action, 老干部职工 is not.

    1. Longest first: a shorter phrase inside a longer match is not a separate signal (全民科学素质行动, the
       Outline, hides 全民科学素质, the duty; 服务提高全民科学素质, explicit, hides 全民科学素质).
    2. Except an enumeration of narrower concepts: inside 政治性、先进性、群众性 (增“三性”) each of 政治性,
       先进性 and 群众性 names a narrower concept and is kept.
    3. Echo: a bare phrase that is part of another concept's phrase matched elsewhere in the same text refers
       back to it (科普 after 科普信息化 is the same topic) and is dropped.
    4. Most specific in a clause: a lexicon (not explicit) match gives way to a more specific concept of its family
       matched in the same clause (为老年人开展科普讲座: the 老年人 action of the 纲要, not 科普 in general);
       in another clause it stays a signal of its own (以农民为重点，推动科普资源向农村倾斜 keeps 科普).
    """
    norm = normalise(text)
    clause = [0] * (len(norm) + 1)
    for i, ch in enumerate(norm):
        clause[i + 1] = clause[i] + (ch in _CLAUSE_ENDS)
    found = _occurrences(norm, phrases)
    family = [m for m in found if not m.phrase.context]
    found = family + [m for m in found if m.phrase.context and any(
        clause[f.start] == clause[m.start] and (narrower(m.phrase.concept, f.phrase.concept)
                                               or more_specific(m.phrase.concept, f.phrase.concept)) for f in family)]
    candidates = sorted(found, key=lambda m: (-(m.end - m.start), -m.phrase.score, m.start, str(m.phrase.concept)))
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
    kept = [m for m in kept
            if m.phrase.explicit or not any(clause[t.start] == clause[m.start]
                                            and more_specific(t.phrase.concept, m.phrase.concept) for t in kept)]
    return sorted(kept, key=lambda m: (m.start, str(m.phrase.concept)))
