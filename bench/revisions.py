"""Benchmark: where earlier versions of a document live. perfkg's version records (a gzip N-Triples snapshot in a
small record graph, revisions.py) against the obvious alternative, every version kept as an ordinary named graph
<doc/v/{hash}> beside the current <doc>, in the same run on the embedded store.

Usage: python bench/revisions.py [--versions 20] [--out bench/results/revisions.txt]

Makes N revisions of data/yunling-kexie-2023.txt (the target of 科普大篷车巡展场次 changed, ≥30 场, ≥31 场, …),
ingests each once, then loads them in order into a fresh on-disk store per approach and reports: load time, quads,
disk after compaction, the time of the library query `indicators`, and whether the library still answers for the
current version only (rows of `projects`, target values of the edited indicator seen by `indicators`).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from run_record import ROOT, Record

from perfkg.backends import replace_all
from perfkg.queries import get_query
from perfkg.revisions import load_document
from perfkg.sources import read_items
from perfkg.store.embedded import EmbeddedStore

SOURCE = ROOT / "data" / "yunling-kexie-2023.txt"
EDITED = "≥30 场"  # line 124, 科普大篷车巡展场次
QUERY_SECONDS = 30


def revisions(folder: Path, n: int):
    text = SOURCE.read_text(encoding="utf-8")
    assert text.count(EDITED) == 1
    items = []
    for k in range(n):
        path = folder / f"v{k:03d}.txt"
        path.write_text(text.replace(EDITED, f"≥{30 + k} 场"), encoding="utf-8")
        (item,) = read_items(path, self_contained=False)
        assert item.error is None
        items.append(item)
    return items


def as_named_graphs(store, item) -> None:
    sha = item.result.document.source_sha256
    store.replace_graph(f"{item.graph_iri}/v/{sha[:12]}", item.graph)
    store.replace_graph(str(item.graph_iri), item.graph)


def as_records(store, item) -> None:
    load_document(store, item)


def measure(name, load, items, folder: Path, record: Record) -> None:
    path = folder / name
    with EmbeddedStore(path) as store:
        replace_all(store, [], with_vocabulary=True)
        start = time.perf_counter()
        for item in items:
            load(store, item)
        seconds = time.perf_counter() - start
        store.optimize()
        quads = store.triple_count()
        indicators = get_query("indicators")
        times = []
        try:  # in a killable worker: on merged versions the joins multiply (an earlier run was killed, out of memory)
            for _ in range(3):
                t = time.perf_counter()
                rows = store.query(indicators.text, indicators.bindings({}), timeout=QUERY_SECONDS).dicts()
                times.append(time.perf_counter() - t)
            targets = sorted({str(r["raw"]) for r in rows if str(r.get("name")) == "科普大篷车巡展场次"})
            seen = f"{', '.join(targets[:3])}{' …' if len(targets) > 3 else ''} ({len(targets)})"
            query_ms = f"{statistics.median(times) * 1000:12.0f}"
        except Exception as e:  # noqa: BLE001 — what happened is the measurement
            seen, query_ms = f"indicators failed: {type(e).__name__}", f"{'>' + str(QUERY_SECONDS * 1000):>12}"
        try:
            projects = str(len(store.query(get_query("projects").text, timeout=QUERY_SECONDS).dicts()))
        except Exception as e:  # noqa: BLE001
            projects = type(e).__name__
    disk = int(subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True).stdout.split()[0])
    record.line(f"{name:18} {seconds:9.2f} {quads:9d} {disk / 2**20:10.1f} {query_ms} {projects:>9}   {seen}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=20)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with Record(args.out, "bench/revisions.py: earlier versions as records vs as named graphs") as record, \
            tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        items = revisions(folder, args.versions)
        record.line(f"{args.versions} versions of {SOURCE.name} ({len(items[0].graph)} triples each), loaded in order")
        record.line("correct answers: projects 4 rows; the edited indicator's target seen once, the last version's "
                    f"(≥{30 + args.versions - 1} 场)")
        record.line(f"{'approach':18} {'load s':>9} {'quads':>9} {'disk MiB':>10} {'indicators ms':>12} "
                    f"{'projects':>9}   targets of 科普大篷车巡展场次 seen")
        for round_ in range(2):  # two rounds, alternating, on a shared machine
            measure("records", as_records, items, folder / f"r{round_}", record)
            measure("named-graphs", as_named_graphs, items, folder / f"r{round_}", record)


if __name__ == "__main__":
    main()
