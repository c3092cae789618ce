"""Browse and dereference: /browse (departments), and every perfkg IRI as a page (HTML) or data (Turtle) by Accept."""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS
from starlette.requests import Request
from starlette.responses import Response

from perfkg.errors import PerfkgError
from perfkg.vocab import PERFKG
from perfkg.web.sparql import negotiate
from perfkg.web.workbench.frame import error_page, render, service_of
from perfkg.web.workbench.i18n import both, request_lang
from perfkg.web.workbench.service import iris_in, section_query, sparql_text
from perfkg.web.workbench.views import PREFIXES, cell, iri_for_path, table_view

# Which sections a page shows, by the entity's type (each a query in workbench/sparql/ with ?this bound).
SECTIONS = {
    PERFKG.Department: [("documents", "department-documents")],
    PERFKG.BudgetDocument: [("projects", "document-projects")],
    PERFKG.BudgetProject: [("indicators", "project-indicators")],
    SKOS.Concept: [("referenced_by", "mandate-elements")],
}
EVERY_ELEMENT = [("mandates", "element-mandates")]
# What an RDF client may ask for instead of HTML: (media type, rdflib format).
RDF_OFFERS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
              "application/rdf+xml": "xml"}
OFFERS = [("text/html", "html"), ("application/xhtml+xml", "html")] + [(m, m) for m in RDF_OFFERS]


async def departments(request: Request) -> Response:
    service = service_of(request)
    table = await service.select(request, sparql_text("browse-departments"))
    lang = request_lang(request)
    labels = await service.labels(request, iris_in(table), lang)
    return render(request, "browse.html", table=table_view(table, labels, lang, section_query("browse-departments")),
                  nav="browse")


async def entity(request: Request) -> Response:
    kind = request.url.path.split("/", 2)[1]
    raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?", 1)[0]
    iri = iri_for_path(kind, raw.split("/", 2)[2])
    choice = negotiate(request.headers.get("accept"), OFFERS)
    if choice is None:
        return Response("406 不可接受 / Not Acceptable: text/html, " + ", ".join(RDF_OFFERS) + "\n", status_code=406,
                        media_type="text/plain; charset=utf-8")
    service = service_of(request)
    this = {"this": URIRef(iri)}
    if choice != "html":
        graph = await service.graph(request, sparql_text("entity-turtle"), this)
        if not len(graph):
            return Response(both("not_found", iri=iri) + "\n", status_code=404, media_type="text/plain; charset=utf-8")
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        body = graph.serialize(format=RDF_OFFERS[choice], encoding="utf-8")
        return Response(body, media_type=choice, headers={"Vary": "Accept"})
    lang = request_lang(request)
    try:
        own = await service.select(request, sparql_text("entity"), this)
        incoming = await service.select(request, sparql_text("entity-incoming"), this)
    except PerfkgError as e:
        return error_page(request, 500, str(e))
    if not own.rows and not incoming.rows:
        return error_page(request, 404, both("not_found", iri=iri))
    types = {o for p, o in own.rows if p == RDF.type}
    sections = []
    for cls, wanted in SECTIONS.items():
        if cls in types:
            sections += wanted
    sections += [s for s in EVERY_ELEMENT if s not in sections]
    shown = []
    for title, name in sections:
        table = await service.select(request, sparql_text(name), this)
        if table.rows:
            shown.append((title, name, table))
    location = await service.select(request, sparql_text("source-location"), this)
    wanted = iris_in(own) | iris_in(incoming) | {URIRef(iri)} | {t for _, _, tb in shown for t in iris_in(tb)}
    labels = await service.labels(request, wanted, lang)
    properties = [(cell(p, labels), cell(o, labels)) for p, o in own.rows if p != RDF.type]
    response = render(request, "entity.html", iri=iri, title=labels.get(iri) or iri,
                  types=[cell(t, labels) for t in sorted(types)], properties=properties,
                  incoming=[(cell(s, labels), cell(p, labels)) for s, p in incoming.rows],
                  sections=[(title, table_view(t, labels, lang, section_query(name))) for title, name, t in shown],
                  location=_location(location, lang), nav="browse")
    response.headers["Vary"] = "Accept"
    return response


def _location(table, lang: str) -> dict | None:
    """File, lines, and the place in the published file in the page's language (else any)."""
    if not table.rows:
        return None
    rows = sorted(table.rows, key=lambda r: (getattr(r[3], "language", None) != lang, str(r[3] or "")))
    file, first, last, where = rows[0]
    value = (lambda t: t.toPython() if isinstance(t, Literal) else t)
    return {"file": str(file) if file else None, "first": value(first), "last": value(last),
            "where": str(where) if where is not None else None}
