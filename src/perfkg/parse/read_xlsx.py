"""Reads a workbook (XLSX/XLS/ODS, python-calamine) sheet by sheet into the table model; budget sheets are reported."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from perfkg.errors import InputError
from perfkg.parse.layout import Block, Layout, Location, Notice, build_table

# Sheet titles of the budget tables a 部门预算 workbook carries (财预〔2020〕 disclosure set): reported, not parsed.
BUDGET_SHEET = re.compile(
    r"收支预算总表|收入预算表|支出预算表|财政拨款|一般公共预算|政府性基金|国有资本经营|三公|政府采购|基本支出|"
    r"项目支出预算|部门预算总表|机关运行经费|国有资产|专项资金预算|对下转移支付预算")
# What marks a sheet as holding performance targets.
TARGET_MARK = re.compile(r"绩效目标|绩效文本|一级指标")


def _text(value) -> str:
    """A cell value as the sheet shows it: integral floats without ".0", dates as ISO text."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def spans_down(spans: dict, r: int) -> set:
    """Positions in row r covered by a merge that started in an earlier row."""
    return {(r - 1, c) for (r0, c), (rs, cs) in spans.items() if r0 < r < r0 + rs for c in range(c, c + cs)}


def _sheet(layout: Layout, name: str, rows: list[list], merges) -> None:
    """Rows with one text at the left become blocks; runs of other non-empty rows become tables."""
    file = layout.name
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for (r0, c0), (r1, c1) in (merges or [])}
    covered = {(r, c) for (r0, c0), (rs, cs) in spans.items()
               for r in range(r0, r0 + rs) for c in range(c0, c0 + cs) if (r, c) != (r0, c0)}
    run: list[int] = []
    tables = 0

    def close() -> None:
        nonlocal tables
        if not run:
            return
        tables += 1
        width = max(max((c for c, v in enumerate(rows[r]) if _text(v).strip()), default=0) + 1 for r in run)
        width = max([width] + [c + spans[(r, c)][1] for r in run for c in range(width) if (r, c) in spans])
        origins = []
        for k, r in enumerate(run):
            for c in range(width):
                if (r, c) in covered:
                    continue
                rs, cs = spans.get((r, c), (1, 1))
                rs = min(rs, len(run) - k)  # a merge never reaches past the table
                value = rows[r][c] if c < len(rows[r]) else ""
                origins.append((k, c, rs, cs, _text(value), Location(file, sheet=name, table=tables, row=r + 1,
                                                                     column=c + 1)))
        layout.items.append(build_table(tables, origins, [Location(file, sheet=name, table=tables, row=r + 1)
                                                          for r in run]))
        run.clear()

    for r, row in enumerate(rows):
        filled = [c for c, v in enumerate(row) if _text(v).strip()]
        covered_here = any((r, c) in covered for c in range(len(row)))
        if not filled and not covered_here:
            close()
            continue
        own = spans.get((r, 0), (1, 1))
        only_own_merge = own[0] == 1 and all((r, c) not in covered for c in range(own[1], len(row)))
        if filled == [0] and only_own_merge and (r - 1, 0) not in spans_down(spans, r):
            close()
            layout.items.append(Block(_text(row[0]), Location(file, sheet=name, row=r + 1)))
            continue
        run.append(r)
    close()


def read_xlsx(path: str | Path) -> Layout:
    from python_calamine import CalamineWorkbook

    p = Path(path)
    shown = str(path)
    data = p.read_bytes()
    try:
        book = CalamineWorkbook.from_path(str(p))
    except Exception as e:  # calamine raises CalamineError, ZipError, XmlError, PasswordError...
        kind = type(e).__name__
        if "Password" in kind:
            raise InputError(shown, None, "工作簿已加密（需要密码），无法读取", "the workbook is encrypted (password required)"
                             ) from None
        raise InputError(shown, None, f"无法打开工作簿：文件损坏或被截断（{kind}）",
                         f"cannot open the workbook: corrupt or truncated ({kind}: {e})") from None
    container = p.suffix.lower().lstrip(".") if p.suffix.lower() in (".xls", ".ods") else "xlsx"
    layout = Layout(shown, p.name, container, hashlib.sha256(data).hexdigest())
    budget_sheets: list[str] = []
    other_sheets: list[str] = []
    try:
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)  # keep leading empty rows: row numbers stay the sheet's
            content = "".join(_text(v) for row in rows[:12] for v in row)
            if TARGET_MARK.search("".join(_text(v) for row in rows for v in row)):
                _sheet(layout, name, rows, sheet.merged_cell_ranges)
            elif BUDGET_SHEET.search(name) or BUDGET_SHEET.search(content):
                budget_sheets.append(name)
                layout.notices.append(Notice("budget-sheet", Location(p.name, sheet=name),
                                             "部门预算公开表，不是绩效目标表，未作为指标读取",
                                             "a budget disclosure table, not a target table; not read as indicators"))
            elif rows:
                other_sheets.append(name)
                layout.notices.append(Notice("other-sheet", Location(p.name, sheet=name),
                                             "没有绩效目标内容，未读取", "no performance-target content; not read"))
    except Exception as e:
        raise InputError(shown, None, f"工作簿内容损坏，无法读取（{type(e).__name__}）",
                         f"corrupt workbook content, cannot read it ({type(e).__name__}: {e})") from None
    if not layout.items:
        if budget_sheets:
            listed = "、".join(budget_sheets)
            raise InputError(shown, None, f"部门预算公开表，无绩效目标表（工作表：{listed}）",
                             f"a budget disclosure with no target table (sheets: {', '.join(budget_sheets)})")
        raise InputError(shown, None, "工作簿中没有绩效目标表", "the workbook has no performance-target table")
    return layout
