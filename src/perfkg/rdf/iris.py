"""Mints perfkg's stable IRIs: documents from unit code + year, projects from their code, parts by position."""
from __future__ import annotations

from urllib.parse import quote

from rdflib import URIRef

from perfkg.model import BudgetDocument
from perfkg.vocab import ID


def _safe(text: str) -> str:
    return quote(text, safe="")


def document_iri(doc: BudgetDocument) -> URIRef:
    """id/doc/{unit code}-{year}; without a unit code, a content hash keeps it stable."""
    unit = doc.unit_code or f"sha-{doc.source_sha256[:12]}"
    year = doc.year if doc.year is not None else "unknown"
    return ID[f"doc/{unit}-{year}"]


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
        self._projects = {p.position: project_iri(self.document, p.code, p.position) for p in doc.projects}

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
