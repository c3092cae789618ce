"""Report formats: Turtle is a valid SHACL report with lines; JSON follows its schema; HTML is a standalone page."""
from __future__ import annotations

import json
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from conftest import require
from shape_cases.harness import HERE
from shape_cases.reports import base_reports

from perfkg.validate import render_html, render_json, render_text, render_turtle
from perfkg.validate.report import DocumentReport, InputProblem
from perfkg.vocab import PERFKG

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def reports():
    r = base_reports()
    return [r[k] for k in ("yunling-2024", "yunling-2023", "beihu-2024")]


@pytest.fixture(scope="module")
def unusable():
    return DocumentReport(source="broken.ttl", problem=InputProblem(
        "broken.ttl", 3, {"zh": "RDF 解析失败", "en": "cannot parse RDF"}))


# -- Turtle --------------------------------------------------------------------------------------------------------

def test_turtle_parses_and_is_a_valid_shacl_report(reports):
    from pyshacl import validate

    g = Graph().parse(data=render_turtle(reports), format="turtle")
    shapes = Graph().parse(HERE / "report-shapes.ttl", format="turtle")
    conforms, _, text = validate(g, shacl_graph=shapes, inference="none")
    assert conforms, text
    assert len(list(g.subjects(RDF.type, SH.ValidationReport))) == 3


def test_turtle_results_match_the_findings(reports):
    report = reports[0]
    g = Graph().parse(data=render_turtle(report), format="turtle")
    results = list(g.objects(None, SH.result))
    assert len(results) == len(report.findings)
    lines = sorted(int(g.value(r, PERFKG.firstLine)) for r in results)
    assert lines == sorted(f.first_line for f in report.findings)
    [root] = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(root, SH.conforms) == Literal(False)


def test_turtle_of_a_document_without_findings_conforms():
    from perfkg.validate import validate_documents

    [report] = validate_documents([ROOT / "data" / "yunling-kexie-2023.txt"], workers=1, link=False,
                                  disabled={"R02", "R03", "R24"})
    assert report.findings == []
    g = Graph().parse(data=render_turtle(report), format="turtle")
    [root] = g.subjects(RDF.type, SH.ValidationReport)
    assert g.value(root, SH.conforms) == Literal(True) and g.value(root, SH.result) is None


def test_turtle_is_deterministic(reports):
    """The text does not depend on the order of triples or on blank-node labels."""
    import random

    lines = reports[0].report_graph.splitlines()
    random.Random(7).shuffle(lines)
    relabelled = "\n".join(lines).replace("_:r00", "_:x00") + "\n"
    assert render_turtle(replace(reports[0], report_graph=relabelled)) == render_turtle(reports[0])


def test_turtle_lists_unusable_sources_as_comments(reports, unusable):
    text = render_turtle([unusable, reports[1]])
    assert text.startswith("# broken.ttl:3: RDF 解析失败 / cannot parse RDF\n")
    Graph().parse(data=text, format="turtle")


# -- JSON ----------------------------------------------------------------------------------------------------------

def test_json_follows_the_schema(reports, unusable):
    try:
        import jsonschema
    except ImportError:
        require(False, "jsonschema (pip install jsonschema)")
    schema = json.loads((ROOT / "docs" / "validation-report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(render_json([*reports, unusable]))
    jsonschema.validate(data, schema)
    assert data["summary"] == {"documents": 4, "unusable": 1, "conforming": 2,
                               "counts": {"Violation": 6, "Warning": 22, "Info": 5}}


def test_json_results_carry_location_and_messages(reports):
    data = json.loads(render_json(reports))
    doc = data["documents"][0]
    r19 = [r for r in doc["results"] if r["rule"] == "R19"]
    assert [r["lines"]["first"] for r in r19] == [187, 188]
    assert r19[0]["project"]["code"] == "13990024P00512030009F" and r19[0]["indicator"]["label"] == "无"
    assert r19[0]["message"]["zh"] and r19[0]["message"]["en"] and r19[0]["valueText"] == "无"


def test_json_fail_on_changes_conforms(reports):
    strict = json.loads(render_json(reports, fail_on="warning"))
    assert [d["conforms"] for d in strict["documents"]] == [False, False, False]
    lenient = json.loads(render_json(reports, fail_on="violation"))
    assert [d["conforms"] for d in lenient["documents"]] == [False, True, True]


# -- HTML ----------------------------------------------------------------------------------------------------------

class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def test_html_is_a_standalone_page(reports, unusable):
    html = render_html([*reports, unusable], lang="zh")
    page = parse(html)
    tags = [t for t, _ in page.tags]
    assert html.startswith("<!DOCTYPE html>") and tags[0] == "html" and dict(page.tags[0][1])["lang"] == "zh-CN"
    assert "script" not in tags and "link" not in tags and "img" not in tags  # no scripts, no external assets
    assert all(not a.get("href", "#").startswith(("http", "//")) for _, a in page.tags)
    assert tags.count("h2") == 4  # one section per source
    text = "".join(page.text)
    assert "绩效目标审核报告" in text and "broken.ttl:3" in text and "cannot parse RDF" in text


def test_html_has_one_row_per_finding(reports):
    page = parse(render_html(reports[:1], lang="en"))
    rows = [a for t, a in page.tags if t == "tr" and a.get("class") in ("Violation", "Warning", "Info")]
    assert len(rows) == len(reports[0].findings)
    text = "".join(page.text)
    assert "Performance-goal review report" in text and "≥2.9 元/平方米·月" in text


def test_html_escapes_document_text(reports):
    finding = replace(reports[0].findings[0], value_text='<script>alert("x")</script> & 无',
                      message={"zh": "<b>粗</b>", "en": "a < b"})
    hostile = replace(reports[0], findings=[finding], title="<i>标题</i>")
    html = render_html([hostile])
    assert "<script>" not in html and "<b>粗</b>" not in html and "<i>标题</i>" not in html
    text = "".join(parse(html).text)
    assert '<script>alert("x")</script> & 无' in text and "<b>粗</b>" in text and "<i>标题</i>" in text


def test_html_renders_in_a_real_browser(reports, tmp_path):
    """Headless Chromium (installed by .ci/install-system-deps) renders the standalone page to a screenshot."""
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    require(browser is not None, "chromium (apt-get install chromium), to render the HTML report")
    page = tmp_path / "report.html"
    page.write_text(render_html(reports), encoding="utf-8")
    shot = tmp_path / "shot.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600"]
    subprocess.run([browser, *flags, f"--screenshot={shot}", page.as_uri()], check=True, capture_output=True,
                   timeout=120)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real page, not a blank one


# -- text ----------------------------------------------------------------------------------------------------------

def test_text_report_groups_by_project_and_level(reports):
    text = render_text(reports[:1], lang="zh")
    assert "违规 6 · 警告 20 · 提示 3" in text
    p4 = text.index("【项目 4 机关信息系统运维及物业管理费 [13990024P00512030009F]】")
    assert text.index("违规 (2)", p4) < text.index("警告 (3)", p4)
    assert "第 187 行  无" in text and "第 109–110 行" in text


def test_text_report_in_english(reports):
    text = render_text(reports[:1], lang="en")
    assert "Violation 6 · Warning 20 · Info 3" in text and "line 187" in text
    assert "== Summary: 1 documents ==" in text
