"""Killable query workers for the embedded store: a warm read-only child process, or a fork for an in-memory store."""
from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from perfkg.errors import PerfkgError
from perfkg.store.errors import QueryError, QueryRefused, QuerySyntaxError, QueryTimeout, StoreError
from perfkg.store.errors import BindingError
from perfkg.store.oxigraph_query import QueryOutcome, QueryRequest, execute

_ERRORS = {cls.__name__: cls for cls in (PerfkgError, StoreError, QueryError, QuerySyntaxError, QueryRefused,
                                         BindingError)}


def _error_reply(exc: PerfkgError) -> tuple:
    return ("err", type(exc).__name__, exc.message_zh, exc.message_en)


def _raise_reply(reply: tuple):
    _, name, zh, en = reply
    raise _ERRORS.get(name, QueryError)(zh, en)



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
    from perfkg.store.embedded import EmbeddedStore

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
        args = [sys.executable, "-c", "from perfkg.store.query_workers import _worker_entry; _worker_entry()",
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


def run_forked(store: ox.Store, request: QueryRequest, timeout: float) -> QueryOutcome:
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

