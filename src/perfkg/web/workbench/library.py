"""The query library as pages: /query (index), /query/NAME (form, table, chart), /query/NAME.csv|.json|.xlsx."""
from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import Response

from perfkg.errors import PerfkgError
from perfkg.queries import QueryInfo
from perfkg.results import ResultTable, for_people, label_iris, people_xlsx
from perfkg.store.sparql_text import bind_values
from perfkg.web.workbench.charts import chart_of
from perfkg.web.workbench.frame import error_page, library_of, render, service_of
from perfkg.web.workbench.i18n import both, request_lang
from perfkg.web.workbench.service import QueryFailed, sparql_text
from perfkg.web.workbench.views import chart_data, table_view

DOWNLOADS = {"csv": "text/csv; charset=utf-8", "json": "application/sparql-results+json",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
INPUT_TYPES = {"integer": ("number", "1"), "decimal": ("number", "any")}


def _query(request: Request, name: str) -> QueryInfo | None:
    return next((q for q in library_of(request) if q.name == name), None)


async def library_index(request: Request) -> Response:
    queries = [{"info": q, "chart": chart_of(q)} for q in library_of(request)]
    return render(request, "library.html", queries=queries, nav="library")


async def query_page(request: Request) -> Response:
    name = request.path_params["name"]
    base, dot, fmt = name.rpartition(".")
    if dot:
        return await download(request, base, fmt)
    query = _query(request, name)
    if query is None:
        return error_page(request, 404, both("unknown_query", name=name))
    values = {p.name: request.query_params[p.name] for p in query.parameters if request.query_params.get(p.name)}
    service = service_of(request)
    context = {"query": query, "values": values, "chart": chart_of(query), "nav": "library",
               "fields": await _fields(request, query, values)}
    try:
        bindings = query.bindings(values)
    except PerfkgError as e:
        return render(request, "query.html", status_code=400, error=e, **context)
    context["editor_text"] = _bound_text(query, bindings)
    started = time.perf_counter()
    try:
        table = await service.select(request, query.text, bindings)
    except PerfkgError as e:
        return render(request, "query.html", status_code=_status(e), error=e, **context)
    seconds = time.perf_counter() - started
    lang = request_lang(request)
    labels = await service.labels(request, {URIRef(i) for i in label_iris(table, query)}, lang)
    permalink = request.url.path + "?" + urlencode({p.name: values.get(p.name, p.default or "")
                                                    for p in query.parameters})
    data = dict(chart_data(table, labels, lang, query), spec=context["chart"].as_json()) if context["chart"] else None
    downloads = {fmt: f"{request.url.path}.{fmt}" + (f"?{urlencode(values)}" if values else "") for fmt in DOWNLOADS}
    return render(request, "query.html", table=table_view(table, labels, lang, query), seconds=f"{seconds:.2f}",
                  permalink=permalink.rstrip("?"), downloads=downloads,
                  chart_json=json.dumps(data, ensure_ascii=False).replace("</", "<\\/") if data else None, **context)


async def _fields(request: Request, query: QueryInfo, values: dict[str, str]) -> list[dict]:
    """One form field per parameter: typed input, or a choice list filled by workbench/sparql/choices-NAME.rq."""
    fields = []
    for p in query.parameters:
        field = {"param": p, "value": values.get(p.name, p.default or ""), "input": "text", "step": None,
                 "choices": None}
        if p.type in INPUT_TYPES:
            field["input"], field["step"] = INPUT_TYPES[p.type]
        elif p.type == "boolean":
            field["choices"] = [("true", "true"), ("false", "false")]
        else:
            try:
                text = sparql_text(f"choices-{p.name}")
            except FileNotFoundError:
                text = None
            if text is not None:
                table = await service_of(request).select(request, text)
                lang = request_lang(request)
                field["choices"] = _choices(table, lang)
        fields.append(field)
    return fields


def _choices(table: ResultTable, lang: str) -> list[tuple[str, str]]:
    """(value, label) pairs; a value with labels in several languages shows the page's."""
    best: dict[str, tuple[int, str]] = {}
    for value, label in table.rows:
        rank = 0 if getattr(label, "language", None) == lang else 1
        if str(value) not in best or rank < best[str(value)][0]:
            best[str(value)] = (rank, str(label) if label is not None else str(value))
    return sorted(((v, label) for v, (_, label) in best.items()), key=lambda c: c[1])


def _bound_text(query: QueryInfo, bindings: dict) -> str:
    return bind_values(query.text, bindings) if bindings else query.text


def _status(e: PerfkgError) -> int:
    return e.status if isinstance(e, QueryFailed) else 400


async def download(request: Request, name: str, fmt: str) -> Response:
    """CSV and JSON are the endpoint's own W3C serialisations, passed through; XLSX is built from the table."""
    query = _query(request, name)
    if query is None:
        return error_page(request, 404, both("unknown_query", name=name))
    if fmt not in DOWNLOADS:
        return error_page(request, 404, both("unknown_format", fmt=fmt))
    service = service_of(request)
    try:
        bindings = query.bindings({k: v for k, v in request.query_params.items() if k != "lang"})  # ?lang= is ours
        if fmt == "xlsx":
            table = await service.select(request, query.text, bindings)
            labels = await service.labels(request, {URIRef(i) for i in label_iris(table, query)}, request_lang(request))
            body, truncated = _xlsx(query, table, labels, request_lang(request)), table.truncated
        else:
            body, truncated = await service.answer(request, query.text, bindings, fmt)
    except PerfkgError as e:
        return Response(f"{e.message_zh}\n{e.message_en}\n", status_code=_status(e),
                        media_type="text/plain; charset=utf-8")
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"',
               "X-PerfKG-Truncated": "true" if truncated else "false"}
    return Response(body, media_type=DOWNLOADS[fmt], headers=headers)


def _xlsx(query: QueryInfo, table: ResultTable, labels: dict[str, str], lang: str) -> bytes:
    """The CLI's workbook for people (perfkg query --format xlsx): headings, labels, numbers as numbers, about sheet."""
    about = [("name", query.name), ("title", query.title_zh if lang == "zh" else query.title_en),
             ("description", query.description), ("truncated", "true" if table.truncated else "false"),
             ("sparql", query.text)]
    return people_xlsx(for_people(table, query, labels, lang), about)
