"""`perfkg diff OLD NEW`: what changed between two versions of a submission (two files, or two versions in a store)."""
from __future__ import annotations

import sys
from pathlib import Path

from perfkg.cli import EXIT_FINDINGS, EXIT_OK, limits_from, add_batch_options
from perfkg.cli._remote import add_remote_options, remote_store
from perfkg.diff import diff_graphs
from perfkg.diff_render import render
from perfkg.errors import InputError, PerfkgError
from perfkg.revisions import history, stored_version
from perfkg.sources import read_items


def register(sub) -> None:
    p = sub.add_parser("diff", help="比较同一文档的两个版本 / compare two versions of a document",
                       description="比较同一份绩效文本的两个版本（两个文件，或存储中的两个版本）：项目、金额、支出计划、指标与指标值，"
                                   "目标降低的列在最前 / compare two versions of a submission (two files, or two "
                                   "versions in a store): projects, amounts, spending plans, indicators and targets, "
                                   "lowered targets first. Exit 0: no change, 1: changes, 2: bad input")
    p.add_argument("old", metavar="OLD", help="旧版本：文件，或（配合 --store/--endpoint）版本 IRI、SHA-256 前缀或文档 IRI"
                                              "（当前版本）/ the old version: a file, or with --store/--endpoint a "
                                              "version IRI, a SHA-256 prefix or a document IRI (its current version)")
    p.add_argument("new", metavar="NEW", help="新版本，同上 / the new version, the same way")
    p.add_argument("--store", metavar="DIR", help="嵌入式存储目录 / embedded store directory")
    p.add_argument("--format", choices=("text", "json", "html"), default="text", help="输出格式 / output format")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 / language (default zh)")
    p.add_argument("-o", "--out", metavar="FILE", help="写入文件而不是标准输出 / write to a file, not stdout")
    add_remote_options(p)
    add_batch_options(p)
    p.set_defaults(run=run)


def read_version(path: str, args):
    """The one document graph a file holds (mandate links are not compared: read without linking)."""
    items = read_items(path, link=False, limits=limits_from(args))
    for item in items:
        if item.error is not None:
            raise item.error
    documents = [i for i in items if i.is_document]
    if len(documents) != 1:
        raise InputError(path, None, f"文件包含 {len(documents)} 份文档，比较需要恰好一份",
                         f"the file holds {len(documents)} documents; a comparison needs exactly one")
    return documents[0]


def resolve(versions, name: str):
    """A version row named by its IRI, a SHA-256 prefix, or its document's IRI (the current version)."""
    hits = [v for v in versions if name in (v.version, v.document if v.current else None)
            or (len(name) >= 6 and v.sha256.startswith(name.lower()))]
    if len(hits) != 1:
        what = ("没有这个版本", "no such version") if not hits else ("有多个版本与之相符", "more than one version matches")
        raise InputError(name, None, f"{what[0]}（perfkg query document-history 列出版本）",
                         f"{what[1]} (perfkg query document-history lists the versions)")
    return hits[0]


def run(args) -> int:
    if args.store and args.endpoint:
        raise PerfkgError("请只指定 --store DIR 或 --endpoint URL 之一", "give at most one of --store DIR or --endpoint URL")
    if args.store or args.endpoint:
        if args.store:
            from perfkg.store.embedded import EmbeddedStore

            store = EmbeddedStore(args.store, read_only=True)
        else:
            store = remote_store(args)
        try:
            versions = history(store)
            old, new = resolve(versions, args.old), resolve(versions, args.new)
            old_graph = stored_version(store, old.document, old.version)
            new_graph = stored_version(store, new.document, new.version)
        finally:
            store.close()
        names, documents = (old.version, new.version), (old.document, new.document)
    else:
        a, b = read_version(args.old, args), read_version(args.new, args)
        old_graph, new_graph = a.graph, b.graph
        names, documents = (Path(args.old).name, Path(args.new).name), (str(a.graph_iri), str(b.graph_iri))
    if documents[0] != documents[1]:
        print(f"! 两个版本属于不同的文档 <{documents[0]}> 与 <{documents[1]}>，仍作比较\n"
              f"  the two versions belong to different documents <{documents[0]}> and <{documents[1]}>: compared "
              "anyway", file=sys.stderr)
    diff = diff_graphs(old_graph, new_graph, *names)
    text = render(diff, args.format, args.lang)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK if diff.unchanged else EXIT_FINDINGS
