"""Reads a PDF with a text layer (pdfplumber) into the table model: merged cells rebuilt, pages joined, fonts
checked."""
from __future__ import annotations

import bisect
import hashlib
import re
from pathlib import Path

from perfkg.errors import InputError
from perfkg.parse.layout import Block, Layout, Location, Notice, Table, build_table, join_wrapped

MAX_PAGES = 2000
_CID = re.compile(r"\(cid:\d+\)")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–\s]*$")
_EDGE = 1.5  # points: two box edges this close are one grid line


def _unmapped(ch: str) -> bool:
    return "\ue000" <= ch <= "\uf8ff" or ch.startswith("(cid:")


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _EDGE:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    i = bisect.bisect_left(edges, value - _EDGE)
    return min(i, len(edges) - 1)


class _PageTable:
    """One pdfplumber table on one page: cell boxes with their row spans, row boxes, column edges.

    Columns are placed when the table's parts are merged (_merge_parts): a part on a later page may lack some of the
    vertical lines (the rows that draw them are on another page), so every part is placed on the union of edges.
    """

    def __init__(self, table, page_number: int):
        self.page = page_number
        self.bbox = table.bbox
        boxes = table.cells
        self.xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
        self.ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
        texts = table.extract()
        self.cells: list[list] = []  # [row, rowspan, box, text]
        for row, row_texts in zip(table.rows, texts):
            for box, text in zip(row.cells, row_texts):
                if box is None:  # covered by a merged cell: pdfplumber gives no span, the box tells it
                    continue
                r0, r1 = _index(self.ys, box[1]), _index(self.ys, box[3])
                self.cells.append([r0, max(1, r1 - r0), box, join_wrapped(text or "")])
        self.rows = len(self.ys) - 1
        self.row_boxes = [(self.bbox[0], self.ys[r], self.bbox[2], self.ys[r + 1]) for r in range(self.rows)]

    def row_texts(self, r: int) -> list[str]:
        return [c[3] for c in sorted(self.cells, key=lambda c: c[2][0]) if c[0] == r]

    def row_cells(self, r: int, xs: list[float]) -> dict[tuple[int, int], list]:
        """The cells that start in row r, by (column, colspan) on the edges xs."""
        out = {}
        for cell in self.cells:
            if cell[0] == r:
                c0, c1 = _index(xs, cell[2][0]), _index(xs, cell[2][2])
                out[(c0, max(1, c1 - c0))] = cell
        return out

    def continues(self, other: "_PageTable") -> bool:
        """Same outer edges: a continuation of this table on the next page."""
        return abs(self.xs[0] - other.xs[0]) <= 2 and abs(self.xs[-1] - other.xs[-1]) <= 2


def _open(path: Path, shown: str):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path)
        pages = pdf.pages  # forces the page tree, where truncation and encryption show
    except Exception as e:  # pdfplumber wraps pdfminer's errors in PdfminerException
        cause = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if isinstance(cause, PDFPasswordIncorrect) or "password" in type(cause).__name__.lower():
            raise InputError(shown, None, "PDF 已加密（需要密码），无法读取；请提供未加密的文件",
                             "the PDF is encrypted (password required) and cannot be read; supply an unencrypted copy"
                             ) from None
        raise InputError(shown, None, f"无法打开 PDF：文件损坏或被截断（{type(cause).__name__}）",
                         f"cannot open the PDF: corrupt or truncated ({type(cause).__name__}: {cause})") from None
    return pdf, pages


def read_pdf(path: str | Path) -> Layout:
    p = Path(path)
    shown = str(path)
    data = p.read_bytes()
    pdf, pages = _open(p, shown)
    layout = Layout(shown, p.name, "pdf", hashlib.sha256(data).hexdigest(), pages=len(pages))
    if len(pages) > MAX_PAGES:
        pdf.close()
        raise InputError(shown, None, f"PDF 页数过多（{len(pages)} 页，上限 {MAX_PAGES} 页），未读取",
                         f"too many pages ({len(pages)}, limit {MAX_PAGES}); not read")
    try:
        _read_pages(pdf, pages, layout, shown)
    except InputError:
        raise
    except Exception as e:  # a page pdfminer cannot interpret: corrupt content stream
        raise InputError(shown, None, f"PDF 内容损坏，无法读取（{type(e).__name__}）",
                         f"corrupt PDF content, cannot read it ({type(e).__name__}: {e})") from None
    finally:
        pdf.close()
    return layout


def _read_pages(pdf, pages, layout: Layout, shown: str) -> None:
    name = layout.name
    page_items: list[list[tuple[float, object]]] = []
    right = 0.0
    text_pages = image_pages = 0
    chars_total = unmapped_total = 0
    for page in pages:
        number = page.page_number
        chars = page.chars
        if not chars:
            if page.images:
                image_pages += 1
                layout.notices.append(Notice("page-without-text", Location(name, page=number),
                                             "本页只有图像，没有文字层（扫描件）：需要 OCR，perfkg 不做 OCR，本页未读取",
                                             "this page is an image with no text layer (a scan): OCR is needed and "
                                             "perfkg does not do OCR; page not read"))
            page_items.append([])
            continue
        text_pages += 1
        unmapped = sum(1 for c in chars if _unmapped(c["text"]))
        chars_total += len(chars)
        unmapped_total += unmapped
        if unmapped:
            layout.notices.append(Notice(
                "font-without-unicode", Location(name, page=number),
                f"本页有 {unmapped} 个字符的字体没有 Unicode 映射（(cid:NN) 或私用区字符），这些文字无法还原",
                f"{unmapped} characters on this page use a font without a Unicode map ((cid:NN) or private-use "
                "characters); that text cannot be recovered"))
        tables = [_PageTable(t, number) for t in page.find_tables()]
        inside = [t.bbox for t in tables]

        def outside(obj, inside=inside) -> bool:
            if obj.get("object_type") != "char":
                return True
            x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
            return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in inside)

        margin = (page.height * 0.1, page.height * 0.9)  # a bare page number up here or down there is furniture
        lines = [ln for ln in page.filter(outside).extract_text_lines()
                 if not (_PAGE_NUMBER.match(ln["text"]) and (ln["bottom"] < margin[0] or ln["top"] > margin[1]))]
        right = max([right] + [ln["x1"] for ln in lines])
        items = [(ln["top"], ln) for ln in lines] + [(t.bbox[1], t) for t in tables]
        page_items.append(sorted(items, key=lambda it: it[0]))
    if not text_pages:
        if image_pages:
            raise InputError(shown, None,
                             "扫描件 PDF：没有文字层，需要先做 OCR（文字识别），perfkg 不做 OCR",
                             "scanned PDF with no text layer: OCR is needed and perfkg does not do OCR")
        raise InputError(shown, None, "PDF 中没有任何文字", "the PDF contains no text")
    if unmapped_total == chars_total:
        raise InputError(shown, None, "PDF 的字体都没有 Unicode 映射（(cid:NN)），无法提取文字；需要 OCR，perfkg 不做 OCR",
                         "no font in the PDF has a Unicode map ((cid:NN)): its text cannot be extracted; OCR would be "
                         "needed and perfkg does not do OCR")
    _assemble(layout, page_items, right)


def _assemble(layout: Layout, page_items: list[list[tuple[float, object]]], right: float) -> None:
    """Paragraphs from lines, tables continued over a page merged (repeated header dropped), in reading order."""
    name = layout.name
    open_table: list[_PageTable] | None = None  # the parts of the table being built
    paragraph: list[dict] = []
    paragraph_page = 0

    def flush_paragraph() -> None:
        nonlocal paragraph
        if paragraph:
            text = join_wrapped("\n".join(ln["text"] for ln in paragraph))
            first = paragraph[0]
            layout.items.append(Block(text, Location(name, page=paragraph_page,
                                                     bbox=(first["x0"], first["top"], paragraph[-1]["x1"],
                                                           paragraph[-1]["bottom"]))))
            paragraph = []

    def flush_table() -> None:
        nonlocal open_table
        if open_table:
            number = sum(isinstance(i, Table) for i in layout.items) + 1
            layout.items.append(_merge_parts(open_table, number, name, layout.notices))
        open_table = None

    for page_number, items in enumerate(page_items, 1):
        for position, (_, item) in enumerate(items):
            if isinstance(item, _PageTable):
                flush_paragraph()
                continued = (open_table is not None and position == 0 and open_table[-1].page == page_number - 1
                             and open_table[-1].continues(item))
                if not continued:
                    flush_table()
                    open_table = []
                open_table.append(item)
                continue
            if open_table is not None:
                flush_table()
            size = item["chars"][-1]["size"] if item.get("chars") else 10
            if paragraph and paragraph_page == page_number and _continues(paragraph[-1], item, right, size):
                paragraph.append(item)
                continue
            flush_paragraph()
            paragraph, paragraph_page = [item], page_number
        # a paragraph never continues over a page here: a page break ends it (the interpreter rejoins sentences)
        flush_paragraph()
    flush_table()


def _continues(previous: dict, line: dict, right: float, size: float) -> bool:
    """A wrapped line: the previous one ran to the right margin and this one is not indented past it."""
    full = previous["x1"] >= right - 1.5 * size
    indented = line["x0"] > previous["x0"] + 0.8 * size
    close = line["top"] - previous["bottom"] < 1.2 * size
    return full and not indented and close


def _merge_parts(parts: list[_PageTable], number: int, name: str, notices: list[Notice]) -> Table:
    """One Table from a table's parts on consecutive pages: a header row repeated at the top of a part is dropped,
    and a row broken by the page (Word's default for rows) is joined back into one row, with a notice."""
    xs = _edges([x for part in parts for x in part.xs])
    for k in range(1, len(parts)):
        part, previous = parts[k], parts[k - 1]
        skip = 0
        while skip < min(part.rows, parts[0].rows) and part.row_texts(skip) == parts[0].row_texts(skip):
            skip += 1
        for cell in part.cells:
            if cell[0] < skip:
                cell[0] = -1  # dropped: a repeated header
        if skip < part.rows and _join_broken_row(previous, part, skip, xs):
            notices.append(Notice("row-split-over-pages", Location(name, page=part.page, table=number),
                                  f"表 {number} 有一行被分页断开（上一页末行在本页续完），已合并为一行",
                                  f"a row of table {number} is broken by the page break (the last row of the previous "
                                  "page continues here); joined back into one row"))
            skip += 1
        part.skip = skip
    origins, row_locations = [], []
    offset = 0
    for part in parts:
        skip = getattr(part, "skip", 0)
        for r0, rs, box, text in part.cells:
            if r0 < skip:
                continue
            c0, c1 = _index(xs, box[0]), _index(xs, box[2])
            r = r0 - skip + offset
            origins.append((r, c0, rs, max(1, c1 - c0), text,
                            Location(name, page=part.page, table=number, row=r + 1, column=c0 + 1, bbox=tuple(box))))
        for r in range(skip, part.rows):
            row = r - skip + offset
            row_locations.append(Location(name, page=part.page, table=number, row=row + 1, bbox=part.row_boxes[r]))
        offset += part.rows - skip
    return build_table(number, origins, row_locations)


def _join_broken_row(previous: _PageTable, part: _PageTable, first: int, xs: list[float]) -> bool:
    """The first row of `part` continues the last row of `previous` when its text sits only in cells the last row
    also has text in, and some of those cells are empty here (their text ended on the previous page)."""
    last = previous.row_cells(previous.rows - 1, xs)
    here = part.row_cells(first, xs)
    filled_last = {key for key, cell in last.items() if cell[3]}
    filled_here = {key for key, cell in here.items() if cell[3]}
    if not filled_here or not filled_here <= filled_last or filled_here == filled_last:
        return False
    for key in filled_here:
        last[key][3] = join_wrapped(last[key][3] + "\n" + here[key][3])
    for cell in here.values():  # a merged cell that goes on below starts one row later
        if cell[1] > 1:
            cell[0], cell[1] = first + 1, cell[1] - 1
        else:
            cell[0] = -1
    return True
