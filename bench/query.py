"""Benchmark: the query library at ~100k and ~1M triples on the embedded Oxigraph store, rdflib's in-memory graph
and a real Virtuoso server, in the same run — load time, per-query time (warm, median) and peak memory.

Usage: python bench/query.py [--sizes 100000 1000000] [--repeat 3] [--rdflib-repeat 1] [--rdflib-cap 120]
                             [--engines ...] [--out bench/results/query-100k.md]

Each engine runs in a subprocess of its own so its peak memory (ru_maxrss; for Virtuoso the server's VmHWM) is its
own. The corpus is synthetic but shaped like real documents (bench/synthetic.py: real parsed documents cloned into
N departments x 3 years, mapped and linked by the real pipeline). rdflib queries are capped (SIGALRM) at
--rdflib-cap seconds; a capped query counts as the cap, so its speed-up is a lower bound.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


# -- one engine, in its own process ------------------------------------------------------------------------------

class Capped(Exception):
    pass


def _alarm(signum, frame):
    raise Capped()


def time_queries(run, repeat: int, cap: float | None) -> dict:
    from perfkg.queries import list_queries

    out = {}
    for q in list_queries():
        times, rows = [], None
        try:
            for i in range(repeat + 1):  # the first run warms caches and is not counted
                if cap:
                    signal.setitimer(signal.ITIMER_REAL, cap)
                start = time.perf_counter()
                result = run(q)
                elapsed = time.perf_counter() - start
                if cap:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                rows = len(result) if hasattr(result, "__len__") else 1
                if i:
                    times.append(elapsed)
            out[q.name] = {"seconds": statistics.median(times), "rows": rows}
        except Capped:
            out[q.name] = {"seconds": cap, "rows": None, "capped": True}
    return out


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(engine: str, corpus: Path, repeat: int, cap: float) -> dict:
    from perfkg.backends import VOCABULARY_GRAPH, vocabulary_graph
    from perfkg.queries import run_rdflib

    if engine == "rdflib":
        from rdflib import Dataset

        signal.signal(signal.SIGALRM, _alarm)
        start = time.perf_counter()
        ds = Dataset(default_union=True)
        ds.parse(corpus, format="nquads")
        ds.graph(VOCABULARY_GRAPH).__iadd__(vocabulary_graph())
        load = time.perf_counter() - start
        queries = time_queries(lambda q: run_rdflib(q, ds), repeat, cap)
        return {"load_seconds": load, "queries": queries, "peak_mib": peak_rss_mib()}
    if engine == "oxigraph":
        from perfkg.store.embedded import EmbeddedStore

        with tempfile.TemporaryDirectory() as d:
            with EmbeddedStore(Path(d) / "store") as store:
                start = time.perf_counter()
                store.bulk_load_quads(corpus)
                store.replace_graph(str(VOCABULARY_GRAPH), vocabulary_graph())
                store.optimize()
                load = time.perf_counter() - start
                queries = time_queries(lambda q: store.query(q.text, q.bindings()), repeat, None)
        return {"load_seconds": load, "queries": queries, "peak_mib": peak_rss_mib()}
    if engine == "virtuoso":
        from perfkg.store.virtuoso import VirtuosoServer

        with tempfile.TemporaryDirectory() as d:
            load_dir = Path(d) / "load"
            load_dir.mkdir()
            (load_dir / "corpus.nq").symlink_to(corpus)
            vocab = load_dir / "vocabulary.nq"
            vocab.write_text("".join(f"{line[:-1].rstrip()} <{VOCABULARY_GRAPH}> .\n" for line in
                                     vocabulary_graph().serialize(format="nt").splitlines() if line.strip()),
                             encoding="utf-8")
            server = VirtuosoServer(Path(d) / "db", load_dirs=[load_dir], max_rows=1_000_000, max_query_seconds=600,
                                    max_cost_seconds=100_000)  # Virtuoso's cost estimate overshoots on path queries
            server.start()
            try:
                start = time.perf_counter()
                # Virtuoso's own bulk loader: the fastest way in (stack-notes: 4.7 s for 1M triples)
                server.isql_exec(f"ld_dir('{load_dir}', '*.nq', 'urn:perfkg:unused');\nrdf_loader_run();\ncheckpoint;\n",
                                 timeout=1800)
                load = time.perf_counter() - start
                remote = server.remote_store(timeout=600)
                queries = time_queries(lambda q: remote.query(q.text, q.bindings()), repeat, None)
                count = remote.triple_count()
                server_peak = _vm_hwm_mib(server)
            finally:
                server.stop()
        return {"load_seconds": load, "queries": queries, "peak_mib": server_peak, "client_peak_mib": peak_rss_mib(),
                "triples": count}
    raise SystemExit(f"unknown engine {engine}")


def _vm_hwm_mib(server) -> float | None:
    pid = getattr(getattr(server, "process", None), "pid", None) or getattr(server, "pid", None)
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, TypeError):
        return None
    return None


# -- the comparison ------------------------------------------------------------------------------------------------

def run_engine(engine: str, corpus: Path, repeat: int, cap: float) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--worker", engine, "--corpus", str(corpus), "--repeat",
                           str(repeat), "--rdflib-cap", str(cap)], capture_output=True, text=True)
    if proc.returncode:
        print(f"{engine} failed:\n{proc.stderr[-3000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(max(v, 1e-6)) for v in values) / len(values))


def report(size: int, docs: int, triples: int, results: dict) -> str:
    engines = list(results)
    names = sorted(results[engines[0]]["queries"])
    lines = [f"\n### ~{size:,} triples ({docs} documents, {triples:,} triples)\n",
             "| query | " + " | ".join(f"{e} (ms)" for e in engines) + " | rdflib/oxigraph | oxigraph/virtuoso |",
             "|---|" + "---|" * (len(engines) + 2)]
    for n in names:
        cells = []
        for e in engines:
            q = results[e]["queries"][n]
            cells.append((">" if q.get("capped") else "") + f"{1000 * q['seconds']:,.1f}")
        ox = results.get("oxigraph", {}).get("queries", {}).get(n, {}).get("seconds")
        rd = results.get("rdflib", {}).get("queries", {}).get(n, {}).get("seconds")
        vi = results.get("virtuoso", {}).get("queries", {}).get(n, {}).get("seconds")
        r1 = f"{rd / ox:,.0f}×" if ox and rd else "–"
        r2 = f"{ox / vi:,.2f}" if ox and vi else "–"
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {r1} | {r2} |")
    lines.append("")
    for e in engines:
        total = sum(q["seconds"] for q in results[e]["queries"].values())
        lines.append(f"- {e}: load {results[e]['load_seconds']:.1f} s, all queries {total:.2f} s, "
                     f"peak memory {results[e]['peak_mib'] or float('nan'):,.0f} MiB; "
                     f"machine load average after it {results[e].get('load_after', '?')}")
    if "oxigraph" in results:
        ox = results["oxigraph"]["queries"]
        for other in ("rdflib", "virtuoso"):
            if other in results:
                oq = results[other]["queries"]
                ratios = [oq[n]["seconds"] / ox[n]["seconds"] for n in names]
                total = sum(oq[n]["seconds"] for n in names) / sum(ox[n]["seconds"] for n in names)
                lines.append(f"- {other} / oxigraph: total {total:.2f}×, geometric mean per query {geomean(ratios):.2f}×")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rdflib-cap", type=float, default=120.0)
    ap.add_argument("--rdflib-repeat", type=int, default=1, help="timed runs per query on rdflib (it is slow)")
    ap.add_argument("--engines", nargs="+", default=["oxigraph", "rdflib", "virtuoso"])
    ap.add_argument("--worker")
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--out", type=Path, help="also write this raw output, with its provenance, to this file")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.corpus, args.repeat, args.rdflib_cap)))
        return
    from run_record import Record
    from synthetic import write_nquads

    title = f"bench/query.py: the query library on {', '.join(args.engines)}"
    with Record(args.out, title) as record, tempfile.TemporaryDirectory() as d:
        record.line(f"warm medians of {args.repeat} runs (rdflib: {args.rdflib_repeat} run, capped at "
                    f"{args.rdflib_cap:g} s per query; a capped query counts as the cap: its speed-up is a lower bound)")
        for size in args.sizes:
            corpus = Path(d) / f"corpus-{size}.nq"
            start = time.perf_counter()
            docs, triples = write_nquads(size, corpus, link=True)
            record.line(f"corpus: {docs} documents, {triples:,} triples, generated in "
                        f"{time.perf_counter() - start:.1f} s")
            results = {}
            for engine in args.engines:
                print(f"  {engine} …", file=sys.stderr)
                repeat = args.rdflib_repeat if engine == "rdflib" else args.repeat
                outcome = run_engine(engine, corpus, repeat, args.rdflib_cap)
                if outcome is None:
                    record.line(f"{engine}: FAILED (its error is on stderr); left out of the table")
                else:
                    results[engine] = outcome | {"load_after": "/".join(f"{x:.1f}" for x in os.getloadavg())}
            record.line(report(size, docs, triples, results))


if __name__ == "__main__":
    main()
