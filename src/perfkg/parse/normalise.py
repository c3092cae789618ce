"""Undoes PDF-extraction noise in text: spaces inside CJK words, full-width forms, stray whitespace."""
from __future__ import annotations

import re

# Han ideographs, CJK punctuation and full-width forms: a space between two of these is an artefact.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201d\u2026"
# Whitespace inside a line: every Unicode white space character (str.isspace: space, tab, VT, FF, NBSP, U+3000,
# U+2000–U+200A, …). Line breaks never reach here: source.py splits lines on them.
_WS = r"[^\S\n]"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}]){_WS}+(?=[{_CJK}])")
_SPACES = re.compile(rf"{_WS}+")
_BULLET_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.．、]\s*")


def normalise(text: str) -> str:
    """Remove spaces the PDF extraction put inside CJK words ("财政 资金" -> "财政资金").

    Spaces between CJK and Latin/digits are kept ("15 万元", "思想 and 党的"); runs of
    whitespace collapse to one space; ends are stripped.
    """
    text = _SPACE_IN_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def squash(text: str) -> str:
    """Remove every space: for comparing labels and units ("服务对象满 意度指标", "元/平 方米月")."""
    return _SPACES.sub("", text)


def strip_item_number(text: str) -> tuple[str | None, str]:
    """Split a leading "1." / "1、" / "1 ." item number from its text."""
    m = _BULLET_NUMBER.match(text)
    if not m:
        return None, text
    return m.group(1), text[m.end():]
