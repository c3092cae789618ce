"""Killable query workers for the embedded store: a warm read-only child process, or a fork for an in-memory store."""
from __future__ import annotations

import importlib
import multiprocessing
import os
from pathlib import Path

import pyoxigraph as ox

from perfkg.errors import PerfkgError
from perfkg.store.errors import QueryError, QueryRefused, QuerySyntaxError, QueryTimeout, StoreError
from perfkg.store.errors import BindingError
from perfkg.store.oxigraph_query import QueryOutcome, QueryRequest, execute
from perfkg.workers import Child, ChildDied, ChildTimeout, detach, parent_connection, tasks

_ERRORS = {cls.__name__: cls for cls in (PerfkgError, StoreError, QueryError, QuerySyntaxError, QueryRefused,
                                         BindingError)}


def _error_reply(exc: PerfkgError) -> tuple:
    return ("err", type(exc).__name__, exc.message_zh, exc.message_en)


def _raise_reply(reply: tuple):
    _, name, zh, en = reply
    raise _ERRORS.get(name, QueryError)(zh, en)


def _worker_entry() -> None:
    """Entry point of a worker process (Child "perfkg.store.query_workers:_worker_entry" STORE [GUARD])."""
    conn, args = parent_connection()
    _worker_main(conn, args[0], _resolve(args[1]) if len(args) > 1 else None)


def _resolve(ref: str):
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _worker_main(conn, path: str, guard) -> None:
    """A worker's life: open the store read-only, then answer requests until told to stop."""
    detach()
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
    for request in tasks(conn):
        if request.generation != generation:  # the parent wrote: a read-only instance is a snapshot
            store.close()
            store = EmbeddedStore(path, read_only=True, lock=False)
            generation = request.generation
        conn.send(_answer(store, request, guard))


def _answer(store: "EmbeddedStore", request: QueryRequest, guard) -> tuple:
    try:
        if guard is not None:
            guard(request.sparql)
        return ("ok", execute(store._store, request))
    except PerfkgError as e:
        return _error_reply(e)
    except Exception as e:  # noqa: BLE001 — any failure becomes a bilingual reply, never a dead worker
        return ("err", "QueryError", f"查询失败：{e}", f"query failed: {e}")


class QueryWorker(Child):
    """One warm child process with the store open read-only; killed (and gone) when a query overruns.

    A fresh interpreter (not a fork: the parent's store and threads stay its own). guard: "module:function" run
    on the query text before it executes (raise to refuse).
    """

    def __init__(self, path: str | Path, *, guard: str | None = None, startup_timeout: float = 60.0):
        self.path, self.guard = str(path), guard
        super().__init__("perfkg.store.query_workers:_worker_entry", self.path, *([guard] if guard else []))
        try:
            reply = self.receive(startup_timeout)
        except ChildTimeout:
            raise StoreError("查询工作进程启动超时", "the query worker process did not start in time") from None
        except ChildDied:
            raise StoreError("查询工作进程无法启动（见服务器日志）",
                             "the query worker process could not start (see the server log)") from None
        if reply[0] != "ready":
            self.kill()
            _raise_reply(reply)

    def run(self, request: QueryRequest, timeout: float | None) -> QueryOutcome:
        """Send a request; on overrun kill the process and raise QueryTimeout."""
        try:
            self.send(request)
        except (OSError, ValueError):
            self.kill()
            raise QueryError("查询工作进程已退出", "the query worker process has exited") from None
        return _outcome(self, timeout, "查询工作进程意外退出（内存不足？）",
                        "the query worker process died unexpectedly (out of memory?)")


def _outcome(child: Child, timeout: float | None, died_zh: str, died_en: str) -> QueryOutcome:
    try:
        reply = child.receive(timeout)
    except ChildTimeout:
        raise QueryTimeout(timeout) from None
    except ChildDied:
        raise QueryError(died_zh, died_en) from None
    if reply[0] != "ok":
        _raise_reply(reply)
    return reply[1]


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
    child = Child(_fork_main, store, request, fork=True)
    try:
        return _outcome(child, timeout, "查询子进程意外退出", "the query child process died unexpectedly")
    finally:
        child.kill()
