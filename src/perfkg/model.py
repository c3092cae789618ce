"""The typed document model: what the parser produces and the RDF mapping consumes."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perfkg.parse.layout import Location, Notice


@dataclass(frozen=True)
class Span:
    """1-based source line numbers (as `cat -n` prints them), inclusive."""

    first: int
    last: int

    @classmethod
    def of(cls, *lines: int) -> "Span":
        return cls(min(lines), max(lines))

    def lines(self) -> range:
        return range(self.first, self.last + 1)


@dataclass(frozen=True)
class Text:
    """A piece of prose: raw as extracted, and with PDF-extraction spaces removed."""

    raw: str
    text: str
    span: Span


@dataclass(frozen=True)
class ParseWarning:
    """Something the parser repaired or could not read; kept as data, never hidden."""

    code: str  # e.g. "spending-label-inferred", "cell-realigned"
    span: Span
    message_zh: str
    message_en: str
    element: str = ""  # key of the element concerned (see BudgetDocument.line_map)


@dataclass(frozen=True)
class Target:
    """A parsed 指标值: comparator + decimal value + unit + qualifier, raw text always kept."""

    raw: str
    text: str  # space-normalised raw
    kind: str  # quantitative | date | qualitative | placeholder | empty | unparsed
    comparator: str | None = None  # ">=", "<=", ">", "<", "=" or None
    comparator_explicit: bool = False  # False when implied (bare number) or absent
    value: Decimal | None = None
    unit: str | None = None  # normalised, no spaces: "%", "次", "万元", "元/平方米月"
    qualifier: str | None = None  # words around the number, e.g. "单次维修 内完成", or the qualitative text
    date: str | None = None  # ISO "2023-10" or "2023-10-31" for deadlines
    flags: tuple[str, ...] = ()
    change: str | None = None  # "increase" | "decrease": the value is a relative change ("提升10%"), not a level


@dataclass(frozen=True)
class Amount:
    """A printed amount in the document's unit (e.g. 40.00 万元) and in yuan."""

    raw: str
    value: Decimal | None
    unit: str  # the declared amount unit, e.g. "万元"
    yuan: Decimal | None


@dataclass(frozen=True)
class SpendingMilestone:
    position: int
    label: str  # "3 月底" normalised to "3月底"
    month: int | None
    cumulative_percent: Decimal | None
    raw_value: str
    label_inferred: bool
    span: Span


@dataclass(frozen=True)
class Indicator:
    position: int  # 1-based within the project
    level1_raw: str
    level1: str  # as written, space-normalised
    level1_category: str | None  # canonical category key, e.g. "output", "cost"
    level1_inherited: bool  # merged-cell continuation from the row above
    level2_raw: str
    level2: str
    level2_category: str | None
    level2_inherited: bool
    name: str  # 三级指标, space-normalised
    name_raw: str
    description: str | None
    target: Target
    basis: str | None
    basis_raw: str | None
    extra: tuple[tuple[str, str], ...]  # other columns by header, e.g. (("计量单位", "%"),)
    span: Span


@dataclass(frozen=True)
class ProjectGoal:
    position: int
    number: str  # "1"
    text: Text


@dataclass
class Project:
    position: int  # 1-based order in 第二部分
    title: Text  # "科普费（…）绩效目标表" heading without its "1." number
    unit_code: str | None = None
    unit_name: str | None = None
    amount_unit: str | None = None  # "万元"
    code: str | None = None
    name: str | None = None
    budget: Amount | None = None
    fiscal: Amount | None = None
    other: Amount | None = None
    funding_span: Span | None = None  # the 预算数 / 财政资金 / 其他资金 row
    uses: Text | None = None
    spending_plan: list[SpendingMilestone] = field(default_factory=list)
    goals: list[ProjectGoal] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    column_headers: tuple[str, ...] = ()
    span: Span = Span(0, 0)
    title_missing: bool = False  # the table had no "N. …绩效目标表" line; `title` is empty
    duplicate_code_of: int | None = None  # position of an earlier project with the same code (never merged)


@dataclass(frozen=True)
class SubGoal:
    position: int
    number: str  # "（一）" as written
    text: Text


@dataclass(frozen=True)
class MeasureItem:
    position: int
    number: str  # "1"
    text: Text


@dataclass
class MeasureSection:
    position: int
    number: str
    heading: Text
    intro: list[Text] = field(default_factory=list)
    items: list[MeasureItem] = field(default_factory=list)


@dataclass(frozen=True)
class TocEntry:
    position: int
    part: str  # "part1" | "part2"
    title: str
    page: str | None
    line: int


@dataclass
class BudgetDocument:
    source_name: str  # file name as given (no directories)
    source_sha256: str
    encoding: str
    title: Text | None = None
    organisation: str | None = None
    year: int | None = None
    compiler: str | None = None  # 编制
    reviewer: str | None = None  # 审核
    toc: list[TocEntry] = field(default_factory=list)
    overall_goals: list[Text] = field(default_factory=list)
    sub_goals: list[SubGoal] = field(default_factory=list)
    measures: list[MeasureSection] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    # every non-blank line -> what it became: element keys ("project/1/indicator/3")
    # or a layout class ("layout:toc", "layout:duplicate-heading", "layout:duplicate-row"), or ["unrecognised"]
    # when any of its content did not reach the model (a line is mapped only when all of it was read)
    line_map: dict[int, list[str]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)  # decoded source lines, index 0 = line 1
    # the container read (parse/readers.py); for a PDF, workbook, Word file or web page the lines above are its
    # reading order (one per paragraph or table row) and `locations` says where each one is in the file
    container: str = "text"
    locations: dict[int, "Location"] = field(default_factory=dict)
    notices: list["Notice"] = field(default_factory=list)  # what the reader reported: budget sheets, pages without text

    @property
    def unit_code(self) -> str | None:
        return next((p.unit_code for p in self.projects if p.unit_code), None)

    def unrecognised_lines(self) -> list[int]:
        return sorted(n for n, keys in self.line_map.items() if keys == ["unrecognised"])
