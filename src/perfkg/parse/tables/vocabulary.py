"""Column, field and title synonyms of performance-target tables, read from ontology/table-vocabulary.ttl, and the
matching form of a label (traditional characters converted with OpenCC, inline pinyin and spaces removed)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from perfkg.resources import resource
from perfkg.vocab import PERFKG

SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")

# Pinyin a mirror site adds after each character: 當(dāng)前 -> 當前. Lower-case Latin letters with tone marks only,
# right after a Han character, so that "(A)" and "(B/A)" of a header stay.
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7})\)")
_SPACES = re.compile(r"\s+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "：": ":", "＊": "*", "★": "*"})
_POINTS = re.compile(r"\(\s*(\d+(?:\.\d+)?)\s*(?:[-－~—至]\s*(\d+(?:\.\d+)?))?\s*\)\s*分|\(\s*(\d+(?:\.\d+)?)\s*分\s*\)")


@cache
def _converter():
    import opencc  # a maintained converter (BYVoid/OpenCC); t2s = traditional to simplified

    return opencc.OpenCC("t2s")


def without_pinyin(text: str) -> str:
    return _PINYIN.sub("", text)


def simplified(text: str) -> str:
    """The text in simplified characters with a mirror's inline pinyin removed (the printed text is kept apart)."""
    return _converter().convert(without_pinyin(text)) if text else text


def is_traditional(text: str) -> bool:
    plain = without_pinyin(text)
    return _converter().convert(plain) != plain


def label_key(text: str) -> str:
    """The matching form of a label: simplified, no spaces, ASCII brackets, no star marks."""
    return _SPACES.sub("", simplified(text)).translate(_BRACKETS).replace("*", "")


def points_of(label: str) -> tuple[str, tuple[str, str] | None]:
    """`成本指标(0-20)分` -> ("成本指标", ("0", "20")); `年度绩效目标1(80分)` -> ("年度绩效目标1", ("80", "80"))."""
    key = label_key(label)
    m = _POINTS.search(key)
    if not m:
        return key, None
    low, high = (m.group(1), m.group(2) or m.group(1)) if m.group(1) else (m.group(3), m.group(3))
    return (key[: m.start()] + key[m.end():]), (low, high)


@dataclass(frozen=True)
class Vocabulary:
    by_role: dict[str, dict[str, str]]  # role -> label key -> field key

    def field(self, role: str, label: str) -> str | None:
        """The field a label names in a role; score annotations and a trailing colon are ignored."""
        key, _ = points_of(label)
        key = key.rstrip(":")
        labels = self.by_role.get(role, {})
        return labels.get(key) or labels.get(label_key(label).rstrip(":"))

    def labels(self, role: str) -> dict[str, str]:
        return self.by_role.get(role, {})


@cache
def vocabulary() -> Vocabulary:
    graph = Graph().parse(resource("ontology", "table-vocabulary.ttl"), format="turtle")
    by_role: dict[str, dict[str, str]] = {}
    for field in sorted(graph.subjects(RDF.type, PERFKG.TableField)):
        role, key = str(graph.value(field, PERFKG.fieldRole)), str(graph.value(field, PERFKG.fieldKey))
        for label in graph.objects(field, SKOSXL.altLabel):
            form = graph.value(label, SKOSXL.literalForm)
            by_role.setdefault(role, {})[label_key(str(form))] = key
    return Vocabulary(by_role)
