"""The ingestion pipeline as a library: source files -> parsed documents -> RDF graphs, one bad file never spoiling the rest."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from perfkg.errors import InputError
from perfkg.model import BudgetDocument
from perfkg.parse.layout import Layout
from perfkg.parse.readers import DOCUMENT_SUFFIXES, read_document
from perfkg.rdf.locations import add_locations
from perfkg.rdf.mapping import document_graph
from perfkg.rdf.serialise import FORMATS, canonical_format, serialise_dataset, serialise_graph

SOURCE_SUFFIXES = DOCUMENT_SUFFIXES  # text, PDF, XLSX/XLS/ODS, DOCX, HTML (parse/readers.py)
RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld",
                ".json": "json-ld", ".rdf": "xml", ".owl": "xml"}


@dataclass
class Coverage:
    total: int  # non-blank lines
    content: int  # mapped to an element
    layout: int  # explicitly classified layout (TOC, headings, table headers, duplicates)
    unrecognised: list[int] = field(default_factory=list)

    @property
    def mapped(self) -> int:
        return self.content + self.layout

    @property
    def percent(self) -> float:
        return 100.0 * self.mapped / self.total if self.total else 100.0


@dataclass
class IngestResult:
    path: str
    document: BudgetDocument | None = None
    graph_iri: URIRef | None = None
    graph: Graph | None = None
    error: InputError | None = None
    layout: Layout | None = None  # the file as its reader saw it (container, pages/sheets, notices)

    @property
    def ok(self) -> bool:
        return self.error is None

    def coverage(self) -> Coverage:
        doc = self.document
        if doc is None:
            return Coverage(0, 0, 0)
        content = layout = 0
        unrecognised = []
        for line, keys in doc.line_map.items():
            if keys == ["unrecognised"]:
                unrecognised.append(line)
            elif all(k.startswith("layout:") for k in keys):
                layout += 1
            else:
                content += 1
        return Coverage(len(doc.line_map), content, layout, sorted(unrecognised))

    def summary(self) -> str:
        name = Path(self.path).name
        if self.error:
            return f"✗ {self.error.message_zh}\n  {self.error.message_en}"
        c = self.coverage()
        doc = self.document
        assert doc is not None
        return (f"✓ {name}: {c.mapped}/{c.total} 非空行已映射 lines mapped ({c.percent:.1f}%; "
                f"内容 content {c.content}, 版式 layout {c.layout}), 未识别 unrecognised {len(c.unrecognised)}; "
                f"{len(doc.projects)} 项目 projects, "
                f"{sum(len(p.indicators) for p in doc.projects)} 指标 indicators, "
                f"{len(doc.warnings)} 解析警告 parse warnings, {len(self.graph or [])} 三元组 triples"
                + "".join(f"\n  ! {n.describe()}" for n in (self.layout.notices if self.layout else [])))

    def line_map_tsv(self) -> str:
        """line, status, element(s), text, location: every non-blank line (for a PDF, workbook, Word file or web
        page: every paragraph and table row, in reading order) and what it became, with its place in the file."""
        doc = self.document
        assert doc is not None
        from perfkg.rdf.iris import IriMinter

        minter = IriMinter(doc)
        locations = self.layout.locations() if self.layout is not None and self.layout.source is None else {}
        rows = ["line\tstatus\telements\ttext\tlocation"]
        for line in sorted(doc.line_map):
            keys = doc.line_map[line]
            if keys == ["unrecognised"]:
                status, elements = "unrecognised", ""
            elif all(k.startswith("layout:") for k in keys):
                status, elements = "layout", ",".join(k.split(":", 1)[1] for k in keys)
            else:
                status = "mapped"
                elements = ",".join(str(minter.key(k)) for k in keys if not k.startswith("layout:"))
            text = doc.lines[line - 1].replace("\t", " ⇥ ").strip()
            where = locations.get(line)
            place = f"{where.describe('zh')} / {where.describe('en')}" if where else f"第 {line} 行 / line {line}"
            rows.append(f"{line}\t{status}\t{elements}\t{text}\t{place}")
        return "\n".join(rows) + "\n"


def collect_sources(sources: list[str | Path], suffixes: tuple[str, ...] = SOURCE_SUFFIXES
                    ) -> tuple[list[Path], list[InputError]]:
    """Expand folders into their files with these suffixes (sorted); errors for missing paths and empty folders."""
    files: list[Path] = []
    errors: list[InputError] = []
    for src in sources:
        p = Path(src)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
            if not found:
                kinds = "绩效文本" if suffixes == SOURCE_SUFFIXES else "绩效文本或 RDF 文件"
                kinds_en = "documents (text, PDF, workbook, Word, web page)" if suffixes == SOURCE_SUFFIXES \
                    else "documents or RDF files"
                errors.append(InputError(str(src), None, f"目录中没有{kinds}", f"no {kinds_en} in this folder"))
            files.extend(found)
        elif not p.exists():
            errors.append(InputError(str(src), None, "文件不存在", "file not found"))
        else:
            files.append(p)
    return files, errors


def ingest_file(path: str | Path, *, link: bool = True, self_contained: bool = True) -> IngestResult:
    """Parse one file and map it to RDF; errors are returned, never raised.

    self_contained: linked graphs carry a copy of their mandate scheme, so a file answers mandate queries on its
    own; a store that holds the vocabulary graph once does not need it (see backends.load_items).
    """
    result = IngestResult(str(path))
    try:
        doc, result.layout = read_document(path)
    except InputError as e:
        result.error = e
        return result
    result.document = doc
    result.graph_iri, result.graph = document_graph(doc)
    if link:
        from perfkg.link import link_document

        link_document(result.graph, result.graph_iri, lines=doc.lines, with_schemes=self_contained)
    add_locations(result.graph, result.layout)  # PDF, workbook, Word, web page: page/sheet/table/row
    return result


def ingest(sources: list[str | Path], *, link: bool = True) -> list[IngestResult]:
    files, errors = collect_sources(sources)
    results = [IngestResult(e.path, error=e) for e in errors]
    results += [ingest_file(f, link=link) for f in files]
    return results


def dataset_of(results: list[IngestResult]) -> Dataset:
    ds = Dataset(default_union=True)
    for r in results:
        if r.graph is not None:
            ds.graph(r.graph_iri).__iadd__(r.graph)
    return ds


def write_outputs(results: list[IngestResult], out_dir: str | Path, formats: list[str], line_map: bool) -> list[Path]:
    """One file per document and format, plus corpus.trig with every document as a named graph."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    good = [r for r in results if r.ok]
    for r in good:
        stem = Path(r.path).stem
        for fmt in formats:
            fmt = canonical_format(fmt)
            path = out / f"{stem}{FORMATS[fmt]}"
            if fmt in ("trig", "nquads"):
                ds = Dataset()
                ds.graph(r.graph_iri).__iadd__(r.graph)
                path.write_text(serialise_dataset(ds, fmt), encoding="utf-8")
            else:
                path.write_text(serialise_graph(r.graph, fmt), encoding="utf-8")
            written.append(path)
        if line_map:
            path = out / f"{stem}.lines.tsv"
            path.write_text(r.line_map_tsv(), encoding="utf-8")
            written.append(path)
    if good:
        path = out / "corpus.trig"
        path.write_text(serialise_dataset(dataset_of(good), "trig"), encoding="utf-8")
        written.append(path)
    return written


def load_rdf(path: str | Path, into: Dataset) -> None:
    """Read an RDF file into a dataset (quads formats keep their graphs); raise InputError when unreadable."""
    p = Path(path)
    fmt = RDF_SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        raise InputError(str(path), None, "无法识别的 RDF 文件类型", f"unknown RDF file type {p.suffix!r}")
    try:
        if fmt in ("trig", "nquads"):
            into.parse(p, format=fmt)
        else:
            into.graph(URIRef(p.resolve().as_uri())).parse(p, format=fmt)
    except Exception as e:  # rdflib raises many types; report them all with the file name
        line = getattr(e, "lines", None)  # rdflib's BadSyntax counts lines from 0
        line = line + 1 if isinstance(line, int) else getattr(e, "line", None)
        raise InputError(str(path), line if isinstance(line, int) else None,
                         f"RDF 解析失败：{e}", f"cannot parse RDF: {e}") from None
