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


def _cell_text(tc, document) -> str:
    from docx.text.paragraph import Paragraph

    return "\n".join(Paragraph(p, document).text for p in tc.iter(f"{_W}p"))


def _body_elements(parent):
    """Paragraphs and tables in document order, looking inside content controls (w:sdt)."""
    for child in parent:
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_elements(content)


def _table(tbl, document, number: int, name: str):
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
                row.append((_cell_text(tc, document), 1, span, None))
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
    from docx.text.paragraph import Paragraph
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
    paragraphs = tables = 0
    for element in _body_elements(document.element.body):
        if element.tag == f"{_W}tbl":
            tables += 1
            layout.items.append(_table(element, document, tables, p.name))
            continue
        text = Paragraph(element, document).text
        if text.strip():
            paragraphs += 1
            layout.items.append(Block(text, Location(p.name, paragraph=paragraphs)))
    if not layout.items:
        raise InputError(shown, None, "Word 文件中没有任何文字", "the Word file contains no text")
    return layout
