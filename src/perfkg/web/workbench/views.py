"""Result tables as people read them: labels instead of IRIs, local links, numbers right-aligned and sortable."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, unquote

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from perfkg.queries import QueryInfo
from perfkg.results import ResultTable, for_people, term_to_json

BASE = "https://w3id.org/perfkg/"
LOCAL_KINDS = ("id", "mandate", "category", "basis")  # https://w3id.org/perfkg/KIND/… is served at /KIND/…
NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long, XSD.nonNegativeInteger,
           XSD.positiveInteger, XSD.short}
PREFIXES = {
    "perfkg": "https://w3id.org/perfkg/ontology#", "mandate": BASE + "mandate/", "cat": BASE + "category/",
    "basis": BASE + "basis/", "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "org": "http://www.w3.org/ns/org#", "prov": "http://www.w3.org/ns/prov#", "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "owl": "http://www.w3.org/2002/07/owl#",
}


def local_path(iri: str) -> str | None:
    """The workbench path of a perfkg IRI (https://w3id.org/perfkg/id/X -> /id/X), None for others."""
    if iri.startswith(BASE):
        kind = iri[len(BASE):].split("/", 1)[0]
        if kind in LOCAL_KINDS:
            return "/" + iri[len(BASE):]
    return None


def iri_for_path(kind: str, raw_path: str) -> str:
    """The IRI a request path names; each segment re-quoted the way rdf/iris.py mints them."""
    segments = [quote(unquote(seg), safe="") for seg in raw_path.split("/")]
    return BASE + kind + "/" + "/".join(segments)


def short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and "/" not in iri[len(ns):]:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@dataclass
class Cell:
    text: str
    href: str | None = None
    sort: str | None = None
    numeric: bool = False
    title: str | None = None


def cell(term: Node | None, labels: dict[str, str]) -> Cell:
    if term is None:
        return Cell("")
    if isinstance(term, URIRef):
        iri = str(term)
        return Cell(labels.get(iri) or unquote(short(iri)), local_path(iri), title=iri)
    if isinstance(term, BNode):
        return Cell("_:" + str(term))
    if isinstance(term, Literal) and term.datatype in NUMERIC:
        value = term.toPython()
        if isinstance(value, (int, float, Decimal)):
            text = str(value) if isinstance(value, int) else format(Decimal(str(value)).normalize(), "f")
            return Cell(text, sort=str(value), numeric=True)
    return Cell(str(term))


@dataclass
class TableView:
    columns: list[str]  # the variables
    headings: list[str]  # as the query's header says people read them (perfkg.results.for_people)
    rows: list[list[Cell]]
    truncated: bool = False


def table_view(table: ResultTable, labels: dict[str, str], lang: str, query: QueryInfo | None = None) -> TableView:
    """Headings, units and the cells of vocabulary or code columns as the CLI shows them to people; IRIs and
    vocabulary codes link to their pages."""
    people = for_people(table, query, labels, lang)
    rows = []
    for terms, values in zip(table.rows, people.rows):
        row = []
        for name, term, value in zip(table.vars, terms, values):
            shown = cell(term, labels)
            if isinstance(term, Literal) and not shown.numeric and value is not None:
                shown.text = str(value)  # a code's or a vocabulary concept's label
                namespace = query.column(name).vocabulary if query is not None else None
                shown.href = local_path(namespace + str(term)) if namespace else None
            row.append(shown)
        rows.append(row)
    return TableView(list(table.vars), people.headings, rows, table.truncated)


def chart_data(table: ResultTable, labels: dict[str, str], lang: str, query: QueryInfo | None = None) -> dict:
    """What the page's chart script reads: W3C JSON bindings, and the label people read for each IRI or code."""
    bindings = [{v: term_to_json(t) for v, t in zip(table.vars, row) if t is not None} for row in table.rows]
    shown: dict[str, str] = {}
    for terms, values in zip(table.rows, for_people(table, query, labels, lang).rows):
        for term, value in zip(terms, values):
            if isinstance(term, (URIRef, Literal)) and isinstance(value, str) and value != str(term):
                shown[str(term)] = value
    return {"vars": list(table.vars), "bindings": bindings, "labels": shown}
