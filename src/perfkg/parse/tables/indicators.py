"""Header recognition and indicator rows of header-driven tables: which column holds which field, and one row read
into a ScoredIndicator (levels inherited from merged cells, target and actual by the target grammar, score)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from perfkg.model import Span, Target
from perfkg.model_tables import ScoredIndicator, ScoreRange
from perfkg.parse.categories import resolve_level1, resolve_level2
from perfkg.parse.normalise import normalise
from perfkg.parse.tables.rows import Row, number_of
from perfkg.parse.tables.vocabulary import label_key, points_of, simplified, vocabulary
from perfkg.parse.targets import parse_target, parse_target_cells

# The columns whose cells make an indicator row complete, by table: the last one present ends a flattened row.
_ROW_END_FIELDS = ("value", "actual", "score")


@dataclass
class Header:
    """The column map of an indicator table: field per column, the labels before the first column (a block label
    such as `年度绩效目标1(80分)`), and the column labels as printed."""

    columns: dict[int, str]  # column index -> field key
    printed: dict[int, str]  # column index -> header text as printed
    lead: list[str] = field(default_factory=list)
    unknown: dict[int, str] = field(default_factory=dict)  # columns no synonym names: kept as extra cells

    @property
    def first(self) -> int:
        return min(self.columns)

    @property
    def row_end(self) -> int:
        return max(i for i, f in self.columns.items() if f in _ROW_END_FIELDS)

    def index(self, key: str) -> int | None:
        return next((i for i, f in self.columns.items() if f == key), None)


def match_header(row: Row) -> Header | None:
    """A row is an indicator-table header when its labels name a level or name column and a value column."""
    vocab = vocabulary()
    columns, printed, lead, unknown = {}, {}, [], {}
    for i, cell in row.filled:
        key = vocab.field("column", cell)
        if key is None:
            if columns:
                unknown[i] = normalise(cell)
            else:
                lead.append(cell)
            continue
        if key not in columns.values():
            columns[i] = key
            printed[i] = normalise(simplified(cell))
    found = set(columns.values())
    if len(columns) < 3 or not found & {"level1", "name"} or not found & {"value", "actual"}:
        return None
    return Header(columns, printed, lead, unknown)


def score_range(label: str) -> ScoreRange | None:
    _, points = points_of(label)
    if points is None:
        return None
    return ScoreRange(Decimal(points[0]), Decimal(points[1]), normalise(label))


class IndicatorReader:
    """Reads the rows under one header; remembers the level cells merged downwards."""

    def __init__(self, header: Header):
        self.header = header
        self.prev1: tuple[str, str] | None = None  # (raw, simplified) of the last level-1 cell
        self.prev2: tuple[str, str] | None = None

    def aligned(self, row: Row) -> dict[str, str] | None:
        """field -> printed cell; None when a flattened row has too few cells to be a complete row."""
        h = self.header
        if not row.flattened:
            out = {f: row.cells[i] if i < len(row.cells) else "" for i, f in h.columns.items()}
            out.update({f"extra:{name}": row.cells[i] for i, name in h.unknown.items()
                        if i < len(row.cells) and row.cells[i].strip()})
            return out
        cells = [c for _, c in row.filled]
        order = sorted(h.columns)
        name_at = h.index("name") if h.index("name") is not None else h.index("description")
        needed = sum(1 for i in order if name_at is not None and name_at <= i <= h.row_end)
        if len(cells) < needed:
            return None
        span = [i for i in order if i <= h.row_end]
        if len(cells) <= len(span):  # right-aligned: the merged level cells on the left are the missing ones
            placed = dict(zip(span[len(span) - len(cells):], cells))
        else:  # a longer row: left to right (trailing optional columns such as 备注 filled)
            placed = dict(zip(order, cells))
        return {f: placed.get(i, "") for i, f in h.columns.items()}

    def empty_category(self, row: Row) -> bool:
        """A table row with a category but no indicator (name and value empty): the levels carry on below it."""
        if row.flattened:
            return False
        cells = self.aligned(row)
        if (cells.get("name", "") or cells.get("description", "")).strip() or cells.get("value", "").strip():
            return False
        level1, level2 = cells.get("level1", ""), cells.get("level2", "")
        if not (level1.strip() or level2.strip()):
            return False
        if level1.strip():
            self.prev1 = (level1, points_of(level1)[0])
        if level2.strip():
            self.prev2 = (level2, points_of(level2)[0])
        return True

    def read(self, row: Row, position: int) -> ScoredIndicator | None:
        cells = self.aligned(row)
        if cells is None:
            return None
        name_raw = cells.get("name", "") or cells.get("description", "")
        if not name_raw.strip():
            return None
        level1_raw, level2_raw = cells.get("level1", ""), cells.get("level2", "")
        inherited1 = not level1_raw.strip() and self.prev1 is not None
        if inherited1:
            level1_raw = self.prev1[0]
        inherited2 = not level2_raw.strip() and inherited1 and self.prev2 is not None
        if inherited2:
            level2_raw = self.prev2[0]
        level1_key, points1 = points_of(level1_raw)
        level2_key, points2 = points_of(level2_raw)
        self.prev1, self.prev2 = (level1_raw, level1_key), (level2_raw, level2_key)
        category1 = resolve_level1(level1_key) if level1_key else None
        category2 = resolve_level2(level2_key, category1) if level2_key else None
        target = self.target(cells.get("nature", ""), cells.get("value", ""), cells.get("unit", ""))
        actual_raw = cells.get("actual")
        actual = self.target("", actual_raw, cells.get("unit", "")) if actual_raw is not None else None
        description = cells.get("description", "") if "name" in cells else ""
        extra = tuple((k.split(":", 1)[1], v.strip()) for k, v in cells.items() if k.startswith("extra:"))
        return ScoredIndicator(
            position=position,
            level1_raw=level1_raw, level1=normalise(simplified(level1_raw)), level1_category=category1,
            level1_inherited=inherited1,
            level2_raw=level2_raw, level2=normalise(simplified(level2_raw)), level2_category=category2,
            level2_inherited=inherited2,
            name=normalise(simplified(name_raw)), name_raw=name_raw,
            description=normalise(simplified(description)) or None,
            target=target,
            basis=normalise(simplified(cells.get("basis", ""))) or None,
            basis_raw=cells.get("basis", "").strip() or None,
            extra=extra, span=Span(row.number, row.number),
            actual=actual,
            score=number_of(cells.get("score", "")) if cells.get("score", "").strip() else None,
            score_raw=cells.get("score", "").strip() or None,
            weight=number_of(cells.get("weight", "")) if cells.get("weight", "").strip() else None,
            level1_points=score_range(level1_raw) if points1 else None,
            level2_points=score_range(level2_raw) if points2 else None,
            remark=normalise(simplified(cells.get("remark", ""))) or None,
            location=row.location)

    @staticmethod
    def target(nature: str, value: str, unit: str) -> Target:
        """The target grammar on the simplified text; `raw` keeps the cell as printed."""
        if nature.strip() or unit.strip():
            parsed = parse_target_cells(simplified(nature), simplified(value), simplified(unit))
        else:
            parsed = parse_target(simplified(value))
        return replace(parsed, raw=value)


def is_label_row(row: Row) -> bool:
    """A row whose first cell is a known field label (项目名称, 主管部门, 部门职能职责描述 …) or table title."""
    vocab = vocabulary()
    first = row.filled[0][1] if row.filled else ""
    key = label_key(first).split(":")[0]
    return vocab.field("field", key) is not None or vocab.field("execution", key) is not None
