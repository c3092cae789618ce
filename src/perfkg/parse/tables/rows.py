"""The rows a header-driven interpreter reads: table rows of any container with their cells, and text lines split
into cells (` | ` separators, or runs of spaces when a page was flattened), plus the cell readers they share."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from perfkg.parse.layout import Layout, Location, clean_cell
from perfkg.parse.tables.vocabulary import label_key, simplified

_SPACE_RUN = re.compile(r"\s+")
_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# Checkbox marks: □ ☐ empty; ☑ ☒ √ ■ ticked, and the glyphs a lost ☑ comes back as ("?" on a mirror, "R" in a PDF)
EMPTY_BOXES = "□☐"
TICKS = "☑☒√■?？R"
_OPTION = re.compile(rf"(?:^|\s)(?:\d+[、.．]\s*)?(?P<text>[^\s{EMPTY_BOXES}{TICKS}]+?)\s*(?P<box>[{EMPTY_BOXES}{TICKS}])")
_OPTION_AFTER = re.compile(rf"(?P<box>[{EMPTY_BOXES}{TICKS}])\s*(?P<text>[^\s{EMPTY_BOXES}{TICKS}]+)")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?")


@dataclass
class Row:
    """One row in reading order: its cells as printed, their matching keys, and where it is."""

    number: int  # the reading-order line number (a text file's own line number)
    cells: list[str]
    location: Location
    flattened: bool  # cells came from a text line: empty cells were lost, so positions are not columns

    @property
    def keys(self) -> list[str]:
        return [label_key(c) for c in self.cells]

    @property
    def filled(self) -> list[tuple[int, str]]:
        return [(i, c.strip()) for i, c in enumerate(self.cells) if c.strip()]

    @property
    def text(self) -> str:
        return " ".join(c.strip() for c in self.cells if c.strip())


def split_line(text: str) -> list[str]:
    """A flattened table line: ` | `-separated cells (empty ones dropped), else runs of white space."""
    if "|" in text:
        return [c.strip() for c in text.split("|") if c.strip()]
    return [c for c in _SPACE_RUN.split(text.strip()) if c]


def layout_rows(layout: Layout) -> list[Row]:
    """Every non-blank block and table row of the layout, numbered as the layout's reading order numbers them."""
    rows: list[Row] = []
    for line in layout.stream():
        if line.cells:
            cells = [clean_cell(c.text) if c is not None else "" for c in line.cells]
            if any(c.strip() for c in cells):
                rows.append(Row(line.number, cells, line.location, False))
            continue
        if line.text.strip():
            rows.append(Row(line.number, split_line(line.text), line.location, True))
    return rows


def number_of(text: str) -> Decimal | None:
    """A plain printed number ("3,214,849.00", "99.97", "99.97%"), else None."""
    t = simplified(text).strip().rstrip("%％").replace(" ", "")
    if not _NUMBER.match(t):
        return None
    return Decimal(t.replace(",", ""))


def checked_options(text: str) -> list[tuple[str, bool]]:
    """Options of a checkbox field: "1、常年性项目 ? 2、延续性项目 □" -> [("常年性项目", True), ("延续性项目", False)]."""
    plain = simplified(text)
    stripped = plain.strip()
    pattern = _OPTION_AFTER if stripped[:1] and stripped[0] in EMPTY_BOXES + TICKS else _OPTION
    return [(m.group("text").strip("、.．"), m.group("box") in TICKS) for m in pattern.finditer(plain)]


def iso_date(text: str) -> str | None:
    m = _DATE.search(simplified(text))
    if not m:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
