"""Benchmark: validating N seed-sized documents one by one in parallel vs one pySHACL run over the merged graph.

Usage: python bench/validate.py [--docs 1000] [--workers 2] [--warm-runs 30] [--seed PATH] [--skip-merged]
                                [--out bench/results/validate-N.txt]

1. Makes N distinct documents from the seed (or data/yunling-kexie-2024.txt when the seed is absent): same text,
   its own unit code and project codes, so every document has its own IRIs. Each is ingested (no mandate linking)
   and written as Turtle; the merged graph is all of them in one rdflib Graph.
2. perfkg's pipeline: `validate_documents(files, workers=W)`, i.e. each document parsed and validated on its own,
   W processes (wall clock, process start-up included).
3. The baseline: one `pyshacl.validate` over the merged graph with the same shapes (same options: SHACL-AF, no
   inference); parsing the merged graph is timed apart.
4. Asserts both found the same results: the multiset of (shape, focus node, value).
5. One submission in a warm process: median of --warm-runs validations of one document graph (and of
   ingest + validate from the text file).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from run_record import Record  # noqa: E402

from rdflib import Graph  # noqa: E402
from rdflib.namespace import SH  # noqa: E402

from perfkg.ingest import ingest_file  # noqa: E402
from perfkg.validate import validate_documents, validate_graph  # noqa: E402
from perfkg.validate.shapes import load_shapes  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_38770c5ad42c6795.txt"
FALLBACK = ROOT / "data" / "yunling-kexie-2024.txt"


def template(seed: Path) -> tuple[Path, str, str, list[str]]:
    """The template file, its unit code, its encoding and its project codes."""
    path = seed if seed.is_file() else FALLBACK
    result = ingest_file(path, link=False)
    doc = result.document
    return path, doc.unit_code, doc.encoding, [p.code for p in doc.projects]


def make_documents(n: int, folder: Path, seed: Path) -> tuple[list[Path], int]:
    """N Turtle files, one document each; returns the files and the total number of triples."""
    path, unit, encoding, codes = template(seed)
    text = path.read_bytes().decode(encoding)
    files, triples = [], 0
    for i in range(n):
        variant = text.replace(unit, f"{100000 + i:06d}")
        for j, code in enumerate(codes):
            variant = variant.replace(code, f"{code[:9]}{i * len(codes) + j:011d}{code[-1]}")
        src = folder / f"doc-{i:05d}.txt"
        src.write_text(variant, encoding="utf-8")
        result = ingest_file(src, link=False)
        assert result.ok, result.error
        out = folder / f"doc-{i:05d}.ttl"
        result.graph.serialize(out, format="turtle")
        triples += len(result.graph)
        src.unlink()
    return files or sorted(folder.glob("doc-*.ttl")), triples


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def per_document(files: list[Path], workers: int) -> tuple[float, float, Counter]:
    started, cpu = time.perf_counter(), _cpu()
    reports = validate_documents(files, workers=workers, link=False)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    assert all(r.ok for r in reports), [r.problem for r in reports if not r.ok][:3]
    found = Counter((f.shape, f.focus, f.value) for r in reports for f in r.findings)
    return seconds, cpu, found


def merged(files: list[Path]) -> tuple[float, float, float, int, Counter]:
    from pyshacl import validate

    started = time.perf_counter()
    g = Graph()
    for f in files:
        g.parse(f, format="turtle")
    parse_seconds = time.perf_counter() - started
    shapes = load_shapes()
    started, cpu = time.perf_counter(), time.process_time()
    _, report, _ = validate(g, shacl_graph=shapes.engine_graph, advanced=True, inference="none",
                            allow_warnings=False, allow_infos=False)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    found = Counter()
    for r in report.objects(None, SH.result):
        shape = report.value(r, SH.sourceShape)
        value = report.value(r, SH.value)
        found[(shape.n3(), str(report.value(r, SH.focusNode)), str(value) if value is not None else None)] += 1
    return parse_seconds, seconds, cpu, len(g), found


def warm(path: Path, runs: int) -> tuple[float, float, float, float, int]:
    """Median wall and CPU seconds of validate_graph, and of ingest + validate, in a warm process."""
    result = ingest_file(path, link=False)
    validate_graph(result.graph)  # warm: shapes, prepared queries
    only, only_cpu, full, full_cpu = [], [], [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        validate_graph(result.graph)
        only.append(time.perf_counter() - t)
        only_cpu.append(time.process_time() - c)
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        validate_graph(ingest_file(path, link=False).graph)
        full.append(time.perf_counter() - t)
        full_cpu.append(time.process_time() - c)
    m = statistics.median
    return m(only), m(only_cpu), m(full), m(full_cpu), len(result.graph)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--warm-runs", type=int, default=30)
    ap.add_argument("--seed", type=Path, default=SEED)
    ap.add_argument("--skip-merged", action="store_true", help="only the per-document pipeline and the warm figure")
    ap.add_argument("--out", type=Path, help="also write this raw output, with its provenance, to this file")
    args = ap.parse_args()
    with Record(args.out, f"bench/validate.py: {args.docs} documents, per document vs merged") as record:
        run(args, record.line)


def run(args, say) -> None:

    path, *_ = template(args.seed)
    load = lambda: "/".join(f"{x:.1f}" for x in os.getloadavg())  # noqa: E731
    say(f"template: {path.name}; machine: {os.cpu_count()} CPUs; workers: {args.workers}; load {load()}")
    w_only, w_only_cpu, w_full, w_full_cpu, w_triples = warm(path, args.warm_runs)
    say(f"one submission, warm process ({w_triples} triples), median of {args.warm_runs}: "
          f"validate {w_only * 1000:.0f} ms wall / {w_only_cpu * 1000:.0f} ms CPU; "
          f"ingest + validate {w_full * 1000:.0f} ms wall / {w_full_cpu * 1000:.0f} ms CPU")

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        files, triples = make_documents(args.docs, Path(tmp), args.seed)
        say(f"made {len(files)} documents, {triples:,} triples, in {time.perf_counter() - t:.1f} s")
        seconds, cpu, ours = per_document(files, args.workers)
        say(f"perfkg per document, {args.workers} processes: {seconds:.1f} s wall, {cpu:.1f} s CPU "
              f"({seconds / len(files) * 1000:.0f} ms/document wall), {sum(ours.values()):,} results; load {load()}")
        if args.skip_merged:
            return
        parse_seconds, merged_seconds, merged_cpu, merged_triples, theirs = merged(files)
        say(f"pySHACL over the merged graph ({merged_triples:,} triples): {merged_seconds:.1f} s wall, "
              f"{merged_cpu:.1f} s CPU (+ {parse_seconds:.1f} s parsing), {sum(theirs.values()):,} results; "
              f"load {load()}")
        if ours != theirs:
            missing, extra = theirs - ours, ours - theirs
            say(f"DIFFERENT FINDINGS only merged: {list(missing.items())[:5]} "
                f"only per-document: {list(extra.items())[:5]}")
            raise SystemExit(1)
        say(f"identical findings; speed-up {merged_seconds / seconds:.1f}x wall "
              f"({(merged_seconds + parse_seconds) / seconds:.1f}x counting the merged parse), "
              f"{merged_cpu / cpu:.1f}x in CPU time")


if __name__ == "__main__":
    main()
