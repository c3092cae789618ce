"""Maps what the header-driven interpreter adds (perfkg.model_tables) to RDF, beside the Hebei mapping: document and
table kinds, department-level tables, form fields, actual values, scores, execution, amounts in 万元, table notes."""
from __future__ import annotations

from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from perfkg.model import Amount
from perfkg.model_tables import (BUDGET_DISCLOSURE, PROJECT_APPROVAL, PROJECT_DECLARATION, PROJECT_SELF_EVALUATION,
                                 SELF_EVALUATION, DepartmentTable, FormProject, ScoredIndicator, ScoreRange,
                                 TableDocument)
from perfkg.rdf.mapping import _dec
from perfkg.vocab import PERFKG

DOCUMENT_CLASSES = {SELF_EVALUATION: PERFKG.SelfEvaluationReport, BUDGET_DISCLOSURE: PERFKG.BudgetDisclosure}
PROJECT_CLASSES = {PROJECT_DECLARATION: PERFKG.ProjectDeclarationForm, PROJECT_APPROVAL: PERFKG.ProjectApprovalForm,
                   PROJECT_SELF_EVALUATION: PERFKG.ProjectSelfEvaluation}
WAN = Decimal(10_000)


def add_table_kinds(builder) -> None:
    """Called by rdf.mapping.document_graph after the Hebei mapping; adds nothing for a Hebei document."""
    doc = builder.doc
    if not isinstance(doc, TableDocument):
        return
    TableMapping(builder, doc).build()


class TableMapping:
    def __init__(self, builder, doc: TableDocument):
        self.b, self.doc, self.iri = builder, doc, builder.iri

    def build(self) -> None:
        d = self.iri.document
        self.b.add(d, RDF.type, DOCUMENT_CLASSES.get(self.doc.kind, PERFKG.TargetTablesDocument))
        self.b.add(d, PERFKG.filedOn, self.doc.published)
        if self.doc.traditional:
            self.b.add(d, PERFKG.traditionalScript, Literal(True))
        for p in self.doc.projects:
            self.project(p)
        for t in self.doc.department_tables:
            self.department(t)
        for i, note in enumerate(self.doc.notes, 1):
            s = self.b.node(self.iri.under(d, "table-note", i), PERFKG.TableNote, note.span if note.span.first else None,
                            note.label)
            self.b.add(s, PERFKG.noteKind, note.kind)
            self.b.add(s, PERFKG.position, Literal(i))
            self.b.add(d, PERFKG.hasTableNote, s)

    def points(self, s: URIRef, prop: URIRef, points: ScoreRange | None, *path: str) -> None:
        if points is None:
            return
        n = self.iri.under(s, *path)
        self.b.add(n, RDF.type, PERFKG.ScoreRange)
        self.b.add(n, PERFKG.pointsMin, _dec(points.low))
        self.b.add(n, PERFKG.pointsMax, _dec(points.high))
        self.b.add(n, PERFKG.rawText, points.raw)
        self.b.add(s, prop, n)

    def wan(self, s: URIRef, amount: Amount) -> None:
        """The amount in 万元 when it was printed in another unit (元), so that every library answer is in 万元."""
        if amount.unit not in ("万元", "万") and amount.yuan is not None:
            self.b.add(s, PERFKG.amountInWan, _dec(amount.yuan / WAN))

    def project(self, p) -> None:
        s = self.iri.project(p.position)
        for name, amount in (("budget", p.budget), ("fiscal", p.fiscal), ("other", p.other)):
            if amount is not None:
                self.wan(self.iri.under(s, "amount", name), amount)
        for ind in p.indicators:
            self.indicator(self.iri.under(s, "indicator", ind.position), ind)
        if not isinstance(p, FormProject):
            return
        self.b.add(s, RDF.type, PROJECT_CLASSES.get(p.table_kind, PERFKG.BudgetProject))
        for prop, value in ((PERFKG.supervisingDepartment, p.department), (PERFKG.implementingUnit, p.implementing_unit),
                            (PERFKG.projectPeriod, p.period), (PERFKG.projectClassification, p.classification),
                            (PERFKG.projectCodePattern, p.code_pattern), (PERFKG.filedOn, p.filled_on)):
            self.b.add(s, prop, value)
        if p.basis is not None:
            self.b.add(s, PERFKG.projectBasis, Literal(p.basis.text, lang="zh"))
        for field, option in p.checked:
            self.b.add(s, PERFKG.checkedOption, f"{field}={option}")
        for prop, name, amount in ((PERFKG.executedAmount, "executed", p.executed),
                                   (PERFKG.totalBudgetAmount, "total", p.total_budget)):
            if amount is not None:
                n = self.b.amount(self.iri.under(s, "amount", name), amount, p)
                self.wan(n, amount)
                self.b.add(s, prop, n)
        self.b.add(s, PERFKG.executionRate, _dec(p.execution_rate))
        self.b.add(s, PERFKG.executionScore, _dec(p.execution_score))
        self.points(s, PERFKG.executionPoints, p.execution_points, "points", "execution")
        self.points(s, PERFKG.goalPoints, p.goal_points, "points", "goals")

    def indicator(self, s: URIRef, ind) -> None:
        if ind.target.change:
            self.b.add(self.iri.under(s, "target"), PERFKG.changeDirection, ind.target.change)
        if not isinstance(ind, ScoredIndicator):
            return
        if ind.actual is not None:
            actual = self.b.target(self.iri.under(s, "actual"), ind.actual, ind.span)
            if ind.actual.change:
                self.b.add(actual, PERFKG.changeDirection, ind.actual.change)
            self.b.add(s, PERFKG.hasActual, actual)
        self.b.add(s, PERFKG.indicatorScore, _dec(ind.score))
        self.b.add(s, PERFKG.indicatorWeight, _dec(ind.weight))
        self.b.add(s, PERFKG.extraColumn, f"备注={ind.remark}" if ind.remark else None)
        self.points(s, PERFKG.level1Points, ind.level1_points, "points", "level1")
        self.points(s, PERFKG.level2Points, ind.level2_points, "points", "level2")

    def department(self, t: DepartmentTable) -> None:
        d = self.iri.document
        s = self.b.node(self.iri.under(d, "department-table", t.position), PERFKG.DepartmentTargetTable, t.span,
                        t.title.text or None)
        self.b.add(d, PERFKG.hasDepartmentTable, s)
        self.b.add(s, PERFKG.position, Literal(t.position))
        self.b.add(s, PERFKG.periodNote, t.period_note)
        if t.functions is not None:
            self.b.add(s, PERFKG.departmentFunctions, Literal(t.functions.text, lang="zh"))
        for i, line in enumerate(t.money, 1):
            n = self.b.node(self.iri.under(s, "money", i), PERFKG.MoneyLine, t.span, line.label)
            self.b.add(n, PERFKG.moneyGroup, line.group)
            self.b.add(n, PERFKG.printedAmount, line.amount.raw)
            self.b.add(n, PERFKG.amount, _dec(line.amount.value))
            self.b.add(n, PERFKG.amountUnit, line.amount.unit)
            self.b.add(n, PERFKG.amountInYuan, _dec(line.amount.yuan))
            self.wan(n, line.amount)
            self.b.add(s, PERFKG.hasMoneyLine, n)
        for ind in t.indicators:
            self.b.indicator(d, ind)  # the document hasIndicator (perfkg.ttl: a department-wide indicator row)
            n = self.iri.under(d, "indicator", ind.position)
            self.b.add(n, PERFKG.inTable, s)
            self.indicator(n, ind)


__all__ = ["add_table_kinds"]
