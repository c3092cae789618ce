"""Writes Turtle and N-Triples straight from triples, byte-identical to rdflib's serializers, without building a graph.

rdflib's Turtle serializer spends ~10 µs per triple (qname lookups through the namespace manager, a copy of the graph
to bind the prefixes, per-subject index queries). perfkg's document graphs use a small fixed set of shapes: IRIs and
literals only, predicates in the bound namespaces. For those, `turtle()` writes the same bytes as
`Graph.serialize(format="turtle")` with perfkg's prefixes bound: the same subject order (rdfs:Class members first,
then by the number of references, then by IRI), the same predicate order (rdf:type, rdfs:label, then sorted), the
same objects, the same prefixed names (rdflib's `split_uri`, its escapes of `(`, `)` and `%`, no name ending in
`.`) and the same literal forms (rdflib's own `_literal_n3`). Anything else — a blank node, rdf:nil, an rdfs:Class,
a predicate outside the bound namespaces, an IRI rdflib would refuse — returns None and the caller uses rdflib.
tests/test_fast_path.py compares both on the seed, data/, samples/ and mutants.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, split_uri
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.term import _is_valid_uri

Triple = tuple  # (URIRef, URIRef, URIRef | Literal)

_PERCENT_WITHOUT_HEX = re.compile(r"%(?![0-9A-Fa-f]{2})")  # rdflib TurtleSerializer's local-name escape
_TYPE, _CLASS, _NIL = str(RDF.type), str(RDFS.Class), str(RDF.nil)
_FIRST_PREDICATES = (_TYPE, str(RDFS.label))  # RecursiveSerializer.predicateOrder


class NotPlain(Exception):
    """The triples hold something only rdflib's serializer writes (the caller falls back to it)."""


class _Names:
    """Prefixed names for one set of prefixes, as rdflib's namespace manager computes them (cached, bounded)."""

    def __init__(self, prefixes: dict[str, str]):
        self.by_namespace = {ns: prefix for prefix, ns in prefixes.items()}
        self.pname = lru_cache(maxsize=4096)(self._pname)  # a document's IRIs and the vocabulary; bounded memory

    def _pname(self, uri: str) -> tuple[str, str] | None:
        """(prefix, "prefix:local") or None when rdflib would write <uri>; NotPlain when rdflib would invent ns1."""
        if not _is_valid_uri(uri):
            raise NotPlain(uri)
        try:
            namespace, local = split_uri(uri)
        except ValueError:
            prefix = self.by_namespace.get(uri)
            return (prefix, f"{prefix}:") if prefix else None
        prefix = self.by_namespace.get(namespace)
        if prefix is None:
            return None
        local = _PERCENT_WITHOUT_HEX.sub("\\%", local.replace("(", r"\(").replace(")", r"\)"))
        if local.endswith("."):
            return None
        return prefix, f"{prefix}:{local}"


@lru_cache(maxsize=8)
def _names(prefixes: tuple[tuple[str, str], ...]) -> _Names:
    return _Names(dict(prefixes))


def turtle(triples: Iterable[Triple], prefixes: dict[str, str]) -> str | None:
    """The Turtle rdflib writes for these (distinct) triples with these prefixes bound; None when only rdflib can."""
    names = _names(tuple(sorted(prefixes.items())))
    try:
        return _turtle(triples, names)
    except NotPlain:
        return None


def _turtle(triples: Iterable[Triple], names: _Names) -> str:
    pname = names.pname
    used: set[str] = set()
    subjects: dict[str, dict[str, list]] = {}  # plain strings as keys: rdflib terms hash in Python, strings in C
    references: dict[str, int] = {}
    for s, p, o in triples:
        if type(s) is not URIRef or type(p) is not URIRef:
            raise NotPlain(s)
        s_, p_ = str(s), str(p)
        if type(o) is URIRef:
            o_ = str(o)
            if o_ == _NIL or (o_ == _CLASS and p_ == _TYPE):
                raise NotPlain(o)  # rdflib writes "()" / puts rdfs:Class members first
            references[o_] = references.get(o_, 0) + 1
            found = pname(o_)  # the prefixes rdflib declares: those of every name it shortens in preprocessing
            if found:
                used.add(found[0])
        elif type(o) is Literal:
            datatype = o.datatype
            if datatype is not None:
                found = pname(str(datatype))
                if found:
                    used.add(found[0])
        else:
            raise NotPlain(o)
        if s_ == _NIL:
            raise NotPlain(s)
        by_predicate = subjects.get(s_)
        if by_predicate is None:
            by_predicate = subjects[s_] = {}
            found = pname(s_)
            if found:
                used.add(found[0])
        objects = by_predicate.get(p_)
        if objects is None:
            by_predicate[p_] = [o]
            if p_ != _TYPE:
                found = pname(p_)
                if found:
                    used.add(found[0])
                else:
                    try:
                        split_uri(p_)
                    except ValueError:
                        continue  # rdflib writes <p> too
                    raise NotPlain(p)  # rdflib would bind a generated prefix (ns1)
        else:
            objects.append(o)

    literal_forms: dict[tuple, str] = {}

    def datatype_name(datatype) -> str | None:
        found = pname(str(datatype))
        return found[1] if found else None

    def label(node) -> str:
        if type(node) is Literal:
            datatype = node.datatype
            key = (str(node), node.language, None if datatype is None else str(datatype))  # str: compared in C
            form = literal_forms.get(key)
            if form is None:
                form = literal_forms[key] = node._literal_n3(use_plain=True, qname_callback=datatype_name)
            return form
        iri = str(node)
        found = pname(iri)
        return found[1] if found else f"<{iri}>"

    out = [f"@prefix {prefix}: <{ns}> .\n"
           for prefix, ns in sorted((prefix, ns) for ns, prefix in names.by_namespace.items() if prefix in used)]
    for s_ in sorted(subjects, key=lambda s: (references.get(s, 0), s)):
        found = pname(s_)
        out.append("\n" + (found[1] if found else f"<{s_}>"))
        by_predicate = subjects[s_]
        first = [p for p in _FIRST_PREDICATES if p in by_predicate]
        rest = sorted(p for p in by_predicate if p not in _FIRST_PREDICATES)
        for i, p_ in enumerate(first + rest):
            if p_ == _TYPE:
                verb = "a"
            else:
                found = pname(p_)
                verb = found[1] if found else f"<{p_}>"
            out.append((" " if i == 0 else " ;\n    ") + verb)
            objects = by_predicate[p_]
            if len(objects) > 1:
                objects.sort()  # rdflib's term order (type, then value)
            out.append(" " + label(objects[0]))
            for o in objects[1:]:
                out.append(",\n        " + label(o))
        out.append(" .\n")
    out.append("\n")
    return "".join(out)


def ntriples_lines(triples: Iterable[Triple]) -> list[str]:
    """One N-Triples line per triple (without its newline), as rdflib's nt serializer writes it."""
    return [_nt_row(t)[:-1] for t in triples]


__all__ = ["NotPlain", "ntriples_lines", "turtle"]
