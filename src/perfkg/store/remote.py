"""A remote SPARQL store (Virtuoso first): queries typed by perfkg's own parse, safe bindings, truncation detection, staged graph loads."""
from __future__ import annotations

import json
import math
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node
from SPARQLWrapper import GET, JSON, POST, TURTLE

from perfkg.errors import PerfkgError
from perfkg.results import table_from_json
from perfkg.store import truncation
from perfkg.store.errors import BindingError, LoadError, RemoteStoreError, ResultTruncatedError
from perfkg.store.graph_loads import (BACKUP_PREFIX, STAGING_PREFIX, GraphSwap, group_units, ntriples_lines,
                                      pack_chunks)
from perfkg.store.remote_http import Wrapper, http_error, opener, retryable
from perfkg.store.sparql_text import analyse, bind_values, check_iri, split_prologue


# What Virtuoso 7.2.5 (Debian, 07.20.3229) really does — measured by tests/test_remote_store.py and by hand:
# * Result cap: a SELECT whose result reaches [SPARQL] ResultSetMaxRows is cut to exactly that many rows with
#   HTTP 200 and an ``X-SPARQL-MaxRows: <cap>`` header. The header also appears when the full result has exactly
#   <cap> rows, so a hit is confirmed with ``SELECT (COUNT(*) …) { { <the query> } }`` (subqueries are not capped).
#   CONSTRUCT/DESCRIBE are cut at <cap>+1 triples with no header at all: we learn the cap once
#   (``bif:virtuoso_ini_item_value``, readable anonymously) and flag a graph of more than <cap> triples.
# * Time cap ("anytime query"): a query stopped by MaxQueryExecutionTime or the request's ``timeout`` parameter
#   returns HTTP 200 with PARTIAL results and ``X-SQL-State: S1TAT``: also reported as truncation.
#   Whatever the ini says, Virtuoso also cuts any HTTP result at 2^20 = 1,048,576 rows (maintainers in
#   openlink/virtuoso-opensource#700): a result of exactly that size is checked with the same COUNT.
#   Anytime headers were reported inconsistent in some cases (#1034): keep MaxQueryExecutionTime generous.
# * OFFSET without LIMIT on a capped server fails (SR350 "TOP parameter < 0"); OFFSET n LIMIT m (m <= cap) works.
# * Literals come back canonicalised: "40.00"^^xsd:decimal as "40", "1.5E2"^^xsd:double as "150.0", booleans
#   as "1"/"0" in JSON (we map those back to "true"/"false"), language tags lower-cased ("zh-CN" -> "zh-cn").
# * Graph Store Protocol POST of a chunk with a malformed line answers 500 but keeps the triples parsed before it:
#   chunks are only ever posted to a staging graph.
# * No SPARQL Update that touches a whole graph is atomic: MOVE/COPY/DROP/DELETE commit in batches (a concurrent
#   reader saw 10000, 45000, 75000 … and 0 triples during a swap; a DELETE inside an explicit isql transaction
#   stayed deleted after ROLLBACK WORK). So a load keeps a backup copy of the old graph and restores it when the
#   swap cannot be verified: after load_graph returns or raises, the target holds either the complete new content
#   or its complete old content; only readers *during* the swap (about 1-2 s per 100k triples) can see a partial
#   graph. COPY was also steadier than MOVE under concurrent readers (MOVE stalled up to 57 s).
# * Blank nodes: Virtuoso gives every POST its own blank-node scope, so every blank node's connected triples are
#   kept in one chunk (a component larger than chunk_triples travels alone). Retrying a chunk with blank nodes
#   after a timeout may duplicate them; the count check then fails the load and the target is untouched.
# * SPARQLWrapper guesses a request's type from the first keyword its regex finds, comments included: a query
#   whose header comment says "removed" or "drops" went out as update= (Virtuoso answered it; perfkg serve,
#   which separates query and update, refused it with 403). The type is therefore set from rdflib's parse
#   (perfkg.store.sparql_text), never guessed.

SYSTEM_GRAPH_PREFIXES = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                         "http://localuriqaserver/", "http://www.openlinksw.com/schemas/")
LONG_QUERY_CHARS = 2000


def _rdf_format(content_type: str) -> str:
    for marker, fmt in (("turtle", "turtle"), ("rdf+xml", "xml"), ("ld+json", "json-ld"), ("n3", "n3")):
        if marker in content_type:
            return fmt
    return "nt"


class RemoteStore:
    """A SPARQL 1.1 endpoint (+ update endpoint + Graph Store Protocol) holding one named graph per document
    (a TripleStore)."""

    name = "remote"

    def __init__(self, endpoint_url: str, *, graph_store_url: str | None = None, update_url: str | None = None,
                 user: str | None = None, password: str | None = None, auth: str | None = "digest",
                 timeout: float = 60, chunk_triples: int = 50_000, retries: int = 2, swap_timeout: float = 300,
                 always_post: bool = False, max_rows: int | None | str = "auto", bulk_loader=None):
        base = endpoint_url.rstrip("/")
        self.endpoint = base
        self.update_url = update_url or (base + "-auth" if base.endswith("/sparql") else base)
        self.graph_store_url = graph_store_url or (base + "-graph-crud-auth" if base.endswith("/sparql") else None)
        self.user, self.timeout, self.chunk_triples = user, timeout, max(1, int(chunk_triples))
        self.retries, self.swap_timeout, self.always_post = max(0, int(retries)), swap_timeout, always_post
        self._max_rows = max_rows
        self.bulk_loader = bulk_loader  # a VirtuosoBulkLoader: used when the server can read its files
        urls = [u for u in (self.endpoint, self.update_url, self.graph_store_url) if u]
        self._opener = opener(urls, user, password, auth if user else None)

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""

    # -- queries ---------------------------------------------------------------------------------------

    def query(self, sparql: str, bindings: dict[str, Node | None] | None = None, *, allow_truncated: bool = False,
              timeout: float | None = None, server_timeout_ms: int | None = None):
        """Run a query: SELECT -> ResultTable, ASK -> bool, CONSTRUCT/DESCRIBE -> rdflib Graph.

        ``bindings`` are RDF terms put into a VALUES block, never pasted as text. A result the server cut short
        raises ResultTruncatedError unless ``allow_truncated`` (then ``.truncated`` is set on the result).
        ``server_timeout_ms`` asks Virtuoso to stop after that long (it then returns partial results: truncated).
        """
        text = bind_values(sparql, bindings or {})
        shape = analyse(text)
        if shape.is_update:
            raise RemoteStoreError("这是 SPARQL 更新，不是查询；更新请用 update()",
                                   "this is a SPARQL update, not a SELECT/ASK/CONSTRUCT/DESCRIBE query; use update()")
        response, body = self._send_query(text, shape.form, timeout, server_timeout_ms)
        headers = response.headers
        if shape.form in ("SELECT", "ASK"):
            data = json.loads(body.decode("utf-8"))
            if shape.form == "ASK" or "boolean" in data:
                return bool(data.get("boolean"))
            result = table_from_json(data)
            cap = truncation.announced_cap(headers)
            if cap is not None:
                self._max_rows = cap
            result.truncated = truncation.select_truncated(headers, len(result), shape.limit,
                                                           lambda: self._count_solutions(text, timeout))
        else:
            result = Graph()
            result.parse(data=body.decode("utf-8"), format=_rdf_format(headers.get("Content-Type", "")))
            result.truncated = truncation.graph_truncated(headers, len(result), self.max_rows())
        if result.truncated and not allow_truncated:
            raise ResultTruncatedError(
                f"服务器截断了结果（收到 {len(result)} 行/条；上限 ResultSetMaxRows 或执行时限）；请加 LIMIT/OFFSET 分页或提高上限",
                f"the server cut the result short ({len(result)} rows/triples arrived; ResultSetMaxRows or the time "
                f"limit); page with LIMIT/OFFSET or raise the limit", result)
        return result

    def _send_query(self, text: str, form: str, timeout: float | None, server_timeout_ms: int | None):
        wrapper = Wrapper(self.endpoint, self._opener)
        wrapper.setQuery(text)
        wrapper.queryType = form  # perfkg's parse, not SPARQLWrapper's keyword guess (see the notes above)
        wrapper.setMethod(POST if self.always_post or len(text) > LONG_QUERY_CHARS else GET)
        wrapper.setTimeout(math.ceil(timeout or self.timeout))
        wrapper.setOnlyConneg(True)
        if form in ("SELECT", "ASK"):
            wrapper.setReturnFormat(JSON)
        else:
            wrapper.setReturnFormat(TURTLE)
            wrapper.addCustomHttpHeader("Accept", "application/n-triples")
        if server_timeout_ms:
            wrapper.addParameter("timeout", str(int(server_timeout_ms)))
        try:
            result = wrapper.query()
            return result.response, result.response.read()
        except Exception as e:
            raise http_error(e, "查询", "the query") from None

    def _count_solutions(self, text: str, timeout) -> int | None:
        """How many rows the whole SELECT has (a COUNT over it as a subquery; those are not capped)."""
        prologue, body = split_prologue(text)
        wrapped = f"{prologue}SELECT (COUNT(*) AS ?perfkg_rows) WHERE {{ {{ {body}\n}} }}"
        try:
            response, data = self._send_query(wrapped, "SELECT", timeout, None)
            cell = json.loads(data.decode("utf-8"))["results"]["bindings"][0]["perfkg_rows"]
            return int(cell["value"])
        except (RemoteStoreError, KeyError, IndexError, ValueError):
            return None

    def max_rows(self) -> int | None:
        """The server's result cap (ResultSetMaxRows), asked once from Virtuoso; None if unknown."""
        if self._max_rows == "auto":
            self._max_rows = None
            try:
                table = self.query('SELECT (bif:virtuoso_ini_item_value("SPARQL", "ResultSetMaxRows") AS ?cap) '
                                   "WHERE {}", allow_truncated=True)
                value = str(table.rows[0][0]) if table.rows and table.rows[0][0] is not None else ""
                self._max_rows = int(value) if value.isdigit() and int(value) > 0 else None
            except (RemoteStoreError, ValueError):
                self._max_rows = None
        return self._max_rows if isinstance(self._max_rows, int) else None

    # -- updates and graph administration ---------------------------------------------------------

    def update(self, sparql_update: str, *, timeout: float | None = None) -> None:
        """Run a SPARQL Update on the (authenticated) update endpoint."""
        shape = analyse(sparql_update)
        if not shape.is_update:
            raise RemoteStoreError("这是查询，不是 SPARQL 更新；查询请用 query()",
                                   "this is a query, not a SPARQL update; use query()")
        wrapper = Wrapper(self.endpoint, self._opener, update_endpoint=self.update_url)
        wrapper.setQuery(sparql_update)
        wrapper.queryType = shape.form
        wrapper.setMethod(POST)
        wrapper.setTimeout(math.ceil(timeout or self.timeout))
        wrapper.setReturnFormat(JSON)
        try:
            wrapper.query().response.read()
        except Exception as e:
            raise http_error(e, "更新", "the update") from None

    def drop_graph(self, graph_iri: str) -> bool:
        """Remove a named graph; returns whether it held triples."""
        held = self.triple_count(graph_iri) > 0
        self.update(f"DROP SILENT GRAPH <{check_iri(graph_iri)}>")
        return held

    def triple_count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or in all user graphs (Virtuoso's own graphs excluded)."""
        if graph is None:
            return sum(self.graphs().values())
        table = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{check_iri(graph)}> {{ ?s ?p ?o }} }}")
        return int(table.rows[0][0]) if table.rows else 0

    def graphs(self, *, include_system: bool = False) -> dict[str, int]:
        """Named graphs with their triple counts, sorted by IRI."""
        table = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        out = {str(g): int(n) for g, n in table.rows}
        if not include_system:
            out = {g: n for g, n in out.items() if not g.startswith(SYSTEM_GRAPH_PREFIXES)}
        return dict(sorted(out.items()))

    def cleanup_staging(self) -> list[str]:
        """Drop staging and backup graphs left by an interrupted load (e.g. a killed process)."""
        leftovers = [g for g in self.graphs() if g.startswith((STAGING_PREFIX, BACKUP_PREFIX))]
        for graph in leftovers:
            self.drop_graph(graph)
        return leftovers

    # -- loading ---------------------------------------------------------------------------------------

    def replace_graph(self, graph_iri: str, data: Graph | str | Path) -> int:
        """Replace a named graph with ``data`` (rdflib Graph or N-Triples file); returns its triple count.

        With a bulk loader the server can use, Virtuoso's own loader does it (perfkg.store.virtuoso_bulk). Otherwise
        chunks go to a staging graph by the Graph Store Protocol; the staging count is verified; then the
        staging graph is copied over the target (old content kept as a backup until the new count is verified).
        On any failure the staging graph is dropped and LoadError is raised; the target keeps its old content.
        """
        check_iri(graph_iri, "图 IRI", "graph IRI")
        if self.bulk_loader is not None and self.bulk_loader.available():
            (outcome,) = self.bulk_loader.load([(graph_iri, data)])
            if outcome.error:
                raise outcome.error
            return outcome.triples
        if not self.graph_store_url:
            raise RemoteStoreError("没有配置 Graph Store 地址（graph_store_url）",
                                   "no Graph Store Protocol URL (graph_store_url) is configured")
        lines = ntriples_lines(data)
        chunks = pack_chunks(group_units(lines), self.chunk_triples)
        expected = len(lines)
        staging = STAGING_PREFIX + uuid.uuid4().hex
        swap = GraphSwap(self, retries=self.retries, swap_timeout=self.swap_timeout)
        try:
            for number, chunk in enumerate(chunks, 1):
                self._post_chunk(graph_iri, staging, chunk, f"{number}/{len(chunks)}")
            staged = swap.settled_count(staging, expected)
            if staged != expected:
                raise LoadError(graph_iri, "暂存图的三元组数不符", "the staging graph has the wrong triple count",
                                expected=expected, actual=staged)
            swap.swap(graph_iri, staging, expected)
        except LoadError:
            swap.drop_quietly(staging)
            raise
        except (RemoteStoreError, OSError) as e:
            swap.drop_quietly(staging)
            zh, en = (e.message_zh, e.message_en) if isinstance(e, PerfkgError) else (str(e), str(e))
            raise LoadError(graph_iri, zh, en) from e
        swap.drop_quietly(staging)
        return expected

    def replace_graphs(self, documents) -> list:
        """Replace many graphs (an iterable of (graph IRI, Graph or N-Triples file)); a list of BulkOutcome.

        Through Virtuoso's bulk loader when one is configured and the server can read its directory, else one
        chunked replace_graph per document. Either way each document ends complete or untouched, on its own.
        """
        from perfkg.store.virtuoso_bulk import BulkOutcome

        if self.bulk_loader is not None and self.bulk_loader.available():
            return self.bulk_loader.load(documents)
        outcomes = []
        for graph_iri, data in documents:
            try:
                outcomes.append(BulkOutcome(graph_iri, triples=self.replace_graph(graph_iri, data)))
            except LoadError as e:
                outcomes.append(BulkOutcome(graph_iri, error=e))
        return outcomes

    def _post_chunk(self, graph_iri: str, staging: str, lines: list[str], label: str) -> None:
        """POST one chunk to the staging graph: per-request timeout, at most ``retries`` retries."""
        body = "".join(lines).encode("utf-8")
        url = f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': staging})}"
        error: RemoteStoreError | None = None
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(url, data=body, method="POST",
                                             headers={"Content-Type": "application/n-triples; charset=utf-8"})
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    response.read()
                return
            except Exception as e:  # noqa: BLE001 - classified below
                error = http_error(e, f"上传 {len(lines)} 条三元组", f"posting {len(lines)} triples")
                if not retryable(e, error.message_en) or attempt == self.retries:
                    break
                time.sleep(min(0.5 * 2 ** attempt, 4))
        raise LoadError(graph_iri, error.message_zh, error.message_en, chunk=label)


__all__ = ["RemoteStore", "RemoteStoreError", "LoadError", "ResultTruncatedError", "BindingError", "check_iri",
           "STAGING_PREFIX", "BACKUP_PREFIX"]
