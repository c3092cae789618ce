"""The perfkg web application: routes, bilingual HTTP errors and lifetime, assembled by create_app()."""
from __future__ import annotations

import contextlib
import html
import logging
from http import HTTPStatus
from pathlib import Path
from typing import Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

from perfkg.web.limits import Settings
from perfkg.web.sparql import GRAPH_FORMATS, RESULT_FORMATS, HttpError, SparqlEndpoint, library_response, load_library

ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]  # /sparql answers 405 itself, bilingual
log = logging.getLogger("perfkg.serve")
ERRORS = {404: ("没有这个地址", "not found"), 405: ("不允许此方法", "method not allowed")}


def create_app(store_path: str | Path, settings: Settings | None = None,
               extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The ASGI app over a store. extra_routes (e.g. the workbench's pages) come first, so they may replace `/`.

    Opens the store's shared lock and starts the query workers at once (errors surface before listening);
    they stop when the app's lifespan ends, or on app.state.endpoint.close().
    """
    settings = settings or Settings()
    library = load_library(settings)
    endpoint = SparqlEndpoint(store_path, settings)

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(home_page(settings, library))

    async def queries(request: Request):
        return library_response(library)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            endpoint.close()

    routes = [*extra_routes,
              Route("/sparql", endpoint.handle, methods=ANY_METHOD), Route("/sparql/", endpoint.handle, methods=ANY_METHOD),
              Route("/queries", queries), Route("/.well-known/perfkg-queries", queries), Route("/", home)]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, Exception: internal_error})
    app.state.endpoint, app.state.settings, app.state.library = endpoint, settings, library
    return app


async def http_error(request: Request, exc: HTTPException):
    zh, en = ERRORS.get(exc.status_code, (HTTPStatus(exc.status_code).phrase, HTTPStatus(exc.status_code).phrase))
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        zh, en = f"{zh}：{request.url.path}", f"{en}: {request.url.path}"
    return HttpError(exc.status_code, zh, en, headers).response()


async def internal_error(request: Request, exc: Exception):
    log.error("internal error on %s", request.url.path, exc_info=exc)  # the traceback goes to the log, never out
    return HttpError(500, "服务器内部错误", "internal server error").response()


def home_page(settings: Settings, library: list) -> str:
    e = html.escape
    rows = "".join(f"<li><code>{e(q.name)}</code> — {e(q.title_zh)} / {e(q.title_en)}</li>" for q in library)
    return _HOME.format(timeout=f"{settings.timeout:g}", max_rows=settings.max_rows, queries=rows or "<li>—</li>",
                        max_bytes=settings.max_bytes, memory=settings.memory_mb,
                        results=e(", ".join(RESULT_FORMATS.values())), graphs=e(", ".join(GRAPH_FORMATS.values())))


_HOME = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>perfkg SPARQL 端点 / endpoint</title></head>
<body>
<h1>perfkg SPARQL 端点 <small>/ SPARQL endpoint</small></h1>
<p>部门预算绩效文本知识图谱的只读 SPARQL 1.1 查询端点。每份文档一个命名图；默认图是所有命名图的并集。<br>
A read-only SPARQL 1.1 Protocol endpoint over the budget-performance knowledge graph. One named graph per
document; the default graph is the union of all named graphs.</p>
<ul>
<li>查询 / query: <code>GET /sparql?query=…</code>, <code>POST /sparql</code>
 (<code>application/x-www-form-urlencoded</code> 或 / or <code>application/sparql-query</code>)</li>
<li>结果格式 / result formats (SELECT, ASK): {results}</li>
<li>图格式 / graph formats (CONSTRUCT, DESCRIBE): {graphs}</li>
<li>可用 <code>Accept</code> 协商或 <code>format=</code> 参数 / negotiate with <code>Accept</code> or force with <code>format=</code></li>
<li>时限 / time limit: {timeout} s（超时返回 503 / 503 when exceeded）；每个查询内存 / memory per query: {memory} MiB
 （超出返回 503 / 503 when exceeded）</li>
<li>最多 / at most {max_rows} 行 rows, {max_bytes} 字节 bytes（超出时截断并带 <code>X-PerfKG-Truncated: true</code>
 / cut and flagged with <code>X-PerfKG-Truncated: true</code>）</li>
<li>不接受 SPARQL 更新与 SERVICE（403）/ SPARQL Update and SERVICE are refused (403)</li>
<li>XML 结果中 XML 1.0 无法表示的控制字符替换为 U+FFFD（见 <code>X-PerfKG-Replaced-Characters</code>）/ control
 characters XML 1.0 cannot carry become U+FFFD in XML answers (see <code>X-PerfKG-Replaced-Characters</code>)</li>
</ul>
<h2>查询库 <small>/ query library</small> — <a href="/.well-known/perfkg-queries">JSON</a></h2>
<ul>{queries}</ul>
</body></html>
"""
