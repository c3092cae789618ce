"""Validates documents one by one (never the corpus as one graph), in worker processes across documents."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Mapping

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from perfkg.batch import run_each
from perfkg.errors import InputError
from perfkg.sources import DEFAULT_LIMITS, Identities, Identity, IngestResult, Limits, collect, read_items
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
    doc = document or next(iter(graph.subjects(RDF.type, PERFKG.BudgetDocument)), None)
    kinds = frozenset(graph.objects(doc, RDF.type)) if doc is not None else frozenset()  # shapes/layouts.ttl
    shapes = load_shapes(config, frozenset(disabled), kinds)
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


def _validate_path(path: str, options: Options, limits: Limits) -> list[tuple[Identity | None, DocumentReport]]:
    """One input file -> (identity, report) per document in it (a TriG file may hold several)."""
    out = []
    for item in read_items(path, link=options.link, limits=limits):
        if item.error is not None:
            raise item.error
        if not item.is_document:  # a <document>/inferred graph is not validated on its own
            continue
        if item.result is not None:
            report = _validate_result(item.result, options)
        else:
            report = validate_graph(item.graph, source=path, config=dict(options.config), disabled=options.disabled,
                                    document=item.document)
        out.append((Identity.of(item), report))
    return out


def default_workers(jobs: int) -> int:
    return max(1, min(jobs, os.cpu_count() or 1))


def validate_documents(sources: Iterable[str | Path | IngestResult], *, config: Mapping[str, object] | None = None,
                       disabled: Iterable[str] = (), workers: int | None = None, link: bool = True,
                       limits: Limits = DEFAULT_LIMITS,
                       on_error: Callable[[InputError], None] | None = None, progress: bool = False
                       ) -> list[DocumentReport]:
    """Validate each document separately, in worker processes under the limits; reports come back in input order.

    sources: source documents, RDF files (a TriG file may hold one document per named graph), folders of either,
    or IngestResults already in memory (validated in this process). config: setting overrides, e.g.
    {"satisfaction-floor": 90}. disabled: rule ids to skip. workers: processes (default: one per CPU, never more than
    there are files). link: run mandate linking on source documents (R40 needs the links). on_error: called with
    every input refused (unreadable, over a limit, an identity collision, an internal error) as it happens.
    progress: show the files' progress on stderr (perfkg.progress: a bar on a terminal, periodic lines otherwise).
    """
    options = Options(tuple(sorted((k, str(v)) for k, v in (config or {}).items())), frozenset(disabled), link)
    load_shapes(dict(options.config), options.disabled)  # bad settings or rule ids fail here, once, not per worker
    slots: list[list[DocumentReport] | None] = []
    jobs: list[tuple[int, str]] = []
    for src in sources:
        if isinstance(src, IngestResult):
            slots.append([_validate_result(src, options)])
            continue
        files, errors = collect([src], rdf=True)
        slots.append(None if files else [_refused(e, on_error) for e in errors])
        jobs += [(len(slots) - 1, str(f)) for f in files]
    per_slot: dict[int, list[DocumentReport]] = {}
    identities = Identities()
    task = partial(_validate_path, options=options, limits=limits)
    n = default_workers(len(jobs)) if workers is None else max(1, workers)
    outcomes = run_each(task, [p for _, p in jobs], seconds=limits.seconds, memory_mb=limits.memory_mb, workers=n)
    if progress:
        from perfkg.progress import track

        outcomes = track(outcomes, len(jobs), "检查", "validate")
    for (slot, _), (path, outcome) in zip(jobs, outcomes):
        reports = per_slot.setdefault(slot, [])
        if isinstance(outcome, InputError):
            reports.append(_refused(outcome, on_error))
            continue
        for identity, report in outcome:
            clash = identities.check(identity) if identity is not None else None
            reports.append(report if clash is None else _refused(clash, on_error))
    out: list[DocumentReport] = []
    for i, existing in enumerate(slots):
        out.extend(existing if existing is not None else per_slot.get(i, []))
    return out


def _refused(error: InputError, on_error: Callable[[InputError], None] | None) -> DocumentReport:
    if on_error is not None:
        on_error(error)
    return DocumentReport(source=error.path, problem=_problem(error))


__all__ = ["Options", "default_workers", "validate_documents", "validate_graph"]
