"""What every workbench page shares: the per-app context, templates with the zh/en switch, error pages."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from perfkg.web.workbench.i18n import LANGS, request_lang, translator
from perfkg.web.workbench.service import QueryService

CONTEXT_KEY = "perfkg.workbench"
TEMPLATES = Path(__file__).with_name("templates")


@dataclass
class Workbench:
    """One per app: templates, the limits of an upload, and what is computed once (vocabulary, validation pool).
    Queries go to the app's SPARQL endpoint (app.state.endpoint), found per request."""

    upload_max_bytes: int = 20 * 1024 * 1024
    upload_max_files: int = 20
    endpoint: str = "/sparql"
    cache: dict = field(default_factory=dict)
    environment: Environment = field(default_factory=lambda: Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True,
        lstrip_blocks=True))

    def __post_init__(self):
        self.environment.globals["zip"] = zip


def bind(handler: Callable, workbench: Workbench) -> Callable:
    """A route endpoint that finds this workbench in its request scope (works inside any Starlette app)."""

    async def endpoint(request: Request) -> Response:
        request.scope[CONTEXT_KEY] = workbench
        return await handler(request)

    endpoint.__name__ = handler.__name__
    return endpoint


def workbench_of(request: Request) -> Workbench:
    return request.scope[CONTEXT_KEY]


def library_of(request: Request) -> list:
    """The query library this app serves (perfkg's own, or `perfkg serve --queries DIR`)."""
    return request.app.state.library


def service_of(request: Request) -> QueryService:
    return QueryService(request.app.state.endpoint)


def render(request: Request, template: str, *, status_code: int = 200, **context) -> HTMLResponse:
    lang = request_lang(request)
    other = {code: f"/lang/{code}?next={_here(request)}" for code in LANGS}
    page = workbench_of(request).environment.get_template(template).render(
        request=request, lang=lang, t=translator(lang), switch=other, **context)
    return HTMLResponse(page, status_code=status_code, headers={"Content-Language": "zh-CN" if lang == "zh" else "en"})


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code=status, message=message)


def _here(request: Request) -> str:
    path = request.url.path + ("?" + request.url.query if request.url.query else "")
    return quote(path, safe="")
