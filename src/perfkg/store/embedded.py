"""The embedded persistent store: one pyoxigraph Store, one named graph per document, killable timed queries."""
from __future__ import annotations

import importlib
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import BinaryIO, Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from perfkg.errors import PerfkgError
from perfkg.results import ResultTable

# What pyoxigraph 0.5 offers, and how this module uses it (verified on 0.5.13):
# * Atomic replace: the Python API has no transaction object, but ``Store.update`` runs the whole update
#   request — all its operations — in one storage transaction (oxigraph ``Store::update_opt``). So
#   ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }`` swaps a graph atomically; a failing later
#   operation leaves the old content in place (tests/test_embedded_store.py proves it).
# * Bindings: ``Store.query(substitutions=…)`` (SEP-0007) binds RDF terms, but only variables of the outer
#   SELECT projection (else RuntimeError); for the others a VALUES block is put at the start of the WHERE
#   pattern (not after the query: see bind_with_values), built from validated pyoxigraph terms.
# * Timeouts: ``Store.query`` has no timeout and no cancellation (oxigraph issue #1926; the Rust-only
#   CancellationToken of PR #1409 is not exposed). A timed query therefore runs in a child process that is
#   killed when the time is up: a read-only instance (``Store.read_only``) for a store on disk, a fork for an
#   in-memory store.
# * Union default graph: ``use_default_graph_as_union=True``, except for queries with FROM / FROM NAMED (the
#   option would silently override them). Oxigraph counts a triple once per graph that holds it (like
#   Virtuoso); rdflib's ``Dataset(default_union=True)`` counts it once. Use DISTINCT when the same triple can
#   sit in several document graphs.
# * Numeric, boolean and date literals are stored by value: "40.00"^^xsd:decimal comes back as "40",
#   "007"^^xsd:integer as "7"; two lexical forms of one value become one triple.

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LOCK_NAME = "perfkg.lock"
_FORMATS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE}
_VARNAME = re.compile(r"^\w+$")
DEFAULT_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
}


# -- errors ------------------------------------------------------------------------------------


class StoreError(PerfkgError):
    """The store cannot be opened or written."""


class QueryError(PerfkgError):
    """A query failed while it ran (or its worker died)."""


class QuerySyntaxError(QueryError):
    """The query text does not parse."""


class QueryRefused(QueryError):
    """The query is not allowed here (an update, or SERVICE on a read-only endpoint)."""


class QueryTimeout(QueryError):
    """The query ran longer than its time limit and was stopped."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"查询超过 {seconds:g} 秒时限，已被终止（工作进程已结束）",
                         f"the query exceeded its {seconds:g} s time limit and was stopped "
                         "(its worker process was killed)")


_ERRORS = {cls.__name__: cls for cls in (PerfkgError, StoreError, QueryError, QuerySyntaxError, QueryRefused)}


def _error_reply(exc: PerfkgError) -> tuple:
    return ("err", type(exc).__name__, exc.message_zh, exc.message_en)


def _raise_reply(reply: tuple):
    _, name, zh, en = reply
    raise _ERRORS.get(name, QueryError)(zh, en)


# -- term conversion -----------------------------------------------------------------------------


def to_rdflib(term, cache: dict | None = None) -> Node | None:
    """A pyoxigraph term as the equal rdflib term (xsd:string literals become plain literals)."""
    if term is None:
        return None
    if cache is not None:
        hit = cache.get(term)
        if hit is None:
            hit = cache[term] = to_rdflib(term)
        return hit
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)
    if kind is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if kind is ox.BlankNode:
        return BNode(term.value)
    raise QueryError(f"不支持的 RDF 项：{term}", f"unsupported RDF term (RDF-star?): {term}")


def to_oxigraph(term: Node):
    """An rdflib term as a pyoxigraph term; IRIs are validated, anything else is refused."""
    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
    except ValueError as e:
        raise PerfkgError(f"无效的 RDF 项 {term!r}：{e}", f"invalid RDF term {term!r}: {e}") from None
    raise PerfkgError(f"绑定值必须是 RDF 项（URIRef/Literal/BNode），而不是 {type(term).__name__}",
                      f"binding values must be RDF terms (URIRef/Literal/BNode), not {type(term).__name__}")


def graph_node(iri: str) -> ox.NamedNode:
    """A graph IRI as a validated pyoxigraph NamedNode (StoreError when it is not an IRI)."""
    try:
        return ox.NamedNode(str(iri))
    except ValueError as e:
        raise StoreError(f"无效的图 IRI“{iri}”：{e}", f"invalid graph IRI {iri!r}: {e}") from None


# -- query execution (in this process or in a worker) --------------------------------------------


@dataclass
class QueryRequest:
    """Everything a worker needs to run one query; picklable."""

    sparql: str
    bindings: dict[str, Node] = field(default_factory=dict)
    union_default_graph: bool = True
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    max_rows: int | None = None
    generation: int = 0


@dataclass
class QueryOutcome:
    """An engine-neutral answer: a table, a boolean or triples, and whether it was cut at max_rows."""

    kind: str  # "select" | "ask" | "graph"
    table: ResultTable | None = None
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] | None = None
    truncated: bool = False

    def value(self):
        """What EmbeddedStore.query returns: ResultTable, bool or rdflib Graph."""
        if self.kind == "select":
            return self.table
        if self.kind == "ask":
            return self.boolean
        graph = Graph()
        for triple in self.triples:
            graph.add(triple)
        graph.truncated = self.truncated
        return graph


def _bindings(bindings: dict | None) -> dict[str, object]:
    out = {}
    for name, term in (bindings or {}).items():
        name = str(name).lstrip("?$")
        if not _VARNAME.match(name):
            raise PerfkgError(f"无效的变量名“{name}”", f"invalid variable name {name!r}")
        out[name] = to_oxigraph(term)
    return out


def _values_block(terms: dict[str, object]) -> str:
    if any(isinstance(t, ox.BlankNode) for t in terms.values()):
        raise PerfkgError("VALUES 中不能绑定空白节点", "a blank node cannot be bound through VALUES")
    names = sorted(terms)
    return " VALUES (%s) { (%s) } " % (" ".join("?" + n for n in names), " ".join(str(terms[n]) for n in names))


# Strings, IRIs and comments (never keywords), then braces and bare tokens.
_NOISE = r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
_LEXER = re.compile(rf"(?P<noise>{_NOISE})|(?P<open>\{{)|(?P<close>\}})|(?P<word>[^\s{{}}()\[\],;<>\"'#]+)")


def _tokens(sparql: str):
    """(kind, text, end offset, brace depth) for every token outside strings, IRIs and comments."""
    depth = 0
    for m in _LEXER.finditer(sparql):
        kind = m.lastgroup
        if kind == "close":
            depth -= 1
        if kind != "noise":
            yield kind, m.group(), m.end(), depth
        if kind == "open":
            depth += 1


def has_dataset_clause(sparql: str) -> bool:
    """Whether the query names its own dataset (FROM / FROM NAMED), which the union option would override."""
    return any(kind == "word" and text.upper() == "FROM" for kind, text, _, _ in _tokens(sparql))


def where_offset(sparql: str) -> int | None:
    """Offset just inside the `{` that opens the WHERE pattern (CONSTRUCT's template skipped), or None."""
    form, where, groups = None, False, 0
    for kind, text, end, depth in _tokens(sparql):
        if depth:
            continue
        if kind == "word":
            word = text.upper()
            form = form or (word if word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE") else None)
            where = where or word == "WHERE"
        elif kind == "open":
            if where or form in ("SELECT", "ASK", "DESCRIBE") or groups:
                return end
            groups += 1
    return None


def bind_with_values(sparql: str, terms: dict[str, object]) -> str:
    """The query with a VALUES block as the first element of its WHERE pattern.

    Inside the pattern, not after the query: a trailing VALUES joins after GROUP BY, so it would not
    restrict an aggregate over a variable that is not projected (verified on Oxigraph: COUNT stays 3, not 2).
    """
    at = where_offset(sparql)
    if at is None:
        return sparql + "\n" + _values_block(terms)
    return sparql[:at] + _values_block(terms) + sparql[at:]


def _run(store: ox.Store, request: QueryRequest):
    terms = _bindings(request.bindings)
    union = request.union_default_graph and not has_dataset_clause(request.sparql)
    options = {"use_default_graph_as_union": union}
    if request.default_graphs is not None:
        options = {"default_graph": [graph_node(g) for g in request.default_graphs]}
    if request.named_graphs is not None:
        options["named_graphs"] = [graph_node(g) for g in request.named_graphs]
    try:
        if not terms:
            return store.query(request.sparql, **options)
        try:
            return store.query(request.sparql, substitutions={ox.Variable(n): t for n, t in terms.items()}, **options)
        except RuntimeError as first:  # only projected variables can be substituted
            try:
                return store.query(bind_with_values(request.sparql, terms), **options)
            except (SyntaxError, RuntimeError):
                raise first from None
    except SyntaxError as e:
        raise QuerySyntaxError(f"SPARQL 语法错误：{e}", f"SPARQL syntax error: {e}") from None
    except (RuntimeError, OSError, ValueError) as e:
        raise QueryError(f"查询失败：{e}", f"query failed: {e}") from None


def execute(store: ox.Store, request: QueryRequest) -> QueryOutcome:
    """Run one query on a pyoxigraph Store and convert the answer to rdflib terms."""
    result = _run(store, request)
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("ask", boolean=bool(result))
    limit, cache, truncated = request.max_rows, {}, False
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(tuple(to_rdflib(solution[i], cache) for i in range(len(names))))
        return QueryOutcome("select", table=ResultTable(names, rows, truncated), truncated=truncated)
    triples = []
    for t in result:
        if limit is not None and len(triples) >= limit:
            truncated = True
            break
        triples.append((to_rdflib(t.subject, cache), to_rdflib(t.predicate, cache), to_rdflib(t.object, cache)))
    return QueryOutcome("graph", triples=triples, truncated=truncated)


# -- killable worker processes -------------------------------------------------------------------

def _worker_entry() -> None:
    """Entry point of a worker process: `python -c ... <fd> <store path> [<guard module:name>]`."""
    fd, path = int(sys.argv[1]), sys.argv[2]
    guard = _resolve(sys.argv[3]) if len(sys.argv) > 3 else None
    _worker_main(Connection(fd), path, guard)


def _resolve(ref: str):
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _worker_main(conn, path: str, guard) -> None:
    """A worker's life: open the store read-only, then answer requests until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    try:
        store = EmbeddedStore(path, read_only=True, lock=False)
    except PerfkgError as e:
        conn.send(_error_reply(e))
        return
    if guard is not None:
        _answer(store, QueryRequest("ASK {}"), guard)  # warm up: the guard's parser builds its grammar once
    conn.send(("ready", os.getpid()))
    generation = 0
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        if request.generation != generation:  # the parent wrote: a read-only instance is a snapshot
            store.close()
            store = EmbeddedStore(path, read_only=True, lock=False)
            generation = request.generation
        conn.send(_answer(store, request, guard))


def _exit_with_parent(parent: int) -> None:
    """A worker must not outlive its parent, even in the middle of a query (pyoxigraph releases the GIL)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _answer(store: "EmbeddedStore", request: QueryRequest, guard) -> tuple:
    try:
        if guard is not None:
            guard(request.sparql)
        return ("ok", execute(store._store, request))
    except PerfkgError as e:
        return _error_reply(e)
    except Exception as e:  # noqa: BLE001 — any failure becomes a bilingual reply, never a dead worker
        return ("err", "QueryError", f"查询失败：{e}", f"query failed: {e}")


class QueryWorker:
    """One warm child process with the store open read-only; killed (and gone) when a query overruns.

    A plain subprocess (not multiprocessing's spawn, which re-imports the caller's __main__) talking over a
    socketpair. guard: "module:function" run on the query text before it executes (raise to refuse).
    """

    def __init__(self, path: str | Path, *, guard: str | None = None, startup_timeout: float = 60.0):
        self.path, self.guard = str(path), guard
        mine, theirs = socket.socketpair()
        args = [sys.executable, "-c", "from perfkg.store.embedded import _worker_entry; _worker_entry()",
                str(theirs.fileno()), self.path] + ([guard] if guard else [])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self._process = subprocess.Popen(args, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
        theirs.close()
        self._conn = Connection(mine.detach())
        reply = self._receive(startup_timeout, "start")
        if reply[0] != "ready":
            self.kill()
            _raise_reply(reply)

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None and not self._conn.closed

    def run(self, request: QueryRequest, timeout: float | None) -> QueryOutcome:
        """Send a request; on overrun kill the process and raise QueryTimeout."""
        try:
            self._conn.send(request)
        except (OSError, ValueError):
            self.kill()
            raise QueryError("查询工作进程已退出", "the query worker process has exited") from None
        reply = self._receive(timeout, "query")
        if reply[0] != "ok":
            _raise_reply(reply)
        return reply[1]

    def _receive(self, timeout: float | None, what: str) -> tuple:
        if not self._conn.poll(timeout):
            self.kill()
            if what == "start":
                raise StoreError("查询工作进程启动超时", "the query worker process did not start in time")
            raise QueryTimeout(timeout)
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            self.kill()
            if what == "start":
                raise StoreError("查询工作进程无法启动（见服务器日志）",
                                 "the query worker process could not start (see the server log)") from None
            raise QueryError("查询工作进程意外退出（内存不足？）",
                             "the query worker process died unexpectedly (out of memory?)") from None

    def kill(self) -> None:
        """Stop the process at once (SIGKILL) and reap it."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(10)
        self._conn.close()

    def close(self) -> None:
        """Ask the worker to stop; kill it if it does not."""
        try:
            self._conn.send(None)
            self._process.wait(2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        self.kill()


def _fork_main(conn, store: ox.Store, request: QueryRequest) -> None:
    try:
        conn.send(("ok", execute(store, request)))
    except PerfkgError as e:
        conn.send(_error_reply(e))


def _run_forked(store: ox.Store, request: QueryRequest, timeout: float) -> QueryOutcome:
    """A timed query on an in-memory store: a forked child sees the same data and can be killed."""
    if "fork" not in multiprocessing.get_all_start_methods():
        raise StoreError("内存存储的限时查询需要 fork；请使用存储目录",
                         "timed queries on an in-memory store need fork(); use a store directory")
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_fork_main, args=(child, store, request), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise QueryTimeout(timeout)
        reply = parent.recv()
    except EOFError:
        raise QueryError("查询子进程意外退出", "the query child process died unexpectedly") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(10)
        parent.close()
    if reply[0] != "ok":
        _raise_reply(reply)
    return reply[1]


# -- the store -------------------------------------------------------------------------------------


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
    """A persistent (or in-memory) Oxigraph store holding one named graph per document."""

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
            return _run_forked(store, request, timeout).value()
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
           "take_store_lock", "bind_with_values", "has_dataset_clause", "where_offset"]
