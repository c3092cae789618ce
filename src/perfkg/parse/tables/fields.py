"""Labelled fields of header-driven tables: 项目名称 / 主管部门 / 实施单位 … rows, `label:value` lines, checkbox
fields, the self-evaluation's budget-execution block and the department table's funds block."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from perfkg.model import ProjectGoal, Span, Text
from perfkg.model_tables import DepartmentTable, FormProject, MoneyLine
from perfkg.parse.amounts import parse_amount
from perfkg.parse.normalise import normalise
from perfkg.parse.table_rows import split_goal_items
from perfkg.parse.tables.indicators import score_range
from perfkg.parse.tables.rows import Row, checked_options, iso_date, number_of
from perfkg.parse.tables.vocabulary import label_key, simplified, vocabulary

if TYPE_CHECKING:
    from perfkg.parse.tables.interpret import TableInterpreter

_UNIT_IN_LABEL = re.compile(r"\((万元|元|亿元)\)")
_INLINE_EXTRA = {"单位": "unit", "发布时间": "published", "来源": "source", "发布日期": "published"}
_GROUP_MARKS = {"按收入性质分": "income", "按支出性质分": "expenditure"}
_GOAL_ITEM = re.compile(r"(?:^|(?<=[\s。；;！!？?,，]))(\d{1,2})\s*[、.．](?!\d)")
# Project codes of known local shapes (a code of any other shape is kept as printed, never refused)
CODE_PATTERNS = (("河北", re.compile(r"^[0-9]{6}[0-9]{2}[A-Z][0-9]{11}[0-9A-Z]$")),
                 ("重庆", re.compile(r"^[0-9]{11}P[0-9]{6}$")))


def code_pattern(code: str | None) -> str | None:
    return next((name for name, rx in CODE_PATTERNS if code and rx.match(code)), None)


def goal_items(text: str) -> list[tuple[str, str]]:
    marks = list(_GOAL_ITEM.finditer(text))
    if not marks:
        return split_goal_items(text)
    items = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        items.append((m.group(1), text[m.end():end].strip().rstrip(";；")))
    return [(n, t) for n, t in items if t]


class FieldReader:
    def __init__(self, interpreter: "TableInterpreter"):
        self.it = interpreter
        self.unit: str | None = None  # the printed amount unit (单位：元, (万元))
        self.execution: list[str] = []  # execution columns in order
        self.money: dict[int, tuple[str, str]] = {}  # column (or order, when flattened) -> (group, label)
        self.money_group = "total"

    # -- `label:value` cells -------------------------------------------------------------------
    def inline(self, row: Row) -> bool:
        vocab = vocabulary()
        found: list[tuple[int, str, str]] = []  # (cell index, field, label as printed)
        for i, cell in row.filled:
            head = re.split(r"[:：]", cell, maxsplit=1)
            if len(head) != 2:
                continue
            key = label_key(head[0])
            field = vocab.field("field", key) or _INLINE_EXTRA.get(key)
            if field is not None:
                found.append((i, field, head[0]))
        if not found:
            return False
        cells = dict(row.filled)
        indices = sorted(cells)
        for n, (i, field, label) in enumerate(found):
            stop = found[n + 1][0] if n + 1 < len(found) else None
            first = re.split(r"[:：]", cells[i], maxsplit=1)[1]
            rest = [cells[j] for j in indices if j > i and (stop is None or j < stop)]
            self.apply(field, " ".join([first, *rest]).strip(), row, label)
        key = self.it.key() if self.it.table is not None else "layout:field"
        self.it.map(row, key if not key.startswith("department-table") else "layout:field")
        return True

    # -- label rows ----------------------------------------------------------------------------
    def label_row(self, row: Row) -> bool:
        vocab = vocabulary()
        cells = row.filled
        if not cells or vocab.field("field", cells[0][1]) is None:
            return False
        i = 0
        while i < len(cells):
            label = cells[i][1]
            field = vocab.field("field", label)
            if field is None:
                i += 1
                continue
            j = i + 1
            values = []
            while j < len(cells) and vocab.field("field", cells[j][1]) is None:
                values.append(cells[j][1])
                j += 1
            self.apply(field, " ".join(values), row, label)
            i = j
        self.it.map(row, self.key_for(row))
        return True

    def key_for(self, row: Row) -> str:
        t = self.it.table
        if isinstance(t, DepartmentTable):
            return f"department-table/{t.position}" if not t.goals else f"overall-goal/{len(self.it.doc.overall_goals)}"
        return self.it.key() if t is not None else "layout:field"

    def apply(self, field: str, value: str, row: Row, label: str) -> None:
        it, t = self.it, self.it.table
        unit = _UNIT_IN_LABEL.search(label_key(label))
        if unit:
            self.unit = unit.group(1)
        plain = normalise(simplified(value))
        if field == "unit":
            self.unit = plain or self.unit
            return
        if field == "published":
            it.doc.published = iso_date(value)
            return
        if field in ("source", "execution"):
            if field == "execution" and isinstance(t, FormProject):
                points = score_range(label)
                t.execution_points = points or t.execution_points
                if plain and number_of(row.filled[-1][1]) is not None:
                    self.mode_values("execution", row)
                elif not plain:
                    it.mode = "execution"
            return
        if field in ("filing-unit", "department") and it.doc.organisation is None and plain:
            it.doc.organisation = plain
        if field == "filled-on":
            if isinstance(t, FormProject):
                t.filled_on = iso_date(value)
            return
        if isinstance(t, DepartmentTable):
            return self.department_field(t, field, value, plain, row)
        if t is None:
            return
        if field == "project-name":
            if t.name or t.indicators:
                it.start(t.table_kind, row, t.table_title or "")
                t = it.table
            t.name = plain
        elif field == "project-code":
            t.code = label_key(value) or None
            t.code_pattern = code_pattern(t.code)
        elif field in ("department", "filing-unit"):
            t.department = t.department or plain
        elif field == "implementing-unit":
            t.implementing_unit = plain
        elif field == "period":
            t.period = plain
        elif field == "basis":
            t.basis = Text(value, plain, Span(row.number, row.number))
        elif field == "classification":
            ticked = [opt for opt, on in checked_options(value) if on]
            if checked_options(value):
                t.checked += tuple((normalise(simplified(label)), opt) for opt in ticked)
            else:
                t.classification = plain
        elif field in ("budget", "fiscal", "other", "total-budget"):
            amount = parse_amount(simplified(value), self.unit or "万元")
            attr = {"budget": "budget", "fiscal": "fiscal", "other": "other", "total-budget": "total_budget"}[field]
            setattr(t, attr, amount)
            t.amount_unit = self.unit or "万元"
            t.funding_span = Span(row.number, row.number)
        elif field == "overall-goal":
            start = len(t.goals)
            for k, (num, text) in enumerate(goal_items(plain), 1):
                t.goals.append(ProjectGoal(start + k, num, Text(text, text, Span(row.number, row.number))))

    def department_field(self, t: DepartmentTable, field: str, value: str, plain: str, row: Row) -> None:
        span = Span(row.number, row.number)
        if field in ("department", "filing-unit"):
            t.department = t.department or plain
        elif field == "functions":
            t.functions = Text(value, plain, span)
        elif field == "overall-goal":
            for num, text in goal_items(plain):
                goal = Text(text, text, span)
                t.goals.append(goal)
                t.goal_numbers.append(num)
                self.it.doc.overall_goals.append(goal)

    # -- budget execution (self-evaluation) ----------------------------------------------------
    def execution_header(self, row: Row) -> bool:
        vocab = vocabulary()
        found = [vocab.field("execution", c) for _, c in row.filled]
        if sum(1 for f in found if f) < 3 or not isinstance(self.it.table, FormProject):
            return False
        self.execution = [f for f in found if f]
        for _, cell in row.filled:  # `预算执行情况(万元)(20分)` beside the column labels: unit and points
            if vocab.field("field", cell) == "execution":
                self.apply("execution", "", row, cell)
        self.it.mode = "execution"
        self.it.map(row, "layout:table-header")
        return True

    def money_labels(self, row: Row) -> bool:
        vocab = vocabulary()
        labels = [(i, vocab.field("money", c), c) for i, c in row.filled]
        known = [x for x in labels if x[1]]
        marks = [x for x in row.filled if label_key(x[1]) in _GROUP_MARKS]
        if not isinstance(self.it.table, DepartmentTable) or not (known or marks and self.it.mode == "money"):
            return False
        if self.it.mode != "money":
            self.money = {}
        for i, field, printed in labels:
            unit = _UNIT_IN_LABEL.search(label_key(printed))
            if unit:
                self.unit = unit.group(1)
            if field:
                where = i if not row.flattened else len(self.money)
                self.money[where] = (field, normalise(simplified(printed)))
        self.it.mode = "money"
        self.it.map(row, "layout:table-header")
        return True

    def values_row(self, row: Row) -> bool:
        numbers = [(i, c) for i, c in row.filled if number_of(c) is not None]
        if not numbers:
            return False
        return self.mode_values(self.it.mode, row)

    def mode_values(self, mode: str, row: Row) -> bool:
        numbers = [(i, c) for i, c in row.filled if number_of(c) is not None]
        if mode == "execution" and isinstance(self.it.table, FormProject):
            t = self.it.table
            columns = self.execution or ["planned", "executed", "rate", "score"]
            for field, (_, cell) in zip(columns[len(columns) - len(numbers):] if len(numbers) <= len(columns)
                                         else columns, numbers):
                if field == "planned":
                    t.budget = parse_amount(simplified(cell), self.unit or "万元")
                    t.amount_unit, t.funding_span = self.unit or "万元", Span(row.number, row.number)
                elif field == "executed":
                    t.executed = parse_amount(simplified(cell), self.unit or "万元")
                elif field == "rate":
                    t.execution_rate = number_of(cell)
                elif field == "score":
                    t.execution_score = number_of(cell)
            self.it.map(row, f"{self.it.key()}/funding")
            self.it.mode = ""
            return True
        if mode == "money" and isinstance(self.it.table, DepartmentTable):
            return self.money_values(self.it.table, row, numbers)
        return False

    def money_values(self, t: DepartmentTable, row: Row, numbers: list[tuple[int, str]]) -> bool:
        unit = self.unit or "万元"
        t.amount_unit = unit
        if not row.flattened:
            pairs = [(self.money.get(i), cell) for i, cell in numbers]
        elif len(numbers) == len(self.money):
            pairs = [(self.money[k], cell) for k, (_, cell) in zip(sorted(self.money), numbers)]
        else:  # empty cells were dropped: only the first value (资金总额) is placed; the rest is reported
            first = self.money.get(min(self.money)) if self.money else None
            pairs = [(first, numbers[0][1])] + [(None, cell) for _, cell in numbers[1:]]
        unread = []
        for label, cell in pairs:
            if label is None:
                unread.append(cell)
                continue
            t.money.append(MoneyLine(label[0], label[1], parse_amount(simplified(cell), unit)))
        if unread:
            self.it.warn("cells-unaligned", row,
                         f"资金栏的数值 {'、'.join(unread)} 无法与表头对齐（空单元格已丢失），未读取",
                         f"the funds values {', '.join(unread)} cannot be aligned with their headers (empty cells "
                         "were lost); not read", f"department-table/{t.position}")
            self.it.map(row, "unrecognised")
        else:
            self.it.map(row, f"department-table/{t.position}")
        self.it.mode = ""
        return True

    # -- (2020年度), (20分) ----------------------------------------------------------------------
    def annotation(self, row: Row) -> bool:
        text = label_key(row.text)
        if not (text.startswith("(") and text.endswith(")")) or len(row.filled) > 1:
            return False
        t = self.it.table
        points = score_range(text)
        if isinstance(t, DepartmentTable) and re.search(r"\d{4}年", text):
            t.period_note = text
        elif isinstance(t, FormProject) and points is not None and self.it.mode == "execution":
            t.execution_points = points
        self.it.map(row, "layout:annotation")
        return True
