"""Virtuoso's own bulk loader for many documents: N-Triples files in a directory the server may read, ld_add +
rdf_loader_run into staging graphs, load_list errors per file, then one verified SQL transaction per document."""
from __future__ import annotations

import itertools
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol

from rdflib import Graph

from perfkg.store.errors import LoadError, RemoteStoreError
from perfkg.store.graph_loads import STAGING_PREFIX, ntriples_lines
from perfkg.store.sparql_text import check_iri
from perfkg.store.virtuoso_isql import VirtuosoError, sql_string

# What Virtuoso 7.2.5 (07.20.3229) does, from its loader source (DB.DBA.ld_add / ld_file / rdf_loader_run) and
# checked by tests/test_virtuoso_bulk.py:
# * ld_add(file, graph) inserts a row into DB.DBA.LOAD_LIST unless that file name is already there (so every
#   batch gets a directory of its own: a name is never reused). rdf_loader_run() loads every row in state 0 —
#   also rows another client added — committing as it goes (log_enable 2: no transaction log, autocommit), so a
#   checkpoint makes the result durable.
# * A file that fails is not retried: ld_file's handler sets LL_STATE = 2 and LL_ERROR = '<SQLSTATE> <message>',
#   e.g. "37000 [Vectorized Turtle loader] SP029: TURTLE RDF loader, line 3: syntax error", and the triples read
#   before the error STAY in the graph. So files only ever load into staging graphs, which are dropped on error.
# * The file must be readable by the server: under a directory of the ini's DirsAllowed, else FA003 "Access to …
#   is denied due to access control in ini file". available() proves it by reading a probe file back through
#   file_to_string (same machine or a shared directory, possibly under another path: server_load_dir).
# * Unlike the SPARQL COPY/MOVE/DROP of the Graph Store path (which commit in batches), plain SQL on
#   DB.DBA.RDF_QUAD inside one stored procedure call is one transaction under log_enable(1): the swap below
#   deletes the old graph, copies the staging rows to the target, checks both counts and commits, or rolls
#   everything back — readers never see a half-replaced document.

MARKER_LOADED = "perfkg-ld"
MARKER_SWAP = "perfkg-swap"
SWAP_PROCEDURE = f"""\
create procedure DB.DBA.PERFKG_SWAP_GRAPH (in staging varchar, in target varchar, in expected integer)
{{
  declare sg, tg any;
  declare n integer;
  declare exit handler for sqlstate '*' {{
    rollback work;
    return sprintf ('{MARKER_SWAP}|%s|failed|%s %s', target, __SQL_STATE, replace (__SQL_MESSAGE, chr (10), ' '));
  }};
  log_enable (1, 1);
  sg := iri_to_id (staging);
  tg := iri_to_id (target);
  n := (select count (*) from DB.DBA.RDF_QUAD where G = sg);
  if (n <> expected)
    signal ('PKG01', sprintf ('the staging graph holds %d triples, expected %d', n, expected));
  delete from DB.DBA.RDF_QUAD where G = tg;
  insert soft DB.DBA.RDF_QUAD (G, S, P, O) select tg, S, P, O from DB.DBA.RDF_QUAD where G = sg;
  n := (select count (*) from DB.DBA.RDF_QUAD where G = tg);
  if (n <> expected)
    signal ('PKG02', sprintf ('the target holds %d triples after the swap, expected %d', n, expected));
  delete from DB.DBA.RDF_QUAD where G = sg;
  commit work;
  return sprintf ('{MARKER_SWAP}|%s|ok|%d', target, n);
}}
;
"""


class SqlRunner(Protocol):
    """What the bulk loader needs: SQL as a user allowed to bulk-load (dba), e.g. perfkg.store.virtuoso_isql.IsqlClient."""

    def run(self, script: str, *, timeout: float = 60.0, check: bool = True) -> str: ...

    def marked_rows(self, script: str, marker: str, *, timeout: float = 60.0) -> list[list[str]]: ...


@dataclass
class BulkOutcome:
    """One document of a bulk load: its triple count when it is in place, or why its target was left untouched."""

    graph_iri: str
    triples: int | None = None
    error: LoadError | None = None


@dataclass
class _Staged:
    graph_iri: str
    staging: str
    file: Path
    expected: int


class VirtuosoBulkLoader:
    """Loads documents (graph IRI + rdflib Graph or N-Triples file) through Virtuoso's bulk loader.

    ``load_dir`` is where this process writes the files; ``server_load_dir`` is the same directory as the server
    sees it (default: the same path). Documents go in batches of ``batch_documents`` (files, staging graphs and
    memory bounded by the batch); each one ends complete in its target graph or not at all (BulkOutcome.error).
    """

    def __init__(self, sql: SqlRunner, load_dir: str | Path, *, server_load_dir: str | Path | None = None,
                 batch_documents: int = 500, timeout: float = 3600, checkpoint: bool = True):
        self.sql = sql
        self.load_dir = Path(load_dir)
        self.server_load_dir = str(server_load_dir or self.load_dir.resolve())
        self.batch_documents = max(1, int(batch_documents))
        self.timeout, self.checkpoint = timeout, checkpoint
        self._available: bool | None = None
        self.unavailable_reason: str | None = None

    # -- can the server read our files? ----------------------------------------------------------------------

    def available(self) -> bool:
        """Whether the server reads what we write to load_dir (probed once; the reason is kept when not)."""
        if self._available is None:
            self._available = self._probe()
            if self._available:
                self.sql.run(SWAP_PROCEDURE, timeout=60)
        return self._available

    def _probe(self) -> bool:
        token = uuid.uuid4().hex
        name = f"perfkg-probe-{token}.txt"
        try:
            self.load_dir.mkdir(parents=True, exist_ok=True)
            (self.load_dir / name).write_text(token, encoding="utf-8")
        except OSError as e:
            self.unavailable_reason = f"cannot write {self.load_dir}: {e}"
            return False
        try:
            rows = self.sql.marked_rows(
                f"select 'perfkg-probe|' || file_to_string ({sql_string(self.server_load_dir + '/' + name)});\n",
                "perfkg-probe")
            if rows and rows[0][0].strip() == token:
                return True
            self.unavailable_reason = f"the server read something else at {self.server_load_dir}/{name}"
        except VirtuosoError as e:
            errors = [line for line in e.message_en.splitlines() if "*** Error" in line]
            self.unavailable_reason = errors[0].strip() if errors else e.message_en[-300:]
        finally:
            (self.load_dir / name).unlink(missing_ok=True)
        return False

    # -- loading ----------------------------------------------------------------------------------------------

    def load(self, documents: Iterable[tuple[str, Graph | str | Path]]) -> list[BulkOutcome]:
        """Replace each document's graph; one bad document never stops the others. Raises RemoteStoreError
        (nothing changed in the batch being loaded) only when the server cannot bulk-load at all."""
        if not self.available():
            raise RemoteStoreError(f"服务器读不到 {self.load_dir}（{self.unavailable_reason}）；请改用 Graph Store 分块载入",
                                   f"the server cannot read {self.load_dir} ({self.unavailable_reason}); "
                                   "use the chunked Graph Store load")
        outcomes: list[BulkOutcome] = []
        iterator = iter(documents)
        while batch := list(itertools.islice(iterator, self.batch_documents)):
            outcomes += self._load_batch(batch)
        return outcomes

    def _load_batch(self, batch: list[tuple[str, Graph | str | Path]]) -> list[BulkOutcome]:
        name = f"perfkg-bulk-{uuid.uuid4().hex}"
        local, remote = self.load_dir / name, f"{self.server_load_dir}/{name}"
        local.mkdir(parents=True)
        outcomes: dict[int, BulkOutcome] = {}
        staged: dict[int, _Staged] = {}
        try:
            for number, (graph_iri, data) in enumerate(batch):
                try:
                    check_iri(graph_iri, "图 IRI", "graph IRI")
                    lines = ntriples_lines(data)
                except Exception as e:  # noqa: BLE001 - an unreadable document fails alone
                    zh, en = getattr(e, "message_zh", str(e)), getattr(e, "message_en", str(e))
                    outcomes[number] = BulkOutcome(graph_iri, error=LoadError(graph_iri, zh, en))
                    continue
                path = local / f"{number:06d}.nt"
                path.write_text("".join(lines), encoding="utf-8")
                staged[number] = _Staged(graph_iri, STAGING_PREFIX + uuid.uuid4().hex, path, len(lines))
            loaded = self._run_loader(remote, staged)
            swaps = [(n, s) for n, s in staged.items() if n not in loaded]
            for number, error in loaded.items():
                item = staged[number]
                outcomes[number] = BulkOutcome(item.graph_iri, error=LoadError(
                    item.graph_iri, f"Virtuoso 批量载入器拒绝了 {item.file.name}：{error}",
                    f"Virtuoso's bulk loader refused {item.file.name}: {error}"))
            outcomes.update(self._swap(swaps))
        finally:
            self._clean(remote, [s.staging for s in staged.values()])
            shutil.rmtree(local, ignore_errors=True)
        return [outcomes[n] for n in sorted(outcomes)]

    def _run_loader(self, remote: str, staged: dict[int, _Staged]) -> dict[int, str]:
        """ld_add + rdf_loader_run; returns the load_list error of each file that did not load."""
        if not staged:
            return {}
        adds = "".join(f"ld_add ({sql_string(f'{remote}/{s.file.name}')}, {sql_string(s.staging)});\n"
                       for s in staged.values())
        rows = self.sql.marked_rows(
            adds + "rdf_loader_run ();\n"
            f"select '{MARKER_LOADED}|' || LL_FILE || '|' || cast (LL_STATE as varchar) || '|' || "
            f"coalesce (replace (LL_ERROR, chr (10), ' '), '') from DB.DBA.LOAD_LIST "
            f"where LL_FILE like {sql_string(remote + '/%')};\n", MARKER_LOADED, timeout=self.timeout)
        state = {row[0]: (row[1], "|".join(row[2:])) for row in rows}
        errors = {}
        for number, item in staged.items():
            ll_state, ll_error = state.get(f"{remote}/{item.file.name}", (None, ""))
            if ll_state != "2" or ll_error:
                errors[number] = ll_error or f"load_list state {ll_state} (not loaded)"
        return errors

    def _swap(self, swaps: list[tuple[int, _Staged]]) -> dict[int, BulkOutcome]:
        """One transaction per document (DB.DBA.PERFKG_SWAP_GRAPH); its outcome read back from marked rows."""
        if not swaps:
            return {}
        script = "".join(f"select DB.DBA.PERFKG_SWAP_GRAPH ({sql_string(s.staging)}, {sql_string(s.graph_iri)}, "
                         f"{s.expected});\n" for _, s in swaps)
        if self.checkpoint:
            script += "checkpoint;\n"
        rows = self.sql.marked_rows(script, MARKER_SWAP, timeout=self.timeout)
        out = {}
        for (number, item), row in itertools.zip_longest(swaps, rows[:len(swaps)]):
            if row and row[0] == item.graph_iri and row[1] == "ok" and int(row[2]) == item.expected:
                out[number] = BulkOutcome(item.graph_iri, triples=item.expected)
            else:
                why = "|".join(row[2:]) if row else "no answer from the swap"
                out[number] = BulkOutcome(item.graph_iri, error=LoadError(
                    item.graph_iri, f"替换未完成（已回滚）：{why}", f"the swap did not complete (rolled back): {why}",
                    expected=item.expected))
        return out

    def _clean(self, remote: str, stagings: list[str]) -> None:
        """Drop what is left of the batch's staging graphs and forget its load_list rows."""
        script = "".join(f"delete from DB.DBA.RDF_QUAD where G = iri_to_id ({sql_string(g)}, 0);\n" for g in stagings)
        script += f"delete from DB.DBA.LOAD_LIST where LL_FILE like {sql_string(remote + '/%')};\n"
        try:
            self.sql.run(script, timeout=self.timeout, check=False)
        except VirtuosoError:
            pass  # RemoteStore.cleanup_staging() drops leftovers later
