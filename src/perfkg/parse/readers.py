"""Chooses the reader for a file by its content first and its suffix second (a `.pdf` that is HTML is read as HTML)."""
from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Callable

from perfkg.errors import InputError
from perfkg.model import BudgetDocument
from perfkg.parse.layout import Layout, too_large

DOCUMENT_SUFFIXES = (".txt", ".text", ".pdf", ".xlsx", ".xlsm", ".xls", ".ods", ".docx", ".html", ".htm", ".shtml")
_HTML = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta|title)\b",
                   re.I | re.S)
SUFFIX_KIND = {".txt": "text", ".text": "text", ".pdf": "pdf", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xlsx",
               ".ods": "xlsx", ".docx": "docx", ".html": "html", ".htm": "html", ".shtml": "html"}
KIND_NAMES = {"pdf": ("PDF", "PDF"), "xlsx": ("工作簿", "workbook"), "docx": ("Word 文件", "Word file"),
              "html": ("网页", "web page"), "text": ("文本", "text")}


def sniff(path: Path, head: bytes) -> str | None:
    """What the bytes are, whatever the name says: pdf, docx, xlsx (also xls/ods), html, doc, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError):
            return "broken-zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names or "content.xml" in names:
            return "xlsx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: .xls, an old .doc, or encrypted OOXML
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
            return "encrypted-office"
        return "doc" if path.suffix.lower() in (".doc", ".docx") else "xlsx"
    if _HTML.match(head[:2048]):
        return "html"
    return None


def reader_for(kind: str) -> Callable[[str | Path], Layout]:
    if kind == "pdf":
        from perfkg.parse.read_pdf import read_pdf
        return read_pdf
    if kind == "xlsx":
        from perfkg.parse.read_xlsx import read_xlsx
        return read_xlsx
    if kind == "docx":
        from perfkg.parse.read_docx import read_docx
        return read_docx
    if kind == "html":
        from perfkg.parse.read_html import read_html
        return read_html
    from perfkg.parse.read_text import read_text
    return read_text


def read_layout(path: str | Path, max_bytes: int | None = None) -> Layout:
    """Read any supported file into the table model; InputError (bilingual, naming the file) when it cannot be.

    max_bytes: refuse a larger file before reading it (the commands apply sources.Limits before they get here).
    """
    p = Path(path)
    shown = str(path)
    if not p.exists():
        raise InputError(shown, None, "文件不存在", "file not found")
    if p.is_dir():
        raise InputError(shown, None, "这是一个目录，不是文件", "is a directory, not a file")
    size = p.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise too_large(shown, size, max_bytes)
    with open(p, "rb") as f:
        head = f.read(4096)
    kind = sniff(p, head)
    expected = SUFFIX_KIND.get(p.suffix.lower())
    if kind == "encrypted-office":
        raise InputError(shown, None, "Office 文件已加密（需要密码），无法读取；请提供未加密的文件",
                         "the Office file is encrypted (password required) and cannot be read; supply an unencrypted "
                         "copy")
    if kind == "doc":
        raise InputError(shown, None, "旧版 Word（.doc）格式不支持：请另存为 DOCX 或 PDF",
                         "old Word (.doc) format is not supported: save it as DOCX or PDF")
    if kind in ("zip", "broken-zip"):
        what_zh, what_en = KIND_NAMES.get(expected or "", ("文件", "file"))
        raise InputError(shown, None, f"无法打开{what_zh}：压缩包损坏、被截断或不是 Office 文件",
                         f"cannot open the {what_en}: the archive is corrupt, truncated or not an Office file")
    if kind is None and expected in ("pdf", "xlsx", "docx"):
        what_zh, what_en = KIND_NAMES[expected]
        raise InputError(shown, None, f"文件名是{what_zh}，内容却不是（损坏、被截断或改了扩展名）",
                         f"named as a {what_en}, but the content is not one (corrupt, truncated or renamed)")
    return reader_for(kind or "text")(p)


def _reading_order(layout: Layout):
    """The layout as the SourceText the interpreter reads: one line per block or table row, numbered in order."""
    from perfkg.parse.source import SourceText

    if layout.source is not None:  # a text file: its own decoded lines, exactly as before
        return layout.source
    return SourceText(Path(layout.path), layout.name, None, layout.sha256, layout.lines())


def interpret(layout: Layout) -> BudgetDocument:
    """The Hebei template interpreted once, from the layout of any container (parse/document.py).

    For a table container the interpreter's "line N" is line N of the reading order; an error it raises is
    re-worded with the place in the file (page/sheet/table/row) instead.
    """
    from perfkg.parse.document import parse_document

    try:
        doc = parse_document(_reading_order(layout))
    except InputError as e:
        if e.reason_en.startswith("not a budget-performance document"):
            doc = _header_driven(layout)  # issue 11: tables of every other layout, read by their headers
            if doc is not None:
                return doc
        what = _what_it_is(layout) if e.reason_en.startswith("not a budget-performance document") else None
        if what is not None:
            raise InputError(layout.path, None, *what) from None
        if layout.source is not None:
            raise
        locations = layout.locations()
        where = locations.get(e.line) if e.line is not None else None
        zh, en = _relocate(e.reason_zh, "zh", locations), _relocate(e.reason_en, "en", locations)
        if where is not None:
            zh, en = f"{where.describe('zh')}：{zh}", f"{where.describe('en')}: {en}"
        raise InputError(layout.path, None, zh, en) from None
    doc.container = layout.container
    doc.notices = list(layout.notices)
    if layout.source is None:
        doc.locations = layout.locations()
        doc.warnings = [replace(w, message_zh=_relocate(w.message_zh, "zh", doc.locations),
                                message_en=_relocate(w.message_en, "en", doc.locations)) for w in doc.warnings]
    return doc


_LINE_ZH = re.compile(r"第 (\d+) 行")
_LINE_EN = re.compile(r"\blines? (\d+)\b")


def _relocate(message: str, lang: str, locations: dict) -> str:
    """The interpreter's "line N" of a table container's reading order, said as the place in the file."""
    def place(m: re.Match) -> str:
        where = locations.get(int(m.group(1)))
        return where.describe(lang) if where is not None else m.group(0)
    return (_LINE_ZH if lang == "zh" else _LINE_EN).sub(place, message)


def _header_driven(layout: Layout) -> BudgetDocument | None:
    """The file read by perfkg.parse.tables when the Hebei template does not claim it; None when nothing is known."""
    from perfkg.parse.tables import interpret_tables

    doc = interpret_tables(layout)
    if doc is not None:
        doc.container = layout.container
        doc.notices = list(layout.notices)
        if layout.source is None:
            doc.locations = layout.locations()
    return doc


_BUDGET_TITLES = re.compile(r"(?:部门)?(?:财务)?收支预算总表|收入预算表|(?:一般公共预算|政府性基金预算)?(?:财政拨款)?支出(?:预算)?表|"
                            r"“?三公”?经费|政府采购预算")


_TARGET_TABLE = re.compile(r"一级指标|绩效目标表")


def _what_it_is(layout: Layout) -> tuple[str, str] | None:
    """A file that is not a 绩效文本 but a budget disclosure: say so, with the tables seen (zh, en)."""
    from perfkg.parse.layout import Block

    seen: list[str] = []
    for item in layout.items:
        texts = [item.text] if isinstance(item, Block) else [c.text for c in item.cells]
        if any(_TARGET_TABLE.search(text.replace(" ", "")) for text in texts):
            return None  # it has a target table, in a layout the interpreter does not read: its own error stands
        for text in texts:
            m = _BUDGET_TITLES.search(text.replace(" ", ""))
            if m and m.group(0) not in seen:
                seen.append(m.group(0))
    seen += [n.location.sheet for n in layout.notices if n.code == "budget-sheet" and n.location.sheet]
    if not seen:
        return None
    listed = "、".join(seen[:6])
    return (f"部门预算公开表，无绩效目标表（见到：{listed}）",
            f"a budget disclosure with no target table (found: {', '.join(seen[:6])})")


def read_document(path: str | Path) -> tuple[BudgetDocument, Layout]:
    """Read any supported file and interpret it; InputError (bilingual, naming file and place) when it cannot be."""
    layout = read_layout(path)
    return interpret(layout), layout


def parse_path(path: str | Path) -> BudgetDocument:
    """The document model of any supported file (the reader table of sources.py points every suffix here)."""
    return read_document(path)[0]


def cell_coverage(doc: BudgetDocument) -> tuple[int, int]:
    """(read, total) non-empty table cells: a row's cells count as read only when the interpreter read the whole row
    (a row with a cell it could not place is unrecognised, so all of that row's cells count as unread)."""
    read = total = 0
    for line, keys in doc.line_map.items():
        text = doc.lines[line - 1]
        if "\t" not in text:
            continue
        cells = sum(1 for c in text.split("\t") if c.strip())
        total += cells
        read += cells if keys != ["unrecognised"] else 0
    return read, total
