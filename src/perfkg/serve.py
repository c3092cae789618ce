"""`perfkg serve`: a read-only SPARQL 1.1 Protocol endpoint over the embedded store (stdlib WSGI, worker processes)."""
from __future__ import annotations

import dataclasses
import html
import json
import logging
import os
import queue
import signal
import socketserver
import sys
import threading
import time
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal

from perfkg.errors import PerfkgError
from perfkg.results import ResultTable, json_term, to_csv, to_tsv
from perfkg.store.embedded import (QueryOutcome, QueryRefused, QueryRequest, QuerySyntaxError,
                                   QueryTimeout, QueryWorker, StoreError, graph_node, take_store_lock)

# The contract (SPARQL 1.1 Protocol, read-only):
# * GET /sparql?query=…, POST form (query=…) or POST application/sparql-query; default-graph-uri and
#   named-graph-uri are honoured. Without them the default graph is the union of the document graphs.
# * SELECT/ASK: application/sparql-results+json (default), +xml, text/csv, text/tab-separated-values;
#   CONSTRUCT/DESCRIBE: text/turtle (default), application/n-triples, application/rdf+xml, application/ld+json.
#   Accept with q-values, or format= (json, xml, csv, tsv, turtle, nt, …; wins over Accept); 406 when nothing fits.
# * 403: SPARQL Update (update=, application/sparql-update, or update text in query=) and SERVICE, detected on
#   rdflib's algebra. 400: malformed query (the parser's message). 503: time limit exceeded (the worker process
#   is killed and replaced) or every worker busy. 500: anything else. Error bodies are text/plain, zh then en.
# * Every 200 carries X-PerfKG-Truncated: true|false and X-PerfKG-Max-Rows. A capped answer holds exactly
#   max-rows rows (or triples); JSON also gets {"perfkg": {"truncated": true}}, XML a <link
#   href="urn:perfkg:truncated"/>, Turtle/N-Triples a leading comment. CSV/TSV only have the header.
# * Queries run in warm worker processes holding the store open read-only; the server holds a shared lock on
#   the store, so `perfkg load` (exclusive lock) is refused while it serves — restart serve to see new data.

log = logging.getLogger("perfkg.serve")

MAX_BODY = 1 << 20  # bytes of a POSTed query
GUARD = "perfkg.serve:check_read_only_query"

# Response formats: key -> (media type, what renders it). The first entry of each family is the default.
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


# -- refusing what a read-only endpoint must not run (called inside the worker processes) ----------


def check_read_only_query(sparql: str) -> None:
    """Raise QueryRefused for updates and SERVICE, QuerySyntaxError for malformed text (rdflib's parser)."""
    verdict = _verdict(sparql)
    if verdict is not None:
        kind, zh, en = verdict
        raise (QueryRefused if kind == "refused" else QuerySyntaxError)(zh, en)


@lru_cache(maxsize=1024)
def _verdict(sparql: str) -> tuple[str, str, str] | None:
    from rdflib.plugins.sparql.algebra import translateQuery, traverse
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = translateQuery(parseQuery(sparql)).algebra
    except Exception as e:  # noqa: BLE001 — pyparsing and algebra errors alike
        if _is_update(sparql):
            return ("refused", "此端点只读：不接受 SPARQL 更新（INSERT/DELETE/LOAD/CLEAR/DROP…）",
                    "this endpoint is read-only: SPARQL Update (INSERT/DELETE/LOAD/CLEAR/DROP…) is refused")
        return ("syntax", f"SPARQL 查询无法解析：{e}", f"the SPARQL query does not parse: {e}")
    names: set[str] = set()
    traverse(algebra, visitPre=lambda node: names.add(node.name) if isinstance(node, CompValue) else None)
    if "ServiceGraphPattern" in names:
        return ("refused", "此端点不执行联邦查询（SERVICE）", "this endpoint does not run federated queries (SERVICE)")
    return None


def _is_update(sparql: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(sparql)
        return True
    except Exception:  # noqa: BLE001
        return False


# -- the worker pool -------------------------------------------------------------------------------


class EndpointBusy(PerfkgError):
    """Every worker stayed busy for the whole time limit."""


class WorkerPool:
    """Warm read-only query workers; a worker that overran is killed and replaced in the background."""

    def __init__(self, store_path: Path, size: int):
        self.store_path, self.size = store_path, size
        self._idle: queue.Queue[QueryWorker] = queue.Queue()
        self._all: list[QueryWorker] = []
        self._lock = threading.Lock()
        self._closed = False
        try:
            for _ in range(size):
                self._add(QueryWorker(store_path, guard=GUARD))
        except PerfkgError:
            self.close()
            raise

    def _add(self, worker: QueryWorker) -> None:
        with self._lock:
            if self._closed:
                worker.close()
                return
            self._all = [w for w in self._all if w.alive] + [worker]
        self._idle.put(worker)

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._all if w.alive]

    def run(self, request: QueryRequest, timeout: float) -> QueryOutcome:
        """Run on an idle worker (waiting at most `timeout` for one), then give it back or replace it."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise EndpointBusy(f"所有查询工作进程在 {timeout:g} 秒内都忙，请稍后重试",
                               f"every query worker stayed busy for {timeout:g} s; retry later") from None
        try:
            return worker.run(request, timeout)
        finally:
            if worker.alive:
                self._idle.put(worker)
            else:
                self._replace()

    def _replace(self) -> None:
        def spawn():
            try:
                self._add(QueryWorker(self.store_path, guard=GUARD))
            except PerfkgError as e:
                log.error("cannot restart a query worker: %s", e)

        if not self._closed:
            threading.Thread(target=spawn, name="perfkg-respawn", daemon=True).start()

    def close(self) -> None:
        with self._lock:
            self._closed, workers, self._all = True, self._all, []
        for worker in workers:
            worker.close()


# -- content negotiation -----------------------------------------------------------------------------


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


# -- rendering ---------------------------------------------------------------------------------------


def _xml_term(term) -> str:
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    if isinstance(term, Literal):
        attr = f" xml:lang={quoteattr(term.language)}" if term.language else (
            f" datatype={quoteattr(str(term.datatype))}" if term.datatype else "")
        return f"<literal{attr}>{escape(str(term))}</literal>"
    return f"<uri>{escape(str(term))}</uri>"


def to_xml(table: ResultTable) -> str:
    """W3C SPARQL Query Results XML; a truncated result carries <link href="urn:perfkg:truncated"/>."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
           "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in table.vars]
    out += ['<link href="urn:perfkg:truncated"/>'] if table.truncated else []
    out += ["</head>", "<results>"]
    for row in table.rows:
        cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                        for v, t in zip(table.vars, row) if t is not None)
        out.append(f"<result>{cells}</result>")
    out += ["</results>", "</sparql>", ""]
    return "\n".join(out)


def _ask_body(value: bool, fmt: str) -> str:
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value})
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n")
    return f"_askResult\r\n{word}\r\n" if fmt == "csv" else f"?_askResult\n{word}\n"


def to_compact_json(table: ResultTable, max_rows: int) -> str:
    """W3C SPARQL Query Results JSON without indentation (3x faster than results.to_json on big answers).

    A truncated result also carries {"perfkg": {"truncated": true, "max_rows": N}}, for clients that drop headers.
    """
    vars_ = table.vars
    bindings = [{v: json_term(t) for v, t in zip(vars_, row) if t is not None} for row in table.rows]
    doc = {"head": {"vars": vars_}, "results": {"bindings": bindings}}
    if table.truncated:
        doc["perfkg"] = {"truncated": True, "max_rows": max_rows}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _select_body(table: ResultTable, fmt: str, max_rows: int) -> str:
    if fmt == "json":
        return to_compact_json(table, max_rows)
    return {"xml": to_xml, "csv": to_csv, "tsv": to_tsv}[fmt](table)


def _graph_body(outcome: QueryOutcome, fmt: str, max_rows: int) -> str:
    graph = Graph()
    for triple in outcome.triples:
        graph.add(triple)
    rdflib_format = {"turtle": "turtle", "nt": "nt", "rdfxml": "xml", "jsonld": "json-ld"}[fmt]
    body = graph.serialize(format=rdflib_format)
    if outcome.truncated and fmt in ("turtle", "nt"):
        body = f"# perfkg: truncated at {max_rows} triples / 结果已截断\n" + body
    return body


# -- the WSGI application --------------------------------------------------------------------------


class HttpError(Exception):
    """An error response: status and a bilingual plain-text message."""

    def __init__(self, status: int, zh: str, en: str, headers: list[tuple[str, str]] | None = None):
        super().__init__(en)
        self.status, self.zh, self.en, self.headers = status, zh, en, headers or []

    def response(self) -> tuple[int, list[tuple[str, str]], bytes]:
        body = f"{self.status} {HTTPStatus(self.status).phrase}\n{self.zh}\n{self.en}\n".encode("utf-8")
        return self.status, [("Content-Type", "text/plain; charset=utf-8")] + self.headers, body


def _error_status(exc: PerfkgError) -> int:
    if isinstance(exc, QueryRefused):
        return 403
    if isinstance(exc, QuerySyntaxError):
        return 400
    if isinstance(exc, (QueryTimeout, EndpointBusy)):
        return 503
    return 500


class SparqlApp:
    """The WSGI callable: /sparql (SPARQL 1.1 Protocol, read-only), / (about page), /queries (the library)."""

    def __init__(self, store_path: str | Path, *, timeout: float = 30.0, max_rows: int = 100_000,
                 query_library: Callable[[], list] | None = None, workers: int | None = None):
        self.store_path = Path(store_path)
        self.timeout, self.max_rows = float(timeout), int(max_rows)
        self.query_library = query_library
        if not (self.store_path / "CURRENT").is_file():
            raise StoreError(f"{self.store_path} 不是 perfkg 存储目录", f"{self.store_path} is not a perfkg store")
        self._lock_fd = take_store_lock(self.store_path, exclusive=False)  # no `perfkg load` while serving
        try:
            self.pool = WorkerPool(self.store_path, workers or min(4, os.cpu_count() or 1))
        except PerfkgError:
            self._release()
            raise

    def close(self) -> None:
        self.pool.close()
        self._release()

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __call__(self, environ, start_response):
        try:
            status, headers, body = self._route(environ)
        except HttpError as e:
            status, headers, body = e.response()
        except Exception:  # noqa: BLE001 — never leak a traceback to the client
            log.exception("internal error")
            status, headers, body = HttpError(500, "服务器内部错误", "internal server error").response()
        start_response(f"{status} {HTTPStatus(status).phrase}", headers + [("Content-Length", str(len(body)))])
        return [body] if environ.get("REQUEST_METHOD") != "HEAD" else []

    def _route(self, environ):
        path = environ.get("PATH_INFO") or "/"
        if path in ("/sparql", "/sparql/"):
            return self._sparql(environ)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            raise HttpError(405, "只允许 GET", "only GET is allowed here", [("Allow", "GET, HEAD")])
        if path == "/":
            return 200, [("Content-Type", "text/html; charset=utf-8")], self._home().encode("utf-8")
        if path in ("/queries", "/.well-known/perfkg-queries"):
            body = json.dumps({"queries": self._library()}, ensure_ascii=False, indent=1, default=str)
            return 200, [("Content-Type", "application/json; charset=utf-8")], body.encode("utf-8")
        raise HttpError(404, f"没有这个地址：{path}", f"not found: {path}")

    # -- /sparql

    def _sparql(self, environ):
        params = self._params(environ)
        if "update" in params:
            raise HttpError(403, "此端点只读：不接受 SPARQL 更新", "this endpoint is read-only: SPARQL Update is refused")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise HttpError(400, "需要恰好一个 query 参数", "exactly one non-empty `query` parameter is required")
        default_graphs, named_graphs = params.get("default-graph-uri"), params.get("named-graph-uri")
        for iri in (default_graphs or []) + (named_graphs or []):
            try:
                graph_node(iri)
            except StoreError as e:
                raise HttpError(400, e.message_zh, e.message_en) from None
        accept, forced = environ.get("HTTP_ACCEPT"), self._forced_format(params)
        if forced is None and negotiate(accept, RESULT_OFFERS) is None and negotiate(accept, GRAPH_OFFERS) is None:
            raise self._not_acceptable()
        request = QueryRequest(queries[0], union_default_graph=default_graphs is None, default_graphs=default_graphs,
                               named_graphs=named_graphs, max_rows=self.max_rows)
        started = time.perf_counter()
        try:
            outcome = self.pool.run(request, self.timeout)
        except PerfkgError as e:
            extra = [("Retry-After", "5")] if isinstance(e, EndpointBusy) else []
            raise HttpError(_error_status(e), e.message_zh, e.message_en, extra) from None
        return self._respond(outcome, accept, forced, time.perf_counter() - started)

    def _params(self, environ) -> dict[str, list[str]]:
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            return params
        if method != "POST":
            raise HttpError(405, "只允许 GET 和 POST", "only GET and POST are allowed", [("Allow", "GET, POST")])
        ctype = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise HttpError(403, "此端点只读：不接受 SPARQL 更新", "this endpoint is read-only: SPARQL Update is refused")
        body = self._body(environ)
        if ctype == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif ctype == "application/sparql-query":
            params["query"] = [body]
        else:
            raise HttpError(415, f"不支持的请求类型“{ctype}”", f"unsupported request Content-Type {ctype!r}; use "
                            "application/sparql-query or application/x-www-form-urlencoded")
        return params

    def _body(self, environ) -> str:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise HttpError(400, "Content-Length 无效", "invalid Content-Length") from None
        if length > MAX_BODY:
            raise HttpError(413, f"查询超过 {MAX_BODY} 字节", f"the request body exceeds {MAX_BODY} bytes")
        try:
            return environ["wsgi.input"].read(length).decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "请求体不是 UTF-8", "the request body is not UTF-8") from None

    @staticmethod
    def _forced_format(params) -> str | None:
        values = [v.strip().lower() for v in params.get("format", []) if v.strip()]
        for value in values:
            if value in RESULT_NAMES or value in GRAPH_NAMES:
                return value
        if values:
            raise SparqlApp._not_acceptable(f"format={values[0]}")
        return None

    @staticmethod
    def _not_acceptable(what: str = "Accept") -> HttpError:
        kinds = ", ".join(list(RESULT_FORMATS.values()) + list(GRAPH_FORMATS.values()))
        return HttpError(406, f"无法按 {what} 提供结果；可用：{kinds}", f"cannot answer in the {what} asked for; "
                         f"available: {kinds}")

    def _respond(self, outcome: QueryOutcome, accept, forced, seconds: float):
        graph = outcome.kind == "graph"
        names, offers, types = (GRAPH_NAMES, GRAPH_OFFERS, GRAPH_FORMATS) if graph else (
            RESULT_NAMES, RESULT_OFFERS, RESULT_FORMATS)
        fmt = names.get(forced) if forced else negotiate(accept, offers)
        if fmt is None:
            raise self._not_acceptable(f"format={forced}" if forced else "Accept")
        if graph:
            body = _graph_body(outcome, fmt, self.max_rows)
        elif outcome.kind == "ask":
            body = _ask_body(outcome.boolean, fmt)
        else:
            body = _select_body(outcome.table, fmt, self.max_rows)
        headers = [("Content-Type", f"{types[fmt]}; charset=utf-8"), ("Vary", "Accept"),
                   ("X-PerfKG-Truncated", "true" if outcome.truncated else "false"),
                   ("X-PerfKG-Max-Rows", str(self.max_rows)), ("X-PerfKG-Query-Ms", f"{seconds * 1000:.1f}")]
        return 200, headers, body.encode("utf-8")

    # -- / and /queries

    def _library(self) -> list[dict]:
        lister = self.query_library
        if lister is None:
            try:
                from perfkg.queries import list_queries as lister
            except ImportError:
                return []
        return [_query_json(q) for q in lister()]

    def _home(self) -> str:
        e = html.escape
        rows = "".join(f"<li><code>{e(str(q.get('name')))}</code> — {e(zh)} / {e(en)}</li>"
                       for q in self._library() for zh, en in [_titles(q)])
        return _HOME.format(timeout=f"{self.timeout:g}", max_rows=self.max_rows, queries=rows or "<li>—</li>",
                            results=e(", ".join(RESULT_FORMATS.values())), graphs=e(", ".join(GRAPH_FORMATS.values())))


def _titles(entry: dict) -> tuple[str, str]:
    title = entry.get("title")
    if isinstance(title, dict):
        return str(title.get("zh", "")), str(title.get("en", ""))
    return str(entry.get("title_zh", "")), str(entry.get("title_en", ""))


def _query_json(info) -> dict:
    if hasattr(info, "as_json"):
        return info.as_json()
    if dataclasses.is_dataclass(info):
        return {k: v for k, v in dataclasses.asdict(info).items() if not isinstance(v, Path)}
    if isinstance(info, dict):
        return info
    fields = ("name", "title_zh", "title_en", "description", "parameters", "columns", "text")
    return {f: getattr(info, f, None) for f in fields}


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
<li>时限 / time limit: {timeout} s（超时返回 503 / 503 when exceeded）；最多 / at most {max_rows} 行 rows
 （超出时截断并带 <code>X-PerfKG-Truncated: true</code> / cut and flagged with <code>X-PerfKG-Truncated: true</code>）</li>
<li>不接受 SPARQL 更新与 SERVICE（403）/ SPARQL Update and SERVICE are refused (403)</li>
</ul>
<h2>查询库 <small>/ query library</small> — <a href="/.well-known/perfkg-queries">JSON</a></h2>
<ul>{queries}</ul>
</body></html>
"""


# -- the server --------------------------------------------------------------------------------------


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 — the stdlib's signature
        log.info("%s - %s", self.address_string(), format % args)


def make_app(store_path: str | Path, *, timeout: float = 30.0, max_rows: int = 100_000,
             query_library: Callable[[], list] | None = None, workers: int | None = None) -> SparqlApp:
    """The WSGI app; call .close() to stop its workers."""
    return SparqlApp(store_path, timeout=timeout, max_rows=max_rows, query_library=query_library, workers=workers)


def make_server(store_path: str | Path, host: str = "127.0.0.1", port: int = 8000, **app_options):
    """A threaded HTTP server (not started) whose .app is the SparqlApp; port 0 picks a free port."""
    app = make_app(store_path, **app_options)
    try:
        server = _ThreadingWSGIServer((host, port), _QuietHandler)
    except OSError as e:
        app.close()
        raise PerfkgError(f"无法监听 {host}:{port}：{e}", f"cannot listen on {host}:{port}: {e}") from None
    server.set_app(app)
    server.app = app
    return server


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(store_path: str | Path, host: str = "127.0.0.1", port: int = 8000, **app_options) -> None:
    """Serve until interrupted."""
    server = make_server(store_path, host, port, **app_options)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # stop cleanly (workers closed, lock released) on SIGTERM
    url = f"http://{host}:{server.server_address[1]}/sparql"
    print(f"perfkg SPARQL 端点已启动 / endpoint running: {url}  (Ctrl-C 停止 / to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.app.close()


# -- command line (`perfkg serve`) ------------------------------------------------------------------


def register(sub) -> None:
    """Add the `serve` command to perfkg's subparsers (perfkg.cli can re-export this)."""
    p = sub.add_parser("serve", help="只读 SPARQL 端点 / read-only SPARQL endpoint",
                       description="在嵌入式存储上提供只读 SPARQL 1.1 端点 / "
                                   "a read-only SPARQL 1.1 endpoint over the store")
    add_arguments(p)


def add_arguments(p) -> None:
    p.add_argument("--store", required=True, metavar="DIR", help="存储目录 / store directory")
    p.add_argument("--host", default="127.0.0.1", help="监听地址 / address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="端口 / port (default 8000)")
    p.add_argument("--timeout", type=float, default=30.0, help="每个查询的秒数上限 / seconds per query (default 30)")
    p.add_argument("--max-rows", type=int, default=100_000, help="结果行数上限 / row cap (default 100000)")
    p.add_argument("--workers", type=int, default=None, help="查询工作进程数 / query worker processes")
    p.set_defaults(run=run)


def run(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    serve(args.store, args.host, args.port, timeout=args.timeout, max_rows=args.max_rows, workers=args.workers)
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="perfkg serve", description="只读 SPARQL 端点 / read-only SPARQL endpoint")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except PerfkgError as e:
        print(f"错误 error: {e.describe()}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
