"""Reasoning: the ontology and schemes under owlready2/HermiT, inconsistent fixtures with clear messages, HermiT and
the SPARQL CONSTRUCT materialisation giving identical entailments, and inferred triples marked as inferred."""
from __future__ import annotations

import io
import shutil

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from perfkg.ingest import ingest_file
from perfkg.link import link_document
from perfkg.reason import (InconsistentGraphError, check_ontology, infer_with_construct, infer_with_hermit,
                           inferred_graph_iri, materialise)
from perfkg.reason.abox import lean_abox, tbox
from perfkg.reason.construct import CLASS_QUERIES
from perfkg.reason.diagnose import diagnose
from perfkg.reason.hermit import defined_classes
from perfkg.vocab import ID, MANDATE, PERFKG

from conftest import DATA, FIXTURES, require

P1 = ID["project/13030022P00702210044W"]


def need_java():
    require(shutil.which("java") is not None, "Java for the HermiT reasoner (see .ci/install-system-deps)")


def linked_graph(path) -> tuple[URIRef, Graph]:
    r = ingest_file(path, link=False)
    link_document(r.graph, r.graph_iri, lines=r.document.lines)
    return r.graph_iri, r.graph


@pytest.fixture(scope="module")
def seed_linked(seed_path):
    return linked_graph(seed_path)


# ------------------------------------------------------------------------------------------------ the design
def test_link_properties_are_not_skos_semantic_relations():
    t = tbox()
    assert (PERFKG.mandateRelation, RDFS.subPropertyOf, DCTERMS.subject) in t
    assert set(t.objects(PERFKG.servesMandate, RDFS.subPropertyOf)) == {PERFKG.mandateRelation, PERFKG.supportsMandate}
    for p in (PERFKG.mandateRelation, PERFKG.servesMandate, PERFKG.supportsMandate):
        assert not {SKOS.broader, SKOS.narrower, SKOS.related} & set(t.transitive_objects(p, RDFS.subPropertyOf))


def test_materialisation_queries_mirror_the_ontology():
    """The CONSTRUCT queries encode exactly these axioms: a changed chain or a new defined class must update them."""
    t = tbox()
    chains = {tuple(Collection(t, c)) for c in t.objects(PERFKG.supportsMandate, OWL.propertyChainAxiom)}
    assert chains == {(PERFKG.hasProjectGoal, PERFKG.supportsMandate), (PERFKG.hasIndicator, PERFKG.supportsMandate),
                      (PERFKG.hasMeasureItem, PERFKG.supportsMandate), (PERFKG.supportsMandate, SKOS.broader)}
    assert (SKOS.broader, OWL.inverseOf, SKOS.narrower) in t
    assert set(defined_classes(t)) == set(CLASS_QUERIES) == {PERFKG.PopularScienceProject}


def test_lean_abox_leaves_out_targets_evidence_and_text(seed_linked):
    _, g = seed_linked
    abox = lean_abox(g)
    assert len(abox) < len(g) / 5
    assert (None, RDF.type, PERFKG.MandateEvidence) not in abox and (None, RDF.type, PERFKG.Target) not in abox
    assert (None, PERFKG.text, None) not in abox
    assert (P1, PERFKG.servesMandate, MANDATE["popular-science"]) in abox


def test_ontology_and_mandates_load_in_owlready2():
    import owlready2

    world = owlready2.World()
    world.get_ontology("https://w3id.org/perfkg/x/").load(
        fileobj=io.BytesIO(tbox().serialize(format="nt", encoding="utf-8")), format="ntriples")
    assert world[str(PERFKG.PopularScienceProject)] is not None
    assert world[str(PERFKG.supportsMandate)] in world[str(PERFKG.servesMandate)].is_a
    assert world[str(MANDATE["popular-science"])] is not None
    world.close()


@pytest.mark.java
def test_hermit_finds_ontology_and_mandates_consistent():
    need_java()
    check_ontology()


# ------------------------------------------------------------------------------------------------ inconsistency
@pytest.mark.java
@pytest.mark.parametrize(("fixture", "culprit", "axiom"), [
    ("inconsistent-project-is-indicator.ttl", "id/project/bad-1", "perfkg:Indicator"),
    ("inconsistent-concept-serves-mandate.ttl", "mandate:science-day", "perfkg:servesMandate"),
    ("inconsistent-skos-broader-link.ttl", "13030022P00702210044W", "skos:semanticRelation"),
])
def test_inconsistent_fixture_fails_with_a_clear_message(fixture, culprit, axiom):
    need_java()
    g = Graph().parse(FIXTURES / fixture)
    with pytest.raises(InconsistentGraphError) as caught:
        infer_with_hermit(g)
    e = caught.value
    assert e.findings, "the diagnosis must name at least one individual"
    assert culprit in e.message_en and culprit in e.message_zh
    assert axiom in e.message_en and "AllDisjointClasses" in e.message_en
    assert "不一致" in e.message_zh and "inconsistent" in e.message_en


def test_diagnosis_without_java_names_individuals():
    g = Graph().parse(FIXTURES / "inconsistent-project-is-indicator.ttl") + tbox()
    (finding,) = diagnose(g)
    assert finding.individual == ID["project/bad-1"]
    assert "perfkg:BudgetProject" in finding.en and "perfkg:Indicator" in finding.en


# ------------------------------------------------------------------------------------------------ HermiT = CONSTRUCT
@pytest.mark.java
@pytest.mark.parametrize("name", ["seed", "yunling-kexie-2023.txt", "yunling-kexie-2024.txt"])
def test_hermit_and_construct_give_identical_entailments(name, seed_linked):
    need_java()
    doc, g = seed_linked if name == "seed" else linked_graph(DATA / name)
    by_hermit, by_construct = infer_with_hermit(g), infer_with_construct(g)
    assert by_hermit.triples() == by_construct.triples()
    assert len(by_hermit.supports) > 100
    popular = {s for s, c in by_hermit.types if c == PERFKG.PopularScienceProject}
    assert popular and all((doc, PERFKG.hasProject, p) in g for p in popular)
    if name == "seed":
        assert popular == {P1}


def test_construct_on_a_corpus_equals_per_document_runs(seed_linked):
    graphs = [seed_linked[1]] + [linked_graph(DATA / n)[1] for n in ("yunling-kexie-2023.txt", "yunling-kexie-2024.txt")]
    corpus = Dataset(default_union=True)
    for i, g in enumerate(graphs):
        corpus.graph(URIRef(f"urn:g{i}")).__iadd__(g)
    together = infer_with_construct(corpus)
    apart = set().union(*(infer_with_construct(g).triples() for g in graphs))
    assert together.triples() == apart


# ------------------------------------------------------------------------------------------------ materialised
def test_inferred_triples_go_to_their_own_graph_with_evidence(seed_linked):
    doc, g = seed_linked
    inferred = infer_with_construct(g)
    out = materialise(g, inferred, doc)
    assert (P1, RDF.type, PERFKG.PopularScienceProject) in out
    assert (P1, PERFKG.supportsMandate, MANDATE["serve-science-literacy"]) in out
    ev = URIRef(f"{P1}/evidence/serve-science-literacy-inferred")
    assert (ev, PERFKG.linkMethod, PERFKG.ReasonerInference) in out
    bases = set(out.objects(ev, PROV.wasDerivedFrom))
    assert bases and all((b, PERFKG.linkMethod, None) in g for b in bases)
    assert {g.value(b, PERFKG.linkedMandate) for b in bases} >= {MANDATE["popular-science"]}
    for s, m in inferred.supports:  # every inferred link has its evidence node
        assert (None, PERFKG.linkedElement, s) in out
    assert str(inferred_graph_iri(doc)) == f"{doc}/inferred"


@pytest.mark.java
def test_cli_reason_both_engines(seed_path, tmp_path, capsys):
    need_java()
    from perfkg.cli import main

    assert main(["reason", str(seed_path), "--engine", "both", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "HermiT and CONSTRUCT agree" in out and "13030022P00702210044W" in out
    ds = Dataset()
    ds.parse(tmp_path / "130300-731001-2022.reasoned.trig", format="trig")  # named by identity
    inferred = ds.graph(inferred_graph_iri(ID["doc/130300-731001-2022"]))
    assert (P1, RDF.type, PERFKG.PopularScienceProject) in inferred
    assert (P1, RDF.type, PERFKG.PopularScienceProject) not in ds.graph(ID["doc/130300-731001-2022"])


def test_cli_reason_corpus_uses_construct(tmp_path, capsys):
    from perfkg.cli import main

    assert main(["reason", str(DATA), "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "[construct" in out and "[hermit" not in out
    assert len(list(tmp_path.glob("*.reasoned.trig"))) == 3 + 5  # data/*.txt and data/layouts (issue 11)


@pytest.mark.java
def test_cli_reason_reports_inconsistency(tmp_path, capsys):
    need_java()
    from perfkg.cli import main

    bad = tmp_path / "bad.ttl"
    shutil.copy(FIXTURES / "inconsistent-project-is-indicator.ttl", bad)
    assert main(["reason", str(bad), "--engine", "hermit", "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "bad-1" in err and "不一致" in err and "inconsistent" in err


def test_construct_backends_agree(seed_linked):
    g = seed_linked[1]
    assert infer_with_construct(g, backend="oxigraph").triples() == infer_with_construct(g).triples()
    with pytest.raises(ValueError):
        infer_with_construct(g, backend="nope")


def test_reasoning_a_reasoned_graph_adds_nothing(seed_linked):
    doc, g = seed_linked
    reasoned = Graph()
    reasoned += g
    reasoned += materialise(g, infer_with_construct(g), doc)
    again = infer_with_construct(reasoned)
    assert not again.supports and not again.types
