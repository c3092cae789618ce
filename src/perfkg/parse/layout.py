"""The table model every reader produces: text blocks and tables (grids of cells with spans), each with a Location."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfkg.errors import InputError

_WRAP_WORDS = re.compile(r"(?<=[A-Za-z])[ \t]*\n\s*(?=[A-Za-z])")
_WRAP = re.compile(r"[ \t]*\n\s*")
_CONTROL = re.compile(r"[\t\r\x0b\x0c]")

CONTAINERS = ("text", "pdf", "xlsx", "xls", "ods", "docx", "html")


@dataclass(frozen=True)
class Location:
    """Where a block, row or cell sits in the file as its reader sees it; numbers are 1-based."""

    file: str
    line: int | None = None  # text files
    paragraph: int | None = None  # paragraphs outside tables, counted in DOCX and HTML
    page: int | None = None  # PDF
    sheet: str | None = None  # workbooks
    table: int | None = None  # tables numbered in reading order (per sheet in a workbook)
    row: int | None = None  # row in the table (the sheet's own row number in a workbook)
    column: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # PDF points: x0, top, x1, bottom

    def describe(self, lang: str = "zh") -> str:
        """`第 3 页 表 2 第 7 行` / `p. 3, table 2, row 7`; `工作表「项目支出绩效目标表」第 12 行`; `第 12 行` / `line 12`."""
        zh, en = [], []
        if self.sheet is not None:
            zh.append(f"工作表「{self.sheet}」")
            en.append(f"sheet “{self.sheet}”")
        if self.paragraph is not None:
            zh.append(f"第 {self.paragraph} 段")
            en.append(f"paragraph {self.paragraph}")
        if self.page is not None:
            zh.append(f"第 {self.page} 页")
            en.append(f"p. {self.page}")
        if self.table is not None and self.sheet is None:
            zh.append(f"表 {self.table}")
            en.append(f"table {self.table}")
        if self.row is not None:
            zh.append(f"第 {self.row} 行")
            en.append(f"row {self.row}")
        if self.column is not None:
            zh.append(f"第 {self.column} 列")
            en.append(f"column {self.column}")
        if self.line is not None:
            zh.append(f"第 {self.line} 行")
            en.append(f"line {self.line}")
        if lang == "zh":
            return " ".join(zh).replace("」 第", "」第")
        return ", ".join(en)


@dataclass(frozen=True)
class Cell:
    """A cell's text at its origin (top-left) position, and how many rows and columns it covers."""

    text: str
    row: int  # 0-based within the table
    column: int
    location: Location
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    """A grid of cells; positions covered by a merged cell hold no Cell of their own."""

    number: int
    cells: list[Cell]
    rows: int
    columns: int
    row_locations: list[Location]  # one per row: where the row is (page/sheet row/...)

    def grid(self) -> list[list[Cell | None]]:
        """rows × columns, each position holding its origin Cell or None when covered by a merge."""
        out: list[list[Cell | None]] = [[None] * self.columns for _ in range(self.rows)]
        for c in self.cells:
            out[c.row][c.column] = c
        return out

    def text_rows(self) -> list[list[str]]:
        """Each row's texts, a covered position as "" (as a printed table shows it: text once, then blank)."""
        return [[c.text if c is not None else "" for c in row] for row in self.grid()]


@dataclass(frozen=True)
class Block:
    """A paragraph or heading outside tables."""

    text: str
    location: Location


@dataclass(frozen=True)
class Notice:
    """Something a reader saw and reports without failing: a budget sheet skipped, a page without a Unicode map."""

    code: str
    location: Location
    message_zh: str
    message_en: str

    def describe(self) -> str:
        return f"{self.location.file} {self.location.describe('zh')}: {self.message_zh} / {self.message_en}"


@dataclass(frozen=True)
class StreamLine:
    """One line of the reading order the interpreter consumes: a block, or a table row with its cells."""

    number: int
    text: str  # a block's text, or a row's cells joined by tabs
    location: Location
    cells: tuple[Cell | None, ...] = ()


@dataclass
class Layout:
    """A whole file as its reader saw it: blocks and tables in reading order, with notices."""

    path: str
    name: str
    container: str  # one of CONTAINERS
    sha256: str
    items: list[Block | Table] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    encoding: str | None = None  # text files only
    source_lines: list[str] | None = None  # text files: the decoded lines, kept exactly
    source: object | None = None  # text files: the decoded SourceText (parse/source.py) the interpreter reads
    pages: int | None = None  # PDF

    def stream(self) -> list[StreamLine]:
        """The reading order as numbered lines; for a text file the numbers are the file's own line numbers."""
        out: list[StreamLine] = []
        number = 0
        for item in self.items:
            if isinstance(item, Block):
                number = item.location.line or number + 1
                out.append(StreamLine(number, self._verbatim(number, item.text), item.location))
                continue
            grid = item.grid()
            for r, texts in enumerate(item.text_rows()):
                location = item.row_locations[r]
                number = location.line or number + 1
                text = self._verbatim(number, "\t".join(clean_cell(t) for t in texts))
                out.append(StreamLine(number, text, location, tuple(grid[r])))
        return out

    def _verbatim(self, number: int, text: str) -> str:
        """A text file's line exactly as decoded (the interpreter has always read those); others as rendered."""
        if self.source_lines is not None:
            return self.source_lines[number - 1]
        return clean_cell(text) if "\t" not in text else text

    def lines(self) -> list[str]:
        """Every line the interpreter reads, index 0 = line 1 (a text file's decoded lines, blanks included)."""
        if self.source_lines is not None:
            return list(self.source_lines)
        return [line.text for line in self.stream()]

    def locations(self) -> dict[int, Location]:
        return {line.number: line.location for line in self.stream()}


def join_wrapped(text: str) -> str:
    """Join a cell's wrapped lines: one space between two English words, nothing otherwise.

    Chinese text wraps anywhere, a code such as 13970025P00497010031K wraps inside itself, and a break at a space
    drops the space ("≥24 场" may come back as "≥24场"; targets parse the same).
    """
    text = _WRAP_WORDS.sub(" ", text.strip())
    return _WRAP.sub("", text)


def clean_cell(text: str) -> str:
    """A cell's text as one line: wrapped lines joined, tabs and form feeds (which separate cells) as spaces."""
    return _CONTROL.sub(" ", join_wrapped(text))


def build_table(number: int, origins: list[tuple[int, int, int, int, str, Location]],
                row_locations: list[Location]) -> Table:
    """A Table from (row, column, rowspan, colspan, text, location) origins; the grid size is their extent."""
    rows = max((r + rs for r, _, rs, _, _, _ in origins), default=0)
    columns = max((c + cs for _, c, _, cs, _, _ in origins), default=0)
    rows = max(rows, len(row_locations))
    cells = [Cell(text, r, c, loc, rs, cs) for r, c, rs, cs, text, loc in origins]
    return Table(number, cells, rows, columns, row_locations[:rows])


def expand_spans(rows: list[list[tuple[str, int, int, object]]]) -> list[tuple[int, int, int, int, str, object]]:
    """HTML/DOCX-style rows of (text, rowspan, colspan, payload) → origins placed on a grid.

    A cell goes into the first column not yet taken by a rowspan from above; a rowspan never leaks past the last
    row; returns (row, column, rowspan, colspan, text, payload).
    """
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        column = 0
        for text, rowspan, colspan, payload in row:
            while (r, column) in taken:
                column += 1
            rowspan = max(1, min(rowspan, len(rows) - r))
            colspan = max(1, colspan)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, column + dc))
            out.append((r, column, rowspan, colspan, text, payload))
            column += colspan
    return out


def too_large(path: str, size: int, limit: int) -> InputError:
    return InputError(path, None, f"文件过大（{size / 1e6:.1f} MB，上限 {limit / 1e6:.0f} MB），未读取",
                      f"file too large ({size / 1e6:.1f} MB, limit {limit / 1e6:.0f} MB); not read")
