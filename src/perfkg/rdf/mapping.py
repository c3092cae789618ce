"""Maps a parsed BudgetDocument to RDF: one named graph per document, provenance on every node."""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from perfkg.model import Amount, BudgetDocument, Indicator, Project, Span, Target
from perfkg.rdf.basis import basis_standards
from perfkg.rdf.iris import IriMinter, organisation_iri, unit_iri
from perfkg.vocab import CAT, PERFKG

COMPARATORS = {">=": PERFKG.AtLeast, "<=": PERFKG.AtMost, ">": PERFKG.MoreThan, "<": PERFKG.LessThan,
               "=": PERFKG.EqualTo}
VALUE_KINDS = {"quantitative": PERFKG.QuantitativeValue, "date": PERFKG.DateValue,
               "qualitative": PERFKG.QualitativeValue, "placeholder": PERFKG.PlaceholderValue,
               "empty": PERFKG.EmptyValue, "unparsed": PERFKG.UnparsedValue}


_PROJECT_CODE = re.compile(r"^(?P<region>[0-9]{6})[0-9]{2}(?P<serial>[A-Z][0-9]{11})[0-9A-Z]$")


def project_series(code: str | None) -> str | None:
    """"13030022P00702210044W" -> "130300-P00702210044": the code without its year and check characters."""
    m = _PROJECT_CODE.match(code or "")
    return f"{m.group('region')}-{m.group('serial')}" if m else None


def _dec(value: Decimal | None) -> Literal | None:
    """xsd:decimal in canonical lexical form ("40.00" -> "40.0"), so every serialisation round-trips exactly.

    The printed form is kept beside it (perfkg:printedAmount, perfkg:rawValue). Exact for any number of digits (no
    rounding to the decimal context); NaN and infinities have no xsd:decimal form and give no literal (None).
    """
    if value is None or not value.is_finite():
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "0", ""):
        text = "0"
    return Literal(text + ".0" if "." not in text else text, datatype=XSD.decimal)


@lru_cache(maxsize=4096, typed=True)  # 1 == True in Python, but Literal(1) is no Literal(True)
def _number(value: int | bool) -> Literal:
    """Positions, line numbers, months and flags repeat in every document; a Literal is immutable, so one is shared."""
    return Literal(value)


class _Builder:
    def __init__(self, doc: BudgetDocument, graph: Graph):
        self.doc = doc
        self.g = graph
        self.iri = IriMinter(doc)
        self._add = graph.store.add  # the graph's store directly: Graph.add only adds three type assertions

    def add(self, s, p, o) -> None:
        """One triple; a plain Python value becomes a Literal (ints and booleans shared), None adds nothing."""
        if o is None:
            return
        if not isinstance(o, Node):
            o = _number(o) if type(o) in (int, bool) else Literal(o)
        self._add((s, p, o), self.g, quoted=False)

    def node(self, s: URIRef, cls: URIRef, span: Span | None, label: str | None = None) -> URIRef:
        """A typed node derived from the source, with its lines."""
        self.add(s, RDF.type, cls)
        self.add(s, PROV.wasDerivedFrom, self.iri.source)
        if span is not None:
            self.add(s, PERFKG.firstLine, span.first)
            self.add(s, PERFKG.lastLine, span.last)
        if label:
            self.add(s, RDFS.label, Literal(label, lang="zh"))
        return s

    def text(self, s: URIRef, text) -> None:
        self.add(s, PERFKG.text, Literal(text.text, lang="zh"))
        if text.raw != text.text:
            self.add(s, PERFKG.rawText, Literal(text.raw))

    # -- the document ---------------------------------------------------------------------------
    def build(self) -> None:
        doc, d = self.doc, self.iri.document
        self.add(self.iri.source, RDF.type, PERFKG.SourceText)
        self.add(self.iri.source, PERFKG.sourceFileName, doc.source_name)
        self.add(self.iri.source, PERFKG.sha256, doc.source_sha256)
        self.add(self.iri.source, PERFKG.encoding, doc.encoding)
        self.node(d, PERFKG.BudgetDocument, doc.title.span if doc.title else None)
        if doc.title:
            self.add(d, DCTERMS.title, Literal(doc.title.text, lang="zh"))
            self.add(d, RDFS.label, Literal(doc.title.text, lang="zh"))
        self.add(d, PERFKG.budgetYear, doc.year)
        self.organisations()
        for i, goal in enumerate(doc.overall_goals, 1):
            s = self.node(self.iri.key(f"overall-goal/{i}"), PERFKG.OverallGoal, goal.span)
            self.add(s, PERFKG.position, i)
            self.text(s, goal)
            self.add(d, PERFKG.hasOverallGoal, s)
        for goal in doc.sub_goals:
            s = self.node(self.iri.key(f"subgoal/{goal.position}"), PERFKG.SubGoal, goal.text.span)
            self.add(s, PERFKG.position, goal.position)
            self.add(s, PERFKG.number, goal.number)
            self.text(s, goal.text)
            self.add(d, PERFKG.hasSubGoal, s)
        self.measures()
        for project in doc.projects:
            self.project(project)
        self.toc()
        self.warnings()
        self.unrecognised()
        self.frameworks()

    def organisations(self) -> None:
        doc, d = self.doc, self.iri.document
        if doc.organisation:
            org = organisation_iri(doc.organisation)
            self.add(org, RDF.type, PERFKG.Department)
            self.add(org, SKOS.prefLabel, Literal(doc.organisation, lang="zh"))
            self.add(d, PERFKG.issuedBy, org)
        if doc.compiler:
            compiler = organisation_iri(doc.compiler)
            self.add(d, PERFKG.compiledBy, compiler)
            if doc.compiler != doc.organisation:  # the name reaches the graph even without a title line
                self.add(compiler, SKOS.prefLabel, Literal(doc.compiler, lang="zh"))
        if doc.reviewer:
            bureau = organisation_iri(doc.reviewer)
            self.add(bureau, RDF.type, PERFKG.FinanceBureau)
            self.add(bureau, SKOS.prefLabel, Literal(doc.reviewer, lang="zh"))
            self.add(d, PERFKG.reviewedBy, bureau)

    def measures(self) -> None:
        for section in self.doc.measures:
            s = self.iri.key(f"measure/{section.position}")
            last = max([section.heading.span.last] + [t.span.last for t in section.intro])
            self.node(s, PERFKG.GuaranteeMeasureSection, Span(section.heading.span.first, last))
            self.add(s, PERFKG.position, section.position)
            self.add(s, PERFKG.number, section.number)
            self.add(s, RDFS.label, Literal(section.heading.text, lang="zh"))
            intro = " ".join(t.text for t in section.intro)
            self.add(s, PERFKG.text, Literal(intro, lang="zh") if intro else None)
            self.add(self.iri.document, PERFKG.hasMeasureSection, s)
            for item in section.items:
                i = self.node(self.iri.key(f"measure/{section.position}/item/{item.position}"),
                              PERFKG.GuaranteeMeasureItem, item.text.span)
                self.add(i, PERFKG.position, item.position)
                self.add(i, PERFKG.number, item.number)
                self.text(i, item.text)
                self.add(s, PERFKG.hasMeasureItem, i)

    # -- projects -------------------------------------------------------------------------------
    def project(self, p: Project) -> None:
        s = self.node(self.iri.project(p.position), PERFKG.BudgetProject, p.span, p.name or p.title.text)
        self.add(self.iri.document, PERFKG.hasProject, s)
        self.add(s, PERFKG.position, p.position)
        self.add(s, PERFKG.projectCode, p.code)
        self.add(s, PERFKG.projectSeries, project_series(p.code))
        self.add(s, DCTERMS.title, Literal(p.title.text, lang="zh") if not p.title_missing else None)
        if p.unit_code:
            unit = unit_iri(p.unit_code)
            self.add(unit, RDF.type, PERFKG.BudgetUnit)
            self.add(unit, PERFKG.unitCode, p.unit_code)
            self.add(unit, SKOS.prefLabel, Literal(p.unit_name, lang="zh") if p.unit_name else None)
            if self.doc.organisation:
                self.add(unit, ORG.unitOf, organisation_iri(self.doc.organisation))
            self.add(s, PERFKG.budgetUnit, unit)
        for prop, name, amount in ((PERFKG.budgetAmount, "budget", p.budget), (PERFKG.fiscalAmount, "fiscal", p.fiscal),
                                   (PERFKG.otherAmount, "other", p.other)):
            if amount is not None:
                self.add(s, prop, self.amount(self.iri.under(s, "amount", name), amount, p))
        if p.uses:
            self.add(s, PERFKG.fundUse, Literal(p.uses.text, lang="zh"))
        for m in p.spending_plan:
            n = self.node(self.iri.under(s, "plan", m.position), PERFKG.SpendingMilestone, m.span)
            self.add(n, PERFKG.position, m.position)
            self.add(n, PERFKG.periodLabel, m.label)
            self.add(n, PERFKG.month, m.month)
            self.add(n, PERFKG.cumulativePercent, _dec(m.cumulative_percent))
            self.add(n, PERFKG.rawValue, m.raw_value)
            self.add(n, PERFKG.labelInferred, m.label_inferred)
            self.add(s, PERFKG.hasSpendingMilestone, n)
        for goal in p.goals:
            n = self.node(self.iri.under(s, "goal", goal.position), PERFKG.ProjectGoal, goal.text.span)
            self.add(n, PERFKG.position, goal.position)
            self.add(n, PERFKG.number, goal.number)
            self.text(n, goal.text)
            self.add(s, PERFKG.hasProjectGoal, n)
        for ind in p.indicators:
            self.indicator(s, ind)

    def amount(self, s: URIRef, a: Amount, p: Project) -> URIRef:
        self.node(s, PERFKG.MonetaryAmount, p.funding_span or p.span)
        self.add(s, PERFKG.printedAmount, a.raw)
        self.add(s, PERFKG.amount, _dec(a.value))
        self.add(s, PERFKG.amountUnit, a.unit)
        self.add(s, PERFKG.amountInYuan, _dec(a.yuan))
        return s

    def indicator(self, project: URIRef, ind: Indicator) -> None:
        s = self.node(self.iri.under(project, "indicator", ind.position), PERFKG.Indicator, ind.span, ind.name or None)
        self.add(project, PERFKG.hasIndicator, s)
        self.add(s, PERFKG.position, ind.position)
        self.add(s, PERFKG.level1Label, ind.level1 or None)
        self.add(s, PERFKG.level2Label, ind.level2 or None)
        self.add(s, PERFKG.level1Inherited, ind.level1_inherited)
        self.add(s, PERFKG.level2Inherited, ind.level2_inherited)
        self.add(s, PERFKG.level1Category, CAT[ind.level1_category] if ind.level1_category else None)
        self.add(s, PERFKG.level2Category, CAT[ind.level2_category] if ind.level2_category else None)
        self.add(s, PERFKG.indicatorName, ind.name)
        if ind.name_raw != ind.name:
            self.add(s, PERFKG.rawText, Literal(ind.name_raw))
        self.add(s, PERFKG.description, ind.description)
        self.add(s, PERFKG.basisText, ind.basis)
        for standard in basis_standards(ind.basis):
            self.add(s, PERFKG.basisStandard, standard)
        for header, value in ind.extra:
            self.add(s, PERFKG.extraColumn, f"{header}={value}")
        self.add(s, PERFKG.hasTarget, self.target(self.iri.under(s, "target"), ind.target, ind.span))

    def target(self, s: URIRef, t: Target, span: Span) -> URIRef:
        self.node(s, PERFKG.Target, span)
        self.add(s, PERFKG.rawValue, t.raw)
        self.add(s, PERFKG.valueKind, VALUE_KINDS[t.kind])
        self.add(s, PERFKG.comparator, COMPARATORS.get(t.comparator) if t.comparator else None)
        self.add(s, PERFKG.comparatorExplicit, t.comparator_explicit)
        self.add(s, PERFKG.targetValue, _dec(t.value))
        self.add(s, PERFKG.targetUnit, t.unit)
        self.add(s, PERFKG.qualifier, t.qualifier)
        self.add(s, PERFKG.targetDate, t.date)
        for flag in t.flags:
            self.add(s, PERFKG.flag, flag)
        return s

    # -- document apparatus ---------------------------------------------------------------------
    def toc(self) -> None:
        for e in self.doc.toc:
            s = self.node(self.iri.under(self.iri.document, "toc", e.position), PERFKG.TocEntry, Span(e.line, e.line))
            self.add(s, PERFKG.position, e.position)
            self.add(s, RDFS.label, Literal(e.title, lang="zh"))
            self.add(s, PERFKG.tocPart, e.part)
            self.add(s, PERFKG.pageNumber, e.page)
            self.add(self.iri.document, PERFKG.hasTocEntry, s)

    def warnings(self) -> None:
        for i, w in enumerate(self.doc.warnings, 1):
            s = self.node(self.iri.under(self.iri.document, "warning", i), PERFKG.ParseWarning, w.span)
            self.add(s, PERFKG.position, i)
            self.add(s, PERFKG.warningCode, w.code)
            self.add(s, RDFS.comment, Literal(w.message_zh, lang="zh"))
            self.add(s, RDFS.comment, Literal(w.message_en, lang="en"))
            if w.element:
                self.add(s, PERFKG.concerns, self.iri.key(w.element))
            self.add(self.iri.document, PERFKG.hasParseWarning, s)

    def unrecognised(self) -> None:
        for n in self.doc.unrecognised_lines():
            s = self.node(self.iri.under(self.iri.document, "line", n), PERFKG.UnrecognisedLine, Span(n, n))
            self.add(s, PERFKG.lineNumber, n)
            self.add(s, PERFKG.lineText, self.doc.lines[n - 1])
            self.add(self.iri.document, PERFKG.hasUnrecognisedLine, s)

    def frameworks(self) -> None:
        """Which indicator framework(s) the document's cost rows use (R17 checks there is one)."""
        used = set()
        for p in self.doc.projects:
            for ind in p.indicators:
                if ind.level1_category == "cost":
                    used.add(CAT.Framework2021)
                if ind.level2_category == "output-cost":
                    used.add(CAT.Framework2015)
        for framework in sorted(used):
            self.add(self.iri.document, PERFKG.usesFramework, framework)


def document_graph(doc: BudgetDocument) -> tuple[URIRef, Graph]:
    """The document's triples and the IRI that names its graph (the document IRI)."""
    # SimpleMemory: a per-document graph needs no context indexes, and adds twice as fast as the default store
    builder = _Builder(doc, Graph(store="SimpleMemory", bind_namespaces="none"))
    builder.build()
    from perfkg.rdf.mapping_tables import add_table_kinds  # issue 11: kinds read by parse/tables (none for Hebei)

    add_table_kinds(builder)
    return builder.iri.document, builder.g


def to_dataset(docs: list[BudgetDocument]) -> Dataset:
    ds = Dataset()
    for doc in docs:
        name, graph = document_graph(doc)
        target = ds.graph(name)
        for triple in graph:
            target.add(triple)
    return ds
