"""Query results as one engine-neutral table: comparison across engines, W3C JSON both ways, and renderings."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
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

    def comparable(self, lists: dict[str, str] | None = None) -> Counter:
        """The rows as an order-free multiset that compares across engines.

        Numbers compare by value (40 = 40.0 = "40.00"^^xsd:decimal), language tags case-insensitively, blank
        nodes as one marker; a row that appears twice counts twice. ``lists`` maps the columns a query fills with
        a bare GROUP_CONCAT (group_concat_columns()) to their separator: such a cell compares as the multiset of
        its items. SPARQL 1.1 leaves the order of an aggregate's input unspecified (§18.5.1.7: "the order of the
        strings is not defined"), no standard syntax can fix it, and engines differ (Virtuoso does not keep a
        subquery's ORDER BY inside GROUP_CONCAT); every item, its count and every other column still compare exactly.
        """
        index = {self.vars.index(v): sep for v, sep in (lists or {}).items() if v in self.vars}
        return Counter(tuple(_list_items(t, index[i]) if i in index else _comparable(t) for i, t in enumerate(row))
                       for row in self.rows)

    def as_set(self) -> set[tuple]:
        """The distinct rows of comparable() (duplicates ignored)."""
        return set(self.comparable())

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


def _list_items(term: Node | None, separator: str):
    """A GROUP_CONCAT cell as the sorted tuple of its items (a hashable multiset)."""
    if term is None:
        return None
    language = term.language.lower() if isinstance(term, Literal) and term.language else None
    return ("list", tuple(sorted(str(term).split(separator))), language)


def group_concat_columns(sparql: str) -> dict[str, str]:
    """The result columns bound directly to a GROUP_CONCAT, with their separators (from rdflib's algebra)."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.algebra import traverse
    from rdflib.plugins.sparql.parserutils import CompValue

    aggregates, columns = {}, {}

    def visit(node):
        if isinstance(node, CompValue) and node.name == "Aggregate_GroupConcat":
            aggregates[str(node.res)] = str(node.get("separator") or " ")
        elif isinstance(node, CompValue) and node.name == "Extend":
            columns[str(node.var)] = str(node.expr)

    traverse(prepareQuery(sparql).algebra, visitPost=visit)
    return {var: aggregates[expr] for var, expr in columns.items() if expr in aggregates}


def _cell(term: Node | None) -> str:
    if term is None:
        return ""
    return str(term)


# -- W3C SPARQL 1.1 Query Results JSON / CSV / TSV -------------------------------------------


def term_to_json(term: Node) -> dict:
    """One RDF term as a W3C SPARQL 1.1 Results JSON cell (the inverse of term_from_json)."""
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


def term_from_json(cell: dict | None) -> Node | None:
    """One SPARQL JSON result cell as an rdflib term (the inverse of term_to_json).

    Also reads Virtuoso's dialect: "typed-literal", nodeID:// blank nodes, booleans as "1"/"0".
    """
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value.removeprefix("nodeID://"))
    lang = cell.get("xml:lang")
    if lang:
        return Literal(value, lang=lang)
    datatype = cell.get("datatype")
    if datatype == str(XSD.boolean) and value in ("0", "1"):
        value = "true" if value == "1" else "false"  # same value, canonical form (as CONSTRUCT gives it)
    return Literal(value, datatype=URIRef(datatype) if datatype else None)


def table_from_json(data: dict) -> ResultTable:
    """A SELECT result in W3C SPARQL 1.1 Results JSON (already decoded) as a ResultTable."""
    names = list(data["head"].get("vars", []))
    rows = [tuple(term_from_json(b.get(n)) for n in names) for b in data["results"]["bindings"]]
    return ResultTable(names, rows)


def to_json(table: ResultTable) -> str:
    bindings = [
        {name: term_to_json(t) for name, t in zip(table.vars, row) if t is not None} for row in table.rows
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


def answer_from_rdflib(result):
    """An rdflib query Result as what every store returns: ResultTable, bool or rdflib Graph."""
    if result.type == "SELECT":
        return ResultTable.from_rdflib(result)
    if result.type == "ASK":
        return bool(result.askAnswer)
    return result.graph
