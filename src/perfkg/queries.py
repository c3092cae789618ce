"""The analysts' query library: .rq files with a header (titles, description, parameters, columns), run on any backend.

Header format (comment lines at the top of each file)::

    # title@zh: 项目清单
    # title@en: Projects
    # description: One row per budget project …
    # description@zh: 每个预算项目一行……
    # param: floor decimal 85 满意度下限 / satisfaction floor
    # columns: code, name, budget
    # columns@zh: code=项目编码, name=项目名称, budget=预算数
    # columns@en: code=project code, name=project, budget=budget
    # units: budget=万元
    # values: level1=category, level2=category
    # values: kind: placeholder=占位/placeholder; empty=空白/empty

`columns` are the SPARQL variables (machine formats use them as they are); `columns@zh`/`columns@en` are the
headings people read, `units` the unit of a numeric column (shown in its heading), and `values` how a column's
cells read for people: the local names of a vocabulary's concepts (`category`, `mandate`, `basis`: shown as the
concept's label) or an enumeration of the codes the query emits, each with its zh/en label.

Parameters are bound as RDF terms (rdflib initBindings, Oxigraph substitutions, a VALUES block for
remote endpoints), never pasted into query text.
"""
from __future__ import annotations

import re
import unicodedata
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
VOCABULARIES = {"category": "https://w3id.org/perfkg/category/", "mandate": "https://w3id.org/perfkg/mandate/",
                "basis": "https://w3id.org/perfkg/basis/"}
UNITS_EN = {"万元": "10k yuan", "元": "yuan", "亿元": "100M yuan", "%": "%"}


@dataclass(frozen=True)
class Column:
    """One result column as people read it: zh/en heading, unit, and how its cells read (see the module doc)."""

    name: str
    zh: str
    en: str
    unit: str | None = None
    vocabulary: str | None = None  # namespace whose concepts' local names the cells hold
    codes: tuple[tuple[str, str, str], ...] = ()  # (code, zh, en) for an enumerated column

    def heading(self, lang: str) -> str:
        text = self.zh if lang == "zh" else self.en
        if not self.unit:
            return text
        return f"{text}（{self.unit}）" if lang == "zh" else f"{text} ({UNITS_EN.get(self.unit, self.unit)})"

    def code_label(self, code: str, lang: str) -> str | None:
        for value, zh, en in self.codes:
            if value == code:
                return zh if lang == "zh" else en
        return None


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
    described: tuple[Column, ...] = field(default=(), compare=False)
    description_zh: str = field(default="", compare=False)

    def column(self, name: str) -> Column:
        """How people read the column (its variable name as heading when the header does not say)."""
        return next((c for c in self.described if c.name == name), Column(name, name, name))

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
                "description": self.description, "description_zh": self.description_zh, "form": self.form,
                "columns": list(self.columns),
                "headings": {c.name: {"zh": c.heading("zh"), "en": c.heading("en")} for c in self.described},
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
            last = m.group("key").lower()
            meta.setdefault(last, []).append(m.group("value").strip())
        elif meta and line.strip("# ").strip():  # continuation of the previous key
            before, more = meta[last][-1], line.strip("# ").strip()
            cjk = before and unicodedata.east_asian_width(before[-1]) in "WF" and \
                unicodedata.east_asian_width(more[0]) in "WF"
            meta[last][-1] = before + ("" if cjk else " ") + more  # Chinese continues without a space
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
        parameters=tuple(params), columns=columns, text=text, path=path,
        described=_described_columns(columns, meta, path.name),
        description_zh=" ".join(meta.get("description@zh", [])))


def _pairs(lines: list[str], where: str, key: str) -> dict[str, str]:
    """`a=x, b=y` header values (several lines allowed) as a dict."""
    out = {}
    for item in ",".join(lines).split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise PerfkgError(f"{where}: {key} 的写法应为 列=值：“{item.strip()}”",
                              f"{where}: {key} entries are COLUMN=VALUE: {item.strip()!r}")
        out[name.strip()] = value.strip()
    return out


def _described_columns(columns: tuple[str, ...], meta: dict[str, list[str]], where: str) -> tuple[Column, ...]:
    zh, en = _pairs(meta.get("columns@zh", []), where, "columns@zh"), _pairs(meta.get("columns@en", []), where, "columns@en")
    units = _pairs(meta.get("units", []), where, "units")
    vocabularies: dict[str, str] = {}
    codes: dict[str, tuple[tuple[str, str, str], ...]] = {}
    for line in meta.get("values", []):
        enumerated = re.fullmatch(r"(\w+)\s*:\s*(.+)", line)
        if enumerated:
            codes[enumerated.group(1)] = tuple(_code(item, where) for item in enumerated.group(2).split(";")
                                               if item.strip())
            continue
        for name, vocabulary in _pairs([line], where, "values").items():
            if vocabulary not in VOCABULARIES:
                raise PerfkgError(f"{where}: 未知词表“{vocabulary}”（可用：{', '.join(VOCABULARIES)}）",
                                  f"{where}: unknown vocabulary {vocabulary!r} (known: {', '.join(VOCABULARIES)})")
            vocabularies[name] = VOCABULARIES[vocabulary]
    return tuple(Column(c, zh.get(c, c), en.get(c, c), units.get(c), vocabularies.get(c), codes.get(c, ()))
                 for c in columns)


def _code(item: str, where: str) -> tuple[str, str, str]:
    code, sep, labels = item.strip().partition("=")
    zh, slash, en = labels.partition("/")
    if not sep or not slash or not code.strip():
        raise PerfkgError(f"{where}: 取值说明的写法应为 代码=中文/English：“{item.strip()}”",
                          f"{where}: value labels are CODE=中文/English: {item.strip()!r}")
    return code.strip(), zh.strip(), en.strip()


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
