"""Parses 第二部分 project tables (项目绩效目标表): identity, funding, spending plan, goals, indicator rows."""
from __future__ import annotations

import re
from decimal import Decimal

from perfkg.model import Indicator, ParseWarning, Project, ProjectGoal, Span, SpendingMilestone, Text
from perfkg.parse.amounts import parse_amount
from perfkg.parse.categories import resolve_level1, resolve_level2
from perfkg.parse.normalise import normalise, squash
from perfkg.parse.table_rows import (AMOUNT_UNIT, FUNDING_LABELS, FUNDING_ROW_LABEL, HEADER_FIELDS, IDENTITY_LABELS,
                                      ROW_KINDS_ONCE, UNIT_LINE, cells_of, labelled_cells, nonempty, split_goal_items)
from perfkg.parse.targets import parse_comparator, parse_target

_PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)\s*[%％]$")
_MONTH = re.compile(r"(\d{1,2})\s*月")


def _warn(code: str, span: Span, zh: str, en: str, element: str) -> ParseWarning:
    return ParseWarning(code, span, zh, en, element)


_ROW_NAMES = {"identity": ("项目编码/项目名称行", "project code/name row"), "funding": ("预算数行", "funding row"),
              "plan-labels": ("资金支出计划时间行", "spending-plan label row"),
              "plan-values": ("资金支出计划百分比行", "spending-plan value row")}


class ProjectTableParser:
    """Consumes the lines of one project block; the document parser feeds it line by line.

    Every non-empty cell is either read into the model or reported: a cell no label explains (an unknown label such as
    "预算金额", a value after it, a cell beyond the last column) makes a "cell-unread" warning naming line and cell,
    and the line counts as unrecognised (`partial`), so coverage never counts it as mapped.
    """

    def __init__(self, project: Project, key: str, source_name: str):
        self.p = project
        self.key = key
        self.source = source_name
        self.warnings: list[ParseWarning] = []
        self.line_map: dict[int, list[str]] = {}
        self.partial: set[int] = set()  # lines with content that did not reach the model
        self.rejected: list[tuple[int, str]] = []  # lines offered to this block that it could not read
        self.columns: list[str | None] = []  # field per header column
        self.headers: list[str] = []
        self._last_row = ""  # kind of the previous table row
        self._rows: dict[str, tuple[int, str]] = {}  # row kind -> (line, squashed text) of its first occurrence
        self._plan_labels: tuple[int, list[tuple[int, str]]] | None = None
        self._prev_level1: tuple[str, str] | None = None  # (raw, normalised)
        self._prev_level2: tuple[str, str] | None = None
        self.last_line = project.span.first

    @property
    def complete(self) -> bool:
        """The table has indicator rows: a further identity row or unit line starts another project."""
        return bool(self.p.indicators)

    # -- entry point ---------------------------------------------------------------------------
    def feed(self, number: int, line: str) -> bool:
        """Take one non-blank line; False when it does not belong to a project block."""
        self.last_line = number
        taken = self._dispatch(number, line)
        if not taken:
            self.rejected.append((number, line))
        return taken

    def _dispatch(self, number: int, line: str) -> bool:
        if "\t" not in line:
            return self._feed_plain(number, line)
        cells = cells_of(line)
        first = squash(cells[0])
        labels = [squash(c) for c in cells]
        kind = None
        if first == "项目编码" or "项目名称" in labels:
            kind = "identity"
        elif first.startswith(FUNDING_ROW_LABEL) or "预算数" in labels:
            kind = "funding"
        elif first.startswith("资金支出计划"):
            kind = "plan-labels"
        elif first == "" and self._last_row == "plan-labels":
            kind = "plan-values"
        if kind is not None and self._repeated(number, kind, line):
            return True
        if kind == "identity":
            return self._identity(number, cells, labels)
        if kind == "funding":
            return self._funding(number, cells, labels)
        if kind == "plan-labels":
            return self._plan_labels_row(number, cells)
        if kind == "plan-values":
            return self._plan_values_row(number, cells)
        if first == "绩效目标":
            return self._goals(number, cells)
        if first in ("一级指标", "一级指标名称"):
            return self._header(number, cells)
        if first == "" and self._last_row in ("funding", "uses") and not self._percentages_only(cells):
            return self._uses(number, cells)
        if self.columns:
            return self._indicator(number, cells)
        return False

    def _map(self, number: int, key: str) -> None:
        self.line_map.setdefault(number, [])
        if key not in self.line_map[number]:
            self.line_map[number].append(key)

    def _unread(self, number: int, cells: list[str], element: str) -> None:
        """Report the non-empty cells of this line that reached no field; the line no longer counts as mapped."""
        if not cells:
            return
        shown = "、".join(f"“{normalise(c)}”" for c in cells)
        shown_en = ", ".join(repr(normalise(c)) for c in cells)
        self.warnings.append(_warn(
            "cell-unread", Span(number, number),
            f"第 {number} 行有无法识别的单元格 {shown}（标签未识别或没有对应的列），其内容没有进入知识图谱",
            f"line {number} has cells perfkg could not read: {shown_en} (label not recognised or no column for "
            "them); their content did not enter the graph", element))
        self.partial.add(number)

    def _repeated(self, number: int, kind: str, line: str) -> bool:
        """A row this table already had: never overwrite the first one. True when the line was handled here."""
        if kind not in ROW_KINDS_ONCE:
            return False
        text = squash(line)
        if kind not in self._rows:
            self._rows[kind] = (number, text)
            return False
        first_line, first_text = self._rows[kind]
        zh, en = _ROW_NAMES[kind]
        if text == first_text:
            self._map(number, "layout:duplicate-row")
            self.warnings.append(_warn(
                "row-duplicated", Span(number, number),
                f"第 {number} 行重复了第 {first_line} 行的{zh}，按一行计", f"line {number} repeats the {en} of line "
                f"{first_line}; counted once", self.key))
        else:
            self.warnings.append(_warn(
                "row-conflict", Span(number, number),
                f"第 {number} 行是本项目表的第二个{zh}，与第 {first_line} 行不同；没有用它覆盖第 {first_line} 行，"
                "请核对项目表是否缺少标题行或多了一行",
                f"line {number} is a second {en} in this project table and differs from line {first_line}; it did not "
                f"replace line {first_line} — check for a missing table title or an extra row", self.key))
            self.partial.add(number)
            self._map(number, self.key)
        return True

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
    def _identity(self, number: int, cells: list[str], labels: list[str]) -> bool:
        fields, unread = labelled_cells(cells, labels, IDENTITY_LABELS, first_value=True)
        self.p.code = squash(fields.get("code", "")) or None
        name = fields.get("name", "")
        self.p.name = normalise(name) if name else None
        self._map(number, self.key)
        self._unread(number, unread, self.key)
        self._last_row = "identity"
        return True

    def _funding(self, number: int, cells: list[str], labels: list[str]) -> bool:
        unit = self.p.amount_unit
        fields, unread = labelled_cells(cells, labels, FUNDING_LABELS, first_value=False, row_label=FUNDING_ROW_LABEL)
        for field in ("budget", "fiscal", "other"):
            setattr(self.p, field, parse_amount(fields[field], unit) if field in fields else None)
        self.p.funding_span = Span(number, number)
        for label, amount in (("预算数", self.p.budget), ("财政资金", self.p.fiscal), ("其他资金", self.p.other)):
            if amount is not None and amount.value is None:
                self.warnings.append(_warn(
                    "amount-unreadable", Span(number, number),
                    f"{label}“{amount.raw}”不是数字（只接受有限的十进制数）",
                    f"{label} {amount.raw!r} is not a number (only finite decimals are read)", f"{self.key}/funding"))
        self._map(number, f"{self.key}/funding")
        self._unread(number, unread, f"{self.key}/funding")
        self._last_row = "funding"
        return True

    @staticmethod
    def _percentages_only(cells: list[str]) -> bool:
        values = [c for _, c in nonempty(cells)]
        return bool(values) and all(_PERCENT.match(squash(v)) for v in values)

    def _uses(self, number: int, cells: list[str]) -> bool:
        raw = " ".join(c.strip() for c in cells if c.strip())
        if self.p.uses is None:
            self.p.uses = Text(raw, normalise(raw), Span(number, number))
        else:  # a use description running over two rows
            u = self.p.uses
            self.p.uses = Text(u.raw + raw, normalise(u.raw + raw), Span(u.span.first, number))
        self._map(number, f"{self.key}/uses")
        self._last_row = "uses"
        return True
    def _plan_labels_row(self, number: int, cells: list[str]) -> bool:
        labels = [(i, squash(c)) for i, c in nonempty(cells) if i > 0]
        self._plan_labels = (number, labels)
        self._last_row = "plan-labels"
        return True

    def _plan_values_row(self, number: int, cells: list[str]) -> bool:
        label_line, labels = self._plan_labels or (number, [])
        values = [(i, c) for i, c in nonempty(cells) if i > 0]
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
        extra = [(h, c.strip()) for h, f, c in self._extra(cells) if c.strip()]
        # a unit or comparator cell that did not become part of the target is kept as written
        if unit_cell and target.unit != squash(unit_cell):
            extra.append((self._header_of("unit"), unit_cell))
        if comparator_cell and parse_comparator(comparator_cell) != target.comparator:
            extra.append((self._header_of("comparator"), comparator_cell))
        read = {self.columns.index(f) for f in set(self.columns) if f} | {
            i for i, (h, f) in enumerate(zip(self.headers, self.columns)) if h and f is None}
        beyond = [c for i, c in enumerate(cells) if c.strip() and i not in read]
        self._unread(number, beyond, key)
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
            extra=tuple(extra), span=Span(number, number)))
        self._map(number, key)
        self._last_row = "indicator"
        return True

    def _header_of(self, field: str) -> str:
        return next(h for h, f in zip(self.headers, self.columns) if f == field)

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

        Realign only when the cells really are shifted: the value cell names a basis standard (年度工作计划,
        预算支出标准, …, by the basis vocabulary), nothing follows it (the basis cell and any later cell are empty:
        the row is one cell short), and the description cell reads as a value. A well-formed row whose value is
        qualitative ("良好") and whose description holds a number ("全年开展3次以上活动") is left as written.
        """
        if "description" not in fields or "value" not in fields:
            return
        desc, value, basis = fields["description"], fields["value"], fields.get("basis", "")
        if basis.strip() or any(fields.get(f, "").strip() for f in ("unit", "comparator")):
            return
        if parse_target(value).kind != "unparsed" or parse_target(desc).kind not in ("quantitative", "date"):
            return
        from perfkg.rdf.basis import basis_standards  # the vocabulary lives in the ontology

        if not basis_standards(value):
            return
        fields["description"], fields["value"], fields["basis"] = "", desc, value
        self.warnings.append(_warn(
            "cell-realigned", Span(number, number),
            f"本行缺少一个单元格：“{normalise(desc)}”位于“绩效指标描述”列，“{normalise(value)}”位于“指标值”列；"
            "已按内容重新对齐为指标值和指标值确定依据，绩效指标描述为空",
            f"this row is missing a cell: {normalise(desc)!r} sits in the description column and "
            f"{normalise(value)!r} in the value column; realigned by content as value and basis, "
            "description left empty",
            key))
