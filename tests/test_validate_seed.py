"""The seed's real defects as regression cases: each at the right project, indicator and source line (rules.md)."""
from __future__ import annotations

import pytest

from conftest import require
from shape_cases.harness import BASES
from shape_cases.reports import base_reports


@pytest.fixture(scope="module")
def seed_report():
    require(BASES["seed"].is_file(), "the seed document beside the checkout")
    report = base_reports()["seed"]
    assert report.ok
    return report


def at(report, rule: str, line: int):
    return [f for f in report.findings if f.rule == rule and f.first_line is not None
            and f.first_line <= line <= (f.last_line or f.first_line)]


def test_missing_12_month_label_project_1_lines_125_126(seed_report):
    for rule in ("R11", "P-spending-label-inferred"):
        [f] = at(seed_report, rule, 125)
        assert (f.first_line, f.last_line) == (125, 126)
        assert f.project.position == 1 and f.severity == "Warning"
        assert f.element.endswith("/plan/4")
    [r11] = at(seed_report, "R11", 125)
    assert r11.value_text == "100%" and "12 月底" in r11.message["zh"]


def test_misaligned_cost_row_line_140_has_no_description_and_no_basis(seed_report):
    """The ingester realigns the row (warning cell-realigned); R14 still reports the row as submitted."""
    r14 = at(seed_report, "R14", 140)
    assert {f.shape.split("#")[1].rstrip(">") for f in r14} == {"R14-description", "R14-realigned"}
    for f in r14:
        assert f.severity == "Violation" and f.first_line == 140
        assert f.project.position == 1 and f.indicator.label == "成本预算控制率"
    realigned = next(f for f in r14 if "realigned" in f.shape)
    assert "依据" in realigned.message["zh"] and "basis" in realigned.message["en"]
    assert realigned.value_text == "年度工作计划"
    [p] = at(seed_report, "P-cell-realigned", 140)
    assert p.indicator.label == "成本预算控制率" and p.detail["zh"].startswith("本行缺少一个单元格")


def test_budget_execution_is_not_a_cost_category_line_140(seed_report):
    [f] = at(seed_report, "R16", 140)
    assert f.severity == "Violation" and f.value_text == "预算执行" and f.indicator.label == "成本预算控制率"


def test_mixed_frameworks_lines_140_and_162(seed_report):
    r17 = [f for f in seed_report.findings if f.rule == "R17"]
    assert sorted(f.first_line for f in r17) == [140, 162]
    assert {f.project.position for f in r17} == {1, 2}


def test_placeholder_rows_lines_163_to_165(seed_report):
    r19 = [f for f in seed_report.findings if f.rule == "R19"]
    assert sorted(f.first_line for f in r19) == [163, 164, 165]
    assert all(f.severity == "Violation" and f.project.position == 2 and f.value_text == "无" for f in r19)


def test_unitless_values_lines_166_167(seed_report):
    r25 = [f for f in seed_report.findings if f.rule == "R25"]
    assert sorted((f.first_line, f.value_text) for f in r25) == [(166, "≥95"), (167, "≥90")]
    [r30] = [f for f in seed_report.findings if f.rule == "R30"]
    assert r30.first_line == 167


def test_cost_target_with_floor_line_162(seed_report):
    [f] = at(seed_report, "R28", 162)
    assert f.severity == "Warning" and f.indicator.label == "年度单位面积物业费" and f.value_text.startswith("≥15")


def test_deadline_with_floor_line_139(seed_report):
    [f] = [f for f in seed_report.findings if f.rule == "R29" and f.severity == "Warning"]
    assert f.first_line == 139 and f.indicator.label == "参加大赛月份" and f.value_text == "≥2 月"


def test_rate_indicator_with_an_amount_line_140(seed_report):
    [f] = at(seed_report, "R26", 140)
    assert f.value_text == "40 万元" and f.indicator.label == "成本预算控制率"
    [tautology] = at(seed_report, "R31", 140)  # and the amount is the whole budget (Info)
    assert tautology.severity == "Info"


def test_other_seed_defects_from_rules_md(seed_report):
    found = {(f.rule, f.first_line) for f in seed_report.findings}
    expected = {("R04", 78), ("R21", 130), ("R21", 158), ("R22", 140), ("R33", 142), ("R34", 141), ("R24", 161),
                ("R20", 166), ("R13", 127), ("R03", 2)}
    assert expected <= found
    r18 = [f for f in seed_report.findings if f.rule == "R18"]
    assert [f.project.position for f in r18] == [2]  # project 2's 效益 block: placeholders and a 反映… row
    r12 = [f for f in seed_report.findings if f.rule == "R12"]
    assert sorted(f.project.position for f in r12) == [1, 1, 2, 2]  # no number, no cost control, in both


def test_rules_the_seed_passes_give_nothing(seed_report):
    passed = {"R01", "R02-Violation", "R06", "R07", "R08", "R09", "R10", "R15", "R27", "R32-Violation"}
    got = {f.rule for f in seed_report.findings} | {f"{f.rule}-{f.severity}" for f in seed_report.findings}
    assert passed & got == set()


def test_counts_summary(seed_report):
    assert seed_report.counts()["Violation"] == 6  # R14 ×2, R16, R19 ×3
