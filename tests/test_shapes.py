"""Every shape against its fixtures (tests/shape_cases/*.toml): one conforming and one non-conforming example each."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH, SKOS

from conftest import require
from shape_cases.harness import BASES, Case, edited_copy, element_key, expand, load_cases, mutated
from perfkg.ingest import ingest_file
from perfkg.validate.engine import run_pyshacl
from perfkg.validate.locate import findings_from
from perfkg.validate.settings import PKS
from perfkg.validate.shapes import load_shapes

CASES, VALID = load_cases()


@pytest.fixture(scope="session")
def base_graphs():
    """Each base document ingested once (no mandate linking: R40 fixtures add links by hand)."""
    cache: dict[str, Graph] = {}

    def get(key: str) -> Graph:
        if key not in cache:
            path = BASES[key]
            require(path.is_file(), f"the base document {path}")
            result = ingest_file(path, link=False)
            assert result.ok, result.error
            cache[key] = result.graph
        return cache[key]

    return get


def shape_results(graph: Graph, shape: str, config: dict | None = None) -> set[tuple[str, str, str]]:
    """(rule, element, level) of the results one shape gives on a graph, elements written as in the fixtures."""
    shapes = load_shapes(config or {})
    node = PKS[shape]
    assert node in shapes.rules, f"no rule-bearing shape pks:{shape}"
    raw = run_pyshacl(graph, shapes, only=[shapes.entry_shape(node)])
    findings, _ = findings_from(raw, graph, shapes)
    return {(f.rule, element_key(f.element), f.severity) for f in findings if f.shape == node.n3()}


def case_graph(case: Case, base_graphs, tmp_path: Path) -> Graph:
    if case.edit:
        require(BASES[case.base].is_file(), f"the base document {BASES[case.base]}")
        result = ingest_file(edited_copy(BASES[case.base], case.edit, tmp_path), link=False)
        assert result.ok, result.error
        return mutated(result.graph, case.update)
    return mutated(base_graphs(case.base), case.update)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, base_graphs, tmp_path):
    graph = case_graph(case, base_graphs, tmp_path)
    got = shape_results(graph, case.shape, case.config)
    want = {(rule, element_key(expand(element)), level) for rule, element, level in case.expect}
    assert got == want, f"{case.file} {case.id}"
    # the number of results matters too (a duplicated finding is a defect of the report)
    if len(case.expect) != len(want):  # duplicates listed on purpose (e.g. two stale years in one text)
        shapes = load_shapes(case.config)
        raw = run_pyshacl(graph, shapes, only=[shapes.entry_shape(PKS[case.shape])])
        findings, _ = findings_from(raw, graph, shapes)
        assert sum(f.shape == PKS[case.shape].n3() for f in findings) == len(case.expect)


@pytest.mark.parametrize("file,base,shape", VALID, ids=[f"{s}:valid:{b}" for _, b, s in VALID])
def test_conforms_on_unchanged_base(file, base, shape, base_graphs):
    assert shape_results(base_graphs(base), shape) == set(), f"{file}: {shape} on {base}"


def test_every_shape_has_a_conforming_and_a_nonconforming_example():
    rules = load_shapes().rules
    named = {str(n).split("#", 1)[1] for n in rules if isinstance(n, URIRef)}
    assert len(named) == len(rules), "every rule-bearing shape must have an IRI"
    invalid = {c.shape for c in CASES if c.expect}
    valid = {c.shape for c in CASES if not c.expect} | {s for _, _, s in VALID}
    assert named - invalid == set(), "shapes without a non-conforming example"
    assert named - valid == set(), "shapes without a conforming example"
    assert (invalid | valid) - named == set(), "fixtures name shapes that do not exist"


def test_every_rule_shape_is_reached_from_a_target():
    """A rule shape that no target reaches would silently never fire."""
    shapes = load_shapes()
    for node in shapes.rules:
        shapes.entry_shape(node)  # raises when unreachable


def test_every_case_expects_the_rule_of_its_shape():
    rules = load_shapes().rules
    for case in CASES:
        rule = rules[PKS[case.shape]].rule
        assert {r for r, _, _ in case.expect} <= {rule}, case.id


def test_shape_metadata_complete():
    """Each rule-bearing shape: rule id, severity, zh+en label and message, and a source."""
    shapes = load_shapes()
    for node, rule in shapes.rules.items():
        assert rule.rule.startswith(("R", "P-")), node
        assert (node, SH.severity, None) in shapes.graph, f"{node} has no sh:severity"
        assert set(rule.label) >= {"zh", "en"} and all(rule.label.values()), node
        assert set(rule.message) >= {"zh", "en"} and all(rule.message.values()), node
        assert rule.source, node


def test_messages_say_what_to_change():
    """A message is not just "invalid": every Violation/Warning message tells the department what to do."""
    verbs_zh = ("请", "应", "改", "补", "删")
    verbs_en = ("Add", "Use", "Give", "Fill", "Write", "State", "Correct", "Delete", "Name", "Move", "Make", "Check",
                "Rewrite", "Raise", "Say", "Describe", "Choose", "Measure", "Put", "Drop", "Reconsider", "use",
                "give", "rename", "check", "add", "move", "drop", "measure", "correct", "explain", "delete", "fill",
                "state", "name", "say")
    shapes = load_shapes()
    for node, rule in shapes.rules.items():
        if rule.rule.startswith("P-"):
            continue  # ingester notes: the warning's own text follows
        assert any(v in rule.message["zh"] for v in verbs_zh), (node, rule.message["zh"])
        assert any(v in rule.message["en"] for v in verbs_en), (node, rule.message["en"])


def test_shapes_graph_is_valid_shacl():
    """The shapes graph itself conforms to the W3C SHACL-for-SHACL shapes (pySHACL's meta-validation)."""
    from pyshacl import validate

    conforms, _, text = validate(load_shapes().graph, meta_shacl=True, advanced=True, inference="none")
    assert conforms, text


def test_r16_pairs_mirror_the_category_scheme():
    """The level-1 → level-2 pairs written in R16 are exactly the skos:broader pairs of the ontology."""
    from perfkg.ontology import ontology_graph
    from perfkg.vocab import CAT

    onto = ontology_graph()
    broader = defaultdict(set)
    for child, parent in onto.subject_objects(SKOS.broader):
        if str(child).startswith(str(CAT)):
            broader[parent].add(child)
    shapes = load_shapes()
    pairs = {}
    for name, parent in (("R16-output", CAT.output), ("R16-cost", CAT.cost), ("R16-benefit", CAT.benefit),
                         ("R16-satisfaction", CAT.satisfaction)):
        from rdflib.collection import Collection

        pairs[parent] = set(Collection(shapes.graph, shapes.graph.value(PKS[name], SH["in"])))
    assert pairs == dict(broader)


def test_only_p_and_r_rule_ids_and_known_rules():
    ids = set(load_shapes().rule_ids())
    encoded = {f"R{n:02d}" for n in range(1, 35)} - {"R05"} | {"R40"} | {"R41", "R42"}  # R41/R42: self-evaluations
    assert {i for i in ids if i.startswith("R")} == encoded


def test_results_carry_the_rule_severity(base_graphs):
    """pySHACL's sh:resultSeverity is the severity the rule declares (no unnamed nested shape leaks a default)."""
    graph = base_graphs("yunling-2024")
    shapes = load_shapes()
    raw = run_pyshacl(graph, shapes)
    for result in raw.objects(None, SH.result):
        rule = shapes.rule_of(raw.value(result, SH.sourceShape))
        assert raw.value(result, SH.resultSeverity) == SH[rule.severity], rule.rule
