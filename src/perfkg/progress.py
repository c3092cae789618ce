"""Progress of work over many documents on stderr: a rich bar (counts, rate, ETA) on a terminal, plain periodic lines
otherwise, and a one-line summary at the end.

Commands wrap the iterable their batch loop walks: `for path, outcome in track(run_each(...), len(files), "导入",
"ingest"):` — the bar starts with the first item and the summary is printed when the loop ends.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TaskProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

T = TypeVar("T")


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class _Rate(ProgressColumn):
    """Documents per second, as rich estimates it over the last seconds."""

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- 个/秒 per s" if speed is None else f"{speed:.1f} 个/秒 per s")


class BatchProgress:
    """Counts, rate and ETA of `total` items (files by default: `unit` names them in zh and en).

    terminal: draw a bar (default: when `stream` is a terminal); otherwise a line every `every` documents (default a
    tenth of the total) at most every `min_gap` seconds, and at least every `seconds` seconds while work goes on.
    """

    def __init__(self, total: int, what_zh: str, what_en: str, *, unit: tuple[str, str] = ("个文件", "files"),
                 stream: TextIO | None = None, terminal: bool | None = None, every: int | None = None,
                 seconds: float = 10.0, min_gap: float = 0.5):
        self.total, self.what_zh, self.what_en, self.unit = total, what_zh, what_en, unit
        self.stream = stream if stream is not None else sys.stderr
        self.console = Console(file=self.stream, highlight=False, emoji=False)
        self.terminal = self.console.is_terminal if terminal is None else terminal
        self.every = every or max(1, total // 10)
        self.seconds, self.min_gap = seconds, min_gap
        self.done = 0
        self.finished = False
        self.started = self.last_time = 0.0
        self.last_done = 0
        self._bar: Progress | None = None
        self._task = None

    # -- life cycle --------------------------------------------------------------------------------------------
    def start(self) -> None:
        self.started = self.last_time = time.monotonic()
        if self.terminal:
            stdout_is_tty = getattr(sys.stdout, "isatty", lambda: False)()
            self._bar = Progress(TextColumn(f"{self.what_zh} {self.what_en}"), BarColumn(), MofNCompleteColumn(),
                                 TaskProgressColumn(), _Rate(), TextColumn("已用 elapsed"), TimeElapsedColumn(),
                                 TextColumn("剩余 ETA"), TimeRemainingColumn(), console=self.console,
                                 redirect_stdout=stdout_is_tty, redirect_stderr=False, transient=False)
            self._bar.start()
            self._task = self._bar.add_task(self.what_en, total=self.total)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)
            return
        now = time.monotonic()
        since = now - self.last_time
        if (self.done - self.last_done >= self.every and since >= self.min_gap) or since >= self.seconds:
            self._line(now)
            self.last_time, self.last_done = now, self.done

    def finish(self) -> None:
        """Stop the bar and print the summary (once)."""
        if self.finished:
            return
        self.finished = True
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)
            self._bar.stop()
            self._bar = None
        self.stream.write(self.summary() + "\n")
        self.stream.flush()

    # -- what is printed ---------------------------------------------------------------------------------------
    def rate(self, now: float | None = None) -> float | None:
        elapsed = (now or time.monotonic()) - self.started
        return self.done / elapsed if elapsed > 0 and self.done else None

    def eta(self, now: float | None = None) -> float | None:
        rate = self.rate(now)
        return (self.total - self.done) / rate if rate else None

    def _line(self, now: float) -> None:
        rate = self.rate(now)
        percent = 100 * self.done / self.total if self.total else 100.0
        speed = f"{rate:.1f}" if rate else "--"
        self.stream.write(f"… {self.what_zh} {self.what_en}: {self.done}/{self.total} ({percent:.0f}%) · "
                          f"{speed} 个/秒 per s · 已用 elapsed {_clock(now - self.started)} · "
                          f"剩余 ETA {_clock(self.eta(now))}\n")
        self.stream.flush()

    def summary(self) -> str:
        now = time.monotonic()
        rate = self.rate(now)
        speed = f"{rate:.1f}" if rate else "--"
        return (f"✓ {self.what_zh} {self.what_en}: {self.done}/{self.total} {self.unit[0]} {self.unit[1]}, 用时 took "
                f"{_clock(now - self.started)} ({speed} 个/秒 per s)")

    def __enter__(self) -> "BatchProgress":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.finish()


def track(items: Iterable[T], total: int, what_zh: str, what_en: str, **options) -> Iterator[T]:
    """Yield `items`, showing progress over `total` of them; the summary follows the last one."""
    progress = BatchProgress(total, what_zh, what_en, **options)
    progress.start()
    try:
        for item in items:
            progress.advance()  # an item is done when it arrives (a batch worker finished it)
            yield item
    finally:  # also when the caller stops early, or zips with a list that ends first and drops us
        progress.finish()
