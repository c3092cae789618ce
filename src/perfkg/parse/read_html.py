"""Reads a saved web page (lxml.html) into the table model: paragraphs as blocks, tables with rowspan/colspan."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from perfkg.errors import InputError
from perfkg.parse.layout import Block, Layout, Location, build_table, expand_spans

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "blockquote", "caption", "title",
              "div", "section", "article", "header", "footer", "center", "td", "th", "body"}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "nav", "select", "option", "button"}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
MAX_SPAN = 1000


def _decode(data: bytes) -> str:
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gb2312", "gbk", "gb_2312-80"):
        declared = "gb18030"  # GB18030 is a superset: pages declaring GB2312 often use GBK characters
    for encoding in filter(None, (declared, "utf-8", "gb18030")):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


def _text(element) -> str:
    """Visible text: whitespace collapsed as a browser does, <br> kept as a line break."""
    parts: list[str] = []

    def visit(el) -> None:
        if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:  # comments, scripts: their tail is the parent's
            return
        if el.tag == "br":
            parts.append("\n")
        else:
            parts.append(el.text or "")
            for child in el:
                visit(child)
                parts.append(child.tail or "")
    visit(element)
    lines = [_SPACES.sub(" ", line.replace("\n", " ")).strip() for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), MAX_SPAN))
    except ValueError:
        return 1


class _Walker:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.paragraphs = 0
        self.tables = 0

    def block(self, text: str) -> None:
        for line in text.split("\n"):  # a <br> inside a paragraph starts a new line of the document
            if line.strip():
                self.paragraphs += 1
                self.layout.items.append(Block(line, Location(self.layout.name, paragraph=self.paragraphs)))

    def table(self, table) -> None:
        self.tables += 1
        number, name = self.tables, self.layout.name
        rows = []
        for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
            rows.append([(_text(td), _span(td.get("rowspan")), _span(td.get("colspan")), None)
                         for td in tr if td.tag in ("td", "th")])
        if not rows:
            return
        origins = [(r, c, rs, cs, text, Location(name, table=number, row=r + 1, column=c + 1))
                   for r, c, rs, cs, text, _ in expand_spans(rows)]
        self.layout.items.append(build_table(number, origins,
                                             [Location(name, table=number, row=r + 1) for r in range(len(rows))]))

    def walk(self, el) -> None:
        if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
            return
        if el.tag == "table" and not el.xpath(".//table"):
            self.table(el)
            return
        if el.tag in ("table", "tbody", "thead", "tfoot", "tr"):  # a layout table around the content: look inside
            for child in el:
                self.walk(child)
            return
        has_blocks = any(isinstance(d.tag, str) and (d.tag in BLOCK_TAGS or d.tag == "table")
                         for d in el.iterdescendants())
        if not has_blocks:
            self.block(_text(el))
            return
        if el.text and el.text.strip():
            self.block(_text_only(el.text))
        for child in el:
            self.walk(child)
            if child.tail and child.tail.strip():
                self.block(_text_only(child.tail))


def _text_only(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def read_html(path: str | Path) -> Layout:
    import lxml.html
    from lxml.etree import ParserError

    p = Path(path)
    shown = str(path)
    data = p.read_bytes()
    try:
        root = lxml.html.document_fromstring(_decode(data))
    except (ParserError, ValueError) as e:
        raise InputError(shown, None, f"无法解析网页（{type(e).__name__}）", f"cannot parse the web page ({e})") from None
    layout = Layout(shown, p.name, "html", hashlib.sha256(data).hexdigest())
    body = root.find("body")
    _Walker(layout).walk(body if body is not None else root)
    if not layout.items:
        raise InputError(shown, None, "网页中没有任何文字", "the web page contains no text")
    return layout
