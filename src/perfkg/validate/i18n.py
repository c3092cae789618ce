"""The words of the validation reports in Chinese and English (messages of the rules live in the shapes)."""
from __future__ import annotations

LANGS = ("zh", "en")

UI = {
    "zh": {
        "title": "绩效目标审核报告", "documents": "份文档", "file": "文件", "document_part": "文档整体",
        "project": "项目", "line": "第 {lines} 行", "lines_word": "行", "value": "值", "rule": "规则",
        "indicator": "指标", "message": "问题与修改建议", "where": "位置", "severity": "级别",
        "Violation": "违规", "Warning": "警告", "Info": "提示",
        "pass": "通过", "fail": "不通过", "unusable": "无法读取",
        "verdict_pass": "通过（没有“{level}”及以上级别的问题）",
        "verdict_fail": "不通过（有“{level}”及以上级别的问题）",
        "no_findings": "没有发现问题。", "summary": "汇总", "total": "合计",
        "parser_said": "导入程序说明", "source": "依据", "generated": "perfkg 校验",
        "settings": "审核参数", "fail_on": "不通过的最低级别", "counts": "各级别数量",
        "element": "元素",
    },
    "en": {
        "title": "Performance-goal review report", "documents": "documents", "file": "file",
        "document_part": "Whole document", "project": "Project", "line": "line {lines}", "lines_word": "lines",
        "value": "value", "rule": "rule", "indicator": "indicator", "message": "What is wrong and what to change",
        "where": "where", "severity": "level",
        "Violation": "Violation", "Warning": "Warning", "Info": "Info",
        "pass": "PASS", "fail": "FAIL", "unusable": "UNREADABLE",
        "verdict_pass": "pass (no finding at level {level} or above)",
        "verdict_fail": "fail (findings at level {level} or above)",
        "no_findings": "No findings.", "summary": "Summary", "total": "total",
        "parser_said": "import note", "source": "source", "generated": "perfkg validate",
        "settings": "review settings", "fail_on": "fails at", "counts": "counts per level",
        "element": "element",
    },
}


def ui(lang: str, key: str, **kw) -> str:
    return UI[lang][key].format(**kw) if kw else UI[lang][key]


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use zh or en")
    return lang
