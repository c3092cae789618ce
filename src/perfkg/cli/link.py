"""`perfkg link SRC... -o OUT`: link documents or RDF files to their mandates, with evidence; write the RDF."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from perfkg.errors import InputError, PerfkgError
from perfkg.rdf.inputs import RDF_FORMATS as RDF_SUFFIXES
from perfkg.sources import DOCUMENT_READERS as SOURCE_SUFFIXES, collect as collect_sources, ingest_file, load_rdf
from perfkg.link import link_document, load_lexicon
from perfkg.rdf.serialise import FORMATS, canonical_format, serialise_dataset, serialise_graph
from perfkg.vocab import PERFKG


@dataclass
class Loaded:
    """One input file: its dataset and the documents in it (IRI, the graph holding it, source lines if known)."""

    path: Path
    dataset: Dataset
    documents: list[tuple[URIRef, Graph, list[str] | None]] = field(default_factory=list)


def register(sub) -> None:
    p = sub.add_parser("link", help="关联目标、措施、项目和指标到职责 / link goals, measures, projects, indicators to mandates",
                       description="把绩效文本或 RDF 文件中的目标、保障措施、项目和指标关联到职责概念，附证据 / "
                                   "link the goals, measures, projects and indicators of documents or RDF files to "
                                   "mandate concepts, with evidence")
    p.add_argument("sources", nargs="+", metavar="SRC", help="绩效文本、RDF 文件或目录 / documents, RDF files or folders")
    p.add_argument("-o", "--out", default="out", help="输出目录 / output folder (default: out)")
    p.add_argument("--format", default="turtle", help=f"{', '.join(FORMATS)} (default: turtle)")
    add_scheme_option(p)
    p.set_defaults(run=run)


def add_scheme_option(p) -> None:
    p.add_argument("--scheme", action="append", default=[], metavar="FILE|DIR",
                   help="额外的职责概念体系文件或目录（可重复）/ extra mandate scheme file or folder (repeatable)")


def load_sources(sources: list[str]) -> tuple[list[Loaded], list[PerfkgError]]:
    """Source documents are parsed; RDF files are read with their named graphs. Errors are collected, not raised."""
    loaded, errors = [], []
    paths: list[Path] = []
    for src in sources:
        p = Path(src)
        if p.is_file() and p.suffix.lower() in RDF_SUFFIXES:
            paths.append(p)
        else:
            files, errs = collect_sources([src])
            paths += files
            errors += errs
    for path in paths:
        ds = Dataset()
        item = Loaded(path, ds)
        try:
            if path.suffix.lower() in SOURCE_SUFFIXES:
                r = ingest_file(path, link=False)
                if r.error:
                    raise r.error
                g = ds.graph(r.graph_iri)
                g += r.graph
                item.documents.append((r.graph_iri, g, r.document.lines))
            else:
                load_rdf(path, ds)
                for g in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
                    for doc in sorted(set(g.subjects(RDF.type, PERFKG.BudgetDocument))):
                        item.documents.append((doc, g, None))
                if not item.documents:
                    raise InputError(str(path), None, "文件中没有绩效文本（perfkg:BudgetDocument）",
                                     "no document (perfkg:BudgetDocument) in this file")
        except PerfkgError as e:
            errors.append(e)
            continue
        loaded.append(item)
    return loaded, errors


def output_path(out: Path, source: Path, suffix: str, fmt: str) -> Path:
    """out/<stem><suffix><ext>, never the input file itself."""
    path = out / f"{source.stem}{suffix}{FORMATS[fmt]}"
    if path.resolve() == source.resolve():
        path = out / f"{source.stem}{suffix or '.linked'}{FORMATS[fmt]}"
    return path


def write(item: Loaded, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("trig", "nquads"):
        path.write_text(serialise_dataset(item.dataset, fmt), encoding="utf-8")
    else:
        merged = Graph()
        for g in item.dataset.graphs():
            merged += g
        path.write_text(serialise_graph(merged, fmt), encoding="utf-8")


def report_errors(errors: list[PerfkgError]) -> None:
    for e in errors:
        print(f"✗ {e.message_zh}\n  {e.message_en}", file=sys.stderr)


def run(args) -> int:
    fmt = canonical_format(args.format)
    lexicon = load_lexicon(args.scheme)
    print("职责概念体系 mandate schemes: " + ", ".join(p.name for p in lexicon.files))
    loaded, errors = load_sources(args.sources)
    report_errors(errors)
    for item in loaded:
        for doc, graph, lines in item.documents:
            report = link_document(graph, doc, lexicon=lexicon, lines=lines)
            mark = "✓" if report.schemes else "!"
            print(f"{mark} {item.path.name} <{doc}>: {report.summary()}",
                  file=sys.stdout if report.schemes else sys.stderr)
        path = output_path(Path(args.out), item.path, "", fmt)
        write(item, path, fmt)
        print(f"  → {path}")
    ok = len(loaded)
    print(f"{ok}/{ok + len(errors)} 个文件已关联 files linked; 输出 written to {args.out}/")
    return 0 if not errors else 2
