"""Readers: every field of every container sample against the hand-written source, spans, pages, sheets, locations."""
from __future__ import annotations

import sys
from decimal import Decimal

import pytest

from conftest import ROOT, require
from perfkg.parse.layout import Table, expand_spans
from perfkg.parse.readers import read_document, read_layout

sys.path.insert(0, str(ROOT / "scripts"))
from sample_sources import DOC_2024, DOC_2025  # noqa: E402  the hand-written source of every sample

TWINS = ROOT / "samples" / "containers"
DEMO = ROOT / "samples" / "demo"
CONTAINERS = ("txt", "docx", "xlsx", "pdf", "html")


@pytest.fixture(scope="module", params=CONTAINERS)
def twin(request):
    return request.param, *read_document(TWINS / f"qinghe-kexie-2025.{request.param}")


def _filled(rows):
    """一级/二级 as a reader of the printed table understands them: a merged cell applies to the rows below."""
    out, level1, level2 = [], None, None
    for l1, l2, name, desc, value, basis in rows:
        if l1:
            level1, level2 = l1, None
        if l2:
            level2 = l2
        out.append((level1, level2, name, desc, value, basis))
    return out


def _expect_document(doc, source):
    assert doc.title.text == source["title"]
    assert (doc.organisation, doc.year) == ("青禾市科学技术协会", source["year"])
    assert (doc.compiler, doc.reviewer) == ("青禾市科学技术协会", "青禾市财政局")
    assert [(e.part, e.title, e.page) for e in doc.toc] == [
        ("part1", "一、总体绩效目标", "2"), ("part1", "二、分项绩效目标", "2"), ("part1", "三、工作保障措施", "3")] + [
        ("part2", f"{i}.{p['name']}绩效目标表", str(4 + i)) for i, p in enumerate(source["projects"], 1)]
    assert [g.text for g in doc.overall_goals] == source["overall"]
    assert [(g.number, g.text.text) for g in doc.sub_goals] == source["subgoals"]
    assert [(m.number, m.heading.text, [t.text for t in m.intro], [i.text.text for i in m.items])
            for m in doc.measures] == [(n, h, [intro], items) for n, h, intro, items in source["measures"]]
    assert len(doc.projects) == len(source["projects"])
    for project, expected in zip(doc.projects, source["projects"]):
        assert project.title.text == f"{expected['name']}绩效目标表"
        assert (project.unit_code, project.unit_name, project.amount_unit) == ("497001", "青禾市科学技术协会本级", "万元")
        assert (project.code, project.name) == (expected["code"], expected["name"])
        assert project.budget.value == Decimal(expected["budget"])
        assert project.fiscal.value == Decimal(expected["fiscal"])
        assert project.other.value == Decimal(expected["other"] or "0")
        assert project.budget.yuan == Decimal(expected["budget"]) * 10000
        assert project.uses.text == expected["uses"]
        assert [(m.label, m.cumulative_percent) for m in project.spending_plan] == [
            (label.replace(" ", ""), Decimal(value.rstrip("%")))
            for label, value in zip(expected["labels"], expected["values"])]
        first, second = expected["goals"].split(" 2. ")
        assert [(g.number, g.text.text) for g in project.goals] == [("1", first.removeprefix("1. ")), ("2", second)]
        assert [(i.level1, i.level2, i.name, i.description, i.target.raw, i.basis) for i in project.indicators] == \
            _filled(expected["indicators"])
    assert doc.warnings == []
    assert doc.unrecognised_lines() == []


def test_every_field_of_every_container_is_the_source(twin):
    _, doc, _layout = twin
    _expect_document(doc, DOC_2025)


def test_the_demo_workbook_and_pdf_are_their_sources():
    doc, layout = read_document(DEMO / "qinghe-kexie-2024.xlsx")
    _expect_document(doc, DOC_2024)
    assert layout.container == "xlsx"
    doc, layout = read_document(DEMO / "qinghe-kexie-2025.pdf")
    _expect_document(doc, DOC_2025)
    assert layout.pages == 3


def _table(layout, number) -> Table:
    return [i for i in layout.items if isinstance(i, Table)][number - 1]


def _project_table(layout, number) -> Table:
    """The number-th project table (a workbook or text file also has its TOC rows as a small table)."""
    return [i for i in layout.items if isinstance(i, Table) and any(c.text == "项目编码" for c in i.cells)][number - 1]


def _cell(table: Table, text: str):
    return next(c for c in table.cells if c.text == text)


@pytest.mark.parametrize("ext", ["pdf", "docx", "xlsx", "html"])
def test_merged_cells_come_back_as_spans(ext):
    layout = read_layout(TWINS / f"qinghe-kexie-2025.{ext}")
    first = _project_table(layout, 1)
    # 产出指标 covers the seven 产出 rows; 数量指标 three; 指标值确定依据 two grid columns; the use text six
    assert (_cell(first, "产出指标").rowspan, _cell(first, "数量指标").rowspan) == (7, 3)
    assert (_cell(first, "指标值确定依据").colspan, _cell(first, "预算规模及资金用途").rowspan) == (2, 2)
    assert _cell(first, "社区和学校科普讲座讲师劳务、科普展板制作、科普志愿者培训。").colspan == 6
    assert (first.rows, first.columns) == (17, 7)


def test_pdf_table_over_a_page_is_one_table_without_its_repeated_header():
    layout = read_layout(TWINS / "qinghe-kexie-2025.pdf")
    tables = [i for i in layout.items if isinstance(i, Table)]
    assert len(tables) == 2
    second = tables[1]
    assert {loc.page for loc in second.row_locations} == {2, 3}
    assert [c.text for c in second.cells].count("项目编码") == 1  # LibreOffice repeated it at the top of page 3
    assert second.rows == 15
    row = next(line for line in layout.stream() if "单个工作站补助标准" in line.text)
    assert row.location.describe("zh") == "第 3 页 表 2 第 12 行"
    assert row.location.describe("en") == "p. 3, table 2, row 12"


def test_pdf_wrapped_cells_are_joined_without_spaces():
    layout = read_layout(TWINS / "qinghe-kexie-2025.pdf")
    texts = [c.text for t in layout.items if isinstance(t, Table) for c in t.cells]
    # printed over two lines in the PDF ("预算规模及" / "资金用途", "…科普讲座不少于24场，…应急" / "避险知识。…")
    assert "预算规模及资金用途" in texts
    assert "13970025P00497010031K" in texts
    assert DOC_2025["projects"][0]["goals"] in texts


def test_pdf_paragraph_wrapped_over_lines_is_one_block():
    layout = read_layout(TWINS / "qinghe-kexie-2025.pdf")
    overall = next(b for b in layout.stream() if b.text.startswith("围绕"))
    assert overall.text == DOC_2025["overall"][0]
    assert overall.location.describe("zh") == "第 1 页"


def test_workbook_locations_are_sheet_rows_and_budget_sheets_are_reported():
    doc, layout = read_document(DEMO / "qinghe-kexie-2024.xlsx")
    row = next(line for line in layout.stream() if line.text.startswith("产出指标"))
    assert row.location.describe("zh") == "工作表「项目支出绩效目标表」第 13 行"
    assert row.location.describe("en") == "sheet “项目支出绩效目标表”, row 13"
    assert [(n.code, n.location.sheet) for n in layout.notices] == [
        ("budget-sheet", "财务收支预算总表"), ("budget-sheet", "一般公共预算支出表"), ("budget-sheet", "政府采购预算表")]
    assert "部门预算公开表" in layout.notices[0].message_zh and "budget disclosure" in layout.notices[0].message_en


def test_docx_spans_read_from_the_xml_where_python_docx_repeats_cells(tmp_path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    table = d.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "一级"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "横跨"
    table.cell(1, 1).text, table.cell(1, 2).text = "b", "c"
    row = table.rows[2]._tr  # a row that starts one grid column in: gridBefore=1, two cells only
    row.remove(row.tc_lst[0])
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    row.get_or_add_trPr().append(before)
    row.tc_lst[0].get_or_add_tcPr()
    d.tables[0].rows[2].cells[-2].text, d.tables[0].rows[2].cells[-1].text = "x", "y"
    d.save(tmp_path / "t.docx")
    assert [c.text for c in docx.Document(tmp_path / "t.docx").tables[0].rows[0].cells] == ["一级", "横跨", "横跨"]
    t = _table(read_layout(tmp_path / "t.docx"), 1)
    assert t.text_rows() == [["一级", "横跨", ""], ["", "b", "c"], ["", "x", "y"]]
    assert (_cell(t, "一级").rowspan, _cell(t, "横跨").colspan) == (2, 2)


def test_html_rowspan_colspan_th_and_no_leaking_rowspan(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<html><body><p>标题</p><table><tr><th rowspan=5>一级</th><th colspan=2>二级</th></tr>"
                    "<tr><td>a</td><td>b</td></tr><tr><td colspan=2>c</td></tr></table>"
                    "<p>后文<br>第二行</p></body></html>", encoding="utf-8")
    layout = read_layout(page)
    t = _table(layout, 1)
    assert t.text_rows() == [["一级", "二级", ""], ["", "a", "b"], ["", "c", ""]]
    assert _cell(t, "一级").rowspan == 3  # rowspan=5 on a three-row table stops at the last row
    assert [line.text for line in layout.stream() if "\t" not in line.text] == ["标题", "后文", "第二行"]


def test_expand_spans_places_cells_after_spans_from_above():
    rows = [[("A", 2, 1, None), ("B", 1, 2, None)], [("C", 1, 1, None), ("D", 1, 1, None)]]
    assert [(r, c, rs, cs, t) for r, c, rs, cs, t, _ in expand_spans(rows)] == [
        (0, 0, 2, 1, "A"), (0, 1, 1, 2, "B"), (1, 1, 1, 1, "C"), (1, 2, 1, 1, "D")]


def test_content_decides_the_reader_not_the_name(tmp_path):
    disguised = tmp_path / "page-saved-as.pdf"
    disguised.write_bytes((TWINS / "qinghe-kexie-2025.html").read_bytes())
    doc, layout = read_document(disguised)
    assert layout.container == "html"
    _expect_document(doc, DOC_2025)
    renamed = tmp_path / "really-a-workbook.txt"
    renamed.write_bytes((TWINS / "qinghe-kexie-2025.xlsx").read_bytes())
    assert read_layout(renamed).container == "xlsx"


def test_text_reader_keeps_the_file_lines(seed_path):
    from perfkg.parse.source import read_source

    layout = read_layout(seed_path)
    assert layout.lines() == read_source(seed_path).lines
    assert all(line.text == layout.lines()[line.number - 1] for line in layout.stream())
    line = next(s for s in layout.stream() if s.text.startswith("项目编码\t13030022P00702210044W"))
    assert (line.number, line.location.describe("zh"), line.location.describe("en")) == (122, "第 122 行", "line 122")


@pytest.mark.parametrize("target", ["ods", "xls"])
def test_ods_and_xls_saved_by_libreoffice_read_like_the_xlsx(tmp_path, target):
    import shutil

    import make_samples

    require(shutil.which("soffice") is not None, "LibreOffice (soffice) to save the workbook as ODS and XLS")
    made = make_samples.convert_to_pdf(TWINS / "qinghe-kexie-2025.xlsx", tmp_path, target)
    doc, layout = read_document(made)
    assert layout.container == target
    _expect_document(doc, DOC_2025)


def test_html_layout_table_around_the_page_is_looked_into(tmp_path):
    """Government sites often wrap the whole page in a layout table: its cells are containers, not data."""
    inner = (TWINS / "qinghe-kexie-2025.html").read_text(encoding="utf-8")
    body = inner.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    page = tmp_path / "wrapped.html"
    page.write_text(f"<html><body><table><tr><td>网站导航</td></tr><tr><td>{body}</td></tr></table></body></html>",
                    encoding="utf-8")
    layout = read_layout(page)
    assert [line.text for line in layout.stream()][:2] == ["网站导航", DOC_2025["title"]]
    assert _cell(_project_table(layout, 1), "产出指标").rowspan == 7


@pytest.mark.parametrize("longer, broken", [(4, False), (5, True), (7, True)])
def test_pdf_rows_broken_by_the_page_and_parts_missing_column_lines(tmp_path, longer, broken):
    """Word lets a row break across pages by default: a longer 总体目标 pushes the tables down until one row
    (听众占比 / 场地和宣传费用 / 时间 continue on page 3) is split; with 4 more paragraphs the part on page 3 holds
    only the repeated header and the last row, so it lacks most vertical lines of the table."""
    import shutil

    import make_samples

    require(shutil.which("soffice") is not None, "LibreOffice (soffice) to export the Word file as PDF")
    source = {**DOC_2025, "overall": DOC_2025["overall"] * (1 + longer)}
    make_samples.write_docx(source, tmp_path / "split.docx", rows_may_split=True)
    doc, layout = read_document(make_samples.convert_to_pdf(tmp_path / "split.docx", tmp_path))
    _expect_document(doc, source)
    assert [n.code for n in layout.notices] == (["row-split-over-pages"] if broken else [])
    assert len([i for i in layout.items if isinstance(i, Table)]) == 2


def test_pdf_page_without_text_layer_among_text_pages_is_reported(tmp_path):
    """An appendix page that is a scanned image: the text pages are read, that page is named as needing OCR."""
    import shutil

    import docx
    import make_samples
    from docx.enum.text import WD_BREAK
    from PIL import Image

    require(shutil.which("soffice") is not None, "LibreOffice (soffice) to export the Word file as PDF")
    make_samples.write_docx(DOC_2025, tmp_path / "with-scan.docx")
    Image.new("L", (400, 560), 190).save(tmp_path / "scan.png")
    d = docx.Document(str(tmp_path / "with-scan.docx"))
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_picture(str(tmp_path / "scan.png"))
    d.save(tmp_path / "with-scan.docx")
    doc, layout = read_document(make_samples.convert_to_pdf(tmp_path / "with-scan.docx", tmp_path))
    _expect_document(doc, DOC_2025)
    assert [(n.code, n.location.page) for n in layout.notices] == [("page-without-text", layout.pages)]
    assert "需要 OCR，perfkg 不做 OCR" in layout.notices[0].message_zh


def test_docx_automatic_list_numbers_are_read_as_shown(tmp_path):
    """Word list numbering (（一） in Chinese counting, 1. restarting per section) is not in python-docx's text."""
    import shutil

    import docx
    import make_samples

    make_samples.write_docx(DOC_2025, tmp_path / "numbered.docx", auto_numbering=True)
    plain = [p.text for p in docx.Document(str(tmp_path / "numbered.docx")).paragraphs]
    assert "加强政治引领，团结联系全市科技工作者，建设科技工作者之家。" in plain  # no （一） in python-docx's text
    doc, _ = read_document(tmp_path / "numbered.docx")
    _expect_document(doc, DOC_2025)
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) to export the Word file as PDF")
    doc, _ = read_document(make_samples.convert_to_pdf(tmp_path / "numbered.docx", tmp_path))
    _expect_document(doc, DOC_2025)  # LibreOffice prints the numbers into the PDF's text
