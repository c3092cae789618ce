"""Benchmark: documents per second ingested (parse + map to RDF [+ link]) against simply reading the files.

Usage: python bench/ingest.py [--runs 1000] [--seed PATH] [--no-link]
Reads the seed-sized documents (the real seed from ../shared when present, plus the bundled data/),
ingests them round-robin `runs` times in one warm process and prints the ratio to the cost of
reading and decoding the same files.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from perfkg.ingest import ingest_file
from perfkg.parse.source import read_source

ROOT = Path(__file__).resolve().parents[1]


def documents(seed: Path | None) -> list[Path]:
    files = sorted((ROOT / "data").glob("*.txt"))
    if seed and seed.is_file():
        files.insert(0, seed)
    return files


def timed(fn, paths: list[Path], runs: int) -> float:
    start = time.perf_counter()
    for i in range(runs):
        fn(paths[i % len(paths)])
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=Path, default=ROOT.parent / "shared" / "seeds" / "000_38770c5ad42c6795.txt")
    ap.add_argument("--no-link", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="repeat the whole measurement, report the median")
    args = ap.parse_args()
    paths = documents(args.seed)
    link = not args.no_link
    ingest_file(paths[0], link=link)  # warm caches (ontology, lexicons)
    read = [timed(lambda p: Path(p).read_bytes(), paths, args.runs) for _ in range(args.repeat)]
    decode = [timed(read_source, paths, args.runs) for _ in range(args.repeat)]
    full = [timed(lambda p: ingest_file(p, link=link), paths, args.runs) for _ in range(args.repeat)]
    r, d, f = (statistics.median(x) for x in (read, decode, full))
    triples = sum(len(ingest_file(p, link=link).graph) for p in paths) / len(paths)
    print(f"documents: {len(paths)} files round-robin, {args.runs} runs, mean {triples:.0f} triples/document, "
          f"linking {'on' if link else 'off'}")
    print(f"read bytes only      : {args.runs / r:12,.0f} docs/s")
    print(f"read + decode lines  : {args.runs / d:12,.0f} docs/s")
    print(f"ingest (parse+RDF)   : {args.runs / f:12,.1f} docs/s  ({1000 * f / args.runs:.2f} ms/doc)")
    print(f"ratio ingest / read+decode: {f / d:,.0f}x slower; ingest / read bytes: {f / r:,.0f}x")


if __name__ == "__main__":
    main()
