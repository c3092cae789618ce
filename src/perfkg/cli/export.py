"""`perfkg export --store DIR`: the whole store as TriG or N-Quads, deterministic."""
from __future__ import annotations

import sys

from perfkg.store.embedded import EmbeddedStore


def register(sub) -> None:
    p = sub.add_parser("export", help="导出存储 / export the store as TriG or N-Quads")
    p.add_argument("--store", required=True, metavar="DIR", help="嵌入式存储目录 / embedded store directory")
    p.add_argument("--format", choices=("trig", "nquads"), default="trig", help="输出格式 / output format")
    p.add_argument("-o", "--out", metavar="FILE", help="输出文件（默认标准输出）/ output file (default stdout)")
    p.set_defaults(run=run)


def run(args) -> int:
    with EmbeddedStore(args.store, read_only=True) as store:
        if args.out:
            store.export(args.format, args.out)
            print(f"已导出 exported {store.triple_count()} 条 quads → {args.out}", file=sys.stderr)
        else:
            store.export(args.format, sys.stdout.buffer)
    return 0
