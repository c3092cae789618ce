"""Interprets a layout by its tables' titles, header rows and field labels (never by a document title): project
target tables, declaration/approval forms, department-level tables and self-evaluations of any province."""
from __future__ import annotations

import re

from perfkg.model import ParseWarning, ProjectGoal, Span, Text
from perfkg.model_tables import (DEPARTMENT_TARGETS, PROJECT_SELF_EVALUATION, PROJECT_TARGETS, SELF_EVALUATION,
                                 TARGET_TABLES, DepartmentTable, FormProject, TableDocument, TableNote)
from perfkg.parse.layout import Layout
from perfkg.parse.normalise import normalise
from perfkg.parse.tables.fields import FieldReader, goal_items
from perfkg.parse.tables.indicators import Header, IndicatorReader, is_label_row, match_header, score_range
from perfkg.parse.tables.rows import Row, layout_rows
from perfkg.parse.tables.vocabulary import is_traditional, label_key, simplified, vocabulary

_TITLE_PARTS = re.compile(r"^(?P<org>.*?)(?P<year>(?:19|20)\d{2})\s*年度?(?P<rest>.*)$")


def match_title(row: Row) -> str | None:
    """The table kind a title row names (`…部门整体支出绩效目标申报表`, `…项目自评表`), else None."""
    if len(row.filled) > 2 or not row.filled:
        return None
    key = label_key(row.filled[0][1])
    if len(key) > 80 or not key.rstrip(")").endswith(("表", ")")):
        return None
    body = re.sub(r"\([^()]*\)$", "", key)
    if not body.endswith("表"):
        return None
    for label, kind in sorted(vocabulary().labels("title").items(), key=lambda kv: -len(kv[0])):
        if body.endswith(label):
            return kind
    return None


class TableInterpreter:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.doc = TableDocument(layout.name, layout.sha256, layout.encoding or "", lines=layout.lines())
        self.table: FormProject | DepartmentTable | None = None
        self.reader: IndicatorReader | None = None
        self.fields = FieldReader(self)
        self.mode = ""  # "indicators", "execution", "money" after the matching header row
        self.indicator_count = 0  # document-level (department) indicators

    # -- line map and notes --------------------------------------------------------------------
    def map(self, row: Row, key: str) -> None:
        keys = self.doc.line_map.setdefault(row.number, [])
        if key not in keys:
            keys.append(key)

    def note(self, kind: str, row: Row, label: str) -> None:
        self.doc.notes.append(TableNote(kind, normalise(label)[:80], Span(row.number, row.number), row.location))

    def warn(self, code: str, row: Row, zh: str, en: str, element: str = "") -> None:
        where_zh, where_en = row.location.describe("zh"), row.location.describe("en")
        self.doc.warnings.append(ParseWarning(code, Span(row.number, row.number), f"{where_zh}：{zh}",
                                              f"{where_en}: {en}", element))

    # -- tables --------------------------------------------------------------------------------
    def key(self) -> str:
        t = self.table
        if isinstance(t, DepartmentTable):
            return f"department-table/{t.position}"
        return f"project/{t.position}"

    def start(self, kind: str, row: Row | None, title: str = "") -> None:
        self.finish()
        text = Text(title, normalise(simplified(title)), Span(row.number, row.number) if row else Span(0, 0))
        m = _TITLE_PARTS.match(label_key(title)) if title else None
        if kind == DEPARTMENT_TARGETS:
            table = DepartmentTable(len(self.doc.department_tables) + 1, text, span=text.span)
            self.doc.department_tables.append(table)
            if m:
                table.department = m.group("org") or None
                table.year = int(m.group("year"))
        else:
            table = FormProject(len(self.doc.projects) + 1, text, span=text.span, table_kind=kind,
                                table_title=text.text or None)
            self.doc.projects.append(table)
        if m:
            self.doc.organisation = self.doc.organisation or (m.group("org") or None)
            self.doc.year = self.doc.year or int(m.group("year"))
        if self.doc.title is None and title:
            self.doc.title = text
        self.table, self.reader, self.mode = table, None, ""

    def finish(self) -> None:
        t = self.table
        if t is not None and t.span.last < t.span.first:
            t.span = Span(t.span.first, t.span.first)

    def extend(self, row: Row) -> None:
        t = self.table
        first = t.span.first or row.number
        t.span = Span(first, max(row.number, t.span.last))

    # -- driver --------------------------------------------------------------------------------
    def run(self) -> TableDocument | None:
        rows = layout_rows(self.layout)
        self.doc.traditional = any(is_traditional(r.text) for r in rows[:40])
        for row in rows:
            self.row(row)
        self.finish()
        self.doc.projects = [p for p in self.doc.projects if p.indicators or p.name or p.budget]
        self.doc.department_tables = [t for t in self.doc.department_tables
                                      if t.indicators or t.goals or t.functions or t.money]
        for i, p in enumerate(self.doc.projects, 1):
            p.position = i
        if not self.doc.projects and not self.doc.department_tables:
            return None
        kinds = [p.table_kind for p in self.doc.projects] + [DEPARTMENT_TARGETS] * len(self.doc.department_tables)
        self.doc.table_kinds = tuple(sorted(set(kinds)))
        self.doc.kind = SELF_EVALUATION if PROJECT_SELF_EVALUATION in kinds else TARGET_TABLES
        if self.doc.organisation is None:
            self.doc.organisation = next((t.department for t in self.doc.department_tables if t.department), None) \
                or next((p.department for p in self.doc.projects if p.department), None)
        for number in range(1, len(self.doc.lines) + 1):
            if self.doc.lines[number - 1].strip() and number not in self.doc.line_map:
                self.doc.line_map[number] = ["unrecognised"]
        return self.doc

    def row(self, row: Row) -> None:
        kind = match_title(row)
        if kind is not None:
            return self.title_row(row, kind)
        if self.fields.inline(row):
            return
        header = match_header(row)
        if header is not None:
            return self.header_row(row, header)
        if self.fields.execution_header(row) or self.fields.money_labels(row):
            return
        if self.table is not None and self.fields.label_row(row):
            return
        if self.mode == "indicators" and not is_label_row(row):
            return self.indicator_row(row)
        if self.mode in ("execution", "money") and self.fields.values_row(row):
            return
        if self.fields.annotation(row):
            return
        self.map(row, "unrecognised")
        if self.table is not None or self.doc.projects or self.doc.department_tables:
            self.note("unrecognised-table", row, row.text)

    def title_row(self, row: Row, kind: str) -> None:
        title = row.filled[0][1]
        t = self.table
        same = t is not None and (isinstance(t, DepartmentTable) == (kind == DEPARTMENT_TARGETS)) and \
            not (t.indicators or getattr(t, "name", None) or getattr(t, "goals", None))
        if same:  # the title printed again above its table (a page title, then the table's own)
            self.map(row, "layout:title")
            if len(label_key(title)) > len(label_key(t.title.raw)):
                t.title = Text(title, normalise(simplified(title)), t.title.span)
            return
        self.start(kind, row, title)
        self.map(row, f"{self.key()}" if kind != DEPARTMENT_TARGETS else "layout:title")

    def header_row(self, row: Row, header: Header) -> None:
        if self.table is None or (self.reader is not None and self.table_has_rows()):
            self.start(PROJECT_TARGETS, None)  # a table without a title line: a project table of its own
        for label in header.lead:
            points = score_range(label)
            if points is not None and isinstance(self.table, FormProject):
                self.table.goal_points = points
        self.table.column_headers = tuple(header.printed[i] for i in sorted(header.printed)) + \
            tuple(header.unknown[i] for i in sorted(header.unknown))
        self.reader = IndicatorReader(header)
        self.mode = "indicators"
        self.map(row, "layout:table-header")
        self.extend(row)
        if header.unknown:
            shown = "、".join(header.unknown.values())
            self.warn("column-unknown", row, f"表头中的列“{shown}”不在列名词表中：其单元格作为附加列保留",
                      f"the column(s) {', '.join(header.unknown.values())} are not in the column vocabulary: their "
                      "cells are kept as extra columns", self.key())

    def project_column(self, row: Row) -> None:
        """A sheet with one row per indicator and the project in a column (云南): a new name starts a project."""
        h = self.reader.header
        at, goal_at = h.index("project-name"), h.index("goal")
        if at is None or row.flattened or at >= len(row.cells) or not row.cells[at].strip():
            return
        name = normalise(simplified(row.cells[at]))
        t = self.table
        if not isinstance(t, FormProject) or (t.name and t.name != name) or (t.indicators and not t.name):
            reader = self.reader  # the same header goes on for the next project
            self.start(t.table_kind if isinstance(t, FormProject) else PROJECT_TARGETS, None,
                       t.title.raw if t is not None else "")
            self.table.span = Span(row.number, row.number)
            self.reader, self.mode = reader, "indicators"
            self.table.column_headers = t.column_headers if t is not None else ()
            if isinstance(t, FormProject):  # the sheet's 单位名称 applies to every project on it
                self.table.department = t.department
        self.table.name = name
        if goal_at is not None and goal_at < len(row.cells) and row.cells[goal_at].strip():
            for k, (num, text) in enumerate(goal_items(normalise(simplified(row.cells[goal_at]))), 1):
                self.table.goals.append(ProjectGoal(k, num, Text(text, text, Span(row.number, row.number))))

    def table_has_rows(self) -> bool:
        return bool(self.table.indicators)

    def indicator_row(self, row: Row) -> None:
        if self.reader.empty_category(row):  # 社会成本指标 with nothing under it: the 2021 framework printed whole
            self.map(row, "layout:empty-category")
            return self.extend(row)
        self.project_column(row)
        t = self.table
        if isinstance(t, DepartmentTable):
            position = self.indicator_count + 1
        else:
            position = len(t.indicators) + 1
        indicator = self.reader.read(row, position)
        if indicator is None:
            self.map(row, "unrecognised")
            self.note("incomplete-row", row, row.text)
            self.warn("row-incomplete", row, f"指标行不完整（可能被截断）：“{normalise(row.text)[:40]}”，未读取",
                      f"incomplete indicator row (cut off?): {normalise(row.text)[:40]!r}; not read", self.key())
            return
        t.indicators.append(indicator)
        if isinstance(t, FormProject) and t.span.first == 0:
            t.span = Span(row.number, row.number)
        if isinstance(t, DepartmentTable):
            self.indicator_count += 1
            self.map(row, f"indicator/{position}")
        else:
            self.map(row, f"{self.key()}/indicator/{position}")
        self.extend(row)


def interpret_tables(layout: Layout) -> TableDocument | None:
    """The document of a file read by its tables' headers; None when it holds no target table perfkg recognises
    (the caller then says what the file is). A budget workbook whose sheet list names target tables is a
    BudgetDisclosure document listing them (parse/tables/budget.py)."""
    doc = TableInterpreter(layout).run()
    if doc is not None:
        return doc
    from perfkg.parse.tables.budget import budget_disclosure

    return budget_disclosure(layout)


__all__ = ["interpret_tables", "match_title"]
