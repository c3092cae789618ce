"""`perfkg demo DATA --out OUT`: the main job on bundled data, step by step, printing what it found and wrote."""
from __future__ import annotations

from pathlib import Path

from perfkg.backends import EmbeddedBackend, load_items, replace_all
from perfkg.ingest import ingest, write_outputs  # noqa
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
    p.set_defaults(run=run)


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
    from perfkg.store.embedded import EmbeddedStore
    from perfkg.validate import render_html, render_summary, validate_documents

    out = Path(args.out)
    heading("1. 导入并关联职责", "Ingest and link to mandates")
    results = ingest(args.sources)
    for r in results:
        print(r.summary())
    written = write_outputs(results, out / "graphs", ["turtle"], line_map=True)
    print(f"图谱已写入 graphs written to {out / 'graphs'}/ ({len(written)} 个文件 files: Turtle, 逐行映射 line maps, "
          "corpus.trig)")

    heading("2. 校验（财政审核规则）", "Validate (review rules)")
    good = [r for r in results if r.ok]
    reports = validate_documents(good)
    print(render_summary(reports, lang="zh"), end="")
    print(render_summary(reports, lang="en"), end="")
    html = out / "validation.html"
    html.write_text(render_html(reports), encoding="utf-8")
    print(f"校验报告 validation report: {html}")

    heading("3. 载入嵌入式存储", "Load the embedded store")
    store_dir = out / "store"
    items = load_items([r.path for r in good])
    with EmbeddedStore(store_dir) as store:
        loaded = replace_all(store, items)
        store.optimize()
        print(f"{len(loaded)} 个文档图 document graphs + 词表图 vocabulary graph → {store_dir} "
              f"({store.triple_count()} 三元组 triples; 重复载入即替换 reloading replaces)")

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
    return 0 if all(r.ok for r in results) else 2
