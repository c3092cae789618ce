"""The report as one standalone HTML page (inline CSS, no scripts or external assets) to open or mail."""
from __future__ import annotations

from html import escape

from perfkg import __version__
from perfkg.validate.i18n import check_lang, ui
from perfkg.validate.report import FAIL_ON, SEVERITY_ORDER, DocumentReport, Finding

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
 margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328;line-height:1.5}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2.5rem;border-bottom:2px solid #d0d7de}
h3{font-size:1.05rem;margin:1.5rem 0 .5rem}.meta{color:#59636e;font-size:.9rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;
 vertical-align:top;text-align:left;font-size:.92rem}th{background:#f6f8fa}
.sev{font-weight:600;white-space:nowrap}.Violation{color:#b42318}.Warning{color:#9a6700}.Info{color:#0969da}
tr.Violation td:first-child{border-left:4px solid #b42318}tr.Warning td:first-child{border-left:4px solid #d4a72c}
tr.Info td:first-child{border-left:4px solid #54aeff}
.alt{color:#59636e;font-size:.85rem;margin-top:.2rem}.value{font-family:ui-monospace,monospace;background:#f6f8fa;
 padding:0 .2rem;border-radius:3px}.pass{color:#1a7f37;font-weight:600}.fail{color:#b42318;font-weight:600}
.unusable{color:#b42318}.rule{white-space:nowrap;font-family:ui-monospace,monospace}.line{white-space:nowrap}
.counts span{margin-right:1rem}footer{margin-top:3rem;color:#59636e;font-size:.8rem}
@media print{body{margin:0;max-width:none}h2{page-break-before:always}}
"""


def _e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _verdict(r: DocumentReport, lang: str, fail_on: str) -> str:
    if not r.ok:
        return f'<span class="unusable">{_e(ui(lang, "unusable"))}</span>'
    ok = r.conforms(fail_on)
    return f'<span class="{"pass" if ok else "fail"}">{_e(ui(lang, "pass" if ok else "fail"))}</span>'


def _row(f: Finding, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    message = _e(f.message.get(lang, ""))
    if f.detail.get(lang):
        message += f'<div class="alt">{_e(ui(lang, "parser_said"))}: {_e(f.detail[lang])}</div>'
    alt = f'<div class="alt" lang="{other}">{_e(f.message.get(other, ""))}</div>' if f.message.get(other) else ""
    indicator = _e(f.indicator.label) if f.indicator else ""
    value = f'<span class="value">{_e(f.value_text)}</span>' if f.value_text else ""
    title = _e(f.rule_label.get(lang, "")) + (" — " + _e(f.rule_source) if f.rule_source else "")
    return (f'<tr class="{f.severity}"><td class="sev {f.severity}">{_e(ui(lang, f.severity))}</td>'
            f'<td class="rule" title="{title}">{_e(f.rule)}</td><td class="line">{_e(f.location.get(lang) or f.lines())}</td>'
            f"<td>{indicator}</td><td>{value}</td><td>{message}{alt}</td></tr>")


def _document(r: DocumentReport, i: int, lang: str, fail_on: str) -> str:
    out = [f'<section id="doc-{i}">']
    if not r.ok:
        p = r.problem
        where = f"{p.path}:{p.line}" if p.line else p.path
        out.append(f"<h2>{_e(where)}</h2><p class=\"unusable\">{_e(p.message['zh'])}<br>{_e(p.message['en'])}</p>")
        out.append("</section>")
        return "\n".join(out)
    out.append(f"<h2>{_e(r.title or r.source_file or r.source)}</h2>")
    out.append(f'<p class="meta">{_e(ui(lang, "file"))}: {_e(r.source)} · {_e(r.document)}</p>')
    c = r.counts()
    counts = "".join(f'<span class="{s}">{_e(ui(lang, s))} <b>{c[s]}</b></span>' for s in SEVERITY_ORDER)
    level = ui(lang, FAIL_ON[fail_on])
    verdict = ui(lang, "verdict_pass" if r.conforms(fail_on) else "verdict_fail", level=level)
    out.append(f'<p class="counts">{counts} → {_verdict(r, lang, fail_on)} '
               f'<span class="meta">({_e(verdict)})</span></p>')
    if not r.findings:
        out.append(f"<p>{_e(ui(lang, 'no_findings'))}</p>")
    head = "".join(f"<th>{_e(ui(lang, k))}</th>" for k in ("severity", "rule", "lines_word", "indicator", "value",
                                                              "message"))
    for project, findings in r.by_project():
        if project is None:
            title = ui(lang, "document_part")
        else:
            code = f" [{project.code}]" if project.code else ""
            title = f"{ui(lang, 'project')} {project.position or ''} {project.label}{code}"
        out.append(f"<h3>{_e(title)}</h3>")
        out.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
        ordered = sorted(findings, key=lambda f: (SEVERITY_ORDER.index(f.severity), f.sort_key()))
        out += [_row(f, lang) for f in ordered]
        out.append("</tbody></table>")
    out.append("</section>")
    return "\n".join(out)


def render_html(reports: list[DocumentReport], lang: str = "zh", fail_on: str = "violation") -> str:
    """A complete HTML document: a summary table of all documents, then each document's findings by project."""
    lang = check_lang(lang)
    rows = []
    for i, r in enumerate(reports, 1):
        c = r.counts()
        name = r.title or r.source_file or r.source
        rows.append(f'<tr><td><a href="#doc-{i}">{_e(name)}</a></td>'
                    + "".join(f'<td class="{s}">{c[s]}</td>' for s in SEVERITY_ORDER)
                    + f"<td>{_verdict(r, lang, fail_on)}</td></tr>")
    head = "".join(f"<th>{_e(ui(lang, s))}</th>" for s in SEVERITY_ORDER)
    title = ui(lang, "title")
    body = [
        "<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>",
        '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{len(reports)} {_e(ui(lang, "documents"))} · {_e(ui(lang, "fail_on"))}: '
        f"{_e(ui(lang, FAIL_ON[fail_on]))}</p>",
        f"<table><thead><tr><th>{_e(ui(lang, 'file'))}</th>{head}<th>{_e(ui(lang, 'summary'))}</th></tr></thead>",
        "<tbody>", *rows, "</tbody></table>",
        *[_document(r, i, lang, fail_on) for i, r in enumerate(reports, 1)],
        f"<footer>{_e(ui(lang, 'generated'))} · perfkg {_e(__version__)}</footer>", "</body>", "</html>",
    ]
    return "\n".join(body) + "\n"
