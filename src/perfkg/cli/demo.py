"""`perfkg demo DATA --out OUT`: the main job on bundled data, step by step, printing what it found and wrote."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rdflib import Graph, URIRef

from perfkg.backends import EmbeddedBackend, replace_all
from perfkg.batch import run_each
from perfkg.cli import add_batch_options, limits_from, print_error
from perfkg.ingest import OutputFolder, Prepared, prepare
from perfkg.queries import get_query
from perfkg.results import render

# the analysts' questions the demo answers from the store, the headline one first
QUESTIONS = ("popular-science-projects", "projects", "budget-by-department", "mandate-budget-share",
             "goals-without-indicator", "cost-floors", "year-over-year")


def register(sub) -> None:
    p = sub.add_parser("demo", help="在示例数据上运行完整流程 / run the whole pipeline on sample data",
                       description="导入、关联职责、校验、载入嵌入式存储并回答分析问题 / ingest, link mandates, validate, "
                                   "load the embedded store and answer analysts' questions")
    p.add_argument("sources", nargs="*", default=["data"], metavar="SRC", help="文件或目录 / files or folders (default data)")
    p.add_argument("--out", default="out", help="输出目录 / output folder (default out)")
    add_batch_options(p)
    p.set_defaults(run=run)


@dataclass
class Done:
    """One document after its single pass (read, link, validate) in a worker: its files, report and graph."""

    prepared: Prepared
    report: object
    graph_iri: URIRef
    graph: Graph


def one_pass(path: str, *, limits) -> Done:
    """Read and link a document once; its Turtle and line map, its validation report and its graph for the store."""
    from perfkg.sources import ingest_file
    from perfkg.validate import validate_documents

    r = ingest_file(path, self_contained=False, limits=limits)  # the store holds the vocabulary graph once
    if r.error:
        raise r.error
    [report] = validate_documents([r])
    return Done(prepare(r, ["turtle"], line_map=True, corpus=False), report, r.graph_iri, r.graph)


def heading(zh: str, en: str) -> None:
    print(f"\n== {zh} / {en} ==")


def print_headline(table) -> None:
    """The headline answer in full: each project with every piece of evidence on its own line."""
    for row in table.dicts():
        print(f"{row['code']}  {row['name']}  预算 budget {row['budget']} 万元")
        for item in str(row["evidence"]).split("; "):
            print(f"    证据 evidence: {item}")
    print(f"({len(table)} 个项目 projects)")


def run(args) -> int:
    from perfkg.sources import Identities, collect
    from perfkg.store.embedded import EmbeddedStore
    from perfkg.validate import render_html, render_summary

    out = Path(args.out)
    limits = limits_from(args)
    heading("1. 导入、关联职责、校验并载入（每份文档一遍）", "Ingest, link, validate and load (one pass per document)")
    files, errors = collect(args.sources)
    for e in errors:
        print_error(e)
    folder = OutputFolder(out / "graphs", force=True)  # the demo's own output from an earlier run is replaced
    identities, reports, refused = Identities(), [], len(errors)
    store_dir = out / "store"
    with EmbeddedStore(store_dir) as store:
        replace_all(store, [], with_vocabulary=True)
        for path, done in run_each(partial(one_pass, limits=limits), [str(f) for f in files],
                                   seconds=limits.seconds, memory_mb=limits.memory_mb, workers=args.workers):
            error = done if isinstance(done, Exception) else identities.check(done.prepared.identity)
            error = error or folder.write(path, done.prepared.files)
            if error:
                print_error(error, args.debug)
                refused += 1
                continue
            print(done.prepared.summary)
            reports.append(done.report)
            store.replace_graph(str(done.graph_iri), done.graph)
        store.optimize()
        triples = store.triple_count()
    folder.close()
    replaced = f"; 替换了之前演示的 replaced {len(folder.replaced)} 个文件 files from an earlier demo" \
        if folder.replaced else ""
    print(f"图谱已写入 graphs written to {out / 'graphs'}/ ({len(folder.written)} 个文件 files: Turtle, "
          f"逐行映射 line maps{replaced})")

    heading("2. 校验（财政审核规则）", "Validate (review rules)")
    print(render_summary(reports, lang="zh"), end="")
    print(render_summary(reports, lang="en"), end="")
    html = out / "validation.html"
    html.write_text(render_html(reports), encoding="utf-8")
    print(f"校验报告 validation report: {html}")

    heading("3. 嵌入式存储", "The embedded store")
    print(f"{len(reports)} 个文档图 document graphs + 词表图 vocabulary graph → {store_dir} "
          f"({triples} 三元组 triples; 重复载入即替换 reloading replaces)")

    backend = EmbeddedBackend.open(store_dir)
    try:
        for number, name in enumerate(QUESTIONS, 4):
            query = get_query(name)
            heading(f"{number}. {query.title_zh}", query.title_en)
            result = backend.run(query)
            if name == "popular-science-projects":
                print_headline(result)
            else:
                print(render(result, "table"), end="")
    finally:
        backend.close()
    print(f"\n更多问题 more questions: perfkg query --list; perfkg query NAME --store {store_dir}")
    return 0 if not refused else 2
