"""`perfkg query NAME|FILE`: run a library query on RDF/source files, an embedded store or an endpoint."""
from __future__ import annotations

import sys

from rdflib import Dataset

from perfkg.errors import PerfkgError
from perfkg.ingest import SOURCE_SUFFIXES, dataset_of, ingest_file, load_rdf
from perfkg.queries import get_query, list_queries, run_rdflib
from perfkg.rdf.serialise import serialise_graph
from perfkg.results import FORMATTERS, render


def register(sub) -> None:
    p = sub.add_parser("query", help="运行查询库中的查询 / run a library query",
                       description="运行查询库中的查询或 .rq 文件 / run a library query or a .rq file")
    p.add_argument("name", nargs="?", metavar="NAME|FILE", help="查询名或 .rq 文件 / query name or .rq file")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--data", nargs="+", metavar="FILE", help="RDF 文件或绩效文本 / RDF files or source documents")
    p.add_argument("--format", default="table", choices=list(FORMATTERS) + ["turtle", "nt"],
                   help="输出格式 / output format (default: table)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="查询参数 / query parameter")
    p.add_argument("--list", action="store_true", help="列出查询库 / list the query library")
    p.set_defaults(run=run, _sources=src)


def parse_params(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise PerfkgError(f"参数应为 NAME=VALUE：“{pair}”", f"parameters are NAME=VALUE: {pair!r}")
        k, v = pair.split("=", 1)
        out[k.strip()] = v
    return out


def data_dataset(paths: list[str]) -> Dataset:
    ds = Dataset(default_union=True)
    for path in paths:
        if path.lower().endswith(SOURCE_SUFFIXES):
            r = ingest_file(path)
            if r.error:
                raise r.error
            ds.graph(r.graph_iri).__iadd__(r.graph)
        else:
            load_rdf(path, ds)
    return ds


def run(args) -> int:
    if args.list or not args.name:
        for q in list_queries():
            params = " ".join(f"{p.name}={p.default}" for p in q.parameters)
            print(f"{q.name:32} {q.title_zh} / {q.title_en}" + (f"  [{params}]" if params else ""))
        return 0
    query = get_query(args.name)
    params = parse_params(args.param)
    if not args.data:
        raise PerfkgError("请用 --data 指定数据", "give the data with --data")
    result = run_rdflib(query, data_dataset(args.data), params)
    emit(result, args.format)
    return 0


def emit(result, fmt: str) -> None:
    if isinstance(result, bool):
        print("true" if result else "false")
    elif hasattr(result, "rows"):
        sys.stdout.write(render(result, fmt if fmt in FORMATTERS else "table"))
    else:
        sys.stdout.write(serialise_graph(result, fmt if fmt in ("turtle", "nt") else "turtle"))
