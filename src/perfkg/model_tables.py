"""The document model of header-driven tables (parse/tables): document and table kinds, department-level tables,
project forms of other provinces, self-evaluations and the tables a file holds but perfkg did not recognise."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from perfkg.model import Amount, BudgetDocument, Indicator, Project, Span, Target, Text

if TYPE_CHECKING:
    from perfkg.parse.layout import Location

# Document kinds (perfkg:documentKind in the graph, a class of perfkg.ttl each)
PERFORMANCE_TEXT = "performance-text"  # the Hebei 部门预算绩效文本 (parse/document.py)
TARGET_TABLES = "target-tables"  # one or more 绩效目标表 (project and/or department level), any province
SELF_EVALUATION = "self-evaluation"  # 绩效自评表
BUDGET_DISCLOSURE = "budget-disclosure"  # 部门预算公开表 (a budget workbook), its target sheets named

# Table kinds
PROJECT_TARGETS = "project-targets"  # 项目支出绩效目标表
PROJECT_DECLARATION = "project-declaration"  # 项目支出绩效目标申报表
PROJECT_APPROVAL = "project-approval"  # 项目支出绩效目标审批表 / 批复表
DEPARTMENT_TARGETS = "department-targets"  # 部门整体支出绩效目标表 / 申报表
PROJECT_SELF_EVALUATION = "project-self-evaluation"  # 项目支出绩效自评表
TRANSFER_TARGETS = "transfer-targets"  # 对下转移支付绩效目标表


@dataclass(frozen=True)
class ScoreRange:
    """Points printed with a label: `成本指标(0-20)分` -> 0..20, `年度绩效目标(90分)` -> 90..90."""

    low: Decimal
    high: Decimal
    raw: str


@dataclass(frozen=True)
class ScoredIndicator(Indicator):
    """An indicator row of a header-driven table: the Hebei fields plus what other layouts print."""

    actual: Target | None = None  # 实际完成值(B) / 全年实际值, read by the same grammar as the target
    score: Decimal | None = None  # 得分
    score_raw: str | None = None
    weight: Decimal | None = None  # 分值 / 权重
    level1_points: ScoreRange | None = None  # `产出指标(50分)`, `成本指标(0-20)分`
    level2_points: ScoreRange | None = None
    remark: str | None = None  # 备注 / 未完成原因 (kept as written)
    location: "Location | None" = None


@dataclass
class FormProject(Project):
    """A project of a province's own form: 申报表, 审批表, 批复表, 自评表, or a sheet of a budget workbook."""

    table_kind: str = PROJECT_TARGETS
    table_title: str | None = None
    department: str | None = None  # 主管部门
    implementing_unit: str | None = None  # 实施单位
    period: str | None = None  # 建设周期 / 项目期 / 起止时间
    basis: Text | None = None  # 立项依据
    classification: str | None = None  # 项目分类 (as written)
    checked: tuple[tuple[str, str], ...] = ()  # (field, option) ticked: ("项目类型", "常年性项目")
    total_budget: Amount | None = None  # 项目总预算 (multi-year), beside the year's budget in Project.budget
    executed: Amount | None = None  # 执行数(B)
    execution_rate: Decimal | None = None  # 执行率 as printed, in percent
    execution_score: Decimal | None = None  # 得分 of the budget-execution row
    execution_points: ScoreRange | None = None  # 预算执行情况(20分)
    goal_points: ScoreRange | None = None  # 年度绩效目标1(80分)
    code_pattern: str | None = None  # the province whose project-code pattern the code matches ("重庆"), if known
    filled_on: str | None = None  # 填报日期, ISO


@dataclass(frozen=True)
class MoneyLine:
    """One amount of a department table's money block: 资金总额, 公共财政拨款, 基本支出 …"""

    group: str  # "total" | "income" | "expenditure"
    label: str  # as printed
    amount: Amount


@dataclass
class DepartmentTable:
    """A 部门整体支出绩效目标表 / 申报表: the department's functions, goal items, money and indicator rows."""

    position: int
    title: Text
    department: str | None = None
    year: int | None = None
    period_note: str | None = None  # `(2020年度)` printed under the title
    functions: Text | None = None  # 部门职能职责描述
    goals: list[Text] = field(default_factory=list)  # 整体绩效目标 items, numbering removed
    goal_numbers: list[str] = field(default_factory=list)
    money: list[MoneyLine] = field(default_factory=list)
    amount_unit: str | None = None
    indicators: list[ScoredIndicator] = field(default_factory=list)
    column_headers: tuple[str, ...] = ()
    span: Span = Span(0, 0)


@dataclass(frozen=True)
class TableNote:
    """A table (or sheet) the file holds that perfkg did not read as targets, with where it is and what it is."""

    kind: str  # "budget-table" | "named-sheet" | "unrecognised-table" | "incomplete-row"
    label: str  # its title or first cells, as printed
    span: Span
    location: "Location | None" = None

    def describe(self) -> str:
        """One line for people, zh / en, with the place in the file."""
        zh, en = _NOTE_TEXT[self.kind]
        where = f"{self.location.describe('zh')}：" if self.location is not None else ""
        where_en = f"{self.location.describe('en')}: " if self.location is not None else ""
        return f"{where}{zh.format(self.label)} / {where_en}{en.format(self.label)}"


_NOTE_TEXT = {
    "named-sheet": ("工作表目录列出「{}」，本文件未含该表", "the sheet list names “{}”, which this file does not hold"),
    "budget-table": ("预算表「{}」，不是绩效目标表，未作为指标读取", "budget table “{}”: not a target table, not read as indicators"),
    "unrecognised-table": ("未识别的内容「{}」", "not recognised: “{}”"),
    "incomplete-row": ("不完整的指标行「{}」（可能被截断），未读取", "incomplete indicator row “{}” (cut off?), not read"),
}


@dataclass
class TableDocument(BudgetDocument):
    """A document read by the header-driven interpreter: the Hebei fields it shares plus its kinds and tables."""

    kind: str = TARGET_TABLES
    table_kinds: tuple[str, ...] = ()
    department_tables: list[DepartmentTable] = field(default_factory=list)
    notes: list[TableNote] = field(default_factory=list)
    published: str | None = None  # 发布时间 / 填报日期, ISO
    traditional: bool = False  # the text was in traditional characters (converted for matching, raw kept)
