"""Benchmark: a synthetic corpus end to end — ingest (map + link + write per-document N-Triples), load into the
embedded Oxigraph store and into Virtuoso (bulk loader; chunked Graph Store loads on the smaller sizes, for the
ratio), an incremental reload of 1 % of the documents, then the query library — each step's time, peak memory
(psutil: the step's process and all its children, Virtuoso and query workers included) and disk.

Usage: python bench/corpus.py [--sizes 100 1000 10000] [--real-max 1000] [--chunked-max 1000] [--queries-max 1000]
                              [--work DIR] [--out bench/results/corpus-....md]

Documents: bench/synthetic.py clones parsed real documents (seed + data/) into departments x 3 years and runs each
through the real mapping and linker (`ingest`). Beyond --real-max documents, the rest are made by cloning those
mapped documents' N-Triples with every department-specific token renamed (region and unit codes in the IRIs,
project serials, the department name, the source hash; one regex pass): same shapes and links, distinct IRIs,
checked per clone (no IRI of its source document survives, same triple count). The ingest rate reported is that
of the real pipeline (parse excluded: the documents are cloned models; see bench/ingest.py for parsing).

Each step runs in its own process (`--step`), so its peak memory is its own.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
YEARS = (2022, 2023, 2024)  # synthetic.corpus's default: one department = 3 consecutive documents
QUERY_CAP_SECONDS = 600


# -- measuring ------------------------------------------------------------------------------------------------------

class PeakMemory:
    """Peak resident memory of this process plus all its descendants, sampled by psutil every 0.1 s."""

    def __init__(self):
        import psutil

        self._me, self.peak, self._stop = psutil.Process(), 0, threading.Event()

    def sample(self) -> int:
        import psutil

        total = 0
        for process in [self._me, *self._me.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        self.peak = max(self.peak, total)
        return total

    def _run(self):
        while not self._stop.wait(0.1):
            self.sample()

    def __enter__(self) -> "PeakMemory":
        self.peak = 0
        self.sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
        self._stop.clear()

    @property
    def mib(self) -> float:
        return self.peak / 2**20


def disk_mib(path: Path) -> float:
    """Space the files under `path` take on disk (allocated blocks)."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total / 2**20


def phase(result: dict, name: str, action):
    """Run `action`, recording its wall time and peak memory under `name`; returns its value."""
    with PeakMemory() as memory:
        start = time.perf_counter()
        value = action()
        result[name] = {"seconds": round(time.perf_counter() - start, 2), "peak_mib": round(memory.mib)}
    return value


# -- documents ------------------------------------------------------------------------------------------------------

def tokens(dept: int) -> dict[str, str]:
    """The strings synthetic.synthesise() derives from a department number (must follow it)."""
    return {"sha": f"{dept:032x}", "region": f"{110000 + (dept * 100) % 880000:06d}", "unit": f"{100000 + dept:06d}",
            "serial": f"{dept % 10_000_000:07d}", "name": f"合成{dept}市"}


def clone(text: str, source_dept: int, dept: int) -> str:
    """A mapped document's N-Triples with every department token of `source_dept` renamed to `dept`'s."""
    old, new = tokens(source_dept), tokens(dept)
    mapping = {old[k]: new[k] for k in old}
    pattern = re.compile("|".join(re.escape(t) for t in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def step_generate(docs: int, work: Path, real_max: int) -> dict:
    """Ingest `docs` documents: the first `real_max` through the real mapping + linker, the rest cloned."""
    import synthetic

    out = work / f"docs-{docs}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    manifest, result = [], {"documents": docs}

    def real():
        produced = 0
        for number, (iri, graph) in enumerate(synthetic.corpus(10**12, link=True)):
            if number >= min(docs, real_max):
                break
            dept = number // len(YEARS)
            assert f"-{tokens(dept)['unit']}-" in str(iri), (iri, dept)  # synthetic.corpus's order, as assumed
            path = out / f"{number:06d}.nt"
            text = graph.serialize(format="nt", encoding="utf-8")
            path.write_bytes(text)
            manifest.append({"iri": str(iri), "file": path.name, "triples": len(graph), "dept": dept})
            produced += len(graph)
        return produced

    reuse = work / f"docs-{real_max}"
    if docs > real_max and (reuse / "manifest.json").is_file():  # the real documents of a smaller run
        def copy():
            for m in json.loads((reuse / "manifest.json").read_text("utf-8")):
                shutil.copyfile(reuse / m["file"], out / m["file"])
                manifest.append(m)
            return sum(m["triples"] for m in manifest)

        triples = phase(result, "ingest_real_reused_from_smaller_run", copy)
        result["ingest_real_reused_from_smaller_run"]["documents"] = len(manifest)
    else:
        triples = phase(result, "ingest_real", real)
        result["ingest_real"]["documents"] = len(manifest)

    def cloned():
        produced, bases = 0, [m for m in manifest if m["dept"] < manifest[-1]["dept"] or len(manifest) % len(YEARS) == 0]
        base_depts, first_dept = len(bases) // len(YEARS), manifest[-1]["dept"] + 1
        start = len(manifest)
        for number in range(start, docs):
            k = number - start
            base = bases[(k // len(YEARS)) % base_depts * len(YEARS) + k % len(YEARS)]
            dept = first_dept + k // len(YEARS)
            text = clone((out / base["file"]).read_text(encoding="utf-8"), base["dept"], dept)
            iri = clone(base["iri"], base["dept"], dept)
            assert base["iri"] + ">" not in text and base["iri"] + "/" not in text and iri + ">" in text, (base, iri)
            lines = text.count("\n")
            assert lines == base["triples"], (iri, lines, base["triples"])
            path = out / f"{number:06d}.nt"
            path.write_text(text, encoding="utf-8")
            manifest.append({"iri": iri, "file": path.name, "triples": lines, "dept": dept})
            produced += lines
        return produced

    real_count = len(manifest)
    if docs > len(manifest):
        triples += phase(result, "ingest_cloned", cloned)
        result["ingest_cloned"]["documents"] = docs - real_count
    assert len({m["iri"] for m in manifest}) == docs, "two documents share a graph IRI"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result["triples"] = triples
    result["files_mib"] = round(disk_mib(out))
    return result


def documents(work: Path, docs: int) -> list[tuple[str, Path]]:
    folder = work / f"docs-{docs}"
    return [(m["iri"], folder / m["file"]) for m in json.loads((folder / "manifest.json").read_text("utf-8"))]


def incremental(items: list) -> list:
    """The documents an incremental reload replaces: 1 % of the corpus, at least 10, spread over it."""
    count = max(10, len(items) // 100)
    return items[:: max(1, len(items) // count)][:count]


# -- engines --------------------------------------------------------------------------------------------------------

def run_library(result: dict, run) -> None:
    """Every library query once (default parameters), timed; rows, truncation and failures recorded."""
    from perfkg.queries import list_queries

    queries = {}

    def all_queries():
        for q in list_queries():
            start = time.perf_counter()
            try:
                table = run(q)
                queries[q.name] = {"seconds": round(time.perf_counter() - start, 3),
                                   "rows": len(table) if hasattr(table, "__len__") else 1,
                                   "truncated": bool(getattr(table, "truncated", False))}
            except Exception as e:  # noqa: BLE001 - recorded, the run goes on
                queries[q.name] = {"seconds": round(time.perf_counter() - start, 3), "error": str(e)[:200]}

    phase(result, "queries", all_queries)
    result["query_times"] = queries


def step_embedded(docs: int, work: Path, per_document: bool, queries: bool) -> dict:
    """Full load by bulk_load_quads (the store's initial-load path) from one N-Quads file written from the
    per-document files; with `per_document`, also an atomic replace_graph per document into a second store."""
    from perfkg.backends import VOCABULARY_GRAPH, vocabulary_graph
    from perfkg.store.embedded import EmbeddedStore

    items, result = documents(work, docs), {}
    path, nquads = work / f"oxigraph-{docs}", work / f"corpus-{docs}.nq"
    for old in (path, work / f"oxigraph-{docs}-per-document"):
        shutil.rmtree(old, ignore_errors=True)

    def write_nquads():
        with open(nquads, "w", encoding="utf-8") as out:
            for iri, file in items:
                for line in file.read_text(encoding="utf-8").split("\n"):
                    if line.strip():
                        out.write(f"{line.rstrip()[:-1].rstrip()} <{iri}> .\n")

    if per_document:
        with EmbeddedStore(work / f"oxigraph-{docs}-per-document") as store:
            result["per_document_triples"] = phase(
                result, "load_per_document_atomic", lambda: sum(store.replace_graph(iri, f) for iri, f in items))
        shutil.rmtree(work / f"oxigraph-{docs}-per-document", ignore_errors=True)
    phase(result, "write_nquads", write_nquads)
    with EmbeddedStore(path) as store:
        def load():
            store.replace_graph(str(VOCABULARY_GRAPH), vocabulary_graph())
            return store.bulk_load_quads(nquads)

        result["store_quads"] = phase(result, "load_bulk_quads", load)
        nquads.unlink()
        phase(result, "optimize", store.optimize)
        result["disk_mib"] = round(disk_mib(path))
        changed = incremental(items)
        phase(result, "incremental", lambda: [store.replace_graph(iri, file) for iri, file in changed])
        result["incremental"]["documents"] = len(changed)
        if queries:
            run_library(result, lambda q: store.query(q.text, q.bindings(), timeout=QUERY_CAP_SECONDS))
    shutil.rmtree(path, ignore_errors=True)
    return result


def step_virtuoso(docs: int, work: Path, chunked: bool, queries: bool) -> dict:
    from perfkg.backends import VOCABULARY_GRAPH, vocabulary_graph
    from perfkg.store.virtuoso import VirtuosoServer

    items, result = documents(work, docs), {"path": "chunked Graph Store" if chunked else "bulk loader"}
    data, load_dir = work / f"virtuoso-{docs}", work / f"virtuoso-load-{docs}"
    for d in (data, load_dir):
        shutil.rmtree(d, ignore_errors=True)
    load_dir.mkdir(parents=True)
    server = VirtuosoServer(data, load_dirs=[load_dir], keep=False, buffers=250_000, max_rows=1_000_000,
                            max_query_seconds=QUERY_CAP_SECONDS, max_cost_seconds=100_000)
    with PeakMemory() as whole:
        server.start()
        try:
            store = server.remote_store(timeout=QUERY_CAP_SECONDS, **({} if chunked else {"bulk_dir": load_dir}))
            if not chunked:
                assert store.bulk_loader.available(), store.bulk_loader.unavailable_reason

            def load():
                store.replace_graph(str(VOCABULARY_GRAPH), vocabulary_graph())
                outcomes = store.replace_graphs(items)
                failed = [o for o in outcomes if o.error]
                assert not failed, failed[0].error.message_en
                if chunked:
                    server.isql_exec("checkpoint;", timeout=3600)  # the bulk path checkpoints after each batch
                return sum(o.triples for o in outcomes)

            result["loaded_triples"] = phase(result, "load", load)
            result["server_triples"] = store.triple_count()
            result["disk_mib"] = round(disk_mib(data))
            changed = incremental(items)
            phase(result, "incremental", lambda: store.replace_graphs(changed))
            result["incremental"]["documents"] = len(changed)
            if queries and not chunked:
                run_library(result, lambda q: store.query(q.text, q.bindings(), allow_truncated=True))
        finally:
            server.stop()
    result["whole_step_peak_mib"] = round(whole.mib)
    return result


# -- the run --------------------------------------------------------------------------------------------------------

def run_step(args: list[str], options: list[str]) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, *options, "--step", *args], capture_output=True, text=True)
    if proc.returncode:
        return {"failed": proc.stderr[-1500:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def describe(name: str, outcome: dict) -> list[str]:
    if "failed" in outcome:
        return [f"- {name}: FAILED: {outcome['failed']}"]
    lines = []
    for key, value in outcome.items():
        if isinstance(value, dict) and "seconds" in value:
            extra = f", {value['documents']} documents" if "documents" in value else ""
            lines.append(f"- {name} {key}: {value['seconds']:,.1f} s, peak {value['peak_mib']:,} MiB{extra}")
    facts = {k: v for k, v in outcome.items() if not isinstance(v, dict)}
    if facts:
        lines.append(f"- {name}: " + ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                                               for k, v in facts.items()))
    return lines


def query_table(engines: dict[str, dict]) -> list[str]:
    names = sorted({n for e in engines.values() for n in e.get("query_times", {})})
    if not names:
        return []
    lines = ["", "| query | " + " | ".join(f"{e} (s)" for e in engines) + " | rows |",
             "|---|" + "---|" * (len(engines) + 1)]
    for n in names:
        cells, rows = [], set()
        for e in engines.values():
            q = e.get("query_times", {}).get(n, {})
            cell = "–" if not q else (f"ERROR {q['error'][:60]}" if "error" in q else f"{q['seconds']:,.2f}")
            cells.append(cell + (" (truncated)" if q.get("truncated") else ""))
            if "rows" in q:
                rows.add(q["rows"])
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {'/'.join(map(str, sorted(rows)))} |")
    return lines + [""]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000])
    ap.add_argument("--real-max", type=int, default=1000, help="documents made by the real pipeline; the rest cloned")
    ap.add_argument("--chunked-max", type=int, default=1000, help="largest size also loaded by chunked Graph Store")
    ap.add_argument("--queries-max", type=int, default=1000, help="largest size the query library runs on")
    ap.add_argument("--engines", nargs="+", default=["oxigraph", "virtuoso"])
    ap.add_argument("--work", type=Path, help="working directory (default: a temporary one, removed)")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        kind, docs, work = args.step[0], int(args.step[1]), Path(args.step[2])
        queries = docs <= args.queries_max
        if kind == "generate":
            outcome = step_generate(docs, work, args.real_max)
        elif kind == "oxigraph":
            outcome = step_embedded(docs, work, per_document=docs <= args.chunked_max, queries=queries)
        else:
            outcome = step_virtuoso(docs, work, chunked=kind == "virtuoso-chunked", queries=queries)
        print(json.dumps(outcome))
        return
    import tempfile

    from run_record import Record

    work = args.work or Path(tempfile.mkdtemp(prefix="perfkg-corpus-"))
    with Record(args.out, "bench/corpus.py: a synthetic corpus end to end (ingest, load, incremental, queries)") as rec:
        rec.line(f"sizes {args.sizes}; real pipeline for the first {args.real_max} documents, the rest cloned; "
                 f"per-document loads (Oxigraph atomic, Virtuoso chunked Graph Store) up to {args.chunked_max} "
                 f"documents; the query library up to {args.queries_max} documents, each query run once, capped at "
                 f"{QUERY_CAP_SECONDS} s; memory = peak RSS of the step's process tree (psutil, every 0.1 s)")
        options = ["--real-max", str(args.real_max), "--chunked-max", str(args.chunked_max),
                   "--queries-max", str(args.queries_max)]
        try:
            for size in args.sizes:
                rec.line(f"\n### {size:,} documents\n")
                generated = run_step(["generate", str(size), str(work)], options)
                for line in describe("ingest", generated):
                    rec.line(line)
                if "failed" in generated:
                    continue
                engines = {}
                kinds = list(args.engines) + (["virtuoso-chunked"] if "virtuoso" in args.engines
                                               and size <= args.chunked_max else [])
                for kind in kinds:
                    print(f"  {size} {kind} …", file=sys.stderr, flush=True)
                    outcome = run_step([kind, str(size), str(work)], options)
                    outcome["load_after"] = "/".join(f"{x:.1f}" for x in os.getloadavg())
                    engines[kind] = outcome
                    for line in describe(kind, outcome):
                        rec.line(line)
                for line in query_table({k: v for k, v in engines.items() if "query_times" in v}):
                    rec.line(line)
                if size != args.real_max:  # kept for reuse by a larger size
                    shutil.rmtree(work / f"docs-{size}", ignore_errors=True)
        finally:
            if args.work is None:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
