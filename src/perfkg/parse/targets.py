"""Owns the 指标值 grammar: a target-value cell -> `Target` (comparator, value, unit, qualifier, date, flags)."""
from __future__ import annotations

import dataclasses
import re
from datetime import date as _date
from decimal import Decimal

from perfkg.model import Target
from perfkg.parse.normalise import normalise, squash

__all__ = ["COMPARATORS", "FLAGS", "PLACEHOLDERS", "QUALITATIVE_WORDS", "parse_comparator", "parse_target",
           "parse_target_cells"]

COMPARATORS = (">=", "<=", ">", "<", "=")

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

# Operator symbols as written -> comparator. Full-width ＞＜＝ are folded to ASCII before lookup.
SYMBOL_COMPARATORS = {
    ">=": ">=", "=>": ">=", "≥": ">=", "⩾": ">=", "≧": ">=",
    "<=": "<=", "=<": "<=", "≤": "<=", "⩽": "<=", "≦": "<=",
    ">": ">", "<": "<", "=": "=",
}
# Two-character ASCII spellings: flagged "ascii-operator" (the source system prints ≥/≤).
ASCII_OPERATORS = (">=", "=>", "<=", "=<")

# Comparative words written BEFORE the number ("不少于800篇"). Longest match wins, so "不少于" beats "少于".
TEXT_PREFIX_COMPARATORS = (
    ("不少于", ">="), ("不低于", ">="), ("不小于", ">="), ("大于或等于", ">="), ("大于等于", ">="),
    ("至少", ">="),
    ("达到", ">="),  # "达到95%": reach (at least) 95 % — the usual reading in target tables
    ("不超过", "<="), ("不超出", "<="), ("不高于", "<="), ("不大于", "<="), ("不多于", "<="),
    ("小于或等于", "<="), ("小于等于", "<="), ("最多", "<="), ("控制在", "<="),
    # a trend verb with 到/至 names the level to reach, so it is a bound, not a delta ("提高到95%")
    ("提高到", ">="), ("提高至", ">="), ("提升到", ">="), ("提升至", ">="),
    ("增加到", ">="), ("增加至", ">="), ("增长到", ">="), ("增长至", ">="),
    ("降低到", "<="), ("降低至", "<="), ("下降到", "<="), ("下降至", "<="),
    ("减少到", "<="), ("减少至", "<="), ("缩短到", "<="), ("缩短至", "<="),
    ("超过", ">"), ("大于", ">"), ("高于", ">"), ("多于", ">"),
    ("小于", "<"), ("低于", "<"), ("少于", "<"),
    ("等于", "="),
)
# Comparative words written AFTER the number/unit ("95%以上", "3 日内完成", "2023年10月底前").
# Chinese 以上/以下/以内 include the bound; 前 on a date means "by" (a deadline, <=).
TEXT_SUFFIX_COMPARATORS = (
    ("及以上", ">="), ("或以上", ">="), ("以上", ">="),
    ("及以下", "<="), ("或以下", "<="), ("以下", "<="),
    ("以内", "<="), ("之内", "<="), ("内", "<="),
    ("之前", "<="), ("以前", "<="), ("前", "<="),
)
# Words of relative change: the number is a delta, not a level, so no comparator is read ("提升10%").
TREND_WORDS = (
    "提升", "提高", "增长", "增加", "上升", "降低", "下降", "减少", "缩短", "压缩", "节约", "节省",
)
# The direction of a relative change (Target.change): "提升10%" is an increase by 10 %, "降低5%" a decrease.
INCREASE_WORDS = ("提升", "提高", "增长", "增加", "上升")
# Words of approximation, before or after the number: no comparator is read ("约5%", "100人左右").
APPROXIMATION_PREFIXES = ("大约", "约")
APPROXIMATION_SUFFIXES = ("左右",)

# A cell meaning "nothing here" (compared without spaces, Latin case-insensitively). Runs of dashes,
# slashes and dots ("—", "--", "/") are placeholders too (see _DASHES).
PLACEHOLDERS = (
    "无", "暂无", "空", "无此项", "不适用", "本项目不适用", "本项目不适用此指标", "此项不适用",
    "n/a", "na", "none", "null",
)
# A value with no digit is "qualitative" only when it is one of these stand-alone grade, trend or
# status phrases (variations.md §2.8). Anything else without a digit is "unparsed" so a reviewer sees
# it: basis text in the wrong cell ("年度工作计划"), sentences ("严格执行相关制度规定"), objects
# ("提高普及率"). The list is deliberately closed; extend it when a new phrase is confirmed.
QUALITATIVE_WORDS = (
    # grades ("优良中低差" is the allowed-grade list in one document)
    "优", "良", "中", "低", "差", "优秀", "优良", "良好", "较好", "好", "一般", "合格", "达标",
    "高", "较高",
    # trends
    "显著提升", "显著提高", "显著改善", "明显提升", "明显提高", "明显改善", "有所提升", "有所提高",
    "有所改善", "稳步提高", "稳步提升", "持续改善", "持续提升", "持续提高", "巩固提高", "逐步提高",
    "逐步改善", "提高", "提升", "改善", "增强",
    # status / yes-no
    "是", "否", "有", "有效", "长期", "持续保障", "应保尽保", "按计划实施", "按计划完成", "按时完成",
    "按期完成", "达成预期指标", "达到预期", "达到预期目标", "效果明显", "效果显著", "效果良好",
    "经济效益良好", "影响可持续", "可持续", "按月安排", "实时更新", "及时", "满意", "符合要求",
)

# Units recognised after a number. Compounds are listed whole (no free concatenation, so "3 日内" stops
# at 日 and "40万元年度" stops at 万元). Matching is longest first.
_BASE_UNITS = (
    "%", "‰", "百分比", "百分点",
    "元", "万元", "亿元", "千元", "万", "亿",
    "个", "次", "人", "人次", "户", "家", "所", "项", "件", "台", "套", "册", "本", "篇", "场",
    "期", "批", "处", "条", "只", "头", "份", "名", "位", "张", "部", "间", "栋", "座", "辆",
    "艘", "架", "种", "类", "起", "例", "床", "班", "支", "棵", "株", "亩", "公顷", "根", "盏",
    "块", "组", "队", "村", "镇",
    "课时", "学时", "节", "轮", "届", "季", "字",
    "个亿", "个亿元",  # "2个亿以上" (e02): 2 亿元
    "年", "月", "个月", "日", "天", "周", "小时", "分钟", "秒", "工作日", "个工作日", "个小时", "个季度",
    "米", "厘米", "毫米", "公里", "千米", "平方米", "平方公里", "平方", "立方米",
    "㎡", "㎞", "m²", "m³",
    "平方米月", "平方米·月", "吨", "公斤", "千克", "克", "斤", "度", "千瓦", "千瓦时",
)
# 万/亿/千 + a count unit: "万人", "亿元", "万亩".
_WAN_UNITS = tuple(
    prefix + unit
    for prefix in ("万", "亿", "千")
    for unit in ("元", "人", "人次", "亩", "株", "户", "吨", "册", "平方米", "公里", "千米", "台", "个", "次",
                 "件", "字")
)
UNITS = tuple(sorted(set(_BASE_UNITS + _WAN_UNITS), key=lambda u: (-len(u), u)))
# Unit spellings folded to one form (after spaces are removed).
UNIT_SYNONYMS = {"百分比": "%", "个亿": "亿元", "个亿元": "亿元"}

# Every flag this module can emit (sorted into Target.flags).
FLAGS = (
    "approximate",            # 约/左右: no comparator read
    "ascii-operator",         # ">=" / "<=" written with two ASCII characters
    "conflicting-comparator", # a symbol and a word disagree ("≥5%以下"); the symbol is kept
    "exponent-notation",      # "1e5", "1e999": not a plain decimal, left unparsed (kind "unparsed")
    "free-text",              # the number sits in a sentence: leftover words in `qualifier`
    "implied-comparator",     # nothing written; read as "="
    "incomplete-unit",        # a per-unit with no numerator ("≤28.40/株")
    "multiple-numbers",       # more than one number: not one target value (kind "unparsed")
    "negative",               # a leading minus sign was read ("-5%")
    "no-unit",                # a quantitative value without a unit ("≥95")
    "percent-over-100",       # a percentage that admits values above 100 ("≥100%", "120%")
    "period-end",             # 底/末 after a month or year ("12月底", "2025年年底前")
    "possible-ocr-operator",  # "292%": the leading 2 may be a misread ≥ (value left as printed)
    "range",                  # "2023.07-2024.01", "1-2个": a span, not one value
    "relative-change",        # 提升/降低…: the number is a delta ("提升10%")
    "template-placeholder",   # "(≥**%)" template text left in the cell (removed before parsing)
    "text-comparator",        # the comparator came from a word (不少于, 以上, 以内, 前…)
    "thousands-separator",    # "12,000": commas removed from the value
    "unknown-unit",           # a one-character measure word not in UNITS, taken as the unit
    "wan-without-yuan",       # unit 万 alone ("250万"), probably 万元
    "internal-error",         # a bug in this module; never expected (the fuzz test asserts it)
    # Reserved, never set here: "44,561" is an Excel serial date only in a time context, which this
    # module cannot see; a caller that knows the indicator is 时效 may add it.
    "excel-serial-date",
    "direction-from-nature",  # the comparator came from a 指标性质 cell 正向/反向 (parse_target_cells)
)

# --------------------------------------------------------------------------------------------
# Patterns (applied to the normalised text after full-width ASCII is folded)
# --------------------------------------------------------------------------------------------

# Full-width ASCII (Ｕ+FF01–FF5E: "＞５％") -> ASCII; U+2212 minus -> "-".
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x2212: ord("-")}

_OPS = "|".join(re.escape(op) for op in sorted(SYMBOL_COMPARATORS, key=len, reverse=True))
_UNIT_WORD = "|".join(re.escape(u) for u in UNITS)
_CJK = r"\u4e00-\u9fff"

# A unit: known units joined by "/" or "·", a Latin word ("M", "km"), or a bare "/株" denominator.
# After "/" any single CJK character is a denominator ("元/生/年"). Examples: "%", "元/平方米月", "/株".
_UNIT = re.compile(
    rf"(?P<unit>(?:/\s*)?(?:{_UNIT_WORD}|[A-Za-z]+[²³23]?)"
    rf"(?:\s*[/·]\s*(?:{_UNIT_WORD}|[A-Za-z]+[²³23]?|[{_CJK}]))*)"
)
# A single CJK measure word not in UNITS ("5幅"), unless it is a comparator or connecting word.
_UNKNOWN_UNIT = re.compile(rf"(?P<unit>[{_CJK}])")
_NOT_UNIT_CHARS = set("内以前后之及或至到底末左约多余的和与、为是在于")

# Template text left in a published cell: "(≥**%)", "( ≥**个 )", "(≤**元/株)", or bare "≥**人".
_TEMPLATE = re.compile(
    rf"\([^()]*\*{{2,}}[^()]*\)"
    rf"|(?:{_OPS})?\s*\*{{2,}}(?:\s*(?:{_UNIT_WORD}))?"
)

# A cell made only of dashes, slashes, dots: "—", "--", "/", "……".
_DASHES = re.compile(r"[-—–_/\\.…·~]+")

# A number: "4", "28.40", "12,000", "24,268.22", "-5". Not glued to a letter ("m2") or another number.
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])(?P<sign>-)?(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?)"
)
# Exponent notation right after a number ("1e999", "2E+3"): only plain decimals are target values.
_EXPONENT = re.compile(r"[eE][+-]?\d")
# Two numbers joined by a range mark: "1-2个", "80~90%", "3至5天".
_NUMBER_RANGE = re.compile(r"\d(?:[\d.,]*)\s*(?:-|~|—|–|至|到)\s*\d")

_RANGE_MARK = r"(?:-|~|—|–|至|到)"
# A month range: "2023.07-2024.01", "2021年1月-12月", "2021.1-2021.12".
_DATE_RANGE = re.compile(
    rf"(?P<y1>(?:19|20)\d{{2}})\s*[.\-/年]\s*(?P<m1>\d{{1,2}})\s*月?(?!\d)\s*{_RANGE_MARK}\s*"
    rf"(?:(?P<y2>(?:19|20)\d{{2}})\s*[.\-/年]\s*)?(?P<m2>\d{{1,2}})(?!\d)\s*月?"
)
# One date: "2020年", "2021年全年", "2025年年底", "2023年10月底", "2021年12月31日", "2023-10-31", "2023/10".
_DATE = re.compile(
    rf"(?<!\d)(?P<year>(?:19|20)\d{{2}})\s*"
    rf"(?:年\s*(?:全年|(?P<yearend>年底|年末|底|末)"
    rf"|(?P<month>\d{{1,2}})\s*月\s*(?:(?P<day>\d{{1,2}})\s*[日号])?\s*(?P<monthend>底|末)?)?"
    rf"|[-/](?P<month2>\d{{1,2}})(?!\d)(?:[-/](?P<day2>\d{{1,2}})(?!\d))?)"
)

# An operator at the end of the text before the number: "≥", ">= ", "不少于≥".
_OP_AT_END = re.compile(rf"(?P<op>{_OPS})\s*$")
# 底/末 right after a month unit: "12月底到位", "10 月底前".
_PERIOD_END = re.compile(r"\s*(?:底|末)")
# Edges of a qualifier fragment: spaces and punctuation are trimmed ("，完成。" -> "完成").
_EDGE_PUNCT = " \t,，。.;；:：、()（）[]【】"

_PLACEHOLDER_KEYS = frozenset(p.lower() for p in PLACEHOLDERS)
_QUALITATIVE_KEYS = frozenset(QUALITATIVE_WORDS)
_PREFIX_WORDS = tuple(sorted(TEXT_PREFIX_COMPARATORS, key=lambda kv: -len(kv[0])))
_SUFFIX_WORDS = tuple(sorted(TEXT_SUFFIX_COMPARATORS, key=lambda kv: -len(kv[0])))
_WORD_COMPARATORS = dict(TEXT_PREFIX_COMPARATORS) | dict(TEXT_SUFFIX_COMPARATORS)
# Words that do not make a qualifier "free text" on their own ("提升10%", "约5%").
_FREE_TEXT_IGNORED = re.compile(
    "|".join(map(re.escape, TREND_WORDS + APPROXIMATION_PREFIXES + APPROXIMATION_SUFFIXES)))


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------

def parse_comparator(symbol: str) -> str | None:
    """A comparator cell or symbol -> one of COMPARATORS; "定性", "" or anything unknown -> None.

    Accepts ≥ ≤ ＞ ＜ ＝ > < = >= <= => =< ⩾ ⩽ and the comparative words (不少于, 以上, …).
    """
    if not isinstance(symbol, str):
        return None
    key = squash(symbol.translate(_FULLWIDTH))
    return SYMBOL_COMPARATORS.get(key) or _WORD_COMPARATORS.get(key)


def parse_target(raw: str | None) -> Target:
    """Parse one 指标值 cell. Never raises; `raw` is kept verbatim (None -> "")."""
    raw = "" if raw is None else raw if isinstance(raw, str) else str(raw)
    text = normalise(raw)
    try:
        return _parse(raw, text)
    except Exception:  # a bug here must not lose a document; the fuzz test asserts this never happens
        return Target(raw=raw, text=text, kind="unparsed", flags=("internal-error",))


# 指标性质 cell -> comparator when the table prints it apart from the value: symbols and words as above, and the
# direction words of the finance system (正向 = larger is better, 反向 = smaller is better; variations.md §2.6 item 6).
NATURE_COMPARATORS = {"正向": ">=", "反向": "<="}
QUALITATIVE_NATURES = ("定性",)


def parse_target_cells(nature: str | None, value: str | None, unit: str | None) -> Target:
    """A target printed as separate 指标性质 + 指标值 + 计量单位 cells ("≥ | 95 | %", "定性 | 优良中低差 | ").

    The cells are read as one target; `raw` keeps the value cell exactly as printed. A 指标性质 of 定性 makes the
    value qualitative whatever it says (a grade list such as 优良中低差); 正向/反向 give ≥/≤ only when neither the
    value nor a symbol names a comparator (flag "direction-from-nature"); a unit cell already inside the value is
    not appended twice.
    """
    nature_key = squash(nature or "").translate(_FULLWIDTH)
    value = "" if value is None else value
    unit_key = squash(unit or "")
    if nature_key in QUALITATIVE_NATURES:
        text = normalise(value)
        kind = "qualitative" if squash(text) else "empty"
        return Target(raw=value, text=text, kind=kind, qualifier=text or None)
    joined = value
    symbol = parse_comparator(nature_key) if nature_key not in NATURE_COMPARATORS else None
    if symbol is not None:
        joined = nature_key + joined
    if unit_key and unit_key not in squash(value):
        joined = f"{joined} {unit_key}"
    target = parse_target(joined)
    if nature_key in NATURE_COMPARATORS and target.kind == "quantitative" and not target.comparator_explicit:
        flags = set(target.flags) - {"implied-comparator"} | {"direction-from-nature"}
        target = dataclasses.replace(target, comparator=NATURE_COMPARATORS[nature_key], comparator_explicit=True,
                                     flags=_sorted(flags))
    return dataclasses.replace(target, raw=value)


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------

def _parse(raw: str, text: str) -> Target:
    work = text.translate(_FULLWIDTH)
    flags: set[str] = set()

    if not squash(work):
        return Target(raw=raw, text=text, kind="empty")

    stripped = _TEMPLATE.sub(" ", work)
    if stripped != work:
        flags.add("template-placeholder")
        work = normalise(stripped)

    key = squash(work)
    if not key or key.lower() in _PLACEHOLDER_KEYS or _DASHES.fullmatch(key):
        return Target(raw=raw, text=text, kind="placeholder", flags=_sorted(flags))

    if not re.search(r"\d", work):
        if key.rstrip("。.!！") in _QUALITATIVE_KEYS:
            return Target(raw=raw, text=text, kind="qualitative", qualifier=normalise(work), flags=_sorted(flags))
        return Target(raw=raw, text=text, kind="unparsed", flags=_sorted(flags))

    for reader in (_read_date_range, _read_date, _read_number):
        target = reader(raw, text, work, flags)
        if target is not None:
            return target
    raise AssertionError("unreachable: _read_number always answers")


def _read_date_range(raw: str, text: str, work: str, flags: set[str]) -> Target | None:
    """"2023.07-2024.01" -> date "2023-07/2024-01" (an ISO 8601 interval), comparator None."""
    m = _DATE_RANGE.search(work)
    if not m:
        return None
    y1, m1, m2 = int(m["y1"]), int(m["m1"]), int(m["m2"])
    y2 = int(m["y2"]) if m["y2"] else y1
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12) or (y2, m2) < (y1, m1):
        return None
    ctx = _Context(work[: m.start()], work[m.end():], flags)
    ctx.read_around(unit_allowed=False)
    if ctx.leftover_digits():
        return _unparsed(raw, text, flags | {"multiple-numbers"})
    return ctx.target(raw, text, kind="date", date=f"{y1:04d}-{m1:02d}/{y2:04d}-{m2:02d}",
                      extra_flags={"range"}, imply=False)


def _read_date(raw: str, text: str, work: str, flags: set[str]) -> Target | None:
    """"2023年10月底前" -> date "2023-10", "<="; "2021年12月31日前完成" -> "2021-12-31", "<=", qualifier "完成"."""
    m = _DATE.search(work)
    if not m:
        return None
    year = int(m["year"])
    month = m["month"] or m["month2"]
    day = m["day"] or m["day2"]
    local = set()
    if m["yearend"]:
        month = "12"
        local.add("period-end")
    if m["monthend"]:
        local.add("period-end")
    if month is None:
        iso = f"{year:04d}"
    else:
        if not 1 <= int(month) <= 12:
            return None
        iso = f"{year:04d}-{int(month):02d}"
        if day is not None:
            try:
                _date(year, int(month), int(day))
            except ValueError:
                return None
            iso += f"-{int(day):02d}"
    ctx = _Context(work[: m.start()], work[m.end():], flags)
    ctx.read_around(unit_allowed=False)
    if ctx.leftover_digits():
        return _unparsed(raw, text, flags | {"multiple-numbers"})
    return ctx.target(raw, text, kind="date", date=iso, extra_flags=local, imply=True)


def _read_number(raw: str, text: str, work: str, flags: set[str]) -> Target:
    """"≥15 元/平方米月" -> ">=", 15, "元/平方米月"; "单次维修 3 日内完成" -> "<=", 3, "日", qualifier."""
    if _NUMBER_RANGE.search(work):
        return _unparsed(raw, text, flags | {"range"})
    numbers = list(_NUMBER.finditer(work))
    if len(numbers) != 1:
        return _unparsed(raw, text, flags | {"multiple-numbers"})
    m = numbers[0]
    before, after, sign = work[: m.start()], work[m.end():], m["sign"]
    if _EXPONENT.match(after):  # "1e5", "1E+999": not a printed decimal; never read as 1 with unit "e5"
        return _unparsed(raw, text, flags | {"exponent-notation"})
    if sign and before.strip() and not _OP_AT_END.search(before):
        before, sign = before + sign, None  # "A-5": the dash belongs to the text, not the number
    ctx = _Context(before, after, flags)
    ctx.read_around(unit_allowed=True)
    if ctx.leftover_digits():  # after the unit is read, so "100m2" is one number
        return _unparsed(raw, text, flags | {"multiple-numbers"})
    digits = m["digits"]
    value = Decimal(digits.replace(",", ""))
    local = set()
    if "," in digits:
        local.add("thousands-separator")
    if sign:
        value = -value
        local.add("negative")
    unit = ctx.unit
    if unit is None:
        local.add("no-unit")
    elif unit == "万":
        local.add("wan-without-yuan")
    elif unit.startswith("/"):
        local.add("incomplete-unit")
    target = ctx.target(raw, text, kind="quantitative", value=value, extra_flags=local, imply=True)
    more = set()
    if unit == "%":
        if value > 100 or (value == 100 and target.comparator in (">=", ">")):
            more.add("percent-over-100")
        tail = digits[1:]
        if (not target.comparator_explicit and digits.startswith("2") and value > 100
                and tail and "," not in digits and Decimal(tail) <= 100):
            more.add("possible-ocr-operator")
    if more:
        target = dataclasses.replace(target, flags=_sorted(set(target.flags) | more))
    return target


class _Context:
    """The text around one anchor (a number or a date): reads comparator, unit and qualifier from it."""

    def __init__(self, before: str, after: str, flags: set[str]):
        self.before, self.after = before, after
        self.flags = set(flags)
        self.comparator: str | None = None
        self.explicit = False
        self.unit: str | None = None

    def leftover_digits(self) -> bool:
        return bool(re.search(r"\d", self.before + self.after))

    def _set(self, comparator: str, flag: str | None) -> None:
        if self.comparator is None:
            self.comparator, self.explicit = comparator, True
            if flag:
                self.flags.add(flag)
        elif self.comparator != comparator:
            self.flags.add("conflicting-comparator")

    def read_around(self, *, unit_allowed: bool) -> None:
        # before: "... 不少于 ≥" <number>
        before = self.before.rstrip()
        m = _OP_AT_END.search(before)
        if m:
            self._set(SYMBOL_COMPARATORS[m["op"]], "ascii-operator" if m["op"] in ASCII_OPERATORS else None)
            before = before[: m.start()].rstrip()
        for word, comparator in _PREFIX_WORDS:
            if before.endswith(word):
                self._set(comparator, "text-comparator")
                before = before[: -len(word)].rstrip()
                break
        # after: <number> unit 底 以上/以内/前 ...
        after = self.after.lstrip()
        if unit_allowed:
            m = _UNIT.match(after) or _unknown_unit(after)
            if m:
                written = squash(m["unit"])
                self.unit = UNIT_SYNONYMS.get(written, written)
                if m.re is _UNKNOWN_UNIT:
                    self.flags.add("unknown-unit")
                after = after[m.end():]
                if self.unit == "月" and (p := _PERIOD_END.match(after)):
                    self.flags.add("period-end")
                    after = after[p.end():]
        after = after.lstrip()
        approximate = before.endswith(APPROXIMATION_PREFIXES) and not before.endswith(TREND_WORDS)  # not 节约
        if approximate or after.startswith(APPROXIMATION_SUFFIXES):
            self.flags.add("approximate")
        for word, comparator in _SUFFIX_WORDS:
            if after.startswith(word):
                self._set(comparator, "text-comparator")
                after = after[len(word):]
                break
        self.before, self.after = before, after

    def target(self, raw: str, text: str, *, kind: str, value: Decimal | None = None, date: str | None = None,
               extra_flags: set[str], imply: bool) -> Target:
        flags = self.flags | extra_flags
        parts = [p.strip(_EDGE_PUNCT) for p in (self.before, self.after)]
        qualifier = " ".join(p for p in parts if p) or None
        if qualifier:
            if any(w in qualifier for w in TREND_WORDS):
                flags.add("relative-change")
            if _FREE_TEXT_IGNORED.sub("", squash(qualifier)).strip(_EDGE_PUNCT):
                flags.add("free-text")
        comparator, explicit = self.comparator, self.explicit
        if comparator is None and imply and not flags & {"relative-change", "approximate"}:
            comparator = "="
            flags.add("implied-comparator")
        change = None
        if "relative-change" in flags and value is not None:
            change = "increase" if any(w in (qualifier or "") for w in INCREASE_WORDS) else "decrease"
        return Target(raw=raw, text=text, kind=kind, comparator=comparator, comparator_explicit=explicit,
                      value=value, unit=self.unit, qualifier=qualifier, date=date, flags=_sorted(flags),
                      change=change)


def _unknown_unit(after: str) -> re.Match[str] | None:
    m = _UNKNOWN_UNIT.match(after)
    return m if m and m["unit"] not in _NOT_UNIT_CHARS else None


def _unparsed(raw: str, text: str, flags: set[str]) -> Target:
    return Target(raw=raw, text=text, kind="unparsed", flags=_sorted(flags))


def _sorted(flags: set[str]) -> tuple[str, ...]:
    return tuple(sorted(flags))
