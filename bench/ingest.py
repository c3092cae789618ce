"""Benchmark: ingest time per document, split into parse, map to RDF, link and write, against simply reading the files,
and end to end against the previous implementation (rdflib graph API + rdflib's Turtle serializer) in the same run.

Usage: python bench/ingest.py [--runs 1000] [--repeat 3] [--seed PATH] [--previous REV] [--out bench/results/ingest.txt]

Reads the seed-sized documents (the real seed from ../shared when present, plus the bundled data/) and, in one warm
process, runs each stage `runs` times round-robin over them, `repeat` times; the median of the repeats is reported:
  read bytes | read + decode lines (perfkg's reader) | parse only (parse_file) | map only (document_graph of an
  already parsed document) | ingest without linking (parse + map) | ingest (parse + map + link, as `perfkg ingest`).
Then the write stage alone (Turtle of the linked graph: rdflib's serializer vs the direct writer, rdf/writer.py), and
end to end as `perfkg ingest` does it for one document — parse + map + link + Turtle written to a file — by the
previous implementation (the mapping of commit --previous, loaded from git, through rdflib's Graph.add, and rdflib's
Turtle serializer) and by the current one; both outputs are checked byte-identical before timing.
Wall and CPU time are both given: the machine is shared, and the CPU time of this one-threaded work depends much
less on the other load; documents/s per core = 1 / CPU seconds per document. Time per triple divides by the triples
of the graph each stage builds (the unlinked graph for the map stage).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from run_record import Record

from perfkg.ingest import ingest_file, serialise_document
from perfkg.link import link_document, load_lexicon
from perfkg.parse.document import parse_file
from perfkg.parse.source import read_source
from perfkg.rdf.locations import add_line_locations
from perfkg.rdf.mapping import document_graph
from perfkg.rdf.serialise import serialise_graph, turtle_by_rdflib
from perfkg.sources import read_document

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


def previous_mapping(rev: str):
    """perfkg.rdf.mapping as it was at `rev` (git show), imported under another name."""
    text = subprocess.run(["git", "show", f"{rev}:src/perfkg/rdf/mapping.py"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "previous_mapping.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("previous_mapping", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def end_to_end(out_dir: Path, mapping=None):
    """One document as `perfkg ingest` handles it: parse, map, link, Turtle written to a file; the previous
    implementation maps with `mapping` (the older module) and writes with rdflib's serializer."""
    lexicon = load_lexicon()

    def run(path: Path) -> str:
        if mapping is None:
            r = ingest_file(path, link=True, lexicon=lexicon)
            text = serialise_document(r.graph_iri, r.graph, "turtle")
        else:
            doc = read_document(path)
            iri, graph = mapping.document_graph(doc)
            link_document(graph, iri, lexicon=lexicon, lines=doc.lines, with_schemes=True)
            add_line_locations(graph, doc.locations, doc.container)
            text = turtle_by_rdflib(graph)
        target = out_dir / (path.stem + ".ttl")
        target.write_text(text, encoding="utf-8")
        return text

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=Path, default=ROOT.parent / "shared" / "seeds" / "000_38770c5ad42c6795.txt")
    ap.add_argument("--repeat", type=int, default=3, help="repeat each measurement, report the median")
    ap.add_argument("--previous", default="3fb5f1b~1",
                    help="git revision of the previous implementation (default: before the direct writer)")
    ap.add_argument("--out", type=Path, help="also write this raw output, with its provenance, to this file")
    args = ap.parse_args()
    previous = previous_mapping(args.previous)
    previous_commit = subprocess.run(["git", "rev-parse", args.previous], cwd=ROOT, capture_output=True,
                                     text=True).stdout.strip()
    out_dir = Path(tempfile.mkdtemp())
    for name in ("new", "old"):
        (out_dir / name).mkdir()
    new_path, old_path = end_to_end(out_dir / "new"), end_to_end(out_dir / "old", previous)
    paths = documents(args.seed)
    parsed = [parse_file(p) for p in paths]
    ingest_file(paths[0], link=True)  # warm caches (ontology, lexicons)
    linked_graphs = [ingest_file(p, link=True).graph for p in paths]
    identical = all(new_path(p) == old_path(p) for p in paths)
    stages = {
        "read bytes only": (lambda p: Path(p).read_bytes(), paths),
        "read + decode lines": (read_source, paths),
        "parse only": (parse_file, paths),
        "map only (RDF graph)": (document_graph, parsed),
        "ingest, no linking": (lambda p: ingest_file(p, link=False), paths),
        "ingest (parse+map+link)": (lambda p: ingest_file(p, link=True), paths),
        "write Turtle, rdflib": (turtle_by_rdflib, linked_graphs),
        "write Turtle, direct": (lambda g: serialise_graph(g, "turtle"), linked_graphs),
        "END TO END, previous": (old_path, paths),
        "END TO END, now": (new_path, paths),
    }
    mapped = sum(len(document_graph(d)[1]) for d in parsed) / len(parsed)
    linked = sum(len(ingest_file(p, link=True).graph) for p in paths) / len(paths)
    triples = {"map only (RDF graph)": mapped, "ingest, no linking": mapped, "ingest (parse+map+link)": linked,
               "write Turtle, rdflib": linked, "write Turtle, direct": linked, "END TO END, previous": linked,
               "END TO END, now": linked}

    with Record(args.out, "bench/ingest.py: ingest time per document, by stage") as record:
        record.line(f"documents: {', '.join(p.name for p in paths)} ({len(paths)} files round-robin), "
                    f"{args.runs} runs per stage, median of {args.repeat}; mean {mapped:.0f} triples/document "
                    f"unlinked, {linked:.0f} linked")
        record.line(f"previous implementation: mapping of {args.previous} ({previous_commit}) through Graph.add + "
                    f"rdflib's Turtle serializer; written Turtle byte-identical to now: {identical}")
        record.line(f"{'stage':26} {'docs/s wall':>12} {'ms/doc wall':>12} {'ms/doc CPU':>11} {'µs/triple CPU':>14} "
                    f"{'docs/s/core':>12}")
        seconds = {}
        for name, (fn, items) in stages.items():
            samples = [timed(fn, items, args.runs) for _ in range(args.repeat)]
            wall, cpu = (statistics.median(x) / args.runs for x in zip(*samples))
            seconds[name] = cpu
            per_triple = f"{cpu / triples[name] * 1e6:14.2f}" if name in triples else ""
            per_triple = per_triple or " " * 14
            record.line(f"{name:26} {1 / wall:12,.1f} {wall * 1000:12.3f} {cpu * 1000:11.3f} {per_triple} "
                        f"{1 / cpu:12,.1f}")
        full, decode, read = (seconds[k] for k in ("ingest (parse+map+link)", "read + decode lines", "read bytes only"))
        link = full - seconds["ingest, no linking"]
        record.line(f"linking alone (ingest - ingest without linking): {link * 1000:.2f} ms/doc CPU")
        before, now = seconds["END TO END, previous"], seconds["END TO END, now"]
        record.line(f"end to end (parse+map+link+write Turtle): {1 / now:.1f} documents/s per core now vs "
                    f"{1 / before:.1f} previous ({before / now:.2f}x); target 100")
        parts = {"parse": seconds["parse only"], "map": seconds["map only (RDF graph)"], "link": link,
                 "write": seconds["write Turtle, direct"]}
        record.line("where the time goes now (ms/doc CPU): " + ", ".join(f"{k} {v * 1000:.1f}" for k, v in parts.items())
                    + f"; rest (line locations, file write, overheads) {(now - sum(parts.values())) * 1000:.1f}")
        record.line(f"CPU ratio ingest / read+decode: {full / decode:,.0f}x; ingest / read bytes: {full / read:,.0f}x")
        record.line(f"load average at the end {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
