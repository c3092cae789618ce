"""What changed between two versions of a submission: projects, amounts, spending plans, indicators and targets,
a lowered target first (renderers in diff_render.py).

Both versions are document graphs (from two files, or two versions kept in a store), so the comparison is the same
whatever the source format. Projects are matched by their code (by position when they have none); indicators within
a project by name, and the ones left on both sides by position, which makes a changed name a rename rather than a
removal plus an addition.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from perfkg.vocab import PERFKG

# change kinds, in the order a reviewer reads them: a lowered target is what they look for first
KINDS = ("target-lowered", "project-removed", "project-added", "project-renamed", "amount-changed", "plan-changed",
         "indicator-removed", "indicator-added", "indicator-renamed", "target-raised", "target-changed",
         "indicator-changed", "document-changed")
LABELS = {
    "target-lowered": ("目标降低", "target lowered"), "project-removed": ("项目删除", "project removed"),
    "project-added": ("项目新增", "project added"), "project-renamed": ("项目更名", "project renamed"),
    "amount-changed": ("金额变化", "amount changed"), "plan-changed": ("支出计划变化", "spending plan changed"),
    "indicator-removed": ("指标删除", "indicator removed"), "indicator-added": ("指标新增", "indicator added"),
    "indicator-renamed": ("指标更名", "indicator renamed"), "target-raised": ("目标提高", "target raised"),
    "target-changed": ("目标变化", "target changed"), "indicator-changed": ("指标内容变化", "indicator changed"),
    "document-changed": ("文档信息变化", "document details changed"),
}
AMOUNTS = {"budget": PERFKG.budgetAmount, "fiscal": PERFKG.fiscalAmount, "other": PERFKG.otherAmount}
INDICATOR_FIELDS = {"level1": PERFKG.level1Label, "level2": PERFKG.level2Label, "description": PERFKG.description,
                    "basis": PERFKG.basisText}
FLOORS, CEILINGS = {PERFKG.AtLeast, PERFKG.MoreThan}, {PERFKG.AtMost, PERFKG.LessThan}


@dataclass(frozen=True)
class Change:
    """One difference: its kind, the project (code or name) and indicator it concerns, the field, old and new text."""

    kind: str
    project: str
    field: str
    old: str | None = None
    new: str | None = None
    indicator: str | None = None

    def label(self, lang: str) -> str:
        zh, en = LABELS[self.kind]
        return zh if lang == "zh" else en


@dataclass
class Diff:
    old: str  # a name for each side: file name or version IRI
    new: str
    changes: list[Change] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.changes

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def to_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "changes": [asdict(c) for c in self.changes],
                "counts": {k: self.count(k) for k in KINDS if self.count(k)}}


# --- reading one version --------------------------------------------------------------------------------------
@dataclass
class Target:
    raw: str
    comparator: URIRef | None
    value: Decimal | None
    unit: str | None


@dataclass
class Indicator:
    position: int
    name: str
    fields: dict[str, str]
    target: Target | None


@dataclass
class Project:
    key: str
    position: int
    name: str
    amounts: dict[str, tuple[Decimal | None, str]]  # kind -> (yuan, as printed with its unit)
    plan: dict[str, str]  # period label -> cumulative percent as printed
    indicators: list[Indicator]


def _text(g: Graph, s, p) -> str | None:
    value = g.value(s, p)
    return None if value is None else str(value)


def _decimal(g: Graph, s, p) -> Decimal | None:
    value = g.value(s, p)
    return None if value is None else Decimal(str(value))


def _position(g: Graph, s) -> int:
    value = g.value(s, PERFKG.position)
    return int(value) if value is not None else 0


def read_projects(g: Graph) -> dict[str, Project]:
    """The projects of one document graph by key (code, or #position for a project without a code)."""
    projects = {}
    for p in g.subjects(RDF.type, PERFKG.BudgetProject):
        position = _position(g, p)
        key = _text(g, p, PERFKG.projectCode) or f"#{position}"
        amounts = {}
        for kind, prop in AMOUNTS.items():
            node = g.value(p, prop)
            if node is not None:
                printed = _text(g, node, PERFKG.printedAmount) or ""
                amounts[kind] = (_decimal(g, node, PERFKG.amountInYuan),
                                 f"{printed} {_text(g, node, PERFKG.amountUnit) or ''}".strip())
        plan = {}
        for m in sorted(g.objects(p, PERFKG.hasSpendingMilestone), key=lambda m: _position(g, m)):
            plan[_text(g, m, PERFKG.periodLabel) or f"#{_position(g, m)}"] = _text(g, m, PERFKG.rawValue) or ""
        indicators = [_indicator(g, i) for i in g.objects(p, PERFKG.hasIndicator)]
        projects[key] = Project(key, position, _text(g, p, RDFS.label) or "", amounts, plan,
                                sorted(indicators, key=lambda i: i.position))
    return projects


def _indicator(g: Graph, i) -> Indicator:
    t = g.value(i, PERFKG.hasTarget)
    target = None if t is None else Target(_text(g, t, PERFKG.rawValue) or "", g.value(t, PERFKG.comparator),
                                           _decimal(g, t, PERFKG.targetValue), _text(g, t, PERFKG.targetUnit))
    fields = {name: _text(g, i, prop) or "" for name, prop in INDICATOR_FIELDS.items()}
    return Indicator(_position(g, i), _text(g, i, PERFKG.indicatorName) or "", fields, target)


# --- comparing --------------------------------------------------------------------------------------------------
def target_direction(old: Target, new: Target) -> str:
    """"lowered" when the new target asks for less (a lower floor, a higher ceiling or a later deadline), "raised"
    when it asks for more, "changed" when the two cannot be ordered (other comparator or unit, text targets)."""
    if old.value is None or new.value is None or old.unit != new.unit:
        return "changed"
    same_side = (old.comparator in FLOORS and new.comparator in FLOORS) or \
                (old.comparator in CEILINGS and new.comparator in CEILINGS)
    if not same_side or old.value == new.value:
        return "changed"
    asks_less = new.value < old.value if old.comparator in FLOORS else new.value > old.value
    return "lowered" if asks_less else "raised"


def diff_graphs(old: Graph, new: Graph, old_name: str = "old", new_name: str = "new") -> Diff:
    """Every difference between two versions of a document, ordered by KINDS, then project and indicator."""
    changes: list[tuple[int, int, int, Change]] = []  # (project position, indicator position, order, change)
    before, after = read_projects(old), read_projects(new)
    for key in before.keys() - after.keys():
        p = before[key]
        changes.append((p.position, 0, 0, Change("project-removed", key, "project", p.name, None)))
    for key in after.keys() - before.keys():
        p = after[key]
        changes.append((p.position, 0, 0, Change("project-added", key, "project", None, p.name)))
    for key in before.keys() & after.keys():
        a, b = before[key], after[key]
        place = b.position
        if a.name != b.name:
            changes.append((place, 0, 0, Change("project-renamed", key, "name", a.name, b.name)))
        for kind in sorted(a.amounts.keys() | b.amounts.keys()):
            (yuan_a, shown_a), (yuan_b, shown_b) = a.amounts.get(kind, (None, "")), b.amounts.get(kind, (None, ""))
            if yuan_a != yuan_b:
                changes.append((place, 0, 1, Change("amount-changed", key, kind, shown_a or None, shown_b or None)))
        for period in [*a.plan, *(k for k in b.plan if k not in a.plan)]:  # each period of the schedule
            if a.plan.get(period) != b.plan.get(period):
                changes.append((place, 0, 2, Change("plan-changed", key, period, a.plan.get(period),
                                                    b.plan.get(period))))
        changes.extend(_indicator_changes(key, place, a.indicators, b.indicators))
    doc = [Change("document-changed", "", str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1], _doc_value(old, p),
                  _doc_value(new, p))
           for p in (PERFKG.budgetYear, URIRef("http://purl.org/dc/terms/title"))
           if _doc_value(old, p) != _doc_value(new, p)]
    ordered = sorted(changes, key=lambda c: (KINDS.index(c[3].kind), c[0], c[1], c[2]))
    return Diff(old_name, new_name, [c for *_, c in ordered] + doc)


def _doc_value(g: Graph, p) -> str | None:
    doc = next(iter(g.subjects(PERFKG.hasProject, None)), None) or next(iter(g.subjects(PERFKG.budgetYear, None)),
                                                                         None)
    return _text(g, doc, p) if doc is not None else None


def _indicator_changes(project: str, place: int, old: list[Indicator], new: list[Indicator]):
    pairs, left, right = [], list(old), list(new)
    for a in old:  # same name
        b = next((b for b in right if b.name == a.name), None)
        if b is not None:
            pairs.append((a, b))
            left.remove(a)
            right.remove(b)
    for a in list(left):  # the same place under another name: a rename
        b = next((b for b in right if b.position == a.position), None)
        if b is not None:
            pairs.append((a, b))
            left.remove(a)
            right.remove(b)
    for a in left:
        yield place, a.position, 0, Change("indicator-removed", project, "indicator", a.name, None, a.name)
    for b in right:
        yield place, b.position, 0, Change("indicator-added", project, "indicator", None, b.name, b.name)
    for a, b in pairs:
        if a.name != b.name:
            yield place, b.position, 0, Change("indicator-renamed", project, "name", a.name, b.name, b.name)
        for name in INDICATOR_FIELDS:
            if a.fields[name] != b.fields[name]:
                yield place, b.position, 1, Change("indicator-changed", project, name, a.fields[name] or None,
                                                   b.fields[name] or None, b.name)
        ta, tb = a.target, b.target
        if (ta.raw if ta else None) != (tb.raw if tb else None):
            kind = f"target-{target_direction(ta, tb)}" if ta and tb else "target-changed"
            yield place, b.position, 2, Change(kind, project, "target", ta.raw if ta else None,
                                               tb.raw if tb else None, b.name)


def summary(diff: Diff, lang: str) -> str:
    """One line of counts ("3 个指标变化 …" or "3 indicators changed, …"), in KINDS order."""
    if diff.unchanged:
        return "内容无变化" if lang == "zh" else "no change in content"
    parts = []
    for kind in KINDS:
        n = diff.count(kind)
        if n:
            zh, en = LABELS[kind]
            noun, verb = en.rsplit(" ", 1)
            plural = noun if n == 1 or noun.endswith("s") else noun + "s"
            parts.append(f"{n} 处{zh}" if lang == "zh" else f"{n} {plural} {verb}")
    return ("，" if lang == "zh" else ", ").join(parts)
