"""Each robustness case the seed demands, as its own small document."""
from __future__ import annotations

from decimal import Decimal

from docbuilder import HEADER, ROWS, document, project_block, write

from perfkg.parse.document import parse_file


def test_minimal_document_parses_cleanly(tmp_path):
    doc = parse_file(write(tmp_path, document()))
    assert doc.organisation == "临水市科学技术协会" and doc.year == 2023
    assert len(doc.projects) == 1 and len(doc.projects[0].indicators) == 4
    assert doc.warnings == [] and doc.unrecognised_lines() == []


def test_duplicated_heading(tmp_path):
    part1 = ["一、总体绩效目标", "", "一、总体绩效目标", "", "服务科技工作者。", "",
             "二、分项绩效目标", "", "二、分项绩效目标", "", "（一）开展科普。", ""]
    doc = parse_file(write(tmp_path, document(part1=part1)))
    assert len(doc.overall_goals) == 1 and len(doc.sub_goals) == 1
    dupes = sorted(n for n, k in doc.line_map.items() if k == ["layout:duplicate-heading"])
    assert len(dupes) == 2


def test_paragraph_split_by_page_break_is_rejoined(tmp_path):
    part1 = ["三、工作保障措施", "", "（一）加强队伍建设", "", "1.组织全体干部参加业务培训，提高", "",
             "服务基层的能力。", "", "2.完善考核制度。", ""]
    doc = parse_file(write(tmp_path, document(part1=part1)))
    items = doc.measures[0].items
    assert len(items) == 2
    assert items[0].text.text == "组织全体干部参加业务培训，提高服务基层的能力。"
    assert (items[0].text.span.last - items[0].text.span.first) == 2


def test_spaces_inside_cjk_words_normalised_raw_kept(tmp_path):
    rows = [["产出指标", "数量指标", "宣传 资料发放", "发放 数量", "≥500 份", "年度 工作计划", ""],
            ["满意度指标", "服务对象满 意度指标", "居民满 意度", "问卷", "≥90%", "年度工作计划", ""]]
    doc = parse_file(write(tmp_path, document(projects=[project_block(rows=rows)])))
    a, b = doc.projects[0].indicators
    assert (a.name, a.name_raw, a.description, a.basis) == ("宣传资料发放", "宣传 资料发放", "发放数量", "年度工作计划")
    assert b.level2 == "服务对象满意度指标" and b.level2_category == "recipient-satisfaction"
    assert doc.projects[0].fiscal.value == Decimal("12.00")  # "其中：财政 资金"


def test_spending_plan_with_a_missing_label(tmp_path):
    block = project_block(labels=("3 月底", "6 月底", "9 月底"), values=("10%", "40%", "70%", "100%"))
    doc = parse_file(write(tmp_path, document(projects=[block])))
    plan = doc.projects[0].spending_plan
    assert [(m.month, m.cumulative_percent, m.label_inferred) for m in plan] == [
        (3, 10, False), (6, 40, False), (9, 70, False), (12, 100, True)]
    (w,) = doc.warnings
    assert w.code == "spending-label-inferred" and w.element == "project/1/plan/4"
    assert doc.lines[w.span.first - 1].startswith("资金支出计")


def test_row_with_missing_cell_realigned(tmp_path):
    rows = ROWS[:1] + [["成本指标", "经济成本指标", "讲座总成本", "≤12 万元", "预算支出标准", "", ""]] + ROWS[2:]
    doc = parse_file(write(tmp_path, document(projects=[block_with(rows)])))
    cost = doc.projects[0].indicators[1]
    assert cost.description is None and cost.target.raw == "≤12 万元" and cost.basis == "预算支出标准"
    assert cost.target.comparator == "<=" and cost.target.value == Decimal("12")
    (w,) = doc.warnings
    assert w.code == "cell-realigned" and w.element == "project/1/indicator/2"


def test_row_with_too_few_cells_realigned(tmp_path):
    rows = ROWS[:1] + [["成本指标", "经济成本指标", "讲座总成本", "≤12 万元", "预算支出标准"]] + ROWS[2:]
    doc = parse_file(write(tmp_path, document(projects=[block_with(rows)])))
    cost = doc.projects[0].indicators[1]
    assert (cost.description, cost.target.value, cost.basis) == (None, Decimal("12"), "预算支出标准")


def block_with(rows):
    return project_block(rows=rows)


def test_several_goal_items_in_one_cell(tmp_path):
    block = project_block(goals="1.举办讲座。2、编印科普手册 3. 开展问卷调查")
    doc = parse_file(write(tmp_path, document(projects=[block])))
    assert [(g.number, g.text.text) for g in doc.projects[0].goals] == [
        ("1", "举办讲座。"), ("2", "编印科普手册"), ("3", "开展问卷调查")]


def test_goal_cell_keeps_decimals_inside_items(tmp_path):
    block = project_block(goals="1. 完成 2.5 万人次的参观接待。 2. 建成展厅。")
    doc = parse_file(write(tmp_path, document(projects=[block])))
    assert [g.text.text for g in doc.projects[0].goals] == ["完成 2.5 万人次的参观接待。", "建成展厅。"]


def test_category_aliases_keep_written_label(tmp_path):
    rows = [["产出指标", "进度指标", "讲座完成时间", "全部讲座完成时间", "2023年10月底前", "年度工作计划", ""],
            ["满意度指标", "社会公众或服务对象满意度指标", "满意率", "问卷", "95%以上", "年度工作计划", ""]]
    doc = parse_file(write(tmp_path, document(projects=[project_block(rows=rows)])))
    a, b = doc.projects[0].indicators
    assert (a.level2, a.level2_category) == ("进度指标", "timeliness")
    assert (b.level2, b.level2_category) == ("社会公众或服务对象满意度指标", "recipient-satisfaction")
    assert a.target.kind == "date" and a.target.comparator == "<="
    assert (b.target.comparator, b.target.value, b.target.unit) == (">=", Decimal("95"), "%")


def test_extra_unit_column_mapped_from_header(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "计量单位", "指标值确定依据", ""]
    rows = [["产出指标", "数量指标", "讲座场次", "场次", "≥6", "场", "年度工作计划", ""],
            ["满意度指标", "服务对象满意度指标", "满意度", "问卷", "≥90", "%", "行业标准", ""]]
    doc = parse_file(write(tmp_path, document(projects=[project_block(header=header, rows=rows)])))
    a, b = doc.projects[0].indicators
    assert (a.target.raw, a.target.value, a.target.unit, a.basis) == ("≥6", Decimal("6"), "场", "年度工作计划")
    assert (b.target.unit, b.basis) == ("%", "行业标准")
    assert ("计量单位", "场") not in a.extra and doc.projects[0].column_headers[5] == "计量单位"


def test_cost_as_level1_framework_2021(tmp_path):
    rows = [["成本指标", "经济成本指标", "讲座成本", "总成本", "≤12 万元", "预算支出标准", ""],
            ["", "社会成本指标", "噪声投诉", "投诉次数", "≤1 次", "历史标准", ""]]
    doc = parse_file(write(tmp_path, document(projects=[project_block(rows=rows)])))
    a, b = doc.projects[0].indicators
    assert (a.level1_category, a.level2_category) == ("cost", "economic-cost")
    assert (b.level1_inherited, b.level2_category) == (True, "social-cost")


def test_two_projects_and_toc_check(tmp_path):
    blocks = [project_block(), project_block(number=2, name="科普大篷车运行费", code="13990023P00100230002B")]
    doc = parse_file(write(tmp_path, document(projects=blocks)))
    assert [p.code for p in doc.projects] == ["13990023P00100230001A", "13990023P00100230002B"]
    assert not [w for w in doc.warnings if w.code == "toc-mismatch"]


def test_toc_mismatch_warned(tmp_path):
    text = document().replace("1.社区科学讲堂经费绩效目标表\t5", "1.社区科学讲座经费绩效目标表\t5")
    doc = parse_file(write(tmp_path, text))
    assert [w.code for w in doc.warnings] == ["toc-mismatch", "toc-mismatch"]


# --- the same regressions as tests/test_parse_fixes.py on a document of our own (they run without the seed) -------
def test_trailing_white_space_after_a_numbered_item(tmp_path):
    part1 = ["二、分项绩效目标", "", "（一）组织科普讲座，普及科学知识。\u3000", "", "(二) 开展科技竞赛\v", "",
             "三、工作保障措施", "", "（一）加强组织领导\u00a0", "", "1.建立项目负责制度。\t", ""]
    doc = parse_file(write(tmp_path, document(part1=part1)))
    assert [(g.number, g.text.text) for g in doc.sub_goals] == [("（一）", "组织科普讲座，普及科学知识。"),
                                                                ("(二)", "开展科技竞赛")]
    assert (doc.measures[0].number, doc.measures[0].heading.text) == ("（一）", "加强组织领导")


def test_nan_budget_is_text_with_a_warning(tmp_path):
    doc = parse_file(write(tmp_path, document(projects=[project_block(budget="NaN")])))
    budget = doc.projects[0].budget
    assert (budget.raw, budget.value, budget.yuan) == ("NaN", None, None)
    assert [(w.code, w.element) for w in doc.warnings] == [("amount-unreadable", "project/1/funding")]


def test_second_table_without_title_is_its_own_project(tmp_path):
    blocks = [project_block(), project_block(number=2, name="科普大篷车运行费", code="13990023P00100230002B")]
    text = document(projects=blocks).replace("2. 科普大篷车运行费绩效目标表\n", "")  # the table lost its title line
    doc = parse_file(write(tmp_path, text))
    assert [p.code for p in doc.projects] == ["13990023P00100230001A", "13990023P00100230002B"]
    assert [len(p.indicators) for p in doc.projects] == [4, 4] and doc.projects[1].title_missing
    assert "project-title-missing" in [w.code for w in doc.warnings]


def test_two_tables_with_one_code_stay_two_projects(tmp_path):
    blocks = [project_block(), project_block(number=2, name="科普大篷车运行费")]  # both with the default code
    doc = parse_file(write(tmp_path, document(projects=blocks)))
    assert [p.name for p in doc.projects] == ["社区科学讲堂经费", "科普大篷车运行费"]
    assert doc.projects[1].duplicate_code_of == 1
    assert [w.code for w in doc.warnings if w.element == "project/2"] == ["project-code-duplicated"]
