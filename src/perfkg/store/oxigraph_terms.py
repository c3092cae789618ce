"""Terms between pyoxigraph and rdflib: conversion both ways, and graph IRIs validated as pyoxigraph nodes."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from perfkg.errors import PerfkgError
from perfkg.store.errors import QueryError, StoreError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term, cache: dict | None = None) -> Node | None:
    """A pyoxigraph term as the equal rdflib term (xsd:string literals become plain literals)."""
    if term is None:
        return None
    if cache is not None:
        hit = cache.get(term)
        if hit is None:
            hit = cache[term] = to_rdflib(term)
        return hit
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)
    if kind is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if kind is ox.BlankNode:
        return BNode(term.value)
    raise QueryError(f"不支持的 RDF 项：{term}", f"unsupported RDF term (RDF-star?): {term}")


def to_oxigraph(term: Node):
    """An rdflib term as a pyoxigraph term; IRIs are validated, anything else is refused."""
    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
    except ValueError as e:
        raise PerfkgError(f"无效的 RDF 项 {term!r}：{e}", f"invalid RDF term {term!r}: {e}") from None
    raise PerfkgError(f"绑定值必须是 RDF 项（URIRef/Literal/BNode），而不是 {type(term).__name__}",
                      f"binding values must be RDF terms (URIRef/Literal/BNode), not {type(term).__name__}")


def graph_node(iri: str) -> ox.NamedNode:
    """A graph IRI as a validated pyoxigraph NamedNode (StoreError when it is not an IRI)."""
    try:
        return ox.NamedNode(str(iri))
    except ValueError as e:
        raise StoreError(f"无效的图 IRI“{iri}”：{e}", f"invalid graph IRI {iri!r}: {e}") from None

