"""The report as JSON, in the shape documented by docs/validation-report.schema.json."""
from __future__ import annotations

import json

from perfkg import __version__
from perfkg.validate.report import FAIL_ON, DocumentReport, ElementRef, Finding

SCHEMA_VERSION = "1.0"
SCHEMA_ID = "https://w3id.org/perfkg/validation-report.schema.json"


def _ref(ref: ElementRef | None) -> dict | None:
    if ref is None:
        return None
    out = {"iri": ref.iri, "position": ref.position, "label": ref.label}
    if ref.code is not None:
        out["code"] = ref.code
    return out


def _finding(f: Finding) -> dict:
    return {
        "rule": f.rule, "severity": f.severity, "message": f.message, "ruleLabel": f.rule_label,
        "ruleSource": f.rule_source, "element": f.element, "elementKind": f.element_kind,
        "lines": {"first": f.first_line, "last": f.last_line} if f.first_line is not None else None,
        "location": f.location or None,
        "project": _ref(f.project), "indicator": _ref(f.indicator),
        "value": f.value, "valueText": f.value_text, "path": f.path, "detail": f.detail or None,
        "focusNode": f.focus, "sourceShape": f.shape, "constraintComponent": f.component,
    }


def document_dict(r: DocumentReport, fail_on: str = "violation") -> dict:
    if not r.ok:
        p = r.problem
        return {"source": r.source, "status": "unusable",
                "problem": {"path": p.path, "line": p.line, "message": p.message}}
    return {
        "source": r.source, "status": "validated", "sourceFile": r.source_file, "document": r.document,
        "title": r.title, "organisation": r.organisation, "year": r.year,
        "conforms": r.conforms(fail_on), "counts": r.counts(),
        "results": [_finding(f) for f in r.findings],
        "shapesFingerprint": r.shapes_fingerprint, "settings": r.settings,
    }


def render_json(reports: list[DocumentReport], fail_on: str = "violation", indent: int | None = 1) -> str:
    """All documents' reports as one JSON object (UTF-8 text, Chinese kept as is)."""
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}")
    totals = {"Violation": 0, "Warning": 0, "Info": 0}
    for r in reports:
        for k, v in r.counts().items():
            totals[k] += v
    body = {
        "$schema": SCHEMA_ID, "schemaVersion": SCHEMA_VERSION, "generator": f"perfkg {__version__}",
        "failOn": fail_on,
        "summary": {"documents": len(reports), "unusable": sum(not r.ok for r in reports),
                    "conforming": sum(r.conforms(fail_on) for r in reports), "counts": totals},
        "documents": [document_dict(r, fail_on) for r in reports],
    }
    return json.dumps(body, ensure_ascii=False, indent=indent) + "\n"
