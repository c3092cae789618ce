"""How the workbench runs SPARQL: through the /sparql endpoint in-process (its workers, limits and errors), and
labels for IRIs. A page's queries stop when its browser goes away, exactly as a /sparql request's do."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node
from starlette.requests import Request

from perfkg.errors import PerfkgError
from perfkg.queries import QueryInfo, parse_query_file
from perfkg.results import ResultTable, table_from_json
from perfkg.store.sparql_text import bind_values

_SPARQL = Path(__file__).with_name("sparql")
LABEL_BATCH = 500


def sparql_text(name: str) -> str:
    """One of the workbench's own queries (browse sections, labels, choices) from workbench/sparql/."""
    return (_SPARQL / f"{name}.rq").read_text(encoding="utf-8")


@cache
def section_query(name: str) -> QueryInfo:
    """A browse section's query with its header (column headings, units), read like a library query."""
    return parse_query_file(_SPARQL / f"{name}.rq")


class QueryFailed(PerfkgError):
    """The endpoint refused or could not answer; carries its HTTP status and bilingual message."""

    def __init__(self, status: int, text: str):
        zh, _, en = text.strip().partition("\n")
        super().__init__(zh, en.strip() or zh)
        self.status = status


class QueryService:
    """Runs queries on the app's SparqlEndpoint (anything with `async handle(request) -> Response`)."""

    def __init__(self, endpoint):
        self.endpoint = endpoint

    async def _call(self, page: Request, sparql: str, fmt: str) -> tuple[bytes, bool]:
        scope = {"type": "http", "method": "GET", "path": "/sparql", "raw_path": b"/sparql", "root_path": "",
                 "query_string": urlencode({"query": sparql, "format": fmt}).encode("ascii"),
                 "headers": [(b"accept", b"*/*")], "http_version": "1.1", "scheme": "http",
                 "server": page.scope.get("server"), "client": page.scope.get("client")}
        # the page's own receive: when its browser disconnects, the endpoint kills this query's worker too
        response = await self.endpoint.handle(Request(scope, page.receive))
        if hasattr(response, "body_iterator"):
            body = b"".join([chunk async for chunk in response.body_iterator])
        else:
            body = response.body
        if response.status_code != 200:
            raise QueryFailed(response.status_code, body.decode("utf-8", "replace"))
        return body, response.headers.get("x-perfkg-truncated") == "true"

    async def answer(self, page: Request, sparql: str, bindings: dict[str, Node] | None, fmt: str) -> tuple[bytes, bool]:
        """The endpoint's own serialisation (json, csv, tsv, xml) and whether it was cut: nothing re-parsed here."""
        return await self._call(page, bind_values(sparql, bindings or {}), fmt)

    async def select(self, page: Request, sparql: str, bindings: dict[str, Node] | None = None) -> ResultTable:
        body, truncated = await self._call(page, bind_values(sparql, bindings or {}), "json")
        table = table_from_json(json.loads(body))
        table.truncated = truncated
        return table

    async def graph(self, page: Request, sparql: str, bindings: dict[str, Node] | None = None) -> Graph:
        body, _ = await self._call(page, bind_values(sparql, bindings or {}), "nt")
        return Graph().parse(data=body.decode("utf-8"), format="nt")

    async def labels(self, page: Request, iris: set[URIRef], lang: str) -> dict[str, str]:
        """IRI -> label in the page language (else zh, else any), for every IRI that has one."""
        found: dict[str, dict[str | None, str]] = {}
        ordered = sorted(str(i) for i in iris)
        for start in range(0, len(ordered), LABEL_BATCH):
            chunk = " ".join(URIRef(i).n3() for i in ordered[start:start + LABEL_BATCH])
            table = await self.select(page, sparql_text("labels").replace("$IRIS", chunk))
            for s, label in table.rows:
                if isinstance(label, Literal):
                    found.setdefault(str(s), {}).setdefault(label.language, str(label))
        return {iri: next((by[k] for k in (lang, "zh", None) if k in by), next(iter(by.values())))
                for iri, by in found.items()}


def iris_in(table: ResultTable) -> set[URIRef]:
    return {t for row in table.rows for t in row if isinstance(t, URIRef)}
