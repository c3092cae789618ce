"""Graph Store loads for the remote store: N-Triples chunks that keep blank nodes together, and the verified staging → target swap with a backup."""
from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Iterable, Protocol

from rdflib import Graph

from perfkg.store.errors import LoadError, RemoteStoreError

STAGING_PREFIX = "urn:perfkg:staging:"
BACKUP_PREFIX = "urn:perfkg:backup:"


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
        lines: Iterable[str] = text.split("\n")  # not splitlines(): literals may hold VT, FF, U+001C…
    else:
        lines = Path(data).read_text(encoding="utf-8").split("\n")
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



# -- the swap: staging graph -> target, verified, with a backup --------------------------------------------


class GraphAdmin(Protocol):
    """What the swap needs from a server: SPARQL Update, per-graph counts, dropping a graph."""

    def update(self, sparql_update: str, *, timeout: float | None = None) -> None: ...

    def triple_count(self, graph: str | None = None) -> int: ...

    def drop_graph(self, graph_iri: str) -> object: ...


class GraphSwap:
    """Puts a verified staging graph in place of a target so that, after swap() returns or raises, the target
    holds its complete new content or its complete old content (see the notes in perfkg.store.remote).

    Needs no particular server: any GraphAdmin (Virtuoso through RemoteStore, or an in-process engine in tests).
    """

    def __init__(self, admin: GraphAdmin, *, retries: int = 2, swap_timeout: float = 300, polls: int = 20,
                 pause: float = 0.5):
        self.admin, self.retries, self.swap_timeout = admin, max(0, int(retries)), swap_timeout
        self.polls, self.pause = polls, pause

    def swap(self, graph_iri: str, staging: str, expected: int) -> None:
        """Copy staging over the target, keeping a backup of the old content until the new count is verified."""
        old = self.admin.triple_count(graph_iri)
        backup = self._backup(graph_iri, old) if old else None
        actual, cause = None, None
        try:
            for _ in range(self.retries + 1):
                try:
                    self.admin.update(f"COPY <{staging}> TO <{graph_iri}>", timeout=self.swap_timeout)
                except RemoteStoreError as e:
                    cause = e  # the server may still be copying: the count decides
                actual = self.settled_count(graph_iri, expected)
                if actual == expected:
                    if backup:
                        self.drop_quietly(backup)
                    return
        except RemoteStoreError as e:  # even counting failed: the target's state is unknown
            cause = e
        if not self._restore(graph_iri, backup, old):
            raise LoadError(graph_iri, f"替换失败，恢复原内容也失败了；原内容备份在 <{backup}>",
                            f"the swap failed and so did restoring the old content; it is kept in <{backup}>",
                            expected=expected, actual=actual) from cause
        if backup:
            self.drop_quietly(backup)
        raise LoadError(graph_iri, "替换后的三元组数不符，已恢复原内容",
                        "the triple count after the swap was wrong; the old content was restored",
                        expected=expected, actual=actual) from cause

    def _backup(self, graph_iri: str, old: int) -> str:
        """COPY the target to a backup graph and verify it; the target itself is not touched."""
        backup = BACKUP_PREFIX + uuid.uuid4().hex
        try:
            self.admin.update(f"COPY <{graph_iri}> TO <{backup}>", timeout=self.swap_timeout)
            saved = self.settled_count(backup, old)
        except RemoteStoreError:
            self.drop_quietly(backup)
            raise
        if saved != old:
            self.drop_quietly(backup)
            raise LoadError(graph_iri, "备份原图失败（尚未改动目标图）",
                            "backing up the old graph failed (the target was not touched)", expected=old, actual=saved)
        return backup

    def _restore(self, graph_iri: str, backup: str | None, old: int) -> bool:
        """Put the old content back (or drop a graph that did not exist); True when verified."""
        try:
            if backup is None:
                self.admin.drop_graph(graph_iri)
                return self.admin.triple_count(graph_iri) == 0
            self.admin.update(f"COPY <{backup}> TO <{graph_iri}>", timeout=self.swap_timeout)
            return self.settled_count(graph_iri, old) == old
        except RemoteStoreError:
            return False

    def settled_count(self, graph: str, expected: int) -> int:
        """The graph's count once it equals ``expected`` or stops changing (bounded polling).

        A request the client gave up on may still be running in the server; this waits for it to finish.
        """
        previous = None
        for _ in range(self.polls):
            count = self.admin.triple_count(graph)
            if count == expected or count == previous:
                return count
            previous = count
            time.sleep(self.pause)
        return previous

    def drop_quietly(self, graph: str) -> None:
        try:
            self.admin.drop_graph(graph)
        except RemoteStoreError:
            pass

