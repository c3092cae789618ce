"""Precision and recall of the linker against hand labels (tests/truth/*-mandates.tsv), hierarchy-aware.

The rule, stated once (tests and bench/README-link-reason.md use it):

* Unit: an (element, concept) pair, for the elements the truth file labels (sub-goals, measure sections and items,
  projects). A project's predicted concepts are those its name, its 绩效目标 items and its indicators serve.
  An element labelled "-" contributes no pair; a prediction on it is a false positive.
* Most-specific reduction, on both sides, before comparing: a concept is dropped from an element's set when a
  narrower concept of it (skos:broader+) is in the same set. The truth lists the most specific concepts (and an
  ancestor only when other words support it); an ancestor predicted beside its descendant is entailed by it and
  neither rewarded nor punished, while predicting only the ancestor of a labelled concept is a miss plus a false
  positive. Predicting an ancestor is never counted as correct on its own: that would inflate precision.
* Exact comparison after the reduction: precision = |P ∩ T| / |P|, recall = |P ∩ T| / |T|.

Two further figures are reported beside it for transparency, never used as the gate:

* strict: no reduction, exact pairs;
* aligned to the labeller's vocabulary: a predicted concept the truth file never uses anywhere is first replaced
  by its nearest broader concepts that the file does use. The data/ labels were written against the concept list
  of rules.md §3, before perfkg minted academic-exchange, think-tank, research-integrity, elderly-literacy and
  others; there a correct 学术交流 → academic-exchange reads as a miss of serve-st-workers plus a false positive.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from perfkg.link.lexicon import Lexicon
from perfkg.vocab import MANDATE, PERFKG


@dataclass
class Score:
    tp: int
    fp: int
    fn: int
    false_positives: list[tuple[str, str]] = field(default_factory=list)
    misses: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __add__(self, other: "Score") -> "Score":
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn,
                     self.false_positives + other.false_positives, self.misses + other.misses)


def truth_vocabulary(truth: dict[str, dict[str, set[str]]]) -> set[str]:
    return {c for doc in truth.values() for concepts in doc.values() for c in concepts}


def read_truth(path: str | Path) -> dict[str, dict[str, set[str]]]:
    """{document file name: {element key: {concept keys}}} ("-" rows give an empty set)."""
    rows = csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE)
    truth: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for r in rows:
        concepts = truth[r["document"]].setdefault(r["element"], set())
        if r["mandate"] != "-":
            concepts.add(r["mandate"])
    return dict(truth)


def element_iri(graph: Graph, doc: URIRef, key: str) -> URIRef | None:
    """The IRI of a truth element key: subgoal/N, measure/N, measure/N/item/M, project/N."""
    parts = key.split("/")
    if parts[0] == "project":
        for p in graph.objects(doc, PERFKG.hasProject):
            if str(graph.value(p, PERFKG.position)) == parts[1]:
                return p
        return None
    return URIRef(f"{doc}/{key}")


def predicted(graph: Graph, element: URIRef) -> set[str]:
    """Concept keys the element serves; for a project also those of its goals and indicators."""
    nodes = [element]
    if (element, PERFKG.projectCode, None) in graph or (element, PERFKG.hasProjectGoal, None) in graph:
        nodes += list(graph.objects(element, PERFKG.hasProjectGoal)) + list(graph.objects(element, PERFKG.hasIndicator))
    return {str(m)[len(str(MANDATE)):] for n in nodes for m in graph.objects(n, PERFKG.servesMandate)}


def most_specific(keys: set[str], lexicon: Lexicon) -> set[str]:
    ancestors = set()
    for k in keys:
        ancestors |= {str(a)[len(str(MANDATE)):] for a in lexicon.ancestors(MANDATE[k])}
    return keys - ancestors


def align(keys: set[str], vocabulary: set[str], lexicon: Lexicon) -> set[str]:
    """Replace each concept outside the labeller's vocabulary by its nearest broader concepts inside it."""
    out = set()
    for k in keys:
        level, seen = {MANDATE[k]}, set()
        while level and not {str(c)[len(str(MANDATE)):] for c in level} & vocabulary:
            seen |= level
            level = {b for c in level for b in lexicon.parents(c)} - seen
        hits = {str(c)[len(str(MANDATE)):] for c in level} & vocabulary
        out |= hits or {k}
    return out


def score_document(graph: Graph, doc: URIRef, truth: dict[str, set[str]], lexicon: Lexicon, *,
                   reduce: bool = True, vocabulary: set[str] | None = None) -> Score:
    """Score one document; vocabulary (the concepts the truth file uses) turns on the aligned figure."""
    total = Score(0, 0, 0)
    for key in sorted(truth):
        iri = element_iri(graph, doc, key)
        pred = predicted(graph, iri) if iri is not None else set()
        gold = truth[key]
        if vocabulary is not None:
            pred = align(pred, vocabulary, lexicon)
        if reduce:
            pred, gold = most_specific(pred, lexicon), most_specific(gold, lexicon)
        total += Score(len(pred & gold), len(pred - gold), len(gold - pred),
                       [(key, c) for c in sorted(pred - gold)], [(key, c) for c in sorted(gold - pred)])
    return total


def score_files(paths, truth_file: str | Path, lexicon: Lexicon, *, aligned: bool = False, reduce: bool = True) -> Score:
    """Ingest, link and score each document against its rows in truth_file (the tests and the benchmark use this)."""
    from perfkg.ingest import ingest_file
    from perfkg.link.linker import link_document

    truth = read_truth(truth_file)
    vocabulary = truth_vocabulary(truth) if aligned else None
    total = Score(0, 0, 0)
    for path in paths:
        r = ingest_file(Path(path), link=False)
        link_document(r.graph, r.graph_iri, lexicon=lexicon, lines=r.document.lines)
        total += score_document(r.graph, r.graph_iri, truth[Path(path).name], lexicon, reduce=reduce,
                                vocabulary=vocabulary)
    return total
