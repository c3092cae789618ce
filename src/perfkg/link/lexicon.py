"""Loads the mandate schemes (ontology/mandates*.ttl plus extra files or folders) into a phrase lexicon per scheme."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from perfkg.errors import PerfkgError
from perfkg.resources import resource_dir
from perfkg.vocab import MANDATE, PERFKG

# Evidence strength by the kind of label that matched (see perfkg:score in ontology/perfkg.ttl).
SCORES = {"explicit": 1.0, "pref": 0.9, "alt": 0.8, "hidden": 0.6, "context": 0.5}
LABEL_PROPERTY = {"explicit": PERFKG.explicitLabel, "pref": SKOS.prefLabel, "alt": SKOS.altLabel,
                  "hidden": SKOS.hiddenLabel, "context": SKOS.hiddenLabel}
# A hidden label typed mandate:ContextWord (the people a concept serves: 老年, 职工; a channel: 新媒体) signals the
# concept only in a clause that also names the concept's family (科普, 科学素质); see perfkg.link.match rule 0.
CONTEXT_WORD = MANDATE.ContextWord
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
# SKOS-XL label properties and the plain SKOS property each one entails (SKOS-XL S55-S57).
XL_PROPERTIES = {SKOSXL.altLabel: SKOS.altLabel, SKOSXL.hiddenLabel: SKOS.hiddenLabel}
# Quotation marks and title brackets are ignored when matching: 增"三性" matches 增“三性”, 实施纲要 matches 实施《纲要》.
_IGNORED = dict.fromkeys(map(ord, "“”‘’\"'「」『』《》〈〉«»"), None)
# The 章程 writes 科学技术 (科学技术工作者, 国际科学技术合作) where documents write its standard short form 科技.
_SHORT_FORMS = (("科学技术", "科技"),)


def normalise(text: str) -> str:
    """The form text and phrases are compared in: NFKC, no whitespace, quotation marks or title brackets, short forms."""
    text = "".join(unicodedata.normalize("NFKC", text).translate(_IGNORED).split())
    for long, short in _SHORT_FORMS:
        text = text.replace(long, short)
    return text


@dataclass(frozen=True)
class Phrase:
    text: str  # as written in the scheme file
    key: str  # normalised form that is searched for
    concept: URIRef
    kind: str  # explicit | pref | alt | hidden | context
    label_property: URIRef  # the plain SKOS (or perfkg) label property the phrase is, or follows from
    source: URIRef | None = None  # the quote the phrase was taken from (dcterms:source of its skosxl label)

    @property
    def score(self) -> float:
        return SCORES[self.kind]

    @property
    def explicit(self) -> bool:
        return self.kind == "explicit"

    @property
    def context(self) -> bool:
        return self.kind == "context"


@dataclass
class Scheme:
    iri: URIRef
    label_zh: str
    label_en: str
    patterns: tuple[str, ...]
    purposes: tuple[URIRef, ...]
    concepts: dict[URIRef, "Concept"] = field(default_factory=dict)
    phrases: list[Phrase] = field(default_factory=list)

    def applies_to(self, organisation: str) -> bool:
        name = "".join(organisation.split())
        return any(p and p in name for p in self.patterns)


@dataclass
class Concept:
    iri: URIRef
    key: str  # local name, e.g. popular-science
    label_zh: str
    label_en: str
    broader: tuple[URIRef, ...]
    notation: str | None


@dataclass
class Lexicon:
    schemes: list[Scheme]
    graph: Graph  # the scheme files as read
    files: tuple[Path, ...]
    _ancestors: dict = field(default_factory=dict, repr=False)

    def for_organisation(self, organisation: str | None) -> list[Scheme]:
        return [s for s in self.schemes if organisation and s.applies_to(organisation)]

    def concept(self, iri: URIRef) -> Concept | None:
        for s in self.schemes:
            if iri in s.concepts:
                return s.concepts[iri]
        return None

    def ancestors(self, iri: URIRef) -> frozenset[URIRef]:
        """Every broader concept, transitively (not the concept itself)."""
        cached = self._ancestors.get(iri)
        if cached is not None:
            return cached
        seen: set[URIRef] = set()
        todo = list(self.parents(iri))
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(self.parents(c))
        self._ancestors[iri] = frozenset(seen)
        return self._ancestors[iri]

    def parents(self, iri: URIRef) -> tuple[URIRef, ...]:
        c = self.concept(iri)
        return c.broader if c else ()

    def depth(self, iri: URIRef) -> int:
        """How many broader concepts lie above the concept on its longest path to a top concept."""
        return max((1 + self.depth(p) for p in self.parents(iri)), default=0)

    def more_specific_in_family(self, specific: URIRef, general: URIRef) -> bool:
        """True when `specific` lies deeper than `general` under one of general's parents that is not a top concept,
        and neither is an ancestor of the other: under 为提高全民科学素质服务, 老年人科学素质提升行动 (in the
        纲要) is more specific than 科学技术普及. Concepts that meet only at a top concept (四个服务) are separate duties."""
        if specific == general or general in self.ancestors(specific) or specific in self.ancestors(general):
            return False
        shared = {p for p in self.parents(general) if self.parents(p)} & self.ancestors(specific)
        return bool(shared) and self.depth(specific) > self.depth(general)


def scheme_files(extra: tuple[str | Path, ...] = ()) -> tuple[Path, ...]:
    """ontology/mandates*.ttl, then each extra file, or every mandates*.ttl / *.ttl of an extra folder."""
    files = sorted(resource_dir("ontology").glob("mandates*.ttl"))
    for item in extra:
        p = Path(item)
        if p.is_dir():
            found = sorted(p.glob("mandates*.ttl")) or sorted(p.glob("*.ttl"))
            if not found:
                raise PerfkgError(f"目录中没有职责概念体系文件（*.ttl）：{p}", f"no mandate scheme files (*.ttl) in {p}")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise PerfkgError(f"职责概念体系文件不存在：{p}", f"mandate scheme file not found: {p}")
    unique = []
    for f in files:
        if f.resolve() not in {u.resolve() for u in unique}:
            unique.append(f)
    return tuple(unique)


def _text(graph: Graph, s, p, lang: str) -> str:
    values = sorted(str(o) for o in graph.objects(s, p) if isinstance(o, Literal) and o.language == lang)
    return values[0] if values else ""


def _hidden_properties(graph: Graph) -> set[URIRef]:
    """skos:hiddenLabel and its sub-properties (perfkg:explicitLabel and any a scheme file declares)."""
    props = {SKOS.hiddenLabel, PERFKG.explicitLabel}
    while True:
        more = {s for s in graph.subjects(RDFS.subPropertyOf, None)
                if isinstance(s, URIRef) and set(graph.objects(s, RDFS.subPropertyOf)) & props} - props
        if not more:
            return props
        props |= more


def build_lexicon(files: tuple[Path, ...]) -> Lexicon:
    graph = Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as e:  # rdflib raises many types; name the file
            raise PerfkgError(f"无法读取职责概念体系 {path}：{e}", f"cannot read mandate scheme {path}: {e}") from None
    hidden = _hidden_properties(graph)
    schemes = []
    for s in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme)):
        scheme = Scheme(
            iri=s, label_zh=_text(graph, s, SKOS.prefLabel, "zh"), label_en=_text(graph, s, SKOS.prefLabel, "en"),
            patterns=tuple(sorted("".join(str(o).split()) for o in graph.objects(s, PERFKG.appliesToOrganisationPattern))),
            purposes=tuple(sorted(graph.objects(s, PERFKG.organisationPurpose))))
        for c in sorted(graph.subjects(SKOS.inScheme, s)):
            key = str(c).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            broader = set(graph.objects(c, SKOS.broader)) | set(graph.subjects(SKOS.narrower, c))
            scheme.concepts[c] = Concept(c, key, _text(graph, c, SKOS.prefLabel, "zh"),
                                         _text(graph, c, SKOS.prefLabel, "en"), tuple(sorted(broader)),
                                         str(graph.value(c, SKOS.notation)) if graph.value(c, SKOS.notation) else None)
            scheme.phrases += _phrases(graph, c, hidden, c in scheme.purposes)
        schemes.append(scheme)
    return Lexicon(schemes, graph, files)


def _phrases(graph: Graph, c: URIRef, hidden: set[URIRef], is_duty: bool) -> list[Phrase]:
    """A concept's zh trigger phrases: plain SKOS labels, SKOS-XL labels (with their source) and, for a duty, the
    explicit statement its prefLabel makes (为提高全民科学素质服务) with its verb-first forms (服务提高全民科学素质)."""
    found = []
    props = [(SKOS.prefLabel, "explicit" if is_duty else "pref"), (SKOS.altLabel, "alt")]
    props += [(p, "explicit" if p == PERFKG.explicitLabel else "hidden") for p in sorted(hidden)]
    for prop, kind in props:
        for o in graph.objects(c, prop):
            if _zh(o):
                found.append(Phrase(str(o), normalise(str(o)), c, kind, prop))
    for xl_prop, plain in XL_PROPERTIES.items():
        for label in graph.objects(c, xl_prop):
            explicit = (label, DCTERMS.type, PERFKG.ExplicitStatement) in graph
            kind = "explicit" if explicit else ("alt" if plain == SKOS.altLabel else "hidden")
            if not explicit and plain == SKOS.hiddenLabel and (label, DCTERMS.type, CONTEXT_WORD) in graph:
                kind = "context"
            source = graph.value(label, DCTERMS.source)
            for o in graph.objects(label, SKOSXL.literalForm):
                if _zh(o):
                    found.append(Phrase(str(o), normalise(str(o)), c, kind,
                                        PERFKG.explicitLabel if explicit else plain, source))
    if is_duty:
        found += [Phrase(p, normalise(p), c, "explicit", PERFKG.explicitLabel) for p in duty_statements(graph, c)]
    unique = {(p.key, p.kind, p.text): p for p in found}
    return sorted(unique.values(), key=lambda p: (p.key, p.kind, p.text))


def _zh(o) -> bool:
    return isinstance(o, Literal) and o.language in (None, "zh") and len(normalise(str(o))) >= 2


def duty_statements(graph: Graph, c: URIRef) -> list[str]:
    """服务X and 服务于X for a duty named 为X服务: the same statement with the verb first."""
    out = []
    for o in graph.objects(c, SKOS.prefLabel):
        text = str(o)
        if _zh(o) and text.startswith("为") and text.endswith("服务") and len(text) > 3:
            out += [f"服务{text[1:-2]}", f"服务于{text[1:-2]}"]
    return sorted(out)


@cache
def _default() -> Lexicon:
    return build_lexicon(scheme_files())


def load_lexicon(extra: tuple[str | Path, ...] | list = ()) -> Lexicon:
    """The lexicon of every mandate scheme: the bundled ontology/mandates*.ttl plus extra files or folders."""
    extra = tuple(extra)
    return _default() if not extra else build_lexicon(scheme_files(extra))
