"""What a SPARQL request is (form, update or not, variables, dataset clause, outer LIMIT), decided once by rdflib's parser, and bindings as a VALUES block."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.term import Node

from perfkg.store.errors import BindingError, QuerySyntaxError

# Why rdflib's parser: pyoxigraph 0.5 exposes no parser (only Store.query, whose answer tells SELECT, ASK or
# "triples" but not CONSTRUCT from DESCRIBE, nor variables, FROM or LIMIT). rdflib's parseQuery is slow: two
# orders of magnitude slower on a library query than pyoxigraph's parse-and-run on an empty store
# (bench/sparql_parse.py, raw figures in bench/results/sparql-parse.md). So analyse() caches its verdict per
# text, and callers that need it only in rare cases ask only then. Virtuoso-only syntax (DEFINE pragmas) is beyond the grammar
# and refused with the parser's message; bif: functions parse.
#
# Offsets are not in rdflib's parse tree. Once the tree says which top-level group is the WHERE pattern, one
# scan that skips strings, IRIs and comments finds that group's brace: braces and parentheses are the only
# tokens it needs.

FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "AskQuery": "ASK", "DescribeQuery": "DESCRIBE"}
# SPARQLWrapper decides GET/POST and query=/update= from its queryType; an update's type is its first operation.
UPDATE_TYPES = {"InsertData": "INSERT", "DeleteData": "DELETE", "DeleteWhere": "DELETE", "Modify": "INSERT",
                "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
                "Copy": "COPY"}
_NOISE = r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
_SCAN = re.compile(rf"(?P<noise>{_NOISE})|(?P<open>[{{(])|(?P<close>[}})])|(?P<word>[^\s{{}}()#<\"']+)")
_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|(?i:BASE)\s*<[^>]*>|(?i:PREFIX)\s*[^\s:]*:\s*<[^>]*>)*")
_VAR_NAME = re.compile(r"\w+")
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True)
class SparqlShape:
    """The parser's verdict on one request text."""

    form: str  # SELECT | CONSTRUCT | ASK | DESCRIBE, or the update's first operation (INSERT, DROP, …)
    is_update: bool
    variables: frozenset[str] = frozenset()
    has_dataset_clause: bool = False  # FROM / FROM NAMED
    limit: int | None = None  # the outermost LIMIT
    prologue_end: int = 0  # offset of the form keyword (after BASE / PREFIX)
    where_group: int | None = None  # which top-level {…} is the WHERE pattern (CONSTRUCT's template is 0)

    @property
    def returns_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


@lru_cache(maxsize=1024)
def analyse(text: str) -> SparqlShape:
    """Parse a query or update once; QuerySyntaxError (zh/en, the parser's message) when it is neither."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseException as query_error:
        try:
            update = parseUpdate(text)
        except ParseException:
            raise QuerySyntaxError(f"SPARQL 语法错误：{query_error}", f"SPARQL syntax error: {query_error}") from None
        operations = [op.name for op in update.request]
        return SparqlShape(UPDATE_TYPES.get(operations[0], "INSERT") if operations else "INSERT", True)
    query = tree[1]
    prologue_end = _PROLOGUE.match(text).end()
    form = FORMS[query.name]
    where_group = 0
    if form == "CONSTRUCT" and _starts_with_brace(text, prologue_end + len("CONSTRUCT")):
        where_group = 1  # CONSTRUCT { template } WHERE? { pattern } — not the short CONSTRUCT WHERE { … }
    elif form == "DESCRIBE" and "where" not in query:
        where_group = None
    limit_clause = dict.get(query, "limitoffset")  # CompValue.get resolves values; read the raw tree
    limit = dict.get(limit_clause, "limit") if limit_clause is not None else None
    found: set[str] = set()
    _collect_variables(query, found)
    return SparqlShape(form, False, frozenset(found), "datasetClause" in query,
                       int(limit) if limit is not None else None, prologue_end, where_group)


def _starts_with_brace(text: str, offset: int) -> bool:
    for m in _SCAN.finditer(text, offset):
        if m.lastgroup != "noise":
            return m.group() == "{"
    return False


def _collect_variables(node, found: set[str]) -> None:
    if isinstance(node, Variable):
        found.add(str(node))
    elif isinstance(node, dict):
        for value in node.values():
            _collect_variables(value, found)
    elif isinstance(node, (list, tuple)) or hasattr(node, "asList"):
        for value in node:
            _collect_variables(value, found)


def where_offset(text: str) -> int | None:
    """Offset just inside the `{` that opens the WHERE pattern, or None (DESCRIBE without one)."""
    shape = analyse(text)
    if shape.where_group is None:
        return None
    depth, seen = 0, 0
    for m in _SCAN.finditer(text, shape.prologue_end):
        kind = m.lastgroup
        if kind == "open":
            if depth == 0 and m.group() == "{":
                if seen == shape.where_group:
                    return m.end()
                seen += 1
            depth += 1
        elif kind == "close":
            depth -= 1
    return None


def split_prologue(text: str) -> tuple[str, str]:
    """(BASE/PREFIX declarations, the query from its form keyword on)."""
    at = analyse(text).prologue_end
    return text[:at], text[at:]


# -- bindings ---------------------------------------------------------------------------------------------


def check_iri(iri: str, what_zh: str = "IRI", what_en: str = "IRI") -> str:
    """Refuse an IRI that could break out of ``<…>`` (spaces, quotes, angle brackets, braces …)."""
    if not iri or _BAD_IRI_CHARS.search(iri):
        raise BindingError(f"无效的{what_zh}（含空白或 <>\"{{}}|^`\\ 等字符）：{iri!r}",
                           f"invalid {what_en} (contains whitespace or one of <>\"{{}}|^`\\): {iri!r}")
    return iri


def term_sparql(term: Node | None) -> str:
    """One VALUES cell: ``term.n3()`` after checking the IRIs that n3() would paste unchecked."""
    if term is None:
        return "UNDEF"
    if isinstance(term, URIRef):
        return "<" + check_iri(str(term)) + ">"
    if isinstance(term, Literal):
        if term.datatype is not None:
            check_iri(str(term.datatype), "数据类型 IRI", "datatype IRI")
        return term.n3()
    if isinstance(term, BNode):
        raise BindingError("空白节点不能作为绑定值", "a blank node cannot be bound (SPARQL VALUES has none)")
    raise BindingError(f"绑定值必须是 rdflib 的 URIRef 或 Literal，而不是 {type(term).__name__}",
                       f"a bound value must be an rdflib URIRef or Literal, not {type(term).__name__}")


def variable_names(bindings: dict) -> list[str]:
    """The bindings' variable names without ?/$, each checked to be a plain name."""
    names = [str(name).lstrip("?$") for name in bindings]
    for name in names:
        if not _VAR_NAME.fullmatch(name):
            raise BindingError(f"无效的变量名：{name!r}", f"invalid variable name: {name!r}")
    return names


def bind_values(text: str, bindings: dict[str, Node | None]) -> str:
    """The query with ``VALUES (?a ?b) { (…) }`` as the first element of its WHERE pattern (else at the end).

    Inside the pattern, not after the query: a trailing VALUES joins after GROUP BY, so it would not restrict
    an aggregate over a variable that is not projected (verified on Oxigraph: COUNT stays 3, not 2).
    """
    if not bindings:
        return text
    names = variable_names(bindings)
    missing = sorted(set(names) - analyse(text).variables)
    if missing:
        raise BindingError(f"查询中没有这些变量：{', '.join('?' + m for m in missing)}",
                           f"the query has no variable(s) {', '.join('?' + m for m in missing)}")
    cells = " ".join(term_sparql(value) for value in bindings.values())
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({cells}) }} "
    at = where_offset(text)
    return text + "\n" + block if at is None else text[:at] + block + text[at:]


__all__ = ["SparqlShape", "analyse", "where_offset", "split_prologue", "bind_values", "check_iri", "term_sparql",
           "variable_names", "FORMS"]
