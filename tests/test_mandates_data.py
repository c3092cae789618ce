"""Checks the mandate scheme data (ontology/mandates.ttl) and the hand-labelled truth for the seed.

The scheme is data an analyst edits by hand, so these tests are its lint: SKOS integrity (labels, definitions,
sources, a consistent and acyclic hierarchy), a lexicon of trigger phrases without accidental overlaps, each phrase
quoted from a text that defines the mandate, and a truth file that covers every element of the seed and only uses
keys the scheme defines.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from perfkg.link.lexicon import SKOSXL, build_lexicon, normalise

ROOT = Path(__file__).resolve().parents[1]
MANDATES = ROOT / "ontology" / "mandates.ttl"
# Every mandate scheme file (mandates.ttl, mandates-minzheng.ttl, ...): the generic checks run on all of them together,
# because the linker loads them together; the CAST-specific checks look at mandate:CastMandates only.
SCHEME_FILES = sorted((ROOT / "ontology").glob("mandates*.ttl"))
TRUTH = ROOT / "tests" / "truth" / "seed-mandates.tsv"

M = Namespace("https://w3id.org/perfkg/mandate/")
PERFKG = Namespace("https://w3id.org/perfkg/ontology#")
SCHEME = M.CastMandates
SEED_NAME = "000_38770c5ad42c6795.txt"

# Local names the linker, the queries and the truth files rely on (the brief fixes them).
REQUIRED_KEYS = {
    "four-services", "serve-st-workers", "serve-innovation", "serve-science-literacy", "serve-decision-making",
    "three-types", "open-type", "hub-type", "platform-type",
    "three-attributes", "political", "advanced", "mass",
    "four-tendencies", "bureaucratisation", "administrativisation", "elitism", "entertainment",
    "cast-reform",
    "literacy-outline", "youth-literacy", "farmer-literacy", "worker-literacy", "elderly-literacy",
    "official-literacy", "resources-popsci", "digital-popsci", "popsci-infrastructure", "grassroots-popsci",
    "international-literacy",
    "popular-science", "science-day", "rural-popsci", "grassroots-popsci-programme",
    "workers-home", "government-functions", "think-tank",
}
TOPS = {"four-services", "three-types", "cast-reform"}

# rules.md §3 ids that must stay attached to the same concept.
RULES_IDS = {
    "M-4S": "four-services", "M-4S-1": "serve-st-workers", "M-4S-2": "serve-innovation",
    "M-4S-3": "serve-science-literacy", "M-4S-4": "serve-decision-making",
    "M-3T": "three-types", "M-3T-1": "open-type", "M-3T-2": "hub-type", "M-3T-3": "platform-type",
    "M-3X": "three-attributes", "M-3X-1": "political", "M-3X-2": "advanced", "M-3X-3": "mass",
    "M-4H": "four-tendencies", "M-4H-1": "bureaucratisation", "M-4H-2": "administrativisation",
    "M-4H-3": "elitism", "M-4H-4": "entertainment", "M-REF": "cast-reform",
    "M-OUT": "literacy-outline", "M-OUT-Y": "youth-literacy", "M-OUT-F": "farmer-literacy",
    "M-OUT-I": "digital-popsci", "M-OUT-B": "popsci-infrastructure", "M-OUT-G": "grassroots-popsci",
    "M-SP": "popular-science", "M-SP-D": "science-day", "M-SP-R": "rural-popsci",
    "M-SP-E": "grassroots-popsci-programme", "M-HOME": "workers-home", "M-GOV": "government-functions",
}

# Trigger phrases that two concepts may share on purpose: {phrase: {concept keys}}. Empty today; add an entry
# (with a reason in a comment) rather than weakening the test.
INTENDED_OVERLAPS: dict[str, set[str]] = {}

MIN_PHRASE = 2

# The elements of the seed's 第一部分 and 第二部分 (see the brief: 13 分项, 4 保障措施 sections with 3/5/2/4 items).
MEASURE_ITEMS = {1: 3, 2: 5, 3: 2, 4: 4}
EXPECTED_ELEMENTS = (
    {f"subgoal/{n}" for n in range(1, 14)}
    | {f"measure/{n}" for n in MEASURE_ITEMS}
    | {f"measure/{s}/item/{i}" for s, count in MEASURE_ITEMS.items() for i in range(1, count + 1)}
    | {"project/1", "project/2"}
)
NOTE_QUOTE = re.compile(r"l\.\s*(\d+)\s*「([^」]+)」")


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def graph() -> Graph:
    assert MANDATES in SCHEME_FILES
    g = Graph()
    for path in SCHEME_FILES:
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def concepts(graph) -> dict[str, URIRef]:
    """All concepts of all mandate schemes, by local name (keys are unique across schemes)."""
    found = {}
    for c in graph.subjects(RDF.type, SKOS.Concept):
        assert isinstance(c, URIRef) and str(c).startswith(str(M)), f"concept outside the mandate namespace: {c}"
        found[str(c)[len(str(M)):]] = c
    return found


@pytest.fixture(scope="module")
def schemes(graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, SKOS.ConceptScheme))


def key_of(c: URIRef) -> str:
    return str(c)[len(str(M)):]


def labels(graph: Graph, c: URIRef, prop) -> list[Literal]:
    return [o for o in graph.objects(c, prop) if isinstance(o, Literal)]


def xl_labels(graph: Graph, c: URIRef, prop) -> list[Literal]:
    """The literal forms of a concept's SKOS-XL labels of one kind (skosxl:altLabel or skosxl:hiddenLabel)."""
    return [o for label in graph.objects(c, prop) for o in labels(graph, label, SKOSXL.literalForm)]


@pytest.fixture(scope="module")
def lexicon():
    return build_lexicon(tuple(SCHEME_FILES))


def trigger_phrases(lexicon, c: URIRef) -> dict[str, list[str]]:
    """Every zh phrase the linker matches for a concept, by label kind (explicit statements count as hidden)."""
    out: dict[str, list[str]] = {"pref": [], "alt": [], "hidden": []}
    for scheme in lexicon.schemes:
        for p in scheme.phrases:
            if p.concept == c:
                kind = "pref" if p.label_property == SKOS.prefLabel else ("alt" if p.kind == "alt" else "hidden")
                out[kind].append(p.text)
    return out


@pytest.fixture(scope="module")
def truth() -> list[dict[str, str]]:
    text = TRUTH.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "document\telement\tmandate\tnote", "truth header changed"
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        assert None not in row and all(v is not None for v in row.values()), f"ragged row: {row}"
    return rows


# ------------------------------------------------------------------------------------------------ scheme
@pytest.mark.parametrize("path", SCHEME_FILES, ids=lambda p: p.name)
def test_each_file_parses_and_declares_a_scheme(path):
    g = Graph().parse(path, format="turtle")
    declared = set(g.subjects(RDF.type, SKOS.ConceptScheme))
    assert declared, f"{path.name} declares no skos:ConceptScheme"
    for scheme in declared:
        for lang in ("zh", "en"):
            assert any(o.language == lang for o in labels(g, scheme, SKOS.prefLabel)), f"{scheme} prefLabel @{lang}"
        assert any(str(o).strip() for o in g.objects(scheme, PERFKG.appliesToOrganisationPattern)), (
            f"{scheme} needs perfkg:appliesToOrganisationPattern so the linker can pick it for a document")
    if path == MANDATES:
        assert declared == {SCHEME}


def test_required_concepts_exist(concepts):
    missing = REQUIRED_KEYS - set(concepts)
    assert not missing, f"concepts the linker relies on are missing: {sorted(missing)}"


def test_every_concept_is_documented(graph, concepts, schemes):
    problems = []
    for key, c in sorted(concepts.items()):
        for prop in (SKOS.prefLabel, SKOS.definition):
            for lang in ("zh", "en"):
                values = [o for o in labels(graph, c, prop) if o.language == lang]
                if len(values) != 1 or not str(values[0]).strip():
                    problems.append(f"{key}: needs exactly one non-empty {prop.n3(graph.namespace_manager)}@{lang}")
        if not any(str(o).strip() for o in graph.objects(c, DCTERMS.source)):
            problems.append(f"{key}: no dcterms:source")
        if len(set(graph.objects(c, SKOS.inScheme)) & schemes) != 1:
            problems.append(f"{key}: must be skos:inScheme exactly one declared scheme")
    assert not problems, "\n".join(problems)


def test_notations_are_unique_and_keep_the_rules_ids(graph, concepts):
    seen = defaultdict(list)
    for key, c in concepts.items():
        for n in graph.objects(c, SKOS.notation):
            seen[str(n)].append(key)
    assert not {n: ks for n, ks in seen.items() if len(ks) > 1}, "a notation is used twice"
    for notation, key in RULES_IDS.items():
        assert seen.get(notation) == [key], f"rules.md id {notation} must be the notation of {key}"


def test_broader_and_narrower_are_mutual(graph, concepts):
    inside = set(concepts.values())
    problems = []
    for a, b in graph.subject_objects(SKOS.broader):
        if a not in inside or b not in inside:
            problems.append(f"broader outside the scheme: {a} -> {b}")
        if (b, SKOS.narrower, a) not in graph:
            problems.append(f"{a} broader {b} lacks the narrower twin")
    for a, b in graph.subject_objects(SKOS.narrower):
        if (b, SKOS.broader, a) not in graph:
            problems.append(f"{a} narrower {b} lacks the broader twin")
    assert not problems, "\n".join(problems)


def test_hierarchy_is_acyclic(graph, concepts):
    parents = {c: set(graph.objects(c, SKOS.broader)) for c in concepts.values()}
    state: dict[URIRef, int] = {}

    def visit(c, path):
        if state.get(c) == 2:
            return
        assert state.get(c) != 1, f"cycle through {[str(p) for p in path + [c]]}"
        state[c] = 1
        for p in parents[c]:
            visit(p, path + [c])
        state[c] = 2

    for c in parents:
        visit(c, [])


def test_tops_and_broader(graph, concepts, schemes):
    """Per scheme: the concepts without skos:broader are exactly its top concepts, declared both ways."""
    for scheme in schemes:
        members = set(graph.subjects(SKOS.inScheme, scheme))
        no_broader = {c for c in members if not set(graph.objects(c, SKOS.broader))}
        has_top = set(graph.objects(scheme, SKOS.hasTopConcept))
        top_of = set(graph.subjects(SKOS.topConceptOf, scheme))
        assert no_broader == has_top == top_of, (
            f"{scheme}: without broader {sorted(map(key_of, no_broader))}, hasTopConcept "
            f"{sorted(map(key_of, has_top))}, topConceptOf {sorted(map(key_of, top_of))}")
        for c in members:
            for b in graph.objects(c, SKOS.broader):
                assert (b, SKOS.inScheme, scheme) in graph, f"{key_of(c)} has a broader in another scheme"
    cast_tops = {key_of(c) for c in graph.objects(SCHEME, SKOS.hasTopConcept)}
    assert cast_tops == TOPS, f"CAST top concepts changed: {sorted(cast_tops)}"


def test_brief_hierarchy(graph, concepts):
    """The parent of each concept the brief places (children of several parents are allowed, these must hold)."""
    expect = {
        "serve-st-workers": "four-services", "serve-innovation": "four-services",
        "serve-science-literacy": "four-services", "serve-decision-making": "four-services",
        "open-type": "three-types", "hub-type": "three-types", "platform-type": "three-types",
        "three-attributes": "cast-reform", "four-tendencies": "cast-reform",
        "political": "three-attributes", "advanced": "three-attributes", "mass": "three-attributes",
        "bureaucratisation": "four-tendencies", "administrativisation": "four-tendencies",
        "elitism": "four-tendencies", "entertainment": "four-tendencies",
        "literacy-outline": "serve-science-literacy", "popular-science": "serve-science-literacy",
        "workers-home": "serve-st-workers", "think-tank": "serve-decision-making",
        "government-functions": "serve-decision-making",
        "science-day": "popular-science", "grassroots-popsci-programme": "popular-science",
    }
    expect |= {k: "literacy-outline" for k in ("youth-literacy", "farmer-literacy", "worker-literacy",
                                               "elderly-literacy", "official-literacy", "resources-popsci",
                                               "digital-popsci", "popsci-infrastructure", "grassroots-popsci",
                                               "international-literacy")}
    for child, parent in expect.items():
        assert (concepts[child], SKOS.broader, concepts[parent]) in graph, f"{child} should be narrower of {parent}"
    # 科普惠农兴村计划 is a sub-programme of 基层科普行动计划 and so still under popular-science.
    ancestors = set(graph.transitive_objects(concepts["rural-popsci"], SKOS.broader))
    assert concepts["popular-science"] in ancestors


def test_related_is_not_hierarchical(graph, concepts):
    """SKOS S27: skos:related is disjoint from skos:broaderTransitive."""
    for a, b in graph.subject_objects(SKOS.related):
        assert (b, SKOS.related, a) in graph, f"skos:related is symmetric: {a} {b}"
        assert b not in set(graph.transitive_objects(a, SKOS.broader)), f"{a} related to its ancestor {b}"
        assert a not in set(graph.transitive_objects(b, SKOS.broader)), f"{b} related to its ancestor {a}"


# ------------------------------------------------------------------------------------------------ lexicon
def test_explicit_label_is_declared():
    # the perfkg: terms the schemes use are declared in perfkg.ttl, which owns the namespace
    graph = Graph().parse(MANDATES.parent / "perfkg.ttl", format="turtle")
    assert (PERFKG.explicitLabel, RDFS.subPropertyOf, SKOS.hiddenLabel) in graph
    for prop in (PERFKG.explicitLabel, PERFKG.appliesToOrganisationPattern, PERFKG.organisationPurpose):
        assert (prop, RDF.type, OWL.AnnotationProperty) in graph
        for lang in ("zh", "en"):
            assert any(o.language == lang for o in labels(graph, prop, RDFS.label)), f"{prop} rdfs:label @{lang}"
            assert any(o.language == lang for o in labels(graph, prop, SKOS.definition)), f"{prop} definition @{lang}"


def test_duty_statements_are_explicit(lexicon, concepts):
    """A duty named 为X服务 is stated outright by 服务X and 服务于X (the seed's headings l.74, l.88 use this form)."""
    explicit = defaultdict(set)
    for scheme in lexicon.schemes:
        for p in scheme.phrases:
            if p.explicit:
                explicit[key_of(p.concept)].add(p.text)
    assert {"为提高全民科学素质服务", "服务提高全民科学素质", "服务于提高全民科学素质"} <= explicit["serve-science-literacy"]
    assert "服务党和政府科学决策" in explicit["serve-decision-making"]
    assert "服务创新驱动发展" in explicit["serve-innovation"]
    assert not any(p.startswith("服务") for p in explicit["popular-science"]), "only duties get verb-first forms"


def test_organisation_pattern_and_purpose(graph, concepts, schemes):
    for scheme in schemes:
        for purpose in graph.objects(scheme, PERFKG.organisationPurpose):
            assert (purpose, SKOS.inScheme, scheme) in graph, f"{scheme}: purpose {purpose} is not in the scheme"
    patterns = {str(o) for o in graph.objects(SCHEME, PERFKG.appliesToOrganisationPattern)}
    assert {"科学技术协会", "科协"} <= patterns
    assert any(p in "秦皇岛市科学技术协会" for p in patterns), "the seed's organisation must match the scheme"
    purposes = set(graph.objects(SCHEME, PERFKG.organisationPurpose))
    assert purposes == {concepts[k] for k in ("serve-st-workers", "serve-innovation", "serve-science-literacy",
                                              "serve-decision-making")}


def test_labels_per_concept_follow_skos(graph, concepts):
    """S14: one prefLabel per language; S13: pref, alt and hidden labels (plain or SKOS-XL) are pairwise disjoint."""
    problems = []
    for key, c in concepts.items():
        pref = labels(graph, c, SKOS.prefLabel)
        alt = set(labels(graph, c, SKOS.altLabel)) | set(xl_labels(graph, c, SKOSXL.altLabel))
        hidden = set(labels(graph, c, SKOS.hiddenLabel)) | set(labels(graph, c, PERFKG.explicitLabel))
        hidden |= set(xl_labels(graph, c, SKOSXL.hiddenLabel))
        if len({o.language for o in pref}) != len(pref):
            problems.append(f"{key}: two prefLabels in one language")
        for a, b, name in ((set(pref), alt, "pref/alt"), (set(pref), hidden, "pref/hidden"), (alt, hidden, "alt/hidden")):
            if a & b:
                problems.append(f"{key}: {name} overlap {sorted(map(str, a & b))}")
    assert not problems, "\n".join(problems)


def test_trigger_phrases_are_long_enough(lexicon, concepts):
    short = [(k, p) for k, c in concepts.items() for kind, ps in trigger_phrases(lexicon, c).items()
             if kind != "pref" for p in ps if len(p.strip()) < MIN_PHRASE]
    assert not short, f"trigger phrases shorter than {MIN_PHRASE} characters: {short}"


def test_trigger_phrases_are_clean(lexicon, concepts):
    for key, c in concepts.items():
        for kind, phrases in trigger_phrases(lexicon, c).items():
            for p in phrases:
                assert p == p.strip() and not re.search(r"\s", p), f"{key} {kind} label has whitespace: {p!r}"
        for p in trigger_phrases(lexicon, c)["alt"] + trigger_phrases(lexicon, c)["hidden"]:
            assert p not in {"服务", "科学", "工作", "建设", "科技"}, f"{key}: bare generic word {p!r} as trigger"


def test_no_phrase_is_shared_by_two_concepts(lexicon, concepts):
    owners: dict[str, set[str]] = defaultdict(set)
    for key, c in concepts.items():
        for phrases in trigger_phrases(lexicon, c).values():
            for p in phrases:
                owners[normalise(p)].add(key)
    shared = {p: ks for p, ks in owners.items() if len(ks) > 1 and INTENDED_OVERLAPS.get(p) != ks}
    assert not shared, f"phrases used by more than one concept (list intended ones in INTENDED_OVERLAPS): {shared}"


def test_cast_scheme_triggers_are_skosxl_labels_with_a_source(graph, concepts):
    """In the CAST scheme every trigger phrase beyond the names is a SKOS-XL label, so it can carry its source."""
    plain = [(k, str(o)) for k, c in concepts.items() if (c, SKOS.inScheme, SCHEME) in graph
             for p in (SKOS.altLabel, SKOS.hiddenLabel, PERFKG.explicitLabel) for o in graph.objects(c, p)]
    assert not plain, f"plain trigger labels without a source: {plain}"
    missing = [(key_of(c), str(f)) for prop in (SKOSXL.altLabel, SKOSXL.hiddenLabel)
               for c, label in graph.subject_objects(prop) for f in graph.objects(label, SKOSXL.literalForm)
               if graph.value(label, DCTERMS.source) is None]
    assert not missing, f"skosxl labels without dcterms:source: {missing}"


def test_every_phrase_is_in_the_quote_it_cites(graph):
    """The cited quote contains the phrase (after the linker's normalisation); the quote belongs to a source document
    with a title and the address of the stored copy it was copied from."""
    problems, count = [], 0
    for prop in (SKOSXL.altLabel, SKOSXL.hiddenLabel):
        for c, label in graph.subject_objects(prop):
            quote = graph.value(label, DCTERMS.source)
            text = str(graph.value(quote, RDF.value) or "")
            for form in graph.objects(label, SKOSXL.literalForm):
                count += 1
                if normalise(str(form)) not in normalise(text):
                    problems.append(f"{key_of(c)}: 「{form}」 not in {quote}")
            source = graph.value(quote, DCTERMS.isPartOf)
            if source is None or graph.value(source, DCTERMS.title) is None:
                problems.append(f"{quote}: no source document with a title")
            elif not str(graph.value(source, DCTERMS.identifier) or "").startswith("http"):
                problems.append(f"{source}: no address of the stored copy")
    assert count > 100 and not problems, "\n".join(problems)


def test_no_quote_is_copied_from_the_seed(graph, seed_path):
    """A quote that is a sentence of the seed would make the seed the phrase's source."""
    seed = {normalise(line) for line in seed_path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 8}
    quotes = [normalise(str(o)) for q, o in graph.subject_objects(RDF.value) if str(q).startswith(str(M["quote-"]))]
    copied = [q for q in quotes for line in seed if len(line) > 8 and (line in q or q in line)]
    assert quotes and not copied, copied


def test_seed_misspelling_is_not_a_trigger(lexicon, concepts):
    """The lexicon comes from defining texts, not from the seed: its misspelling 科普及农兴村 (l. 82) is no trigger."""
    keys = {normalise(t) for c in concepts.values() for ps in trigger_phrases(lexicon, c).values() for t in ps}
    assert "科普及农兴村" not in keys
    assert "科普" in trigger_phrases(lexicon, concepts["popular-science"])["alt"]


# ------------------------------------------------------------------------------------------------ truth file
def test_truth_uses_known_keys(truth, concepts):
    unknown = {r["mandate"] for r in truth} - set(concepts) - {"-"}
    assert not unknown, f"truth uses mandate keys the scheme does not define: {sorted(unknown)}"


def test_truth_covers_every_element(truth):
    assert {r["document"] for r in truth} == {SEED_NAME}
    elements = {r["element"] for r in truth}
    assert elements == EXPECTED_ELEMENTS, (
        f"missing {sorted(EXPECTED_ELEMENTS - elements)}, unexpected {sorted(elements - EXPECTED_ELEMENTS)}")
    assert sum(k.startswith("subgoal/") for k in elements) == 13
    assert sum(re.fullmatch(r"measure/\d+", k) is not None for k in elements) == 4
    assert sum("/item/" in k for k in elements) == 14
    assert sum(k.startswith("project/") for k in elements) == 2


def test_truth_rows_are_well_formed(truth):
    seen = set()
    per_element = defaultdict(list)
    for r in truth:
        key = (r["element"], r["mandate"])
        assert key not in seen, f"duplicate truth row {key}"
        seen.add(key)
        per_element[r["element"]].append(r["mandate"])
        assert r["note"].strip(), f"truth row {key} has no justification"
    for element, mandates in per_element.items():
        if "-" in mandates:
            assert mandates == ["-"], f"{element}: '-' (serves no mandate) must be its only row"


def test_truth_is_most_specific(truth, graph, concepts):
    """An element lists a concept together with one of its ancestors only when the ancestor rests on other
    evidence: the two rows' notes must quote different phrases (e.g. measure/2's explicit heading
    「服务提高全民科学素质」 beside 「以实施《纲要》为抓手」 for the Outline)."""
    evidence = {}
    per_element = defaultdict(set)
    for r in truth:
        if r["mandate"] != "-":
            per_element[r["element"]].add(r["mandate"])
            evidence[(r["element"], r["mandate"])] = {q for _, q in NOTE_QUOTE.findall(r["note"])}
    problems = []
    for element, keys in per_element.items():
        for k in keys & set(concepts):  # unknown keys are reported by test_truth_uses_known_keys
            ancestors = {str(a)[len(str(M)):] for a in graph.transitive_objects(concepts[k], SKOS.broader)} - {k}
            for a in ancestors & keys:
                if evidence[(element, a)] & evidence[(element, k)]:
                    problems.append(f"{element}: {a} (ancestor of {k}) rests on the same phrase; keep only {k}")
    assert not problems, "\n".join(problems)


def test_truth_product_owner_facts(truth):
    by = defaultdict(set)
    for r in truth:
        by[r["element"]].add(r["mandate"])
    assert "popular-science" in by["project/1"]
    assert by["project/2"] == {"-"}
    assert "serve-science-literacy" in by["measure/2"]
    assert "serve-decision-making" in by["measure/3"]


def test_truth_notes_quote_the_seed(truth, seed_path):
    """Every 「phrase」 in a note occurs on the line it cites (spaces ignored), so labels stay anchored to the text."""
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    problems = []
    for r in truth:
        quotes = NOTE_QUOTE.findall(r["note"])
        if not quotes:
            problems.append(f"{r['element']} {r['mandate']}: note cites no l.N「…」 phrase")
        for n, phrase in quotes:
            if squash(phrase) not in squash(lines[int(n) - 1]):
                problems.append(f"{r['element']} {r['mandate']}: 「{phrase}」 not on seed line {n}")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------------------------ owlready2
def test_loads_in_owlready2_via_ntriples(graph, concepts):
    import owlready2  # a declared dependency: missing means a broken install, which fails rather than skips
    nt = graph.serialize(format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology("https://w3id.org/perfkg/mandate/")
    onto.load(fileobj=io.BytesIO(nt), format="ntriples")
    rows = list(world.sparql("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <%s> }" % SKOS.Concept))
    assert rows[0][0] == len(concepts)
    phrase = list(world.sparql('SELECT ?c WHERE { ?c <%s> ?l . ?l <%s> "科普惠农兴村"@zh }'
                               % (SKOSXL.altLabel, SKOSXL.literalForm)))
    assert [str(r[0].iri) if hasattr(r[0], "iri") else str(r[0]) for r in phrase] == [str(M["rural-popsci"])]
    world.close()
