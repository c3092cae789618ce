"""Query results as one engine-neutral table: comparison across engines, W3C JSON both ways, and renderings."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from perfkg.display import display_width  # noqa: F401 — re-exported: how wide a text is on a terminal


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


def to_table(table: ResultTable, width: int | None = None) -> str:
    """A plain table of the values, headed by the variable names (for_people + people_text read better)."""
    return people_text(for_people(table), "table", width)


def to_markdown(table: ResultTable) -> str:
    return people_text(for_people(table), "markdown")


FORMATTERS = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json, "markdown": to_markdown}
MACHINE_FORMATS = ("json", "csv", "tsv")  # W3C SPARQL 1.1 results formats: variable names, terms as they are
PEOPLE_FORMATS = ("table", "markdown", "csv-excel", "xlsx")  # headings, labels and units in one language


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


# -- for people: headings in one language, labels instead of IRIs and codes, amounts with their unit ----------

AMOUNT_UNITS = ("万元", "元", "亿元")
_SAFE_IRI = re.compile(r"[A-Za-z][\w+.-]*:[^\s<>\"{}|\\^`]*")
_LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label WHERE { VALUES ?s { %s } { ?s skos:prefLabel ?label } UNION { ?s rdfs:label ?label } }"""


@dataclass
class PeopleTable:
    """A result as people read it: one language's headings, labels for IRIs and codes, numbers kept as numbers."""

    headings: list[str]
    units: list[str | None]
    rows: list[list[str | int | float | Decimal | None]]
    truncated: bool = False
    lang: str = "zh"

    def numeric(self, i: int) -> bool:
        values = [row[i] for row in self.rows if row[i] is not None]
        return bool(values) and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in values)


def label_iris(table: ResultTable, query=None) -> set[str]:
    """The IRIs whose labels people see instead: IRI cells, and the concepts a vocabulary column names."""
    iris = {str(t) for row in table.rows for t in row if isinstance(t, URIRef)}
    for i, name in enumerate(table.vars):
        namespace = query.column(name).vocabulary if query is not None else None
        if namespace:
            iris |= {namespace + str(row[i]) for row in table.rows if isinstance(row[i], Literal)}
    return {iri for iri in iris if _SAFE_IRI.fullmatch(iri)}


def fetch_labels(store, iris: set[str], lang: str, chunk: int = 200) -> dict[str, str]:
    """Labels (skos:prefLabel, else rdfs:label) in `lang` where there is one, from any TripleStore."""
    best: dict[str, tuple[int, str]] = {}
    ordered = sorted(iris)
    for start in range(0, len(ordered), chunk):
        values = " ".join(URIRef(iri).n3() for iri in ordered[start:start + chunk])
        for subject, label in store.query(_LABELS % values).rows:
            if label is None:
                continue
            rank = 0 if label.language == lang else 1 if not label.language else 2
            key = str(subject)
            if key not in best or (rank, str(label)) < best[key]:
                best[key] = (rank, str(label))
    return {iri: label for iri, (_, label) in best.items()}


def for_people(table: ResultTable, query=None, labels: dict[str, str] | None = None, lang: str = "zh") -> PeopleTable:
    """Headings from the query's header (variable names without one), labels for IRIs and codes, plain numbers."""
    labels = labels or {}
    columns = [query.column(v) if query is not None else None for v in table.vars]
    headings = [c.heading(lang) if c else v for c, v in zip(columns, table.vars)]
    rows = [[_people_value(t, c, labels, lang) for t, c in zip(row, columns)] for row in table.rows]
    return PeopleTable(headings, [c.unit if c else None for c in columns], rows, table.truncated, lang)


def _people_value(term: Node | None, column, labels: dict[str, str], lang: str):
    if term is None:
        return None
    if isinstance(term, URIRef):
        return labels.get(str(term), str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    value = term.toPython()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = str(term)
    if column is not None and column.vocabulary:
        return labels.get(column.vocabulary + text, text)
    if column is not None and column.codes:
        return column.code_label(text, lang) or text
    return text


def _text(value, unit: str | None, grouped: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, float):
        return format(value, "g")
    if unit in AMOUNT_UNITS:
        return format(Decimal(value), ",.2f" if grouped else ".2f")
    return str(value) if isinstance(value, int) else format(value.normalize(), "f")


def people_text(view: PeopleTable, fmt: str, width: int | None = None) -> str:
    """table (rich, wrapped by display width), markdown, or csv-excel (UTF-8 with a BOM, for Excel)."""
    if fmt == "csv-excel":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(view.headings)
        writer.writerows([_text(v, u, grouped=False) for v, u in zip(row, view.units)] for row in view.rows)
        return "\ufeff" + buf.getvalue()
    if fmt == "markdown":
        def esc(s: str) -> str:
            return s.replace("|", "\\|").replace("\n", " ")

        align = ["---:" if view.numeric(i) else "---" for i in range(len(view.headings))]
        lines = ["| " + " | ".join(esc(h) for h in view.headings) + " |", "| " + " | ".join(align) + " |"]
        lines += ["| " + " | ".join(esc(_text(v, u)) for v, u in zip(row, view.units)) + " |" for row in view.rows]
        return "\n".join(lines) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown format for people {fmt!r}")
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from perfkg.display import WrappedText, terminal_width

    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="", expand=False)
    for i, heading in enumerate(view.headings):
        grid.add_column(WrappedText(heading, "right" if view.numeric(i) else "left"))
    justify = ["right" if view.numeric(i) else "left" for i in range(len(view.headings))]
    for row in view.rows:
        grid.add_row(*(WrappedText(_text(v, u), j) for v, u, j in zip(row, view.units, justify)))
    buf = io.StringIO()
    # a terminal sets the width; a file or pipe gets one line per row, however long
    Console(file=buf, width=width or terminal_width(None) or 100_000, color_system=None, force_terminal=False,
            highlight=False,
            emoji=False, legacy_windows=False).print(grid)
    lines = [line.rstrip() for line in buf.getvalue().splitlines()]
    cut = "; 结果被服务器截断 truncated by the server" if view.truncated else ""
    return "\n".join(lines + [f"({len(view.rows)} 行 rows{cut})"]) + "\n"


def people_xlsx(view: PeopleTable, about: list[tuple[str, str]] | None = None) -> bytes:
    """A workbook: the results (numbers as numbers, amounts formatted with their unit in the heading) and a sheet
    saying what the query was (`about`: name/value rows)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    zh = view.lang == "zh"
    book = Workbook()
    sheet = book.active
    sheet.title = "查询结果" if zh else "results"
    sheet.append(view.headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in view.rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    for i, unit in enumerate(view.units, start=1):
        letter = get_column_letter(i)
        if unit in AMOUNT_UNITS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "#,##0.00"
        widest = max([display_width(view.headings[i - 1])] + [display_width(_text(r[i - 1], unit)) for r in view.rows])
        sheet.column_dimensions[letter].width = min(max(widest + 2, 8), 60)
    if about:
        info = book.create_sheet("查询说明" if zh else "query")
        for row in about:
            info.append(list(row))
        info.column_dimensions["A"].width = 16
        info.column_dimensions["B"].width = 100
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
