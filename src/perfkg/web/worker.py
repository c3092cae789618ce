"""Query worker processes: no network, capped memory, answers serialised and capped in bytes, then spooled to disk.

A worker is a plain child process (`python -c …`) holding the store open read-only. At start it installs a
seccomp filter that makes socket(2) fail for every family but AF_UNIX, so the engine cannot reach the network
whatever the query says (pyoxigraph 0.5 has no option to turn SERVICE off: `Store.query` takes no service
handler, and Oxigraph's HTTP client is built in), and sets RLIMIT_AS, so a query that needs more memory fails in
the worker (Rust aborts, Python raises MemoryError) instead of taking the machine. Each answer is serialised in the
worker, cut at max_rows and max_bytes, and written to a file the server streams to the client: the server
process never holds an answer, and a slow client never holds a worker.
"""
from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import socket
import struct
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from perfkg.errors import PerfkgError
from perfkg.web.answers import render
from perfkg.workers import Child, ChildDied, ChildTimeout, detach, limit_memory, parent_connection, tasks

READY, OK = "ready", "ok"
# Reply kinds a query can end with besides OK, mapped to HTTP statuses by the endpoint.
REFUSED, SYNTAX, MEMORY, UNACCEPTABLE, FAILED = "refused", "syntax", "memory", "unacceptable", "failed"


@dataclass
class Job:
    """One query for a worker (picklable). result_format/graph_format: the negotiated key for each answer kind
    (None when the client accepts none of that kind)."""

    sparql: str
    default_graphs: list[str] | None
    named_graphs: list[str] | None
    result_format: str | None
    graph_format: str | None
    max_rows: int
    max_bytes: int
    spool: str  # file the worker writes the serialised answer to
    bindings: dict = field(default_factory=dict)  # {variable: rdflib term}, bound by the store (never pasted)


# -- refusing what a read-only endpoint must not run --------------------------------------------------


@lru_cache(maxsize=64)  # keys are query texts of up to --max-body bytes
def verdict(sparql: str) -> tuple[str, str, str] | None:
    """(REFUSED | SYNTAX, zh, en) for updates, SERVICE anywhere, or malformed text (rdflib's parser); else None."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(sparql)
    except Exception as e:  # noqa: BLE001 — pyparsing errors
        return _unparsable(sparql, e)
    # The whole parse tree, expressions included (EXISTS/NOT EXISTS in FILTER, BIND, ORDER BY, HAVING, sub-SELECT),
    # walked before translateQuery, which rewrites the tree in place.
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return (REFUSED, "此端点不执行联邦查询（SERVICE）", "this endpoint does not run federated queries (SERVICE)")
            stack.extend(node.values())
        elif isinstance(node, (ParseResults, list, tuple)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    try:
        translateQuery(tree)
    except Exception as e:  # noqa: BLE001 — algebra errors (undefined prefix, bad aggregate…)
        return _unparsable(sparql, e)
    return None


def _unparsable(sparql: str, error: Exception) -> tuple[str, str, str]:
    if _is_update(sparql):
        return (REFUSED, "此端点只读：不接受 SPARQL 更新（INSERT/DELETE/LOAD/CLEAR/DROP…）",
                "this endpoint is read-only: SPARQL Update (INSERT/DELETE/LOAD/CLEAR/DROP…) is refused")
    return (SYNTAX, f"SPARQL 查询无法解析：{error}", f"the SPARQL query does not parse: {error}")


def _is_update(sparql: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(sparql)
        return True
    except Exception:  # noqa: BLE001
        return False


# -- the worker's own confinement ---------------------------------------------------------------------

_AUDIT_ARCH = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}  # (AUDIT_ARCH_*, __NR_socket)


def forbid_network() -> None:
    """Make socket(2) fail with EACCES for every address family but AF_UNIX, for this process and its threads."""
    machine = os.uname().machine
    if sys.platform != "linux" or machine not in _AUDIT_ARCH:
        raise PerfkgError(f"查询工作进程无法禁止网络访问（需要 Linux x86_64/aarch64 的 seccomp，当前 {sys.platform} {machine}）",
                          f"the query worker cannot forbid network access (needs seccomp on Linux x86_64/aarch64, "
                          f"this is {sys.platform} {machine})")
    arch, nr_socket = _AUDIT_ARCH[machine]
    ld, jeq, ret = 0x20, 0x15, 0x06  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K
    allow, deny, kill = 0x7FFF0000, 0x00050000 | 13, 0x80000000  # SECCOMP_RET_ALLOW, _ERRNO(EACCES), _KILL_PROCESS

    def op(code, jt, jf, k):
        return struct.pack("HBBI", code, jt, jf, k)

    program = [op(ld, 0, 0, 4), op(jeq, 1, 0, arch), op(ret, 0, 0, kill),  # seccomp_data.arch
               op(ld, 0, 0, 0), op(jeq, 1, 0, nr_socket), op(ret, 0, 0, allow),  # .nr
               op(ld, 0, 0, 16), op(jeq, 0, 1, socket.AF_UNIX), op(ret, 0, 0, allow),  # .args[0]: the family
               op(ret, 0, 0, deny)]
    code = ctypes.create_string_buffer(b"".join(program))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    fprog = SockFprog(len(program), ctypes.addressof(code))
    if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:  # NO_NEW_PRIVS, SECCOMP
        err = os.strerror(ctypes.get_errno())
        raise PerfkgError(f"查询工作进程无法安装 seccomp 网络禁令：{err}",
                          f"the query worker cannot install its seccomp network ban: {err}")


# -- the worker process ---------------------------------------------------------------------------------


def answer(store, job: Job) -> tuple:
    """Run one job on an open EmbeddedStore; the reply tuple for the server."""
    from perfkg.store.embedded import QuerySyntaxError

    try:
        refusal = verdict(job.sparql)
        if refusal is not None:
            return refusal
        value = store.query(job.sparql, job.bindings or None, union_default_graph=job.default_graphs is None,
                            default_graphs=job.default_graphs, named_graphs=job.named_graphs, max_rows=job.max_rows)
        data, meta = render(value, job)
        if "format" not in meta:
            return (UNACCEPTABLE, meta["kind"])
        with open(job.spool, "wb") as out:
            out.write(data)
        return (OK, dict(meta, size=len(data)))
    except MemoryError:
        return (MEMORY,)
    except QuerySyntaxError as e:
        return (SYNTAX, e.message_zh, e.message_en)
    except PerfkgError as e:
        return (FAILED, e.message_zh, e.message_en)
    except Exception as e:  # noqa: BLE001 — any failure becomes a bilingual reply, never a dead worker
        return (FAILED, f"查询失败：{e}", f"query failed: {e}")


def main() -> None:
    """Entry point of a worker (Child "perfkg.web.worker:main" STORE MEMORY_MB)."""
    from perfkg.store.embedded import EmbeddedStore

    conn, (path, memory_mb) = parent_connection()
    detach()
    try:
        forbid_network()
        limit_memory(int(memory_mb))
        store = EmbeddedStore(path, read_only=True, lock=False)
        verdict("ASK {}")  # warm up: rdflib builds its grammar once
    except PerfkgError as e:
        conn.send((FAILED, e.message_zh, e.message_en))
        return
    except MemoryError:
        conn.send((MEMORY,))
        return
    conn.send((READY, os.getpid()))
    for job in tasks(conn):
        conn.send(answer(store, job))


class Worker(Child):
    """The server's handle on one worker process; every call but `reply` blocks (spawn it in a thread)."""

    def __init__(self, store_path: str | Path, memory_mb: int, *, startup_timeout: float = 60.0):
        super().__init__("perfkg.web.worker:main", str(store_path), str(memory_mb), env={"MALLOC_ARENA_MAX": "2"})
        try:
            reply = self.receive(startup_timeout)
        except (ChildTimeout, ChildDied):
            reply = None
        if reply is None or reply[0] != READY:
            self.kill()
            if reply is not None and reply[0] == FAILED:
                raise PerfkgError(reply[1], reply[2])
            raise PerfkgError(f"查询工作进程无法启动（内存上限 {memory_mb} MiB 太小？见服务器日志）",
                              f"a query worker could not start (memory cap {memory_mb} MiB too small? "
                              "see the server log)")

    async def reply(self, timeout: float):
        """The worker's reply, or None when it died; asyncio.TimeoutError when it overran (the caller kills it)."""
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        fd = self.conn.fileno()
        loop.add_reader(fd, lambda: readable.done() or readable.set_result(None))
        try:
            await asyncio.wait_for(readable, timeout)
        finally:
            loop.remove_reader(fd)
        try:
            return self.receive(0)  # a small tuple: the answer itself is in the spool file
        except ChildDied:
            return None

    def died_of_memory(self) -> bool:
        """Whether a dead worker was stopped by its memory cap (Rust aborts on a failed allocation)."""
        return self.exitcode in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, -signal.SIGKILL)


class EndpointBusy(PerfkgError):
    """No worker became free in time, or the waiting line is full."""


class WorkerPool:
    """Warm workers shared by the requests of one event loop, with a bounded line of waiting queries.

    A worker that overran, was cancelled or died is killed and replaced in the background; the others keep
    serving meanwhile.
    """

    def __init__(self, store_path: str | Path, workers: int, memory_mb: int, queue: int):
        self.store_path, self.memory_mb, self.queue = Path(store_path), memory_mb, queue
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._all: list[Worker] = []
        self._waiting = 0
        self._closed = False
        with ThreadPoolExecutor(workers) as spawner:  # they start in parallel
            started = [spawner.submit(Worker, self.store_path, memory_mb) for _ in range(workers)]
        errors = []
        for future in started:
            try:
                self._adopt(future.result())
            except PerfkgError as e:
                errors.append(e)
        if errors:
            self.close()
            raise errors[0]

    def _adopt(self, worker: Worker) -> None:
        if self._closed:
            worker.close()
            return
        self._all = [w for w in self._all if w.alive] + [worker]
        self._idle.put_nowait(worker)

    def pids(self) -> list[int]:
        return [w.pid for w in self._all if w.alive]

    async def acquire(self, timeout: float) -> Worker:
        """An idle live worker; EndpointBusy when the line is full or none frees up within `timeout`."""
        if self._idle.empty() and self._waiting >= self.queue:
            raise EndpointBusy(f"查询排队已满（{self.queue} 个在等待），请稍后重试",
                               f"the query queue is full ({self.queue} waiting); retry later")
        self._waiting += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                worker = await asyncio.wait_for(self._idle.get(), max(deadline - loop.time(), 0))
                if worker.alive:
                    return worker
                self.replace(worker)  # died while idle (e.g. the kernel's OOM killer)
        except asyncio.TimeoutError:
            raise EndpointBusy(f"所有查询工作进程在 {timeout:g} 秒内都忙，请稍后重试",
                               f"every query worker stayed busy for {timeout:g} s; retry later") from None
        finally:
            self._waiting -= 1

    def release(self, worker: Worker) -> None:
        if worker.alive and not self._closed:
            self._idle.put_nowait(worker)
        else:
            self.replace(worker)

    def replace(self, worker: Worker) -> None:
        """Kill a worker and start its successor in a thread (the event loop keeps serving)."""
        import logging

        worker.kill()
        if self._closed:
            return

        def spawn():
            try:
                return Worker(self.store_path, self.memory_mb)
            except PerfkgError as e:
                logging.getLogger("perfkg.serve").error("cannot restart a query worker: %s", e.describe())
                return None

        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, spawn)
        future.add_done_callback(lambda f: f.result() is not None and self._adopt(f.result()))

    def close(self) -> None:
        self._closed = True
        workers, self._all = self._all, []
        for worker in workers:
            worker.close()
