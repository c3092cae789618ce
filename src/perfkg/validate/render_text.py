"""The human report for a terminal: per document the counts per level, then findings by project and level."""
from __future__ import annotations

from perfkg.display import display_width, terminal_width, wrap
from perfkg.validate.i18n import check_lang, ui
from perfkg.validate.report import FAIL_ON, SEVERITY_ORDER, DocumentReport, Finding

_MARK = {"Violation": "✗", "Warning": "!", "Info": "i"}


def _counts(report: DocumentReport, lang: str) -> str:
    c = report.counts()
    return " · ".join(f"{ui(lang, s)} {c[s]}" for s in SEVERITY_ORDER)


def _verdict(report: DocumentReport, lang: str, fail_on: str) -> str:
    level = ui(lang, FAIL_ON[fail_on])
    key = "verdict_pass" if report.conforms(fail_on) else "verdict_fail"
    return ui(lang, key, level=level)


def _finding(f: Finding, lang: str, width: int) -> list[str]:
    where = f.location.get(lang) or (ui(lang, "line", lines=f.lines()) if f.first_line else "")
    head = f"{_MARK[f.severity]} {f.rule:<5} {where}"
    if f.indicator:
        head += f"  {f.indicator.label}"
    if f.value_text and f.value_text != (f.indicator.label if f.indicator else None):
        head += f"  [{ui(lang, 'value')}: {_clip(f.value_text, 60)}]"
    lines = [head]
    body = f.message.get(lang) or next(iter(f.message.values()), "")
    if f.detail.get(lang):
        body += f"（{ui(lang, 'parser_said')}：{f.detail[lang]}）" if lang == "zh" else \
            f" ({ui(lang, 'parser_said')}: {f.detail[lang]})"
    lines += ["      " + line for line in wrap(body, width - 6)]
    return lines


def _fit(lines: list[str], width: int) -> list[str]:
    """Every line within `width` display columns; a wrapped line's continuation indented two more."""
    out = []
    for line in lines:
        if display_width(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        first, *rest = wrap(body, width - indent - 2)
        out += [" " * indent + first] + [" " * (indent + 2) + piece for piece in rest]
    return out


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def render_document(report: DocumentReport, lang: str = "zh", fail_on: str = "violation",
                    width: int | None = None) -> str:
    """One document's report, wrapped to `width` display columns (default: the terminal's, 120 when not one)."""
    lang = check_lang(lang)
    width = width or terminal_width()
    out: list[str] = []
    name = report.source_file or report.source
    if not report.ok:
        p = report.problem
        where = f"{p.path}:{p.line}" if p.line else p.path
        out.append(f"✗ {where}: {ui(lang, 'unusable')}")
        other = "en" if lang == "zh" else "zh"
        out.append(f"    {p.message[lang]}")
        out.append(f"    {p.message[other]}")
        return "\n".join(_fit(out, width)) + "\n"
    out.append(f"■ {report.title or name}")
    out.append(f"  {ui(lang, 'file')}: {report.source}")
    out.append(f"  {_counts(report, lang)}  →  {_verdict(report, lang, fail_on)}")
    if not report.findings:
        out.append(f"  {ui(lang, 'no_findings')}")
    for project, findings in report.by_project():
        out.append("")
        if project is None:
            out.append(f"  【{ui(lang, 'document_part')}】")
        else:
            code = f" [{project.code}]" if project.code else ""
            out.append(f"  【{ui(lang, 'project')} {project.position or ''} {project.label}{code}】")
        for severity in SEVERITY_ORDER:
            group = [f for f in findings if f.severity == severity]
            if not group:
                continue
            out.append(f"    {ui(lang, severity)} ({len(group)})")
            for f in group:
                out += ["    " + line for line in _finding(f, lang, width - 4)]
    return "\n".join(_fit(out, width)) + "\n"


def render_summary(reports: list[DocumentReport], lang: str = "zh", fail_on: str = "violation",
                   width: int | None = None) -> str:
    """One line per document: pass/fail at `fail_on` and the counts per level."""
    lang = check_lang(lang)
    width = width or terminal_width()
    summary = [f"== {ui(lang, 'summary')}: {len(reports)} {ui(lang, 'documents')} =="]
    for r in reports:
        name = r.source_file or r.source
        if not r.ok:
            summary.append(f"  {ui(lang, 'unusable'):<6} {name}")
        else:
            verdict = ui(lang, "pass") if r.conforms(fail_on) else ui(lang, "fail")
            summary.append(f"  {verdict:<6} {name}  ({_counts(r, lang)})")
    return "\n".join(_fit(summary, width)) + "\n"


def render_text(reports: list[DocumentReport], lang: str = "zh", fail_on: str = "violation",
                width: int | None = None) -> str:
    """Every document's report, then the summary."""
    lang = check_lang(lang)
    return "\n".join(render_document(r, lang, fail_on, width) for r in reports) + \
        render_summary(reports, lang, fail_on, width)
