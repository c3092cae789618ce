"""Batch ingest: perfkg's worker pipeline (each document in a worker under its limits, written as soon as done) against
the obvious alternative, ingesting every document in one process and writing at the end, on the same corpus in
the same run: wall time and peak memory of the process that holds the batch.

The corpus: the seed and the samples in data/, each cloned into N distinct documents by changing the 财政区划 code
that starts its project codes (so every clone has an identity of its own).

    python bench/batch.py --copies 50 --out bench/results/batch.txt
"""
from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_record import ROOT, Record  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_38770c5ad42c6795.txt"
CODE = re.compile(r"\b[0-9]{6}(?=[0-9]{2}[A-Z][0-9]{11}[0-9A-Z]\b)")

IN_ONE_PROCESS = """
import sys
from perfkg.ingest import ingest, write_outputs
results = ingest([sys.argv[1]], link=False)
write_outputs(results, sys.argv[2], ["turtle"], line_map=False)
print(sum(r.ok for r in results))
"""


def corpus(folder: Path, copies: int) -> int:
    sources = sorted((ROOT / "data").glob("*.txt")) + ([SEED] if SEED.is_file() else [])
    n = 0
    for source in sources:
        data = source.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        for i in range(copies):
            division = f"{700000 + i:06d}"
            (folder / f"{source.stem}-{i:03d}.txt").write_text(CODE.sub(division, text), encoding="utf-8")
            n += 1
    return n


def _tree(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        return [pid]
    return [pid] + [p for c in children for p in _tree(c)]


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
    except OSError:
        return 0


def peak_of_tree(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds; peak RSS (MiB) of the command's own process, and of it and its workers together (sampled
    every 50 ms from /proc); the last line it printed."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    own = total = 0
    while proc.poll() is None:
        pids = _tree(proc.pid)
        own = max(own, _rss_kib(proc.pid))
        total = max(total, sum(_rss_kib(p) for p in pids))
        time.sleep(0.05)
    out, err = proc.communicate()
    return time.perf_counter() - started, own / 1024, total / 1024, (out.strip().splitlines() or [""])[-1] + err[-200:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=50, help="clones of each source document")
    ap.add_argument("--rounds", type=int, default=2, help="runs of each pipeline, in alternating order")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    with Record(args.out, "bench/batch.py: batch ingest, worker pipeline vs one process") as record, \
            tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "corpus"
        src.mkdir()
        n = corpus(src, args.copies)
        record.line(f"corpus: {n} documents ({args.copies} clones of each of data/*.txt and the seed), no linking")
        record.line(f"{'pipeline':44} {'wall s':>8} {'docs/s':>8} {'peak RSS MiB: batch process':>28} "
                    f"{'with its workers':>17}")
        runs = {
            "perfkg ingest (2 workers, written as done)":
                [sys.executable, "-m", "perfkg.cli", "ingest", str(src), "-o", str(Path(tmp) / "a"), "--no-link",
                 "--workers", "2"],
            "perfkg ingest (1 worker, written as done)":
                [sys.executable, "-m", "perfkg.cli", "ingest", str(src), "-o", str(Path(tmp) / "b"), "--no-link",
                 "--workers", "1"],
            "one process, all in memory, written at end":
                [sys.executable, "-c", IN_ONE_PROCESS, str(src), str(Path(tmp) / "c")],
        }
        for round_ in range(args.rounds):
            order = list(runs.items()) if round_ % 2 == 0 else list(reversed(runs.items()))
            record.line(f"round {round_ + 1}")
            for name, command in order:
                out = Path(command[-1] if "-c" in command else command[command.index("-o") + 1])
                for old in out.glob("*") if out.is_dir() else []:
                    old.unlink()
                seconds, own, total, tail = peak_of_tree(command)
                record.line(f"{name:44} {seconds:8.1f} {n / seconds:8.1f} {own:28.0f} {total:17.0f}")
                record.line(f"    last line: {tail.strip()[:160]}")
        outputs = [sorted(p.name for p in (Path(tmp) / d).iterdir()) for d in "abc"]
        record.line(f"same output files in all three: {outputs[0] == outputs[1] == outputs[2]} ({len(outputs[0])})")
        same = all((Path(tmp) / "a" / f).read_bytes() == (Path(tmp) / "c" / f).read_bytes() for f in outputs[0])
        record.line(f"byte-identical Turtle, worker pipeline vs one process: {same}")
        record.line(f"peak RSS of this bench process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
