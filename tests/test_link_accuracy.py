"""Precision and recall of the mandate linker against the hand labels in tests/truth/.

How a prediction is matched to the labels (perfkg.link.evaluate implements it; bench/README-link-reason.md repeats it):

* Unit: an (element, concept) pair, for the elements a truth file labels: sub-goals, measure sections and items,
  projects. A project's predicted concepts are those its name, its 绩效目标 items and its indicators serve.
  An element labelled "-" contributes no pair, so any prediction on it is a false positive.
* Most-specific reduction on both sides: a concept is dropped from an element's set when a narrower concept of it
  (skos:broader+) is in the same set. The labels list the most specific concepts (an ancestor only when other words
  support it). An ancestor predicted beside its descendant is entailed by it: neither rewarded nor punished. An
  ancestor predicted instead of the labelled concept is a miss plus a false positive: predicting an ancestor never
  counts as correct by itself, because that would inflate precision (every project "serves" 四个服务).
* Exact comparison after the reduction. precision = |P ∩ T| / |P|, recall = |P ∩ T| / |T|.

The gate: both ≥ 0.9 on the seed. The data/ files are labelled by another hand against the concept list of
rules.md §3 (before perfkg minted academic-exchange, think-tank, research-integrity, ...), so their figures are
reported with a second, vocabulary-aligned reading and guarded only against regressions.
"""
from __future__ import annotations

import pytest

from perfkg.ingest import ingest_file
from perfkg.link import link_document, load_lexicon
from perfkg.link.evaluate import Score, read_truth, score_document, truth_vocabulary

from conftest import DATA, ROOT

SEED_TRUTH = ROOT / "tests" / "truth" / "seed-mandates.tsv"
DATA_TRUTH = ROOT / "tests" / "truth" / "data-mandates.tsv"
GATE = 0.9


def _score(paths, truth_file, **kw) -> Score:
    truth = read_truth(truth_file)
    lexicon = load_lexicon()
    if kw.pop("aligned", False):
        kw["vocabulary"] = truth_vocabulary(truth)
    total = Score(0, 0, 0)
    for path in paths:
        r = ingest_file(path, link=False)
        link_document(r.graph, r.graph_iri, lexicon=lexicon, lines=r.document.lines)
        total += score_document(r.graph, r.graph_iri, truth[path.name], lexicon, **kw)
    return total


def _explain(s: Score) -> str:
    return (f"P={s.precision:.3f} R={s.recall:.3f} (tp {s.tp}, fp {s.fp}, fn {s.fn})\n"
            f"false positives: {s.false_positives}\nmisses: {s.misses}")


def test_seed_precision_and_recall_at_least_0_9(seed_path):
    s = _score([seed_path], SEED_TRUTH)
    print(f"\nseed: {_explain(s)}")
    assert s.precision >= GATE, _explain(s)
    assert s.recall >= GATE, _explain(s)


def test_seed_product_owner_facts_are_hits(seed_path):
    """科普费 → popular-science, （二）→ serve-science-literacy, （三）→ serve-decision-making are never missed."""
    s = _score([seed_path], SEED_TRUTH, reduce=False)
    for key, concept in (("project/1", "popular-science"), ("measure/2", "serve-science-literacy"),
                         ("measure/3", "serve-decision-making")):
        assert (key, concept) not in s.misses
    assert not [fp for fp in s.false_positives if fp[0] == "project/2"]


@pytest.mark.parametrize(("reading", "floor"), [("primary", 0.65), ("aligned", 0.8)])
def test_data_figures_do_not_regress(reading, floor):
    paths = [DATA / "yunling-kexie-2023.txt", DATA / "yunling-kexie-2024.txt"]
    s = _score(paths, DATA_TRUTH, aligned=reading == "aligned")
    print(f"\ndata ({reading}): {_explain(s)}")
    assert s.precision >= floor and s.recall >= floor, _explain(s)


def test_evaluation_rule_on_a_toy_case():
    """The reduction and the exact comparison, on hand-made sets."""
    from perfkg.link.evaluate import most_specific

    lex = load_lexicon()
    assert most_specific({"popular-science", "serve-science-literacy", "science-day"}, lex) == {"science-day"}
    assert most_specific({"serve-science-literacy"}, lex) == {"serve-science-literacy"}
