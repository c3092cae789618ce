"""Load on `perfkg serve`: concurrent clients running the query library over HTTP, against the same queries run
directly on the embedded store in the same run, and with a slow query running beside them.

Phases, each `--seconds` long, on the synthetic corpus (bench/synthetic.py, linked, ~`--triples` triples):
  direct   `--clients` threads hand the queries to `--workers` processes that each hold the store open read-only and
           run EmbeddedStore.query (a FIFO pool: the server's shape without HTTP, so the web layer's overhead is the
           difference; processes, because rdflib's parser, which EmbeddedStore.query uses, is not thread-safe);
  web      `--clients` threads POST the same query texts to /sparql of a real `perfkg serve` subprocess;
  web+slow the same, plus one more client that keeps sending a query that only the time limit stops;
  library  `--clients` threads GET /query/NAME.json (the workbench's library downloads: parameters bound by the
           page, W3C JSON back).
Before the direct and the web phases, `--warmup` untimed seconds of the same load (each query worker checks a query
text once, then caches the verdict). Every client walks the library from its own starting point, so all queries are in flight at once. Latency is per
request, from send to the last byte read; throughput is completed requests per second.

Usage: python bench/serve.py [--triples 100000] [--clients 20] [--seconds 60] [--workers 4] [--out FILE]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from run_record import Record  # noqa: E402
from synthetic import write_nquads  # noqa: E402

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # runs until the time limit stops it


def library() -> list[tuple[str, str]]:
    """(name, query text with its default parameters bound) for every library query."""
    from perfkg.queries import list_queries
    from perfkg.store.sparql_text import bind_values

    return [(q.name, bind_values(q.text, q.bindings())) for q in list_queries()]


_STORE = None


def open_store(path: str) -> None:
    """A direct-path process: the store open read-only, as a server worker holds it."""
    global _STORE
    from perfkg.store.embedded import EmbeddedStore

    _STORE = EmbeddedStore(path, read_only=True, lock=False)


def run_direct(text: str) -> int:
    value = _STORE.query(text)
    return len(value) if not isinstance(value, bool) else 1


def build_store(triples: int, folder: Path) -> tuple[Path, int, int]:
    from perfkg.backends import VOCABULARY_GRAPH, vocabulary_graph
    from perfkg.store.embedded import EmbeddedStore

    corpus = folder / "corpus.nq"
    docs, count = write_nquads(triples, corpus, link=True)
    store_path = folder / "store"
    with EmbeddedStore(store_path) as store:
        store.bulk_load_quads(corpus)
        store.replace_graph(str(VOCABULARY_GRAPH), vocabulary_graph())
        store.optimize()
    return store_path, docs, count


def drive(clients: int, seconds: float, call, queries: list[tuple[str, str]]) -> dict[str, list[float]]:
    """`clients` threads calling call(name, text) in turn until the time is up; latencies by query name."""
    latencies: dict[str, list[float]] = {name: [] for name, _ in queries}
    failures: list[str] = []
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def client(offset: int) -> None:
        i = offset
        while time.monotonic() < deadline:
            name, text = queries[i % len(queries)]
            started = time.perf_counter()
            try:
                call(name, text)
            except Exception as e:  # noqa: BLE001 — counted and reported, never hidden
                with lock:
                    failures.append(f"{name}: {e}")
            else:
                with lock:
                    latencies[name].append(time.perf_counter() - started)
            i += 1

    threads = [threading.Thread(target=client, args=(k * len(queries) // clients,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies["__failures__"] = failures  # type: ignore[assignment]
    return latencies


def summary(label: str, result: dict, seconds: float) -> dict:
    failures = result.pop("__failures__")
    pooled = [x for values in result.values() for x in values]
    cuts = statistics.quantiles(pooled, n=100) if len(pooled) > 1 else [float("nan")] * 99
    return {"label": label, "requests": len(pooled), "failures": failures, "throughput": len(pooled) / seconds,
            "p50": cuts[49], "p95": cuts[94], "per_query": {k: statistics.median(v) for k, v in result.items() if v}}


class Server:
    """A real `perfkg serve` subprocess on a free loopback port."""

    def __init__(self, store: Path, *flags: str):
        self.process = subprocess.Popen([sys.executable, "-m", "perfkg", "serve", "--store", str(store), "--port", "0",
                                         *flags], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
        for line in self.process.stderr:
            m = re.search(r"(http://[\d.]+:\d+)/sparql", line)
            if m:
                self.url = m.group(1)
                break
        else:
            raise SystemExit("perfkg serve did not start")
        threading.Thread(target=lambda: [None for _ in self.process.stderr], daemon=True).start()

    def memory(self) -> str:
        """Resident memory of the server and its query workers (PSS: shared pages counted once, in shares)."""
        import psutil

        server = psutil.Process(self.process.pid)
        workers = [p for p in server.children() if "perfkg.web.worker" in " ".join(p.cmdline())]
        pss = [p.memory_full_info().pss / 2**20 for p in workers]
        return (f"memory after the web phase: server {server.memory_full_info().pss / 2**20:.0f} MiB PSS, "
                f"{len(workers)} workers {sum(pss):.0f} MiB PSS in total ({max(pss):.0f} MiB the largest)")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def web_call(url: str):
    local = threading.local()

    def call(name: str, text: str) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, timeout=300)
        r = local.client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}: {r.text[:120]}")
    return call


def library_call(url: str):
    local = threading.local()

    def call(name: str, text: str) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, timeout=300)
        r = local.client.get(f"/query/{name}.json")
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}: {r.text[:120]}")
    return call


def slow_client(url: str, stop: threading.Event, outcomes: list[int]) -> None:
    with httpx.Client(base_url=url, timeout=300) as client:
        while not stop.is_set():
            outcomes.append(client.post("/sparql", data={"query": SLOW}).status_code)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1),
                    help="perfkg serve --workers (default: two per CPU; each worker checks every query text once with "
                    "rdflib's parser, so many workers pay that many times)")
    ap.add_argument("--timeout", type=float, default=10, help="perfkg serve --timeout (stops the slow query)")
    ap.add_argument("--warmup", type=float, default=30, help="untimed seconds before each path's first phase")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    title = f"bench/serve.py: {args.clients} clients x {args.seconds:g} s, web layer vs embedded store"
    with Record(args.out, title) as record, tempfile.TemporaryDirectory() as d:
        started = time.perf_counter()
        store_path, docs, count = build_store(args.triples, Path(d))
        record.line(f"corpus: {docs} documents, {count} triples (bench/synthetic.py, linked); built and loaded in "
                    f"{time.perf_counter() - started:.1f} s")
        queries = library()
        record.line(f"queries: the {len(queries)} library queries with their default parameters; "
                    f"perfkg serve --workers {args.workers} --timeout {args.timeout:g} --queue {4 * args.clients}")
        results = []

        with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=open_store, initargs=(str(store_path),)) as pool:
            direct = lambda n, t: pool.submit(run_direct, t).result()  # noqa: E731
            drive(args.clients, args.warmup, direct, queries)  # untimed: pages warm, as in a server
            results.append(summary(f"direct (EmbeddedStore.query in {args.workers} processes)",
                                   drive(args.clients, args.seconds, direct, queries), args.seconds))
        flags = ("--workers", str(args.workers), "--timeout", f"{args.timeout:g}", "--queue", str(4 * args.clients),
                 "--max-connections", str(8 * args.clients))
        server = Server(store_path, *flags)
        try:
            drive(args.clients, args.warmup, web_call(server.url), queries)  # untimed: each worker parses each query once
            results.append(summary("web: POST /sparql", drive(args.clients, args.seconds, web_call(server.url), queries),
                                   args.seconds))
            record.line(server.memory())
            stop, outcomes = threading.Event(), []
            slow = threading.Thread(target=slow_client, args=(server.url, stop, outcomes))
            slow.start()
            time.sleep(1)
            results.append(summary("web: POST /sparql, slow query beside", drive(
                args.clients, args.seconds, web_call(server.url), queries), args.seconds))
            stop.set()
            slow.join()
            results.append(summary("web: GET /query/NAME.json (workbench library)", drive(
                args.clients, args.seconds, library_call(server.url), queries), args.seconds))
        finally:
            server.stop()
        report(record, results, outcomes, args)


def report(record: Record, results: list[dict], slow_outcomes: list[int], args) -> None:
    direct, web, slow, lib = results
    record.line()
    record.line("| phase | requests | failed | throughput (req/s) | p50 (ms) | p95 (ms) |")
    record.line("|---|---|---|---|---|---|")
    for r in results:
        record.line(f"| {r['label']} | {r['requests']} | {len(r['failures'])} | {r['throughput']:.1f} | "
                    f"{r['p50'] * 1000:.1f} | {r['p95'] * 1000:.1f} |")
    record.line()
    record.line(f"web layer overhead at p50 (web / direct): {web['p50'] / direct['p50']:.2f}x "
                f"(target <= 1.2x); at p95: {web['p95'] / direct['p95']:.2f}x; "
                f"throughput web / direct: {web['throughput'] / direct['throughput']:.2f}x")
    record.line(f"slow query beside the others: their p95 {slow['p95'] / web['p95']:.2f}x of without (target <= 1.5x), "
                f"p50 {slow['p50'] / web['p50']:.2f}x; the slow query was answered "
                f"{', '.join(f'{s}: {slow_outcomes.count(s)}' for s in sorted(set(slow_outcomes)))} "
                f"(503 = stopped at the {args.timeout:g} s limit)")
    record.line(f"workbench library downloads / direct at p50: {lib['p50'] / direct['p50']:.2f}x")
    record.line()
    record.line("| query | direct p50 (ms) | web p50 (ms) | ratio | web+slow p50 (ms) | library p50 (ms) |")
    record.line("|---|---|---|---|---|---|")
    for name in sorted(direct["per_query"]):
        d, w = direct["per_query"][name], web["per_query"].get(name, float("nan"))
        record.line(f"| {name} | {d * 1000:.1f} | {w * 1000:.1f} | {w / d:.2f} | "
                    f"{slow['per_query'].get(name, float('nan')) * 1000:.1f} | "
                    f"{lib['per_query'].get(name, float('nan')) * 1000:.1f} |")
    for r in results:
        for failure in sorted(set(r["failures"]))[:5]:
            record.line(f"failure in {r['label']}: {failure}")


if __name__ == "__main__":
    main()
