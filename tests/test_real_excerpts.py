"""The real published excerpts in ../shared/real (issue 11): every complete indicator row of e02 and e07 with the
values read by a person from the excerpt text, e01 recognised as a budget workbook naming its target sheets, and
none of them rejected whole. The cut-off last rows are reported with their line, never read as indicators."""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from conftest import ROOT, require
from perfkg.model_tables import BUDGET_DISCLOSURE, SELF_EVALUATION, TARGET_TABLES
from perfkg.parse.readers import read_document
from perfkg.sources import ingest_file
from perfkg.vocab import PERFKG

REAL = ROOT.parent / "shared" / "real"
E01 = REAL / "e01_yn_kmpl_cast_2023_excerpt.txt"
E02 = REAL / "e02_hn_taoyuan_kjj_2021_dept_excerpt.txt"
E07 = REAL / "e07_hb_ezhou_cast_2022_selfeval_excerpt.txt"


def _doc(path: Path):
    require(path.is_file(), f"the real excerpt {path.name} (../shared/real beside the checkout)")
    return read_document(path)[0]


# e02, lines 13-19: (line, 一级, 二级, 三级, 指标内容, 指标值 as printed, comparator, value, unit); 一级/二级 of lines
# 14-19 are merged cells continued from line 13
E02_ROWS = [
    (13, "产出指标", "数量指标", "培育指导高新技术企业数量", "全年培育指导高新技术企业数量", "15家以上", ">=", "15", "家"),
    (14, "产出指标", "数量指标", "新认定高新技术企业数量", "新认定高新技术企业数量", "6家以上", ">=", "6", "家"),
    (15, "产出指标", "数量指标", "产学研合作项目数量", "全年开展产学研合作项目数量", "20项以上", ">=", "20", "项"),
    (16, "产出指标", "数量指标", "技术交易额", "全年全县完成技术交易数量", "2个亿以上", ">=", "2", "亿元"),
    (17, "产出指标", "数量指标", "科技活动周举办次数", "科技活动周举办次数", "1次", "=", "1", "次"),
    (18, "产出指标", "数量指标", "科普宣传活动次数", "科普宣传活动次数", "3次", "=", "3", "次"),
    (19, "产出指标", "数量指标", "组建科技特派员团队数量", "组建科技特派员团队数量", "1个", "=", "1", "个"),
]


def test_e02_department_table_every_complete_row():
    doc = _doc(E02)
    assert doc.kind == TARGET_TABLES and doc.projects == []
    assert (doc.organisation, doc.year) == ("桃源县科学技术局", 2021)
    [table] = doc.department_tables
    assert (table.department, table.year, table.period_note) == ("桃源县科学技术局", 2021, "(2020年度)")
    assert table.functions.text.startswith("贯彻落实科技发展的宏观战略") and table.functions.span.first == 10
    assert table.goal_numbers == ["1", "2", "3", "4", "5"]
    assert [g.text[:8] for g in table.goals] == ["培育高新技术企业", "达成产学研合同2", "推动创新创业平台", "开展科学普及工作",
                                                 "选派科技特派员2"]
    got = [(i.span.first, i.level1, i.level2, i.name, i.description, i.target.raw, i.target.comparator,
            str(i.target.value), i.target.unit) for i in table.indicators]
    assert got == E02_ROWS
    assert [i.level1_inherited for i in table.indicators] == [False] + [True] * 6
    assert [(i.level1_category, i.level2_category) for i in table.indicators] == [("output", "quantity")] * 7
    assert table.column_headers == ("一级指标", "二级指标", "三级指标", "指标内容", "指标值", "备注")


def test_e02_funds_and_the_cut_off_row_are_reported_not_guessed():
    doc = _doc(E02)
    [table] = doc.department_tables
    # line 9 lost its empty cells: only the first value (资金总额) is placed, the rest is reported
    assert [(m.group, m.label, m.amount.value, m.amount.unit) for m in table.money] == [
        ("total", "资金总额", D("211.62"), "万元")]
    codes = [(w.code, w.span.first) for w in doc.warnings]
    assert codes == [("cells-unaligned", 9), ("row-incomplete", 20)]
    assert "211.62, 161.62, 50.00" in doc.warnings[0].message_en
    assert [(n.kind, n.label, n.location.describe("zh")) for n in doc.notes] == [("incomplete-row", "选派", "第 20 行")]
    assert doc.unrecognised_lines() == [9, 20]


# e07, lines 20-28: (line, 一级, 二级, 三级, 年初目标值, 实际完成值, 得分) as printed (traditional, inline pinyin kept raw)
E07_ROWS = [
    (20, "产出指标", "数量指标", "“科普鄂州”微信公众号运维", "不少于800篇", "800篇", "8"),
    (21, "产出指标", "数量指标", "开展全国科普日专题科普活动", "10場", "9場", "7"),
    (22, "产出指标", "数量指标", "《科协之窗-身边的科普》栏目", "200期", "200期", "8"),
    (23, "产出指标", "质量指标", "科普知识网络竞赛", "提高普及率", "穩(wěn)步提升", "6"),
    (24, "产出指标", "质量指标", "科普宣传栏内容更新", "知識更新率", "實時更新", "6"),
    (25, "产出指标", "成本指标", "预算控制数", "≤104萬元", "103.97萬元", "10"),
    (26, "效益指标", "社会效益指标", "公民科学文化素质", "提升10%", "提升10%", "6"),
    (27, "效益指标", "经济效益指标", "公民支持科技经济融合发展", "提升10%", "提升10%", "6"),
    (28, "效益指标", "生态效益指标", "生态文明理念和意识", "提升10%", "提升10%", "6"),
]


def test_e07_self_evaluation_every_complete_row():
    doc = _doc(E07)
    assert doc.kind == SELF_EVALUATION and doc.traditional and doc.department_tables == []
    assert (doc.organisation, doc.year, doc.published) == ("鄂州市科学技术协会", 2022, "2023-05-17")
    [p] = doc.projects
    assert (p.name, p.department, p.implementing_unit, p.filled_on) == (
        "科学普及经费", "鄂州市科学技术协会", "鄂州市科学技术协会", "2023-05-17")
    assert p.code is None  # the form has no project code
    assert p.checked == (("项目类别", "部门预算项目"), ("项目属性", "持续性项目"), ("项目类型", "常年性项目"))
    assert (p.budget.value, p.budget.unit, p.executed.value, p.execution_rate, p.execution_score) == (
        D("104"), "万元", D("103.97"), D("99.97"), D("19"))
    assert (p.execution_points.low, p.execution_points.high, p.goal_points.low) == (D(20), D(20), D(80))
    got = [(i.span.first, i.level1, i.level2, i.name, i.target.raw, i.actual.raw, i.score_raw) for i in p.indicators]
    assert got == E07_ROWS
    assert [i.score for i in p.indicators] == [D(8), D(7), D(8), D(6), D(6), D(10), D(6), D(6), D(6)]
    # the 成本指标 row (line 25) has no 一级 cell: 产出指标 continues; 二级 成本指标 resolves under it
    cost = p.indicators[5]
    assert (cost.level1_inherited, cost.level2_inherited, cost.level2_category) == (True, False, "output-cost")


def test_e07_targets_and_actuals_by_one_grammar():
    [p] = _doc(E07).projects
    t = {i.span.first: i for i in p.indicators}
    assert (t[20].target.comparator, t[20].target.value, t[20].target.unit) == (">=", D(800), "篇")
    assert (t[21].target.comparator, t[21].target.value, t[21].target.unit) == ("=", D(10), "场")
    assert (t[21].actual.value, t[21].actual.unit) == (D(9), "场")
    assert (t[25].target.comparator, t[25].target.value, t[25].target.unit) == ("<=", D(104), "万元")
    assert (t[25].actual.value, t[25].actual.unit) == (D("103.97"), "万元")
    # qualitative and relative-change values: no comparator, raw kept
    assert (t[23].target.comparator, t[23].target.value, t[23].actual.kind) == (None, None, "qualitative")
    assert (t[26].target.comparator, t[26].target.value, t[26].target.change) == (None, D(10), "increase")


def test_e07_cut_off_row_is_listed_with_its_line():
    doc = _doc(E07)
    assert [(n.kind, n.span.first) for n in doc.notes] == [("incomplete-row", 29)]
    assert 29 in doc.unrecognised_lines()


def test_e01_budget_workbook_names_its_target_sheets():
    doc = _doc(E01)
    assert doc.kind == BUDGET_DISCLOSURE and doc.projects == [] and doc.department_tables == []
    assert (doc.organisation, doc.year) == ("昆明市盘龙区科学技术协会", 2023)
    named = [(n.label, n.span.first) for n in doc.notes if n.kind == "named-sheet"]
    assert named == [("项目支出绩效目标表", 16), ("对下转移支付绩效目标表", 21), ("部门整体支出绩效目标表", 23)]
    budget = [n.label for n in doc.notes if n.kind == "budget-table"]
    assert len(budget) == 15 and budget[:2] == ["财务收支预算总表", "部门收入预算表"]  # line 9 holds two names
    assert budget[-1] == "部门项目中期规划预算表"


@pytest.mark.parametrize("path, kind", [(E01, PERFKG.BudgetDisclosure), (E02, PERFKG.TargetTablesDocument),
                                        (E07, PERFKG.SelfEvaluationReport)])
def test_none_is_rejected_whole(path, kind):
    require(path.is_file(), f"the real excerpt {path.name}")
    result = ingest_file(path, link=False)
    assert result.error is None
    assert (result.graph_iri, None, None) in result.graph
    assert (result.graph_iri, PERFKG.hasTableNote, None) in result.graph or kind == PERFKG.TargetTablesDocument
    from rdflib.namespace import RDF

    assert (result.graph_iri, RDF.type, kind) in result.graph


def test_the_ingest_summary_names_the_target_sheets_and_the_cut_row():
    require(E01.is_file() and E02.is_file(), "the real excerpts")
    summary = ingest_file(E01, link=False).summary()
    assert "第 16 行：工作表目录列出「项目支出绩效目标表」，本文件未含该表" in summary
    assert "line 23: the sheet list names “部门整体支出绩效目标表”, which this file does not hold" in summary
    summary = ingest_file(E02, link=False).summary()
    assert "7 部门整体指标 department-level indicators" in summary and "不完整的指标行「选派」" in summary
