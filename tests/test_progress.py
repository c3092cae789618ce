"""perfkg.progress: a live bar with counts, rate and ETA under a pseudo-terminal; periodic lines and a summary without
one. (The commands' batches under a pseudo-terminal are in test_batch_progress.py.)"""
from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time

from perfkg.progress import BatchProgress, track

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_in_pty(argv: list[str], timeout: float = 300, **kwargs) -> tuple[int, str]:
    """Run a command with stdin, stdout and stderr on a pseudo-terminal; everything it wrote, as the terminal got it."""
    master, slave = os.openpty()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="150", LINES="40")
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, **kwargs)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
    finally:
        os.close(master)
    code = process.wait(timeout=30)
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_periodic_lines_without_a_terminal():
    out = io.StringIO()
    seen = list(track(range(1000), 1000, "测试", "test", stream=out, terminal=False, min_gap=0))
    assert seen == list(range(1000))
    lines = out.getvalue().splitlines()
    periodic = [line for line in lines if line.startswith("… ")]
    assert [re.search(r"(\d+)/1000", line).group(1) for line in periodic] == [str(n) for n in range(100, 1001, 100)]
    for line in periodic:
        assert re.search(r"\d+\.\d 个/秒 per s", line) and re.search(r"剩余 ETA \d:\d\d:\d\d", line), line
    assert "300/1000 (30%)" in periodic[2]
    assert re.fullmatch(r"✓ 测试 test: 1000/1000 个文档 documents, 用时 took \d:\d\d:\d\d \(\d+\.\d 个/秒 per s\)",
                        lines[-1])
    assert not ANSI.search(out.getvalue())


def test_periodic_lines_also_by_time():
    out = io.StringIO()
    for _ in track(range(6), 6, "慢", "slow", stream=out, terminal=False, every=1000, seconds=0.05, min_gap=0):
        time.sleep(0.06)
    periodic = [line for line in out.getvalue().splitlines() if line.startswith("… ")]
    assert len(periodic) >= 5 and "1/6" in periodic[0]


def test_summary_even_when_the_loop_stops_early():
    out = io.StringIO()
    progress = BatchProgress(10, "测试", "test", stream=out, terminal=False)
    with progress:
        progress.advance(3)
    assert "3/10 个文档 documents" in out.getvalue().splitlines()[-1]


SCRIPT = """
import time
from perfkg.progress import track
for _ in track(range(1000), 1000, "测试", "test"):
    time.sleep(0.002)
print("after the loop")
"""


def test_a_bar_with_counts_rate_and_eta_on_a_terminal():
    code, screen = run_in_pty([sys.executable, "-c", SCRIPT])
    assert code == 0, screen
    assert ANSI.search(screen), "no terminal control sequences: the bar was not drawn live"
    plain = ANSI.sub("", screen)
    assert "━" in plain  # the bar itself
    counts = [int(n) for n in re.findall(r"\b(\d+)/1000\b", plain)]
    assert counts[-1] == 1000 and any(0 < n < 1000 for n in counts), counts  # redrawn while running
    assert re.search(r"\d+\.\d 个/秒 per s", plain)
    assert re.search(r"剩余 ETA\s+\d:\d\d:\d\d", plain)
    assert re.search(r"✓ 测试 test: 1000/1000 个文档 documents", plain)
    assert "after the loop" in plain
