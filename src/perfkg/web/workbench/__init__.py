"""The analysts' workbench: server-rendered pages (library, editor, browse, validate) mounted beside /sparql."""
from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from perfkg.web.workbench import browse, library, pages, upload
from perfkg.web.workbench.frame import Workbench, bind
from perfkg.web.workbench.views import LOCAL_KINDS

STATIC = Path(__file__).resolve().parents[1] / "static"  # built by `make assets` from web/ (esbuild)


def workbench_routes(workbench: Workbench | None = None) -> list[BaseRoute]:
    """The workbench's routes, for create_app(..., extra_routes=workbench_routes()); queries run on the app's
    endpoint (app.state.endpoint)."""
    wb = workbench or Workbench()
    routes: list[BaseRoute] = [
        Route("/", bind(pages.home, wb)),
        Route("/editor", bind(pages.editor, wb)),
        Route("/lang/{lang}", bind(pages.switch_language, wb)),
        Route("/api/vocabulary.json", bind(pages.vocabulary, wb)),
        Route("/query", bind(library.library_index, wb)),
        Route("/query/{name}", bind(library.query_page, wb)),
        Route("/browse", bind(browse.departments, wb)),
        Route("/validate", bind(upload.form_page, wb), methods=["GET"]),
        Route("/validate", bind(upload.check, wb), methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC, check_dir=False), name="static"),
    ]
    routes += [Route(f"/{kind}/{{path:path}}", bind(browse.entity, wb)) for kind in LOCAL_KINDS]
    return routes


__all__ = ["Workbench", "workbench_routes"]
