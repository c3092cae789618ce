"""Builds the container samples from scripts/sample_sources.py: text, DOCX, XLSX, HTML, PDF (LibreOffice), scans.

    .venv/bin/python scripts/make_samples.py [--out DIR] [--no-pdf]

Writes samples/containers/ (the five-container twin set of one document, and an image-only PDF) and samples/demo/
(a PDF and a workbook with budget sheets around its target sheets: two different documents, which `make demo`
loads beside data/). The twins are one document in five files, so they are kept out of any folder that is loaded
whole: a folder holding two files of the same document is refused as a collision. DOCX and XLSX get real merged cells
(python-docx, openpyxl); the PDFs are converted from the DOCX by LibreOffice headless, as offices make them.
"""
from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sample_sources import (BUDGET_SHEETS_AFTER, BUDGET_SHEETS_BEFORE, DOC_2024, DOC_2025, HEADER,  # noqa: E402
                            UNIT)

ROOT = Path(__file__).resolve().parent.parent
COLUMN_CM = (2.2, 2.4, 2.8, 3.6, 2.4, 1.6, 1.0)  # 7 grid columns, 16 cm


# -- the document as blocks and grids ---------------------------------------------------------------------------
def project_grid(p: dict) -> list[list[tuple[str, int, int]]]:
    """Rows of (text, rowspan, colspan) cells; a position covered by a span above is simply absent."""
    rows: list[list[tuple[str, int, int]]] = [
        [("项目编码", 1, 1), (p["code"], 1, 2), ("项目名称", 1, 1), (p["name"], 1, 3)],
        [("预算规模及资金用途", 2, 1), ("预算数", 1, 1), (p["budget"], 1, 1), ("其中：财政资金", 1, 1),
         (p["fiscal"], 1, 1), ("其他资金", 1, 1), (p["other"], 1, 1)],
        [(p["uses"], 1, 6)],
        [("资金支出计划（%）", 2, 1), (p["labels"][0], 1, 2)] + [(lab, 1, 1) for lab in p["labels"][1:]] + [("", 1, 1)],
        [(p["values"][0], 1, 2)] + [(v, 1, 1) for v in p["values"][1:]] + [("", 1, 1)],
        [("绩效目标", 1, 1), (p["goals"], 1, 6)],
        [(h, 1, 1) for h in HEADER[:5]] + [(HEADER[5], 1, 2)],
    ]
    indicators = p["indicators"]
    for i, (l1, l2, name, desc, value, basis) in enumerate(indicators):
        row = []
        for level, text in ((0, l1), (1, l2)):
            if text:
                span = 1
                while i + span < len(indicators) and indicators[i + span][level] == "" and \
                        (level == 0 or indicators[i + span][0] == ""):
                    span += 1
                row.append((text, span, 1))
        row += [(name, 1, 1), (desc, 1, 1), (value, 1, 1), (basis, 1, 2)]
        rows.append(row)
    return rows


def place(rows: list[list[tuple[str, int, int]]]) -> list[tuple[int, int, int, int, str]]:
    """(row, col, rowspan, colspan, text) for each cell, skipping positions covered from above."""
    taken, out = set(), []
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            out.append((r, c, rs, cs, text))
            c += cs
    return out


def items(doc: dict) -> list[tuple[str, object]]:
    """The document in reading order: ("p", text), ("toc", (title, page)), ("table", project)."""
    out: list[tuple[str, object]] = [("p", doc["title"]), ("p", doc["compiler"]), ("p", doc["reviewer"]),
                                     ("p", "目 录"), ("p", "第一部分 部门整体绩效目标")]
    out += [("toc", ("一、总体绩效目标", 2)), ("toc", ("二、分项绩效目标", 2)), ("toc", ("三、工作保障措施", 3)),
            ("p", "第二部分 预算项目绩效目标")]
    out += [("toc", (f"{i}.{p['name']}绩效目标表", 4 + i)) for i, p in enumerate(doc["projects"], 1)]
    out += [("p", "第一部分"), ("p", "部门整体绩效目标"), ("p", "一、总体绩效目标")]
    out += [("p", t) for t in doc["overall"]]
    out += [("p", "二、分项绩效目标")] + [("p", n + t) for n, t in doc["subgoals"]]
    out += [("p", "三、工作保障措施")]
    for number, heading, intro, measure_items in doc["measures"]:
        out += [("p", number + heading), ("p", intro)]
        out += [("p", f"{i}.{t}") for i, t in enumerate(measure_items, 1)]
    out += [("p", "第二部分"), ("p", "预算项目绩效目标")]
    for i, p in enumerate(doc["projects"], 1):
        out += [("p", f"{i}.{p['name']}绩效目标表"), ("p", UNIT), ("p", "单位：万元"), ("table", p)]
    return out


def toc_text(title: str, page: int, sep: str) -> str:
    return f"{title}.....{sep}{page}"


# -- renderers --------------------------------------------------------------------------------------------------
def write_text(doc: dict, path: Path) -> None:
    lines = [""]
    for kind, value in items(doc):
        if kind == "p":
            lines += [value, ""]
        elif kind == "toc":
            lines += [toc_text(*value, "\t"), ""]
        else:
            grid = [[""] * 7 for _ in project_grid(value)]
            for r, c, _, _, text in place(project_grid(value)):
                grid[r][c] = text
            lines += ["\t".join(row) for row in grid] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")


_NUMBERED = re.compile(r"^(?:（(?P<cn>[一二三四五六七八九十]+)）|(?P<n>\d+)\.)(?P<text>.+)$")


def _auto_numbering(d) -> dict[str, int]:
    """Add Word list definitions: （一） in Chinese counting, 1. in decimals; the numIds for sub-goals, measure
    sections and the items of each section (a new list per section, restarted at 1 as Word does it)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = d.part.numbering_part.element
    for abstract_id, fmt, text in ((90, "chineseCounting", "（%1）"), (91, "decimal", "%1.")):
        numbering.insert(0, parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{fmt}"/><w:suff w:val="nothing"/><w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'))
    ids = {"subgoals": 90, "measures": 91, **{f"items-{k}": 92 + k for k in range(20)}}
    for name, num_id in ids.items():  # lists sharing a definition count on in Word: each later list restarts at 1
        abstract_id = 91 if name.startswith("items") else 90
        restart = "" if name in ("subgoals", "items-0") else \
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                                   f'<w:abstractNumId w:val="{abstract_id}"/>{restart}</w:num>'))
    return ids


def _number_paragraph(paragraph, num_id: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", 0), ("w:numId", num_id)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(value))
        num_pr.append(element)
    paragraph._p.get_or_add_pPr().append(num_pr)


def write_docx(doc: dict, path: Path, rows_may_split: bool = False, auto_numbering: bool = False) -> None:
    """rows_may_split: Word's default (允许跨行断页): a tall row at a page end continues on the next page.
    auto_numbering: sub-goal, measure and item numbers as Word list numbering, not typed text (python-docx's
    paragraph.text then lacks them)."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = Document()
    style = d.styles["Normal"]
    style.font.size = Pt(10.5)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")
    style.paragraph_format.space_after = Pt(6)
    section = d.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    ids = _auto_numbering(d) if auto_numbering else {}
    region, section = None, -1
    for kind, value in items(doc):
        if kind == "p":
            region = {"二、分项绩效目标": "subgoals", "三、工作保障措施": "measures", "第二部分": None}.get(value, region)
            m = _NUMBERED.match(value) if auto_numbering and region else None
            if m and region == "subgoals":
                _number_paragraph(d.add_paragraph(m.group("text")), ids["subgoals"])
            elif m and m.group("cn"):
                section += 1
                _number_paragraph(d.add_paragraph(m.group("text")), ids["measures"])
            elif m:
                _number_paragraph(d.add_paragraph(m.group("text")), ids[f"items-{section}"])
            else:
                d.add_paragraph(value)
        elif kind == "toc":
            d.add_paragraph(toc_text(*value, "\t"))
        else:
            grid = project_grid(value)
            table = d.add_table(rows=len(grid), cols=7)
            table.style = "Table Grid"
            table.autofit = False
            for r, c, rs, cs, text in place(grid):
                cell = table.cell(r, c)
                if rs > 1 or cs > 1:
                    cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(9)
                cell.paragraphs[0].paragraph_format.space_after = Pt(0)
            for c, column in enumerate(table.columns):
                column.width = Cm(COLUMN_CM[c])
            for row in table.rows:
                for c, cell in enumerate(row.cells):
                    cell.width = Cm(COLUMN_CM[c])
                if not rows_may_split:  # a row is never broken across two pages
                    keep = OxmlElement("w:cantSplit")
                    keep.set(qn("w:val"), "true")
                    row._tr.get_or_add_trPr().append(keep)
            header = table.rows[0]._tr.get_or_add_trPr()  # the identity row repeats on a new page
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            header.append(repeat)
            d.add_paragraph("")
    d.save(path)


def write_html(doc: dict, path: Path) -> None:
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{html.escape(doc['title'])}</title>",
           "<style>table{border-collapse:collapse}td,th{border:1px solid #444;padding:2px 4px}</style></head><body>"]
    for kind, value in items(doc):
        if kind == "p":
            tag = "h1" if value == doc["title"] else "p"
            out.append(f"<{tag}>{html.escape(value)}</{tag}>")
        elif kind == "toc":
            out.append(f'<p class="toc">{html.escape(toc_text(*value, " "))}</p>')
        else:
            grid = project_grid(value)
            out.append("<table>")
            for r, row in enumerate(grid):
                tag = "th" if r == 6 else "td"  # the indicator header row as <th>, as many sites publish it
                cells = "".join(
                    f"<{tag}{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>"
                    f"{html.escape(text)}</{tag}>" for text, rs, cs in row)
                out.append(f"<tr>{cells}</tr>")
            out.append("</table>")
    out.append("</body></html>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _sheet_rows(ws, entries, start=1) -> int:
    """Write items to a sheet from row `start`; text fills column A merged across A:G. Returns the next row."""
    r = start
    for kind, value in entries:
        if kind == "p":
            ws.cell(r, 1, value)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=7)
            r += 1
        elif kind == "toc":
            ws.cell(r, 1, f"{value[0]}.....")
            ws.cell(r, 2, value[1])
            r += 1
        else:
            for rr, c, rs, cs, text in place(project_grid(value)):
                number = text.isdigit() and c in (2, 4, 6) and rr == 1  # amounts are numbers in a workbook
                cell = ws.cell(r + rr, c + 1, int(text) if number else (text or None))
                if text.startswith("="):  # "=100%" is a target, not a formula
                    cell.data_type = "s"
                if rs > 1 or cs > 1:
                    ws.merge_cells(start_row=r + rr, start_column=c + 1, end_row=r + rr + rs - 1,
                                   end_column=c + cs)
            r += len(project_grid(value)) + 1
    return r


def write_xlsx(doc: dict, path: Path, budget_sheets: bool) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)

    def budget(name, header, rows):
        ws = wb.create_sheet(name)
        ws.cell(1, 1, name)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.cell(2, len(header), "单位：元")
        for c, h in enumerate(header, 1):
            ws.cell(3, c, h)
        for r, row in enumerate(rows, 4):
            for c, v in enumerate(row, 1):
                ws.cell(r, c, v)

    if budget_sheets:
        for sheet in BUDGET_SHEETS_BEFORE:
            budget(*sheet)
    entries = items(doc)
    split = entries.index(("p", "第二部分"))
    _sheet_rows(wb.create_sheet("部门整体绩效目标"), entries[:split])
    _sheet_rows(wb.create_sheet("项目支出绩效目标表"), entries[split:])
    if budget_sheets:
        for sheet in BUDGET_SHEETS_AFTER:
            budget(*sheet)
    wb.save(path)


def convert_to_pdf(source: Path, out_dir: Path, target: str = "pdf") -> Path:
    """LibreOffice headless (to PDF, or to another format such as "ods" or "xls"), with a private profile so
    parallel runs do not collide."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("需要 LibreOffice（soffice）/ LibreOffice (soffice) is needed to make the PDFs")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                        "--outdir", str(out_dir), str(source)], check=True, capture_output=True, timeout=300)
    return out_dir / f"{source.stem}.{target.split(':')[0]}"


def minimal_pdf(path: Path, page_resources: bytes, content: bytes, extra: list[bytes]) -> None:
    """A one-page PDF written by hand: objects 1-3 catalog, pages, page; 4 the content stream; 5.. `extra`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + page_resources + b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ] + extra
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def write_image_only_pdf(path: Path) -> None:
    """A one-page PDF holding only a grey image: what a scanner produces (no text layer)."""
    width, height = 60, 80
    pixels = zlib.compress(bytes([200]) * (width * height))
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
             b" /Filter /FlateDecode /Length %d >>\nstream\n" % (width, height, len(pixels)) + pixels + b"\nendstream")
    minimal_pdf(path, b"<< /XObject << /Im1 5 0 R >> >>", b"q 500 0 0 700 47 71 cm /Im1 Do Q", [image])


def write_unmapped_font_pdf(path: Path, with_readable_line: bool = True) -> None:
    """A page whose CID font has no ToUnicode map (text comes out as (cid:NN)), and optionally a readable line."""
    content = b"BT /F1 12 Tf 72 720 Td <00410042> Tj ET"
    if with_readable_line:
        content += b" BT /F2 12 Tf 72 700 Td (Readable) Tj ET"
    minimal_pdf(path, b"<< /Font << /F1 5 0 R /F2 6 0 R >> >>", content, [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [7 0 R] >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo << /Registry (Adobe)"
        b" /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0"
        b" /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>"])


def write_encrypted_pdf(source: Path, out_dir: Path, password: str = "secret") -> Path:
    """The same conversion as convert_to_pdf, with an open password (LibreOffice's JSON filter options)."""
    options = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
               f'"DocumentOpenPassword":{{"type":"string","value":"{password}"}}}}')
    return convert_to_pdf(source, out_dir, options)


def build(out_root: Path, pdf: bool = True) -> list[Path]:
    twins = out_root / "samples" / "containers"
    data = out_root / "samples" / "demo"
    twins.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    stem = DOC_2025["stem"]
    written = [twins / f"{stem}.txt", twins / f"{stem}.docx", twins / f"{stem}.xlsx", twins / f"{stem}.html"]
    write_text(DOC_2025, written[0])
    write_docx(DOC_2025, written[1])
    write_xlsx(DOC_2025, written[2], budget_sheets=False)
    write_html(DOC_2025, written[3])
    write_xlsx(DOC_2024, data / f"{DOC_2024['stem']}.xlsx", budget_sheets=True)
    written.append(data / f"{DOC_2024['stem']}.xlsx")
    write_image_only_pdf(twins / "scanned-page.pdf")
    written.append(twins / "scanned-page.pdf")
    if pdf:
        made = convert_to_pdf(written[1], twins)
        shutil.copyfile(made, data / made.name)
        written += [made, data / made.name]
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT), help="repository root to write samples/ and data/ under")
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice conversion")
    args = parser.parse_args()
    for path in build(Path(args.out), pdf=not args.no_pdf):
        print(path)


if __name__ == "__main__":
    main()
