"""Reads a DOCX (python-docx) into the table model, spans taken from the table XML (gridSpan, vMerge, gridBefore)."""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from perfkg.errors import InputError
from perfkg.parse.layout import Block, Layout, Location, build_table, expand_spans

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _val(element, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.get(f"{_W}val", "")


_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int) -> str:
    """1-99 as 一 … 十 … 九十九."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _format(n: int, fmt: str) -> str:
    if fmt.startswith("chineseCounting") or fmt in ("ideographTraditional", "japaneseCounting", "taiwaneseCounting"):
        return _chinese(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalEnclosedCircle" and n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _Numbering:
    """Word's automatic paragraph numbers ("（一）", "1.") are not in the text python-docx returns: rebuild them from
    numbering.xml (w:num → w:abstractNum levels: start, numFmt, lvlText, suff). As in Word and LibreOffice, lists
    that share an abstract definition count on together; a w:lvlOverride/w:startOverride restarts a list."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[int, str, str, str]]] = {}  # abstractNumId -> level -> definition
        self.abstract_of: dict[str, str] = {}  # numId -> abstractNumId
        self.restarts: dict[str, dict[int, int]] = {}  # numId -> level -> start, applied when the list is first used
        self.counters: dict[str, list[int]] = {}
        self.started: set[str] = set()
        self.style_numbering: dict[str, tuple[str, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for a in numbering.findall(f"{_W}abstractNum"):
            self.levels[a.get(f"{_W}abstractNumId")] = {
                int(lvl.get(f"{_W}ilvl")): (int(_val(lvl, f"{_W}start") or 1), _val(lvl, f"{_W}numFmt") or "decimal",
                                            _val(lvl, f"{_W}lvlText") or "", _val(lvl, f"{_W}suff") or "tab")
                for lvl in a.findall(f"{_W}lvl")}
        for num in numbering.findall(f"{_W}num"):
            num_id = num.get(f"{_W}numId")
            self.abstract_of[num_id] = _val(num, f"{_W}abstractNumId")
            self.restarts[num_id] = {int(o.get(f"{_W}ilvl")): int(_val(o, f"{_W}startOverride"))
                                     for o in num.findall(f"{_W}lvlOverride")
                                     if _val(o, f"{_W}startOverride") is not None}
        for style in document.styles.element.findall(f"{_W}style"):
            num_id = _val(style, f"{_W}pPr/{_W}numPr/{_W}numId")
            if num_id is not None:
                ilvl = int(_val(style, f"{_W}pPr/{_W}numPr/{_W}ilvl") or 0)
                self.style_numbering[style.get(f"{_W}styleId")] = (num_id, ilvl)

    def label(self, p) -> str:
        """The number Word shows before paragraph p ("" when it has none), with its separator."""
        num_id = _val(p, f"{_W}pPr/{_W}numPr/{_W}numId")
        ilvl = int(_val(p, f"{_W}pPr/{_W}numPr/{_W}ilvl") or 0)
        if num_id is None:
            num_id, ilvl = self.style_numbering.get(_val(p, f"{_W}pPr/{_W}pStyle"), (None, 0))
        abstract = self.abstract_of.get(num_id or "0")
        levels = self.levels.get(abstract or "")
        if not levels or ilvl not in levels:
            return ""
        counts = self.counters.setdefault(abstract, [0] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for level, start in self.restarts.get(num_id, {}).items():
                counts[level] = start - 1
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else levels[ilvl][0]
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        text = levels[ilvl][2]
        for k in range(ilvl, -1, -1):
            if k in levels:
                text = text.replace(f"%{k + 1}", _format(counts[k] or levels[k][0], levels[k][1]))
        if not text:
            return ""
        return text + {"nothing": "", "space": " "}.get(levels[ilvl][3], " ")  # a tab after the number: a space


def _paragraph_text(p, document, numbering: _Numbering) -> str:
    from docx.text.paragraph import Paragraph

    text = Paragraph(p, document).text
    return numbering.label(p) + text if text.strip() else text


def _cell_text(tc, document, numbering: _Numbering) -> str:
    return "\n".join(_paragraph_text(p, document, numbering) for p in tc.iter(f"{_W}p"))


def _body_elements(parent):
    """Paragraphs and tables in document order, looking inside content controls (w:sdt)."""
    for child in parent:
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_elements(content)


def _table(tbl, document, number: int, name: str, numbering: _Numbering):
    """python-docx repeats a merged cell in row.cells; read each w:tc once with its gridSpan and vMerge instead."""
    rows: list[list[tuple[str, int, int, object]]] = []
    starts: dict[int, tuple[int, int]] = {}  # grid column -> (row, index in that row) of the open vertical merge
    for r, tr in enumerate(tbl.findall(f"{_W}tr")):
        row: list[tuple[str, int, int, object]] = []
        column = int(_val(tr, f"{_W}trPr/{_W}gridBefore") or 0)
        if column:  # cells missing before the first one: an empty placeholder keeps the columns aligned
            row.append(("", 1, column, None))
        for tc in tr.findall(f"{_W}tc"):
            span = int(_val(tc, f"{_W}tcPr/{_W}gridSpan") or 1)
            merge = _val(tc, f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge != "restart" and column in starts:
                origin_row, index = starts[column]
                text, rowspan, colspan, payload = rows[origin_row][index]
                rows[origin_row][index] = (text, rowspan + 1, colspan, payload)
                row.append(None)  # placeholder: the position is covered
            else:
                if merge == "restart":
                    starts[column] = (r, len(row))
                else:
                    starts.pop(column, None)
                row.append((_cell_text(tc, document, numbering), 1, span, None))
            column += span
        rows.append(row)
    # covered positions were placeholders; expand_spans places the remaining cells around the spans
    cleaned = [[c for c in row if c is not None] for row in rows]
    origins = expand_spans(cleaned)
    row_locations = [Location(name, table=number, row=r + 1) for r in range(len(rows))]
    return build_table(number, [(r, c, rs, cs, text, Location(name, table=number, row=r + 1, column=c + 1))
                                for r, c, rs, cs, text, _ in origins], row_locations)


def read_docx(path: str | Path) -> Layout:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    p = Path(path)
    shown = str(path)
    data = p.read_bytes()
    try:
        document = docx.Document(str(p))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError) as e:
        raise InputError(shown, None, f"无法打开 Word 文件：文件损坏或被截断（{type(e).__name__}）",
                         f"cannot open the Word file: corrupt or truncated ({type(e).__name__}: {e})") from None
    layout = Layout(shown, p.name, "docx", hashlib.sha256(data).hexdigest())
    numbering = _Numbering(document)
    paragraphs = tables = 0
    for element in _body_elements(document.element.body):
        if element.tag == f"{_W}tbl":
            tables += 1
            layout.items.append(_table(element, document, tables, p.name, numbering))
            continue
        text = _paragraph_text(element, document, numbering)
        if text.strip():
            paragraphs += 1
            layout.items.append(Block(text, Location(p.name, paragraph=paragraphs)))
    if not layout.items:
        raise InputError(shown, None, "Word 文件中没有任何文字", "the Word file contains no text")
    return layout
