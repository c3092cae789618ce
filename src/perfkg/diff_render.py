"""The diff of two versions for people and programs: text (zh or en), JSON and HTML (every value escaped)."""
from __future__ import annotations

import html
import json

from perfkg.diff import KINDS, Change, Diff, summary

FIELDS = {
    "project": ("项目", "project"), "name": ("名称", "name"), "budget": ("预算数", "budget"),
    "fiscal": ("财政资金", "fiscal funds"), "other": ("其他资金", "other funds"), "indicator": ("指标", "indicator"),
    "target": ("指标值", "target"), "level1": ("一级指标", "level 1"), "level2": ("二级指标", "level 2"),
    "description": ("指标描述", "description"), "basis": ("指标值确定依据", "basis"),
    "budgetYear": ("年度", "year"), "title": ("标题", "title"),
}
HEAD = {"zh": ("类别", "项目", "指标", "字段", "原", "新"), "en": ("change", "project", "indicator", "field", "old", "new")}


def field_label(change: Change, lang: str) -> str:
    """The field's name; a spending-plan period is its label (6月底)."""
    if change.kind == "plan-changed":
        return change.field
    zh, en = FIELDS.get(change.field, (change.field, change.field))
    return zh if lang == "zh" else en


def as_text(diff: Diff, lang: str = "zh") -> str:
    """One line per change, grouped by kind in KINDS order (lowered targets first), and a summary line."""
    absent = "（无）" if lang == "zh" else "(none)"
    lines = [f"{'比较' if lang == 'zh' else 'comparing'} {diff.old} → {diff.new}"]
    for kind in KINDS:
        group = [c for c in diff.changes if c.kind == kind]
        if not group:
            continue
        lines.append("")
        lines.append(f"{'!! ' if kind == 'target-lowered' else ''}{group[0].label(lang)} ({len(group)})")
        for c in group:
            where = " / ".join(x for x in (c.project, c.indicator) if x)
            lines.append(f"  {where}: {field_label(c, lang)}: {c.old or absent} → {c.new or absent}")
    lines.append("")
    lines.append(summary(diff, lang))
    return "\n".join(lines) + "\n"


def as_json(diff: Diff) -> str:
    """{"old", "new", "changes": [{kind, project, indicator, field, old, new}], "counts"}; keys sorted."""
    return json.dumps(diff.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def as_html(diff: Diff, lang: str = "zh") -> str:
    """A self-contained page: the summary, then a table of changes; lowered targets first and marked."""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in HEAD[lang])
    rows = []
    for c in diff.changes:
        mark = ' class="lowered"' if c.kind == "target-lowered" else ""
        cells = (c.label(lang), c.project, c.indicator or "", field_label(c, lang), c.old or "", c.new or "")
        rows.append(f"<tr{mark}>" + "".join(f"<td>{e(x)}</td>" for x in cells) + "</tr>")
    title = f"{diff.old} → {diff.new}"
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f"<title>{e(title)}</title><style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}"
            "td,th{border:1px solid #999;padding:2px 6px;text-align:left}tr.lowered{background:#fdd}</style>"
            f"</head><body><h1>{e(title)}</h1><p>{e(summary(diff, lang))}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>\n")


RENDERERS = {"text": as_text, "html": as_html}


def render(diff: Diff, fmt: str, lang: str = "zh") -> str:
    return as_json(diff) if fmt == "json" else RENDERERS[fmt](diff, lang)
