"""Runs one task per input file in worker processes, each file under a time and a memory limit: a hang, a memory
blow-up or a defect in one file gives that file an error and the batch goes on.

Workers are forked (the task, e.g. a closure over a lexicon, is not pickled; only file names go out and results come
back), each in a process group of its own so that a timeout also stops what the task started (HermiT's Java).
Results come back in input order, with at most a few files buffered, so a corpus is never held in memory.
"""
from __future__ import annotations

import os
import time
import traceback
from multiprocessing.connection import wait
from typing import Callable, Iterator, TypeVar

from perfkg.errors import InputError, InternalError, PerfkgError
from perfkg.workers import Child, ChildDied, detach, limit_memory, tasks, unlimited_memory  # noqa: F401 — re-exported

T = TypeVar("T")


def _serve(conn, task: Callable[[str], object], memory_mb: int) -> None:
    detach(follow_parent=False)  # the parent decides; Ctrl-C reaches it and it stops the workers
    limit_memory(memory_mb, headroom=True)
    for job in tasks(conn):
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


class _Worker(Child):
    """A forked worker leading a process group of its own, and the job it has, if any."""

    def __init__(self, task, memory_mb: int):
        super().__init__(_serve, task, memory_mb, fork=True, own_group=True)
        self.job: tuple[int, str] | None = None
        self.deadline = 0.0

    def give(self, index: int, job: str, seconds: float) -> None:
        self.job = (index, job)
        self.deadline = time.monotonic() + seconds
        self.send(job)


def run_each(task: Callable[[str], T], jobs: list[str], *, seconds: float, memory_mb: int,
             workers: int | None = None) -> Iterator[tuple[str, T | InputError]]:
    """(job, task(job)) for every job, in input order; a job that fails, hangs past `seconds` or exceeds
    `memory_mb` gives (job, InputError) instead — an InternalError, with its traceback, for a defect."""
    if not jobs:
        return
    n = max(1, min(len(jobs), workers or os.cpu_count() or 1))
    pool = [_Worker(task, memory_mb) for _ in range(n)]
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
            ready = wait([w.conn for w in busy] + [w.sentinel for w in busy], timeout)
            for i, w in enumerate(pool):
                if w.job is None:
                    continue
                index, job = w.job
                if w.conn in ready or w.sentinel in ready:
                    if w.sentinel in ready:
                        w.wait(1)  # reaped, so that receive() sees it died rather than overran
                    try:
                        (outcome,) = w.receive(0)
                    except ChildDied as e:
                        outcome = _died_error(job, e.exitcode, memory_mb)
                elif time.monotonic() >= w.deadline:
                    done[index] = _timeout_error(job, seconds)
                    w.kill()
                    pool[i] = _Worker(task, memory_mb)
                    continue
                else:
                    continue
                done[index] = outcome
                w.job = None
                if isinstance(outcome, MemoryLimitError) or not w.alive:
                    w.kill()
                    pool[i] = _Worker(task, memory_mb)
            while next_out in done:
                yield jobs[next_out], done.pop(next_out)
                next_out += 1
    finally:
        for w in pool:
            if w.job is not None:
                w.kill()
            else:
                w.close()

