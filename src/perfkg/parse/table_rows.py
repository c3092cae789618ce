"""Recognises the rows and cells of a project table (项目绩效目标表): title and unit lines, row labels, header names,
goal items; pure functions of one line or cell, no state."""
from __future__ import annotations

import re

from perfkg.parse.normalise import squash

PROJECT_TITLE = re.compile(r"^\s*(\d{1,3})\s*[.．、]\s*(?P<title>.+?绩效目标表)\s*$")
UNIT_LINE = re.compile(r"^\s*(?P<code>\d{6})\s+(?P<name>\S.*?)\s*$")
AMOUNT_UNIT = re.compile(r"^\s*单\s*位\s*[:：]\s*(?P<unit>\S+)\s*$")
_GOAL_NUMBER = re.compile(r"(?:^|(?<=[\s。；;！!？?]))(\d{1,2})\s*[.．、](?!\d)\s*")

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


def cells_of(line: str) -> list[str]:
    return line.split("\t")


def nonempty(cells: list[str]) -> list[tuple[int, str]]:
    return [(i, c.strip()) for i, c in enumerate(cells) if c.strip()]


# Row labels of the block above the indicator table (spaces removed). A label ends with one of these; the value is
# the cell right after it (identity: the first non-empty cell after it).
IDENTITY_LABELS = {"项目编码": "code", "项目名称": "name"}
FUNDING_LABELS = {"预算数": "budget", "财政资金": "fiscal", "财政拨款": "fiscal", "其他资金": "other"}
FUNDING_ROW_LABEL = "预算规模"  # "预算规模及 资金用途": names the row, holds no value
ROW_KINDS_ONCE = ("identity", "funding", "plan-labels", "plan-values")  # a table has each of these rows once


def is_identity_row(line: str) -> bool:
    """A 项目编码 / 项目名称 row: where a project table starts when its title line is missing."""
    if "\t" not in line:
        return False
    labels = [squash(c) for c in cells_of(line)]
    return labels[0] == "项目编码" or "项目名称" in labels


def is_block_start(line: str) -> bool:
    """The first lines of a project table after its title: the unit line, "单位：万元" or the identity row."""
    return bool(UNIT_LINE.match(line) and "\t" not in line or AMOUNT_UNIT.match(line)) or is_identity_row(line)


def label_of(label: str, labels: dict[str, str]) -> str | None:
    for known, field in labels.items():
        if label.endswith(known):
            return field
    return None


def labelled_cells(cells: list[str], labels: list[str], known: dict[str, str], *, first_value: bool,
                   row_label: str | None = None) -> tuple[dict[str, str], list[str]]:
    """Label cells and their values -> ({field: value}, unread cells).

    first_value: the value is the first non-empty cell before the next label (identity row); otherwise the cell
    right after the label (funding row, where an empty cell means 0).
    """
    fields: dict[str, str] = {}
    used: set[int] = set()
    field_at = {i: label_of(lab, known) for i, lab in enumerate(labels)}
    for i, lab in enumerate(labels):
        if i == 0 and row_label and lab.startswith(row_label):
            used.add(i)
            continue
        field = field_at[i]
        if field is None or field in fields:
            continue
        used.add(i)
        value = ""
        for j in range(i + 1, len(cells)):
            if field_at[j] is not None:
                break
            if cells[j].strip() or not first_value:
                value = cells[j].strip()
                used.add(j)
                break
        fields[field] = value
    unread = [c for i, c in enumerate(cells) if i not in used and c.strip()]
    return fields, unread
