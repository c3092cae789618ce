"""`perfkg load SRC... --store DIR | --endpoint URL`: one named graph per document; unchanged documents skipped, a
revision kept beside the earlier versions (revisions.py)."""
from __future__ import annotations

from functools import partial
from pathlib import Path

from perfkg.backends import replace_all
from perfkg.batch import run_each
from perfkg.cli import add_batch_options, limits_from, print_error
from perfkg.cli._remote import add_remote_options, remote_store
from perfkg.errors import PerfkgError
from perfkg.progress import track
from perfkg.revisions import file_sha256, held_sources, load_document
from perfkg.sources import DocumentItem, Identities, collect, read_items


def register(sub) -> None:
    p = sub.add_parser("load", help="把文档载入存储 / load documents into a store",
                       description="把绩效文本或 RDF 文件载入嵌入式存储或远程服务器，每个文档一个命名图，重复载入即替换 / "
                                   "load documents or RDF files into the embedded store or a remote server: one named "
                                   "graph per document, replaced on reload")
    p.add_argument("sources", nargs="+", metavar="SRC", help="文件或目录 / files or folders")
    p.add_argument("--store", metavar="DIR", help="嵌入式存储目录 / embedded store directory")
    p.add_argument("--no-link", action="store_true", help="不做职责关联 / skip mandate linking")
    p.add_argument("--force", action="store_true",
                   help="替换存储中属于另一文档的同名图 / replace a graph the store holds for another document")
    p.add_argument("--reload-unchanged", action="store_true",
                   help="重新读取并载入内容未变的文档（默认跳过）/ read and load again documents whose content the "
                        "store already holds (skipped by default)")
    add_remote_options(p)
    add_batch_options(p)
    p.set_defaults(run=run)


def read_file(path: str, *, link: bool, limits) -> list[DocumentItem]:
    """The batch task: one file's graphs for a store (no scheme copy: the store holds the vocabulary graph once)."""
    items = read_items(path, link=link, self_contained=False, limits=limits)
    for item in items:
        if item.error is not None:
            raise item.error
    return items


def skip_unchanged(store, files) -> tuple[list, int]:
    """Incremental load: files whose bytes (sha256) the store already holds as a current document are not read again.
    Each document's load is atomic, so a rerun after an interruption skips what was loaded and finishes the rest."""
    held = held_sources(store)
    todo = []
    for f in files:
        if held and Path(f).is_file() and _sha256(f) in held:  # a device or an unreadable file: its worker says why
            print(f"= {Path(f).name}: 未变化，已跳过 unchanged, skipped")
        else:
            todo.append(f)
    return todo, len(files) - len(todo)


def _sha256(path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


def load_into(store, args, files) -> tuple[int, int]:
    """Load each document as its worker finishes it; returns (graphs loaded, files or documents refused)."""
    limits = limits_from(args)
    identities = Identities()
    replace_all(store, [], with_vocabulary=True)
    loaded = bad = 0
    if not args.reload_unchanged:
        files, args.unchanged = skip_unchanged(store, files)
    task = partial(read_file, link=not args.no_link, limits=limits)
    for _, outcome in track(run_each(task, [str(f) for f in files], seconds=limits.seconds, memory_mb=limits.memory_mb,
                                     workers=args.workers), len(files), "载入", "load"):
        if isinstance(outcome, Exception):
            print_error(outcome, args.debug)
            bad += 1
            continue
        for item in outcome:
            error = identities.claim(item).error
            done = None if error else load_document(store, item, force=args.force, refresh=args.reload_unchanged)
            if error or done.error:
                print_error(error or done.error, args.debug)
                bad += 1
                continue
            print(done.message())
            if done.status == "unchanged":
                args.unchanged += 1
            else:
                loaded += 1
    return loaded, bad


def run(args) -> int:
    if bool(args.store) == bool(args.endpoint):
        raise PerfkgError("请指定 --store DIR 或 --endpoint URL 之一", "give exactly one of --store DIR or --endpoint URL")
    files, errors = collect(args.sources, rdf=True)
    args.unchanged = 0
    for e in errors:
        print_error(e)
    if args.store:
        from perfkg.store.embedded import EmbeddedStore

        with EmbeddedStore(args.store) as store:
            loaded, bad = load_into(store, args, files)
            store.optimize()
            total = store.triple_count()
        where = args.store
    else:
        store = remote_store(args)
        loaded, bad = load_into(store, args, files)
        total = store.triple_count()
        where = args.endpoint
    bad += len(errors)
    print(f"{loaded} 个图已载入 graphs loaded into {where} (共 total {total} 三元组 triples); "
          f"{args.unchanged} 个未变化 unchanged; {bad} 个失败 failed")
    return 0 if bad == 0 else 2
