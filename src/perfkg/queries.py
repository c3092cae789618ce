"""The analysts' query library: .rq files with a header (titles, description, parameters, columns), run on any backend.

Header format (comment lines at the top of each file)::

    # title@zh: 项目清单
    # title@en: Projects
    # description: One row per budget project …
    # param: floor decimal 85 满意度下限 / satisfaction floor
    # columns: code, name, budget

Parameters are bound as RDF terms (rdflib initBindings, Oxigraph substitutions, a VALUES block for
remote endpoints), never pasted into query text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from perfkg.errors import PerfkgError
from perfkg.resources import resource_dir

_HEADER = re.compile(r"^#\s*(?P<key>[\w@-]+)\s*:\s*(?P<value>.*)$")
PARAM_TYPES = ("string", "zh", "integer", "decimal", "iri", "boolean")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    description: str

    def term(self, value: str | None) -> Node:
        """The RDF term for a user-supplied (or default) value; raises PerfkgError when it does not fit."""
        value = self.default if value is None else value
        if value is None:
            raise PerfkgError(f"缺少参数 {self.name}", f"missing parameter {self.name}")
        try:
            if self.type == "integer":
                return Literal(int(value), datatype=XSD.integer)
            if self.type == "decimal":
                return Literal(Decimal(value), datatype=XSD.decimal)
            if self.type == "boolean":
                if value.lower() not in ("true", "false"):
                    raise ValueError(value)
                return Literal(value.lower() == "true")
            if self.type == "iri":
                if not re.fullmatch(r"[A-Za-z][\w+.-]*:[^\s<>\"{}|\\^`]*", value):
                    raise ValueError(value)
                return URIRef(value)
            if self.type == "zh":
                return Literal(value, lang="zh")
            return Literal(value)
        except (ValueError, InvalidOperation):
            raise PerfkgError(f"参数 {self.name} 的值“{value}”不是 {self.type}",
                              f"parameter {self.name}: {value!r} is not a valid {self.type}") from None


@dataclass(frozen=True)
class QueryInfo:
    name: str
    title_zh: str
    title_en: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    text: str
    path: Path = field(compare=False)

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE, from the SPARQL parser (perfkg.store.sparql_text)."""
        from perfkg.store.sparql_text import analyse

        return analyse(self.text).form

    def bindings(self, values: dict[str, str] | None = None) -> dict[str, Node]:
        values = dict(values or {})
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise PerfkgError(f"查询 {self.name} 没有参数 {', '.join(sorted(unknown))}",
                              f"query {self.name} has no parameter {', '.join(sorted(unknown))}")
        return {p.name: p.term(values.get(p.name)) for p in self.parameters}

    def as_json(self) -> dict:
        return {"name": self.name, "title": {"zh": self.title_zh, "en": self.title_en},
                "description": self.description, "form": self.form, "columns": list(self.columns),
                "parameters": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                               for p in self.parameters],
                "text": self.text}


def parse_query_file(path: Path) -> QueryInfo:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if m:
            meta.setdefault(m.group("key").lower(), []).append(m.group("value").strip())
        elif meta and line.strip("# ").strip():  # continuation of the previous key
            last = list(meta)[-1]
            meta[last][-1] += " " + line.strip("# ").strip()
    params = []
    for spec in meta.get("param", []):
        parts = spec.split(None, 3)
        if len(parts) < 3 or parts[1] not in PARAM_TYPES:
            raise PerfkgError(f"{path.name}: 参数声明无效“{spec}”", f"{path.name}: invalid parameter declaration {spec!r}")
        default = None if parts[2] == "-" else parts[2]
        params.append(Parameter(parts[0].lstrip("?$"), parts[1], default, parts[3] if len(parts) > 3 else ""))
    columns = tuple(c.strip() for c in ",".join(meta.get("columns", [])).split(",") if c.strip())
    return QueryInfo(
        name=path.stem, title_zh=" ".join(meta.get("title@zh", [path.stem])),
        title_en=" ".join(meta.get("title@en", [path.stem])), description=" ".join(meta.get("description", [])),
        parameters=tuple(params), columns=columns, text=text, path=path)


@cache
def _library() -> dict[str, QueryInfo]:
    return {p.stem: parse_query_file(p) for p in sorted(resource_dir("queries").glob("*.rq"))}


def list_queries() -> list[QueryInfo]:
    return list(_library().values())


def get_query(name_or_file: str) -> QueryInfo:
    """A library query by name, or any .rq file by path."""
    library = _library()
    if name_or_file in library:
        return library[name_or_file]
    p = Path(name_or_file)
    if p.suffix == ".rq" and p.is_file():
        return parse_query_file(p)
    raise PerfkgError(
        f"没有名为“{name_or_file}”的查询，也没有这个 .rq 文件；可用：{', '.join(library)}",
        f"no query named {name_or_file!r} and no such .rq file; available: {', '.join(library)}")


def run_rdflib(query: QueryInfo, graph, params: dict[str, str] | None = None):
    """Run on an rdflib Graph/Dataset: SELECT -> ResultTable, CONSTRUCT/DESCRIBE -> Graph, ASK -> bool."""
    from perfkg.results import answer_from_rdflib

    return answer_from_rdflib(graph.query(query.text, initBindings=query.bindings(params)))
