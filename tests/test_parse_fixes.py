"""Regression tests for the parser defects of issues 8 and 9: whitespace, line breaks, numbers, silent merges and
drops, misleading refusals, the missing-cell repair. Expected values are read from the seed by a person."""
from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import pytest
from docbuilder import ROWS, document, project_block, write
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from perfkg.errors import InputError
from perfkg.ingest import ingest_file
from perfkg.parse.document import parse_file
from perfkg.validate import validate_graph
from perfkg.vocab import PERFKG

P1, P2 = "13030022P00702210044W", "13030022P00702210045G"
# every white space character a PDF or office export leaves at a line end (issue 9 item 5)
TRAILING = [" ", "\t", "\u00a0", "\u3000", "\v", "\f", "\u2028", "\u2009", "\u202f"]


def seed_lines(seed_path: Path) -> list[str]:
    return seed_path.read_text(encoding="utf-8").split("\n")


def edited(tmp_path, seed_path, line: int, old: str, new: str, name="edited.txt") -> Path:
    lines = seed_lines(seed_path)
    assert old in lines[line - 1], (line, old)
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return write(tmp_path, "\n".join(lines), name)


def codes(doc) -> list[str | None]:
    return [p.code for p in doc.projects]


# --- issue 9 item 5: trailing whitespace ---------------------------------------------------------------------------
@pytest.mark.parametrize("char", TRAILING, ids=lambda c: f"U+{ord(c):04X}")
def test_trailing_whitespace_on_numbered_items(tmp_path, seed_path, char):
    lines = seed_lines(seed_path)
    for n in (34, 44, 64, 74, 66):  # （一）/(六) sub-goals, (一)/（二） measure headings, a "1." item
        lines[n - 1] += char
    doc = parse_file(write(tmp_path, "\n".join(lines)))
    assert [g.number for g in doc.sub_goals[:1] + doc.sub_goals[5:6]] == ["（一）", "(六)"]
    assert doc.sub_goals[0].text.text.endswith("建设科技工作者之家。")
    assert [m.number for m in doc.measures[:2]] == ["(一)", "（二）"]
    assert doc.measures[1].heading.text == "以实施《纲要》为抓手，服务提高全民科学素质"
    assert doc.measures[0].items[0].text.text.endswith("推动科协事业健康发展。")
    assert len(doc.sub_goals) == 13 and [len(m.items) for m in doc.measures] == [3, 5, 2, 4]


def test_vt_and_ff_are_whitespace_not_line_breaks(tmp_path, seed_path):
    """pdftotext starts a page with FF: line numbers must stay those of `cat -n`."""
    lines = seed_lines(seed_path)
    lines[115] = "\f" + lines[115]  # l. 116, the first project title
    lines[139] = lines[139].replace("预算执行", "预算\v执行")
    doc = parse_file(write(tmp_path, "\n".join(lines)))
    assert doc.projects[0].span.first == 116 and doc.projects[0].indicators[11].span.first == 140
    assert doc.projects[0].indicators[11].level2 == "预算执行"


# --- issue 9 item 6: line separators, documents without content --------------------------------------------------
@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\x85", "\r"], ids=["LS", "PS", "NEL", "CR"])
def test_unicode_line_separators_break_lines(tmp_path, seed_path, brk):
    text = seed_path.read_text(encoding="utf-8")
    doc = parse_file(write(tmp_path, text.replace("\n", brk)))
    assert codes(doc) == [P1, P2]
    assert [len(p.indicators) for p in doc.projects] == [15, 10]
    assert doc.projects[1].indicators[9].span.first == 167  # counted as the document's own lines
    notes = [w for w in doc.warnings if w.code == "line-separator"]
    assert len(notes) == (0 if brk == "\r" else 1)


def test_a_line_separator_inside_an_lf_file_is_named(tmp_path, seed_path):
    lines = seed_lines(seed_path)
    lines[33] = lines[33].replace("宣传党的路线方针政策，", "宣传党的路线方针政策，\u2028")  # l. 34 split in two
    doc = parse_file(write(tmp_path, "\n".join(lines)))
    (note,) = [w for w in doc.warnings if w.code == "line-separator"]
    assert note.span.first == 34 and "U+2028" in note.message_en and "cat -n" in note.message_en
    assert doc.projects[0].span.first == 117  # one line later than `cat -n` says, as the warning states


def test_one_line_document_is_an_error(tmp_path, seed_path):
    text = seed_path.read_text(encoding="utf-8").replace("\n", " ")
    path = write(tmp_path, text, "oneline.txt")
    r = ingest_file(path, link=False)
    assert not r.ok and r.error.line == 1 and "oneline.txt" in r.error.message_zh
    assert "不是部门预算绩效文本" in r.error.message_zh and "line breaks may have been lost" in r.error.message_en


def test_title_without_goals_or_projects_is_an_error(tmp_path):
    path = write(tmp_path, "\n临水市科学技术协会 2023 年部门预算绩效文本\n\n临水市科学技术协会编制\n", "title.txt")
    with pytest.raises(InputError) as e:
        parse_file(path)
    assert e.value.line == 2 and "title.txt" in e.value.message_en and "no project tables" in e.value.message_en


# --- issue 9 item 7: numbers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("printed", ["NaN", "Infinity", "-Infinity", "sNaN", "1e999", "4E+1", "**"])
def test_non_finite_amounts_stay_text_with_a_finding(tmp_path, seed_path, printed):
    path = edited(tmp_path, seed_path, 123, "预算数\t40.00", f"预算数\t{printed}")
    r = ingest_file(path, link=False)
    p1 = r.document.projects[0]
    assert p1.budget.raw == printed and p1.budget.value is None and p1.budget.yuan is None
    assert p1.fiscal.value == Decimal("40.00")
    budget = URIRef(f"{r.graph_iri.rsplit('/doc/', 1)[0]}/project/{P1}/amount/budget")
    assert r.graph.value(budget, PERFKG.printedAmount) == Literal(printed)
    assert r.graph.value(budget, PERFKG.amount) is None
    for o in r.graph.objects(None, None):
        assert not (isinstance(o, Literal) and o.datatype == XSD.decimal and not o.value.is_finite())
    report = validate_graph(r.graph, document=r.graph_iri)
    found = [(f.rule, f.first_line) for f in report.findings if f.rule == "P-amount-unreadable"]
    assert found == [("P-amount-unreadable", 123)]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "sNaN", "1e999", "≥1e3", "≥2E3 次"])
def test_non_finite_targets_stay_text(tmp_path, seed_path, value):
    path = edited(tmp_path, seed_path, 129, "≥1 次", value)
    r = ingest_file(path, link=False)
    target = r.document.projects[0].indicators[0].target
    assert (target.raw, target.kind, target.value) == (value, "unparsed", None)
    report = validate_graph(r.graph, document=r.graph_iri)
    assert ("R24", 129) in {(f.rule, f.first_line) for f in report.findings}


def test_long_amount_is_exact(tmp_path, seed_path):
    printed = "123456789012345678901234567890.12"
    r = ingest_file(edited(tmp_path, seed_path, 123, "40.00\t其中", f"{printed}\t其中"), link=False)
    budget = r.document.projects[0].budget
    assert budget.yuan == Decimal("1234567890123456789012345678901200")
    assert Literal("1234567890123456789012345678901200.0", datatype=XSD.decimal) in set(r.graph.objects())


# --- issue 9 item 10: silent merges and drops --------------------------------------------------------------------------
def test_missing_title_line_does_not_merge_projects(tmp_path, seed_path):
    lines = seed_lines(seed_path)
    del lines[144]  # "2. 科协物业管理费绩效目标表"
    r = ingest_file(write(tmp_path, "\n".join(lines)), link=False)
    p1, p2 = r.document.projects
    assert (p1.code, p1.name, p1.budget.value, len(p1.indicators)) == (P1, "科普费（包括老科协工作经费 15 万元）",
                                                                       Decimal("40.00"), 15)
    assert (p2.code, p2.name, p2.budget.value, len(p2.indicators)) == (P2, "科协物业管理费", Decimal("15.00"), 10)
    assert p2.title_missing and p2.span.first == 146  # the unit line, one line up after the deletion
    assert ("project-title-missing", 146) in {(w.code, w.span.first) for w in r.document.warnings}
    assert r.coverage().unrecognised == []


def test_two_tables_with_one_code_are_never_merged(tmp_path, seed_path):
    r = ingest_file(edited(tmp_path, seed_path, 151, P2, P1), link=False)
    p1, p2 = r.document.projects
    assert (p1.code, p2.code) == (P1, P1) and p2.duplicate_code_of == 1
    projects = sorted(r.graph.subjects(PERFKG.projectCode, Literal(P1)))
    assert len(projects) == 2
    assert sorted(len(list(r.graph.objects(p, PERFKG.hasIndicator))) for p in projects) == [10, 15]
    (w,) = [w for w in r.document.warnings if w.code == "project-code-duplicated"]
    assert w.span.first == 145 and "116" in w.message_en
    report = validate_graph(r.graph, document=r.graph_iri)
    assert [(f.rule, f.first_line) for f in report.findings if f.rule == "R08"] == [("R08", 145)]


@pytest.mark.parametrize("line,old,new,lost", [
    (122, "项目编码", "项目编的码", ["项目编的码", P1]),
    (123, "预算数", "预算金额", ["预算金额", "40.00"]),
    (151, "项目名称", "项目名字", ["项目名字", "科协物业管理费"]),
])
def test_an_unrecognised_label_is_reported_and_not_counted_as_mapped(tmp_path, seed_path, line, old, new, lost):
    r = ingest_file(edited(tmp_path, seed_path, line, old, new), link=False)
    coverage = r.coverage()
    assert coverage.unrecognised == [line] and coverage.mapped == 103 and coverage.total == 104
    (w,) = [w for w in r.document.warnings if w.code == "cell-unread"]
    assert w.span.first == line and all(cell in w.message_zh for cell in lost)
    text = r.graph.value(URIRef(f"{r.graph_iri}/line/{line}"), PERFKG.lineText)
    assert new in str(text)  # the whole line is in the graph as an unrecognised line


def test_label_edit_keeps_the_rest_of_the_row(tmp_path, seed_path):
    r = ingest_file(edited(tmp_path, seed_path, 123, "预算数", "预算金额"), link=False)
    p1 = r.document.projects[0]
    assert p1.budget is None and (p1.fiscal.value, p1.other.value) == (Decimal("40.00"), Decimal("0"))


def test_a_second_identity_row_does_not_overwrite_the_first(tmp_path, seed_path):
    lines = seed_lines(seed_path)
    lines.insert(122, lines[121].replace(P1, "13030022P00702210099X"))  # after l. 122, before the funding row
    r = ingest_file(write(tmp_path, "\n".join(lines)), link=False)
    assert codes(r.document) == [P1, P2]
    (w,) = [w for w in r.document.warnings if w.code == "row-conflict"]
    assert w.span.first == 123 and r.coverage().unrecognised == [123]


def test_an_identical_repeated_row_is_layout(tmp_path, seed_path):
    lines = seed_lines(seed_path)
    lines.insert(123, lines[122])  # the funding row twice
    r = ingest_file(write(tmp_path, "\n".join(lines)), link=False)
    assert r.document.line_map[124] == ["layout:duplicate-row"]
    assert [w.span.first for w in r.document.warnings if w.code == "row-duplicated"] == [124]
    assert r.document.projects[0].budget.value == Decimal("40.00")


def test_cell_beyond_the_last_column_is_reported(tmp_path, seed_path):
    r = ingest_file(edited(tmp_path, seed_path, 129, "年度工作计划\t", "年度工作计划\t见附件"), link=False)
    (w,) = [w for w in r.document.warnings if w.code == "cell-unread"]
    assert w.span.first == 129 and "见附件" in w.message_zh and r.coverage().unrecognised == [129]


# --- issue 9 item 11: misleading refusals ---------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(tmp_path, seed_path, encoding):
    path = tmp_path / "utf16.txt"
    path.write_bytes(seed_path.read_text(encoding="utf-8").encode(encoding))
    doc = parse_file(path)
    assert doc.encoding == encoding and codes(doc) == [P1, P2]
    assert [len(p.indicators) for p in doc.projects] == [15, 10]


def test_utf32_with_bom_is_decoded(tmp_path):
    path = tmp_path / "utf32.txt"
    path.write_bytes(codecs.BOM_UTF32_LE + document().encode("utf-32-le"))
    doc = parse_file(path)
    assert doc.encoding == "utf-32" and doc.projects[0].code == "13990023P00100230001A"


def test_binary_is_still_binary(tmp_path):
    path = tmp_path / "bin.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputError) as e:
        parse_file(path)
    assert "binary" in e.value.message_en


def test_tabs_turned_into_spaces_is_named(tmp_path, seed_path):
    path = write(tmp_path, seed_path.read_text(encoding="utf-8").replace("\t", "    "), "spaces.txt")
    with pytest.raises(InputError) as e:
        parse_file(path)
    assert e.value.line == 122 and "truncated" not in e.value.message_en
    assert "no tabs" in e.value.message_en and "制表符" in e.value.message_zh and "spaces.txt" in e.value.message_en


# --- issue 8 item 4: the missing-cell repair fires only on shifted cells -------------------------------------------
def _row(description, value, basis):
    return ROWS[:1] + [["效益指标", "社会效益指标", "科普活动开展情况", description, value, basis, ""]] + ROWS[2:]


@pytest.mark.parametrize("description,value,basis", [
    ("全年开展3次以上活动", "良好", ""),  # qualitative value, a number in the description (the example)
    ("全年开展3次以上活动", "显著提升", ""),
    ("覆盖率达到95%", "按计划完成", ""),
    ("全年开展3次以上活动", "组织开展形式多样的活动", ""),  # a sentence that names no basis standard
    ("全年开展3次以上活动", "良好", "年度工作计划"),  # a basis is present
])
def test_well_formed_rows_are_not_realigned(tmp_path, description, value, basis):
    doc = parse_file(write(tmp_path, document(projects=[project_block(rows=_row(description, value, basis))])))
    ind = doc.projects[0].indicators[1]
    assert (ind.description, ind.target.raw, ind.basis) == (description, value, basis or None)
    assert not [w for w in doc.warnings if w.code == "cell-realigned"]


def test_shifted_row_is_realigned(tmp_path):
    doc = parse_file(write(tmp_path, document(projects=[project_block(rows=_row("≥3 次", "年度工作计划", ""))])))
    ind = doc.projects[0].indicators[1]
    assert (ind.description, ind.target.value, ind.target.unit, ind.basis) == (None, Decimal("3"), "次", "年度工作计划")
    assert [w.code for w in doc.warnings] == ["cell-realigned"]


# --- issue 8 item 5: coverage accounting with unrecognised lines ----------------------------------------------------
def test_seed_coverage_split_counted_by_hand(seed_result):
    layout = [7, 9, 11, 12, 13, 15, 17, 18,  # 目 录 and its entries
              20, 22, 24, 26, 30, 32, 60, 62, 112, 114,  # part headings, section headings and their duplicates
              128, 157]  # indicator-table headers
    c = seed_result.coverage()
    assert (c.total, c.layout, c.content, c.unrecognised) == (104, len(layout), 104 - len(layout), [])
    doc = seed_result.document
    assert sorted(n for n, keys in doc.line_map.items() if all(k.startswith("layout:") for k in keys)) == layout


def test_unrecognised_lines_are_counted_and_kept(tmp_path, seed_path):
    lines = seed_lines(seed_path)
    lines.insert(143, "附：本表数据以财政批复为准")  # after the last row of project 1: new l. 144
    lines.insert(5, "内部资料 注意保存")  # in the header: new l. 6 (the inserted note moves to l. 145)
    r = ingest_file(write(tmp_path, "\n".join(lines)), link=True)
    c = r.coverage()
    assert (c.total, c.mapped, c.unrecognised) == (106, 104, [6, 145])
    assert c.percent == pytest.approx(100 * 104 / 106)
    assert "104/106" in r.summary() and "未识别 unrecognised 2" in r.summary()
    tsv = {row.split("\t")[0]: row.split("\t")[1] for row in r.line_map_tsv().splitlines()[1:]}
    assert tsv["6"] == tsv["145"] == "unrecognised" and list(tsv.values()).count("unrecognised") == 2
    kept = {int(r.graph.value(s, PERFKG.lineNumber)): str(r.graph.value(s, PERFKG.lineText))
            for s in r.graph.objects(r.graph_iri, PERFKG.hasUnrecognisedLine)}
    assert kept == {6: "内部资料 注意保存", 145: "附：本表数据以财政批复为准"}


def test_compiler_reaches_the_graph_without_a_title(tmp_path):
    text = document().replace("临水市科学技术协会 2023 年部门预算绩效文本", "部门预算绩效文本（草稿）")
    r = ingest_file(write(tmp_path, text), link=False)
    assert r.document.compiler == "临水市科学技术协会"
    compiler = r.graph.value(r.graph_iri, PERFKG.compiledBy)
    assert compiler is not None and "临水市科学技术协会" in {str(o) for o in r.graph.objects(compiler)}
