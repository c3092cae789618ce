"""Turns pySHACL's report into findings: rule, severity, messages zh/en, the element, its project/indicator and lines."""
from __future__ import annotations

import re
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH
from rdflib.term import Node

from perfkg.validate.report import ElementRef, Finding
from perfkg.validate.settings import PKS
from perfkg.validate.shapes import RuleShape, Shapes
from perfkg.vocab import PERFKG

KINDS = {
    PERFKG.BudgetDocument: "document", PERFKG.BudgetProject: "project", PERFKG.Indicator: "indicator",
    PERFKG.Target: "target", PERFKG.SpendingMilestone: "milestone", PERFKG.ProjectGoal: "project-goal",
    PERFKG.SubGoal: "sub-goal", PERFKG.OverallGoal: "overall-goal", PERFKG.GuaranteeMeasureSection: "measure",
    PERFKG.GuaranteeMeasureItem: "measure-item", PERFKG.TocEntry: "toc-entry", PERFKG.ParseWarning: "parse-warning",
    PERFKG.UnrecognisedLine: "line", PERFKG.MonetaryAmount: "amount", PERFKG.BudgetUnit: "unit",
}
# how to get from an element up to its project
_UP_TO_PROJECT = (PERFKG.hasIndicator, PERFKG.hasSpendingMilestone, PERFKG.hasProjectGoal, PERFKG.budgetAmount,
                  PERFKG.fiscalAmount, PERFKG.otherAmount)
_PREFIXES = {"https://w3id.org/perfkg/ontology#": "perfkg:", "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
             "http://purl.org/dc/terms/": "dcterms:", "http://www.w3.org/2004/02/skos/core#": "skos:"}
_VAR = re.compile(r"\{[?$](\w+)\}")


def _short(node: Node) -> str:
    text = str(node)
    for ns, prefix in _PREFIXES.items():
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return f"<{text}>"


def path_text(g: Graph, path: Node | None) -> str | None:
    """A SHACL path as a SPARQL property path: (a b) -> a/b, [sh:inversePath p] -> ^p, alternatives -> (a|b)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _short(path)
    if (path, RDF.first, None) in g:
        return "/".join(path_text(g, p) or "" for p in Collection(g, path))
    inverse = g.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (path_text(g, inverse) or "")
    alternative = g.value(path, SH.alternativePath)
    if alternative is not None:
        return "(" + "|".join(path_text(g, p) or "" for p in Collection(g, alternative)) + ")"
    for p, op in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = g.value(path, p)
        if inner is not None:
            return f"({path_text(g, inner)}){op}"
    return str(path)


def follow(g: Graph, start: Node, path: Node, shapes_graph: Graph) -> list[Node]:
    """The values of a (sequence or single-property) display path from `start`."""
    nodes = [start]
    steps = list(Collection(shapes_graph, path)) if isinstance(path, BNode) else [path]
    for step in steps:
        nodes = [o for n in nodes for o in g.objects(n, step)]
    return nodes


class Locator:
    """Answers "where is this?" for nodes of one document graph."""

    def __init__(self, data: Graph):
        self.g = data
        self._project_cache: dict[Node, Node | None] = {}

    def kind(self, node: Node) -> str:
        for t in self.g.objects(node, RDF.type):
            if t in KINDS:
                return KINDS[t]
        return "other"

    def is_element(self, node: Node) -> bool:
        return isinstance(node, URIRef) and (node, PERFKG.firstLine, None) in self.g

    def indicator_of(self, node: Node) -> Node | None:
        kind = self.kind(node)
        if kind == "indicator":
            return node
        if kind == "target":
            return self.g.value(predicate=PERFKG.hasTarget, object=node)
        return None

    def project_of(self, node: Node) -> Node | None:
        if node in self._project_cache:
            return self._project_cache[node]
        found = None
        if self.kind(node) == "project":
            found = node
        else:
            current = self.indicator_of(node) or node
            for p in _UP_TO_PROJECT:
                parent = self.g.value(predicate=p, object=current)
                if parent is not None and self.kind(parent) == "project":
                    found = parent
                    break
        self._project_cache[node] = found
        return found

    def project_ref(self, node: Node | None) -> ElementRef | None:
        if node is None:
            return None
        position = self.g.value(node, PERFKG.position)
        label = self.g.value(node, RDFS.label) or self.g.value(node, DCTERMS.title) or ""
        code = self.g.value(node, PERFKG.projectCode)
        return ElementRef(str(node), int(position) if position is not None else None, str(label),
                          str(code) if code is not None else None)

    def indicator_ref(self, node: Node | None) -> ElementRef | None:
        if node is None:
            return None
        position = self.g.value(node, PERFKG.position)
        name = self.g.value(node, PERFKG.indicatorName) or self.g.value(node, RDFS.label) or ""
        return ElementRef(str(node), int(position) if position is not None else None, str(name))

    def lines(self, node: Node) -> tuple[int | None, int | None]:
        first, last = self.g.value(node, PERFKG.firstLine), self.g.value(node, PERFKG.lastLine)
        return (int(first) if first is not None else None, int(last) if last is not None else None)

    def location(self, node: Node) -> dict[str, str]:
        """perfkg:sourceLocation by language (table-sourced documents only), e.g. {"zh": "第 3 页 表 2 第 7 行"}."""
        return {o.language: str(o) for o in self.g.objects(node, PERFKG.sourceLocation)
                if isinstance(o, Literal) and o.language}

    def document(self) -> Node | None:
        return next(iter(self.g.subjects(RDF.type, PERFKG.BudgetDocument)), None)


def _render(template: str, value_text: str | None) -> str:
    return template.replace("{value}", value_text if value_text not in (None, "") else "—")


def _template_regex(template: str) -> re.Pattern:
    parts, last = [], 0
    for m in _VAR.finditer(template):
        parts.append(re.escape(template[last:m.start()]))
        parts.append("(.*?)")
        last = m.end()
    parts.append(re.escape(template[last:]))
    return re.compile("^" + "".join(parts) + "$", re.S)


def _sparql_messages(rule: RuleShape, emitted: list[Literal]) -> dict[str, str]:
    """Match pySHACL's filled-in (untagged) messages back to the zh/en templates they came from."""
    out: dict[str, str] = {}
    for lang, template in rule.message.items():
        if not _VAR.search(template):
            continue
        pattern = _template_regex(template)
        for m in emitted:
            if pattern.match(str(m)):
                out[lang] = str(m)
                break
    return out


def findings_from(report: Graph, data: Graph, shapes: Shapes) -> tuple[list[Finding], str]:
    """Findings for every sh:result, and the report enriched with lines, rule ids and zh/en messages (N-Triples)."""
    loc = Locator(data)
    document = loc.document()
    doc_lines = loc.lines(document) if document is not None else (None, None)
    findings: list[tuple[Finding, Node]] = []
    for result in report.objects(None, SH.result):
        shape = report.value(result, SH.sourceShape)
        rule = shapes.rule_of(shape)
        if rule is None:  # a shape without a rule id: a bug in the shape files, never silently dropped
            raise ValueError(f"validation result from a shape with no dcterms:identifier: {shape}")
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        where = value if value is not None and loc.is_element(value) else focus
        detail: dict[str, str] = {}
        first, last = loc.lines(where)
        if loc.kind(where) == "parse-warning":
            detail = {c.language: str(c) for c in data.objects(where, RDFS.comment) if c.language}
            concerned = data.value(where, PERFKG.concerns)
            if concerned is not None and concerned != document:
                where = concerned
        if first is None:
            first, last = loc.lines(where)
        if first is None:
            first, last = doc_lines
        location = loc.location(where) or (loc.location(document) if document is not None else {})
        display: list[str] = []
        for p in rule.display_paths:
            display += [str(v) for v in follow(data, where, p, shapes.graph) if isinstance(v, Literal)]
        if not display and isinstance(value, Literal) and not rule.rule.startswith("P-"):
            display = [str(value)]
        value_text = " / ".join(dict.fromkeys(display)) or None
        emitted = [m for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)]
        filled = _sparql_messages(rule, emitted)
        message = {lang: _render(filled.get(lang, template), value_text) for lang, template in rule.message.items()}
        project = loc.project_of(where)
        indicator = loc.indicator_of(where)
        finding = Finding(
            rule=rule.rule, severity=rule.severity, message=message, rule_label=dict(rule.label),
            rule_source=rule.source, shape=shape.n3() if isinstance(shape, URIRef) else f"_:{shape}",
            component=str(report.value(result, SH.sourceConstraintComponent) or ""), focus=str(focus),
            element=str(where), element_kind=loc.kind(where),
            value=str(value) if value is not None else None, value_text=value_text,
            path=path_text(report, report.value(result, SH.resultPath)), detail=detail,
            project=loc.project_ref(project), indicator=loc.indicator_ref(indicator),
            first_line=first, last_line=last, location=location)
        findings.append((finding, result))
    findings.sort(key=lambda fr: fr[0].sort_key())
    return [f for f, _ in findings], _canonical_report(report, findings, document, data)


def _canonical_report(report: Graph, findings: list[tuple[Finding, Node]], document: Node | None,
                      data: Graph) -> str:
    """The report as N-Triples, blank nodes named in finding order, plus perfkg's additions to each result.

    Written as text directly: building another rdflib graph for it cost a tenth of the validation time.
    """
    from rdflib.plugins.serializers.nt import _nt_row  # N-Triples escaping (one line per triple)

    lines: list[str] = []

    def emit(s: Node, p: Node, o: Node) -> None:
        lines.append(_nt_row((s, p, o)).rstrip("\n"))

    root = BNode("report")
    emit(root, RDF.type, SH.ValidationReport)
    emit(root, SH.conforms, Literal(not findings))
    if document is not None:
        emit(root, DCTERMS.subject, document)
        source = next(iter(data.objects(None, PERFKG.sourceFileName)), None)
        if source is not None:
            emit(root, DCTERMS.source, Literal(str(source)))
    names: dict[Node, BNode] = {}

    def copy_node(node: Node, prefix: str) -> Node:
        if not isinstance(node, BNode):
            return node
        if node not in names:
            names[node] = BNode(f"{prefix}p{len(names) + 1:02d}")
            for p, o in sorted(report.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
                emit(names[node], p, copy_node(o, prefix))
        return names[node]

    for i, (finding, result) in enumerate(findings, 1):
        names.clear()  # each result gets its own copy of a shared path, so Turtle writes it inline as ( … )
        r = BNode(f"r{i:04d}")
        emit(root, SH.result, r)
        for p, o in sorted(report.predicate_objects(result), key=lambda po: (str(po[0]), str(po[1]))):
            # pySHACL's messages are replaced by the rendered zh/en ones; sh:sourceConstraint (optional in SHACL)
            # would copy the whole SPARQL constraint into every result
            if p not in (SH.resultMessage, SH.sourceConstraint):
                emit(r, p, copy_node(o, f"r{i:04d}"))
        for lang, text in sorted(finding.message.items()):
            emit(r, SH.resultMessage, Literal(text, lang=lang))
        emit(r, DCTERMS.identifier, Literal(finding.rule))
        emit(r, PKS.element, URIRef(finding.element))
        if finding.first_line is not None:
            emit(r, PERFKG.firstLine, Literal(finding.first_line))
        if finding.last_line is not None:
            emit(r, PERFKG.lastLine, Literal(finding.last_line))
        for lang, text in sorted(finding.location.items()):
            emit(r, PERFKG.sourceLocation, Literal(text, lang=lang))
    return "\n".join(lines) + "\n"
