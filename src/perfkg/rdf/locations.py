"""Adds where each node sits in a PDF, workbook, Word file or web page (page, sheet, table, row) to its graph."""
from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from perfkg.parse.layout import Layout, Location
from perfkg.vocab import PERFKG

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
}
# the triples that say where, not what: dropped when two containers of one document are compared
PROVENANCE_PREDICATES = (PERFKG.firstLine, PERFKG.lastLine, PERFKG.sourceLocation, PERFKG.sourcePage,
                         PERFKG.sourceSheet, PERFKG.sourceTable, PERFKG.sourceRow, PERFKG.sourceFileName,
                         PERFKG.sha256, PERFKG.encoding, DCTERMS.format)


def location_triples(node: URIRef, where: Location) -> list[tuple]:
    out = [(node, PERFKG.sourceLocation, Literal(where.describe("zh"), lang="zh")),
           (node, PERFKG.sourceLocation, Literal(where.describe("en"), lang="en"))]
    for prop, value in ((PERFKG.sourcePage, where.page), (PERFKG.sourceTable, where.table),
                        (PERFKG.sourceRow, where.row)):
        if value is not None:
            out.append((node, prop, Literal(value)))
    if where.sheet is not None:
        out.append((node, PERFKG.sourceSheet, Literal(where.sheet)))
    return out


def add_locations(graph: Graph, layout: Layout) -> None:
    """Every node with a perfkg:firstLine gets the place of that line in the file; text files get nothing new."""
    if layout.source is None:
        add_line_locations(graph, layout.locations(), layout.container)


def add_line_locations(graph: Graph, locations: dict[int, Location], container: str) -> None:
    """The same from a document's reading-order locations (BudgetDocument.locations); none for a text file."""
    if not locations:
        return
    for node, first in list(graph.subject_objects(PERFKG.firstLine)):
        where = locations.get(int(first))
        if where is not None and isinstance(node, URIRef):
            for triple in location_triples(node, where):
                graph.add(triple)
    for source in list(graph.subjects(PERFKG.sourceFileName, None)):
        graph.add((source, DCTERMS.format, Literal(MEDIA_TYPES.get(container, container))))


def without_provenance(graph: Graph) -> Graph:
    """The graph minus the triples that only say where things came from (for comparing containers)."""
    out = Graph()
    for s, p, o in graph:
        if p not in PROVENANCE_PREDICATES:
            out.add((s, p, o))
    return out
