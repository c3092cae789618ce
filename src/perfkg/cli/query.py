"""`perfkg query NAME|FILE`: run a library query on RDF/source files, an embedded store or an endpoint."""
from __future__ import annotations

import sys
from pathlib import Path

from perfkg.backends import EmbeddedBackend, RdflibBackend, RemoteBackend, load_items
from perfkg.cli._remote import add_remote_options, remote_store
from perfkg.display import terminal_width, wrap
from perfkg.errors import PerfkgError
from perfkg.queries import QueryInfo, get_query, list_queries
from perfkg.rdf.serialise import serialise_graph
from perfkg.results import (MACHINE_FORMATS, PEOPLE_FORMATS, fetch_labels, for_people, label_iris, people_text,
                            people_xlsx, render)

GRAPH_FORMATS = ("turtle", "nt")


def register(sub) -> None:
    p = sub.add_parser("query", help="运行查询库中的查询 / run a library query",
                       description="运行查询库中的查询或 .rq 文件 / run a library query or a .rq file")
    p.add_argument("name", nargs="?", metavar="NAME|FILE", help="查询名或 .rq 文件 / query name or .rq file")
    p.add_argument("--data", nargs="+", metavar="FILE", help="RDF 文件或绩效文本 / RDF files or source documents")
    p.add_argument("--store", metavar="DIR", help="嵌入式存储目录 / embedded store directory")
    p.add_argument("--format", default="table", choices=PEOPLE_FORMATS + MACHINE_FORMATS + GRAPH_FORMATS,
                   help="输出格式 / output format: table, markdown, csv-excel (带 BOM with a BOM), xlsx 给人读 for "
                        "people (表头、标签、单位 headings, labels, units); json, csv, tsv 为 W3C 标准 are the W3C "
                        "standards (default: table)")
    p.add_argument("--lang", default="zh", choices=("zh", "en"), help="表头与标签的语言 / language of headings and "
                                                                      "labels (default: zh)")
    p.add_argument("--out", "-o", metavar="FILE", help="写入文件而非标准输出 / write to FILE instead of stdout")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="查询参数 / query parameter")
    p.add_argument("--list", action="store_true", help="列出查询库（说明与参数）/ list the query library with "
                                                       "descriptions and parameters")
    add_remote_options(p)
    p.set_defaults(run=run)


def parse_params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise PerfkgError(f"参数应为 NAME=VALUE：“{pair}”", f"parameters are NAME=VALUE: {pair!r}")
        k, v = pair.split("=", 1)
        out[k.strip()] = v
    return out


def backend(args):
    chosen = [name for name in ("data", "store", "endpoint") if getattr(args, name)]
    if len(chosen) != 1:
        raise PerfkgError("请指定 --data、--store 或 --endpoint 之一", "give exactly one of --data, --store or --endpoint")
    if args.store:
        return EmbeddedBackend.open(args.store)
    if args.endpoint:
        return RemoteBackend(remote_store(args))
    items = load_items(args.data)
    for item in items:
        if item.error:
            raise item.error
    return RdflibBackend(items)


def describe_library(lang: str, width: int) -> str:
    """Every library query: name, titles, description, parameters (type, default, meaning) and column headings."""
    zh = lang == "zh"
    out = []
    for q in list_queries():
        out.append(f"{q.name}  {q.title_zh} / {q.title_en}")
        for text in (q.description_zh, q.description) if zh else (q.description,):
            out += ["    " + line for line in wrap(text, width - 4) if text]
        for p in q.parameters:
            default = p.default if p.default is not None else ("（必填）" if zh else "(required)")
            line = f"{'参数' if zh else 'parameter'} --param {p.name}=…  {p.type}, " \
                   f"{'默认' if zh else 'default'} {default}  {p.description}"
            out += ["    " + line for line in wrap(line, width - 4)]
        headings = ", ".join(q.column(c).heading(lang) for c in q.columns)
        out += ["    " + line for line in wrap(f"{'列' if zh else 'columns'}: {headings}", width - 4)]
        out.append("")
    return "\n".join(out)


def run(args) -> int:
    if args.list or not args.name:
        write(describe_library(args.lang, terminal_width()), args.out)
        return 0
    query = get_query(args.name)
    params = parse_params(args.param)
    if args.format == "xlsx" and not args.out and sys.stdout.isatty():
        raise PerfkgError("xlsx 是二进制文件，请用 --out FILE 写入文件", "xlsx is a binary file: write it with --out FILE")
    engine = backend(args)
    try:
        result = engine.run(query, params)
        labels = {}
        if hasattr(result, "rows") and args.format in PEOPLE_FORMATS:
            labels = fetch_labels(engine.store, label_iris(result, query), args.lang)
    finally:
        getattr(engine, "close", lambda: None)()
    write(emit(result, args.format, query, labels, args.lang, params), args.out)
    if getattr(result, "truncated", False):
        print("警告：服务器截断了结果 warning: the server truncated the result", file=sys.stderr)
        return 1
    return 0


def emit(result, fmt: str, query: QueryInfo | None = None, labels: dict[str, str] | None = None, lang: str = "zh",
         params: dict[str, str] | None = None) -> str | bytes:
    """The answer in `fmt`: W3C formats untouched; people formats with headings, labels and units in `lang`."""
    if isinstance(result, bool):
        return "true\n" if result else "false\n"
    if not hasattr(result, "rows"):
        return serialise_graph(result, fmt if fmt in GRAPH_FORMATS else "turtle")
    if fmt in MACHINE_FORMATS:
        return render(result, fmt)
    view = for_people(result, query, labels, lang)
    if fmt == "xlsx":
        return people_xlsx(view, about(query, params or {}, lang, result.truncated) if query else None)
    return people_text(view, fmt if fmt in PEOPLE_FORMATS else "table")


def about(query: QueryInfo, params: dict[str, str], lang: str, truncated: bool) -> list[tuple[str, str]]:
    """What the workbook's second sheet says about the query that made it."""
    zh = lang == "zh"
    rows = [("查询" if zh else "query", query.name), ("标题" if zh else "title", query.title_zh if zh else query.title_en),
            ("说明" if zh else "description", query.description)]
    for p in query.parameters:
        rows.append((f"{'参数' if zh else 'parameter'} {p.name}", params.get(p.name, p.default or "")))
    if truncated:
        rows.append(("警告" if zh else "warning", "结果被服务器截断" if zh else "the server truncated the result"))
    rows.append(("SPARQL", query.text))
    return rows


def write(output: str | bytes, path: str | None) -> None:
    if path:
        target = Path(path)
        if target.exists():
            print(f"覆盖已有文件 overwriting the existing file: {target}", file=sys.stderr)
        if isinstance(output, bytes):
            target.write_bytes(output)
        else:
            target.write_text(output, encoding="utf-8", newline="")
        return
    if isinstance(output, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(output)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(output)
