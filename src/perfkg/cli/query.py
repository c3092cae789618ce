"""`perfkg query NAME|FILE`: run a library query on RDF/source files, an embedded store or an endpoint."""
from __future__ import annotations

import sys

from perfkg.backends import EmbeddedBackend, RdflibBackend, RemoteBackend, load_items
from perfkg.cli._remote import add_remote_options, remote_store
from perfkg.errors import PerfkgError
from perfkg.queries import get_query, list_queries
from perfkg.rdf.serialise import serialise_graph
from perfkg.results import FORMATTERS, render


def register(sub) -> None:
    p = sub.add_parser("query", help="运行查询库中的查询 / run a library query",
                       description="运行查询库中的查询或 .rq 文件 / run a library query or a .rq file")
    p.add_argument("name", nargs="?", metavar="NAME|FILE", help="查询名或 .rq 文件 / query name or .rq file")
    p.add_argument("--data", nargs="+", metavar="FILE", help="RDF 文件或绩效文本 / RDF files or source documents")
    p.add_argument("--store", metavar="DIR", help="嵌入式存储目录 / embedded store directory")
    p.add_argument("--format", default="table", choices=list(FORMATTERS) + ["turtle", "nt"],
                   help="输出格式 / output format (default: table)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="查询参数 / query parameter")
    p.add_argument("--list", action="store_true", help="列出查询库 / list the query library")
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


def run(args) -> int:
    if args.list or not args.name:
        for q in list_queries():
            params = " ".join(f"{p.name}={p.default}" for p in q.parameters)
            print(f"{q.name:32} {q.title_zh} / {q.title_en}" + (f"  [{params}]" if params else ""))
        return 0
    query = get_query(args.name)
    params = parse_params(args.param)
    engine = backend(args)
    try:
        result = engine.run(query, params)
    finally:
        getattr(engine, "close", lambda: None)()
    emit(result, args.format)
    if getattr(result, "truncated", False):
        print("警告：服务器截断了结果 warning: the server truncated the result", file=sys.stderr)
        return 1
    return 0


def emit(result, fmt: str) -> None:
    if isinstance(result, bool):
        print("true" if result else "false")
    elif hasattr(result, "rows"):
        sys.stdout.write(render(result, fmt if fmt in FORMATTERS else "table"))
    else:
        sys.stdout.write(serialise_graph(result, fmt if fmt in ("turtle", "nt") else "turtle"))
