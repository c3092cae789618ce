"""/validate: upload documents, get the review-rule report (HTML page or JSON by Accept); uploads are never kept."""
from __future__ import annotations

import asyncio
import base64
import dataclasses
import multiprocessing
import re
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path, PurePosixPath, PureWindowsPath

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from perfkg.parse.readers import DOCUMENT_SUFFIXES
from perfkg.rdf.inputs import RDF_FORMATS
from perfkg.sources import kind_of
from perfkg.validate import DocumentReport, render_html, render_json, render_turtle, validate_documents
from perfkg.web.workbench.frame import render, workbench_of
from perfkg.web.workbench.i18n import both, request_lang

ACCEPTED = tuple(DOCUMENT_SUFFIXES) + tuple(RDF_FORMATS)  # what perfkg reads (sources.kind_of decides)
CHUNK = 1 << 16


class UploadTooLarge(Exception):
    """The request body passed the upload limit while it was being read."""


async def form_page(request: Request) -> Response:
    return _form(request)


def _form(request: Request, error: str | None = None, status: int = 200) -> Response:
    wb = workbench_of(request)
    return render(request, "validate.html", status_code=status, error=error, accept=",".join(ACCEPTED),
                  max_files=wb.upload_max_files, max_mib=wb.upload_max_bytes // (1024 * 1024), nav="validate")


def _refuse(request: Request, message: str, status: int) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return _form(request, message, status)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


async def check(request: Request) -> Response:
    """POST multipart (field `documents`, one or more files): validate each, store nothing."""
    wb = workbench_of(request)
    limit, received = wb.upload_max_bytes, 0
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return _refuse(request, both("too_large", mib=limit // (1024 * 1024)), 413)

    async def counted():  # bound what is read whatever Content-Length says (or when it is absent)
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise UploadTooLarge
        return message

    limited = Request(request.scope, counted)
    try:
        form = await limited.form(max_files=wb.upload_max_files, max_fields=wb.upload_max_files + 4)
    except UploadTooLarge:
        return _refuse(request, both("too_large", mib=limit // (1024 * 1024)), 413)
    except MultiPartException as e:
        detail = str(e)
        if "Too many files" in detail:
            return _refuse(request, both("too_many", files=wb.upload_max_files), 413)
        return _refuse(request, both("bad_form", detail=detail), 400)
    try:
        uploads = [f for f in form.getlist("documents") if isinstance(f, UploadFile) and f.filename]
        if not uploads:
            return _refuse(request, both("no_file"), 400)
        with tempfile.TemporaryDirectory(prefix="perfkg-upload-") as tmp:
            paths, names = [], {}
            for i, upload in enumerate(uploads):
                name = _safe_name(upload.filename)
                if name is None:
                    return _refuse(request, both("bad_name", name=upload.filename, suffixes=" ".join(ACCEPTED)), 400)
                folder = Path(tmp) / str(i)
                folder.mkdir()
                path = folder / name
                with path.open("wb") as out:
                    while chunk := await upload.read(CHUNK):
                        out.write(chunk)
                paths.append(str(path))
                names[str(path)] = name
            try:
                reports = await asyncio.wrap_future(_pool(wb).submit(validate_documents, paths, workers=1))
            except BrokenProcessPool:  # the validation process died (killed, out of memory): a fresh one next time
                wb.cache.pop("validation_pool", None)
                return _refuse(request, both("validation_died"), 500)
    finally:
        await form.close()
    reports = [_renamed(r, names) for r in reports]
    if _wants_json(request):
        return Response(render_json(reports), media_type="application/json")
    lang = request_lang(request)
    html = render_html(reports, lang=lang)
    downloads = {
        "html": _data_url("text/html", html),
        "json": _data_url("application/json", render_json(reports)),
        "ttl": _data_url("text/turtle", render_turtle(reports)),
    }
    return render(request, "report.html", reports=reports, report_html=html, downloads=downloads, nav="validate")


def _safe_name(filename: str) -> str | None:
    """The file's own name (no folders), kept readable; None when its suffix is not one perfkg reads."""
    name = PureWindowsPath(PurePosixPath(filename).name).name.strip()
    name = re.sub(r"[\x00-\x1f/\\]", "_", name)[:200]
    if not name or name in (".", "..") or kind_of(Path(name)) is None:
        return None
    return name


def _renamed(report: DocumentReport, names: dict[str, str]) -> DocumentReport:
    """The report naming the uploaded file, not the temporary path it was checked under."""
    source = names.get(report.source, Path(report.source).name)
    problem = report.problem
    if problem is not None:
        problem = dataclasses.replace(problem, path=names.get(problem.path, Path(problem.path).name))
    return dataclasses.replace(report, source=source, problem=problem)


def _data_url(media: str, text: str) -> str:
    return f"data:{media};charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _pool(wb) -> ProcessPoolExecutor:
    """One validation process per server, started on first use: pySHACL's work never runs on the event loop."""
    if "validation_pool" not in wb.cache:
        wb.cache["validation_pool"] = ProcessPoolExecutor(max_workers=1,
                                                          mp_context=multiprocessing.get_context("spawn"))
    return wb.cache["validation_pool"]
