"""Validates documents one by one (never the corpus as one graph), in parallel across documents."""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from perfkg.errors import InputError
from perfkg.rdf.inputs import RDF_FORMATS as RDF_SUFFIXES
from perfkg.sources import DOCUMENT_READERS as SOURCE_SUFFIXES, IngestResult, ingest_file, load_rdf
from perfkg.validate.engine import run_pyshacl
from perfkg.validate.locate import findings_from
from perfkg.validate.report import DocumentReport, InputProblem
from perfkg.validate.shapes import load_shapes
from perfkg.vocab import DCTERMS, PERFKG, SKOS


@dataclass(frozen=True)
class Options:
    """What every worker needs to validate a document the same way (picklable)."""

    config: tuple[tuple[str, str], ...] = ()
    disabled: frozenset[str] = frozenset()
    link: bool = True


def _problem(e: InputError) -> InputProblem:
    return InputProblem(e.path, e.line, {"zh": e.reason_zh, "en": e.reason_en})


def validate_graph(graph: Graph, *, source: str = "", config: Mapping[str, object] | None = None,
                   disabled: Iterable[str] = (), document: URIRef | None = None) -> DocumentReport:
    """Validate one document's graph (as ingest builds it, or read from RDF) and enrich the findings."""
    started = time.perf_counter()
    shapes = load_shapes(config, frozenset(disabled))
    doc = document or next(iter(graph.subjects(RDF.type, PERFKG.BudgetDocument)), None)
    report = DocumentReport(source=source)
    if doc is None:
        report.problem = InputProblem(source, None, {"zh": "图中没有 perfkg:BudgetDocument（不是绩效文本的 RDF）",
                                                     "en": "the graph has no perfkg:BudgetDocument (not a perfkg document)"})
        return report
    raw = run_pyshacl(graph, shapes)
    findings, report_nt = findings_from(raw, graph, shapes)
    year = graph.value(doc, PERFKG.budgetYear)
    organisation = graph.value(doc, PERFKG.issuedBy)
    org_label = graph.value(organisation, SKOS.prefLabel) if organisation is not None else None
    source_file = next(iter(graph.objects(None, PERFKG.sourceFileName)), None)
    report.source_file = str(source_file) if source_file is not None else (Path(source).name if source else None)
    report.document = str(doc)
    report.title = str(graph.value(doc, DCTERMS.title) or "") or None
    report.organisation = str(org_label) if org_label is not None else None
    report.year = int(year) if year is not None else None
    report.findings = findings
    report.report_graph = report_nt
    report.shapes_fingerprint = shapes.fingerprint
    report.settings = {k: str(v) for k, v in shapes.settings.items()}
    report.seconds = time.perf_counter() - started
    return report


def _validate_result(result: IngestResult, options: Options) -> DocumentReport:
    if result.error is not None:
        return DocumentReport(source=result.path, problem=_problem(result.error))
    report = validate_graph(result.graph, source=result.path, config=dict(options.config),
                            disabled=options.disabled, document=result.graph_iri)
    report.source_file = result.document.source_name if result.document else report.source_file
    return report


def _ingest(path: str, link: bool) -> IngestResult:
    try:
        return ingest_file(path, link=link)
    except ModuleNotFoundError as e:  # linking not installed: validate without R40's links
        if link and "perfkg.link" in str(e):
            return ingest_file(path, link=False)
        raise


def _validate_path(path: str, options: Options) -> list[DocumentReport]:
    """One source file -> one report per document in it (a TriG file may hold several)."""
    suffix = Path(path).suffix.lower()
    try:
        if suffix in RDF_SUFFIXES:
            ds = Dataset()
            load_rdf(path, ds)
            graphs = [g for g in ds.graphs() if len(g) and (None, RDF.type, PERFKG.BudgetDocument) in g]
            if not graphs:
                raise InputError(path, None, "文件中没有 perfkg:BudgetDocument（不是绩效文本的 RDF）",
                                 "no perfkg:BudgetDocument in this file (not a perfkg document graph)")
            reports = []
            for g in sorted(graphs, key=lambda g: str(g.identifier)):
                docs = list(g.subjects(RDF.type, PERFKG.BudgetDocument))
                if len(docs) > 1:
                    raise InputError(path, None, f"一个图中有 {len(docs)} 份文档；请每份文档一个命名图（TriG）或一个文件",
                                     f"one graph holds {len(docs)} documents; give each document its own named "
                                     "graph (TriG) or file")
                plain = Graph()
                for triple in g:
                    plain.add(triple)
                reports.append(validate_graph(plain, source=path, config=dict(options.config),
                                              disabled=options.disabled, document=docs[0]))
            return reports
        return [_validate_result(_ingest(path, options.link), options)]
    except InputError as e:
        return [DocumentReport(source=path, problem=_problem(e))]


def _worker(job: tuple[str, Options]) -> list[DocumentReport]:
    path, options = job
    return _validate_path(path, options)


def expand_sources(sources: Iterable[str | Path]) -> tuple[list[str], list[DocumentReport]]:
    """Files to validate (folders expanded to their documents and RDF files), and reports for unusable paths."""
    files: list[str] = []
    problems: list[DocumentReport] = []
    wanted = set(SOURCE_SUFFIXES) | set(RDF_SUFFIXES)
    for src in sources:
        p = Path(src)
        if p.is_dir():
            found = sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in wanted)
            if not found:
                problems.append(DocumentReport(source=str(src), problem=InputProblem(
                    str(src), None, {"zh": "目录中没有绩效文本（*.txt）或 RDF 文件",
                                     "en": "no documents (*.txt) or RDF files in this folder"})))
            files += found
        elif not p.exists():
            problems.append(DocumentReport(source=str(src), problem=InputProblem(
                str(src), None, {"zh": "文件不存在", "en": "file not found"})))
        else:
            files.append(str(p))
    return files, problems


def default_workers(jobs: int) -> int:
    return max(1, min(jobs, os.cpu_count() or 1))


def validate_documents(sources: Iterable[str | Path | IngestResult], *, config: Mapping[str, object] | None = None,
                       disabled: Iterable[str] = (), workers: int | None = None,
                       link: bool = True) -> list[DocumentReport]:
    """Validate each document separately, in parallel across documents; reports come back in input order.

    sources: source documents (*.txt), RDF files (a TriG file may hold one document per named graph), folders of
    either, or IngestResults already in memory (validated in this process). config: setting overrides, e.g.
    {"satisfaction-floor": 90}. disabled: rule ids to skip. workers: processes (default: one per CPU, never more than
    there are files; 1 = in this process). link: run mandate linking on source documents (R40 needs the links).
    """
    options = Options(tuple(sorted((k, str(v)) for k, v in (config or {}).items())), frozenset(disabled), link)
    load_shapes(dict(options.config), options.disabled)  # bad settings or rule ids fail here, once, not per worker
    slots: list[list[DocumentReport] | None] = []
    jobs: list[tuple[int, str]] = []
    for src in sources:
        if isinstance(src, IngestResult):
            slots.append([_validate_result(src, options)])
            continue
        files, problems = expand_sources([src])
        slots.append(None if files else problems)
        for f in files:
            jobs.append((len(slots) - 1, f))
    n = default_workers(len(jobs)) if workers is None else max(1, workers)
    if n == 1 or len(jobs) <= 1:
        done = [_worker((path, options)) for _, path in jobs]
    else:
        with ProcessPoolExecutor(max_workers=min(n, len(jobs))) as pool:
            chunk = max(1, len(jobs) // (4 * n))
            done = list(pool.map(_worker, [(path, options) for _, path in jobs], chunksize=chunk))
    per_slot: dict[int, list[DocumentReport]] = {}
    for (slot, _), reports in zip(jobs, done):
        per_slot.setdefault(slot, []).extend(reports)
    out: list[DocumentReport] = []
    for i, existing in enumerate(slots):
        out.extend(existing if existing is not None else per_slot.get(i, []))
    return out


__all__ = ["Options", "default_workers", "expand_sources", "validate_documents", "validate_graph"]
