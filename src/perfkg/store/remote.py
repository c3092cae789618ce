"""A remote SPARQL store (Virtuoso first): queries with safe bindings, truncation detection, staged graph loads."""
from __future__ import annotations

import base64
import json
import math
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.term import Node
from SPARQLWrapper import GET, JSON, POST, TURTLE, SPARQLWrapper

from perfkg.errors import PerfkgError
from perfkg.results import ResultTable

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

STAGING_PREFIX = "urn:perfkg:staging:"
BACKUP_PREFIX = "urn:perfkg:backup:"
SYSTEM_GRAPH_PREFIXES = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                         "http://localuriqaserver/", "http://www.openlinksw.com/schemas/")
LONG_QUERY_CHARS = 2000
HTTP_ROW_LIMIT = 2 ** 20
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_VAR_NAME = re.compile(r"\w+")


class RemoteStoreError(PerfkgError):
    """A request to the remote store failed (HTTP error, timeout, refused credentials)."""


class BindingError(RemoteStoreError, ValueError):
    """A binding that cannot be injected safely (unknown variable, not an RDF term, invalid IRI)."""


class ResultTruncatedError(RemoteStoreError):
    """The server cut the result short (row cap or time cap); ``.result`` holds what did arrive."""

    def __init__(self, message_zh: str, message_en: str, result=None):
        super().__init__(message_zh, message_en)
        self.result = result


class LoadError(RemoteStoreError):
    """A graph load failed; the target graph keeps its previous content and no staging graph is left."""

    def __init__(self, graph: str, message_zh: str, message_en: str, *, chunk: str | None = None,
                 expected: int | None = None, actual: int | None = None):
        where_zh = f"载入图 <{graph}> 失败" + (f"（第 {chunk} 块）" if chunk else "")
        where_en = f"loading graph <{graph}> failed" + (f" (chunk {chunk})" if chunk else "")
        counts_zh = f"；应有 {expected} 条三元组，实有 {actual} 条" if expected is not None else ""
        counts_en = f"; expected {expected} triples, found {actual}" if expected is not None else ""
        super().__init__(f"{where_zh}：{message_zh}{counts_zh}；目标图保持原样",
                         f"{where_en}: {message_en}{counts_en}; the target graph keeps its previous content")
        self.graph, self.chunk, self.expected, self.actual = graph, chunk, expected, actual


def check_iri(iri: str, what_zh: str = "IRI", what_en: str = "IRI") -> str:
    """Refuse an IRI that could break out of ``<…>`` (spaces, quotes, angle brackets, braces …)."""
    if not iri or _BAD_IRI_CHARS.search(iri):
        raise BindingError(f"无效的{what_zh}（含空白或 <>\"{{}}|^`\\ 等字符）：{iri!r}",
                           f"invalid {what_en} (contains whitespace or one of <>\"{{}}|^`\\): {iri!r}")
    return iri


# -- query text: a small lexer that skips strings, IRIs and comments ---------------------------------

_TOKENS = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
  | (?P<pname>(?:[A-Za-z_][\w.\-]*)?:[\w.:%\-]*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<space>\s+)
  | (?P<other>.)
''', re.S | re.X)

_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


def _tokens(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(kind, text, start, depth) for every token; depth counts enclosing braces."""
    depth = 0
    for m in _TOKENS.finditer(text):
        kind = m.lastgroup
        if kind == "close":
            depth -= 1
        yield kind, m.group(), m.start(), depth
        if kind == "open":
            depth += 1


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the first such keyword outside braces, strings and IRIs."""
    for kind, tok, _, depth in _tokens(text):
        if kind == "word" and depth == 0 and tok.upper() in _FORMS:
            return tok.upper()
    return None


def where_brace(text: str) -> int | None:
    """Offset just after the opening brace of the outermost WHERE group (None: no such group)."""
    form, previous = None, None
    for kind, tok, start, depth in _tokens(text):
        if kind in ("space", "comment"):
            continue
        if depth == 0 and kind == "word" and tok.upper() in _FORMS and form is None:
            form = tok.upper()
        if depth == 0 and kind == "open":
            after_where = previous is not None and previous.upper() == "WHERE"
            if after_where or form in ("SELECT", "ASK", "DESCRIBE"):
                return start + 1
        previous = tok
    return None


def split_prologue(text: str) -> tuple[str, str]:
    """(prologue incl. PREFIX/BASE/DEFINE, the query from its form keyword on)."""
    for kind, tok, start, depth in _tokens(text):
        if kind == "word" and depth == 0 and tok.upper() in _FORMS:
            return text[:start], text[start:]
    return "", text


def _explicit_limit(text: str) -> int | None:
    """The outermost LIMIT of a query, if it has one."""
    limit, expect = None, False
    for kind, tok, _, depth in _tokens(text):
        if kind in ("space", "comment") or depth != 0:
            continue
        if expect:
            limit = int(tok) if tok.isdigit() else None
            expect = False
        elif kind == "word" and tok.upper() == "LIMIT":
            expect = True
    return limit


# -- bindings as a VALUES block ------------------------------------------------------------------------


def _variables_in(text: str) -> set[str]:
    """Variable names the query mentions, from rdflib's SPARQL parser (the lexer if rdflib cannot parse it)."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except Exception:  # Virtuoso extensions (DEFINE, bif:) are beyond rdflib's grammar
        return {tok[1:] for kind, tok, _, _ in _tokens(text) if kind == "var"}
    found: set[str] = set()
    _collect_vars(tree, found)
    return found


def _collect_vars(node, found: set[str]) -> None:
    if isinstance(node, Variable):
        found.add(str(node))
    elif isinstance(node, dict):
        for value in node.values():
            _collect_vars(value, found)
    elif isinstance(node, (list, tuple)) or hasattr(node, "asList"):
        for value in node:
            _collect_vars(value, found)


def term_sparql(term: Node | None) -> str:
    """One VALUES cell: ``term.n3()`` after checking the IRIs that n3() would paste unchecked."""
    if term is None:
        return "UNDEF"
    if isinstance(term, URIRef):
        return "<" + check_iri(str(term)) + ">"
    if isinstance(term, Literal):
        if term.datatype is not None:
            check_iri(str(term.datatype), "数据类型 IRI", "datatype IRI")
        return term.n3()
    if isinstance(term, BNode):
        raise BindingError("空白节点不能作为绑定值", "a blank node cannot be bound (SPARQL VALUES has none)")
    raise BindingError(f"绑定值必须是 rdflib 的 URIRef 或 Literal，而不是 {type(term).__name__}",
                       f"a bound value must be an rdflib URIRef or Literal, not {type(term).__name__}")


def inject_bindings(text: str, bindings: dict[str, Node | None]) -> str:
    """The query with ``VALUES (?a ?b) { (…) }`` right after the outermost WHERE brace (else at the end)."""
    if not bindings:
        return text
    names = [name.lstrip("?$") for name in bindings]
    for name in names:
        if not _VAR_NAME.fullmatch(name):
            raise BindingError(f"无效的变量名：{name!r}", f"invalid variable name: {name!r}")
    missing = sorted(set(names) - _variables_in(text))
    if missing:
        raise BindingError(f"查询中没有这些变量：{', '.join('?' + m for m in missing)}",
                           f"the query has no variable(s) {', '.join('?' + m for m in missing)}")
    cells = " ".join(term_sparql(value) for value in bindings.values())
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({cells}) }} "
    at = where_brace(text)
    return text + "\n" + block if at is None else text[:at] + block + text[at:]


# -- JSON results to rdflib terms ----------------------------------------------------------------------


def json_term(cell: dict | None) -> Node | None:
    """One SPARQL JSON result cell (incl. Virtuoso's "typed-literal" and nodeID:// blank nodes) as an rdflib term."""
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value.removeprefix("nodeID://"))
    lang = cell.get("xml:lang")
    if lang:
        return Literal(value, lang=lang)
    datatype = cell.get("datatype")
    if datatype == str(XSD.boolean) and value in ("0", "1"):
        value = "true" if value == "1" else "false"  # same value, canonical form (as CONSTRUCT gives it)
    return Literal(value, datatype=URIRef(datatype) if datatype else None)


def _rdf_format(content_type: str) -> str:
    for marker, fmt in (("turtle", "turtle"), ("rdf+xml", "xml"), ("ld+json", "json-ld"), ("n3", "n3")):
        if marker in content_type:
            return fmt
    return "nt"


def table_from_json(data: dict) -> ResultTable:
    names = list(data["head"].get("vars", []))
    rows = [tuple(json_term(b.get(n)) for n in names) for b in data["results"]["bindings"]]
    return ResultTable(names, rows)


# -- N-Triples chunks that keep blank nodes together ---------------------------------------------------


def _normalise_line(line: str) -> str | None:
    """A statement line with single spaces between terms (None for blank lines and comments)."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    parts = line.split(None, 2)
    if len(parts) == 3 and parts[2].endswith("."):
        return f"{parts[0]} {parts[1]} {parts[2][:-1].rstrip()} .\n"
    return line + "\n"  # malformed: let the server say so


def _bnodes(line: str) -> list[str]:
    subject, _, rest = line.partition(" ")
    obj = rest.partition(" ")[2]
    return [t for t in (subject, obj.rsplit(" ", 1)[0]) if t.startswith("_:")]


def ntriples_lines(data: Graph | str | Path) -> list[str]:
    """Distinct N-Triples statements of a graph or of an N-Triples file."""
    if isinstance(data, Graph):
        text = data.serialize(format="nt", encoding="utf-8").decode("utf-8")
        lines: Iterable[str] = text.splitlines()
    else:
        lines = Path(data).read_text(encoding="utf-8").splitlines()
    return list(dict.fromkeys(n for n in map(_normalise_line, lines) if n is not None))


def group_units(lines: list[str]) -> list[list[str]]:
    """Statements grouped so that all statements sharing a blank node (transitively) form one unit."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    plain, with_bnodes = [], []
    for line in lines:
        labels = _bnodes(line)
        if not labels:
            plain.append([line])
            continue
        with_bnodes.append((line, labels[0]))
        for other in labels[1:]:
            parent[find(other)] = find(labels[0])
    components: dict[str, list[str]] = {}
    for line, label in with_bnodes:
        components.setdefault(find(label), []).append(line)
    return list(components.values()) + plain


def pack_chunks(units: list[list[str]], size: int) -> list[list[str]]:
    chunks, current = [], []
    for unit in units:
        if current and len(current) + len(unit) > size:
            chunks.append(current)
            current = []
        current.extend(unit)
    if current:
        chunks.append(current)
    return chunks


# -- HTTP -----------------------------------------------------------------------------------------------


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper executing through this store's own opener.

    SPARQLWrapper's own Digest support installs a process-wide urllib opener (``install_opener``); we keep
    the credentials in a private opener instead and never hand them to SPARQLWrapper.
    """

    def __init__(self, endpoint: str, opener: urllib.request.OpenerDirector, update_endpoint: str | None = None):
        super().__init__(endpoint, updateEndpoint=update_endpoint, agent="perfkg")
        self._opener = opener

    def _query(self):
        request = self._createRequest()
        return self._opener.open(request, timeout=self.timeout), self.returnFormat


class _PreemptiveBasicAuth(urllib.request.BaseHandler):
    """Send HTTP Basic credentials with every request to our URLs (urllib's handler waits for a challenge
    and fails outright when the challenge is Digest)."""

    def __init__(self, urls: list[str], user: str, password: str):
        self.urls = urls
        self.header = "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")

    def http_request(self, request):
        if request.full_url.startswith(tuple(self.urls)):
            request.add_unredirected_header("Authorization", self.header)
        return request

    https_request = http_request


def _opener(urls: list[str], user: str | None, password: str | None, auth: str | None) -> urllib.request.OpenerDirector:
    handlers = []
    if user and password and auth:
        if auth == "digest":
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in urls:
                manager.add_password(None, url, user, password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        elif auth == "basic":
            handlers.append(_PreemptiveBasicAuth(urls, user, password))
        else:
            raise RemoteStoreError(f"auth 只能是 'digest'、'basic' 或 None，而不是 {auth!r}",
                                   f"auth must be 'digest', 'basic' or None, not {auth!r}")
    return urllib.request.build_opener(*handlers)


def _http_error(e: Exception, what_zh: str, what_en: str) -> RemoteStoreError:
    if isinstance(e, urllib.error.HTTPError):
        body = ""
        try:
            body = e.read().decode("utf-8", "replace").strip()[:600]
        except Exception:
            pass
        if e.code in (401, 403):
            return RemoteStoreError(f"{what_zh}被拒绝（HTTP {e.code}：用户名/密码错误或没有写权限）：{body}",
                                    f"{what_en} was refused (HTTP {e.code}: wrong credentials or no write "
                                    f"permission): {body}")
        return RemoteStoreError(f"{what_zh}失败（HTTP {e.code}）：{body}", f"{what_en} failed (HTTP {e.code}): {body}")
    if isinstance(e, (TimeoutError, socket.timeout)) or "timed out" in str(e):
        return RemoteStoreError(f"{what_zh}超时", f"{what_en} timed out")
    return RemoteStoreError(f"{what_zh}失败：{e}", f"{what_en} failed: {e}")


def _retryable(e: Exception, message: str = "") -> bool:
    """Timeouts, refused connections and 5xx are worth a retry; bad data (a parser error) and 4xx are not."""
    if isinstance(e, urllib.error.HTTPError):
        return e.code >= 500 and e.code != 501 and "SP029" not in message and "loader" not in message
    return isinstance(e, (urllib.error.URLError, OSError, TimeoutError))


class RemoteStore:
    """A SPARQL 1.1 endpoint (+ update endpoint + Graph Store Protocol) holding one named graph per document."""

    def __init__(self, endpoint_url: str, *, graph_store_url: str | None = None, update_url: str | None = None,
                 user: str | None = None, password: str | None = None, auth: str | None = "digest",
                 timeout: float = 60, chunk_triples: int = 50_000, retries: int = 2, swap_timeout: float = 300,
                 always_post: bool = False, max_rows: int | None | str = "auto"):
        base = endpoint_url.rstrip("/")
        self.endpoint = base
        self.update_url = update_url or (base + "-auth" if base.endswith("/sparql") else base)
        self.graph_store_url = graph_store_url or (base + "-graph-crud-auth" if base.endswith("/sparql") else None)
        self.user, self.timeout, self.chunk_triples = user, timeout, max(1, int(chunk_triples))
        self.retries, self.swap_timeout, self.always_post = max(0, int(retries)), swap_timeout, always_post
        self._max_rows = max_rows
        urls = [u for u in (self.endpoint, self.update_url, self.graph_store_url) if u]
        self._opener = _opener(urls, user, password, auth if user else None)

    # -- queries ---------------------------------------------------------------------------------------

    def query(self, sparql: str, bindings: dict[str, Node | None] | None = None, *, allow_truncated: bool = False,
              timeout: float | None = None, server_timeout_ms: int | None = None):
        """Run a query: SELECT -> ResultTable, ASK -> bool, CONSTRUCT/DESCRIBE -> rdflib Graph.

        ``bindings`` are RDF terms put into a VALUES block, never pasted as text. A result the server cut short
        raises ResultTruncatedError unless ``allow_truncated`` (then ``.truncated`` is set on the result).
        ``server_timeout_ms`` asks Virtuoso to stop after that long (it then returns partial results: truncated).
        """
        text = inject_bindings(sparql, bindings or {})
        form = query_form(text)
        if form is None:
            raise RemoteStoreError("这不是 SELECT/ASK/CONSTRUCT/DESCRIBE 查询；更新请用 update()",
                                   "not a SELECT/ASK/CONSTRUCT/DESCRIBE query; use update() for updates")
        response, body = self._send_query(text, form, timeout, server_timeout_ms)
        headers = response.headers
        if form in ("SELECT", "ASK"):
            data = json.loads(body.decode("utf-8"))
            if form == "ASK" or "boolean" in data:
                return bool(data.get("boolean"))
            result = table_from_json(data)
            result.truncated = self._select_truncated(text, result, headers, timeout)
            count = len(result)
        else:
            result = Graph()
            result.parse(data=body.decode("utf-8"), format=_rdf_format(headers.get("Content-Type", "")))
            result.truncated = self._partial(headers) or self._graph_truncated(result)
            count = len(result)
        if result.truncated and not allow_truncated:
            raise ResultTruncatedError(
                f"服务器截断了结果（收到 {count} 行/条；上限 ResultSetMaxRows 或执行时限）；请加 LIMIT/OFFSET 分页或提高上限",
                f"the server cut the result short ({count} rows/triples arrived; ResultSetMaxRows or the time "
                f"limit); page with LIMIT/OFFSET or raise the limit", result)
        return result

    def _send_query(self, text: str, form: str, timeout: float | None, server_timeout_ms: int | None):
        wrapper = _Wrapper(self.endpoint, self._opener)
        wrapper.setQuery(text)
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
            raise _http_error(e, "查询", "the query") from None

    @staticmethod
    def _partial(headers) -> bool:
        return (headers.get("X-SQL-State") or "").strip() == "S1TAT"

    def _select_truncated(self, text: str, table: ResultTable, headers, timeout) -> bool:
        if self._partial(headers):
            return True
        cap = (headers.get("X-SPARQL-MaxRows") or "").strip()
        if cap.isdigit():
            cap = self._max_rows = int(cap)
        elif len(table) == HTTP_ROW_LIMIT:
            cap = HTTP_ROW_LIMIT
        else:
            return False
        if len(table) < cap:
            return False
        limit = _explicit_limit(text)
        if limit is not None and limit <= cap:
            return False
        total = self._count_solutions(text, timeout)
        return total is None or total > len(table)

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

    def _graph_truncated(self, graph: Graph) -> bool:
        cap = self.max_rows()
        return cap is not None and len(graph) > cap

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
        wrapper = _Wrapper(self.endpoint, self._opener, update_endpoint=self.update_url)
        wrapper.setQuery(sparql_update)
        wrapper.setMethod(POST)
        wrapper.setTimeout(math.ceil(timeout or self.timeout))
        wrapper.setReturnFormat(JSON)
        try:
            wrapper.query().response.read()
        except Exception as e:
            raise _http_error(e, "更新", "the update") from None

    def drop_graph(self, graph_iri: str) -> None:
        self.update(f"DROP SILENT GRAPH <{check_iri(graph_iri)}>")

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

    def load_graph(self, graph_iri: str, data: Graph | str | Path) -> int:
        """Replace a named graph with ``data`` (rdflib Graph or N-Triples file); returns its triple count.

        Chunks go to a staging graph by the Graph Store Protocol; the staging count is verified; then the
        staging graph is copied over the target (old content kept as a backup until the new count is verified).
        On any failure the staging graph is dropped and LoadError is raised; the target keeps its old content.
        """
        check_iri(graph_iri, "图 IRI", "graph IRI")
        if not self.graph_store_url:
            raise RemoteStoreError("没有配置 Graph Store 地址（graph_store_url）",
                                   "no Graph Store Protocol URL (graph_store_url) is configured")
        lines = ntriples_lines(data)
        chunks = pack_chunks(group_units(lines), self.chunk_triples)
        expected = len(lines)
        staging = STAGING_PREFIX + uuid.uuid4().hex
        try:
            for number, chunk in enumerate(chunks, 1):
                self._post_chunk(graph_iri, staging, chunk, f"{number}/{len(chunks)}")
            staged = self._settled_count(staging, expected)
            if staged != expected:
                raise LoadError(graph_iri, "暂存图的三元组数不符", "the staging graph has the wrong triple count",
                                expected=expected, actual=staged)
            self._swap(graph_iri, staging, expected)
        except LoadError:
            self._drop_quietly(staging)
            raise
        except (RemoteStoreError, OSError) as e:
            self._drop_quietly(staging)
            zh, en = (e.message_zh, e.message_en) if isinstance(e, PerfkgError) else (str(e), str(e))
            raise LoadError(graph_iri, zh, en) from e
        self._drop_quietly(staging)
        return expected

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
                error = _http_error(e, f"上传 {len(lines)} 条三元组", f"posting {len(lines)} triples")
                if not _retryable(e, error.message_en) or attempt == self.retries:
                    break
                time.sleep(min(0.5 * 2 ** attempt, 4))
        raise LoadError(graph_iri, error.message_zh, error.message_en, chunk=label)

    def _swap(self, graph_iri: str, staging: str, expected: int) -> None:
        """Copy staging over the target, keeping a backup of the old content until the new count is verified."""
        old = self.triple_count(graph_iri)
        backup = self._backup(graph_iri, old) if old else None
        actual, cause = None, None
        try:
            for _ in range(self.retries + 1):
                try:
                    self.update(f"COPY <{staging}> TO <{graph_iri}>", timeout=self.swap_timeout)
                except RemoteStoreError as e:
                    cause = e  # the server may still be copying: the count decides
                actual = self._settled_count(graph_iri, expected)
                if actual == expected:
                    if backup:
                        self._drop_quietly(backup)
                    return
        except RemoteStoreError as e:  # even counting failed: the target's state is unknown
            cause = e
        if not self._restore(graph_iri, backup, old):
            raise LoadError(graph_iri, f"替换失败，恢复原内容也失败了；原内容备份在 <{backup}>",
                            f"the swap failed and so did restoring the old content; it is kept in <{backup}>",
                            expected=expected, actual=actual) from cause
        if backup:
            self._drop_quietly(backup)
        raise LoadError(graph_iri, "替换后的三元组数不符，已恢复原内容",
                        "the triple count after the swap was wrong; the old content was restored",
                        expected=expected, actual=actual) from cause

    def _backup(self, graph_iri: str, old: int) -> str:
        """COPY the target to a backup graph and verify it; the target itself is not touched."""
        backup = BACKUP_PREFIX + uuid.uuid4().hex
        try:
            self.update(f"COPY <{graph_iri}> TO <{backup}>", timeout=self.swap_timeout)
            saved = self._settled_count(backup, old)
        except RemoteStoreError:
            self._drop_quietly(backup)
            raise
        if saved != old:
            self._drop_quietly(backup)
            raise LoadError(graph_iri, "备份原图失败（尚未改动目标图）",
                            "backing up the old graph failed (the target was not touched)", expected=old, actual=saved)
        return backup

    def _restore(self, graph_iri: str, backup: str | None, old: int) -> bool:
        """Put the old content back (or drop a graph that did not exist); True when verified."""
        try:
            if backup is None:
                self.drop_graph(graph_iri)
                return self.triple_count(graph_iri) == 0
            self.update(f"COPY <{backup}> TO <{graph_iri}>", timeout=self.swap_timeout)
            return self._settled_count(graph_iri, old) == old
        except RemoteStoreError:
            return False

    def _settled_count(self, graph: str, expected: int, *, polls: int = 20, pause: float = 0.5) -> int:
        """The graph's count once it equals ``expected`` or stops changing (bounded polling).

        A request the client gave up on may still be running in the server; this waits for it to finish.
        """
        previous = None
        for _ in range(polls):
            count = self.triple_count(graph)
            if count == expected or count == previous:
                return count
            previous = count
            time.sleep(pause)
        return previous

    def _drop_quietly(self, graph: str) -> None:
        try:
            self.drop_graph(graph)
        except RemoteStoreError:
            pass


__all__ = ["RemoteStore", "RemoteStoreError", "LoadError", "ResultTruncatedError", "BindingError",
           "inject_bindings", "check_iri", "STAGING_PREFIX", "BACKUP_PREFIX"]
