"""The one loader from sources to document graphs: which files (devices and oversized files refused before they are
opened), which reader (one table, by suffix), the limits, and each document's identity within a batch and a store.

Every command — ingest, validate, load, link, reason, demo, query --data — reads its inputs through here. A new
container (PDF, workbook, Word, HTML) plugs in by adding its reader to DOCUMENT_READERS (and, for a binary
container, its suffix to CONTAINER_SUFFIXES, so that the container size limit applies).
"""
from __future__ import annotations

import os
import stat
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Graph, URIRef

from perfkg.errors import InputError, InternalError, PerfkgError
from perfkg.model import BudgetDocument
from perfkg.parse.readers import DOCUMENT_SUFFIXES, cell_coverage, parse_path
from perfkg.rdf.inputs import RDF_FORMATS, document_graphs, parse_rdf
from perfkg.rdf.locations import add_line_locations
from perfkg.rdf.mapping import document_graph
from perfkg.vocab import PERFKG, SKOS

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one input may cost; every figure has a command-line flag (cli.add_limit_options)."""

    max_size_mb: float = 20.0  # a text document or an RDF file (--max-size)
    max_container_mb: float = 100.0  # a binary container: PDF, workbook, Word (--max-container-size)
    max_literal: int = 100_000  # characters in one RDF literal or N-Triples line (--max-literal)
    seconds: float = 300.0  # wall-clock time per input file in batch work (--time-limit)
    memory_mb: int = 2048  # memory a worker may add while it processes one file (--memory-limit)


DEFAULT_LIMITS = Limits()

# --- readers: the one place where a file type is dispatched -----------------------------------------------------
# suffix -> reader of a source document (the model of issue "read documents as they are published" plugs in here)
# every container is read through parse/readers.py (the content decides: a .pdf that is HTML is read as HTML)
DOCUMENT_READERS: dict[str, Callable[[Path], BudgetDocument]] = {suffix: parse_path for suffix in DOCUMENT_SUFFIXES}
# suffixes of binary containers, whose size limit is max_container_mb
CONTAINER_SUFFIXES: frozenset[str] = frozenset(s for s in DOCUMENT_SUFFIXES if s not in (".txt", ".text"))


def kind_of(path: Path) -> str | None:
    """"document" (a source document), "rdf" (an RDF file) or None (not an input perfkg reads)."""
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_READERS:
        return "document"
    if suffix in RDF_FORMATS:
        return "rdf"
    return None


def read_document(path: Path) -> BudgetDocument:
    """The document model of a source file, by its reader; a file named explicitly with another suffix is text."""
    return DOCUMENT_READERS.get(path.suffix.lower(), parse_path)(path)


# --- one parsed source document -----------------------------------------------------------------------------------
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
    """A source document: its model and graph, or the error that kept it from having one."""

    path: str
    document: BudgetDocument | None = None
    graph_iri: URIRef | None = None
    graph: Graph | None = None
    error: InputError | None = None

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
        if self.error:
            return f"✗ {self.error.message_zh}\n  {self.error.message_en}"
        c = self.coverage()
        doc = self.document
        assert doc is not None
        return (f"✓ {Path(self.path).name}: {c.mapped}/{c.total} 非空行已映射 lines mapped ({c.percent:.1f}%; "
                f"内容 content {c.content}, 版式 layout {c.layout}), 未识别 unrecognised {len(c.unrecognised)}; "
                + ("{}/{} 单元格已读 table cells read; ".format(*cell_coverage(doc)) if doc.locations else "") +
                f"{len(doc.projects)} 项目 projects, "
                f"{sum(len(p.indicators) for p in doc.projects)} 指标 indicators, "
                + "".join(f"{len(t.indicators)} 部门整体指标 department-level indicators, "  # parse/tables
                          for t in getattr(doc, "department_tables", ()))
                + f"{len(doc.warnings)} 解析警告 parse warnings, {len(self.graph or [])} 三元组 triples"
                + "".join(f"\n  ! {n.describe()}" for n in doc.notices)  # budget sheets, pages without text
                + "".join(f"\n  ! {n.describe()}" for n in getattr(doc, "notes", ())
                          if n.kind in ("named-sheet", "incomplete-row")))  # parse/tables: named sheets, cut rows

    def line_map_tsv(self) -> str:
        """line, status, element(s), text, location: every non-blank line (of a PDF, workbook, Word file or web page:
        every paragraph and table row, in reading order) and what it became, with its place in the file."""
        doc = self.document
        assert doc is not None
        from perfkg.rdf.iris import IriMinter

        minter = IriMinter(doc)
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
            where = doc.locations.get(line)
            place = f"{where.describe('zh')} / {where.describe('en')}" if where else f"第 {line} 行 / line {line}"
            rows.append(f"{line}\t{status}\t{elements}\t{text}\t{place}")
        return "\n".join(rows) + "\n"


def ingest_file(path: str | Path, *, link: bool = True, self_contained: bool = True, lexicon=None,
                limits: Limits = DEFAULT_LIMITS) -> IngestResult:
    """Read one source document and map it to RDF (linked to mandates unless link=False); errors are returned.

    self_contained: linked graphs carry a copy of their mandate scheme, so a file answers mandate queries on its
    own; a store that holds the vocabulary graph once does not need it.
    """
    result = IngestResult(str(path))
    try:
        check_file(Path(path), limits)
        doc = read_document(Path(path))
    except InputError as e:
        result.error = e
        return result
    result.document = doc
    result.graph_iri, result.graph = document_graph(doc)
    if link:
        from perfkg.link import link_document

        link_document(result.graph, result.graph_iri, lexicon=lexicon, lines=doc.lines, with_schemes=self_contained)
    add_line_locations(result.graph, doc.locations, doc.container)  # PDF, workbook, Word, web page: page/sheet/row
    return result


# --- files --------------------------------------------------------------------------------------------------------
def check_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse, from stat alone (the file is never opened), what is not a regular file or is over its size limit."""
    shown = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(shown, None, "文件不存在", "file not found") from None
    except OSError as e:
        raise InputError(shown, None, f"无法读取文件：{e.strerror}", f"cannot read file: {e.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(shown, None, "这是一个目录，不是文件", "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(shown, None, "不是普通文件（设备、管道或套接字），不读取",
                         "not a regular file (a device, FIFO or socket): not read")
    container = path.suffix.lower() in CONTAINER_SUFFIXES
    limit = limits.max_container_mb if container else limits.max_size_mb
    if info.st_size > limit * MB:
        flag = "--max-container-size" if container else "--max-size"
        raise InputError(shown, None, f"文件过大：{info.st_size / MB:.1f} MB，上限 {limit:g} MB（{flag}）",
                         f"file too large: {info.st_size / MB:.1f} MB, the limit is {limit:g} MB ({flag})")


def collect(sources: list[str | Path], *, rdf: bool = False) -> tuple[list[Path], list[InputError]]:
    """Folders expand to their inputs (sorted; RDF files too when rdf=True); a file named explicitly is always taken.

    Every entry with a wanted suffix is taken, whatever its type, so that a FIFO or device among them is refused
    with a message (check_file) rather than skipped. The same file named twice is read once."""
    files: list[Path] = []
    errors: list[InputError] = []
    seen: set[Path] = set()
    wanted = set(DOCUMENT_READERS) | (set(RDF_FORMATS) if rdf else set())
    for src in sources:
        p = Path(src)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in wanted and not f.is_dir())
            if not found:
                kinds = ("绩效文本或 RDF 文件", "documents or RDF files") if rdf else \
                    ("绩效文本", "documents (text, PDF, workbook, Word, web page)")
                errors.append(InputError(str(src), None, f"目录中没有{kinds[0]}", f"no {kinds[1]} in this folder"))
        elif not p.exists() and not p.is_symlink():
            errors.append(InputError(str(src), None, "文件不存在", "file not found"))
            continue
        else:
            found = [p]
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files, errors


# --- document graphs ----------------------------------------------------------------------------------------------
@dataclass
class DocumentItem:
    """One named graph from a source: a document's graph (graph_iri == document) or its inferred graph, or the
    error that kept a source from giving any."""

    source: str
    graph_iri: URIRef | None = None
    graph: Graph | None = None
    error: PerfkgError | None = None
    result: IngestResult | None = None  # source documents: the model, coverage and line map
    document: URIRef | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def is_document(self) -> bool:
        return self.graph is not None and self.graph_iri == self.document


def read_items(path: str | Path, *, link: bool = True, self_contained: bool = True, lexicon=None,
               limits: Limits = DEFAULT_LIMITS) -> list[DocumentItem]:
    """Everything one file holds, as document graphs. Never raises: a refused file, and any unexpected failure (an
    internal error, with its traceback kept for --debug), is an item with its error."""
    shown = str(path)
    try:
        p = Path(path)
        if kind_of(p) == "rdf":
            check_file(p, limits)
            ds = parse_rdf(p, p.read_bytes(), RDF_FORMATS[p.suffix.lower()], max_literal=limits.max_literal)
            return [DocumentItem(shown, g.graph_iri, g.graph, document=g.document)
                    for g in document_graphs(ds, shown, max_literal=limits.max_literal)]
        r = ingest_file(p, link=link, self_contained=self_contained, lexicon=lexicon, limits=limits)
        return [DocumentItem(shown, r.graph_iri, r.graph, r.error, r, r.graph_iri)]
    except PerfkgError as e:
        return [DocumentItem(shown, error=as_input_error(e, shown))]
    except Exception as e:  # noqa: BLE001 — a defect in one file's processing never stops the batch
        return [DocumentItem(shown, error=internal_error(shown, e))]


def as_input_error(e: PerfkgError, path: str) -> InputError:
    return e if isinstance(e, InputError) else InputError(path, None, e.message_zh, e.message_en)


def internal_error(path: str, e: BaseException) -> InternalError:
    return InternalError(path, f"{type(e).__name__}: {e}"[:500], traceback.format_exc())


def load_items(sources: list[str | Path], *, link: bool = True, limits: Limits = DEFAULT_LIMITS
               ) -> list[DocumentItem]:
    """Every document graph of these sources, in this process (for small inputs: query --data, tests), without the
    scheme copy a store holds once; folder errors, refused files and identity collisions are items with errors."""
    files, errors = collect(sources, rdf=True)
    items = [DocumentItem(e.path, error=e) for e in errors]
    identities = Identities()
    for path in files:
        for item in read_items(path, link=link, self_contained=False, limits=limits):
            items.append(identities.claim(item))
    return items


# --- identity -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Identity:
    """Who a document graph is: its IRI, and the facts that tell two documents with the same IRI apart."""

    graph_iri: str
    source: str
    organisation: str | None
    sha256: str | None

    @classmethod
    def of(cls, item: DocumentItem) -> "Identity":
        g, doc = item.graph, item.document
        org = g.value(doc, PERFKG.issuedBy) if g is not None else None
        label = g.value(org, SKOS.prefLabel) if org is not None else None
        sha = next(iter(g.objects(None, PERFKG.sha256)), None) if g is not None else None
        return cls(str(item.graph_iri), item.source, str(label) if label is not None else None,
                   str(sha) if sha is not None else None)


class Identities:
    """The graphs one batch has written: a second source with the same document identity is refused, never merged."""

    def __init__(self) -> None:
        self.seen: dict[str, Identity] = {}

    def claim(self, item: DocumentItem) -> DocumentItem:
        """The item itself, or (on a collision) an error item naming both files."""
        if item.graph is None:
            return item
        error = self.check(Identity.of(item))
        return item if error is None else DocumentItem(item.source, error=error, document=item.document)

    def check(self, mine: Identity) -> InputError | None:
        """None when the identity is new in this batch (it is then taken), else the refusal naming both files."""
        other = self.seen.get(mine.graph_iri)
        if other is None:
            self.seen[mine.graph_iri] = mine
            return None
        return collision(mine, other)


def collision(mine: Identity, other: Identity) -> InputError:
    if mine.sha256 and mine.sha256 == other.sha256:
        return InputError(mine.source, None, f"与 {other.source} 内容相同（同一文档给了两次），未重复处理",
                          f"identical to {other.source} (the same document given twice): not processed again")
    if mine.organisation and mine.organisation == other.organisation:
        return InputError(mine.source, None,
                          f"与 {other.source} 是同一单位同一年度的文档 <{mine.graph_iri}>（另一版本或另一种文件格式？）："
                          "一个批次只处理其中一份，此文件未处理",
                          f"{other.source} holds the same unit's document for the same year <{mine.graph_iri}> "
                          "(another revision or file format?): a batch takes one of them; this file was not processed")
    return InputError(mine.source, None,
                      f"文档标识 <{mine.graph_iri}> 与 {other.source} 相同：两份不同的文档不会合并，此文件未处理",
                      f"the document identity <{mine.graph_iri}> is the same as {other.source}'s: two different "
                      "documents are never merged; this file was not processed")


_STORED = """SELECT ?org ?file ?sha WHERE {
  GRAPH <%(g)s> { ?s ?p ?o }
  OPTIONAL { GRAPH <%(g)s> { ?doc a <%(doc)s> ; <%(by)s>/<%(label)s> ?org } }
  OPTIONAL { GRAPH <%(g)s> { ?src <%(file)s> ?file } }
  OPTIONAL { GRAPH <%(g)s> { ?text <%(sha)s> ?sha } }
} LIMIT 1"""


def store_conflict(store, item: DocumentItem) -> InputError | None:
    """A refusal when the store's graph of this IRI belongs to another organisation's document (reloading the same
    document, or a revision of it, replaces it as before)."""
    if not item.is_document:
        return None
    mine = Identity.of(item)
    rows = store.query(_STORED % {"g": mine.graph_iri, "doc": PERFKG.BudgetDocument, "by": PERFKG.issuedBy,
                                  "label": SKOS.prefLabel, "file": PERFKG.sourceFileName,
                                  "sha": PERFKG.sha256}).dicts()
    if not rows:
        return None
    org, file, sha = rows[0].get("org"), rows[0].get("file"), rows[0].get("sha")
    if sha is not None and mine.sha256 == str(sha):
        return None  # the same source text again
    if org is not None and mine.organisation is not None and str(org) == mine.organisation:
        return None
    held = f"{file}（{org}）" if file is not None else "另一文档"
    held_en = f"{file} ({org})" if file is not None else "another document"
    return InputError(item.source, None,
                      f"存储中的图 <{mine.graph_iri}> 属于 {held}：两份不同的文档不会合并，未载入（--force 替换）",
                      f"the store's graph <{mine.graph_iri}> belongs to {held_en}: two different documents are never "
                      "merged; not loaded (--force replaces it)")

