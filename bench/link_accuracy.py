"""Benchmark: mandate-linking precision and recall on in-sample, development and held-out documents.

Usage: python bench/link_accuracy.py [--seed PATH] [-o bench/results/link-accuracy.txt]

The sets (tests/test_link_accuracy.py explains the matching rule; tests/linking/README.md the order of work):
  seed            ../shared/seeds/000_38770c5ad42c6795.txt, tests/truth/seed-mandates.tsv   in-sample
  data/           data/yunling-kexie-2023.txt, -2024.txt, tests/truth/data-mandates.tsv     development
  tests/linking   docs/, docs2/, docs3/ (batches 1-3): held out when written, then read      held out, read
  tests/linking   docs4/ (batch 4): independent labeller, measured once at 1fb7457, then read  held out, read
  tests/linking   docs5/ (batch 5): independent labeller, measured once after this round     held out, clean
The obvious alternatives are measured in the same run: the same lexicon with context words read as plain triggers
(perfkg.link.match rule 0 off), with the linker's clause rule switched off (a generic phrase beside a more specific
concept of its family, rule 4), the source-built lexicon before this round (git PREVIOUS), the one before that
(git EARLIER) and the lexicon written while reading the seed (git BASELINE).
"""
from __future__ import annotations

import argparse
from dataclasses import replace
import subprocess
import sys
import tempfile
from pathlib import Path

from perfkg.link import load_lexicon, scheme_files
from perfkg.link.evaluate import Score, score_files
from perfkg.link.lexicon import build_lexicon

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "6f8230d"  # ontology/mandates.ttl written while reading the seed (95 of its 271 phrases occur only there)
PREVIOUS = "07f1bcb"  # the lexicon measured on batch 4 (before the Party-rule, 纲要-action quotes and context words)
EARLIER = "3ec4f54"  # the source-built lexicon before the 纲要-implementation, 章程 2016 and programme quotes
READ, CLEAN = "held-out, read", "held-out, clean"
TARGET = 0.85  # precision and recall asked for on the clean held-out set


def verdict(s: Score) -> str:
    met = "met" if min(s.precision, s.recall) >= TARGET else "NOT met"
    return f"target (P and R >= {TARGET} on the clean held-out batch): {met} — P={s.precision:.3f} R={s.recall:.3f}"


def sets(seed: Path) -> list[tuple[str, str, list[Path], Path, bool]]:
    data = [ROOT / "data" / "yunling-kexie-2023.txt", ROOT / "data" / "yunling-kexie-2024.txt"]
    linking = ROOT / "tests" / "linking"
    out = []
    if seed.is_file():
        out.append(("seed", "in-sample", [seed], ROOT / "tests" / "truth" / "seed-mandates.tsv", False))
    out += [("data/ primary", "development", data, ROOT / "tests" / "truth" / "data-mandates.tsv", False),
            ("data/ aligned", "development", data, ROOT / "tests" / "truth" / "data-mandates.tsv", True)]
    for n, folder, truth in ((1, "docs", "mandates.tsv"), (2, "docs2", "mandates2.tsv"), (3, "docs3", "mandates3.tsv"),
                             (4, "docs4", "mandates4.tsv"), (5, "docs5", "mandates5.tsv")):
        if not (linking / truth).is_file():
            continue  # a batch not yet written
        out.append((f"linking batch{n}", CLEAN if n == 5 else READ, sorted((linking / folder).glob("*.txt")),
                    linking / truth, False))
    return out


def lexicon_at(rev: str):
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:ontology/mandates.ttl"], check=True,
                          capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mandates.ttl"
        path.write_text(text, encoding="utf-8")
        return build_lexicon((path,))


def without_clause_rule():
    """The current lexicon, with no concept counted as more specific than another: rule 4 never fires."""
    lexicon = build_lexicon(scheme_files())
    lexicon.more_specific_in_family = lambda specific, general: False
    return lexicon


def context_words_as_triggers():
    """The current lexicon with every context word (老年, 职工, 新媒体 …) read as a plain hidden label: rule 0 off."""
    lexicon = build_lexicon(scheme_files())
    for scheme in lexicon.schemes:
        scheme.phrases = [replace(p, kind="hidden") if p.context else p for p in scheme.phrases]
    return lexicon


def line(name: str, kind: str, s: Score) -> str:
    return f"{name:15} {kind:16} P={s.precision:.3f} R={s.recall:.3f}  tp {s.tp:3} fp {s.fp:3} fn {s.fn:3}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=Path, default=ROOT.parent / "shared" / "seeds" / "000_38770c5ad42c6795.txt")
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    lexicons = [("current lexicon (ontology/mandates.ttl, every phrase quoted from a defining text)", load_lexicon()),
                ("current lexicon, context words as plain triggers (linker rule 0 disabled)",
                 context_words_as_triggers()),
                ("current lexicon, clause rule off (linker rule 4 disabled)", without_clause_rule()),
                (f"lexicon measured on batch 4 (git {PREVIOUS})", lexicon_at(PREVIOUS)),
                (f"earlier source-built lexicon (git {EARLIER})", lexicon_at(EARLIER)),
                (f"baseline lexicon (git {BASELINE}, written while reading the seed)", lexicon_at(BASELINE))]
    out = []
    for i, (title, lexicon) in enumerate(lexicons):
        phrases = sum(len(s.phrases) for s in lexicon.schemes)
        out.append(f"{title}: {phrases} phrases")
        details, read = [], Score(0, 0, 0)
        for name, kind, paths, truth, aligned in sets(args.seed):
            s = score_files(paths, truth, lexicon, aligned=aligned)
            out.append("  " + line(name, kind, s))
            read += s if kind == READ else Score(0, 0, 0)
            if kind == CLEAN and i == 0:
                details.append("  " + verdict(s))
                details.append(f"  {name} false positives: {s.false_positives}")
                details.append(f"  {name} misses: {s.misses}")
        out.append("  " + line("linking 1-4", READ, read))
        out += details + [""]
    if not args.seed.is_file():
        out.append(f"seed not found ({args.seed}): in-sample figures left out")
    text = "\n".join(out)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
