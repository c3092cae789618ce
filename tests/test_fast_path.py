"""The direct Turtle/N-Triples writer (rdf/writer.py) gives the bytes rdflib's serializers give: on the seed, every
data/ and samples/ document, campaign-style mutants of the seed, and hand-made graphs with the awkward terms."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import SEED, require
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from perfkg.ingest import ingest_file, serialise_document
from perfkg.rdf.serialise import PREFIXES, serialise_graph, turtle_by_rdflib
from perfkg.rdf.writer import turtle
from perfkg.vocab import ID, PERFKG

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for folder in ("data", "samples") for p in (ROOT / folder).rglob("*")
                 if p.is_file() and p.suffix.lower() in (".txt", ".pdf", ".xlsx", ".docx", ".html"))


def rdflib_ntriples(graph: Graph) -> str:
    lines = graph.serialize(format="nt").split("\n")
    return "\n".join(sorted(set(l for l in lines if l.strip()))) + "\n"


def assert_same(graph: Graph) -> None:
    reference = turtle_by_rdflib(graph)
    assert turtle(graph, PREFIXES) == reference  # the direct writer itself, not the fallback
    assert serialise_graph(graph, "turtle") == reference
    assert serialise_graph(graph, "nt") == rdflib_ntriples(graph)


def test_seed_byte_identical():
    require(SEED.is_file(), f"the seed document {SEED} (../shared beside the checkout)")
    r = ingest_file(SEED)
    assert r.ok and len(r.graph) > 3000
    assert_same(r.graph)
    # TriG: each graph's block is rdflib's Turtle body, indented
    trig = serialise_document(r.graph_iri, r.graph, "trig")
    body = [l for l in turtle_by_rdflib(r.graph).split("\n") if not l.startswith("@prefix")]
    while body and not body[0].strip():
        body.pop(0)
    block = trig.split(f"<{r.graph_iri}> {{\n", 1)[1].rsplit("}", 1)[0]
    assert block.rstrip("\n").split("\n") == [f"    {l}" if l else "" for l in body][: len(block.rstrip("\n")
                                                                                              .split("\n"))]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_documents_byte_identical(path):
    r = ingest_file(path)
    if not r.ok:  # a sample that is refused on purpose (a scanned page) has no graph to write
        assert r.error.message_zh and r.error.message_en
        return
    assert_same(r.graph)
    no_link = ingest_file(path, link=False)
    assert_same(no_link.graph)


def _mutants(text: str, count: int) -> list[str]:
    """Campaign-style edits of the seed: odd characters in names, targets and units, quotes and escapes."""
    rng = random.Random(20261204)
    inserts = ["(", ")", "%", "%2", ".", "\\", '"', "'''", "\u3000", "\t", "ß", "²", "·", "_", "-", "①", "𠀀", "#", "/",
               "<", ">", "{", "}", "|", "^", "`", "≥", "NaN", "1e999", "-0", "40.00", "元/平 方米月"]
    lines = text.split("\n")
    out = []
    for _ in range(count):
        mutated = list(lines)
        for _ in range(12):
            n = rng.randrange(len(mutated))
            line = mutated[n]
            pos = rng.randrange(len(line) + 1)
            mutated[n] = line[:pos] + rng.choice(inserts) + line[pos:]
        out.append("\n".join(mutated))
    return out


def test_mutants_byte_identical(tmp_path):
    require(SEED.is_file(), f"the seed document {SEED} (../shared beside the checkout)")
    checked = 0
    for i, text in enumerate(_mutants(SEED.read_text(encoding="utf-8"), 25)):
        path = tmp_path / f"mutant-{i}.txt"
        path.write_text(text, encoding="utf-8")
        r = ingest_file(path)
        if r.ok:
            assert_same(r.graph)
            checked += 1
    assert checked >= 20


EX = Namespace("http://example.org/x#")


def awkward_graph() -> Graph:
    """Terms at the edges of rdflib's prefixed names and literal forms."""
    g = Graph()
    s = ID["doc/130300-731001-2022"]
    for local in ("a(b)", "50%", "5%2F", "ends.", "项目", "_x", "1abc", "x-y.z", "", "a·b"):
        g.add((s, PERFKG.concerns, URIRef(str(ID) + local)))
        g.add((URIRef(str(PERFKG._NS) + local), RDF.type, PERFKG.Indicator))
    for value in (Literal(1), Literal(-0), Literal("40.0", datatype=XSD.decimal), Literal(True), Literal(1.5),
                  Literal("2022-05-01", datatype=XSD.date), Literal("x", datatype=URIRef("http://example.org/dt")),
                  Literal('say "hi"\nand\\or'), Literal("标签", lang="zh"), Literal("label", lang="en"),
                  Literal("1e999", datatype=XSD.decimal), Literal("")):
        g.add((s, RDFS.comment, value))
    g.add((s, PERFKG.hasProject, URIRef("https://w3id.org/perfkg/id/project/13030022P00702210044W")))
    g.add((URIRef("https://w3id.org/perfkg/id/project/13030022P00702210044W"), PERFKG.position, Literal(1)))
    g.add((s, URIRef("http://purl.org/dc/terms/"), Literal("a namespace as predicate")))
    g.add((s, PERFKG.concerns, URIRef("http://www.w3.org/ns/prov#")))
    return g


def test_awkward_terms_byte_identical():
    assert_same(awkward_graph())


@pytest.mark.parametrize("extra", [
    (BNode("b1"), RDF.type, PERFKG.Indicator),  # blank nodes: rdflib nests them
    (ID["x"], RDF.type, RDFS.Class),  # rdfs:Class members come first in rdflib's order
    (ID["x"], EX.unbound, Literal(1)),  # rdflib invents a prefix (ns1) for an unbound predicate namespace
    (ID["x"], PERFKG.concerns, RDF.nil),  # rdflib writes ()
])
def test_declined_graphs_fall_back_to_rdflib(extra):
    g = awkward_graph()
    g.add(extra)
    assert turtle(g, PREFIXES) is None
    assert serialise_graph(g, "turtle") == turtle_by_rdflib(g)


def test_shared_number_literals_keep_their_type():
    """The mapping shares one Literal per int and per bool; 1 == True in Python, yet position 1 stays an integer and
    an inherited flag a boolean (the seed's merged 一级/二级 cells give both true and false)."""
    require(SEED.is_file(), f"the seed document {SEED} (../shared beside the checkout)")
    g = ingest_file(SEED, link=False).graph
    positions = set(g.objects(None, PERFKG.position))
    inherited = set(g.objects(None, PERFKG.level1Inherited))
    assert Literal(1) in positions and all(o.datatype == XSD.integer for o in positions)
    assert inherited == {Literal(True), Literal(False)}
    assert all(o.datatype == XSD.boolean for o in inherited)
    assert "perfkg:level1Inherited true" in serialise_graph(g, "turtle")
