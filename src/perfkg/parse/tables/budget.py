"""Recognises a 部门预算 disclosure (a budget workbook, or its sheet list shown as a page) that names its
performance-target tables: the document says which target sheets exist and which budget tables it holds."""
from __future__ import annotations

import re

from perfkg.model import Span, Text
from perfkg.model_tables import BUDGET_DISCLOSURE, TableDocument, TableNote
from perfkg.parse.layout import Layout
from perfkg.parse.normalise import normalise
from perfkg.parse.tables.rows import layout_rows
from perfkg.parse.tables.vocabulary import label_key, simplified, vocabulary

_SHEET_HEADING = re.compile(r"^工作表\s*\d+\s*[:：]\s*(?P<name>.+)$")
_YEAR_ORG = re.compile(r"^(?P<year>(?:19|20)\d{2})年(?P<org>\D+?)\d*$")
_ORG_FIELD = re.compile(r"部门\(单位\)名称[:：](?P<org>[^|:：\s]+)")
_UNIT = re.compile(r"单位[:：]\s*(?P<unit>万元|元)")
MIN_BUDGET_TABLES = 3  # a sheet list: at least this many budget-table names


def _names_in(key: str, labels: dict[str, str]) -> list[tuple[str, str]] | None:
    """The table names a line is made of ("财务收支预算总表部门收入预算表" -> two), or None if anything else is left."""
    found: list[tuple[int, str, str]] = []
    rest = key
    for label in sorted(labels, key=len, reverse=True):
        while label in rest:
            at = key.find(label)
            found.append((at, label, labels[label]))
            rest = rest.replace(label, "\0" * len(label), 1)
            key = key.replace(label, "\0" * len(label), 1)
    if not found or rest.strip("\0"):
        return None
    return [(label, kind) for _, label, kind in sorted(found)]


def budget_disclosure(layout: Layout) -> TableDocument | None:
    vocab = vocabulary()
    labels = dict(vocab.labels("budget-table"))
    labels.update({k: v for k, v in vocab.labels("title").items() if len(k) > 6})  # full target-table names
    doc = TableDocument(layout.name, layout.sha256, layout.encoding or "", lines=layout.lines(), kind=BUDGET_DISCLOSURE)
    budget, targets = [], []
    sheet: str | None = None
    for row in layout_rows(layout):
        key = label_key(row.text.replace("|", " "))
        heading = _SHEET_HEADING.match(key)
        if heading:
            sheet = heading.group("name")
            doc.line_map[row.number] = ["layout:sheet-heading"]
            continue
        names = _names_in(key, labels) if len(row.filled) == 1 else None
        if names:
            for label, kind in names:
                (budget if kind == "budget-table" else targets).append((label, row))
            doc.line_map[row.number] = ["layout:sheet-list"]
            continue
        m = _YEAR_ORG.match(key)
        if m and doc.year is None:
            doc.year, doc.organisation = int(m.group("year")), m.group("org")
            doc.title = Text(row.text, normalise(simplified(row.text)), Span(row.number, row.number))
            doc.line_map[row.number] = ["document/title"]
            continue
        org = _ORG_FIELD.search(key)
        if org:
            doc.organisation = doc.organisation or org.group("org")
        if sheet is not None:  # a row of a budget table: recognised as such, not read as indicators
            doc.line_map[row.number] = ["layout:budget-table"]
    budget += [(n.location.sheet, None) for n in layout.notices if n.code == "budget-sheet" and n.location.sheet]
    if len({label for label, _ in budget}) < MIN_BUDGET_TABLES or not targets:
        return None
    for label, row in targets:
        doc.notes.append(TableNote("named-sheet", label, Span(row.number, row.number), row.location))
    seen: set[str] = set()
    for label, row in budget:
        if label in seen:  # a budget table's own title inside its sheet, after the sheet list named it
            continue
        seen.add(label)
        span = Span(row.number, row.number) if row is not None else Span(0, 0)
        doc.notes.append(TableNote("budget-table", label, span, row.location if row is not None else None))
    for number in range(1, len(doc.lines) + 1):
        if doc.lines[number - 1].strip() and number not in doc.line_map:
            doc.line_map[number] = ["unrecognised"]
    return doc
