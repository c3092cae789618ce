"""The 指标值 grammar: every notation seen in the seed and in variations.md §2.8/§3 parses to exact fields."""
from __future__ import annotations

import random
from decimal import Decimal

import pytest

from perfkg.model import Target
from perfkg.parse.normalise import normalise
from perfkg.parse.targets import COMPARATORS, FLAGS, parse_comparator, parse_target

Q, D, QL, P, E, U = "quantitative", "date", "qualitative", "placeholder", "empty", "unparsed"

# raw -> kind, comparator, explicit, value (str, exact digits), unit, qualifier, date, flags (exact, sorted)
CASES = [
    # --- seed 000_38770c5ad42c6795.txt, 指标值 column (5th cell), by line --------------------------
    pytest.param("≥1 次", Q, ">=", True, "1", "次", None, None, (), id="seed-l129"),
    pytest.param("4 个", Q, "=", False, "4", "个", None, None, ("implied-comparator",), id="seed-l130"),
    pytest.param("≥1 个", Q, ">=", True, "1", "个", None, None, (), id="seed-l131"),
    pytest.param("2 次", Q, "=", False, "2", "次", None, None, ("implied-comparator",), id="seed-l132"),
    pytest.param("≥120 人", Q, ">=", True, "120", "人", None, None, (), id="seed-l133"),
    pytest.param("≥95%", Q, ">=", True, "95", "%", None, None, (), id="seed-l134"),
    pytest.param("100%", Q, "=", False, "100", "%", None, None, ("implied-comparator",), id="seed-l135"),
    pytest.param("12 月", Q, "=", False, "12", "月", None, None, ("implied-comparator",), id="seed-l137"),
    pytest.param("9 月", Q, "=", False, "9", "月", None, None, ("implied-comparator",), id="seed-l138"),
    pytest.param("≥2 月", Q, ">=", True, "2", "月", None, None, (), id="seed-l139"),
    pytest.param("40 万元", Q, "=", False, "40", "万元", None, None, ("implied-comparator",), id="seed-l140-desc"),
    pytest.param("年度工作计划", U, None, False, None, None, None, None, (), id="seed-l140-basis"),
    pytest.param("≥9%", Q, ">=", True, "9", "%", None, None, (), id="seed-l141"),
    pytest.param("≥20000 人", Q, ">=", True, "20000", "人", None, None, (), id="seed-l142"),
    pytest.param("≥90%", Q, ">=", True, "90", "%", None, None, (), id="seed-l143"),
    pytest.param("10 月底", Q, "=", False, "10", "月", None, None, ("implied-comparator", "period-end"),
                 id="seed-l154"),
    pytest.param("≥3 人", Q, ">=", True, "3", "人", None, None, (), id="seed-l158"),
    pytest.param("≥90%", Q, ">=", True, "90", "%", None, None, (), id="seed-l159"),
    pytest.param("单次维修 3 日内完成", Q, "<=", True, "3", "日", "单次维修 完成", None,
                 ("free-text", "text-comparator"), id="seed-l161"),
    pytest.param("≥15 元/平 方米月", Q, ">=", True, "15", "元/平方米月", None, None, (), id="seed-l162"),
    pytest.param("无", P, None, False, None, None, None, None, (), id="seed-l163"),
    pytest.param("≥95", Q, ">=", True, "95", None, None, None, ("no-unit",), id="seed-l166"),
    pytest.param("≥90", Q, ">=", True, "90", None, None, None, ("no-unit",), id="seed-l167"),
    # --- variations.md §2.8: operators -----------------------------------------------------------
    pytest.param(">=20平方米", Q, ">=", True, "20", "平方米", None, None, ("ascii-operator",)),
    pytest.param("<=475元/亩", Q, "<=", True, "475", "元/亩", None, None, ("ascii-operator",)),
    pytest.param(">=98%", Q, ">=", True, "98", "%", None, None, ("ascii-operator",)),
    pytest.param("<=6962人", Q, "<=", True, "6962", "人", None, None, ("ascii-operator",)),
    pytest.param("<=0%", Q, "<=", True, "0", "%", None, None, ("ascii-operator",)),
    pytest.param(">92%", Q, ">", True, "92", "%", None, None, ()),
    pytest.param("=100%", Q, "=", True, "100", "%", None, None, ()),
    pytest.param("≤1000万元", Q, "<=", True, "1000", "万元", None, None, ()),
    pytest.param("≤28.40/株", Q, "<=", True, "28.40", "/株", None, None, ("incomplete-unit",)),
    pytest.param("＞5", Q, ">", True, "5", None, None, None, ("no-unit",)),
    pytest.param("≥ 95 %", Q, ">=", True, "95", "%", None, None, ()),
    pytest.param("≥95.5%", Q, ">=", True, "95.5", "%", None, None, ()),
    pytest.param("≥80M", Q, ">=", True, "80", "M", None, None, ()),
    # --- Chinese comparatives ----------------------------------------------------------------------
    pytest.param("不少于800篇", Q, ">=", True, "800", "篇", None, None, ("text-comparator",)),
    pytest.param("95%以上", Q, ">=", True, "95", "%", None, None, ("text-comparator",)),
    pytest.param("不低于98%", Q, ">=", True, "98", "%", None, None, ("text-comparator",)),
    pytest.param("不超过5%", Q, "<=", True, "5", "%", None, None, ("text-comparator",)),
    pytest.param("提升10%", Q, None, False, "10", "%", "提升", None, ("relative-change",)),
    pytest.param("提高到95%", Q, ">=", True, "95", "%", None, None, ("text-comparator",)),
    pytest.param("约5%", Q, None, False, "5", "%", "约", None, ("approximate",)),
    pytest.param("100人左右", Q, None, False, "100", "人", "左右", None, ("approximate",)),
    pytest.param("节约10%", Q, None, False, "10", "%", "节约", None, ("relative-change",)),
    # --- dates and time values ---------------------------------------------------------------------
    pytest.param("2023年10月底前", D, "<=", True, None, None, None, "2023-10", ("period-end", "text-comparator")),
    pytest.param("2025年年底前", D, "<=", True, None, None, None, "2025-12", ("period-end", "text-comparator")),
    pytest.param("2021年12月31日前完成", D, "<=", True, None, None, "完成", "2021-12-31",
                 ("free-text", "text-comparator")),
    pytest.param("确定于于2022年12月底前发放完毕", D, "<=", True, None, None, "确定于于 发放完毕", "2022-12",
                 ("free-text", "period-end", "text-comparator")),
    pytest.param("2020年", D, "=", False, None, None, None, "2020", ("implied-comparator",)),
    pytest.param("2021年全年", D, "=", False, None, None, None, "2021", ("implied-comparator",)),
    pytest.param("2023-10-31", D, "=", False, None, None, None, "2023-10-31", ("implied-comparator",)),
    pytest.param("2023.07-2024.01", D, None, False, None, None, None, "2023-07/2024-01", ("range",)),
    pytest.param("2021年1月-12月", D, None, False, None, None, None, "2021-01/2021-12", ("range",)),
    pytest.param("12月底到位", Q, "=", False, "12", "月", "到位", None,
                 ("free-text", "implied-comparator", "period-end")),
    pytest.param("1个月", Q, "=", False, "1", "个月", None, None, ("implied-comparator",)),
    pytest.param("2021年2月30日", U, None, False, None, None, None, None, ("multiple-numbers",), id="bad-day"),
    # --- number formats ----------------------------------------------------------------------------
    pytest.param("≥12,000 人", Q, ">=", True, "12000", "人", None, None, ("thousands-separator",)),
    pytest.param("24,268.22", Q, "=", False, "24268.22", None, None, None,
                 ("implied-comparator", "no-unit", "thousands-separator")),
    pytest.param("44,561", Q, "=", False, "44561", None, None, None,
                 ("implied-comparator", "no-unit", "thousands-separator"), id="excel-serial-kept-as-number"),
    pytest.param("40.00", Q, "=", False, "40.00", None, None, None, ("implied-comparator", "no-unit")),
    pytest.param("2023.07", Q, "=", False, "2023.07", None, None, None, ("implied-comparator", "no-unit")),
    pytest.param("-5%", Q, "=", False, "-5", "%", None, None, ("implied-comparator", "negative")),
    pytest.param("1", Q, "=", False, "1", None, None, None, ("implied-comparator", "no-unit")),
    pytest.param("2100", Q, "=", False, "2100", None, None, None, ("implied-comparator", "no-unit")),
    # --- units ---------------------------------------------------------------------------------------
    pytest.param("250万", Q, "=", False, "250", "万", None, None, ("implied-comparator", "wan-without-yuan")),
    pytest.param("854万", Q, "=", False, "854", "万", None, None, ("implied-comparator", "wan-without-yuan")),
    pytest.param("300㎡", Q, "=", False, "300", "㎡", None, None, ("implied-comparator",)),
    pytest.param("780元/生/年", Q, "=", False, "780", "元/生/年", None, None, ("implied-comparator",)),
    pytest.param("1600元/亩", Q, "=", False, "1600", "元/亩", None, None, ("implied-comparator",)),
    pytest.param("0起", Q, "=", False, "0", "起", None, None, ("implied-comparator",)),
    pytest.param("1种", Q, "=", False, "1", "种", None, None, ("implied-comparator",)),
    pytest.param("10辆", Q, "=", False, "10", "辆", None, None, ("implied-comparator",)),
    pytest.param("≥100m2", Q, ">=", True, "100", "m2", None, None, ()),
    pytest.param("5幅", Q, "=", False, "5", "幅", None, None, ("implied-comparator", "unknown-unit")),
    pytest.param("≥100百分比", Q, ">=", True, "100", "%", None, None, ("percent-over-100",)),
    pytest.param("≥100%", Q, ">=", True, "100", "%", None, None, ("percent-over-100",)),
    pytest.param("292%", Q, "=", False, "292", "%", None, None,
                 ("implied-comparator", "percent-over-100", "possible-ocr-operator")),
    pytest.param("严格按照预算标准1000元/人给补助对象兑付补助", Q, "=", False, "1000", "元/人",
                 "严格按照预算标准 给补助对象兑付补助", None, ("free-text", "implied-comparator")),
    # --- template placeholders -----------------------------------------------------------------------
    pytest.param("(≥**%) ≥95%", Q, ">=", True, "95", "%", None, None, ("template-placeholder",)),
    pytest.param("(≤**元/株)≤28.40/株", Q, "<=", True, "28.40", "/株", None, None,
                 ("incomplete-unit", "template-placeholder")),
    pytest.param("受益建档立卡贫困人口数≥**人 >=29人", Q, ">=", True, "29", "人", "受益建档立卡贫困人口数", None,
                 ("ascii-operator", "free-text", "template-placeholder")),
    pytest.param("≥**人", P, None, False, None, None, None, None, ("template-placeholder",)),
    # --- not one value -------------------------------------------------------------------------------
    pytest.param("1020万元20万元10", U, None, False, None, None, None, None, ("multiple-numbers",)),
    pytest.param("1-2个", U, None, False, None, None, None, None, ("range",)),
    pytest.param("严格执行相关制度规定", U, None, False, None, None, None, None, ()),
    pytest.param("提高普及率", U, None, False, None, None, None, None, ()),
    pytest.param("不超预算", U, None, False, None, None, None, None, ()),
    # --- numeric oddities (issue 9 item 7): only plain finite decimals are values --------------------------
    pytest.param("1e3", U, None, False, None, None, None, None, ("exponent-notation",), id="exponent"),
    pytest.param("≥2E+3 次", U, None, False, None, None, None, None, ("multiple-numbers",), id="exponent-signed"),
    pytest.param("≥1.5e2%", U, None, False, None, None, None, None, ("exponent-notation",), id="exponent-decimal"),
    *[pytest.param(odd, U, None, False, None, None, None, None, (), id=f"non-finite-{odd}")
      for odd in ("NaN", "Infinity", "-Infinity", "sNaN", "∞")],
    # --- qualitative ---------------------------------------------------------------------------------
    pytest.param("优良", QL, None, False, None, None, "优良", None, ()),
    pytest.param("显著提升", QL, None, False, None, None, "显著提升", None, ()),
    pytest.param("有效", QL, None, False, None, None, "有效", None, ()),
    pytest.param("是", QL, None, False, None, None, "是", None, ()),
    pytest.param("按计划实施", QL, None, False, None, None, "按计划实施", None, ()),
    pytest.param("稳步提高", QL, None, False, None, None, "稳步提高", None, ()),
    pytest.param("明显改善", QL, None, False, None, None, "明显改善", None, ()),
    pytest.param("持续改善", QL, None, False, None, None, "持续改善", None, ()),
    pytest.param("达成预期指标", QL, None, False, None, None, "达成预期指标", None, ()),
    pytest.param("优", QL, None, False, None, None, "优", None, ()),
    pytest.param("差", QL, None, False, None, None, "差", None, ()),
    pytest.param("显著 提升", QL, None, False, None, None, "显著提升", None, (), id="qualitative-pdf-space"),
    # --- placeholders and empty ----------------------------------------------------------------------
    *[pytest.param(p, P, None, False, None, None, None, None, ()) for p in
      ("N/A", "n/a", "不适用", "/", "—", "-", "空", "暂无", "——", "／", "本项目不适用此指标")],
    pytest.param("", E, None, False, None, None, None, None, (), id="empty-string"),
    pytest.param("   ", E, None, False, None, None, None, None, (), id="blank"),
    pytest.param("\u3000\t", E, None, False, None, None, None, None, (), id="ideographic-space"),
    pytest.param("\v\f\u2009", E, None, False, None, None, None, None, (), id="vt-ff-thin-space"),
    pytest.param("≥95%\v", Q, ">=", True, "95", "%", None, None, (), id="trailing-vt"),
    pytest.param("≥\u202f95\u2009%", Q, ">=", True, "95", "%", None, None, (), id="narrow-spaces"),
]


@pytest.mark.parametrize("raw, kind, comparator, explicit, value, unit, qualifier, date, flags", CASES)
def test_target_table(raw, kind, comparator, explicit, value, unit, qualifier, date, flags):
    t = parse_target(raw)
    assert isinstance(t, Target)
    assert t.raw == raw
    assert t.text == normalise(raw)
    got = (t.kind, t.comparator, t.comparator_explicit, None if t.value is None else str(t.value),
           t.unit, t.qualifier, t.date, t.flags)
    assert got == (kind, comparator, explicit, value, unit, qualifier, date, flags)


def test_value_is_exact_decimal():
    assert parse_target("40.00 万元").value.as_tuple() == Decimal("40.00").as_tuple()
    assert parse_target("≥12,000 人").value == Decimal(12000)
    assert isinstance(parse_target("≥95.5%").value, Decimal)


def test_none_is_empty_and_raw_kept_verbatim():
    t = parse_target(None)
    assert (t.raw, t.text, t.kind, t.flags) == ("", "", "empty", ())
    raw = "  ≥15 元/平 方米月\t"
    t = parse_target(raw)
    assert t.raw == raw and t.text == "≥15 元/平方米月"


@pytest.mark.parametrize("symbol, expected", [
    ("≥", ">="), ("≤", "<="), ("＞", ">"), ("＜", "<"), ("＝", "="), (">", ">"), ("<", "<"), ("=", "="),
    (">=", ">="), ("<=", "<="), ("⩾", ">="), ("⩽", "<="), ("=>", ">="), (" ≥ ", ">="),
    ("不少于", ">="), ("以内", "<="), ("定性", None), ("定量", None), ("", None), ("?", None),
])
def test_parse_comparator(symbol, expected):
    assert parse_comparator(symbol) == expected


def test_comparators_constant():
    assert COMPARATORS == (">=", "<=", ">", "<", "=")


def test_comparator_column_joined_by_caller():
    # projects.py prefixes a separate 计算符号 cell and appends a 计量单位 cell: "= | 8" + "个"
    t = parse_target("=8 个")
    assert (t.comparator, t.comparator_explicit, t.value, t.unit) == ("=", True, Decimal(8), "个")


def test_fuzz_never_raises():
    rng = random.Random(20240607)
    alphabet = list("0123456789０１２.,，-—/%％ ") + list("≥≤><=＞＜＝⩾*()（）") + list("年月日底前内以上下不少于超过万元个人次无优良提升约")
    alphabet += [chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(40)]
    for _ in range(2000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 25)))
        t = parse_target(s)
        assert t.raw == s
        assert t.text == normalise(s)
        assert t.kind in {"quantitative", "date", "qualitative", "placeholder", "empty", "unparsed"}
        assert t.value is None or isinstance(t.value, Decimal)
        assert t.comparator in (*COMPARATORS, None)
        assert "internal-error" not in t.flags, s
        assert set(t.flags) <= set(FLAGS), s
        assert list(t.flags) == sorted(t.flags)
        assert (t.value is not None) == (t.kind == "quantitative"), s
        assert t.unit is None or " " not in t.unit


# --- table cases of other provinces (issue 11; e02 桃源县, e07 鄂州市 excerpts and the layout samples) -------------
@pytest.mark.parametrize("raw, comparator, value, unit, change, flags", [
    ("15家以上", ">=", "15", "家", None, ("text-comparator",)),  # e02 l.13
    ("2个亿以上", ">=", "2", "亿元", None, ("text-comparator",)),  # e02 l.16: 2 亿元
    ("20项以上", ">=", "20", "项", None, ("text-comparator",)),  # e02 l.15
    ("提升10%", None, "10", "%", "increase", ("relative-change",)),  # e07 l.26: a change, not a level
    ("降低5%", None, "5", "%", "decrease", ("relative-change",)),
    ("提高到95%", ">=", "95", "%", None, ("text-comparator",)),  # a level to reach, not a change
])
def test_table_values_of_other_provinces(raw, comparator, value, unit, change, flags):
    t = parse_target(raw)
    assert (t.kind, t.comparator, str(t.value), t.unit, t.change, t.flags) == (
        "quantitative", comparator, value, unit, change, flags)


@pytest.mark.parametrize("nature, value, unit, raw, kind, comparator, number, unit_out, flags", [
    ("≥", "95", "%", "95", "quantitative", ">=", "95", "%", ()),  # 指标性质 | 指标值 | 计量单位
    ("=", "6", "万元", "6", "quantitative", "=", "6", "万元", ()),
    ("≤", "3500", "元", "3500", "quantitative", "<=", "3500", "元", ()),
    ("", "≥95%", "%", "≥95%", "quantitative", ">=", "95", "%", ()),  # the unit already in the value: not twice
    ("定性", "优良中低差", "", "优良中低差", "qualitative", None, None, None, ()),  # a grade list, qualitative
    ("定性", "明显提升", "%", "明显提升", "qualitative", None, None, None, ()),
    ("正向", "90", "%", "90", "quantitative", ">=", "90", "%", ("direction-from-nature",)),
    ("反向", "5", "%", "5", "quantitative", "<=", "5", "%", ("direction-from-nature",)),
    ("≤", "2024年10月底前", "", "2024年10月底前", "date", "<=", None, None, ("period-end",)),
])
def test_separate_nature_value_unit_cells(nature, value, unit, raw, kind, comparator, number, unit_out, flags):
    from perfkg.parse.targets import parse_target_cells

    t = parse_target_cells(nature, value, unit)
    assert (t.raw, t.kind, t.comparator, None if t.value is None else str(t.value), t.unit, t.flags) == (
        raw, kind, comparator, number, unit_out, flags)
