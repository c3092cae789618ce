"""`perfkg validate`: exit codes, formats, languages, --out, settings, and unusable input next to good input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from perfkg.cli import main

ROOT = Path(__file__).resolve().parents[1]
CLEAN = str(ROOT / "data" / "yunling-kexie-2023.txt")
PLANTED = str(ROOT / "data" / "yunling-kexie-2024.txt")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["validate", "--no-link", "--workers", "1", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_document_passes_at_violation_level(capsys):
    code, out, _ = run(capsys, CLEAN)
    assert code == 0 and "通过" in out and "违规 0" in out


@pytest.mark.parametrize("fail_on,code", [("violation", 0), ("warning", 1), ("info", 1)])
def test_fail_on(capsys, fail_on, code):
    assert run(capsys, CLEAN, "--fail-on", fail_on)[0] == code


def test_document_with_violations_exits_1(capsys):
    code, out, _ = run(capsys, PLANTED, "--lang", "en")
    assert code == 1 and "FAIL" in out and "R19" in out and "line 187" in out


def test_unusable_input_exits_2_and_the_rest_is_still_validated(capsys, tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:a ex:b \"unterminated .\n", encoding="utf-8")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    code, out, err = run(capsys, str(bad), CLEAN, str(binary), str(tmp_path / "missing.txt"))
    assert code == 2
    assert "broken.ttl" in err and "scan.txt" in err and "missing.txt" in err
    assert "文件不存在" in err and "file not found" in err  # bilingual
    assert "yunling-kexie-2023.txt" in out and "违规 0" in out  # the good file was validated


def test_out_file_and_formats(capsys, tmp_path):
    for fmt, check in (("turtle", lambda t: Graph().parse(data=t, format="turtle")),
                       ("json", json.loads), ("html", lambda t: t.startswith("<!DOCTYPE html>") or 1 / 0)):
        out_file = tmp_path / f"report.{fmt}"
        code, out, _ = run(capsys, PLANTED, "--format", fmt, "-o", str(out_file))
        assert code == 1 and out_file.is_file() and "报告已写入" in out
        check(out_file.read_text(encoding="utf-8"))


def test_settings_change_findings(capsys):
    _, strict, _ = run(capsys, CLEAN, "--set", "satisfaction-floor=95", "--format", "json")
    _, default, _ = run(capsys, CLEAN, "--format", "json")
    r30 = lambda text: [r for r in json.loads(text)["documents"][0]["results"] if r["rule"] == "R30"]  # noqa: E731
    assert len(r30(strict)) == 4 and r30(default) == []
    assert json.loads(strict)["documents"][0]["settings"]["satisfaction-floor"] == "95"


def test_config_file(capsys, tmp_path):
    cfg = tmp_path / "settings.ttl"
    cfg.write_text("@prefix pks: <https://w3id.org/perfkg/shapes#> .\npks:satisfaction-floor pks:value 95 .\n",
                   encoding="utf-8")
    _, out, _ = run(capsys, CLEAN, "--config", str(cfg), "--lang", "en")
    assert out.count("R30") == 4


@pytest.mark.parametrize("setting", ["satisfaction-floor=abc", "satisfaction-floor=120", "no-such-setting=1",
                                     "min-indicators=2.5", "satisfaction-floor"])
def test_bad_settings_are_rejected_bilingually(capsys, setting):
    code, _, err = run(capsys, CLEAN, "--set", setting)
    assert code == 2 and "错误 error" in err


def test_disable_rules(capsys):
    _, out, _ = run(capsys, CLEAN, "--disable", "R03,R24", "--disable", "R02")
    assert "R03" not in out and "R24" not in out and "没有发现问题" in out
    code, _, err = run(capsys, CLEAN, "--disable", "R99")
    assert code == 2 and "R99" in err


def test_list_rules(capsys):
    code, out, _ = run(capsys, "--list-rules", "--lang", "en")
    assert code == 0 and out.startswith("R01") and "R40" in out and "P-cell-realigned" in out


def test_no_sources_is_an_error(capsys):
    assert run(capsys)[0] == 2
