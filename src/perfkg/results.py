"""Query results as one engine-neutral table, and its renderings (table, CSV, TSV, JSON, Markdown)."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node


@dataclass
class ResultTable:
    """A SELECT result: variable names and rows of rdflib terms (None = unbound).

    Every backend (rdflib, the embedded Oxigraph store, a remote endpoint) converts to this,
    so formatting and comparison are the same everywhere.
    """

    vars: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    truncated: bool = False  # set when a server cut the result short

    def __len__(self) -> int:
        return len(self.rows)

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.vars, row)) for row in self.rows]

    def column(self, name: str) -> list[Node | None]:
        i = self.vars.index(name)
        return [row[i] for row in self.rows]

    def python_rows(self) -> list[tuple]:
        """Rows as plain Python values (str, int, Decimal, bool, None)."""
        return [tuple(_python(t) for t in row) for row in self.rows]

    def as_set(self) -> set[tuple]:
        """An order-free comparable form (blank nodes reduced to a marker)."""
        return {tuple(_comparable(t) for t in row) for row in self.rows}

    @classmethod
    def from_rdflib(cls, result) -> "ResultTable":
        names = [str(v) for v in result.vars]
        return cls(names, [tuple(row) for row in result])


def _python(term: Node | None):
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(term)
    return str(term)


def _comparable(term: Node | None):
    if term is None:
        return None
    if isinstance(term, BNode):
        return "_:b"
    if isinstance(term, Literal):
        # numbers compare by value: 40.0 (xsd:decimal) == 40.00 as written by another engine
        value = term.toPython()
        if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
            return ("num", float(value))
        # language tags are case-insensitive (BCP 47); Virtuoso returns them lower-cased
        return ("lit", str(term), term.language.lower() if term.language else None)
    return ("iri", str(term))


def _cell(term: Node | None) -> str:
    if term is None:
        return ""
    return str(term)


# -- W3C SPARQL 1.1 Query Results JSON / CSV / TSV -------------------------------------------


def json_term(term: Node) -> dict:
    """One RDF term in W3C SPARQL 1.1 Results JSON."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def to_json(table: ResultTable) -> str:
    bindings = [
        {name: json_term(t) for name, t in zip(table.vars, row) if t is not None} for row in table.rows
    ]
    return json.dumps({"head": {"vars": table.vars}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1)


def to_csv(table: ResultTable) -> str:
    """W3C SPARQL 1.1 CSV: header of variable names, CRLF line ends, plain lexical forms."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.vars)
    for row in table.rows:
        writer.writerow([_cell(t) if not isinstance(t, BNode) else f"_:{t}" for t in row])
    return buf.getvalue()


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    return term.n3()


def to_tsv(table: ResultTable) -> str:
    """W3C SPARQL 1.1 TSV: ?var header, terms in Turtle syntax."""
    lines = ["\t".join("?" + v for v in table.vars)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in table.rows]
    return "\n".join(lines) + "\n"


# -- human renderings -------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Terminal columns: CJK (wide/fullwidth) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def to_table(table: ResultTable, max_cell: int = 60) -> str:
    def clip(s: str) -> str:
        s = s.replace("\n", " ")
        if display_width(s) <= max_cell:
            return s
        out, w = "", 0
        for ch in s:
            cw = display_width(ch)
            if w + cw > max_cell - 1:
                break
            out, w = out + ch, w + cw
        return out + "…"

    cells = [[clip(_cell(t)) for t in row] for row in table.rows]
    widths = [display_width(v) for v in table.vars]
    for row in cells:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row)]
    lines = ["  ".join(_pad(v, w) for v, w in zip(table.vars, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(table.rows)} 行 rows{'; 结果被服务器截断 truncated by the server' if table.truncated else ''})")
    return "\n".join(lines) + "\n"


def to_markdown(table: ResultTable) -> str:
    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(table.vars) + " |", "|" + "---|" * len(table.vars)]
    lines += ["| " + " | ".join(esc(_cell(t)) for t in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


FORMATTERS = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json, "markdown": to_markdown}


def render(table: ResultTable, fmt: str) -> str:
    try:
        return FORMATTERS[fmt](table)
    except KeyError:
        raise ValueError(f"unknown result format {fmt!r}; choose one of {', '.join(FORMATTERS)}") from None
