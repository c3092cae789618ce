"""Benchmark: ingest time per document, split into parse, map to RDF and link, against simply reading the files.

Usage: python bench/ingest.py [--runs 1000] [--repeat 3] [--seed PATH] [--out bench/results/ingest.txt]

Reads the seed-sized documents (the real seed from ../shared when present, plus the bundled data/) and, in one warm
process, runs each stage `runs` times round-robin over them, `repeat` times; the median of the repeats is reported:
  read bytes | read + decode lines (perfkg's reader) | parse only (parse_file) | map only (document_graph of an
  already parsed document) | ingest without linking (parse + map) | ingest (parse + map + link, as `perfkg ingest`).
Wall and CPU time are both given: the machine is shared, and the CPU time of this one-threaded work depends much
less on the other load. Time per triple divides by the triples of the graph each stage builds (the unlinked graph
for the map stage).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from run_record import Record

from perfkg.ingest import ingest_file
from perfkg.parse.document import parse_file
from perfkg.parse.source import read_source
from perfkg.rdf.mapping import document_graph

ROOT = Path(__file__).resolve().parents[1]


def documents(seed: Path | None) -> list[Path]:
    files = sorted((ROOT / "data").glob("*.txt"))
    if seed and seed.is_file():
        files.insert(0, seed)
    return files


def timed(fn, items: list, runs: int) -> tuple[float, float]:
    """Wall and CPU seconds of `runs` calls, round-robin over the items."""
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(runs):
        fn(items[i % len(items)])
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=Path, default=ROOT.parent / "shared" / "seeds" / "000_38770c5ad42c6795.txt")
    ap.add_argument("--repeat", type=int, default=3, help="repeat each measurement, report the median")
    ap.add_argument("--out", type=Path, help="also write this raw output, with its provenance, to this file")
    args = ap.parse_args()
    paths = documents(args.seed)
    parsed = [parse_file(p) for p in paths]
    ingest_file(paths[0], link=True)  # warm caches (ontology, lexicons)
    stages = {
        "read bytes only": (lambda p: Path(p).read_bytes(), paths),
        "read + decode lines": (read_source, paths),
        "parse only": (parse_file, paths),
        "map only (RDF graph)": (document_graph, parsed),
        "ingest, no linking": (lambda p: ingest_file(p, link=False), paths),
        "ingest (parse+map+link)": (lambda p: ingest_file(p, link=True), paths),
    }
    mapped = sum(len(document_graph(d)[1]) for d in parsed) / len(parsed)
    linked = sum(len(ingest_file(p, link=True).graph) for p in paths) / len(paths)
    triples = {"map only (RDF graph)": mapped, "ingest, no linking": mapped, "ingest (parse+map+link)": linked}

    with Record(args.out, "bench/ingest.py: ingest time per document, by stage") as record:
        record.line(f"documents: {', '.join(p.name for p in paths)} ({len(paths)} files round-robin), "
                    f"{args.runs} runs per stage, median of {args.repeat}; mean {mapped:.0f} triples/document "
                    f"unlinked, {linked:.0f} linked")
        record.line(f"{'stage':26} {'docs/s wall':>12} {'ms/doc wall':>12} {'ms/doc CPU':>11} {'µs/triple CPU':>14}")
        seconds = {}
        for name, (fn, items) in stages.items():
            samples = [timed(fn, items, args.runs) for _ in range(args.repeat)]
            wall, cpu = (statistics.median(x) / args.runs for x in zip(*samples))
            seconds[name] = cpu
            per_triple = f"{cpu / triples[name] * 1e6:14.2f}" if name in triples else ""
            record.line(f"{name:26} {1 / wall:12,.1f} {wall * 1000:12.3f} {cpu * 1000:11.3f} {per_triple}".rstrip())
        full, decode, read = (seconds[k] for k in ("ingest (parse+map+link)", "read + decode lines", "read bytes only"))
        link = full - seconds["ingest, no linking"]
        record.line(f"linking alone (ingest - ingest without linking): {link * 1000:.2f} ms/doc CPU")
        record.line(f"CPU ratio ingest / read+decode: {full / decode:,.0f}x; ingest / read bytes: {full / read:,.0f}x")
        record.line(f"load average at the end {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
