"""The validation report as data: findings with rule, severity, messages, location and value, per document."""
from __future__ import annotations

from dataclasses import dataclass, field

SEVERITY_ORDER = ("Violation", "Warning", "Info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}  # 0 = most severe
FAIL_ON = {"violation": "Violation", "warning": "Warning", "info": "Info"}


@dataclass(frozen=True)
class ElementRef:
    """A project or indicator a finding is about, as a reader knows it."""

    iri: str
    position: int | None
    label: str
    code: str | None = None  # project code (projects only)


@dataclass(frozen=True)
class Finding:
    """One validation result, enriched for the department that has to act on it."""

    rule: str  # "R19", "P-cell-realigned"
    severity: str  # "Violation" | "Warning" | "Info"
    message: dict[str, str]  # {"zh": …, "en": …}: what is wrong and what to change
    rule_label: dict[str, str]
    rule_source: str
    shape: str  # sh:sourceShape (IRI, or "_:…" for an unnamed nested shape)
    component: str  # sh:sourceConstraintComponent
    focus: str  # sh:focusNode
    element: str  # IRI of the element the finding is located at (the value node when it is a document element)
    element_kind: str  # document | project | indicator | milestone | project-goal | sub-goal | …
    value: str | None = None  # sh:value as text (IRI or lexical form)
    value_text: str | None = None  # what the report shows as the offending value
    path: str | None = None  # sh:resultPath as a SPARQL property path
    detail: dict[str, str] = field(default_factory=dict)  # the ingester's own words for P- findings
    project: ElementRef | None = None
    indicator: ElementRef | None = None
    first_line: int | None = None
    last_line: int | None = None
    # PDF, workbook, Word, web page: where the element is in the user's terms, {"zh": "第 3 页 表 2 第 7 行", "en": …}
    location: dict[str, str] = field(default_factory=dict)

    def sort_key(self) -> tuple:
        return (self.first_line or 0, SEVERITY_RANK.get(self.severity, 9), _rule_key(self.rule), self.element,
                self.shape, self.value or "", self.message.get("en", ""))

    def lines(self) -> str:
        if self.first_line is None:
            return ""
        if self.last_line is None or self.last_line == self.first_line:
            return str(self.first_line)
        return f"{self.first_line}–{self.last_line}"


def _rule_key(rule: str) -> tuple:
    if rule.startswith("R") and rule[1:].isdigit():
        return (0, int(rule[1:]), "")
    return (1, 0, rule)


@dataclass(frozen=True)
class InputProblem:
    """Why a source could not be validated (exit code 2); names the file and, when known, the line."""

    path: str
    line: int | None
    message: dict[str, str]


@dataclass
class DocumentReport:
    """Everything validation found in one submitted document (or why it could not be read)."""

    source: str  # the path given on the command line / to the API
    source_file: str | None = None  # the original text file's name (from the graph for RDF input)
    document: str | None = None  # document IRI
    title: str | None = None
    organisation: str | None = None
    year: int | None = None
    findings: list[Finding] = field(default_factory=list)
    problem: InputProblem | None = None
    report_graph: str = ""  # the standard sh:ValidationReport as N-Triples, with perfkg:firstLine etc. added
    shapes_fingerprint: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the document could be validated (it may still have findings)."""
        return self.problem is None

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in SEVERITY_ORDER}
        for f in self.findings:
            out[f.severity] += 1
        return out

    def conforms(self, fail_on: str = "violation") -> bool:
        """No finding at or above the `fail_on` level ("violation", "warning" or "info")."""
        limit = SEVERITY_RANK[FAIL_ON[fail_on]]
        return self.ok and not any(SEVERITY_RANK[f.severity] <= limit for f in self.findings)

    def by_project(self) -> list[tuple[ElementRef | None, list[Finding]]]:
        """Findings grouped by project (document-level first, then projects in table order), each sorted."""
        groups: dict[str | None, list[Finding]] = {}
        refs: dict[str | None, ElementRef | None] = {None: None}
        for f in self.findings:
            key = f.project.iri if f.project else None
            groups.setdefault(key, []).append(f)
            if f.project:
                refs[key] = f.project
        order = sorted(groups, key=lambda k: (-1, "") if k is None else (refs[k].position or 0, k))
        return [(refs[k], sorted(groups[k], key=Finding.sort_key)) for k in order]


def exit_code(reports: list[DocumentReport], fail_on: str = "violation") -> int:
    """0 when every document conforms at `fail_on`, 1 when one has a finding at or above it, 2 for unusable input."""
    if any(not r.ok for r in reports):
        return 2
    return 0 if all(r.conforms(fail_on) for r in reports) else 1
