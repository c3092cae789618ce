"""The embedded persistent store: one pyoxigraph Store, one named graph per document, locking, writes and export."""
from __future__ import annotations

import gc
import os
import threading
from pathlib import Path
from typing import BinaryIO, Iterable

import pyoxigraph as ox
from rdflib import Graph

from perfkg.errors import PerfkgError
from perfkg.store.errors import QueryError, QueryRefused, QuerySyntaxError, QueryTimeout, StoreError
from perfkg.store.oxigraph_query import QueryOutcome, QueryRequest, execute
from perfkg.store.oxigraph_terms import graph_node, to_oxigraph, to_rdflib
from perfkg.store.query_workers import QueryWorker, run_forked

# How this module uses pyoxigraph 0.5 (queries, bindings, timeouts: see oxigraph_query and query_workers):
# * Atomic replace: the Python API has no transaction object, but ``Store.update`` runs the whole update
#   request — all its operations — in one storage transaction (oxigraph ``Store::update_opt``). So
#   ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }`` swaps a graph atomically; a failing later
#   operation leaves the old content in place (tests/test_embedded_store.py proves it).

LOCK_NAME = "perfkg.lock"
_FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE}
DEFAULT_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
}


def take_store_lock(path: Path, exclusive: bool) -> int | None:
    """An advisory lock beside RocksDB's own: writers exclude readers from other processes and vice versa."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory lock
        return None
    try:
        fd = os.open(path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None  # read-only directory: nobody can write it anyway
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        if exclusive:
            raise StoreError(f"存储目录 {path} 正被另一个进程使用（perfkg serve 或另一次加载）；请先停止它",
                             f"the store {path} is in use by another process (perfkg serve or another load); "
                             "stop it first") from None
        raise StoreError(f"存储目录 {path} 正被另一个进程写入；请等它完成",
                         f"the store {path} is being written by another process; wait until it finishes") from None
    return fd


def _open(path: Path, read_only: bool) -> ox.Store:
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as e:
        if "lock" in str(e).lower():
            raise StoreError(f"存储目录 {path} 已被另一个进程以读写方式打开", f"the store {path} is open read-write "
                             f"by another process") from None
        raise StoreError(f"无法打开存储目录 {path}：{e}", f"cannot open the store {path}: {e}") from None


class EmbeddedStore:
    """A persistent (or in-memory) Oxigraph store holding one named graph per document (a TripleStore)."""

    name = "oxigraph"

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, lock: bool = True):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._lock_fd = None
        self._write_lock = threading.RLock()
        self._generation = 0
        self._worker: QueryWorker | None = None
        if self.path is None:
            if read_only:
                raise StoreError("只读打开需要存储目录", "read-only opening needs a store directory")
            self._store = ox.Store()
            return
        if read_only and not (self.path / "CURRENT").is_file():
            raise StoreError(f"{self.path} 不是 perfkg 存储目录（没有数据）",
                             f"{self.path} is not a perfkg store directory (no data there)")
        if not read_only:
            self.path.mkdir(parents=True, exist_ok=True)
        if lock:
            self._lock_fd = take_store_lock(self.path, exclusive=not read_only)
        try:
            self._store = _open(self.path, read_only)
        except StoreError:
            self._release_lock()
            raise

    # -- context manager and lifetime

    def __enter__(self) -> "EmbeddedStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Flush, stop the timeout worker, release the store (RocksDB lock) and the advisory lock."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        if getattr(self, "_store", None) is not None:
            if self.path is not None and not self.read_only:
                self._store.flush()
            self._store = None  # pyoxigraph has no close(): dropping the last reference closes RocksDB
            if self.path is not None:  # a caught exception's traceback may keep a query frame, and the Store, in a
                gc.collect()  # reference cycle: without this, reopening the directory in this process fails (locked)
        self._release_lock()

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    def _live(self) -> ox.Store:
        if self._store is None:
            raise StoreError("存储已关闭", "the store is closed")
        return self._store

    def _writable(self) -> ox.Store:
        self._live()
        if self.read_only:
            raise StoreError("存储以只读方式打开", "the store is open read-only")
        return self._store

    def flush(self) -> None:
        """Make every write durable on disk (RocksDB also flushes in the background)."""
        if self.path is not None and not self.read_only:
            self._store.flush()

    def optimize(self) -> None:
        """Compact the database; worth it once after a large batch of loads."""
        if self.path is not None and not self.read_only:
            self._store.optimize()

    # -- writing

    def replace_graph(self, graph_iri: str, data: Graph | str | Path, *, atomic: bool = True) -> int:
        """Replace a document's named graph with `data` (rdflib Graph or .nt/.ttl file); returns its triple count.

        atomic=True (default): one SPARQL update (DROP + INSERT DATA) = one transaction, so no reader ever
        sees the graph half-loaded. atomic=False: remove_graph + bulk_load, much faster and leaner for
        graphs of ~10^6 triples, but the graph is briefly empty or partial.
        """
        store, name = self._writable(), graph_node(graph_iri)
        ntriples = _ntriples(data)
        with self._write_lock:
            if atomic:
                try:
                    store.update(f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n"
                                 + ntriples.decode("utf-8") + "\n} }")
                except (SyntaxError, RuntimeError, OSError) as e:
                    raise StoreError(f"写入图 {graph_iri} 失败，原内容保持不变：{e}",
                                     f"replacing graph {graph_iri} failed, its old content is unchanged: {e}") from None
            else:
                if store.contains_named_graph(name):
                    store.remove_graph(name)
                store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
            self._generation += 1
        return self.triple_count(graph_iri)

    def bulk_load_quads(self, path: str | Path, *, chunk_quads: int = 50_000) -> int:
        """Initial load of a whole corpus from one N-Quads file (one named graph per document): fast, not atomic.

        Graphs named in the file are replaced: each is removed first, then the file is bulk-loaded in chunks of
        `chunk_quads` lines, which keeps memory flat (measured at 1M quads: 115 MiB peak in chunks of 50k against
        933 MiB in one call, and faster). A file with blank nodes is loaded in one call, because blank-node labels
        are scoped to one parse. Returns the store's quad count.
        """
        store = self._writable()
        with self._write_lock:
            names, has_bnodes = set(), False
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
                names.add(quad.graph_name)
                has_bnodes = has_bnodes or isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
            for name in names:
                if isinstance(name, ox.NamedNode) and store.contains_named_graph(name):
                    store.remove_graph(name)
            if has_bnodes:
                store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            else:
                chunk: list[bytes] = []
                with open(path, "rb") as f:
                    for line in f:
                        chunk.append(line)
                        if len(chunk) >= chunk_quads:
                            store.bulk_load(b"".join(chunk), format=ox.RdfFormat.N_QUADS)
                            chunk = []
                if chunk:
                    store.bulk_load(b"".join(chunk), format=ox.RdfFormat.N_QUADS)
            self._generation += 1
        return len(store)

    def drop_graph(self, graph_iri: str) -> bool:
        """Remove a document's graph; returns whether it was there."""
        store, name = self._writable(), graph_node(graph_iri)
        with self._write_lock:
            if not store.contains_named_graph(name):
                return False
            store.remove_graph(name)
            self._generation += 1
        return True

    # -- reading

    def graphs(self) -> dict[str, int]:
        """Every named graph (sorted by IRI) with its triple count; empty named graphs count 0."""
        store = self._live()
        counts = {str(g.value if isinstance(g, ox.NamedNode) else g): 0 for g in store.named_graphs()}
        for row in store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
            g = row["g"]
            counts[g.value if isinstance(g, ox.NamedNode) else str(g)] = int(row["n"].value)
        return dict(sorted(counts.items()))

    def triple_count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or quads in the whole store when graph is None."""
        store = self._live()
        if graph is None:
            return len(store)
        name = graph_node(graph)
        rows = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH {name} {{ ?s ?p ?o }} }}")
        return int(next(iter(rows))["n"].value)

    def query(self, sparql: str, bindings: dict | None = None, *, union_default_graph: bool = True,
              timeout: float | None = None, max_rows: int | None = None,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None):
        """SELECT -> ResultTable, CONSTRUCT/DESCRIBE -> rdflib Graph, ASK -> bool.

        bindings: {variable: rdflib term}. timeout (seconds): run in a killable worker process and raise
        QueryTimeout when it overruns. max_rows: cut the answer there and set `.truncated`.
        """
        request = QueryRequest(sparql, dict(bindings or {}), union_default_graph, default_graphs, named_graphs,
                               max_rows, self._generation)
        store = self._live()
        if timeout is None:
            return execute(store, request).value()
        if self.path is None:
            return run_forked(store, request, timeout).value()
        with self._write_lock:  # no write while a worker reads the files
            return self._timed(request, timeout).value()

    def _timed(self, request: QueryRequest, timeout: float) -> QueryOutcome:
        if self._worker is None or not self._worker.alive:
            self._worker = QueryWorker(self.path)
        try:
            return self._worker.run(request, timeout)
        except QueryTimeout:
            self._worker = None  # killed; the next timed query starts a fresh one
            raise

    # -- export

    def export(self, fmt: str, out: str | Path | BinaryIO | None = None, *, canonical: bool = True,
               prefixes: dict[str, str] | None = None) -> bytes | None:
        """Write the whole dataset as "trig" or "nquads", sorted, so that equal stores give equal bytes.

        canonical=True relabels blank nodes with RDFC-1.0, so a store rebuilt from the same documents
        exports byte-identically too. Returns the bytes when out is None.
        """
        if fmt not in ("trig", "nquads"):
            raise PerfkgError(f"未知的导出格式“{fmt}”，可用：trig、nquads",
                              f"unknown export format {fmt!r}; choose trig or nquads")
        data = _sorted_dump(self._live(), fmt, canonical, DEFAULT_PREFIXES if prefixes is None else prefixes)
        if out is None:
            return data
        if isinstance(out, (str, Path)):
            Path(out).write_bytes(data)
        else:
            out.write(data)
        return None


def _ntriples(data: Graph | str | Path) -> bytes:
    """Canonical N-Triples for the input, re-serialised by pyoxigraph (so nothing unparsed reaches SPARQL)."""
    if isinstance(data, Graph):
        source, fmt, base = data.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES, None
    else:
        path = Path(data)
        fmt = _FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise PerfkgError(f"{path}: 只支持 N-Triples (.nt) 或 Turtle (.ttl) 文件",
                              f"{path}: only N-Triples (.nt) or Turtle (.ttl) files are supported")
        if not path.is_file():
            raise PerfkgError(f"{path}: 文件不存在", f"{path}: no such file")
        source, base = path.read_bytes(), path.resolve().as_uri()
    try:
        triples = [q.triple for q in ox.parse(source, format=fmt, base_iri=base)]
    except SyntaxError as e:
        raise PerfkgError(f"RDF 数据无法解析：{e}", f"the RDF data does not parse: {e}") from None
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _sort_key(quad) -> tuple[str, str, str, str]:
    graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
    return graph, str(quad.subject), str(quad.predicate), str(quad.object)


def _sorted_dump(store: ox.Store, fmt: str, canonical: bool, prefixes: dict[str, str]) -> bytes:
    quads: Iterable = store
    if canonical:
        dataset = ox.Dataset(store)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = dataset
    ordered = sorted(quads, key=_sort_key)
    if fmt == "nquads":
        return ox.serialize(ordered, format=ox.RdfFormat.N_QUADS)
    text = ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=prefixes).decode("utf-8")
    lines = text.split("\n")
    head = [line for line in lines if line.startswith("@prefix ")]
    body = lines[len(head):]
    return "\n".join(sorted(head) + body).encode("utf-8")


__all__ = ["EmbeddedStore", "QueryWorker", "QueryRequest", "QueryOutcome", "QueryError", "QuerySyntaxError",
           "QueryRefused", "QueryTimeout", "StoreError", "execute", "to_rdflib", "to_oxigraph", "graph_node",
           "take_store_lock"]
