"""The foundation queries (projects, indicators, spending plan) on the seed, with asserted values."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from rdflib import Dataset

from perfkg.queries import get_query, list_queries, run_rdflib
from perfkg.results import render

P1, P2 = "13030022P00702210044W", "13030022P00702210045G"


@pytest.fixture(scope="module")
def seed_ds(seed_result):
    ds = Dataset(default_union=True)
    ds.graph(seed_result.graph_iri).__iadd__(seed_result.graph)
    return ds


def test_every_library_query_has_a_header():
    for q in list_queries():
        assert q.title_zh and q.title_en and q.description and q.columns, q.name


def test_projects(seed_ds):
    table = run_rdflib(get_query("projects"), seed_ds)
    assert table.vars == ["code", "name", "budget", "fiscal", "other", "year", "unit_code"]
    assert table.python_rows() == [
        (P1, "科普费（包括老科协工作经费 15 万元）", Decimal("40.00"), Decimal("40.00"), Decimal("0"), 2022, "731001"),
        (P2, "科协物业管理费", Decimal("15.00"), Decimal("15.00"), Decimal("0"), 2022, "731001"),
    ]


def test_indicators(seed_ds):
    table = run_rdflib(get_query("indicators"), seed_ds)
    assert table.vars == ["project", "project_name", "level1", "level2", "name", "comparator", "value", "unit",
                          "raw", "date", "description", "basis"]
    rows = table.python_rows()
    assert len(rows) == 25
    name1 = "科普费（包括老科协工作经费 15 万元）"
    assert rows[0] == (P1, name1, "产出指标", "数量指标", "举办培训次数", ">=", Decimal("1"), "次", "≥1 次", None,
                       "举办培训次数", "年度工作计划")
    assert rows[1][5:8] == ("=", Decimal("4"), "个")  # bare number counts as =
    assert rows[11] == (P1, name1, "成本指标", "预算执行", "成本预算控制率", "=", Decimal("40"), "万元", "40 万元", None,
                        None, "年度工作计划")
    assert rows[15 + 4][5:8] == (">=", Decimal("15"), "元/平方米月")
    assert rows[15 + 5][5:10] == (None, None, None, "无", None)  # placeholder: no comparator
    assert rows[15 + 5][11] == "年度工作计划及物业服务合同"
    assert rows[15 + 8][5:8] == (">=", Decimal("95"), None)
    assert [r[0] for r in rows] == [P1] * 15 + [P2] * 10


def test_spending_plan(seed_ds):
    rows = run_rdflib(get_query("spending-plan"), seed_ds).python_rows()
    assert rows == [(P1, 3, 30), (P1, 6, 60), (P1, 10, 90), (P1, 12, 100),
                    (P2, 3, 25), (P2, 6, 50), (P2, 10, 75), (P2, 12, 100)]


def test_cli_query_formats(seed_path):
    def run(fmt):
        out = subprocess.run([sys.executable, "-m", "perfkg", "query", "projects", "--data", str(seed_path),
                              "--format", fmt], capture_output=True, timeout=120, check=True)
        return out.stdout.decode("utf-8")  # bytes: W3C CSV lines end in CRLF

    data = json.loads(run("json"))  # W3C SPARQL 1.1 Query Results JSON
    assert data["head"]["vars"][:2] == ["code", "name"]
    first = data["results"]["bindings"][0]
    assert first["code"] == {"type": "literal", "value": P1}
    assert first["budget"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert "other" in first  # 0 is a value, not unbound
    csv_text = run("csv")
    assert csv_text.startswith("code,name,budget,fiscal,other,year,unit_code\r\n")
    assert f"{P2},科协物业管理费,15.0,15.0,0.0,2022,731001\r\n" in csv_text
    table = run("table")
    assert "科协物业管理费" in table and "(2 行 rows)" in table


def test_table_rendering_aligns_cjk(seed_ds):
    text = render(run_rdflib(get_query("projects"), seed_ds), "table")
    from perfkg.results import display_width

    header, rule, *rows = text.splitlines()[:4]
    assert display_width(rule) >= display_width(rows[0].rstrip()) - 2
