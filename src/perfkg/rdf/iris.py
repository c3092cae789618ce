"""Mints perfkg's stable IRIs: documents from division + unit code + year, projects from their code, parts by position."""
from __future__ import annotations

import re
from urllib.parse import quote, unquote

from rdflib import URIRef

from perfkg.model import BudgetDocument
from perfkg.vocab import ID


def _safe(text: str) -> str:
    return quote(text, safe="")


# 财政区划 code (GB/T 2260) that starts a project code: 13030022P00702210044W -> 130300 = 秦皇岛市 (rules.md §4);
# other provinces' codes start the same way (重庆 50023300024P000060 -> 500233)
_DIVISION = re.compile(r"^([0-9]{6})[0-9A-Z]{6,}$")


def division(doc: BudgetDocument) -> str | None:
    """Where the document's unit codes are valid: the 6-digit 财政区划 code that starts its project codes, else the
    finance bureau that reviewed it (unit codes are local to a city or county, so they need one or the other)."""
    for project in doc.projects:
        match = _DIVISION.match(project.code or "")
        if match:
            return match.group(1)
    return doc.reviewer or None


def document_iri(doc: BudgetDocument) -> URIRef:
    """id/doc/{division}-{unit code}-{year}, e.g. doc/130300-731001-2022; when the division or the unit code is
    unknown, the content hash (doc/sha-…) keeps it stable and never shared by two different texts."""
    year = doc.year if doc.year is not None else "unknown"
    place = division(doc)
    if doc.unit_code and place:
        return ID[f"doc/{_safe(place)}-{_safe(doc.unit_code)}-{year}"]
    return ID[f"doc/sha-{doc.source_sha256[:12]}-{year}"]


def document_name(iri: URIRef | str) -> str:
    """The document IRI's last segment, readable (130300-731001-2022, 临水市财政局-139901-2023): output file names."""
    name = unquote(str(iri).rstrip("/").rsplit("/", 1)[-1])
    return re.sub(r"[\\/\x00-\x1f]", "_", name) or "document"


def organisation_iri(name: str) -> URIRef:
    return ID[f"org/{_safe(name)}"]


def unit_iri(code: str) -> URIRef:
    return ID[f"unit/{code}"]


def project_iri(doc_iri: URIRef, code: str | None, position: int) -> URIRef:
    if code:
        return ID[f"project/{_safe(code)}"]
    return URIRef(f"{doc_iri}/project/{position}")


class IriMinter:
    """Turns element keys of the line map ("project/1/indicator/3") into IRIs for one document."""

    def __init__(self, doc: BudgetDocument):
        self.doc = doc
        self.document = document_iri(doc)
        self.source = URIRef(f"{self.document}/source")
        # a second table with an already used code gets a position IRI: two tables never merge into one project
        self._projects = {p.position: project_iri(self.document, None if p.duplicate_code_of else p.code, p.position)
                          for p in doc.projects}

    def project(self, position: int) -> URIRef:
        return self._projects[position]

    def under(self, base: URIRef, *parts: object) -> URIRef:
        return URIRef("/".join([str(base), *(str(p) for p in parts)]))

    def key(self, key: str) -> URIRef:
        """The IRI of the element a line-map key names."""
        if key.startswith("document"):
            return self.document
        parts = key.split("/")
        if parts[0] == "project":
            base = self.project(int(parts[1]))
            rest = parts[2:]
            if rest and rest[0] in ("unit", "funding", "uses"):
                return base
            return self.under(base, *rest) if rest else base
        if parts[0] == "overall-goal":
            return self.under(self.document, "goal", parts[1])
        return self.under(self.document, *parts)
