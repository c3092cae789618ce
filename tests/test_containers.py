"""One document in five containers gives one graph up to provenance; bad input per container is a clear error."""
from __future__ import annotations

import shutil
import sys
from collections import Counter

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from conftest import ROOT, require
from perfkg.errors import InputError
from perfkg.link import link_document
from perfkg.parse.readers import cell_coverage, read_document, read_layout
from perfkg.rdf.locations import add_locations, without_provenance
from perfkg.rdf.mapping import document_graph
from perfkg.vocab import PERFKG

sys.path.insert(0, str(ROOT / "scripts"))
import make_samples  # noqa: E402

TWINS = ROOT / "samples" / "containers"
CONTAINERS = ("txt", "docx", "xlsx", "pdf", "html")


def _graph(path) -> Graph:
    doc, layout = read_document(path)
    iri, graph = document_graph(doc)
    link_document(graph, iri, lines=doc.lines, with_schemes=False)
    add_locations(graph, layout)
    return graph


def _content(graph: Graph) -> tuple[set, Counter]:
    """Triples without provenance; mandate evidence (its IRI and label name its source line) by what it says."""
    evidence = set(graph.subjects(RDF.type, PERFKG.MandateEvidence))
    kept = {t for t in without_provenance(graph) if t[0] not in evidence and t[2] not in evidence}
    found = Counter(tuple(graph.value(e, p) for p in (PERFKG.linkedElement, PERFKG.linkedMandate, PERFKG.linkMethod,
                                                      PERFKG.matchedPhrase, PERFKG.matchedIn, PERFKG.score))
                    for e in evidence)
    return kept, found


@pytest.fixture(scope="module")
def text_twin():
    return _graph(TWINS / "qinghe-kexie-2025.txt")


@pytest.mark.parametrize("ext", CONTAINERS[1:])
def test_five_containers_give_one_graph_up_to_provenance(text_twin, ext):
    graph = _graph(TWINS / f"qinghe-kexie-2025.{ext}")
    expected, expected_evidence = _content(text_twin)
    got, got_evidence = _content(graph)
    assert got - expected == set() and expected - got == set()
    assert got_evidence == expected_evidence
    assert sum(1 for _ in graph.subjects(RDF.type, PERFKG.Indicator)) == 18
    assert len(expected_evidence) > 0  # the comparison covers the mandate links too


def test_table_nodes_carry_page_table_and_row(text_twin):
    graph = _graph(TWINS / "qinghe-kexie-2025.pdf")
    node = next(s for s, o in graph.subject_objects(PERFKG.indicatorName) if str(o) == "单个工作站补助标准")
    assert {str(o) for o in graph.objects(node, PERFKG.sourceLocation)} == {"第 3 页 表 2 第 12 行",
                                                                            "p. 3, table 2, row 12"}
    assert (int(graph.value(node, PERFKG.sourcePage)), int(graph.value(node, PERFKG.sourceTable)),
            int(graph.value(node, PERFKG.sourceRow))) == (3, 2, 12)
    # a text file's graph gets no location triples: its lines are its locations
    assert not list(text_twin.triples((None, PERFKG.sourceLocation, None)))
    sheet = _graph(ROOT / "samples" / "demo" / "qinghe-kexie-2024.xlsx")
    node = next(s for s, o in sheet.subject_objects(RDFS.label) if str(o) == "科普讲座场次")
    assert str(sheet.value(node, PERFKG.sourceSheet)) == "项目支出绩效目标表"
    assert int(sheet.value(node, PERFKG.sourceRow)) == 13


# -- bad input per container ----------------------------------------------------------------------------------------
def _refused(path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_document(path)
    error = caught.value
    assert str(path) in error.message_zh and str(path) in error.message_en
    assert "Traceback" not in error.message_en
    return error


def test_scanned_pdf_says_ocr_is_needed_and_not_done():
    error = _refused(TWINS / "scanned-page.pdf")
    assert "需要先做 OCR" in error.message_zh and "perfkg 不做 OCR" in error.message_zh
    assert "OCR is needed and perfkg does not do OCR" in error.message_en


def test_encrypted_pdf(tmp_path):
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) to make an encrypted PDF")
    made = make_samples.write_encrypted_pdf(TWINS / "qinghe-kexie-2025.txt", tmp_path)
    error = _refused(made)
    assert "PDF 已加密" in error.message_zh and "encrypted" in error.message_en


def test_font_without_unicode_map_is_reported_per_page_or_refused(tmp_path):
    mixed, garbage = tmp_path / "mixed.pdf", tmp_path / "garbage.pdf"
    make_samples.write_unmapped_font_pdf(mixed, with_readable_line=True)
    make_samples.write_unmapped_font_pdf(garbage, with_readable_line=False)
    notices = read_layout(mixed).notices
    assert [(n.code, n.location.page) for n in notices] == [("font-without-unicode", 1)]
    assert "2 个字符" in notices[0].message_zh and "2 characters" in notices[0].message_en
    assert "没有 Unicode 映射" in _refused(garbage).message_zh


@pytest.mark.parametrize("ext, cut, zh", [("pdf", 30000, "无法打开 PDF"), ("xlsx", 3000, "无法打开工作簿"),
                                          ("docx", 20000, "无法打开Word 文件")])
def test_truncated_files(tmp_path, ext, cut, zh):
    broken = tmp_path / f"broken.{ext}"
    broken.write_bytes((TWINS / f"qinghe-kexie-2025.{ext}").read_bytes()[:cut])
    error = _refused(broken)
    assert zh in error.message_zh and ("corrupt" in error.message_en or "truncated" in error.message_en)


def test_garbage_named_as_a_pdf(tmp_path):
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"\x89\x00\x13 not a pdf at all" * 10)
    assert "内容却不是" in _refused(fake).message_zh


def test_workbook_of_budget_tables_says_what_it_is(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "部门财务收支预算总表"
    wb.active.append(["收入项目", "预算数"])
    wb.active.append(["一般公共预算拨款", 1000])
    wb.create_sheet("一般公共预算“三公”经费支出表").append(["合计", 0])
    wb.save(tmp_path / "budget.xlsx")
    error = _refused(tmp_path / "budget.xlsx")
    assert "部门预算公开表，无绩效目标表" in error.message_zh and "部门财务收支预算总表" in error.message_zh
    assert "a budget disclosure with no target table" in error.message_en


def test_budget_disclosure_pdf_says_what_it_is(tmp_path):
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) to make a PDF")
    source = tmp_path / "disclosure.txt"
    source.write_text("青禾市科学技术协会2025年部门预算公开\n一、部门财务收支预算总表\n收入合计 312 万元\n", encoding="utf-8")
    made = make_samples.convert_to_pdf(source, tmp_path)
    error = _refused(made)
    assert "部门预算公开表，无绩效目标表" in error.message_zh and "收支预算总表" in error.message_zh


def test_huge_file_is_refused_before_reading(tmp_path):
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as f:  # sparse: 3 MB on paper, nothing on disk
        f.truncate(3_000_000)
    with pytest.raises(InputError) as caught:
        read_layout(huge, max_bytes=1_000_000)
    assert "文件过大" in caught.value.message_zh and "file too large (3.0 MB, limit 1 MB)" in caught.value.message_en


def test_regenerated_samples_still_parse_the_same(tmp_path, text_twin):
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) to regenerate the PDF samples")
    make_samples.build(tmp_path)
    expected, _ = _content(text_twin)
    for ext in CONTAINERS:
        assert _content(_graph(tmp_path / "samples" / "containers" / f"qinghe-kexie-2025.{ext}"))[0] == expected
    committed, _ = _content(_graph(ROOT / "samples" / "demo" / "qinghe-kexie-2024.xlsx"))
    assert _content(_graph(tmp_path / "samples" / "demo" / "qinghe-kexie-2024.xlsx"))[0] == committed


# -- validation located by page/table/row -------------------------------------------------------------------------
def test_pdf_validation_finds_what_the_text_twin_finds_located_by_page_table_row():
    import json

    from perfkg.validate import render_html, render_json, render_text, render_turtle, validate_documents

    # one call each: in one batch the second file of the same document is refused as a collision
    (pdf,) = validate_documents([TWINS / "qinghe-kexie-2025.pdf"], workers=1)
    (text,) = validate_documents([TWINS / "qinghe-kexie-2025.txt"], workers=1)

    def what(report):
        return sorted((f.rule, f.severity, f.element, f.message["en"]) for f in report.findings)

    assert what(pdf) == what(text) and len(pdf.findings) == 4
    # R33 on the two 效益 rows that count things; read off the PDF by hand: 表 1 row 16 on p. 2, 表 2 row 14 on p. 3
    located = {f.value_text: f.location for f in pdf.findings if f.rule == "R33"}
    assert located == {"社区科普志愿服务队数量": {"zh": "第 2 页 表 1 第 16 行", "en": "p. 2, table 1, row 16"},
                       "转化科技成果数量": {"zh": "第 3 页 表 2 第 14 行", "en": "p. 3, table 2, row 14"}}
    assert all(f.location == {} for f in text.findings)  # a text file keeps its line numbers
    assert "! R33   第 2 页 表 1 第 16 行" in render_text([pdf], lang="zh")
    assert "! R33   p. 3, table 2, row 14" in render_text([pdf], lang="en")
    results = json.loads(render_json([pdf]))["documents"][0]["results"]
    assert {"zh": "第 3 页 表 2 第 14 行", "en": "p. 3, table 2, row 14"} in [r["location"] for r in results]
    assert '<td class="line">第 2 页 表 1 第 16 行</td>' in render_html([pdf], lang="zh")
    assert '"p. 2, table 1, row 16"@en' in render_turtle(pdf)


def test_batch_of_bad_files_each_named_no_traceback_the_good_one_ingested(tmp_path):
    import subprocess

    from openpyxl import Workbook

    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(TWINS / "qinghe-kexie-2025.pdf", batch / "good.pdf")
    shutil.copy(TWINS / "scanned-page.pdf", batch / "scanned.pdf")
    for ext, cut in (("pdf", 30000), ("xlsx", 3000), ("docx", 20000)):
        (batch / f"truncated.{ext}").write_bytes((TWINS / f"qinghe-kexie-2025.{ext}").read_bytes()[:cut])
    wb = Workbook()
    wb.active.title = "部门财务收支预算总表"
    wb.active.append(["收入项目", "预算数"])
    wb.save(batch / "budget-only.xlsx")
    with open(batch / "huge.pdf", "wb") as f:
        f.truncate(3_000_000)
    for command in (["ingest", str(batch), "-o", str(tmp_path / "out")], ["validate", str(batch)]):
        run = subprocess.run([sys.executable, "-m", "perfkg", *command, "--max-container-size", "2"],
                             capture_output=True, text=True, timeout=300)
        said = run.stdout + run.stderr
        assert run.returncode == 2, said
        assert "Traceback" not in said
        for name, zh, en in (("scanned.pdf", "perfkg 不做 OCR", "OCR is needed"),
                             ("truncated.pdf", "文件损坏或被截断", "corrupt or truncated"),
                             ("truncated.xlsx", "压缩包损坏", "corrupt"), ("truncated.docx", "压缩包损坏", "corrupt"),
                             ("budget-only.xlsx", "部门预算公开表，无绩效目标表", "a budget disclosure with no target table"),
                             ("huge.pdf", "文件过大", "file too large")):
            line_zh = next((ln for ln in said.splitlines() if name in ln and zh in ln), None)
            line_en = next((ln for ln in said.splitlines() if name in ln and en in ln), None)
            assert line_zh and line_en, (command[0], name, said)
    assert (tmp_path / "out" / "139700-497001-2025.ttl").is_file()  # the good PDF, named by its identity


def test_text_files_give_the_turtle_of_the_direct_text_path(seed_path):
    """Reading through the table model changes nothing for text: the same Turtle, byte for byte, as decoding the
    file and parsing its lines directly (the path ingest took before the readers existed)."""
    from perfkg.ingest import ingest_file
    from perfkg.parse.document import parse_document
    from perfkg.parse.source import read_source
    from perfkg.rdf.serialise import serialise_graph

    for path in [seed_path, *sorted((ROOT / "data").glob("*.txt")), TWINS / "qinghe-kexie-2025.txt"]:
        doc = parse_document(read_source(path))
        iri, direct = document_graph(doc)
        link_document(direct, iri, lines=doc.lines, with_schemes=True)
        through_readers = ingest_file(path).graph
        assert serialise_graph(through_readers, "turtle") == serialise_graph(direct, "turtle"), path.name


def test_loader_gives_locations_notices_and_a_location_map():
    from perfkg.sources import ingest_file

    pdf = ingest_file(TWINS / "qinghe-kexie-2025.pdf")
    node = next(s for s, o in pdf.graph.subject_objects(PERFKG.indicatorName) if str(o) == "单个工作站补助标准")
    assert "p. 3, table 2, row 12" in {str(o) for o in pdf.graph.objects(node, PERFKG.sourceLocation)}
    assert "149/149 单元格已读 table cells read" in pdf.summary()  # counted by hand from the source tables
    row = next(r for r in pdf.line_map_tsv().splitlines() if "单个工作站补助标准" in r)
    assert row.split("\t")[1] == "mapped" and row.endswith("\t第 3 页 表 2 第 12 行 / p. 3, table 2, row 12")
    book = ingest_file(ROOT / "samples" / "demo" / "qinghe-kexie-2024.xlsx")
    assert "工作表「政府采购预算表」: 部门预算公开表，不是绩效目标表" in book.summary()
    text = ingest_file(TWINS / "qinghe-kexie-2025.txt")
    assert text.line_map_tsv().splitlines()[1].endswith("\t第 2 行 / line 2")


def test_old_word_doc_is_named_and_refused(tmp_path):
    old = tmp_path / "申报表.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))  # an OLE2 compound file, as Word 97-2003 saves
    error = _refused(old)
    assert "旧版 Word（.doc）格式不支持" in error.message_zh and "save it as DOCX or PDF" in error.message_en


def test_parse_warnings_of_a_table_container_name_the_table_row(tmp_path):
    page = (TWINS / "qinghe-kexie-2025.html").read_text(encoding="utf-8")
    end = page.index("</tr>", page.index("<td>单场讲座成本</td>"))
    stray = tmp_path / "stray.html"
    stray.write_text(page[:end] + "<td>多余的备注</td>" + page[end:], encoding="utf-8")  # a cell past the last column
    doc, _ = read_document(stray)
    (warning,) = doc.warnings
    assert warning.code == "cell-unread"
    assert warning.message_zh.startswith("表 1 第 14 行有无法识别的单元格 “多余的备注”")
    assert warning.message_en.startswith("table 1, row 14 has cells perfkg could not read: '多余的备注'")
    # counted by hand: 149 non-empty cells in the two tables, plus the stray one; its row (成本指标, 单场讲座成本,
    # description, ≤0.5 万元/场, 预算支出标准, 多余的备注) is not read whole, so its 6 cells count as unread
    assert cell_coverage(doc) == (144, 150)


def test_encrypted_office_file_is_named_as_such(tmp_path):
    # Word and Excel store an encrypted DOCX/XLSX as an OLE2 compound file with an "EncryptedPackage" stream
    for name in ("绩效目标.docx", "绩效目标.xlsx"):
        locked = tmp_path / name
        locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
                           + bytes(1024))
        error = _refused(locked)
        assert "Office 文件已加密" in error.message_zh and "encrypted (password required)" in error.message_en


def test_a_page_that_mentions_its_target_table_is_not_called_targetless(tmp_path):
    page = tmp_path / "notice.html"  # a disclosure page that points to the target tables instead of printing them
    page.write_text("<html><body><p>一、一般公共预算支出表</p><p>二、项目支出绩效目标表：详见附件</p></body></html>",
                    encoding="utf-8")
    error = _refused(page)
    assert "无绩效目标表" not in error.message_zh and "no target table" not in error.message_en
    assert "不是部门预算绩效文本" in error.message_zh
