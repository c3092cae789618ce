"""`perfkg ingest SRC... -o OUT`: parse documents, write their RDF and line maps, print coverage per file."""
from __future__ import annotations

import sys

from perfkg.ingest import ingest, write_outputs
from perfkg.rdf.serialise import FORMATS, canonical_format


def register(sub) -> None:
    p = sub.add_parser("ingest", help="解析绩效文本并生成 RDF / parse documents into RDF",
                       description="解析绩效文本（文件或目录）并写出 RDF / parse budget-performance documents "
                                   "(files or folders) and write their RDF")
    p.add_argument("sources", nargs="+", metavar="SRC", help="文件或目录 / files or folders")
    p.add_argument("-o", "--out", default="out", help="输出目录 / output folder (default: out)")
    p.add_argument("--format", default="turtle",
                   help=f"逗号分隔 / comma-separated: {', '.join(FORMATS)} (default: turtle)")
    p.add_argument("--line-map", action="store_true", help="写出逐行映射表 / write each file's line map (.lines.tsv)")
    p.add_argument("--no-link", action="store_true", help="不做职责关联 / skip mandate linking")
    p.set_defaults(run=run)


def run(args) -> int:
    formats = [canonical_format(f.strip()) for f in args.format.split(",") if f.strip()]
    results = ingest(args.sources, link=not args.no_link)
    for r in results:
        print(r.summary(), file=sys.stdout if r.ok else sys.stderr)
    written = write_outputs(results, args.out, formats, args.line_map)
    good = sum(r.ok for r in results)
    print(f"{good}/{len(results)} 个文件已导入 files ingested; 输出 written to {args.out}/ ({len(written)} 个文件 files)")
    return 0 if good == len(results) else 2
