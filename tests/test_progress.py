"""perfkg.progress: a live bar with counts, rate and ETA under a pseudo-terminal; periodic lines and a summary without
one; and the batch commands (ingest, validate, load) showing it over a thousand small documents."""
from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time

import pytest

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
    seen = list(track(range(1000), 1000, "测试", "test", unit=("个文档", "documents"), stream=out, terminal=False,
                      min_gap=0))
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
    counts = [int(re.search(r"(\d)/6", line).group(1)) for line in periodic]
    assert len(counts) >= 4 and counts == sorted(counts) and counts[-1] == 6  # every ~0.06 s though every=1000


def test_summary_even_when_the_loop_stops_early():
    out = io.StringIO()
    progress = BatchProgress(10, "测试", "test", stream=out, terminal=False)
    with progress:
        progress.advance(3)
    assert "3/10 个文件 files" in out.getvalue().splitlines()[-1]


SCRIPT = """
import time

import pytest
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
    assert re.search(r"✓ 测试 test: 1000/1000 个文件 files", plain)
    assert "after the loop" in plain


# -- the commands: ingest, validate and load over a batch ------------------------------------------------------

def _small_corpus(folder, n: int):
    """n small documents in the Hebei template, each its own document (its own 财政区划 code in the project code)."""
    from docbuilder import document, project_block

    for i in range(n):
        code = f"{700000 + i:06d}23P00100230001A"
        (folder / f"doc-{i:04d}.txt").write_text(document(projects=[project_block(code=code)]), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def thousand(tmp_path_factory):
    return _small_corpus(tmp_path_factory.mktemp("thousand"), 1000)


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    return _small_corpus(tmp_path_factory.mktemp("forty"), 40)


def _perfkg(*args: str) -> list[str]:
    return [sys.executable, "-m", "perfkg", *args]


def test_ingest_of_a_thousand_documents_draws_a_bar_on_a_terminal(thousand, tmp_path):
    code, screen = run_in_pty(_perfkg("ingest", str(thousand), "-o", str(tmp_path / "out"), "--no-link"), timeout=900)
    assert code == 0, screen[-2000:]
    assert ANSI.search(screen)
    plain = ANSI.sub("", screen)
    counts = [int(n) for n in re.findall(r"━\s+(\d+)/1000\b", plain)]
    assert counts and counts[-1] == 1000 and any(0 < n < 1000 for n in counts), counts[:20]
    assert re.search(r"\d+\.\d 个/秒 per s", plain) and re.search(r"剩余 ETA\s+\d:\d\d:\d\d", plain)
    assert "✓ 导入 ingest: 1000/1000 个文件 files" in plain
    assert len(set(re.findall(r"✓ (doc-\d{4}\.txt): ", plain))) == 1000  # every coverage line still printed
    assert len(list((tmp_path / "out").iterdir())) == 1000


def test_ingest_of_a_thousand_documents_prints_periodic_lines_otherwise(thousand, tmp_path):
    done = subprocess.run(_perfkg("ingest", str(thousand), "-o", str(tmp_path / "out"), "--no-link"),
                          capture_output=True, timeout=900)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    err, out = done.stderr.decode(), done.stdout.decode()
    assert not ANSI.search(err) and not ANSI.search(out)
    periodic = [line for line in err.splitlines() if line.startswith("… 导入 ingest: ")]
    assert periodic, err
    counts = [int(re.search(r": (\d+)/1000 ", line).group(1)) for line in periodic]
    assert counts == sorted(counts) and counts[-1] <= 1000
    for line in periodic:
        assert re.search(r"\(\d+%\) · \d+\.\d 个/秒 per s · 已用 elapsed \d:\d\d:\d\d · 剩余 ETA \d:\d\d:\d\d", line), line
    assert re.search(r"✓ 导入 ingest: 1000/1000 个文件 files, 用时 took \d:\d\d:\d\d", err.splitlines()[-1])
    assert out.count("✓ doc-") == 1000


def test_validate_and_load_show_progress(forty, tmp_path):
    validate = subprocess.run(_perfkg("validate", str(forty), "--no-link", "--format", "json", "--out",
                                      str(tmp_path / "report.json")), capture_output=True, timeout=900)
    assert validate.returncode in (0, 1), validate.stderr.decode()
    assert "✓ 检查 validate: 40/40 个文件 files" in validate.stderr.decode()
    code, screen = run_in_pty(_perfkg("load", str(forty), "--store", str(tmp_path / "store"), "--no-link"),
                              timeout=900)
    assert code == 0, screen[-2000:]
    plain = ANSI.sub("", screen)
    assert ANSI.search(screen) and re.search(r"━\s+40/40\b", plain) and "✓ 载入 load: 40/40 个文件 files" in plain
    assert "40 个图已载入 graphs loaded" in plain
