"""Precision and recall of the mandate linker against hand labels: in-sample, development and held-out documents.

How a prediction is matched to the labels (perfkg.link.evaluate implements it; bench/README-link-reason.md repeats it):

* Unit: an (element, concept) pair, for the elements a truth file labels: sub-goals, measure sections and items,
  projects. A project's predicted concepts are those its name, its 绩效目标 items and its indicators serve.
  An element labelled "-" contributes no pair, so any prediction on it is a false positive.
* Most-specific reduction on both sides: a concept is dropped from an element's set when a narrower concept of it
  (skos:broader+) is in the same set. An ancestor predicted instead of the labelled concept is a miss plus a false
  positive: predicting an ancestor never counts as correct by itself.
* Exact comparison after the reduction. precision = |P ∩ T| / |P|, recall = |P ∩ T| / |T|.

The sets, reported apart (bench/link_accuracy.py writes the figures to bench/results/link-accuracy.txt):

* the seed (tests/truth/seed-mandates.tsv): in-sample — its misses were read while the lexicon was tuned;
* data/ 科协 files (tests/truth/data-mandates.tsv): development — misses also read while tuning; their labeller
  used the shorter concept list of rules.md §3, hence the vocabulary-aligned second reading;
* tests/linking batches 1-3: each written and labelled (and committed) before the lexicon change it measured, then
  read while tuning (tests/linking/README.md gives the order): development now;
* tests/linking batch 4: an independent labeller's, measured once clean at 1fb7457 (P 0.826 / R 0.664), then read
  while tuning the context words and the Party-rule and 纲要-action quotes: development now;
* tests/linking batch 5: written and labelled by an independent labeller who never saw the lexicon, committed before
  the linker was run on it (0e94de4), and measured once after the last lexicon and linker change (11e7795): the clean
  out-of-sample figure.

The target is 0.85 precision and recall out of sample. It is NOT met, by far: batch 5 gives P 0.625 / R 0.625 (60 of
96 labels found, 36 false positives), while the read sets (batches 1-4) reach 0.893 / 0.882. The test on batch 5 below
holds the measured figures as regression floors, not the target; the shortfall is stated here, in
bench/README-link-reason.md and in the results file. The other floors hold each set at its measured level.
"""
from __future__ import annotations

import re

import pytest

from perfkg.ingest import ingest_file
from perfkg.link import load_lexicon
from perfkg.link.evaluate import Score, element_iri, most_specific, read_truth, score_files
from perfkg.link.lexicon import normalise
from perfkg.vocab import PERFKG

from conftest import DATA, ROOT

SEED_TRUTH = ROOT / "tests" / "truth" / "seed-mandates.tsv"
DATA_TRUTH = ROOT / "tests" / "truth" / "data-mandates.tsv"
LINKING = ROOT / "tests" / "linking"
BATCHES = {1: (LINKING / "docs", LINKING / "mandates.tsv"), 2: (LINKING / "docs2", LINKING / "mandates2.tsv"),
           3: (LINKING / "docs3", LINKING / "mandates3.tsv"), 4: (LINKING / "docs4", LINKING / "mandates4.tsv"),
           5: (LINKING / "docs5", LINKING / "mandates5.tsv")}
CLEAN = 5  # the independent labeller's new batch, measured once
TARGET = 0.85  # not met on the clean batch (see the module docstring)


def _docs(batch: int) -> list:
    return sorted(BATCHES[batch][0].glob("*.txt"))


def _explain(s: Score) -> str:
    return (f"P={s.precision:.3f} R={s.recall:.3f} (tp {s.tp}, fp {s.fp}, fn {s.fn})\n"
            f"false positives: {s.false_positives}\nmisses: {s.misses}")


def test_clean_out_of_sample_figure_holds():
    """Batch 5, the gate: measured once at P 0.625 / R 0.625, far below the 0.85 target (a floor, not the target)."""
    s = score_files(_docs(CLEAN), BATCHES[CLEAN][1], load_lexicon())
    print(f"\nclean batch {CLEAN}: {_explain(s)}\ntarget {TARGET}: "
          f"{'met' if min(s.precision, s.recall) >= TARGET else 'NOT met'}")
    assert s.tp + s.fn == 96, "the clean labels changed"
    assert s.precision >= 0.62 and s.recall >= 0.62, _explain(s)


@pytest.mark.parametrize(("batch", "precision", "recall", "labels"), [(1, 0.89, 0.91, 100), (2, 0.91, 0.90, 60),
                                                                     (3, 0.91, 0.95, 46), (4, 0.87, 0.81, 107)])
def test_read_held_out_figures_hold(batch, precision, recall, labels):
    """Batches 1-4 were read while tuning: development figures, held so that they cannot fall unnoticed. Batch 1's
    precision floor moved from 0.90 to 0.89 (fp 10 → 11): 科普e站 (a 科普中国 station, digital-popsci by its source) in
    a goal its labeller filed under grassroots-popsci, and 进入中小学开展科普讲座 (youth-literacy beside 科普) in a
    project labelled resources-popsci."""
    s = score_files(_docs(batch), BATCHES[batch][1], load_lexicon())
    print(f"\nheld-out batch {batch} (read): {_explain(s)}")
    assert s.tp + s.fn == labels, "the held-out labels changed"
    assert s.precision >= precision and s.recall >= recall, _explain(s)


def test_seed_in_sample_figures_do_not_regress(seed_path):
    s = score_files([seed_path], SEED_TRUTH, load_lexicon())
    print(f"\nseed: {_explain(s)}")
    assert s.precision >= 0.88 and s.recall >= 0.85, _explain(s)


def test_seed_product_owner_facts_are_hits(seed_path):
    """科普费 → popular-science, （二）→ serve-science-literacy, （三）→ serve-decision-making are never missed."""
    s = score_files([seed_path], SEED_TRUTH, load_lexicon(), reduce=False)
    for key, concept in (("project/1", "popular-science"), ("measure/2", "serve-science-literacy"),
                         ("measure/3", "serve-decision-making")):
        assert (key, concept) not in s.misses
    assert not [fp for fp in s.false_positives if fp[0] == "project/2"]


@pytest.mark.parametrize(("reading", "precision", "recall"), [("primary", 0.72, 0.75), ("aligned", 0.86, 0.86)])
def test_data_development_figures_do_not_regress(reading, precision, recall):
    """Primary precision fell from 0.753 to 0.722 (fp 23 → 27), mainly through quoted phrases the data/ labeller read
    otherwise: 科普示范 in three 科普惠农兴村计划 sentences labelled rural-popsci only, 成果转化 in an element labelled
    serve-decision-making and 创新创业 in one about overseas talent labelled open-type."""
    paths = [DATA / "yunling-kexie-2023.txt", DATA / "yunling-kexie-2024.txt"]
    s = score_files(paths, DATA_TRUTH, load_lexicon(), aligned=reading == "aligned")
    print(f"\ndata ({reading}): {_explain(s)}")
    assert s.precision >= precision and s.recall >= recall, _explain(s)


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_held_out_labels_cover_every_element(batch):
    """Every sub-goal, measure section and item and project of each held-out document has a label row."""
    truth = read_truth(BATCHES[batch][1])
    assert {p.name for p in _docs(batch)} == set(truth)
    for path in _docs(batch):
        r = ingest_file(path, link=False)
        g, doc = r.graph, r.graph_iri
        keys = {str(o)[len(str(doc)) + 1:] for p in (PERFKG.hasSubGoal, PERFKG.hasMeasureSection)
                for o in g.objects(doc, p)}
        keys |= {str(i)[len(str(doc)) + 1:] for s in g.objects(doc, PERFKG.hasMeasureSection)
                 for i in g.objects(s, PERFKG.hasMeasureItem)}
        keys |= {f"project/{g.value(p, PERFKG.position)}" for p in g.objects(doc, PERFKG.hasProject)}
        assert keys == set(truth[path.name]), path.name
        assert all(element_iri(g, doc, k) is not None for k in keys)


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_held_out_notes_quote_their_document(batch):
    """Each label note cites l.N「phrase」 and the phrase is on line N of the document."""
    problems = []
    folder, truth = BATCHES[batch]
    for row in truth.read_text(encoding="utf-8").splitlines()[1:]:
        name, key, concept, note = row.split("\t")
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        quotes = re.findall(r"l\.(\d+)「([^」]+)」", note)
        if not quotes:
            problems.append(f"{name} {key} {concept}: no quote")
        problems += [f"{name} {key}: 「{q}」 not on line {n}" for n, q in quotes
                     if normalise(q) not in normalise(lines[int(n) - 1])]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_held_out_labels_use_known_concepts(batch):
    lex = load_lexicon()
    known = {c.key for s in lex.schemes for c in s.concepts.values()}
    for doc, elements in read_truth(BATCHES[batch][1]).items():
        for key, concepts in elements.items():
            assert concepts <= known, (doc, key, concepts - known)


def test_evaluation_rule_on_a_toy_case():
    """The reduction and the exact comparison, on hand-made sets."""
    lex = load_lexicon()
    assert most_specific({"popular-science", "serve-science-literacy", "science-day"}, lex) == {"science-day"}
    assert most_specific({"serve-science-literacy"}, lex) == {"serve-science-literacy"}
