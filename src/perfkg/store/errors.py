"""The errors every store raises: opening/writing, query syntax, refusal, time limit, bindings, remote requests and loads."""
from __future__ import annotations

from perfkg.errors import PerfkgError


class StoreError(PerfkgError):
    """The store cannot be opened or written."""


class QueryError(PerfkgError):
    """A query failed while it ran (or its worker died)."""


class QuerySyntaxError(QueryError):
    """The query text does not parse."""


class QueryRefused(QueryError):
    """The query is not allowed here (an update, or SERVICE on a read-only endpoint)."""


class QueryTimeout(QueryError):
    """The query ran longer than its time limit and was stopped."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"查询超过 {seconds:g} 秒时限，已被终止（工作进程已结束）",
                         f"the query exceeded its {seconds:g} s time limit and was stopped "
                         "(its worker process was killed)")


class BindingError(QueryError, ValueError):
    """A binding that cannot be injected safely (unknown variable, not an RDF term, invalid IRI)."""


class RemoteStoreError(PerfkgError):
    """A request to the remote store failed (HTTP error, timeout, refused credentials)."""


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
