"""Parses 第二部分 project tables (项目绩效目标表): identity, funding, spending plan, goals, indicator rows."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from perfkg.model import Amount, Indicator, ParseWarning, Project, ProjectGoal, Span, SpendingMilestone, Text
from perfkg.parse.categories import resolve_level1, resolve_level2
from perfkg.parse.normalise import normalise, squash
from perfkg.parse.targets import parse_target

PROJECT_TITLE = re.compile(r"^\s*(\d{1,3})\s*[.．、]\s*(?P<title>.+?绩效目标表)\s*$")
UNIT_LINE = re.compile(r"^\s*(?P<code>\d{6})\s+(?P<name>\S.*?)\s*$")
AMOUNT_UNIT = re.compile(r"^\s*单\s*位\s*[:：]\s*(?P<unit>\S+)\s*$")
_GOAL_NUMBER = re.compile(r"(?:^|(?<=[\s。；;！!？?]))(\d{1,2})\s*[.．、](?!\d)\s*")
_PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)\s*[%％]$")
_MONTH = re.compile(r"(\d{1,2})\s*月")

# Header cell (spaces removed) -> field. Unknown headers become "extra" columns, kept by name.
HEADER_FIELDS = {
    "一级指标": "level1", "一级指标名称": "level1",
    "二级指标": "level2", "二级指标名称": "level2",
    "三级指标": "name", "指标内容": "name", "指标名称": "name", "三级指标名称": "name",
    "绩效指标描述": "description", "指标解释": "description", "指标说明": "description",
    "指标值": "value", "目标值": "value", "年度指标值": "value", "指标值及单位": "value",
    "指标值(包含数字及文字描述)": "value", "年度数值": "value",
    "计量单位": "unit", "单位": "unit",
    "计算符号": "comparator", "指标方向": "comparator",
    "指标值确定依据": "basis", "绩效标准": "basis", "依据": "basis",
}
YUAN_PER_UNIT = {"元": Decimal(1), "万元": Decimal(10_000), "万": Decimal(10_000), "亿元": Decimal(100_000_000)}


def _warn(code: str, span: Span, zh: str, en: str, element: str) -> ParseWarning:
    return ParseWarning(code, span, zh, en, element)


def parse_amount(raw: str, unit: str | None) -> Amount:
    """A printed amount; a blank cell counts as 0 (the template leaves 其他资金 empty)."""
    text = squash(raw).replace(",", "")
    value: Decimal | None
    if text == "":
        value = Decimal(0)
    else:
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
    unit = unit or "万元"
    scale = YUAN_PER_UNIT.get(unit)
    yuan = value * scale if value is not None and scale is not None else None
    return Amount(raw, value, unit, yuan)


def split_goal_items(text: str) -> list[tuple[str, str]]:
    """"1. A 2. B" -> [("1", "A"), ("2", "B")]; a cell without numbers is one item "1"."""
    marks = list(_GOAL_NUMBER.finditer(text))
    if not marks or marks[0].start() > 0 and text[: marks[0].start()].strip():
        marks = [m for m in marks if m.start() == 0] if marks else []
    if not marks:
        return [("1", text.strip())] if text.strip() else []
    items = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        items.append((m.group(1), text[m.end():end].strip()))
    return [(n, t) for n, t in items if t]


def _cells(line: str) -> list[str]:
    return line.split("\t")


def _nonempty(cells: list[str]) -> list[tuple[int, str]]:
    return [(i, c.strip()) for i, c in enumerate(cells) if c.strip()]


class ProjectTableParser:
    """Consumes the lines of one project block; the document parser feeds it line by line."""

    def __init__(self, project: Project, key: str, source_name: str):
        self.p = project
        self.key = key
        self.source = source_name
        self.warnings: list[ParseWarning] = []
        self.line_map: dict[int, list[str]] = {}
        self.columns: list[str | None] = []  # field per header column
        self.headers: list[str] = []
        self._last_row = ""  # kind of the previous table row
        self._plan_labels: tuple[int, list[tuple[int, str]]] | None = None
        self._prev_level1: tuple[str, str] | None = None  # (raw, normalised)
        self._prev_level2: tuple[str, str] | None = None
        self.last_line = project.span.first

    # -- entry point ---------------------------------------------------------------------------
    def feed(self, number: int, line: str) -> bool:
        """Take one non-blank line; False when it does not belong to a project block."""
        self.last_line = number
        if "\t" not in line:
            return self._feed_plain(number, line)
        cells = _cells(line)
        first = squash(cells[0])
        labels = [squash(c) for c in cells]
        if first == "项目编码" or "项目名称" in labels:
            return self._identity(number, cells, labels)
        if first.startswith("预算规模") or "预算数" in labels:
            return self._funding(number, cells, labels)
        if first.startswith("资金支出计划"):
            return self._plan_labels_row(number, cells)
        if first == "绩效目标":
            return self._goals(number, cells)
        if first in ("一级指标", "一级指标名称"):
            return self._header(number, cells)
        if first == "" and self._last_row == "funding":
            return self._uses(number, cells)
        if first == "" and self._last_row == "plan-labels":
            return self._plan_values_row(number, cells)
        if self.columns:
            return self._indicator(number, cells)
        return False

    def _map(self, number: int, key: str) -> None:
        self.line_map.setdefault(number, [])
        if key not in self.line_map[number]:
            self.line_map[number].append(key)

    # -- block lines before the table ---------------------------------------------------------
    def _feed_plain(self, number: int, line: str) -> bool:
        m = UNIT_LINE.match(line)
        if m and self.p.unit_code is None and not self.columns:
            self.p.unit_code, self.p.unit_name = m.group("code"), normalise(m.group("name"))
            self._map(number, f"{self.key}/unit")
            return True
        m = AMOUNT_UNIT.match(line)
        if m and self.p.amount_unit is None:
            self.p.amount_unit = m.group("unit")
            self._map(number, f"{self.key}/funding")
            return True
        return False

    # -- table rows ---------------------------------------------------------------------------
    def _after(self, cells: list[str], labels: list[str], label: str) -> str:
        """The first non-empty cell after the one whose label contains `label`."""
        for i, lab in enumerate(labels):
            if label in lab:
                for cell in cells[i + 1:]:
                    if cell.strip():
                        return cell.strip()
                return ""
        return ""

    def _after_exact(self, cells: list[str], labels: list[str], label: str) -> str | None:
        """The cell right after the one labelled `label` (None when the label is absent)."""
        for i, lab in enumerate(labels):
            if lab.endswith(label):
                return cells[i + 1].strip() if i + 1 < len(cells) else ""
        return None

    def _identity(self, number: int, cells: list[str], labels: list[str]) -> bool:
        self.p.code = squash(self._after(cells, labels, "项目编码")) or None
        name = self._after(cells, labels, "项目名称")
        self.p.name = normalise(name) if name else None
        self._map(number, self.key)
        self._last_row = "identity"
        return True

    def _funding(self, number: int, cells: list[str], labels: list[str]) -> bool:
        unit = self.p.amount_unit
        budget = self._after_exact(cells, labels, "预算数")
        fiscal = self._after_exact(cells, labels, "财政资金")
        if fiscal is None:
            fiscal = self._after_exact(cells, labels, "财政拨款")
        other = self._after_exact(cells, labels, "其他资金")
        self.p.budget = parse_amount(budget or "", unit) if budget is not None else None
        self.p.fiscal = parse_amount(fiscal, unit) if fiscal is not None else None
        self.p.other = parse_amount(other, unit) if other is not None else None
        self.p.funding_span = Span(number, number)
        for label, amount in (("预算数", self.p.budget), ("财政资金", self.p.fiscal), ("其他资金", self.p.other)):
            if amount is not None and amount.value is None:
                self.warnings.append(_warn(
                    "amount-unreadable", Span(number, number),
                    f"{label}“{amount.raw}”不是数字", f"{label} {amount.raw!r} is not a number", f"{self.key}/funding"))
        self._map(number, f"{self.key}/funding")
        self._last_row = "funding"
        return True

    def _uses(self, number: int, cells: list[str]) -> bool:
        raw = " ".join(c.strip() for c in cells if c.strip())
        if self.p.uses is None:
            self.p.uses = Text(raw, normalise(raw), Span(number, number))
        else:  # a use description running over two rows
            u = self.p.uses
            self.p.uses = Text(u.raw + raw, normalise(u.raw + raw), Span(u.span.first, number))
        self._map(number, f"{self.key}/uses")
        return True

    def _plan_labels_row(self, number: int, cells: list[str]) -> bool:
        labels = [(i, squash(c)) for i, c in _nonempty(cells) if i > 0]
        self._plan_labels = (number, labels)
        self._last_row = "plan-labels"
        return True

    def _plan_values_row(self, number: int, cells: list[str]) -> bool:
        label_line, labels = self._plan_labels or (number, [])
        values = [(i, c) for i, c in _nonempty(cells) if i > 0]
        span = Span(label_line, number)
        by_index = dict(labels)
        if len(values) == len(labels):
            pairs = [(lab, val, False) for (_, lab), (_, val) in zip(labels, values)]
        else:
            pairs = [(by_index.get(i), val, False) for i, val in values]
            used = {i for i, _ in values}
            for i, lab in labels:  # labels with no value under them
                if i not in used:
                    pairs.append((lab, "", False))
        milestones: list[SpendingMilestone] = []
        for position, (label, raw_value, _) in enumerate(pairs, 1):
            inferred = label is None
            if inferred:
                label = "12月底" if position == len(pairs) else f"?{position}"
                self.warnings.append(_warn(
                    "spending-label-inferred", span,
                    f"资金支出计划有 {len(values)} 个百分比但只有 {len(labels)} 个时间标签；"
                    f"第 {position} 个值“{raw_value}”缺少标签，推定为“{label}”",
                    f"spending plan has {len(values)} percentages but only {len(labels)} period labels; "
                    f"value {position} ({raw_value}) has no label, inferred as {label!r}",
                    f"{self.key}/plan/{position}"))
            pm = _PERCENT.match(squash(raw_value))
            mm = _MONTH.search(label)
            if raw_value and not pm:
                self.warnings.append(_warn(
                    "spending-value-unreadable", span,
                    f"资金支出计划的值“{raw_value}”不是百分比", f"spending-plan value {raw_value!r} is not a percentage",
                    f"{self.key}/plan/{position}"))
            milestones.append(SpendingMilestone(
                position, label, int(mm.group(1)) if mm else None,
                Decimal(pm.group(1)) if pm else None, raw_value, inferred, span))
            for line in (label_line, number):
                self._map(line, f"{self.key}/plan/{position}")
        self.p.spending_plan = milestones
        self._plan_labels = None
        self._last_row = "plan-values"
        return True

    def _goals(self, number: int, cells: list[str]) -> bool:
        raw = " ".join(c.strip() for c in cells[1:] if c.strip())
        start = len(self.p.goals)
        for offset, (num, text) in enumerate(split_goal_items(raw), 1):
            self.p.goals.append(ProjectGoal(start + offset, num, Text(text, normalise(text), Span(number, number))))
            self._map(number, f"{self.key}/goal/{start + offset}")
        if not self.p.goals:
            self._map(number, self.key)
        self._last_row = "goals"
        return True

    def _header(self, number: int, cells: list[str]) -> bool:
        self.headers = [normalise(c) for c in cells]
        self.columns = [HEADER_FIELDS.get(squash(c)) if c.strip() else None for c in cells]
        self.p.column_headers = tuple(h for h in self.headers if h)
        for needed in ("level1", "level2", "name", "value"):
            if needed not in self.columns:
                self.warnings.append(_warn(
                    "column-missing", Span(number, number),
                    f"指标表缺少列：{needed}", f"indicator table has no {needed} column", self.key))
        self.line_map.setdefault(number, []).append("layout:table-header")
        self._last_row = "header"
        return True

    # -- indicator rows -----------------------------------------------------------------------
    def _indicator(self, number: int, cells: list[str]) -> bool:
        position = len(self.p.indicators) + 1
        key = f"{self.key}/indicator/{position}"
        fields = self._fields(cells)
        self._realign(number, fields, key)
        level1_raw, level2_raw = fields.get("level1", ""), fields.get("level2", "")
        level1_inherited = not level1_raw.strip() and self._prev_level1 is not None
        if level1_inherited:
            level1_raw = self._prev_level1[0]
        level2_inherited = not level2_raw.strip() and level1_inherited and self._prev_level2 is not None
        if level2_inherited:
            level2_raw = self._prev_level2[0]
        level1, level2 = normalise(level1_raw), normalise(level2_raw)
        self._prev_level1, self._prev_level2 = (level1_raw, level1), (level2_raw, level2)
        level1_key = resolve_level1(level1) if level1 else None
        value_raw = fields.get("value", "")
        unit_cell = fields.get("unit", "").strip()
        comparator_cell = fields.get("comparator", "").strip()
        target_text = value_raw
        if comparator_cell and comparator_cell not in ("定性", "定量"):
            target_text = comparator_cell + target_text
        if unit_cell and unit_cell not in squash(value_raw):
            target_text = f"{target_text} {unit_cell}"
        target = parse_target(target_text)
        if target_text != value_raw:  # keep exactly what the value cell said
            target = type(target)(**{**target.__dict__, "raw": value_raw})
        description = fields.get("description")
        basis = fields.get("basis")
        extra = tuple((h, c.strip()) for h, f, c in self._extra(cells) if c.strip())
        self.p.indicators.append(Indicator(
            position=position,
            level1_raw=level1_raw, level1=level1, level1_category=level1_key, level1_inherited=level1_inherited,
            level2_raw=level2_raw, level2=level2,
            level2_category=resolve_level2(level2, level1_key) if level2 else None,
            level2_inherited=level2_inherited,
            name=normalise(fields.get("name", "")), name_raw=fields.get("name", ""),
            description=normalise(description) if description and description.strip() else None,
            target=target,
            basis=normalise(basis) if basis and basis.strip() else None,
            basis_raw=basis if basis and basis.strip() else None,
            extra=extra, span=Span(number, number)))
        self._map(number, key)
        self._last_row = "indicator"
        return True

    def _fields(self, cells: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i, field in enumerate(self.columns):
            if field and field not in out:
                out[field] = cells[i] if i < len(cells) else ""
        return out

    def _extra(self, cells: list[str]):
        for i, (header, field) in enumerate(zip(self.headers, self.columns)):
            if header and field is None and i < len(cells):
                yield header, field, cells[i]

    def _realign(self, number: int, fields: dict[str, str], key: str) -> None:
        """A missing cell shifts the rest left: "40 万元" lands in 描述, the basis in 指标值.

        Realign by content: when the value cell is not a value but the description cell is,
        and the basis cell is empty, move each one column right and record a warning.
        """
        if "description" not in fields or "value" not in fields:
            return
        desc, value, basis = fields["description"], fields["value"], fields.get("basis", "")
        value_kind = parse_target(value).kind
        desc_kind = parse_target(desc).kind
        if value_kind in ("unparsed", "qualitative") and desc_kind in ("quantitative", "date") and not basis.strip():
            fields["description"], fields["value"], fields["basis"] = "", desc, value
            self.warnings.append(_warn(
                "cell-realigned", Span(number, number),
                f"本行缺少一个单元格：“{normalise(desc)}”位于“绩效指标描述”列，“{normalise(value)}”位于“指标值”列；"
                "已按内容重新对齐为指标值和指标值确定依据，绩效指标描述为空",
                f"this row is missing a cell: {normalise(desc)!r} sits in the description column and "
                f"{normalise(value)!r} in the value column; realigned by content as value and basis, "
                "description left empty",
                key))
