"""Limits on every input: devices and FIFOs are refused without being opened, a size limit per input, a time and
a memory limit per document in batch work, and each document's output written as soon as it is done."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from docbuilder import document, project_block, write

from perfkg.cli import main
from perfkg.parse.document import DocumentParser

GOOD = document(projects=[project_block(code="13990023P00100230001A")])
OTHER = document(org="白石县科学技术协会", projects=[project_block(code="13110023P00100230001A")])
MB = 1024 * 1024


def run_cli(*args: str, timeout: float = 120) -> tuple[int, str, str]:
    """The real command in a process of its own; a hang fails the test at `timeout` instead of blocking the run."""
    proc = subprocess.run([sys.executable, "-m", "perfkg.cli", *args], capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("command", ["ingest", "validate", "load"])
def test_a_fifo_is_refused_without_being_opened(command, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # nobody ever writes to it: opening it for reading would block forever
    good = write(tmp_path, GOOD, "good.txt")
    extra = {"ingest": ["-o", str(tmp_path / "out")], "validate": [], "load": ["--store", str(tmp_path / "s")]}
    code, out, err = run_cli(command, str(fifo), str(good), "--no-link", *extra[command], timeout=90)
    assert code == 2
    assert "pipe.txt" in err and "不是普通文件" in err and "not a regular file" in err
    assert "Traceback" not in err
    assert "good.txt" in out


def test_a_fifo_inside_a_folder_is_reported_not_skipped(tmp_path, capsys):
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path, GOOD, "good.txt")
    assert main(["ingest", str(tmp_path), "-o", str(tmp_path / "out"), "--no-link"]) == 2
    out, err = capsys.readouterr()
    assert "pipe.txt" in err and "not a regular file" in err and "1/2" in out


def test_a_device_is_refused(tmp_path):
    code, _, err = run_cli("ingest", "/dev/zero", "-o", str(tmp_path / "out"), timeout=60)
    assert code == 2 and "/dev/zero" in err and "not a regular file" in err and "Traceback" not in err


def test_size_limit_default_and_flag(tmp_path, capsys):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(21 * MB)  # sparse: 21 MB by stat, no disk used; refused before it is read
    small = write(tmp_path, GOOD, "small.txt")
    assert main(["ingest", str(huge), str(small), "-o", str(tmp_path / "a"), "--no-link"]) == 2
    err = capsys.readouterr().err
    assert "huge.txt" in err and "文件过大" in err and "file too large: 21.0 MB, the limit is 20 MB (--max-size)" in err
    big_enough = write(tmp_path, GOOD + "\n" * (MB // 2), "padded.txt")  # ~0.5 MB of blank lines
    assert main(["ingest", str(big_enough), "-o", str(tmp_path / "b"), "--no-link", "--max-size", "0.25"]) == 2
    assert "the limit is 0.25 MB (--max-size)" in capsys.readouterr().err
    assert main(["ingest", str(big_enough), "-o", str(tmp_path / "c"), "--no-link", "--max-size", "1"]) == 0


@pytest.fixture
def slow_and_hungry(monkeypatch):
    """Documents that hang or eat memory (the forked workers inherit the patch)."""
    parse = DocumentParser.parse

    def parse_slowly_or_greedily(self):
        if self.src.name == "slow.txt":
            time.sleep(600)
        if self.src.name == "hungry.txt":
            hoard = [bytearray(64 * MB) for _ in range(256)]  # 16 GB if nothing stops it
            return len(hoard)
        return parse(self)

    monkeypatch.setattr(DocumentParser, "parse", parse_slowly_or_greedily)


def test_time_limit_per_document(slow_and_hungry, tmp_path, capsys):
    write(tmp_path, GOOD, "slow.txt")
    write(tmp_path, OTHER, "z-good.txt")
    started = time.monotonic()
    code = main(["validate", str(tmp_path), "--no-link", "--time-limit", "3", "--workers", "2"])
    assert time.monotonic() - started < 300  # (a hang would hold the run for 600 s)
    out, err = capsys.readouterr()
    assert code == 2
    assert "slow.txt" in err and "处理超时" in err and "longer than 3 s (--time-limit)" in err
    assert "z-good.txt" in out


def test_memory_limit_per_document(slow_and_hungry, tmp_path, capsys):
    write(tmp_path, GOOD, "hungry.txt")
    write(tmp_path, OTHER, "z-good.txt")
    code = main(["ingest", str(tmp_path), "-o", str(tmp_path / "out"), "--no-link", "--memory-limit", "300",
                 "--workers", "1"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "hungry.txt" in err and "超出内存上限 300 MB" in err and "memory limit of 300 MB exceeded" in err
    assert "z-good.txt" in out and (tmp_path / "out" / "131100-139901-2023.ttl").is_file()


def test_each_output_is_written_as_soon_as_its_document_is_done(monkeypatch, tmp_path, capsys):
    out = tmp_path / "out"
    parse = DocumentParser.parse

    def parse_and_check(self):
        if self.src.name == "second.txt" and not (out / "139900-139901-2023.ttl").is_file():
            raise AssertionError("the first document's output was not written before the second was read")
        return parse(self)

    monkeypatch.setattr(DocumentParser, "parse", parse_and_check)
    write(tmp_path, GOOD, "first.txt")
    write(tmp_path, OTHER, "second.txt")
    assert main(["ingest", str(tmp_path), "-o", str(out), "--no-link", "--workers", "1"]) == 0
    assert "2/2" in capsys.readouterr().out
    assert not (out / "corpus.trig").exists()  # the whole corpus only when asked (--corpus)


def test_limit_flags_are_documented_in_help():
    from perfkg.cli import build_parser

    text = build_parser()._subparsers._group_actions[0].choices["validate"].format_help()
    for flag in ("--max-size", "--max-container-size", "--max-literal", "--time-limit", "--memory-limit", "--debug"):
        assert flag in text
