"""The real sample document, field by field: what the parser must get right to the last cell."""
from __future__ import annotations

from decimal import Decimal

import pytest

P1, P2 = "13030022P00702210044W", "13030022P00702210045G"


def test_header(seed_doc):
    assert seed_doc.organisation == "秦皇岛市科学技术协会"
    assert seed_doc.year == 2022
    assert seed_doc.compiler == "秦皇岛市科学技术协会"
    assert seed_doc.reviewer == "秦皇岛市财政局"
    assert seed_doc.title.span.first == 2
    assert seed_doc.encoding == "utf-8"


def test_table_of_contents_recognised_not_content(seed_doc):
    titles = [(e.part, e.title, e.page, e.line) for e in seed_doc.toc]
    assert titles == [
        ("part1", "一、总体绩效目标", "2", 11), ("part1", "二、分项绩效目标", "2", 12),
        ("part1", "三、工作保障措施", "3", 13),
        ("part2", "1.科普费（包括老科协工作经费 15 万元）绩效目标表", "9", 17),
        ("part2", "2.科协物业管理费绩效目标表", "10", 18),
    ]
    assert all(seed_doc.line_map[n] == ["layout:toc"] for n in (7, 9, 11, 12, 13, 15, 17, 18))
    assert not [w for w in seed_doc.warnings if w.code == "toc-mismatch"]
    assert len(seed_doc.projects) == 2  # TOC titles did not become projects


def test_overall_goal(seed_doc):
    assert len(seed_doc.overall_goals) == 1
    goal = seed_doc.overall_goals[0]
    assert goal.span.first == 28 and goal.text.startswith("学习贯彻") and goal.text.endswith("科协组织。")


def test_duplicated_headings_are_layout(seed_doc):
    for line in (26, 32, 62):
        assert seed_doc.line_map[line] == ["layout:duplicate-heading"]
    for line in (24, 30, 60):
        assert seed_doc.line_map[line] == ["layout:heading"]


def test_thirteen_sub_goals_with_both_bracket_styles(seed_doc):
    goals = seed_doc.sub_goals
    assert len(goals) == 13
    assert [g.number for g in goals[:5]] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert [g.number for g in goals[5:]] == ["(六)", "(七)", "(八)", "(九)", "(十)", "(十一)", "(十二)", "(十三)"]
    assert [g.text.span.first for g in goals] == list(range(34, 59, 2))
    assert goals[3].text.text.startswith("弘扬科学精神") and goals[12].text.text == "完成市委、市政府交办的其他任务。"


def test_guarantee_measures(seed_doc):
    measures = seed_doc.measures
    assert [len(m.items) for m in measures] == [3, 5, 2, 4]
    assert [m.heading.span.first for m in measures] == [64, 74, 88, 98]
    assert measures[1].heading.text == "以实施《纲要》为抓手，服务提高全民科学素质"
    assert measures[2].heading.text == "以提能力强学会为主线，服务党和政府科学决策"
    assert [len(m.intro) for m in measures] == [0, 1, 1, 1]
    assert measures[1].intro[0].span.first == 76
    assert [i.number for i in measures[0].items] == ["1", "2", "3"]


def test_page_break_paragraphs_rejoined(seed_doc):
    item = seed_doc.measures[0].items[1]  # lines 68 + 70
    assert (item.text.span.first, item.text.span.last) == (68, 70)
    assert "采取多种形式举办学习辅导班" in item.text.text
    item = seed_doc.measures[2].items[1]  # lines 94 + 96
    assert (item.text.span.first, item.text.span.last) == (94, 96)
    assert "核心引领作用" in item.text.text
    item = seed_doc.measures[3].items[1]  # lines 104 + 106
    assert "增强广大科技工作者的事业成就感" in item.text.text
    assert seed_doc.line_map[70] == ["measure/1/item/2"]


def _amounts(p):
    return (p.budget.value, p.fiscal.value, p.other.value)


def test_project_headers(seed_doc):
    p1, p2 = seed_doc.projects
    assert (p1.code, p1.name) == (P1, "科普费（包括老科协工作经费 15 万元）")
    assert (p2.code, p2.name) == (P2, "科协物业管理费")
    for p in (p1, p2):
        assert (p.unit_code, p.unit_name, p.amount_unit) == ("731001", "秦皇岛市科学技术协会本级", "万元")
    assert _amounts(p1) == (Decimal("40.00"), Decimal("40.00"), Decimal("0"))
    assert _amounts(p2) == (Decimal("15.00"), Decimal("15.00"), Decimal("0"))
    assert p1.budget.raw == "40.00" and p1.other.raw == ""
    assert p1.budget.yuan == Decimal("400000") and p2.fiscal.yuan == Decimal("150000")
    assert p1.uses.text == "活动经费"
    assert p2.uses.text == "办公楼及院落保安、保洁，设施维护、维修，办公楼院落绿化美化。"


def test_spending_plans(seed_doc):
    p1, p2 = seed_doc.projects
    plan1 = [(m.label, m.month, m.cumulative_percent, m.label_inferred) for m in p1.spending_plan]
    assert plan1 == [("3月底", 3, 30, False), ("6月底", 6, 60, False), ("10月底", 10, 90, False),
                     ("12月底", 12, 100, True)]
    plan2 = [(m.month, m.cumulative_percent, m.label_inferred) for m in p2.spending_plan]
    assert plan2 == [(3, 25, False), (6, 50, False), (10, 75, False), (12, 100, False)]


def test_warnings_recorded_with_lines(seed_doc):
    found = {(w.code, w.span.first, w.span.last, w.element) for w in seed_doc.warnings}
    assert found == {
        ("spending-label-inferred", 125, 126, "project/1/plan/4"),
        ("cell-realigned", 140, 140, "project/1/indicator/12"),
    }
    for w in seed_doc.warnings:
        assert w.message_zh and w.message_en


def test_project_goals(seed_doc):
    p1, p2 = seed_doc.projects
    assert [g.number for g in p1.goals] == ["1", "2"]
    assert p1.goals[0].text.text.startswith("开展科普活动") and p1.goals[0].text.text.endswith("科技创新能力。")
    assert p1.goals[1].text.text == "提高老科技工作者服务社会积极性，推进老科技工作者协会工作。"
    assert [g.text.text for g in p2.goals] == [
        "确保机关办公楼内外安全", "维护机关办公楼及院落有序整洁", "负责办公区域水路、强弱电路维修、维护及绿植养护更换。"]


SEED_P1 = [
    # level1, level2, name, description, comparator, value, unit, basis, line
    ("产出指标", "数量指标", "举办培训次数", "举办培训次数", ">=", "1", "次", "年度工作计划", 129),
    ("产出指标", "数量指标", "办公设备购置数量", "办公设备购置数量", "=", "4", "个", "年度工作计划", 130),
    ("产出指标", "数量指标", "科普电子平台维护数量", "科普电子平台维护数量", ">=", "1", "个", "年度工作计划", 131),
    ("产出指标", "数量指标", "参加大赛次数", "参加大赛次数", "=", "2", "次", "年度工作计划", 132),
    ("产出指标", "数量指标", "参加培训人数", "参加培训人数", ">=", "120", "人", "年度工作计划", 133),
    ("产出指标", "质量指标", "参训人员考核合格率", "反映培训质量情况", ">=", "95", "%", "年度工作计划", 134),
    ("产出指标", "质量指标", "科普活动举办成功率", "反映科普活动举办质量", "=", "100", "%", "年度工作计划", 135),
    ("产出指标", "质量指标", "网络平台平稳运行率", "反映网络平台运行情况", "=", "100", "%", "年度工作计划", 136),
    ("产出指标", "时效指标", "培训举办月份", "培训举办月份", "=", "12", "月", "年度工作计划", 137),
    ("产出指标", "时效指标", "科普活动举办月份", "反映科普活动举办月份", "=", "9", "月", "年度工作计划", 138),
    ("产出指标", "时效指标", "参加大赛月份", "参加大赛月份", ">=", "2", "月", "年度工作计划", 139),
    ("成本指标", "预算执行", "成本预算控制率", None, "=", "40", "万元", "年度工作计划", 140),
    ("效益指标", "社会效益指标", "公民科学素质比例", "持续提高公民科学素质", ">=", "9", "%", "年度工作计划", 141),
    ("效益指标", "可持续影响指标", "参与科普活动人数", "参与科普活动人数", ">=", "20000", "人", "年度工作计划", 142),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "群众参与活动满意度", ">=", "90", "%", "年度工作计划", 143),
]
BASIS2 = "年度工作计划及物业服务合同"
SEED_P2 = [
    ("产出指标", "数量指标", "物业人员数量", "聘请保安物业管理数量", ">=", "3", "人", BASIS2, 158),
    ("产出指标", "质量指标", "物业服务验收合格率", "反应物业服务质量", ">=", "90", "%", BASIS2, 159),
    ("产出指标", "质量指标", "设备设施完好率", "设备设施完好率", ">=", "95", "%", BASIS2, 160),
    ("产出指标", "时效指标", "完成及时性", "反应物业服务完成及时性", "<=", "3", "日", BASIS2, 161),
    ("产出指标", "成本指标", "年度单位面积物业费", "每平方米办公用房年度支出标准", ">=", "15", "元/平方米月", BASIS2, 162),
    ("效益指标", "可持续影响指标", "无", "无", None, None, None, BASIS2, 163),
    ("效益指标", "经济效益指标", "无", "无", None, None, None, BASIS2, 164),
    ("效益指标", "社会效益指标", "无", "无", None, None, None, BASIS2, 165),
    ("效益指标", "生态效益指标", "反应对生态环境影响", "反应对生态环境影响", ">=", "95", None, BASIS2, 166),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "员工满意度", ">=", "90", None, BASIS2, 167),
]


@pytest.mark.parametrize("index,expected", list(enumerate(SEED_P1)) + [(100 + i, r) for i, r in enumerate(SEED_P2)])
def test_indicator_rows(seed_doc, index, expected):
    project = seed_doc.projects[0 if index < 100 else 1]
    ind = project.indicators[index % 100]
    level1, level2, name, description, comparator, value, unit, basis, line = expected
    t = ind.target
    got = (ind.level1, ind.level2, ind.name, ind.description, t.comparator,
           str(t.value) if t.value is not None else None, t.unit, ind.basis, ind.span.first)
    assert got == expected


def test_indicator_counts_and_merged_cells(seed_doc):
    p1, p2 = seed_doc.projects
    assert (len(p1.indicators), len(p2.indicators)) == (15, 10)
    inherited = [i.position for i in p1.indicators if i.level1_inherited]
    assert inherited == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14]
    assert p2.indicators[4].level1_inherited and p2.indicators[4].level1 == "产出指标"  # cost under 产出 (line 162)


def test_categories_resolved_including_broken_labels(seed_doc):
    p1, p2 = seed_doc.projects
    assert [i.level1_category for i in p1.indicators].count("output") == 11
    assert p1.indicators[11].level1_category == "cost" and p1.indicators[11].level2_category is None  # 预算执行
    assert p2.indicators[4].level2_category == "output-cost"
    assert p2.indicators[5].level2_raw == "可持续影响 指标" and p2.indicators[5].level2_category == "sustainable-impact"
    assert p2.indicators[6].level2_category == "economic-benefit"  # "经济效益指 标"
    assert p2.indicators[9].level2_category == "recipient-satisfaction"  # "服务对象满 意度指标"


def test_placeholders_and_free_text_targets(seed_doc):
    p2 = seed_doc.projects[1]
    assert [i.target.kind for i in p2.indicators[5:8]] == ["placeholder"] * 3
    t = p2.indicators[3].target
    assert t.raw == "单次维修 3 日内完成" and t.kind == "quantitative"
    assert p2.indicators[4].target.raw == "≥15 元/平 方米月"  # raw kept


def test_full_line_coverage(seed_result):
    c = seed_result.coverage()
    assert c.total == 104 and c.mapped == 104 and c.unrecognised == []
    assert c.percent == 100.0


def test_readme_coverage_line(seed_result):
    """The README quotes the start of this line; 20 layout lines = 8 TOC + 10 headings + 2 table headers (counted in
    tests/test_parse_fixes.py), the other 84 non-blank lines are content."""
    assert seed_result.summary().startswith(
        "✓ 000_38770c5ad42c6795.txt: 104/104 非空行已映射 lines mapped (100.0%; 内容 content 84, 版式 layout 20), "
        "未识别 unrecognised 0; 2 项目 projects, 25 指标 indicators, 2 解析警告 parse warnings")
