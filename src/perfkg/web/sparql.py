"""The read-only SPARQL 1.1 Protocol endpoint at /sparql (content negotiation, capped answers) and the library listing.

The contract:
* GET /sparql?query=…, POST form (query=…) or POST application/sparql-query; default-graph-uri and
  named-graph-uri are honoured. Without them the default graph is the union of the document graphs.
* SELECT/ASK: application/sparql-results+json (default), +xml, text/csv, text/tab-separated-values;
  CONSTRUCT/DESCRIBE: text/turtle (default), application/n-triples, application/rdf+xml, application/ld+json.
  Accept with q-values, or format= (json, xml, csv, tsv, turtle, nt, …; wins over Accept); 406 when nothing fits.
* 403: SPARQL Update (update=, application/sparql-update, or update text in query=) and SERVICE at any depth
  (and the worker that runs the query cannot open a network socket anyway). 400: malformed query or request,
  including a negative or invalid Content-Length (RFC 9112 §6.3; refused by h11 before the app, see limits.py).
  413: request body over --max-body, announced or streamed. 408: a body that stalls for --idle-timeout.
  503: time limit (the worker is killed and replaced), memory cap, every worker busy or the waiting line full
  (with Retry-After), too many connections. 500: anything else. Error bodies are text/plain, zh then en.
* Every 200 carries X-PerfKG-Truncated: true|false, X-PerfKG-Max-Rows and X-PerfKG-Max-Bytes; a cut answer also
  X-PerfKG-Truncated-By: rows|bytes. JSON also gets {"perfkg": {"truncated": true, …}}, XML a
  <link href="urn:perfkg:truncated"/>, Turtle/N-Triples a leading comment. XML answers replace the characters
  XML 1.0 cannot carry by U+FFFD and say how many in X-PerfKG-Replaced-Characters (JSON, CSV, TSV keep them).
* The server holds a shared lock on the store, so `perfkg load` is refused while it serves.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from perfkg.errors import PerfkgError
from perfkg.store.embedded import StoreError, graph_node, take_store_lock
from perfkg.web.limits import Settings
from perfkg.web.worker import (MEMORY, OK, REFUSED, SYNTAX, UNACCEPTABLE, EndpointBusy, Job, WorkerPool)

# Response formats: key -> media type. The first entry of each family is the default.
RESULT_FORMATS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_FORMATS = {"turtle": "text/turtle", "nt": "application/n-triples", "rdfxml": "application/rdf+xml",
                 "jsonld": "application/ld+json"}
# Accept-header offers (media type, key), in the server's order of preference; aliases after the canonical types.
RESULT_OFFERS = [(t, k) for k, t in RESULT_FORMATS.items()] + [
    ("application/json", "json"), ("application/xml", "xml"), ("text/xml", "xml")]
GRAPH_OFFERS = [(t, k) for k, t in GRAPH_FORMATS.items()] + [
    ("application/turtle", "turtle"), ("application/x-turtle", "turtle"), ("text/n3", "turtle"),
    ("text/rdf+n3", "turtle"), ("text/plain", "nt"), ("application/json", "jsonld")]
# `format=` parameter values (short names as sent by SPARQLWrapper, or media types).
RESULT_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", **{t: k for t, k in RESULT_OFFERS}}
GRAPH_NAMES = {"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "nt": "nt", "ntriples": "nt",
               "n-triples": "nt", "xml": "rdfxml", "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "json": "jsonld",
               "json-ld": "jsonld", "jsonld": "jsonld", **{t: k for t, k in GRAPH_OFFERS}}
CHUNK = 64 * 1024


# -- content negotiation (Starlette has none) ---------------------------------------------------------


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values; malformed entries are skipped."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    best, q = -1, 0.0
    main = media.split("/")[0]
    for accepted, value in ranges:
        rank = 3 if accepted == media else 2 if accepted == f"{main}/*" else 1 if accepted == "*/*" else -1
        if rank > best:
            best, q = rank, value
    return q if best >= 0 else 0.0


def negotiate(header: str | None, offers: list[tuple[str, str]]) -> str | None:
    """The key of the best offer for an Accept header (server order breaks ties); None when nothing fits."""
    ranges = parse_accept(header)
    if not ranges:
        return offers[0][1]
    best, best_q = None, 0.0
    for media, key in offers:
        q = _quality(media, ranges)
        if q > best_q:
            best, best_q = key, q
    return best


# -- errors --------------------------------------------------------------------------------------------


class HttpError(Exception):
    """An error response: status and a bilingual plain-text message."""

    def __init__(self, status: int, zh: str, en: str, headers: dict[str, str] | None = None):
        super().__init__(en)
        self.status, self.zh, self.en, self.headers = status, zh, en, headers or {}

    def response(self) -> Response:
        from http import HTTPStatus

        body = f"{self.status} {HTTPStatus(self.status).phrase}\n{self.zh}\n{self.en}\n"
        return PlainTextResponse(body, status_code=self.status, headers=self.headers)


READ_ONLY = ("此端点只读：不接受 SPARQL 更新", "this endpoint is read-only: SPARQL Update is refused")


def _not_acceptable(what: str = "Accept") -> HttpError:
    kinds = ", ".join(list(RESULT_FORMATS.values()) + list(GRAPH_FORMATS.values()))
    return HttpError(406, f"无法按 {what} 提供结果；可用：{kinds}",
                     f"cannot answer in the {what} asked for; available: {kinds}")


def _forced_format(params: dict[str, list[str]]) -> str | None:
    values = [v.strip().lower() for v in params.get("format", []) if v.strip()]
    for value in values:
        if value in RESULT_NAMES or value in GRAPH_NAMES:
            return value
    if values:
        raise _not_acceptable(f"format={values[0]}")
    return None


async def _client_gone(receive) -> None:
    """Returns when the client closes its connection (the request body has been read already)."""
    while (await receive())["type"] != "http.disconnect":
        pass


# -- the endpoint --------------------------------------------------------------------------------------


class SparqlEndpoint:
    """The /sparql handler over one store: holds the store's shared lock, the worker pool and the spool directory."""

    def __init__(self, store_path: str | Path, settings: Settings):
        self.store_path, self.settings = Path(store_path), settings
        if not (self.store_path / "CURRENT").is_file():
            raise StoreError(f"{self.store_path} 不是 perfkg 存储目录", f"{self.store_path} is not a perfkg store")
        self._lock_fd = take_store_lock(self.store_path, exclusive=False)  # no `perfkg load` while serving
        self.spool = Path(tempfile.mkdtemp(prefix="perfkg-serve-"))
        try:
            self.pool = WorkerPool(self.store_path, settings.workers, settings.memory_mb, settings.queue)
        except PerfkgError:
            self.close()
            raise

    def close(self) -> None:
        if getattr(self, "pool", None) is not None:
            self.pool.close()
        shutil.rmtree(self.spool, ignore_errors=True)
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    async def handle(self, request: Request) -> Response:
        """The Starlette endpoint for /sparql."""
        try:
            return await self._answer(request)
        except HttpError as e:
            return e.response()

    async def _answer(self, request: Request) -> Response:
        params = await self._params(request)
        if "update" in params:
            raise HttpError(403, *READ_ONLY)
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise HttpError(400, "需要恰好一个 query 参数", "exactly one non-empty `query` parameter is required")
        default_graphs, named_graphs = params.get("default-graph-uri"), params.get("named-graph-uri")
        for iri in (default_graphs or []) + (named_graphs or []):
            try:
                graph_node(iri)
            except StoreError as e:
                raise HttpError(400, e.message_zh, e.message_en) from None
        accept, forced = request.headers.get("accept"), _forced_format(params)
        result_format = RESULT_NAMES.get(forced) if forced else negotiate(accept, RESULT_OFFERS)
        graph_format = GRAPH_NAMES.get(forced) if forced else negotiate(accept, GRAPH_OFFERS)
        if result_format is None and graph_format is None:
            raise _not_acceptable(f"format={forced}" if forced else "Accept")
        s = self.settings
        job = Job(queries[0], default_graphs, named_graphs, result_format, graph_format, s.max_rows, s.max_bytes,
                  str(self.spool / uuid.uuid4().hex))
        started = time.perf_counter()
        meta = await self.run(request, job)
        return self.respond(job, meta, time.perf_counter() - started)

    async def _params(self, request: Request) -> dict[str, list[str]]:
        params = parse_qs(request.url.query, keep_blank_values=True)
        if request.method in ("GET", "HEAD"):
            return params
        if request.method != "POST":
            raise HttpError(405, "只允许 GET 和 POST", "only GET and POST are allowed", {"Allow": "GET, HEAD, POST"})
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise HttpError(403, *READ_ONLY)
        if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            raise HttpError(415, f"不支持的请求类型“{ctype}”", f"unsupported request Content-Type {ctype!r}; use "
                            "application/sparql-query or application/x-www-form-urlencoded")
        body = await self._body(request)
        if ctype == "application/sparql-query":
            params["query"] = [body]
        else:
            for key, values in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        return params

    async def _body(self, request: Request) -> str:
        """The request body, refused (413) past max_body whether announced by Content-Length or not."""
        limit = self.settings.max_body
        too_large = HttpError(413, f"请求体超过 {limit} 字节", f"the request body exceeds {limit} bytes")
        if int(request.headers.get("content-length") or 0) > limit:  # h11 has refused negative/invalid ones
            raise too_large  # before reading it; uvicorn reads and drops the rest, so the client gets the 413
        data = bytearray()
        chunks = request.stream().__aiter__()
        while True:
            try:
                chunk = await asyncio.wait_for(chunks.__anext__(), self.settings.idle_timeout)
            except StopAsyncIteration:
                break
            except asyncio.TimeoutError:
                raise HttpError(408, "请求体发送过慢，连接超时", "the request body arrived too slowly") from None
            data += chunk
            if len(data) > limit:
                raise too_large
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "请求体不是 UTF-8", "the request body is not UTF-8") from None

    async def run(self, request: Request, job: Job) -> dict:
        """Run a job on a worker (HttpError when it fails); the worker is killed when it overruns, dies, or the
        client of `request` leaves. The answer is in job.spool: pass the result to respond()."""
        s = self.settings
        try:
            worker = await self.pool.acquire(s.timeout)
        except EndpointBusy as e:
            raise HttpError(503, e.message_zh, e.message_en, {"Retry-After": "5"}) from None
        try:
            worker.send(job)
        except (OSError, ValueError):  # it died while idle
            self.pool.replace(worker)
            raise HttpError(503, "查询工作进程不可用，请重试", "the query worker was not available; retry",
                            {"Retry-After": "1"}) from None
        reply_task = asyncio.ensure_future(worker.reply(s.timeout))
        gone_task = asyncio.ensure_future(_client_gone(request.receive))
        try:
            await asyncio.wait({reply_task, gone_task}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:  # the server is stopping
            self.pool.replace(worker)
            raise
        finally:
            for task in (reply_task, gone_task):
                task.cancel()
            await asyncio.gather(reply_task, gone_task, return_exceptions=True)  # readers removed before a kill
        if reply_task.cancelled():  # the client went away: stop its query now (a cancel button relies on it)
            self.pool.replace(worker)
            Path(job.spool).unlink(missing_ok=True)
            raise HttpError(503, "客户端已断开，查询已停止", "the client disconnected; the query was stopped")
        if reply_task.exception() is not None:
            self.pool.replace(worker)
            Path(job.spool).unlink(missing_ok=True)
            if not isinstance(reply_task.exception(), asyncio.TimeoutError):
                raise reply_task.exception()
            raise HttpError(503, f"查询超过时限（{s.timeout:g} 秒），已停止", f"the query exceeded the time limit "
                            f"of {s.timeout:g} s and was stopped")
        reply = reply_task.result()
        if reply is None:
            memory = worker.died_of_memory()
            self.pool.replace(worker)
            if memory:
                raise self._memory_error()
            raise HttpError(500, "查询工作进程意外退出", "the query worker process died unexpectedly")
        self.pool.release(worker)
        return self._check(reply)

    def _memory_error(self) -> HttpError:
        mb = self.settings.memory_mb
        return HttpError(503, f"查询所需内存超过上限（每个工作进程 {mb} MiB），已停止；请缩小查询（加 LIMIT 或更具体的条件）",
                         f"the query needed more memory than the cap ({mb} MiB per worker) and was stopped; "
                         "narrow it (add LIMIT or more specific patterns)")

    def _check(self, reply: tuple) -> dict:
        kind = reply[0]
        if kind == OK:
            return reply[1]
        if kind == MEMORY:
            raise self._memory_error()
        if kind == UNACCEPTABLE:
            raise _not_acceptable()
        status = {REFUSED: 403, SYNTAX: 400}.get(kind, 500)
        raise HttpError(status, reply[1], reply[2])

    def respond(self, job: Job, meta: dict, seconds: float) -> Response:
        """Stream the spooled answer: the file is already unlinked, so it vanishes when the response ends."""
        s = self.settings
        handle = open(job.spool, "rb")
        os.unlink(job.spool)
        types = GRAPH_FORMATS if meta["kind"] == "graph" else RESULT_FORMATS
        headers = {"Content-Length": str(meta["size"]), "Vary": "Accept",
                   "X-PerfKG-Truncated": "true" if meta["cut"] else "false", "X-PerfKG-Max-Rows": str(s.max_rows),
                   "X-PerfKG-Max-Bytes": str(s.max_bytes), "X-PerfKG-Query-Ms": f"{seconds * 1000:.1f}"}
        if meta["cut"]:
            headers["X-PerfKG-Truncated-By"] = meta["cut"]
        if meta["format"] in ("xml", "rdfxml"):
            headers["X-PerfKG-Replaced-Characters"] = str(meta["replaced"])

        async def chunks():
            try:
                while data := handle.read(CHUNK):
                    yield data
            finally:
                handle.close()

        return StreamingResponse(chunks(), headers=headers,
                                 media_type=f"{types[meta['format']]}; charset=utf-8")


# -- the query library ---------------------------------------------------------------------------------


def load_library(settings: Settings) -> list:
    """The query library served: the .rq files of settings.queries_dir, or perfkg's own."""
    from perfkg.queries import list_queries, parse_query_file

    if settings.queries_dir is None:
        return list_queries()
    folder = Path(settings.queries_dir)
    if not folder.is_dir():
        raise PerfkgError(f"查询库目录 {folder} 不存在", f"the query library directory {folder} does not exist")
    return [parse_query_file(p) for p in sorted(folder.glob("*.rq"))]


def library_response(library: list) -> Response:
    return JSONResponse({"queries": [q.as_json() for q in library]})
