"""Loads shapes/*.ttl into one shapes graph, applies settings, and indexes every rule-bearing shape's metadata."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH
from rdflib.term import Node

from perfkg.resources import resource_dir
from perfkg.validate.settings import CONFIG_FILE, PKS, resolve, settings

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
# annotations read by perfkg's report only, left out of the graph pySHACL evaluates
_REPORT_ONLY = frozenset({RDFS.label, RDFS.comment, DCTERMS.source, DCTERMS.identifier, PKS.displayPath, PKS.setting})


@dataclass(frozen=True)
class RuleShape:
    """What the report needs to know about one shape that carries a rule id."""

    node: Node
    rule: str
    severity: str  # "Violation" | "Warning" | "Info"
    label: dict[str, str]
    message: dict[str, str]  # templates: {value} = displayed value, {?var} = SPARQL binding
    source: str
    display_paths: tuple[Node, ...] = ()


@dataclass
class Shapes:
    """The loaded shapes: the graph pySHACL reads, rule metadata by shape node, and the settings applied."""

    graph: Graph
    rules: dict[Node, RuleShape]
    settings: dict[str, Literal]
    disabled: frozenset[str]
    fingerprint: str
    _parents: dict[Node, Node] = field(default_factory=dict)
    _pyshacl: object | None = None
    _engine_graph: Graph | None = None
    _predicates: frozenset[URIRef] | None = None

    @property
    def data_predicates(self) -> frozenset[URIRef]:
        """Every property the shapes can read: IRIs in the shapes graph and perfkg:/rdfs:/… names in their SPARQL.

        The validator copies only triples with these predicates (and rdf:type) out of a document graph: provenance,
        raw text and line numbers are never read by a shape, and leaving them out makes validation cheaper.
        """
        if self._predicates is None:
            import re

            found: set[URIRef] = {RDF.type}
            found |= {o for o in self.graph.objects() if isinstance(o, URIRef)}
            found |= {p for p in self.graph.predicates()}
            prefixes = {"perfkg": "https://w3id.org/perfkg/ontology#", "rdfs": str(RDFS), "dcterms": str(DCTERMS)}
            for text in self.graph.objects(None, SH.select):
                for prefix, local in re.findall(r"\b(perfkg|rdfs|dcterms):([A-Za-z][\w-]*)", str(text)):
                    found.add(URIRef(prefixes[prefix] + local))
            self._predicates = frozenset(found)
        return self._predicates

    @property
    def engine_graph(self) -> Graph:
        """The graph pySHACL reads: the shapes without the annotations only perfkg's report uses.

        pySHACL scans every predicate of a shape each time it evaluates it (once per focus node for nested shapes),
        so labels, sources and the messages of core shapes (perfkg renders those itself) cost time for nothing. The
        messages of SPARQL-based shapes stay: pySHACL fills their {?var} bindings in.
        """
        if self._engine_graph is None:
            g = Graph()
            sparql_shapes = set(self.graph.subjects(SH.sparql, None))
            for s, p, o in self.graph:
                if p in _REPORT_ONLY or (p == SH.message and s not in sparql_shapes):
                    continue
                g.add((s, p, o))
            self._engine_graph = g
        return self._engine_graph

    def rule_of(self, shape: Node) -> RuleShape | None:
        """The rule a result's sh:sourceShape belongs to (walking up from an unnamed nested shape)."""
        seen = set()
        while shape is not None and shape not in seen:
            if shape in self.rules:
                return self.rules[shape]
            seen.add(shape)
            shape = self._parents.get(shape)
        return None

    def entry_shape(self, shape: Node) -> Node:
        """The targeted shape that evaluates `shape` (itself, or the node shape holding it with sh:property)."""
        targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
        seen = set()
        while shape not in seen:
            if any((shape, t, None) in self.graph for t in targets):
                return shape
            seen.add(shape)
            parent = self._parents.get(shape)
            if parent is None:
                break
            shape = parent
        raise ValueError(f"shape {shape} is not reached from any target")

    def rule_ids(self) -> list[str]:
        return sorted({r.rule for r in self.rules.values()})

    def pyshacl_shapes(self):
        """pySHACL's ShapesGraph for this graph, built once (shape harvesting and SPARQL parsing are cached in it)."""
        if self._pyshacl is None:
            from pyshacl.shapes_graph import ShapesGraph

            sg = ShapesGraph(self.engine_graph)
            _ = sg.shapes  # harvest now, not during the first validation
            self._pyshacl = sg
        return self._pyshacl


def shape_files() -> list[Path]:
    """The shape files (every *.ttl of shapes/ except the settings file), sorted."""
    return sorted(p for p in resource_dir("shapes").glob("*.ttl") if p.name != CONFIG_FILE)


def _lang_map(g: Graph, s: Node, p: URIRef) -> dict[str, str]:
    return {lit.language: str(lit) for lit in g.objects(s, p) if isinstance(lit, Literal) and lit.language}


def _apply_settings(g: Graph, values: Mapping[str, Literal]) -> None:
    known = settings()
    by_iri = {s.iri: s for s in known.values()}
    for node, setting_iri in list(g.subject_objects(PKS.setting)):
        setting = by_iri.get(setting_iri)
        if setting is None:
            raise ValueError(f"shape {node} names an unknown setting {setting_iri}")
        g.remove((node, setting.parameter, None))
        g.add((node, setting.parameter, values[setting.key]))
    for s, p, o in list(g.triples((None, SH.message, None))):
        text = str(o)
        for key, value in values.items():
            text = text.replace("{" + key + "}", _format(value))
        if text != str(o):
            g.remove((s, p, o))
            g.add((s, p, Literal(text, lang=o.language)))


def _format(value: Literal) -> str:
    v = value.toPython()
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return str(v)


def _parents(g: Graph) -> dict[Node, Node]:
    """Nested shape -> the shape that holds it (through sh:property, sh:node, sh:not, sh:or/sh:and/sh:xone lists)."""
    parents: dict[Node, Node] = {}
    for p in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        for s, o in g.subject_objects(p):
            parents.setdefault(o, s)
    for p in (SH["or"], SH["and"], SH.xone):
        for s, head in g.subject_objects(p):
            for member in Collection(g, head):
                parents.setdefault(member, s)
    return parents


@lru_cache(maxsize=8)
def _load(settings_key: tuple[tuple[str, str], ...], disabled: frozenset[str],
          kinds: frozenset[URIRef] = frozenset()) -> Shapes:
    g = Graph()
    digest = hashlib.sha256()
    for path in shape_files():
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data)
        g.parse(data=data, format="turtle", publicID=path.as_uri())
    values = resolve(dict(settings_key))
    _apply_settings(g, values)
    rules: dict[Node, RuleShape] = {}
    for shape, ident in g.subject_objects(DCTERMS.identifier):
        if (shape, RDF.type, PKS.Setting) in g:
            continue
        severity = SEVERITIES.get(g.value(shape, SH.severity), "Violation")
        paths = tuple(sorted(g.objects(shape, PKS.displayPath), key=lambda n: n.n3() if not isinstance(n, BNode)
                             else " ".join(x.n3() for x in Collection(g, n))))
        rules[shape] = RuleShape(shape, str(ident), severity, _lang_map(g, shape, RDFS.label),
                                 _lang_map(g, shape, SH.message), str(g.value(shape, DCTERMS.source) or ""), paths)
        if str(ident) in disabled:
            g.add((shape, SH.deactivated, Literal(True)))
    for shape in set(g.subjects(PKS.notFor, None)):  # shapes/layouts.ttl: rules of another kind of document
        if kinds & set(g.objects(shape, PKS.notFor)):
            g.add((shape, SH.deactivated, Literal(True)))
    unknown = disabled - {r.rule for r in rules.values()}
    if unknown:
        from perfkg.validate.settings import ConfigError

        raise ConfigError(f"未知规则：{', '.join(sorted(unknown))}", f"unknown rule(s): {', '.join(sorted(unknown))}")
    for key, value in sorted(values.items()):
        digest.update(f"{key}={value}".encode())
    digest.update(",".join(sorted(disabled)).encode())
    digest.update(",".join(sorted(kinds)).encode())
    return Shapes(g, rules, values, disabled, digest.hexdigest()[:16], _parents(g))


def load_shapes(config: Mapping[str, object] | None = None,
                disabled: frozenset[str] | set[str] = frozenset(), kinds: frozenset[URIRef] = frozenset()) -> Shapes:
    """The shapes with settings applied (cached per settings); `config` maps setting keys to values; `kinds`: the
    validated document's classes, which switch off the shapes marked pks:notFor one of them (shapes/layouts.ttl)."""
    key = tuple(sorted((k, str(v)) for k, v in (config or {}).items()))
    return _load(key, frozenset(disabled), frozenset(kinds))
