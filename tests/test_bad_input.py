"""Bad input: a clear bilingual message naming file and line, a non-zero exit, and the other files still ingested."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from docbuilder import document, project_block, write

from perfkg.cli import main
from perfkg.ingest import ingest


def run_cli(*args: str) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "perfkg.cli", *args], capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def _truncated(tmp_path):
    lines = document().splitlines()
    header = next(i for i, l in enumerate(lines) if l.startswith("一级指标"))
    return write(tmp_path, "\n".join(lines[: header + 1]) + "\n", "truncated.txt")


def _truncated_before_header(tmp_path):
    lines = document().splitlines()
    code = next(i for i, l in enumerate(lines) if l.startswith("项目编码"))
    return write(tmp_path, "\n".join(lines[: code + 2]) + "\n", "cut.txt")


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


CASES = {
    "missing": (lambda t: t / "nope.txt", "文件不存在", "file not found", None),
    "empty": (lambda t: write(t, "", "empty.txt"), "文件为空", "file is empty", 1),
    "blank-only": (lambda t: write(t, "\n  \n\t\n", "blank.txt"), "文件为空", "file is empty", 1),
    "binary": (lambda t: write_bytes(t / "bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
               "二进制", "binary", 3),
    "not-a-document": (lambda t: write(t, "会议纪要\n\n今天讨论了食堂菜单。\n", "memo.txt"),
                       "不是部门预算绩效文本", "not a budget-performance document", 1),
    "truncated-table": (_truncated, "被截断", "truncated", None),
    "truncated-before-header": (_truncated_before_header, "被截断", "truncated", None),
    "undecodable": (lambda t: write_bytes(t / "bad.txt", "标题\n".encode("utf-8") + b"\xfa\x80\x81\xff" * 3),
                    "无法解码", "cannot decode", 2),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_reported_with_file_and_line(tmp_path, case):
    make, zh, en, line = CASES[case]
    path = make(tmp_path)
    good = write(tmp_path, document(), "good.txt")
    results = ingest([good, path])
    bad = [r for r in results if not r.ok]
    assert [r.ok for r in results if r.path == str(good)] == [True]  # the good file is still ingested
    (r,) = bad
    assert zh in r.error.message_zh and en in r.error.message_en
    assert Path(r.error.path).name == path.name
    if line is not None:
        assert r.error.line == line
    assert f"{path.name}" in r.error.message_zh


def test_truncated_table_names_the_last_line(tmp_path):
    path = _truncated(tmp_path)
    (r,) = ingest([path])
    assert r.error.line == len(path.read_text().splitlines())


def test_directory_without_documents(tmp_path):
    (tmp_path / "empty").mkdir()
    (r,) = ingest([tmp_path / "empty"])
    assert "没有绩效文本" in r.error.message_zh and "no documents" in r.error.message_en


def test_gb18030_and_crlf_are_decoded(tmp_path):
    text = document()
    gbk = write(tmp_path, text, "gbk.txt", encoding="gbk", newline="\r\n")
    gb18030 = write(tmp_path, text, "gb18030.txt", encoding="gb18030", newline="\r\n")
    utf8 = write(tmp_path, text, "utf8.txt")
    results = {p.name: ingest([p])[0] for p in (gbk, gb18030, utf8)}  # one document: one identity per batch
    assert results["gbk.txt"].document.encoding == "gb18030"
    reference = results["utf8.txt"].document
    for name in ("gbk.txt", "gb18030.txt"):
        doc = results[name].document
        assert doc.projects[0].indicators == reference.projects[0].indicators
        assert doc.sub_goals == reference.sub_goals


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + document().encode("utf-8"))
    (r,) = ingest([path])
    assert r.ok and r.document.encoding == "utf-8-sig" and r.document.title.text.startswith("临水市")


def test_cli_exit_codes_and_messages(tmp_path):
    good = write(tmp_path, document(), "good.txt")
    empty = write(tmp_path, "", "empty.txt")
    code, out, err = run_cli("ingest", str(good), str(empty), str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o"),
                             "--no-link")
    assert code == 2
    assert "empty.txt:1: 文件为空" in err and "file is empty" in err
    assert "missing.txt: 文件不存在" in err
    assert "Traceback" not in err
    assert "1/3" in out and (tmp_path / "o" / "139900-139901-2023.ttl").is_file()  # named by identity


def test_cli_binary_file_no_traceback(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(bytes(range(256)) * 10)
    code, out, err = run_cli("ingest", str(path), "-o", str(tmp_path / "o"), "--no-link")
    assert code == 2 and "binary" in err and "Traceback" not in err


def test_in_process_main_returns_codes(tmp_path, capsys):
    good = write(tmp_path, document(projects=[project_block()]), "ok.txt")
    assert main(["ingest", str(good), "-o", str(tmp_path / "o"), "--no-link"]) == 0
    assert main(["query", "nope", "--data", str(good)]) == 2
    assert "no query named 'nope'" in capsys.readouterr().err
