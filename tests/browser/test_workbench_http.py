"""The workbench's addresses over plain HTTP (httpx) against a real `perfkg serve`: dereferenceable IRIs by Accept,
library downloads, upload limits and JSON reports, parameter errors, escaping, and the charts the queries declare.

Expected values are read from the documents in data/ (data/README.md gives lines and planted defects).
"""
from __future__ import annotations

import io
import json
import os
import tempfile

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from conftest import DATA
from perfkg.queries import list_queries
from perfkg.web.workbench.charts import chart_of, parse_chart

PROJECT = "https://w3id.org/perfkg/id/project/13990024P00512030009F"  # yunling-kexie-2024.txt l. 174


@pytest.fixture(scope="module")
def http(served):
    with httpx.Client(base_url=served.url, timeout=60) as client:
        yield client


def test_iris_dereference_to_turtle_for_rdf_clients_and_html_for_browsers(http):
    path = "/id/project/13990024P00512030009F"
    turtle = http.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    assert turtle.headers["vary"] == "Accept"
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(PROJECT), RDFS.label, Literal("机关信息系统运维及物业管理费", lang="zh")) in graph
    nt = http.get(path, headers={"Accept": "application/n-triples;q=1, text/html;q=0.5"})
    assert nt.headers["content-type"].startswith("application/n-triples")
    page = http.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>机关信息系统运维及物业管理费</h1>" in page.text and "23.00 万元" in page.text  # l. 175: 预算数 23.00
    assert http.get(path, headers={"Accept": "image/png"}).status_code == 406
    missing = http.get("/id/project/NO-SUCH-PROJECT")
    assert missing.status_code == 404 and "NO-SUCH-PROJECT" in missing.text
    assert http.get("/id/project/NO-SUCH-PROJECT", headers={"Accept": "text/turtle"}).status_code == 404


def test_iris_with_chinese_segments_resolve_however_the_client_encodes_them(http):
    quoted = "/id/org/%E4%BA%91%E5%B2%AD%E5%B8%82%E7%A7%91%E5%AD%A6%E6%8A%80%E6%9C%AF%E5%8D%8F%E4%BC%9A"
    assert "<h1>云岭市科学技术协会</h1>" in http.get(quoted).text
    assert "<h1>云岭市科学技术协会</h1>" in http.get(quoted.lower()).text  # lower-case hex is the same IRI


def test_library_downloads_csv_json_and_xlsx(http):
    csv = http.get("/query/satisfaction-below.csv", params={"floor": "85"})
    assert csv.status_code == 200 and csv.headers["x-perfkg-truncated"] == "false"
    assert 'filename="satisfaction-below.csv"' in csv.headers["content-disposition"]
    assert csv.text.splitlines()[1:] == ["13990024P00512030013T,参赛师生满意度,90,,≥90,144",  # D12, l. 144
                                         "13990024P00512030021B,参会科技工作者满意度,80,%,≥80%,166"]  # D15, l. 166
    data = http.get("/query/satisfaction-below.json", params={"floor": "85"}).json()
    assert data["head"]["vars"] == ["project", "indicator", "value", "unit", "raw", "line"]
    assert {b["line"]["value"] for b in data["results"]["bindings"]} == {"144", "166"}
    from openpyxl import load_workbook

    for lang, sheet_name in (("zh", "查询结果"), ("en", "results")):
        xlsx = http.get("/query/projects.xlsx", params={"lang": lang})
        assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
        sheet = list(load_workbook(io.BytesIO(xlsx.content))[sheet_name].iter_rows(values_only=True))
        rows = [dict(zip(sheet[0], row)) for row in sheet[1:]]
        row = next(r for r in rows if "13990024P00512030009F" in r.values())  # l. 174-175
        budget = "预算数（万元）" if lang == "zh" else "budget (10k yuan)"
        assert row[budget] == 23 and "机关信息系统运维及物业管理费" in row.values() and 2024 in row.values()


def test_bad_parameters_and_unknown_queries_are_clear_errors(http):
    bad = http.get("/query/satisfaction-below", params={"floor": "many"})
    assert bad.status_code == 400 and "floor" in bad.text and "不是" in bad.text and "is not a valid" in bad.text
    assert http.get("/query/satisfaction-below.csv", params={"floor": "many"}).status_code == 400
    assert http.get("/query/satisfaction-below.csv", params={"nothing": "1"}).status_code == 400
    assert http.get("/query/no-such-query").status_code == 404
    assert http.get("/query/projects.pdf").status_code == 404


def test_parameter_values_are_escaped_in_pages(http):
    page = http.get("/query/search-indicators", params={"term": "<script>alert(1)</script>"})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text


def _upload(http, *files, accept="application/json"):
    return http.post("/validate", files=[("documents", f) for f in files], headers={"Accept": accept})


def test_upload_report_as_json_names_the_uploaded_file_and_keeps_nothing(http):
    before = {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("perfkg-upload-")}
    text = (DATA / "yunling-kexie-2024.txt").read_bytes()
    response = _upload(http, ("yunling-kexie-2024.txt", text, "text/plain"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    (document,) = response.json()["documents"]
    assert document["source"] == "yunling-kexie-2024.txt"
    lines = {(f["rule"], f["lines"]["first"]) for f in document["results"] if f["lines"]}
    assert {("R28", 185), ("R29", 140), ("R19", 187), ("R19", 188)} <= lines  # D16, D11, D17, D18
    after = {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("perfkg-upload-")}
    assert after == before  # the upload was validated, never stored


def test_upload_refusals_are_bilingual(http, served):
    assert _upload(http).status_code == 400  # no file at all
    empty = http.post("/validate", data={"x": "1"}, headers={"Accept": "application/json"})
    assert empty.status_code == 400 and "没有选择文件" in empty.json()["error"] and "no file" in empty.json()["error"]
    wrong = _upload(http, ("report.exe", b"MZ\x00\x01", "application/octet-stream"))
    assert wrong.status_code == 400 and "report.exe" in wrong.json()["error"]
    big = _upload(http, ("big.txt", b"x" * (21 * 1024 * 1024), "text/plain"))
    assert big.status_code == 413 and "20 MiB" in big.json()["error"]
    html = _upload(http, ("big.txt", b"x" * (21 * 1024 * 1024), "text/plain"), accept="text/html")
    assert html.status_code == 413 and "上传内容超过 20 MiB 上限" in html.text
    binary = _upload(http, ("binary.txt", bytes(range(256)) * 40, "text/plain"))
    (document,) = binary.json()["documents"]
    assert document["problem"]["path"] == "binary.txt"  # a bad file gets a report naming it, not a traceback


def test_every_declared_chart_uses_columns_its_query_has():
    charts = {q.name: chart_of(q) for q in list_queries()}
    declared = {name: c for name, c in charts.items() if c}
    # the five: budget by mandate, coverage by department, spending plans, year over year, categories
    assert {"mandate-coverage", "mandate-budget-share", "spending-plan", "year-over-year",
            "indicator-categories"} <= set(declared)
    assert declared["mandate-budget-share"].kind == "heatmap" and declared["spending-plan"].kind == "line"
    for name, chart in declared.items():
        query = next(q for q in list_queries() if q.name == name)
        assert set(chart.columns()) <= set(query.columns), name


def test_a_chart_declaration_that_does_not_parse_names_its_file():
    with pytest.raises(Exception) as e:
        parse_chart("pie x=a", "broken.rq")
    assert "broken.rq" in str(e.value) and "图表声明无效" in str(e.value)


def test_a_dead_validation_process_is_reported_and_replaced(http, served):
    import psutil

    sample = ("yunling-kexie-2023.txt", (DATA / "yunling-kexie-2023.txt").read_bytes(), "text/plain")
    assert _upload(http, sample).status_code == 200  # the validation process is running now
    spawned = [p for p in psutil.Process(served.process.pid).children(recursive=True)
               if "spawn_main" in " ".join(p.cmdline())]
    assert spawned, "no validation process found"
    for process in spawned:
        process.kill()
    psutil.wait_procs(spawned, timeout=10)
    dead = _upload(http, sample)
    assert dead.status_code == 500 and "检查进程意外退出" in dead.json()["error"] and "died" in dead.json()["error"]
    again = _upload(http, sample)
    assert again.status_code == 200 and again.json()["documents"][0]["source"] == "yunling-kexie-2023.txt"
