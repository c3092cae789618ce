"""Home, the SPARQL editor page, the language switch and the editor's vocabulary."""
from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from perfkg.errors import PerfkgError
from perfkg.web.workbench.frame import library_of, render, service_of, workbench_of
from perfkg.web.workbench.i18n import COOKIE, LANGS, STRINGS, request_lang
from perfkg.web.workbench.service import sparql_text
from perfkg.web.workbench.views import PREFIXES

EDITOR_STRINGS = ("chart", "running", "done", "failed", "cancelled", "rows", "truncated")


async def home(request: Request) -> Response:
    try:
        table = await service_of(request).select(request, sparql_text("summary"))
        documents, projects = (int(t) if t is not None else 0 for t in table.rows[0])
        summary = {"documents": documents, "projects": projects}
    except PerfkgError:
        summary = None
    settings = request.app.state.settings
    return render(request, "home.html", summary=summary, queries=library_of(request), nav="home",
                  limits={"timeout": f"{settings.timeout:g}", "max_rows": settings.max_rows})


async def editor(request: Request) -> Response:
    lang = request_lang(request)
    config = {
        "endpoint": workbench_of(request).endpoint,
        "vocabulary": "/api/vocabulary.json",
        "query": request.query_params.get("query"),
        "name": request.query_params.get("name"),
        "starter": _starter(),
        "strings": {k: STRINGS[k][0 if lang == "zh" else 1] for k in EDITOR_STRINGS},
    }
    return render(request, "editor.html", config=json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
                  nav="editor", wide=True)


def _starter() -> str:
    prefixes = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("perfkg", "skos", "rdfs"))
    return (prefixes + "\nSELECT ?project ?name ?budget WHERE {\n  ?project a perfkg:BudgetProject ; rdfs:label ?name ;\n"
            "           perfkg:budgetAmount/perfkg:amount ?budget .\n}\nORDER BY DESC(?budget)\nLIMIT 100\n")


async def switch_language(request: Request) -> Response:
    lang = request.path_params["lang"]
    target = request.query_params.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = RedirectResponse(target, status_code=303)
    if lang in LANGS:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


async def vocabulary(request: Request) -> Response:
    """Prefixes, classes and properties for the editor's offline completion, from the store's vocabulary graph."""
    cache = workbench_of(request).cache
    if "vocabulary" not in cache:
        table = await service_of(request).select(request, sparql_text("vocabulary"))
        terms = {"class": set(), "property": set()}
        for term, kind in table.rows:
            terms[str(kind)].add(str(term))
        cache["vocabulary"] = {"prefixes": [f"{p}: <{ns}>" for p, ns in sorted(PREFIXES.items())],
                               "classes": sorted(terms["class"]), "properties": sorted(terms["property"])}
    return JSONResponse(cache["vocabulary"])
