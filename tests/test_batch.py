"""Batch immunity: an unexpected exception while processing one file gives that file a bilingual internal-error
entry naming it (the traceback only with --debug), every other file is processed, and the exit code is 2 — for
ingest, validate, load, link, reason and demo."""
from __future__ import annotations

import pytest
from docbuilder import document, project_block, write

from perfkg.cli import main
from perfkg.parse.document import DocumentParser

GOOD = document(projects=[project_block(code="13990023P00100230001A")])
OTHER = document(org="白石县科学技术协会", projects=[project_block(code="13110023P00100230001A")])


@pytest.fixture
def crash_on_one_file(monkeypatch):
    """A defect that only one document triggers (the worker processes are forked, so they inherit the patch)."""
    parse = DocumentParser.parse

    def parse_or_crash(self):
        if self.src.name == "crash.txt":
            raise ValueError("substring not found")
        return parse(self)

    monkeypatch.setattr(DocumentParser, "parse", parse_or_crash)


def _batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, GOOD, "a-good.txt")
    write(folder, GOOD.replace("临水市", "白石县").replace("13990023", "13110023"), "crash.txt")
    write(folder, OTHER, "z-good.txt")
    return folder


COMMANDS = {
    "ingest": lambda src, out: ["ingest", src, "-o", out, "--no-link"],
    "validate": lambda src, out: ["validate", src, "--no-link"],
    "load": lambda src, out: ["load", src, "--store", out, "--no-link"],
    "link": lambda src, out: ["link", src, "-o", out],
    "reason": lambda src, out: ["reason", src, "-o", out, "--engine", "construct"],
    "demo": lambda src, out: ["demo", src, "--out", out],
}
# what each command prints for a document it processed (the two good ones must both appear)
DONE = {"ingest": "lines mapped", "validate": "", "load": "三元组 triples", "link": "mandate links",
        "reason": "inferred mandate links", "demo": "lines mapped"}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unexpected_exception_spoils_only_its_own_file(command, crash_on_one_file, tmp_path, capsys):
    src = _batch(tmp_path)
    code = main(COMMANDS[command](str(src), str(tmp_path / "out")))
    out, err = capsys.readouterr()
    assert code == 2
    assert "crash.txt" in err and "内部错误" in err and "internal error" in err
    assert "ValueError: substring not found" in err
    assert "Traceback" not in err and "Traceback" not in out
    for good in ("a-good.txt", "z-good.txt"):
        assert good in out, f"{command} did not process {good}"
    assert DONE[command] in out


def test_debug_shows_the_traceback(crash_on_one_file, tmp_path, capsys):
    src = _batch(tmp_path)
    assert main(["ingest", str(src), "-o", str(tmp_path / "out"), "--no-link", "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "parse_or_crash" in err


def test_a_defect_in_the_command_itself_is_reported_without_traceback(monkeypatch, tmp_path, capsys):
    import perfkg.cli.ingest as ingest_command

    def broken(*args, **kwargs):
        raise KeyError("defect")

    monkeypatch.setattr(ingest_command, "OutputFolder", broken)
    src = write(tmp_path, GOOD, "doc.txt")
    assert main(["ingest", str(src), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "内部错误" in err and "internal error" in err and "Traceback" not in err


def _die_or_answer(job: str):
    import os

    if job == "dies":
        os._exit(3)  # a crash in native code looks like this to the parent
    return None if job == "nothing" else job.upper()


def test_a_worker_that_dies_costs_only_its_own_file():
    from perfkg.batch import run_each

    outcomes = dict(run_each(_die_or_answer, ["a", "dies", "nothing", "b"], seconds=60, memory_mb=512, workers=1))
    assert outcomes["a"] == "A" and outcomes["b"] == "B" and outcomes["nothing"] is None
    error = outcomes["dies"]
    assert "exit code 3" in error.message_en and "意外终止" in error.message_zh
