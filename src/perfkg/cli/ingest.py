"""`perfkg ingest SRC... -o OUT`: parse documents, write their RDF and line maps as each is done, print coverage."""
from __future__ import annotations

from functools import partial

from perfkg.batch import run_each
from perfkg.cli import add_batch_options, limits_from, print_error
from perfkg.ingest import OutputFolder, prepare
from perfkg.progress import track
from perfkg.rdf.serialise import FORMATS, canonical_format
from perfkg.sources import Identities, collect, ingest_file


def register(sub) -> None:
    p = sub.add_parser("ingest", help="解析绩效文本并生成 RDF / parse documents into RDF",
                       description="解析绩效文本（文件或目录）并写出 RDF，文件以文档标识命名 / parse budget-performance "
                                   "documents (files or folders) and write their RDF, named by document identity")
    p.add_argument("sources", nargs="+", metavar="SRC", help="文件或目录 / files or folders")
    p.add_argument("-o", "--out", default="out", help="输出目录 / output folder (default: out)")
    p.add_argument("--format", default="turtle",
                   help=f"逗号分隔 / comma-separated: {', '.join(FORMATS)} (default: turtle)")
    p.add_argument("--line-map", action="store_true", help="写出逐行映射表 / write each file's line map (.lines.tsv)")
    p.add_argument("--corpus", action="store_true",
                   help="另写 corpus.trig（每份文档一个命名图）/ also write corpus.trig (one named graph per document)")
    p.add_argument("--force", action="store_true",
                   help="替换之前运行留下的输出文件 / replace output files left by an earlier run")
    p.add_argument("--no-link", action="store_true", help="不做职责关联 / skip mandate linking")
    add_batch_options(p)
    p.set_defaults(run=run)


def _task(path: str, *, link: bool, formats: list[str], line_map: bool, corpus: bool, limits):
    r = ingest_file(path, link=link, limits=limits)
    if r.error:
        raise r.error
    return prepare(r, formats, line_map=line_map, corpus=corpus)


def run(args) -> int:
    formats = [canonical_format(f.strip()) for f in args.format.split(",") if f.strip()]
    limits = limits_from(args)
    files, errors = collect(args.sources)
    for e in errors:
        print_error(e)
    folder = OutputFolder(args.out, force=args.force, corpus=args.corpus)
    identities = Identities()
    task = partial(_task, link=not args.no_link, formats=formats, line_map=args.line_map, corpus=args.corpus,
                   limits=limits)
    good = 0
    try:
        for path, outcome in track(run_each(task, [str(f) for f in files], seconds=limits.seconds,
                                            memory_mb=limits.memory_mb, workers=args.workers),
                                   len(files), "导入", "ingest"):
            error = outcome if isinstance(outcome, Exception) else identities.check(outcome.identity)
            error = error or folder.write(path, outcome.files, outcome.corpus)
            if error:
                print_error(error, args.debug)
                continue
            print(outcome.summary)
            good += 1
    finally:
        folder.close()
    total = len(files) + len(errors)
    replaced = f"; 替换了之前的 replaced {len(folder.replaced)} 个文件 files (--force)" if folder.replaced else ""
    print(f"{good}/{total} 个文件已导入 files ingested; 输出 written to {args.out}/ "
          f"({len(folder.written)} 个文件 files{replaced})")
    return 0 if good == total else 2
