"""Benchmark: reading each container, perfkg's reader and whole path against the library alone on the same files.

Usage: python bench/readers.py [--runs 20] [--repeat 3] [--out bench/results/readers.txt]

For every container of the twin sample (samples/containers/, one document as text, DOCX, XLSX, PDF, HTML) and the
demo workbook, in one warm process, `runs` reads per measurement, median of `repeat`:
  library alone   the obvious way to get the tables out with the library perfkg uses: pdfplumber's
                  extract_tables() on every page; python-calamine's to_python() on every sheet; python-docx's
                  row.cells texts of every table; lxml.html's td/th texts; reading + decoding the text file
  perfkg reader   read_layout (the table model: spans, locations, pages joined, notices)
  perfkg read+interpret  read_document (the layout interpreted as a 绩效文本: the BudgetDocument)
The target for PDF: perfkg's reader ≤ 1.3× pdfplumber alone. With LibreOffice present, a larger document (the
twin's projects repeated to --projects project tables, built by scripts/make_samples.py into a temporary folder) is
measured as DOCX, XLSX and PDF too, for pages/s on more than three pages.
"""
from __future__ import annotations

import argparse
import statistics
import time
from importlib import metadata
from pathlib import Path

from run_record import Record

import shutil
import sys
import tempfile

from perfkg.parse.readers import read_document, read_layout
from perfkg.parse.source import read_source

ROOT = Path(__file__).resolve().parents[1]
TWINS = ROOT / "samples" / "containers"
sys.path.insert(0, str(ROOT / "scripts"))
import make_samples  # noqa: E402
from sample_sources import DOC_2025  # noqa: E402


def large_document(folder: Path, projects: int) -> list[Path]:
    """The twin's two projects repeated with distinct codes: DOCX, XLSX and (LibreOffice) PDF of one big document."""
    copies = []
    for i in range(projects):
        p = dict(DOC_2025["projects"][i % 2])
        p["code"] = f"13970025P{100000000 + i:011d}K"
        p["name"] = f"{p['name']}（{i + 1}）"
        copies.append(p)
    doc = {**DOC_2025, "projects": copies}
    docx, xlsx = folder / "large.docx", folder / "large.xlsx"
    make_samples.write_docx(doc, docx)
    make_samples.write_xlsx(doc, xlsx, budget_sheets=True)
    return [docx, xlsx, make_samples.convert_to_pdf(docx, folder)]


def pdfplumber_tables(path: Path):
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_tables() for page in pdf.pages]


def calamine_sheets(path: Path):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]


def python_docx_cells(path: Path):
    import docx

    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(str(path)).tables]


def lxml_cells(path: Path):
    import lxml.html

    root = lxml.html.document_fromstring(path.read_bytes())
    return [[td.text_content() for td in tr if td.tag in ("td", "th")] for tr in root.iter("tr")]


LIBRARY = {".pdf": ("pdfplumber extract_tables", pdfplumber_tables), ".xlsx": ("calamine to_python", calamine_sheets),
           ".docx": ("python-docx row.cells", python_docx_cells), ".html": ("lxml td/th texts", lxml_cells),
           ".txt": ("read + decode lines", read_source)}


def timed(fn, path: Path, runs: int, repeat: int) -> float:
    def once() -> float:
        start = time.perf_counter()
        for _ in range(runs):
            fn(path)
        return (time.perf_counter() - start) / runs
    return statistics.median(once() for _ in range(repeat))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--projects", type=int, default=24, help="project tables in the larger generated document")
    ap.add_argument("--out", type=Path, help="also write this raw output, with its provenance, to this file")
    args = ap.parse_args()
    files = [TWINS / f"qinghe-kexie-2025.{ext}" for ext in ("txt", "docx", "xlsx", "pdf", "html")]
    files.append(ROOT / "samples" / "demo" / "qinghe-kexie-2024.xlsx")
    scratch = tempfile.TemporaryDirectory()
    if shutil.which("soffice"):
        files += large_document(Path(scratch.name), args.projects)
    for path in files:  # warm imports and caches
        read_document(path)
    versions = ", ".join(f"{n} {metadata.version(n)}" for n in ("pdfplumber", "pdfminer.six", "python-calamine",
                                                                "python-docx", "lxml"))
    with Record(args.out, "bench/readers.py: reading each container, perfkg against the library alone") as record:
        record.line(f"libraries: {versions}; {args.runs} reads per measurement, median of {args.repeat}")
        record.line(f"{'file':34} {'library alone':26} {'lib ms':>8} {'reader ms':>9} {'x lib':>6} "
                    f"{'read+interp ms':>14} {'x lib':>6} {'docs/s':>8} {'pages/s':>8}")
        for path in files:
            label, library = LIBRARY[path.suffix]
            lib = timed(library, path, args.runs, args.repeat)
            reader = timed(read_layout, path, args.runs, args.repeat)
            whole = timed(read_document, path, args.runs, args.repeat)
            pages = read_layout(path).pages
            per_page = f"{pages / whole:8.1f}" if pages else f"{'':8}"
            shown = path.name if path.parent.name.startswith("tmp") else path.parent.name + "/" + path.name
            record.line(f"{shown:34} {label:26} {lib * 1000:8.2f} {reader * 1000:9.2f} "
                        f"{reader / lib:6.2f} {whole * 1000:14.2f} {whole / lib:6.2f} {1 / whole:8.1f} {per_page}")


if __name__ == "__main__":
    main()
