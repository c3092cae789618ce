"""Runs one task per input file in worker processes, each file under a time and a memory limit: a hang, a memory
blow-up or a defect in one file gives that file an error and the batch goes on.

Workers are forked (the task, e.g. a closure over a lexicon, is not pickled; only file names go out and results come
back), each in a process group of its own so that a timeout also stops what the task started (HermiT's Java).
Results come back in input order, with at most a few files buffered, so a corpus is never held in memory.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
import traceback
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterator, TypeVar

from perfkg.errors import InputError, InternalError, PerfkgError

T = TypeVar("T")
MB = 1024 * 1024


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def limit_memory(extra_mb: int) -> None:
    """Cap this process's address space at what it uses now plus extra_mb (soft limit, RLIMIT_AS)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = _address_space() + extra_mb * MB
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


def _serve(conn: Connection, task: Callable[[str], object], memory_mb: int) -> None:
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; Ctrl-C reaches it and it stops the workers
    limit_memory(memory_mb)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        stop = False
        try:
            outcome = task(job)
        except MemoryError:
            outcome = _memory_error(job, memory_mb)
            stop = True  # a process that ran out of memory is not trusted with the next file
        except PerfkgError as e:
            outcome = e if isinstance(e, InputError) else InputError(job, None, e.message_zh, e.message_en)
        except Exception as e:  # noqa: BLE001 — any defect: this file's error, never the batch's
            outcome = InternalError(job, f"{type(e).__name__}: {e}"[:500], traceback.format_exc())
        try:
            conn.send((outcome,))  # a 1-tuple: a task may return None
        except Exception as e:  # noqa: BLE001 — an unpicklable or oversized result
            conn.send((InternalError(job, f"{type(e).__name__}: {e}"[:500], traceback.format_exc()),))
        if stop:
            return


class MemoryLimitError(InputError):
    """A file that needed more memory than --memory-limit allows (its worker is replaced)."""


def _memory_error(job: str, memory_mb: int) -> InputError:
    return MemoryLimitError(job, None, f"超出内存上限 {memory_mb} MB（--memory-limit），已停止处理此文件",
                            f"memory limit of {memory_mb} MB exceeded (--memory-limit): this file was stopped")


def _timeout_error(job: str, seconds: float) -> InputError:
    return InputError(job, None, f"处理超时（超过 {seconds:g} 秒，--time-limit），已停止处理此文件",
                      f"took longer than {seconds:g} s (--time-limit): this file was stopped")


def _died_error(job: str, code: int | None, memory_mb: int) -> InputError:
    how = f"信号 signal {-code}" if code is not None and code < 0 else f"退出码 exit code {code}"
    return InputError(job, None, f"处理进程意外终止（{how}），可能超出内存上限 {memory_mb} MB（--memory-limit）",
                      f"the worker stopped unexpectedly ({how}), perhaps over the memory limit of {memory_mb} MB "
                      "(--memory-limit)")


_NOTHING = object()  # the worker died without an answer


class _Worker:
    def __init__(self, ctx, task, memory_mb: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, task, memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple[int, str] | None = None
        self.deadline = 0.0

    def give(self, index: int, job: str, seconds: float) -> None:
        self.job = (index, job)
        self.deadline = time.monotonic() + seconds
        self.conn.send(job)

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


def run_each(task: Callable[[str], T], jobs: list[str], *, seconds: float, memory_mb: int,
             workers: int | None = None) -> Iterator[tuple[str, T | InputError]]:
    """(job, task(job)) for every job, in input order; a job that fails, hangs past `seconds` or exceeds
    `memory_mb` gives (job, InputError) instead — an InternalError, with its traceback, for a defect."""
    if not jobs:
        return
    ctx = multiprocessing.get_context("fork")
    n = max(1, min(len(jobs), workers or os.cpu_count() or 1))
    pool = [_Worker(ctx, task, memory_mb) for _ in range(n)]
    done: dict[int, object] = {}
    next_job = next_out = 0
    window = 2 * n  # files finished ahead of the one printed next, at most
    try:
        while next_out < len(jobs):
            for w in pool:
                if w.job is None and next_job < len(jobs) and next_job < next_out + window:
                    w.give(next_job, jobs[next_job], seconds)
                    next_job += 1
            busy = [w for w in pool if w.job is not None]
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic()) if busy else None
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
            for i, w in enumerate(pool):
                if w.job is None:
                    continue
                index, job = w.job
                if w.conn in ready or w.process.sentinel in ready:
                    try:
                        (outcome,) = w.conn.recv() if w.conn.poll() else (_NOTHING,)
                    except (EOFError, OSError):
                        outcome = _NOTHING
                    if outcome is _NOTHING:
                        w.process.join(1)
                        outcome = _died_error(job, w.process.exitcode, memory_mb)
                elif time.monotonic() >= w.deadline:
                    done[index] = _timeout_error(job, seconds)
                    w.kill()
                    pool[i] = _Worker(ctx, task, memory_mb)
                    continue
                else:
                    continue
                done[index] = outcome
                w.job = None
                if isinstance(outcome, MemoryLimitError) or not w.process.is_alive():
                    w.kill()
                    pool[i] = _Worker(ctx, task, memory_mb)
            while next_out in done:
                yield jobs[next_out], done.pop(next_out)
                next_out += 1
    finally:
        for w in pool:
            if w.job is not None:
                w.kill()
            else:
                w.stop()

