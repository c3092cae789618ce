"""Benchmark: mandate-linking precision and recall on in-sample, development and held-out documents.

Usage: python bench/link_accuracy.py [--seed PATH] [--baseline REV] [-o bench/results/link-accuracy.txt]

The sets (tests/test_link_accuracy.py explains the matching rule; tests/linking/README.md the order of work):
  seed            ../shared/seeds/000_38770c5ad42c6795.txt, tests/truth/seed-mandates.tsv   in-sample
  data/           data/yunling-kexie-2023.txt, -2024.txt, tests/truth/data-mandates.tsv     development
  tests/linking   docs/ (batch 1) and docs2/ (batch 2): held out, then read while tuning    held out, seen
  tests/linking   docs3/ (batch 3): written after tuning, measured once                     held out, clean
The obvious alternative is measured in the same run: the lexicon of ontology/mandates.ttl at git revision
--baseline (default: the last revision before the lexicon was rebuilt from the defining texts), which was written
while reading the seed.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from perfkg.link import load_lexicon
from perfkg.link.evaluate import Score, score_files
from perfkg.link.lexicon import build_lexicon

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "6f8230d"  # ontology/mandates.ttl before the rebuild (95 of its 271 phrases occur only in the seed)


def sets(seed: Path) -> list[tuple[str, str, list[Path], Path, bool]]:
    data = [ROOT / "data" / "yunling-kexie-2023.txt", ROOT / "data" / "yunling-kexie-2024.txt"]
    linking = ROOT / "tests" / "linking"
    out = []
    if seed.is_file():
        out.append(("seed", "in-sample", [seed], ROOT / "tests" / "truth" / "seed-mandates.tsv", False))
    out += [("data/ primary", "development", data, ROOT / "tests" / "truth" / "data-mandates.tsv", False),
            ("data/ aligned", "development", data, ROOT / "tests" / "truth" / "data-mandates.tsv", True),
            ("linking batch1", "held-out, seen", sorted((linking / "docs").glob("*.txt")), linking / "mandates.tsv", False),
            ("linking batch2", "held-out, seen", sorted((linking / "docs2").glob("*.txt")), linking / "mandates2.tsv", False),
            ("linking batch3", "held-out, clean", sorted((linking / "docs3").glob("*.txt")), linking / "mandates3.tsv", False)]
    return out


def baseline_lexicon(rev: str):
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:ontology/mandates.ttl"], check=True,
                          capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mandates.ttl"
        path.write_text(text, encoding="utf-8")
        return build_lexicon((path,))


def line(name: str, kind: str, s: Score) -> str:
    return f"{name:15} {kind:16} P={s.precision:.3f} R={s.recall:.3f}  tp {s.tp:3} fp {s.fp:3} fn {s.fn:3}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=Path, default=ROOT.parent / "shared" / "seeds" / "000_38770c5ad42c6795.txt")
    ap.add_argument("--baseline", default=BASELINE)
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args()
    lexicons = [("rebuilt lexicon (ontology/mandates.ttl, every phrase quoted from a defining text)", load_lexicon()),
                (f"baseline lexicon (git {args.baseline}, written while reading the seed)", baseline_lexicon(args.baseline))]
    out = []
    for title, lexicon in lexicons:
        phrases = sum(len(s.phrases) for s in lexicon.schemes)
        out.append(f"{title}: {phrases} phrases")
        details, held = [], Score(0, 0, 0)
        for name, kind, paths, truth, aligned in sets(args.seed):
            s = score_files(paths, truth, lexicon, aligned=aligned)
            out.append("  " + line(name, kind, s))
            if kind.startswith("held-out"):
                held += s
            if kind == "held-out, clean":
                details.append(f"  {name} false positives: {s.false_positives}")
                details.append(f"  {name} misses: {s.misses}")
        out.append("  " + line("linking all", "held-out, 1-3", held))
        out += details + [""]
    if not args.seed.is_file():
        out.append(f"seed not found ({args.seed}): in-sample figures left out")
    text = "\n".join(out)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
