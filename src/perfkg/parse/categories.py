"""Resolves 一级/二级指标 labels as written to category keys, using the SKOS lexicon in ontology/indicator-categories.ttl."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from perfkg.ontology import ontology_graph
from perfkg.parse.normalise import squash
from perfkg.vocab import CAT, PERFKG

# Annotations that are not part of a category name: points "(70分)", "（必填）", "(必填硬性指标)", template text
# "(≥**%)", an unclosed bracket cut off by a line break, star marks, and numbering such as "指标1:" or "一、".
_ANNOTATION = re.compile(r"[（(][^（()）]*[）)]")
_UNCLOSED = re.compile(r"[（(][^（()）]*$")
_MARKS = re.compile(r"[★☆*＊]+")
_PREFIX = re.compile(r"^(?:指标\d+|\d+|[一二三四五六七八九十]+)[:：.．、]")
_WHITESPACE = re.compile(r"\s+")
_LABEL_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
_SUFFIX = "指标"


@dataclass(frozen=True)
class _Category:
    key: str
    level: int
    parent: str | None
    frameworks: frozenset[str]
    pref_labels: dict[str, str]  # language -> skos:prefLabel


@dataclass(frozen=True)
class _Lexicon:
    categories: dict[str, _Category]
    by_level: dict[int, dict[str, tuple[str, ...]]]  # level -> normalised label -> category keys


def normalise_label(label: str) -> str:
    """The matching form of a category label: no spaces or line breaks, annotations and markers removed."""
    text = _WHITESPACE.sub("", squash(label))
    previous = None
    while previous != text:  # nested or repeated annotations
        previous = text
        text = _ANNOTATION.sub("", text)
    text = _UNCLOSED.sub("", text)
    text = _MARKS.sub("", text)
    text = _PREFIX.sub("", text)
    return text.strip(":：").casefold()


def _key(iri: URIRef) -> str:
    if not str(iri).startswith(str(CAT)):
        raise ValueError(f"indicator category outside {CAT}: {iri}")
    return str(iri)[len(str(CAT)):]


@cache
def _lexicon() -> _Lexicon:
    graph = ontology_graph()
    categories: dict[str, _Category] = {}
    index: dict[int, dict[str, list[str]]] = {}
    for concept in sorted(graph.subjects(RDF.type, PERFKG.IndicatorCategory)):
        key = _key(concept)
        level_value = graph.value(concept, PERFKG.level)
        if level_value is None:
            raise ValueError(f"indicator category {key!r} has no perfkg:level")
        level = int(level_value)
        parents = {_key(p) for p in graph.objects(concept, SKOS.broader)}
        parents |= {_key(p) for p in graph.subjects(SKOS.narrower, concept)}
        if len(parents) > 1:
            raise ValueError(f"indicator category {key!r} has several broader concepts: {sorted(parents)}")
        frameworks = frozenset(_key(s) for s in graph.objects(concept, SKOS.inScheme))
        pref = {
            lit.language: str(lit)
            for lit in graph.objects(concept, SKOS.prefLabel)
            if isinstance(lit, Literal) and lit.language
        }
        categories[key] = _Category(key, level, next(iter(parents), None), frameworks, pref)
        labels = index.setdefault(level, {})
        for prop in _LABEL_PROPERTIES:
            for lit in graph.objects(concept, prop):
                keys = labels.setdefault(normalise_label(str(lit)), [])
                if key not in keys:
                    keys.append(key)
    by_level = {level: {label: tuple(sorted(keys)) for label, keys in labels.items()} for level, labels in index.items()}
    return _Lexicon(categories, by_level)


def _candidates(label: str, level: int) -> tuple[str, ...]:
    text = normalise_label(label)
    if not text:
        return ()
    labels = _lexicon().by_level.get(level, {})
    found = labels.get(text, ())
    if not found and not text.endswith(_SUFFIX):  # "满意度" for 满意度指标, "社会效益" for 社会效益指标
        found = labels.get(text + _SUFFIX, ())
    return found


@lru_cache(maxsize=4096)
def resolve_level1(label: str) -> str | None:
    """The level-1 category key a 一级指标 label names ("成本指标" -> "cost"), or None if it names none."""
    found = _candidates(label, 1)
    return found[0] if found else None


@lru_cache(maxsize=4096)
def resolve_level2(label: str, parent: str | None = None) -> str | None:
    """The level-2 category key a 二级指标 label names, preferring a child of `parent` (a level-1 key).

    "成本指标" under "output" -> "output-cost"; a label under no or another parent resolves to any level-2
    concept with that label (validation, not resolution, reports a misplaced category); "预算执行" -> None.
    """
    found = _candidates(label, 2)
    if not found:
        return None
    categories = _lexicon().categories
    for key in found:
        if categories[key].parent == parent:
            return key
    return found[0]


def _category(key: str) -> _Category:
    try:
        return _lexicon().categories[key]
    except KeyError:
        raise KeyError(f"unknown indicator category {key!r}") from None


def category_keys(level: int | None = None) -> list[str]:
    """All category keys, or those of one level, sorted."""
    return sorted(k for k, c in _lexicon().categories.items() if level is None or c.level == level)


def category_label(key: str, lang: str = "zh") -> str:
    """The skos:prefLabel of a category in a language ("zh" or "en")."""
    labels = _category(key).pref_labels
    if lang not in labels:
        raise KeyError(f"indicator category {key!r} has no {lang!r} label")
    return labels[lang]


def category_level(key: str) -> int:
    """1 for a 一级指标 category, 2 for a 二级指标 category."""
    return _category(key).level


def category_parent(key: str) -> str | None:
    """The key of a level-2 category's broader level-1 category; None for a level-1 category."""
    return _category(key).parent


def frameworks_of(key: str) -> set[str]:
    """The frameworks (concept schemes) a category belongs to: "Framework2015", "Framework2021" or both."""
    return set(_category(key).frameworks)
