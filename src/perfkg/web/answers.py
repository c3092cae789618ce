"""Answers of the endpoint as bytes: rdflib's and the results module's writers, cut to max_rows and max_bytes.

Runs inside a query worker. A job (perfkg.web.worker.Job) names the negotiated format for each kind of answer and
the limits; render() returns the bytes and what the endpoint must say about them (kind, format, cut, replaced).
"""
from __future__ import annotations

import json
import re

from rdflib import Graph, Variable
from rdflib.query import Result

from perfkg.results import ResultTable, term_to_json, to_csv, to_tsv

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> tuple[str, int]:
    """Characters XML 1.0 cannot carry at all become U+FFFD (counted); CR becomes &#13; (kept, not normalised)."""
    text, replaced = _NOT_XML.subn("\ufffd", text)
    return text.replace("\r", "&#13;"), replaced


def _select_body(table: ResultTable, fmt: str, cut: str | None, job) -> tuple[str, int]:
    if fmt == "json":
        doc = {"head": {"vars": table.vars}, "results": {"bindings": [
            {v: term_to_json(t) for v, t in zip(table.vars, row) if t is not None} for row in table.rows]}}
        if cut:
            doc["perfkg"] = {"truncated": True, "cut_by": cut, "max_rows": job.max_rows, "max_bytes": job.max_bytes}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")), 0
    if fmt == "xml":
        result = Result("SELECT")
        result.vars = [Variable(v) for v in table.vars]
        result.bindings = [{Variable(v): t for v, t in zip(table.vars, row) if t is not None} for row in table.rows]
        text = result.serialize(format="xml", encoding="utf-8").decode("utf-8")
        if cut:
            text = text.replace("</head>", '<link href="urn:perfkg:truncated"/></head>', 1)
        return xml_safe(text)
    return (to_csv if fmt == "csv" else to_tsv)(table), 0


def _ask_body(value: bool, fmt: str) -> tuple[str, int]:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}), 0
    if fmt == "xml":
        result = Result("ASK")
        result.askAnswer = value
        return result.serialize(format="xml", encoding="utf-8").decode("utf-8"), 0
    word = "true" if value else "false"  # W3C CSV/TSV define no boolean form; this is the common convention
    return (f"_askResult\r\n{word}\r\n" if fmt == "csv" else f"?_askResult\n{word}\n"), 0


def _graph_body(triples: list, fmt: str, cut: str | None, job) -> tuple[str, int]:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    text = graph.serialize(format={"turtle": "turtle", "nt": "nt", "rdfxml": "xml", "jsonld": "json-ld"}[fmt])
    if fmt == "rdfxml":
        return xml_safe(text)
    if cut and fmt in ("turtle", "nt"):
        limit = f"{job.max_rows} triples" if cut == "rows" else f"{job.max_bytes} bytes"
        text = f"# perfkg: truncated at {limit} / 结果已截断\n" + text
    return text, 0


def _lexical_size(row) -> int:
    return sum(len(str(t)) for t in row if t is not None)


def render(value, job) -> tuple[bytes, dict]:
    """The answer's bytes and what the endpoint needs to know about them (kind, format, cut, replaced)."""
    if isinstance(value, bool):
        kind, fmt = "ask", job.result_format
    elif isinstance(value, ResultTable):
        kind, fmt, rows = "select", job.result_format, list(value.rows)
    else:
        kind, fmt, rows = "graph", job.graph_format, list(value)
    if fmt is None:
        return b"", {"kind": kind}
    if kind == "ask":
        text, replaced = _ask_body(value, fmt)
        return text.encode("utf-8"), {"kind": kind, "format": fmt, "cut": None, "replaced": replaced}
    cut = "rows" if getattr(value, "truncated", False) else None
    total = 0  # characters <= UTF-8 bytes: a first cut that never drops a row that could fit
    for i, row in enumerate(rows):
        total += _lexical_size(row)
        if total > job.max_bytes:
            rows, cut = rows[:i], "bytes"
            break

    def body(rows, cut):
        if kind == "select":
            text, replaced = _select_body(ResultTable(value.vars, rows, bool(cut)), fmt, cut, job)
        else:
            text, replaced = _graph_body(rows, fmt, cut, job)
        return text.encode("utf-8"), replaced

    data, replaced = body(rows, cut)
    while len(data) > job.max_bytes and rows:  # markup counts too: shrink in proportion until it fits
        keep = min(len(rows) - 1, int(len(rows) * job.max_bytes / len(data) * 0.95))
        rows, cut = rows[:max(keep, 0)], "bytes"
        data, replaced = body(rows, cut)
    return data, {"kind": kind, "format": fmt, "cut": cut, "replaced": replaced, "rows": len(rows)}
