"""Whether a remote server cut a result short: its headers (row cap, time cap, perfkg serve's flag) and the counts."""
from __future__ import annotations

from typing import Callable, Mapping

HTTP_ROW_LIMIT = 2 ** 20  # Virtuoso cuts every HTTP result there, whatever its ini says (see perfkg.store.remote)


def partial(headers: Mapping[str, str]) -> bool:
    """The server stopped the query early and sent what it had: Virtuoso's anytime answer (X-SQL-State: S1TAT)
    or perfkg serve's row cap (X-PerfKG-Truncated: true)."""
    return ((headers.get("X-SQL-State") or "").strip() == "S1TAT"
            or (headers.get("X-PerfKG-Truncated") or "").strip().lower() == "true")


def announced_cap(headers: Mapping[str, str]) -> int | None:
    """The row cap Virtuoso announces (X-SPARQL-MaxRows) when a result reaches it."""
    cap = (headers.get("X-SPARQL-MaxRows") or "").strip()
    return int(cap) if cap.isdigit() else None


def select_truncated(headers: Mapping[str, str], rows: int, outer_limit: int | None,
                     count_all: Callable[[], int | None]) -> bool:
    """Whether a SELECT answer of `rows` rows is incomplete.

    A result that reaches the cap may be complete (exactly <cap> rows): unless the query's own LIMIT explains
    it, count_all() asks the server for the full size (None when that fails too: then assume truncated).
    """
    if partial(headers):
        return True
    cap = announced_cap(headers)
    if cap is None and rows == HTTP_ROW_LIMIT:
        cap = HTTP_ROW_LIMIT
    if cap is None or rows < cap:
        return False
    if outer_limit is not None and outer_limit <= cap:
        return False
    total = count_all()
    return total is None or total > rows


def graph_truncated(headers: Mapping[str, str], triples: int, cap: int | None) -> bool:
    """CONSTRUCT/DESCRIBE: Virtuoso sends <cap>+1 triples and no header, so more than <cap> means cut."""
    return partial(headers) or (cap is not None and triples > cap)
