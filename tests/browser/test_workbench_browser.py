"""The workbench in a real browser (Debian's Chromium via Playwright) against a real `perfkg serve` on data/.

Expected values come from reading the documents (data/README.md lists the planted defects by line), not from
perfkg's output. Every test also checks, through the `page` fixture, that no request left the server under test.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

from playwright.sync_api import expect

from browser.conftest import MAX_ROWS, shot
from conftest import DATA

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~1.3e12 rows on 11k triples


def rows_of(page, selector: str = "#results") -> list[list[str]]:
    return page.locator(f"{selector} tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))")


def test_home_is_chinese_by_default_and_the_switch_is_remembered(page):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("perfkg 绩效知识图谱工作台")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    # data/ holds three documents with four projects each (data/README.md)
    expect(page.locator("#store-summary")).to_have_text("知识库：3 份文本，12 个项目")
    shot(page, "home-zh")
    page.click("header .lang >> text=English")
    expect(page.locator("h1")).to_have_text("perfkg workbench")
    expect(page.locator("#store-summary")).to_have_text("Store: 3 documents, 12 projects")
    page.click("header nav >> text=Query library")
    expect(page.locator("h1")).to_have_text("Query library")
    shot(page, "library-en")
    page.click("header .lang >> text=中文")
    expect(page.locator("h1")).to_have_text("查询库")


def test_library_query_with_a_parameter_sorts_and_downloads(page):
    page.goto("/query/satisfaction-below")
    expect(page.locator("h1")).to_have_text("满意度目标低于下限")
    page.fill("input[name=floor]", "85")
    page.click("#params button[type=submit]")
    expect(page).to_have_url(re.compile(r"/query/satisfaction-below\?floor=85$"))
    # data/README.md: D12 l. 144 "≥90" has no %, D15 l. 166 "≥80%" is below the 85 % floor (2024 file)
    assert sorted((r[1], r[4], r[5]) for r in rows_of(page)) == [("参会科技工作者满意度", "≥80%", "166"),
                                                              ("参赛师生满意度", "≥90", "144")]
    page.fill("input[name=floor]", "91")
    page.click("#params button[type=submit]")
    # every satisfaction row of data/ is ≥90 % or below (read in the three files): 4 per document
    lines = [int(r[5]) for r in rows_of(page)]
    assert sorted(lines) == [108, 122, 132, 135, 144, 155, 160, 166, 178, 182, 190, 206]
    page.click("#results thead th >> text=行号")
    assert [int(r[5]) for r in rows_of(page)][:3] == [108, 122, 132]
    page.click("#results thead th >> text=行号")
    assert [int(r[5]) for r in rows_of(page)][:3] == [206, 190, 182]
    shot(page, "query-satisfaction-below")
    assert page.locator("#permalink").get_attribute("href") == "/query/satisfaction-below?floor=91"
    with page.expect_download() as download:
        page.click("text=CSV")
    csv = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert csv[0] == "project,indicator,value,unit,raw,line"
    assert "13990024P00512030021B,参会科技工作者满意度,80,%,≥80%,166" in csv and len(csv) == 13


def test_projects_table_shows_labels_and_downloads_csv(page):
    page.goto("/query/projects")
    with page.expect_download() as download:
        page.click("text=CSV")
    csv = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    # yunling-kexie-2024.txt l. 174-175: 13990024P00512030009F, 预算数 23.00 = 财政 23.00, unit 512001
    assert csv[0] == "code,name,budget,fiscal,other,year,unit_code"  # W3C CSV: the variables, as the query has them
    assert "13990024P00512030009F,机关信息系统运维及物业管理费,23,23,0,2024,512001" in csv


def test_charts_declared_by_the_queries_are_drawn(page):
    page.goto("/query/indicator-categories")
    expect(page.locator("#chart")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#chart canvas")).to_have_count(1)
    shot(page, "chart-indicator-categories")
    page.goto("/query/mandate-budget-share")
    choice = page.locator("select[name=mandate]")
    # the choices come from the mandate scheme (ontology/mandates.ttl), labelled, with the default selected
    assert choice.locator("option").count() > 20
    expect(choice.locator("option[selected]")).to_have_text("为提高全民科学素质服务")
    choice.select_option(label="为科技工作者服务")
    page.click("#params button[type=submit]")
    expect(page).to_have_url(re.compile(r"mandate=https%3A%2F%2Fw3id.org%2Fperfkg%2Fmandate%2Fserve-st-workers"))
    expect(page.locator("#chart")).to_have_attribute("data-drawn", "true")
    shot(page, "chart-mandate-share-heatmap")
    page.goto("/query/spending-plan")
    expect(page.locator("#chart")).to_have_attribute("data-drawn", "true")
    shot(page, "chart-spending-plan")


def _set_query(page, text: str) -> None:
    page.evaluate("t => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue(t)", text)


def test_editor_runs_charts_and_cancel_stops_the_server_side_query(page, served):
    page.goto("/editor")
    expect(page.locator(".yasqe .CodeMirror")).to_be_visible()
    _set_query(page, "PREFIX perfkg: <https://w3id.org/perfkg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
               "SELECT ?name ?budget WHERE { ?p a perfkg:BudgetProject ; rdfs:label ?name ; "
               "perfkg:budgetAmount/perfkg:amount ?budget } ORDER BY DESC(?budget) ?name")
    page.click(".tabPanel.active .yasqe_queryButton")
    expect(page.locator("#query-status")).to_contain_text("完成 · 12 行")
    # the largest project of data/: 居家养老服务补贴, 预算数 186.00 万元 (beihu-minzheng-2024.txt l. 92-93)
    expect(page.locator(".tabPanel.active .yasr table tbody tr").first).to_contain_text("居家养老服务补贴")
    expect(page.locator(".tabPanel.active .yasr table tbody tr").first).to_contain_text("186")
    page.click(".tabPanel.active .yasr .select_perfkg-chart")
    expect(page.locator(".tabPanel.active .yasr .perfkg-chart canvas")).to_have_count(1)
    shot(page, "editor-chart")
    assert any(u.endswith("/api/vocabulary.json") for u in page.requests.urls)  # completion from perfkg's vocabulary

    before = set(served.pids())
    assert len(before) == 2
    _set_query(page, SLOW)
    page.click(".tabPanel.active .yasqe_queryButton")
    expect(page.locator("#query-status")).to_contain_text("运行中")
    time.sleep(1.5)
    shot(page, "editor-running")
    started = time.monotonic()
    page.click("#cancel-query")
    expect(page.locator("#query-status")).to_contain_text("已取消")
    while before <= set(served.pids()) and time.monotonic() - started < 15:
        time.sleep(0.2)
    gone = before - set(served.pids())
    assert len(gone) == 1, "the worker running the cancelled query is still alive"
    assert time.monotonic() - started < 15  # far below the 60 s time limit: the cancel stopped it, not the timeout
    while len(served.pids()) < 2 and time.monotonic() - started < 60:
        time.sleep(0.2)
    assert len(served.pids()) == 2  # replaced: the endpoint serves on
    shot(page, "editor-cancelled")


def test_editor_completes_from_perfkgs_own_vocabulary(page):
    page.goto("/editor")
    expect(page.locator(".tabPanel.active .CodeMirror")).to_be_visible()
    _set_query(page, "PREFIX perfkg: <https://w3id.org/perfkg/ontology#>\nSELECT * WHERE { ?p a perfkg:BudgetPro")
    page.evaluate("() => { const cm = document.querySelector('.tabPanel.active .CodeMirror').CodeMirror;"
                  " cm.focus(); cm.setCursor(cm.lineCount(), 0); }")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints .CodeMirror-hint")
    expect(hints.first).to_be_visible()
    assert "perfkg:BudgetProject" in hints.all_text_contents()  # ontology/perfkg.ttl declares the class
    shot(page, "editor-completion")


def test_truncation_is_shown_in_the_editor(page):
    page.goto("/editor")
    expect(page.locator(".yasqe .CodeMirror")).to_be_visible()
    _set_query(page, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    page.click(".tabPanel.active .yasqe_queryButton")
    expect(page.locator("#query-status")).to_contain_text(f"完成 · {MAX_ROWS} 行 · 结果已截断")


def test_open_in_editor_carries_the_query_with_its_parameters(page):
    page.goto("/query/satisfaction-below?floor=88")
    page.click("#open-in-editor")
    expect(page).to_have_url(re.compile(r"/editor\?"))
    expect(page.locator(".tabPanel.active .CodeMirror")).to_be_visible()
    text = page.evaluate("() => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
    assert "满意度目标低于下限" in text and '"88"^^<http://www.w3.org/2001/XMLSchema#decimal>' in text
    page.click(".tabPanel.active .yasqe_queryButton")
    # floor 88: the same two rows as at 85 (l. 144 ≥90 without %, l. 166 ≥80%), nothing between 85 and 88 in data/
    expect(page.locator("#query-status")).to_contain_text("完成 · 2 行")
    shot(page, "editor-from-library")


def test_browse_from_a_department_to_an_indicators_source_line(page):
    page.goto("/browse")
    shot(page, "browse")
    page.click("#departments >> text=云岭市科学技术协会")
    expect(page.locator("h1")).to_have_text("云岭市科学技术协会")
    page.click("#section-documents >> text=云岭市科学技术协会 2024 年部门预算绩效文本")
    page.click("#section-projects >> text=机关信息系统运维及物业管理费")
    expect(page.locator("#source-location")).to_contain_text("yunling-kexie-2024.txt")
    indicators = rows_of(page, "#section-indicators table")
    assert ["物业服务覆盖建筑面积", "产出指标", "数量指标", "≥4200 平方米", "181"] in indicators  # l. 181
    shot(page, "browse-project")
    page.click("#section-indicators >> text=物业服务覆盖建筑面积")
    expect(page.locator("h1")).to_have_text("物业服务覆盖建筑面积")
    expect(page.locator("#source-location")).to_contain_text("yunling-kexie-2024.txt · 第 181 行")
    shot(page, "browse-indicator")
    # a project that serves the popular-science mandate shows its links with evidence (l. 100: 科普日…)
    page.go_back()
    page.go_back()
    page.click("#section-projects >> text=科普日及科普大篷车巡展经费")
    mandates = rows_of(page, "#section-mandates table")
    assert mandates and all(r[2] and r[3].isdigit() for r in mandates), mandates  # phrase and line for each link


def test_upload_a_sample_with_defects_and_see_its_findings(page):
    page.goto("/validate")
    shot(page, "validate-form")
    page.set_input_files("input[type=file]", [str(DATA / "yunling-kexie-2024.txt"), str(DATA / "yunling-kexie-2023.txt")])
    page.click("#upload button[type=submit]")
    report = page.frame_locator("#report")
    # data/README.md D16: l. 185 a cost target with ≥ (R28); D11: l. 140 a deadline with ≥ (R29)
    expect(report.locator("tr", has_text="R28")).to_contain_text("185")
    expect(report.locator("tr", has_text="R29")).to_contain_text("140")
    expect(report.locator("body")).to_contain_text("yunling-kexie-2023.txt")
    shot(page, "validate-report")
    with page.expect_download() as download:
        page.click("text=JSON")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    lines = {(f["rule"], f["lines"]["first"]) for d in data["documents"] for f in d["results"] if f["lines"]}
    assert ("R28", 185) in lines and ("R29", 140) in lines
