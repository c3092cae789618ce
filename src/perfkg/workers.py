"""Killable worker processes: start a child, send it tasks, receive with a deadline, kill it and what it started.

One machinery for the three places that run work they may have to stop: the embedded store's timed queries, the
SPARQL endpoint's query workers and the per-document batch. A child is either a fresh interpreter
(`python -c "from MODULE import NAME; NAME()" FD ARGS…`, talking over a socketpair: nothing of the parent's state or
threads is copied, and multiprocessing's spawn would re-import the caller's __main__) or a fork (it sees the
parent's data — an in-memory store, a task closing over a lexicon — without pickling it). The caller keeps what is
its own: the task, the replies it expects, the errors it tells the user.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Callable, Iterator

MB = 1024 * 1024


class ChildTimeout(Exception):
    """The child did not answer in time (it has been killed)."""


class ChildDied(Exception):
    """The child went away without answering (it has been reaped); .exitcode says how (-N: signal N)."""

    def __init__(self, exitcode: int | None):
        super().__init__(exitcode)
        self.exitcode = exitcode


class Child:
    """One child process and the connection to it.

    main: "module:function" run in a fresh interpreter with args (strings) after the connection's descriptor, or,
    with fork=True, a callable run as main(connection, *args) in a forked process. own_group: the child leads a
    process group of its own, so that kill() also stops what it started (a reasoner's Java, say).
    """

    def __init__(self, main: str | Callable, *args, fork: bool = False, own_group: bool = False,
                 env: dict[str, str] | None = None):
        self.own_group = own_group
        if fork:
            ctx = multiprocessing.get_context("fork")
            self.conn, theirs = ctx.Pipe()
            self._process = ctx.Process(target=_forked, args=(main, theirs, own_group, args), daemon=True)
            self._process.start()
        else:
            self.conn, theirs = _socketpair()
            module, _, name = main.partition(":")
            command = [sys.executable, "-c", f"from {module} import {name}; {name}()", str(theirs.fileno()), *args]
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p), **(env or {}))
            self._process = subprocess.Popen(command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                             env=env, process_group=0 if own_group else None)
        theirs.close()
        if own_group:
            try:  # the child does it too: whichever runs first, kill() finds the group
                os.setpgid(self.pid, self.pid)
            except OSError:
                pass

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def exitcode(self) -> int | None:
        """None while it runs; else its exit code (-N: killed by signal N)."""
        if isinstance(self._process, subprocess.Popen):
            return self._process.poll()
        return self._process.exitcode

    @property
    def alive(self) -> bool:
        return self.exitcode is None and not self.conn.closed

    @property
    def sentinel(self):
        """Ready (for multiprocessing.connection.wait) when a forked child ends."""
        return self._process.sentinel

    def send(self, task) -> None:
        self.conn.send(task)

    def receive(self, timeout: float | None):
        """The child's next message within `timeout` seconds (None: no limit). The child is killed when it
        overruns (ChildTimeout) and reaped when it went away without a word (ChildDied)."""
        if not self.conn.poll(timeout):
            dead = self.exitcode is not None
            self.kill()
            if dead:
                raise ChildDied(self.exitcode)
            raise ChildTimeout(timeout)
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise ChildDied(self.exitcode) from None

    def kill(self) -> None:
        """Stop the child at once (SIGKILL; its whole process group with own_group) and reap it."""
        try:
            if self.own_group:
                os.killpg(self.pid, signal.SIGKILL)
            elif self.exitcode is None:
                self._process.kill()
        except (ProcessLookupError, PermissionError):
            pass
        self.wait(10)
        self.conn.close()

    def close(self) -> None:
        """Ask the child to stop (it reads None); kill it if it has not within two seconds."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.wait(2)
        self.kill()

    def wait(self, seconds: float) -> None:
        """Wait up to `seconds` for the child to end (and reap it)."""
        if isinstance(self._process, subprocess.Popen):
            try:
                self._process.wait(seconds)
            except subprocess.TimeoutExpired:
                pass
        else:
            self._process.join(seconds)


def _socketpair() -> tuple[Connection, socket.socket]:
    mine, theirs = socket.socketpair()
    return Connection(mine.detach()), theirs


def _forked(main: Callable, conn: Connection, own_group: bool, args: tuple) -> None:
    if own_group:
        os.setpgrp()
    main(conn, *args)


# -- inside a child ----------------------------------------------------------------------------------------


def parent_connection() -> tuple[Connection, list[str]]:
    """In a child started from "module:function": the connection to its parent and its arguments."""
    return Connection(int(sys.argv[1])), sys.argv[2:]


def detach(*, follow_parent: bool = True) -> None:
    """Leave Ctrl-C to the parent (it stops its workers); with follow_parent, exit as soon as the parent is gone,
    even in the middle of a task (pyoxigraph releases the GIL while it queries)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if follow_parent:
        threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def tasks(conn: Connection) -> Iterator:
    """The tasks the parent sends, until it sends None or goes away."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        yield task


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def limit_memory(megabytes: int, *, headroom: bool = False) -> None:
    """Cap this process's address space (RLIMIT_AS) at `megabytes`, soft and hard; with headroom, at what it uses now
    plus `megabytes`, soft limit only (unlimited_memory can lift it for a child that has a cap of its own)."""
    if not headroom:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes * MB, megabytes * MB))
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = _address_space() + megabytes * MB
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class unlimited_memory:
    """Lift the soft address-space cap while a child with its own limit runs (Java reserves its heap up front and
    is bounded by -Xmx; it would not start under the worker's cap). The worker itself only waits meanwhile."""

    def __enter__(self):
        self.saved = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (self.saved[1], self.saved[1]))
        return self

    def __exit__(self, *exc):
        resource.setrlimit(resource.RLIMIT_AS, self.saved)
