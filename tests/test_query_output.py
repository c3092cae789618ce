"""Query results for people (zh/en headings, labels, units, xlsx, csv-excel, --list) and wrapping by display width.

Expected values are read from the seed document by hand: 科普费 (13030022P00702210044W) 预算数 40.00 万元 (l.123),
科协物业管理费 (13030022P00702210045G) 15.00 万元 (l.152); two 满意度指标 rows under 服务对象满意度指标 (l.143, l.167);
three 效益指标 rows of 科协物业管理费 whose 指标值 is the placeholder 无 (l.163–165).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest

from perfkg.display import NO_BREAK_AFTER, NO_BREAK_BEFORE, display_width, wrap
from perfkg.queries import list_queries

P1, P2 = "13030022P00702210044W", "13030022P00702210045G"


def perfkg(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="40")  # not a terminal: tables keep one line per row whatever COLUMNS says
    return subprocess.run([sys.executable, "-m", "perfkg", *args], capture_output=True, timeout=180, env=env)


def query(name: str, seed_path, *options: str) -> str:
    done = perfkg("query", name, "--data", str(seed_path), *options)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode("utf-8")


# -- the headers -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query_info", list_queries(), ids=lambda q: q.name)
def test_every_library_column_has_a_zh_and_an_en_heading(query_info):
    described = {c.name: c for c in query_info.described}
    assert set(described) == set(query_info.columns)
    for name, column in described.items():
        assert column.zh != name or not name.isascii(), f"{query_info.name}: no zh heading for {name}"
        assert column.en, f"{query_info.name}: no en heading for {name}"
        assert all(code and zh and en for code, zh, en in column.codes)


@pytest.mark.parametrize("query_info", list_queries(), ids=lambda q: q.name)
def test_every_library_query_is_described_in_both_languages(query_info):
    assert len(query_info.description) > 40 and len(query_info.description_zh) > 20


def test_header_lines_that_describe_a_missing_column_are_caught(tmp_path):
    from perfkg.queries import parse_query_file

    path = tmp_path / "q.rq"
    path.write_text("# description: one\n#   two\n# description@zh: 第一行，\n#   第二行 3 个\n#   值\n"
                    "# columns: a, b\n# columns@zh: a=甲, c=丙\n# units: b=万元\n# values: a: x=叉/ex; y=歪/why\n"
                    "SELECT ?a ?b {}\n", encoding="utf-8")
    q = parse_query_file(path)
    assert (q.description, q.description_zh) == ("one two", "第一行，第二行 3 个值")  # Chinese joins without a space
    assert [c.heading("zh") for c in q.described] == ["甲", "b（万元）"]
    assert q.column("b").heading("en") == "b (10k yuan)"
    assert q.column("a").code_label("y", "zh") == "歪" and q.column("a").code_label("y", "en") == "why"
    path.write_text("# columns: a\n# values: a=nowhere\nSELECT ?a {}\n", encoding="utf-8")
    from perfkg.errors import PerfkgError

    with pytest.raises(PerfkgError, match="nowhere"):
        parse_query_file(path)


# -- people formats --------------------------------------------------------------------------------------------

def test_table_is_in_chinese_by_default_with_the_amount_unit(seed_path):
    out = query("projects", seed_path)
    header = out.splitlines()[0]
    for heading in ("项目编码", "项目名称", "预算数（万元）", "财政资金（万元）", "年度"):
        assert heading in header
    row = next(line for line in out.splitlines() if P2 in line)
    assert "科协物业管理费" in row and "15.00" in row
    assert "(2 行 rows)" in out


def test_english_headings_and_labels(seed_path):
    out = query("indicator-categories", seed_path, "--lang", "en")
    assert out.splitlines()[0].split() == ["document", "level", "1", "level", "2", "indicators"]
    row = next(line for line in out.splitlines() if "Service-recipient satisfaction indicators" in line)
    assert "Satisfaction indicators" in row and row.split()[-1] == "2"


def test_category_labels_instead_of_slugs(seed_path):
    zh = query("indicator-categories", seed_path)
    assert "satisfaction" not in zh and "benefit" not in zh
    row = next(line for line in zh.splitlines() if "满意度指标" in line)
    assert "服务对象满意度指标" in row and row.split()[-1] == "2"


def test_codes_read_as_labels(seed_path):
    zh = query("qualitative-targets", seed_path)
    assert sum(" 占位 " in line for line in zh.splitlines()) == 3
    en = query("qualitative-targets", seed_path, "--lang", "en")
    assert sum(" placeholder " in line for line in en.splitlines()) == 3


def test_xlsx_reads_back_in_a_spreadsheet_reader(seed_path, tmp_path):
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    target = tmp_path / "projects.xlsx"
    done = perfkg("query", "projects", "--data", str(seed_path), "--format", "xlsx", "--out", str(target))
    assert done.returncode == 0, done.stderr.decode()
    book = CalamineWorkbook.from_path(str(target))
    assert book.sheet_names == ["查询结果", "查询说明"]
    rows = book.get_sheet_by_name("查询结果").to_python()
    header = rows[0]
    assert header[:3] == ["项目编码", "项目名称", "预算数（万元）"]
    by_code = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert by_code[P1]["预算数（万元）"] == 40.0 and by_code[P2]["财政资金（万元）"] == 15.0
    assert by_code[P2]["项目名称"] == "科协物业管理费" and str(by_code[P1]["年度"]) in ("2022", "2022.0")
    about = dict((r[0], r[1]) for r in book.get_sheet_by_name("查询说明").to_python())
    assert about["查询"] == "projects" and "SELECT" in about["SPARQL"]
    sheet = load_workbook(target).active
    assert sheet["C2"].number_format == "#,##0.00" and sheet["C2"].value in (40, 15)


def test_xlsx_on_stdout_when_redirected(seed_path):
    done = perfkg("query", "projects", "--data", str(seed_path), "--format", "xlsx", "--lang", "en")
    assert done.returncode == 0 and done.stdout[:2] == b"PK"
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(done.stdout))
    assert book.sheetnames == ["results", "query"]
    assert [c.value for c in book["results"][1]][:3] == ["project code", "project", "budget (10k yuan)"]


def test_csv_for_excel_has_a_bom_and_headings(seed_path):
    done = perfkg("query", "projects", "--data", str(seed_path), "--format", "csv-excel")
    assert done.stdout.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["项目编码", "项目名称", "预算数（万元）"]
    assert [P1, "科普费（包括老科协工作经费 15 万元）", "40.00"] == rows[1 if rows[1][0] == P1 else 2][:3]
    assert b"\r\n" in done.stdout


def test_machine_formats_stay_w3c(seed_path):
    csv_text = query("projects", seed_path, "--format", "csv")
    assert not csv_text.startswith("\ufeff") and csv_text.split("\r\n")[0].startswith("code,name,budget,")
    data = json.loads(query("indicator-categories", seed_path, "--format", "json"))
    values = {b["level1"]["value"] for b in data["results"]["bindings"]}
    assert "satisfaction" in values  # the query's own values, not people's labels
    tsv = query("projects", seed_path, "--format", "tsv")
    assert tsv.startswith("?code\t?name\t?budget")


def test_list_shows_titles_descriptions_and_parameters():
    done = perfkg("query", "--list")
    out = done.stdout.decode()
    assert done.returncode == 0
    block = out[out.index("satisfaction-below"):].split("\n\n")[0]
    assert "满意度目标低于下限" in block and "Satisfaction targets below a threshold" in block
    assert "--param floor=" in block and "decimal" in block and "85" in block and "满意度下限" in block
    assert "Satisfaction indicators (满意度指标)" in block
    assert "指标值低于下限（百分比；参数 floor，默认 85）或根本不以 % 表述的满意度指标。" in block
    assert "指标数值" in block  # the columns people will see
    english = perfkg("query", "--list", "--lang", "en").stdout.decode()
    block = english[english.index("satisfaction-below"):].split("\n\n")[0]
    assert "Satisfaction indicators (满意度指标)" in block and "根本不以" not in block
    assert "value" in block and "default 85" in block


# -- wrapping by display width ---------------------------------------------------------------------------------

MIXED = ("资金支出计划有 4 个百分比但只有 3 个时间标签（12 月底），第 4 个值“100%”无法对应。"
         "The spending plan has four percentages but only three period labels, so the last one is unmatched。")


@pytest.mark.parametrize("width", range(8, 41))
def test_wrap_respects_width_words_and_closing_punctuation(width):
    lines = wrap(MIXED, width)
    assert all(display_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == MIXED.replace(" ", "")
    for line in lines:
        assert line[0] not in NO_BREAK_BEFORE, (width, lines)
        assert line[-1] not in NO_BREAK_AFTER, (width, lines)
    words_on_lines = [w for line in lines for w in re.findall("[A-Za-z]+", line)]
    for word in re.findall("[A-Za-z]+", MIXED):
        if len(word) + 2 <= width:  # only a word (with a 。 after it) longer than the line may be cut
            assert word in words_on_lines, (word, lines)


def test_table_cells_wrap_by_display_width():
    from rdflib import Literal

    from perfkg.results import ResultTable, to_table

    table = ResultTable(["text", "n"], [(Literal(MIXED), Literal(7))])
    lines = to_table(table, width=40).splitlines()
    assert all(display_width(line) <= 40 for line in lines)
    cells = [line.rsplit(" 7", 1)[0].strip() for line in lines[2:-1]]
    assert all(c[0] not in NO_BREAK_BEFORE for c in cells if c), cells
    assert "".join(cells).replace(" ", "") == MIXED.replace(" ", "")
    assert any(c.endswith("unmatched。") for c in cells) and lines[2].rstrip().endswith("7")


def test_validation_report_wraps_by_display_width(tmp_path):
    from perfkg.validate import render_text, validate_documents

    from conftest import DATA

    reports = validate_documents([DATA / "yunling-kexie-2024.txt"], workers=1)
    text = render_text(reports, "zh", width=50)
    assert all(display_width(line) <= 50 for line in text.splitlines()), text
    for line in text.splitlines():
        stripped = line.strip()
        assert not stripped or stripped[0] not in "。，、；：？）》」』】", line  # (! and i mark findings)
    english = render_text(reports, "en", width=50)
    assert all(display_width(line) <= 50 for line in english.splitlines()), english
    on_lines = [w for line in english.splitlines() for w in re.findall("[A-Za-z]+", line)]
    for finding in (f for r in reports for f in r.findings):
        for word in re.findall("[A-Za-z]+", finding.message.get("en", "")):
            if len(word) < 40:
                assert word in on_lines, word


# -- argument errors -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv, zh, en", [
    (["query", "projects", "--format", "nope"], "参数 --format 的值 'nope' 无效（可选：'table'",
     "argument --format: invalid choice: 'nope'"),
    (["query", "projects", "--lang", "fr"], "参数 --lang 的值 'fr' 无效", "invalid choice: 'fr'"),
    (["ingest"], "缺少必需的参数：SRC", "the following arguments are required: SRC"),
    (["validate", "x.txt", "--max-size", "abc"], "参数 --max-size 的值 'abc' 不是有效的 float",
     "argument --max-size: invalid float value: 'abc'"),
    (["query", "projects", "--bogus"], "无法识别的参数：--bogus", "unrecognized arguments: --bogus"),
    (["nonsense"], "参数 COMMAND 的值 'nonsense' 无效", "invalid choice: 'nonsense'"),
])
def test_argument_errors_are_bilingual(argv, zh, en, capsys):
    from perfkg.cli import main

    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: perfkg")
    assert zh in err and en in err and "Traceback" not in err


def test_xlsx_is_not_written_to_a_terminal(seed_path):
    from test_progress import ANSI, run_in_pty

    code, screen = run_in_pty([sys.executable, "-m", "perfkg", "query", "projects", "--data", str(seed_path),
                               "--format", "xlsx"])
    plain = ANSI.sub("", screen)
    assert code == 2 and "PK" not in plain
    assert "xlsx 是二进制文件，请用 --out FILE 写入文件" in plain and "xlsx is a binary file: write it with --out FILE" in plain
