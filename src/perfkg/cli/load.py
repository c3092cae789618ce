"""`perfkg load SRC... --store DIR | --endpoint URL`: one named graph per document, replaced on reload."""
from __future__ import annotations

import sys
from pathlib import Path

from perfkg.backends import load_items, replace_all
from perfkg.cli._remote import add_remote_options, remote_store
from perfkg.errors import PerfkgError


def register(sub) -> None:
    p = sub.add_parser("load", help="把文档载入存储 / load documents into a store",
                       description="把绩效文本或 RDF 文件载入嵌入式存储或远程服务器，每个文档一个命名图，重复载入即替换 / "
                                   "load documents or RDF files into the embedded store or a remote server: one named "
                                   "graph per document, replaced on reload")
    p.add_argument("sources", nargs="+", metavar="SRC", help="文件或目录 / files or folders")
    p.add_argument("--store", metavar="DIR", help="嵌入式存储目录 / embedded store directory")
    p.add_argument("--no-link", action="store_true", help="不做职责关联 / skip mandate linking")
    add_remote_options(p)
    p.set_defaults(run=run)


def run(args) -> int:
    if bool(args.store) == bool(args.endpoint):
        raise PerfkgError("请指定 --store DIR 或 --endpoint URL 之一", "give exactly one of --store DIR or --endpoint URL")
    items = load_items(args.sources, link=not args.no_link)
    for item in items:
        if item.error:
            print(f"✗ {item.error.message_zh}\n  {item.error.message_en}", file=sys.stderr)
    if args.store:
        from perfkg.store.embedded import EmbeddedStore

        with EmbeddedStore(args.store) as store:
            loaded = replace_all(store, items)
            store.optimize()
            total = store.triple_count()
        where = args.store
    else:
        store = remote_store(args)
        loaded = replace_all(store, items)
        total = store.triple_count()
        where = args.endpoint
    for item, count in loaded:
        print(f"✓ {Path(item.source).name} → <{item.graph_iri}>: {count} 三元组 triples")
    ok = len(loaded)
    bad = sum(1 for i in items if i.error)
    print(f"{ok} 个图已载入 graphs loaded into {where} (共 total {total} 三元组 triples); {bad} 个失败 failed")
    return 0 if bad == 0 else 2
