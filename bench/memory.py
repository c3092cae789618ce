"""Benchmark: peak memory of `perfkg ingest`, `perfkg validate` and `perfkg load --store` against corpus size.

Usage: python bench/memory.py [--sizes 100,1000,10000] [--commands ingest,validate,load] [--cap-minutes 20]
                              [--out bench/results/memory.txt]

The corpus: copies of the seed (seed-sized documents) with distinct identities — each copy gets its own 财政区划 code
at the start of its project codes (bench/batch.py's corpus), so document IRIs never repeat. Each command runs as
`python -m perfkg.cli …` with its default workers (one per CPU); its stdout goes to a file (a pipe would fill). The
peak resident memory of the command and all its worker processes together is sampled every 50 ms from /proc
(bench/batch.py), and also the peak in the first and the second half of the run: memory that grows with the
number of documents shows as a larger second half. A run longer than --cap-minutes is stopped, and the documents it
had finished by then are given. Acceptance (issue 13): the peak at the largest size within 1.2x of the peak at 100.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import CODE, SEED, _rss_kib, _tree  # noqa: E402
from run_record import ROOT, Record  # noqa: E402

DONE = re.compile(r"^[✓✗] .*seed-[0-9]{5}", re.M)  # one line per document (ingest, load)


def make_corpus(folder: Path, documents: int) -> None:
    """`documents` copies of the seed, each with its own division code (so its own document IRI)."""
    text = SEED.read_text(encoding="utf-8")
    assert CODE.search(text), "the seed has no project code to vary"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(documents):
        (folder / f"seed-{i:05d}.txt").write_text(CODE.sub(f"{700000 + i:06d}", text), encoding="utf-8")


def subset(corpus: Path, folder: Path, documents: int) -> Path:
    """The first `documents` files of the corpus, hard-linked into their own folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(corpus.iterdir())[:documents]:
        os.link(path, folder / path.name)
    return folder


def measure(command: list[str], log: Path, cap_seconds: float) -> dict:
    """Run, sampling the RSS of the whole process tree; stop it after cap_seconds."""
    started = time.perf_counter()
    samples: list[tuple[float, int]] = []
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        stopped = False
        while proc.poll() is None:
            samples.append((time.perf_counter() - started, sum(_rss_kib(p) for p in _tree(proc.pid))))
            if time.perf_counter() - started > cap_seconds:
                os.killpg(proc.pid, 15)
                proc.wait()
                stopped = True
                break
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    text = log.read_text(encoding="utf-8", errors="replace")
    half = seconds / 2
    return {"seconds": seconds, "stopped": stopped, "code": proc.returncode,
            "peak": max((kib for _, kib in samples), default=0) / 1024,
            "first_half": max((kib for t, kib in samples if t <= half), default=0) / 1024,
            "second_half": max((kib for t, kib in samples if t > half), default=0) / 1024,
            "done": len(DONE.findall(text)), "last": (text.strip().splitlines() or [""])[-1][:200]}


def commands(name: str, src: Path, work: Path) -> list[str]:
    perfkg = [sys.executable, "-m", "perfkg.cli"]
    if name == "ingest":
        return perfkg + ["ingest", str(src), "-o", str(work / "out")]
    if name == "validate":
        return perfkg + ["validate", str(src), "--out", str(work / "report.txt")]
    if name == "load":
        return perfkg + ["load", str(src), "--store", str(work / "store")]
    raise ValueError(name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--commands", default="ingest,validate,load")
    ap.add_argument("--cap-minutes", type=float, default=20.0, help="stop a run after this long")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = args.commands.split(",")
    with Record(args.out, "bench/memory.py: peak memory (process tree) against corpus size") as record, \
            tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        started = time.perf_counter()
        make_corpus(corpus, max(sizes))
        record.line(f"corpus: {max(sizes):,} copies of {SEED.name} with distinct division codes, made in "
                    f"{time.perf_counter() - started:.0f} s; workers: default (one per CPU, {os.cpu_count()})")
        record.line(f"{'command':9} {'docs':>7} {'done':>7} {'wall s':>8} {'docs/s':>7} {'peak MiB':>9} "
                    f"{'1st half':>9} {'2nd half':>9}  exit / last line")
        peaks: dict[str, dict[int, float]] = {}
        for name in names:
            for size in sizes:
                work = Path(tmp) / f"{name}-{size}"
                src = subset(corpus, work / "src", size)
                r = measure(commands(name, src, work), work / "log.txt", args.cap_minutes * 60)
                done = r["done"] if name != "validate" or r["stopped"] else size
                note = f"STOPPED after {args.cap_minutes:g} min" if r["stopped"] else f"exit {r['code']}"
                record.line(f"{name:9} {size:7,} {done:7,} {r['seconds']:8.1f} {done / r['seconds']:7.1f} "
                            f"{r['peak']:9.0f} {r['first_half']:9.0f} {r['second_half']:9.0f}  {note}: {r['last']}")
                peaks.setdefault(name, {})[size] = r["peak"]
                shutil.rmtree(work, ignore_errors=True)
        for name, by_size in peaks.items():
            smallest, largest = min(by_size), max(by_size)
            ratio = by_size[largest] / by_size[smallest] if by_size[smallest] else float("nan")
            record.line(f"{name}: peak at {largest:,} / peak at {smallest:,} = {ratio:.2f}x "
                        f"({'within' if ratio <= 1.2 else 'ABOVE'} 1.2x)")
        record.line(f"load average at the end {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
