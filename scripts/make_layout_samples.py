"""Builds the layout samples (issue 11) from scripts/layout_sample_sources.py, in the containers each layout is
published in: a 云南-style budget workbook (XLSX), a 重庆-style approval page (HTML), a 湖南-style department-level
form and a 湖北-style self-evaluation (DOCX converted to PDF by LibreOffice headless), a 湖北-style declaration in
traditional characters (DOCX).

    .venv/bin/python scripts/make_layout_samples.py [--out DIR] [--no-pdf]

data/layouts/ gets one file per document (a folder holding two files of one document would list it twice);
samples/layouts/ keeps the DOCX the PDFs were converted from.
"""
from __future__ import annotations

import argparse
import html
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layout_sample_sources as src  # noqa: E402
from make_samples import convert_to_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def origins(grid: list[list[tuple[str, int, int]]]) -> list[tuple[int, int, int, int, str]]:
    """(row, column, rowspan, colspan, text) of each written cell; a covered position (rowspan 0) is skipped."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, cells in enumerate(grid):
        c = 0
        for text, rs, cs in cells:
            if rs == 0:  # M: a position covered by a merge from above (already taken): written for the reader's eye
                continue
            while (r, c) in taken:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            out.append((r, c, rs, cs, text))
            c += cs
    return out


def width(grid) -> int:
    return max(c + cs for _, c, _, cs, _ in origins(grid))


def write_docx(blocks: list, path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = Document()
    style = d.styles["Normal"]
    style.font.size = Pt(9)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")
    for kind, value in blocks:
        if kind == "p":
            d.add_paragraph(value)
            continue
        table = d.add_table(rows=len(value), cols=width(value))
        table.style = "Table Grid"
        for r, c, rs, cs, text in origins(value):
            cell = table.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
            cell.text = text
    d.save(path)


def write_html(title: str, blocks: list, path: Path) -> None:
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">', f"<title>{html.escape(title)}</title>",
           "<style>table{border-collapse:collapse}td{border:1px solid #444;padding:2px 4px}</style></head><body>"]
    for kind, value in blocks:
        if kind == "p":
            out.append(f"<p>{html.escape(value)}</p>")
            continue
        out.append("<table>")
        placed = origins(value)
        for r in range(len(value)):
            cells = "".join(f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>"
                            f"{html.escape(text)}</td>" for rr, _, rs, cs, text in placed if rr == r)
            out.append(f"<tr>{cells}</tr>")
        out.append("</table>")
    out.append("</body></html>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def write_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)

    def budget(name, header, rows):
        ws = wb.create_sheet(name)
        ws.cell(1, 1, name)
        ws.cell(2, 1, f"部门(单位)名称：{src.LANYU_ORG}")
        ws.cell(2, len(header), "单位：元")
        for c, h in enumerate(header, 1):
            ws.cell(3, c, h)
        for r, values in enumerate(rows, 4):
            for c, v in enumerate(values, 1):
                ws.cell(r, c, v)

    def target(name, grid):
        ws = wb.create_sheet(name)
        for r, c, rs, cs, text in origins(grid):
            cell = ws.cell(r + 1, c + 1, text or None)
            if text[:1] in "=≥≤":  # a comparator cell is text, never a formula
                cell.data_type = "s"
            if rs > 1 or cs > 1:
                ws.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rs, end_column=c + cs)

    budget(*src.LANYU_BUDGET_SHEETS[0])
    target(*src.LANYU_PROJECT_SHEET)
    budget(*src.LANYU_BUDGET_SHEETS[1])
    target(*src.LANYU_DEPARTMENT_SHEET)
    wb.save(path)


def build(out_root: Path, pdf: bool = True) -> list[Path]:
    data, keep = out_root / "data" / "layouts", out_root / "samples" / "layouts"
    data.mkdir(parents=True, exist_ok=True)
    keep.mkdir(parents=True, exist_ok=True)
    written = [data / "lanyu-kexie-2024.xlsx", data / "yuxi-kexie-2024-approval.html",
               data / "jingchuan-kexie-2024-declaration.docx", keep / "lichuan-kexie-2023-department.docx",
               keep / "jingchuan-kexie-2023-self-evaluation.docx"]
    write_xlsx(written[0])
    write_html(src.YUXI_TITLE, [("p", src.YUXI_TITLE), ("p", "单位：万元"), ("t", src.YUXI_TABLE)], written[1])
    write_docx([("p", src.JINGCHUAN_DECLARATION_TITLE), ("p", "單位：元"), ("t", src.JINGCHUAN_DECLARATION)],
               written[2])
    write_docx([("p", src.LICHUAN_TITLE), ("t", src.LICHUAN_TABLE)], written[3])
    write_docx([("p", src.JINGCHUAN_SELF_TITLE), ("t", src.JINGCHUAN_SELF)], written[4])
    if pdf:
        for docx in written[3:5]:
            made = convert_to_pdf(docx, keep)
            shutil.move(made, data / made.name)
            written.append(data / made.name)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT), help="repository root to write data/layouts and samples/layouts under")
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice conversion")
    args = parser.parse_args()
    for path in build(Path(args.out), pdf=not args.no_pdf):
        print(path)


if __name__ == "__main__":
    main()
