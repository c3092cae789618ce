"""The layout samples in data/layouts (issue 11), one per layout and container: every field asserted against values
written here by hand (what each form prints), the location of what was read, and the mandate links on the 科协
department goals and project tables."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from conftest import ROOT
from perfkg.model_tables import (DEPARTMENT_TARGETS, PROJECT_APPROVAL, PROJECT_DECLARATION, PROJECT_SELF_EVALUATION,
                                 PROJECT_TARGETS, SELF_EVALUATION, TARGET_TABLES)
from perfkg.parse.readers import read_document

LAYOUTS = ROOT / "data" / "layouts"


def doc_of(name):
    return read_document(LAYOUTS / name)[0]


def rows(indicators, *extra):
    """(一级, 二级, 三级, comparator, value, unit, date, raw) per indicator, plus the named attributes."""
    out = []
    for i in indicators:
        t = i.target
        out.append((i.level1, i.level2, i.name, t.comparator, None if t.value is None else str(t.value), t.unit,
                    t.date, t.raw) + tuple(getattr(i, a) for a in extra))
    return out


def test_workbook_yunnan_style_projects_in_a_column_and_the_department_sheet():
    doc = doc_of("lanyu-kexie-2024.xlsx")
    assert (doc.kind, doc.organisation, doc.year, doc.container) == (TARGET_TABLES, "澜屿区科学技术协会", 2024, "xlsx")
    assert [n.location.sheet for n in doc.notices] == ["财务收支预算总表", "部门收入预算表"]  # budget sheets reported
    p1, p2 = doc.projects
    assert (p1.table_kind, p1.name, p1.department, p1.code) == (PROJECT_TARGETS, "青少年科技创新大赛经费", "澜屿区科学技术协会", None)
    assert [g.text.text for g in p1.goals] == ["办好区级青少年科技创新大赛，推荐优秀作品参加市级比赛，激发青少年科学兴趣。"]
    assert rows(p1.indicators, "description") == [
        ("产出指标", "数量指标", "参赛学生人数", ">=", "300", "人", None, "300", "参加区级青少年科技创新大赛的学生人数"),
        ("产出指标", "质量指标", "获奖作品推荐率", ">=", "20", "%", None, "20", "推荐到市级比赛的作品占全部参赛作品的比例"),
        ("产出指标", "时效指标", "决赛完成时间", "<=", None, None, "2024-10", "2024年10月底前", "区级决赛完成的时间"),
        ("效益指标", "社会效益指标", "青少年科学兴趣", None, None, None, None, "明显提升", "赛后问卷中学生对科学的兴趣"),
        ("满意度指标", "服务对象满意度指标", "参赛学校满意度", ">=", "90", "%", None, "90", "对参赛学校开展满意度调查的满意率"),
    ]
    assert p1.indicators[3].target.kind == "qualitative"  # 指标性质 定性
    assert (p2.name, p2.department) == ("科普大篷车下乡经费", "澜屿区科学技术协会")
    assert rows(p2.indicators) == [
        ("产出指标", "数量指标", "下乡巡展场次", ">=", "24", "场", None, "24"),
        ("成本指标", "经济成本指标", "单场巡展成本", "<=", "3500", "元", None, "3500"),
        ("满意度指标", "服务对象满意度指标", "村民满意度", ">=", "85", "%", None, "85"),
    ]
    assert p2.indicators[1].location.describe("zh") == "工作表「项目支出绩效目标表」第 10 行"
    [t] = doc.department_tables
    assert (t.department, t.year) == ("澜屿区科学技术协会", 2024)
    assert t.functions.text.startswith("组织开展群众性科学普及活动")
    assert t.goal_numbers == ["1", "2", "3"] and t.goals[1].text == "办好青少年科技创新大赛"
    assert [(m.group, m.label, m.amount.value, m.amount.unit, m.amount.yuan) for m in t.money] == [
        ("total", "资金总额", D("2856400.00"), "元", D("2856400.00")),
        ("income", "公共财政拨款", D("2756400.00"), "元", D("2756400.00")),
        ("income", "其他资金", D("100000.00"), "元", D("100000.00")),
        ("expenditure", "基本支出", D("2106400.00"), "元", D("2106400.00")),
        ("expenditure", "项目支出", D("750000.00"), "元", D("750000.00")),
    ]
    assert rows(t.indicators) == [
        ("产出指标", "数量指标", "科普活动场次", ">=", "50", "场", None, "50"),
        ("产出指标", "时效指标", "科普日活动完成时间", "<=", None, None, "2024-09", "2024年9月底前"),
        ("成本指标", "经济成本指标", "人均培训成本", "<=", "800", "元", None, "800"),
        ("效益指标", "社会效益指标", "公民具备科学素质比例", ">=", "12", "%", None, "12"),
        ("满意度指标", "服务对象满意度指标", "科技工作者满意度", ">=", "90", "%", None, "90"),
    ]
    assert [i.level1_category for i in t.indicators] == ["output", "output", "cost", "benefit", "satisfaction"]
    assert doc.unrecognised_lines() == [] and doc.warnings == []


def test_web_page_chongqing_style_approval():
    doc = doc_of("yuxi-kexie-2024-approval.html")
    assert (doc.kind, doc.organisation, doc.year, doc.container) == (TARGET_TABLES, "渝溪县科学技术协会", 2024, "html")
    [p] = doc.projects
    assert (p.table_kind, p.name, p.code, p.code_pattern) == (
        PROJECT_APPROVAL, "科技工作者服务站建设", "50990024011P000017", "重庆")
    assert (p.department, p.implementing_unit, p.period, p.classification, p.checked) == (
        "渝溪县科学技术协会", "渝溪县科学技术协会本级", "2024年1月-2024年12月", "业务类项目", (("项目类型", "常年性"),))
    assert [(a.value, a.unit) for a in (p.total_budget, p.budget, p.fiscal, p.other)] == [
        (D("60.00"), "万元"), (D("60.00"), "万元"), (D("60.00"), "万元"), (D("0.00"), "万元")]
    assert p.basis.text.startswith("县委关于加强基层科协组织建设")
    assert [g.text.text for g in p.goals] == ["建成科技工作者服务站3个", "依托服务站开展科技咨询和科普服务，服务科技工作者600人次以上。"]
    assert rows(p.indicators, "weight") == [
        ("产出指标(40-50)分", "数量指标", "新建服务站数量", ">=", "3", "个", None, "≥3个", D(20)),
        ("产出指标(40-50)分", "质量指标", "服务站验收合格率", "=", "100", "%", None, "100%", D(15)),
        ("产出指标(40-50)分", "时效指标", "服务站建成时间", "<=", None, None, "2024-09", "2024年9月底前", D(10)),
        ("成本指标(0-20)分", "经济成本指标", "单个服务站建设成本", "<=", "20", "万元", None, "≤20万元", D(15)),
        ("效益指标(20-30)分", "社会效益指标", "服务科技工作者人次", ">=", "600", "人次", None, "≥600人次", D(20)),
        ("效益指标(20-30)分", "可持续影响指标", "服务站持续运行年限", ">=", "3", "年", None, "≥3年", D(10)),
        ("满意度指标(10分)", "服务对象满意度指标", "科技工作者满意度", ">=", "90", "%", None, "≥90%", D(10)),
    ]
    # score ranges fused into the 一级 labels; the category still resolves
    assert [(i.level1_points.low, i.level1_points.high) for i in p.indicators] == [
        (D(40), D(50))] * 3 + [(D(0), D(20))] + [(D(20), D(30))] * 2 + [(D(10), D(10))]
    assert [i.level1_category for i in p.indicators] == ["output"] * 3 + ["cost"] + ["benefit"] * 2 + ["satisfaction"]
    assert p.indicators[0].location.describe("en") == "table 1, row 10"


def test_pdf_hunan_style_department_form_2021_framework():
    doc = doc_of("lichuan-kexie-2023-department.pdf")
    assert (doc.kind, doc.organisation, doc.year, doc.container) == (TARGET_TABLES, "澧川县科学技术协会", 2023, "pdf")
    assert doc.projects == []
    [t] = doc.department_tables
    assert (t.title.text, t.department) == ("澧川县科学技术协会2023年度部门整体支出绩效目标申报表", "澧川县科学技术协会")
    assert [(m.group, m.label, str(m.amount.value)) for m in t.money] == [
        ("total", "资金总额", "186.50"), ("income", "公共财政拨款", "176.50"), ("income", "政府性基金拨款", "0.00"),
        ("income", "纳入专户的非税收入拨款", "0.00"), ("income", "其他资金", "10.00"), ("expenditure", "基本支出", "121.30"),
        ("expenditure", "项目支出", "65.20")]
    assert [g.text for g in t.goals] == ["开展科普进社区、进农村活动不少于40场", "组织全县青少年科技创新大赛",
                                         "推进基层科协组织建设，提升公民科学素质。"]
    assert rows(t.indicators, "description") == [
        ("成本指标", "经济成本指标", "科普活动场均成本", "<=", "0.8", "万元", None, "≤0.8万元", "每场科普活动的场地、物料和讲解费用"),
        ("产出指标", "数量指标", "科普活动场次", ">=", "40", "场", None, "40场以上", "全年开展科普进社区、进农村活动场次"),
        ("产出指标", "质量指标", "科普活动覆盖乡镇比例", "=", "100", "%", None, "100%", "开展过科普活动的乡镇占全县乡镇的比例"),
        ("产出指标", "时效指标", "青少年科技创新大赛举办时间", "<=", None, None, "2023-06", "2023年6月底前", "全县大赛决赛举办的时间"),
        ("效益指标", "社会效益指标", "公民具备科学素质比例", None, "2", "%", None, "提升2%", "全县公民具备科学素质的比例"),
        ("满意度指标", "服务对象满意度指标", "社会公众满意度", ">=", "90", "%", None, "≥90%", "对参加活动的群众抽样调查的满意率"),
    ]
    assert t.indicators[4].target.change == "increase"
    # 社会成本指标 and 生态环境成本指标 printed with nothing under them: recognised, not indicators, not reported
    empty = [n for n, keys in doc.line_map.items() if keys == ["layout:empty-category"]]
    assert [doc.lines[n - 1].split("\t")[2] for n in empty] == ["社会成本指标", "生态环境成本指标"]
    assert t.indicators[1].location.describe("zh") == "第 1 页 表 1 第 12 行"
    assert doc.unrecognised_lines() == [] and doc.warnings == []


def test_docx_hubei_style_declaration_in_traditional_characters_amounts_in_yuan():
    doc = doc_of("jingchuan-kexie-2024-declaration.docx")
    assert (doc.kind, doc.organisation, doc.year, doc.traditional) == (TARGET_TABLES, "荆川市科学技术协会", 2024, True)
    assert doc.title.raw == "荊川市科學技術協會2024年項目支出績效目標申報表"  # printed text kept
    [p] = doc.projects
    assert (p.table_kind, p.name, p.department, p.implementing_unit) == (
        PROJECT_DECLARATION, "科普示范基地建设", "荆川市科学技术协会", "荆川市科技馆")
    assert p.checked == (("项目属性", "延续性项目"), ("项目类型", "一次性项目"))
    assert [(a.raw, a.value, a.unit, a.yuan) for a in (p.total_budget, p.budget, p.fiscal, p.other)] == [
        ("1,250,000.00", D("1250000.00"), "元", D("1250000.00")), ("850,000.00", D("850000.00"), "元", D("850000.00")),
        ("850,000.00", D("850000.00"), "元", D("850000.00")), ("0.00", D("0.00"), "元", D("0.00"))]
    assert p.basis.text.startswith("依据本市全民科学素质行动实施方案") and p.basis.raw.startswith("依據本市全民科學素質")
    assert rows(p.indicators, "description", "name_raw") == [
        ("产出指标", "数量指标", "更新展品数量", ">=", "30", "件", None, "≥30件", "年内更新并投入使用的展品件数", "更新展品數量"),
        ("产出指标", "质量指标", "展品验收合格率", "=", "100", "%", None, "100%", "验收合格的展品占更新展品的比例", "展品驗收合格率"),
        ("效益指标", "社会效益指标", "接待参观人次", ">=", "30000", "人次", None, "≥30000人次", "基地全年接待参观的人次", "接待參觀人次"),
        ("满意度指标", "服务对象满意度指标", "参观者满意度", ">=", "90", "%", None, "≥90%", "对参观者抽样调查的满意率", "參觀者滿意度"),
    ]


def test_pdf_hubei_style_self_evaluation():
    doc = doc_of("jingchuan-kexie-2023-self-evaluation.pdf")
    assert (doc.kind, doc.organisation, doc.year) == (SELF_EVALUATION, "荆川市科学技术协会", 2023)
    [p] = doc.projects
    assert (p.table_kind, p.name, p.department, p.implementing_unit) == (
        PROJECT_SELF_EVALUATION, "科普示范基地运行", "荆川市科学技术协会", "荆川市科技馆")
    assert (p.budget.value, p.executed.value, p.execution_rate, p.execution_score, p.budget.unit) == (
        D("50.00"), D("46.00"), D("92.00"), D("18.4"), "万元")
    assert (p.execution_points.low, p.execution_points.high) == (D(20), D(20))
    got = [(i.name, i.target.raw, i.actual.raw, str(i.actual.value) if i.actual.value is not None else None,
            i.actual.unit, i.weight, i.score, i.remark) for i in p.indicators]
    assert got == [
        ("基地开放天数", "≥250天", "262天", "262", "天", D(20), D(20), None),
        ("展品完好率", "≥95%", "97%", "97", "%", D(15), D(15), None),
        ("年度检查完成时间", "2023年11月底前", "2023年11月", None, None, D(10), D(10), None),
        ("接待参观人次", "≥20000人次", "18500人次", "18500", "人次", D(20), D(20), "受展厅维修影响，闭馆一个月"),
        ("参观者满意度", "≥90%", "93%", "93", "%", D(15), D(15), None),
    ]
    assert [(i.level1, i.level2) for i in p.indicators] == [
        ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("效益指标", "社会效益指标"),
        ("满意度指标", "服务对象满意度指标")]
    assert p.indicators[2].actual.date == "2023-11"


@pytest.mark.parametrize("name, kinds", [
    ("lanyu-kexie-2024.xlsx", (DEPARTMENT_TARGETS, PROJECT_TARGETS)),
    ("yuxi-kexie-2024-approval.html", (PROJECT_APPROVAL,)),
    ("lichuan-kexie-2023-department.pdf", (DEPARTMENT_TARGETS,)),
    ("jingchuan-kexie-2024-declaration.docx", (PROJECT_DECLARATION,)),
    ("jingchuan-kexie-2023-self-evaluation.pdf", (PROJECT_SELF_EVALUATION,)),
])
def test_table_kinds(name, kinds):
    assert doc_of(name).table_kinds == tuple(sorted(kinds))


def test_validation_findings_at_their_place_and_only_rules_that_apply():
    """A self-evaluation PDF: the target missed with full score (R41) is found on its row, page 1 table 1 row 9;
    the rules of the Hebei template (审核 bureau, 第一部分, spending plan, 指标值确定依据 …) do not apply to it."""
    from perfkg.validate import validate_documents

    selfeval, workbook = validate_documents([LAYOUTS / "jingchuan-kexie-2023-self-evaluation.pdf",
                                             LAYOUTS / "lanyu-kexie-2024.xlsx"], workers=1, link=False)
    found = sorted((f.rule, f.location.get("zh"), f.value_text) for f in selfeval.findings)
    assert found == [("R33", "第 1 页 表 1 第 9 行", "接待参观人次"), ("R41", "第 1 页 表 1 第 9 行", "接待参观人次")]
    rules = {f.rule for f in workbook.findings}
    assert rules == {"R12", "R18"}  # goal text without numbers or cost control; a project without 效益指标
    [coverage] = [f for f in workbook.findings if f.rule == "R18"
                  and f.location.get("zh", "").startswith("工作表「项目支出绩效目标表」第 9")]
    assert coverage.severity == "Warning"


def test_mandate_links_on_department_goals_and_project_tables():
    """科协 samples: a department-level goal and project goals/indicators are linked to mandates, with evidence."""
    from rdflib.namespace import RDF

    from perfkg.sources import ingest_file
    from perfkg.vocab import PERFKG

    result = ingest_file(LAYOUTS / "lichuan-kexie-2023-department.pdf")
    g = result.graph
    goals = sorted(g.subjects(RDF.type, PERFKG.OverallGoal), key=str)
    assert len(goals) == 3
    served = {str(g.value(goal, PERFKG.text)): {str(m).rsplit("/", 1)[-1] for m in g.objects(goal, PERFKG.servesMandate)}
              for goal in goals}
    assert served == {"开展科普进社区、进农村活动不少于40场": {"popular-science"},
                      "组织全县青少年科技创新大赛": {"youth-literacy"},
                      "推进基层科协组织建设，提升公民科学素质。": {"mass", "serve-science-literacy"}}
    indicators = {str(g.value(i, PERFKG.indicatorName)): {str(m).rsplit("/", 1)[-1]
                                                         for m in g.objects(i, PERFKG.servesMandate)}
                  for i in g.subjects(PERFKG.inTable, None)}
    assert indicators["青少年科技创新大赛举办时间"] == {"youth-literacy"}  # department-level indicators are linked too
    evidence = [e for e in g.subjects(PERFKG.linkedElement, None) if g.value(e, PERFKG.linkedElement) in goals]
    assert evidence and all(g.value(e, PERFKG.matchedPhrase) is not None for e in evidence)
    project = ingest_file(LAYOUTS / "yuxi-kexie-2024-approval.html").graph
    linked = {s for s in project.subjects(PERFKG.servesMandate, None)}
    assert any((s, RDF.type, PERFKG.ProjectGoal) in project for s in linked)
