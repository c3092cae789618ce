"""Ingestion as a library: source documents -> RDF files named by document identity, written as each document is
done, never overwriting without saying so; one bad file never spoils the rest."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from perfkg.errors import InputError, PerfkgError
from perfkg.rdf.iris import document_name
from perfkg.rdf.serialise import FORMATS, canonical_format, serialise_dataset, serialise_graph
from perfkg.sources import (DEFAULT_LIMITS, Coverage, DocumentItem, Identities, Identity, IngestResult, Limits,
                            collect, ingest_file)

__all__ = ["Coverage", "IngestResult", "OutputFolder", "Prepared", "ingest", "ingest_file", "prepare",
           "serialise_document", "write_outputs"]


def ingest(sources: list[str | Path], *, link: bool = True, limits: Limits = DEFAULT_LIMITS) -> list[IngestResult]:
    """Every source document of these files and folders, in this process; a second document with the same identity
    is an error naming both files."""
    files, errors = collect(sources)
    results = [IngestResult(e.path, error=e) for e in errors]
    identities = Identities()
    for f in files:
        r = ingest_file(f, link=link, limits=limits)
        if r.ok:
            clash = identities.check(Identity.of(DocumentItem(r.path, r.graph_iri, r.graph, document=r.graph_iri)))
            r = IngestResult(r.path, error=clash) if clash else r
        results.append(r)
    return results


def serialise_document(graph_iri: URIRef, graph: Graph, fmt: str, extra: dict[URIRef, Graph] | None = None) -> str:
    """One document's graph in one format (quads formats keep it, and any extra graph, named)."""
    if fmt in ("trig", "nquads"):
        ds = Dataset()
        ds.graph(graph_iri).__iadd__(graph)
        for name, g in sorted((extra or {}).items()):
            ds.graph(name).__iadd__(g)
        return serialise_dataset(ds, fmt)
    merged = graph
    if extra:
        merged = Graph()
        merged += graph
        for g in extra.values():
            merged += g
    return serialise_graph(merged, fmt)


@dataclass
class Prepared:
    """What a worker hands back for one document: who it is, its coverage line, and its files as text."""

    identity: Identity
    summary: str
    files: dict[str, str]  # file name -> content
    corpus: str | None = None  # the document as a TriG block for corpus.trig


def prepare(result: IngestResult, formats: list[str], *, line_map: bool, corpus: bool) -> Prepared:
    """The output files of one ingested document, named by its identity (130300-731001-2022.ttl, …)."""
    name = document_name(result.graph_iri)
    files = {f"{name}{FORMATS[canonical_format(f)]}": serialise_document(result.graph_iri, result.graph,
                                                                          canonical_format(f)) for f in formats}
    if line_map:
        files[f"{name}.lines.tsv"] = result.line_map_tsv()
    block = serialise_document(result.graph_iri, result.graph, "trig") if corpus else None
    item = DocumentItem(result.path, result.graph_iri, result.graph, document=result.graph_iri)
    return Prepared(Identity.of(item), result.summary(), files, block)


@dataclass
class OutputFolder:
    """Writes each document's files as soon as it is done. A file already there from an earlier run is refused
    unless force=True (then it is replaced and counted); corpus.trig is only written when asked, a block at a time."""

    path: Path
    force: bool = False
    corpus: bool = False
    written: list[Path] = field(default_factory=list)
    replaced: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._mine: dict[Path, str] = {}
        self._corpus = None
        if self.corpus:
            target = self.path / "corpus.trig"
            if target.exists() and not self.force:
                raise PerfkgError(f"{target} 已存在（之前运行的结果？），未覆盖；--force 替换",
                                  f"{target} exists (from an earlier run?): not overwritten; --force replaces it")
            self._replaced_corpus = target.exists()
            self._corpus = target.open("w", encoding="utf-8")

    def write(self, source: str, files: dict[str, str], corpus_block: str | None = None) -> InputError | None:
        """Write one document's files, or refuse all of them (naming the file in the way) and write none."""
        targets = [self.path / name for name in files]
        for target in targets:
            if target.exists() and target.resolve() == Path(source).resolve():
                return InputError(source, None, f"输出文件 {target} 就是输入文件本身，不会覆盖",
                                  f"output {target} is the input file itself: never overwritten")
            if target in self._mine:
                return InputError(source, None, f"输出文件 {target} 与本次运行中 {self._mine[target]} 的输出同名，未覆盖",
                                  f"output {target} has the same name as {self._mine[target]}'s in this run: "
                                  "not overwritten")
            if target.exists() and not self.force:
                return InputError(source, None, f"输出文件 {target} 已存在（之前运行的结果？），未覆盖；--force 替换",
                                  f"output {target} exists (from an earlier run?): not overwritten; --force replaces "
                                  "it")
        for target, text in zip(targets, files.values()):
            if target.exists():
                self.replaced.append(target)
            partial = target.with_name(target.name + ".part")
            partial.write_text(text, encoding="utf-8")
            partial.replace(target)
            self._mine[target] = source
            self.written.append(target)
        if self._corpus is not None and corpus_block is not None:
            self._corpus.write(corpus_block)
            self._corpus.flush()
        return None

    def close(self) -> None:
        if self._corpus is not None:
            self._corpus.close()
            self._corpus = None
            target = self.path / "corpus.trig"
            self.written.append(target)
            if self._replaced_corpus:
                self.replaced.append(target)


def write_outputs(results: list[IngestResult], out_dir: str | Path, formats: list[str], line_map: bool, *,
                  force: bool = False, corpus: bool = False) -> list[Path]:
    """Write the files of documents already ingested; raise on the first output that would overwrite."""
    folder = OutputFolder(Path(out_dir), force=force, corpus=corpus)
    try:
        for r in results:
            if r.ok:
                p = prepare(r, formats, line_map=line_map, corpus=corpus)
                error = folder.write(r.path, p.files, p.corpus)
                if error:
                    raise error
    finally:
        folder.close()
    return folder.written
