"""Reads RDF files given as input safely: nothing fetched, no XML entities, bounded literals, and each file may only
write the graphs of the documents it describes."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, RDF

from perfkg.errors import InputError
from perfkg.vocab import PERFKG

RDF_FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld",
               ".json": "json-ld", ".rdf": "xml", ".owl": "xml"}
QUAD_FORMATS = ("trig", "nquads", "json-ld")
INFERRED = "/inferred"  # <document>/inferred holds what reasoning added (perfkg reason)


@dataclass
class InputGraph:
    """One named graph an RDF file writes: a document's graph (graph == document) or its inferred graph."""

    graph_iri: URIRef
    document: URIRef
    graph: Graph


def _refuse(path: str, line: int | None, zh: str, en: str) -> InputError:
    return InputError(path, line, zh, en)


def _check_lines(text: str, path: str, max_literal: int) -> None:
    """N-Triples/N-Quads hold a literal on one line; rdflib's line parser is quadratic in its length, so the line
    length is checked before parsing (a 1 MB literal takes 13 s, a 20 MB one hangs)."""
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > max_literal:
            raise _refuse(path, number, f"行长 {len(line)} 字符，超过字面量上限 {max_literal}（--max-literal）",
                          f"line of {len(line)} characters exceeds the literal limit {max_literal} (--max-literal)")


def _check_xml(data: bytes, path: str, max_literal: int) -> None:
    """No DTD entity declarations (billion laughs), no external references, no text run above the literal limit."""
    import xml.sax

    import defusedxml.sax
    from defusedxml import DefusedXmlException

    class Bounded(xml.sax.ContentHandler):
        run = 0

        def startElement(self, name, attrs):  # noqa: N802 (SAX API)
            self.run = 0
            for value in attrs.values():
                self.check(len(value))

        def characters(self, content):
            self.run += len(content)
            self.check(self.run)

        def check(self, size):
            if size > max_literal:
                line = self._locator.getLineNumber() if getattr(self, "_locator", None) else None
                raise _refuse(path, line, f"文本长度超过字面量上限 {max_literal} 字符（--max-literal）",
                              f"text longer than the literal limit of {max_literal} characters (--max-literal)")

    try:
        defusedxml.sax.parseString(data, Bounded(), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as e:
        raise _refuse(path, None, f"拒绝 XML 实体声明或外部引用（可被用于“十亿笑声”攻击）：{e}",
                      f"XML entity declarations and external references are refused (billion laughs): {e}") from None
    except xml.sax.SAXParseException as e:
        raise _refuse(path, e.getLineNumber(), f"XML 解析失败：{e.getMessage()}",
                      f"cannot parse XML: {e.getMessage()}") from None


def _remote_contexts(node, found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                values = value if isinstance(value, list) else [value]
                found += [v for v in values if isinstance(v, str)]
                if key == "@context":
                    _remote_contexts([v for v in values if not isinstance(v, str)], found)
            else:
                _remote_contexts(value, found)
    elif isinstance(node, list):
        for item in node:
            _remote_contexts(item, found)


def _check_json_ld(text: str, path: str, max_literal: int) -> None:
    """A JSON-LD input must carry its context inline: a referenced context would be fetched from the network."""
    try:
        data = json.loads(text)
    except ValueError as e:
        raise _refuse(path, getattr(e, "lineno", None), f"JSON 解析失败：{e}", f"cannot parse JSON: {e}") from None
    found: list[str] = []
    _remote_contexts(data, found)
    if found:
        raise _refuse(path, None, f"JSON-LD 引用了外部 @context（{found[0]}）；perfkg 不会联网获取，请内联上下文",
                      f"JSON-LD refers to a remote @context ({found[0]}); perfkg never fetches it: inline the context")


def _line_of(error: Exception) -> int | None:
    line = getattr(error, "lines", None)  # rdflib's BadSyntax counts lines from 0
    if isinstance(line, int):
        return line + 1
    line = getattr(error, "line", None)
    return line if isinstance(line, int) else None


def parse_rdf(path: str | Path, data: bytes, fmt: str, *, max_literal: int) -> Dataset:
    """Parse an input file's bytes after the safety checks; every failure is an InputError naming the file."""
    shown = str(path)
    if fmt == "xml":
        _check_xml(data, shown, max_literal)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise _refuse(shown, line, "RDF 文件不是 UTF-8 编码", "RDF file is not UTF-8") from None
    if fmt in ("nt", "nquads"):
        _check_lines(text, shown, max_literal)
    if fmt == "json-ld":
        _check_json_ld(text, shown, max_literal)
    ds = Dataset()
    try:
        if fmt in QUAD_FORMATS:
            ds.parse(data=text, format=fmt)
        else:
            ds.graph(DATASET_DEFAULT_GRAPH_ID).parse(data=text, format=fmt)
    except Exception as e:  # rdflib raises many types; each is reported with the file name
        raise _refuse(shown, _line_of(e), f"RDF 解析失败：{e}", f"cannot parse RDF: {e}") from None
    return ds


def document_graphs(ds: Dataset, path: str, *, max_literal: int) -> list[InputGraph]:
    """The graphs a file may write: each document's own graph and its <document>/inferred graph, nothing else.

    A triples file (or a TriG file without named graphs) describes exactly one document and becomes its graph."""
    graphs = {g.identifier: g for g in ds.graphs() if len(g)}
    default = graphs.pop(DATASET_DEFAULT_GRAPH_ID, None)
    if default is not None and graphs:
        raise _refuse(path, None, "文件的默认图中有三元组；每份文档应在以其 IRI 命名的图中",
                      "the file has triples outside a named graph; each document belongs in the graph named by its IRI")
    if default is not None:
        docs = sorted(set(default.subjects(RDF.type, PERFKG.BudgetDocument)))
        if len(docs) != 1:
            raise _one_document(path, len(docs))
        graphs = {docs[0]: default}
    described = {doc for g in graphs.values() for doc in g.subjects(RDF.type, PERFKG.BudgetDocument)}
    if not described:
        raise _one_document(path, 0)
    out = []
    for name in sorted(graphs, key=str):
        g = graphs[name]
        docs = set(g.subjects(RDF.type, PERFKG.BudgetDocument))
        if len(docs) > 1:
            raise _one_document(path, len(docs))
        base = URIRef(str(name)[: -len(INFERRED)]) if str(name).endswith(INFERRED) else None
        if docs == {name}:
            document = URIRef(str(name))
        elif not docs and base in described:
            document = base
        else:
            raise _refuse(path, None, f"文件写入图 <{name}>，它不是文件所描述文档的图；输入只能写入其文档的图",
                          f"the file writes the graph <{name}>, which is not the graph of a document it describes; "
                          "an input may only write its own documents' graphs")
        _check_graph(g, path, max_literal)
        copy = Graph()
        copy += g
        out.append(InputGraph(URIRef(str(name)), document, copy))
    return out


def _one_document(path: str, count: int) -> InputError:
    if count == 0:
        return _refuse(path, None, "文件中没有绩效文本（perfkg:BudgetDocument），不是绩效文本的 RDF",
                       "no document (perfkg:BudgetDocument) in this file: not a perfkg document graph")
    return _refuse(path, None, f"一个图中有 {count} 份文档；请每份文档一个命名图（TriG）或一个文件",
                   f"one graph holds {count} documents; give each document its own named graph (TriG) or file")


def _check_graph(g: Graph, path: str, max_literal: int) -> None:
    if (None, OWL.imports, None) in g:
        target = next(g.objects(None, OWL.imports))
        raise _refuse(path, None, f"输入含 owl:imports <{target}>；perfkg 不跟随导入，请去掉该三元组",
                      f"the input has owl:imports <{target}>; perfkg never follows imports: remove the triple")
    for o in g.objects():
        if isinstance(o, Literal) and len(o) > max_literal:
            raise _refuse(path, None, f"字面量长 {len(o)} 字符，超过上限 {max_literal}（--max-literal）",
                          f"a literal of {len(o)} characters exceeds the limit {max_literal} (--max-literal)")

