"""`perfkg link SRC... -o OUT`: link documents or RDF files to their mandates, with evidence; write the RDF."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import partial

from rdflib import Dataset, Graph

from perfkg.batch import run_each
from perfkg.cli import add_batch_options, limits_from, print_error
from perfkg.ingest import OutputFolder
from perfkg.link import link_document, load_lexicon
from perfkg.rdf.iris import document_name
from perfkg.rdf.serialise import FORMATS, canonical_format, serialise_dataset, serialise_graph
from perfkg.sources import DocumentItem, Identities, Identity, collect, read_items


@dataclass
class DocumentOutput:
    """What a worker hands back for one document: who it is, what to print, and its output files."""

    identity: Identity
    messages: list[tuple[bool, str]] = field(default_factory=list)  # (is an error, text)
    files: dict[str, str] = field(default_factory=dict)
    status: int = 0  # 1 when the document has findings (inconsistent, engines disagree)


def register(sub) -> None:
    p = sub.add_parser("link", help="关联目标、措施、项目和指标到职责 / link goals, measures, projects, indicators to mandates",
                       description="把绩效文本或 RDF 文件中的目标、保障措施、项目和指标关联到职责概念，附证据 / "
                                   "link the goals, measures, projects and indicators of documents or RDF files to "
                                   "mandate concepts, with evidence")
    p.add_argument("sources", nargs="+", metavar="SRC", help="绩效文本、RDF 文件或目录 / documents, RDF files or folders")
    add_output_options(p, "turtle")
    add_scheme_option(p)
    add_batch_options(p)
    p.set_defaults(run=run)


def add_output_options(p, default_format: str) -> None:
    p.add_argument("-o", "--out", default="out", help="输出目录 / output folder (default: out)")
    p.add_argument("--format", default=default_format, help=f"{', '.join(FORMATS)} (default: {default_format})")
    p.add_argument("--force", action="store_true",
                   help="替换之前运行留下的输出文件 / replace output files left by an earlier run")


def add_scheme_option(p) -> None:
    p.add_argument("--scheme", action="append", default=[], metavar="FILE|DIR",
                   help="额外的职责概念体系文件或目录（可重复）/ extra mandate scheme file or folder (repeatable)")


def documents_in(path: str, limits) -> list[tuple[DocumentItem, Dataset, list[str] | None]]:
    """Each document of a file: its item, a dataset with its graph (and any inferred graph it came with), its lines."""
    items = read_items(path, link=False, limits=limits)
    for item in items:
        if item.error is not None:
            raise item.error
    out = []
    for item in (i for i in items if i.is_document):
        ds = Dataset()
        ds.graph(item.graph_iri).__iadd__(item.graph)
        for extra in (i for i in items if i.document == item.document and not i.is_document):
            ds.graph(extra.graph_iri).__iadd__(extra.graph)
        lines = item.result.document.lines if item.result is not None else None
        out.append((item, ds, lines))
    return out


def serialise(ds: Dataset, fmt: str) -> str:
    if fmt in ("trig", "nquads"):
        return serialise_dataset(ds, fmt)
    merged = Graph()
    for g in ds.graphs():
        merged += g
    return serialise_graph(merged, fmt)


def _link_file(path: str, *, lexicon, fmt: str, limits) -> list[DocumentOutput]:
    out = []
    for item, ds, lines in documents_in(path, limits):
        graph = ds.graph(item.graph_iri)
        report = link_document(graph, item.document, lexicon=lexicon, lines=lines)
        result = DocumentOutput(Identity.of(item))
        result.messages.append((not report.schemes, f"{'✓' if report.schemes else '!'} {item.source} "
                                                    f"<{item.document}>: {report.summary()}"))
        result.files[f"{document_name(item.document)}.linked{FORMATS[fmt]}"] = serialise(ds, fmt)
        out.append(result)
    return out


def run_documents(args, task) -> int:
    """The parent side of link and reason: each file's documents as their worker finishes, identities checked,
    outputs written at once; exit 2 when an input was refused, else the worst document status."""
    limits = limits_from(args)
    files, errors = collect(args.sources, rdf=True)
    for e in errors:
        print_error(e)
    folder = OutputFolder(args.out, force=args.force)
    identities = Identities()
    refused, status, done = len(errors), 0, 0
    for path, outcome in run_each(task, [str(f) for f in files], seconds=limits.seconds,
                                  memory_mb=limits.memory_mb, workers=args.workers):
        if isinstance(outcome, Exception):
            print_error(outcome, args.debug)
            refused += 1
            continue
        for doc in outcome:
            error = identities.check(doc.identity) or folder.write(path, doc.files)
            if error:
                print_error(error, args.debug)
                refused += 1
                continue
            for is_error, text in doc.messages:
                print(text, file=sys.stderr if is_error else sys.stdout)
            for name in doc.files:
                print(f"  → {folder.path / name}")
            status = max(status, doc.status)
            done += 1
    print(f"{done} 份文档已处理 documents done, {refused} 个失败 refused; 输出 written to {args.out}/")
    return 2 if refused else status


def run(args) -> int:
    fmt = canonical_format(args.format)
    lexicon = load_lexicon(args.scheme)
    print("职责概念体系 mandate schemes: " + ", ".join(p.name for p in lexicon.files))
    return run_documents(args, partial(_link_file, lexicon=lexicon, fmt=fmt, limits=limits_from(args)))


__all__ = ["DocumentOutput", "add_output_options", "add_scheme_option", "documents_in", "run_documents", "serialise"]
