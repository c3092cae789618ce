"""RDF output: stable IRIs, provenance on every node, byte-identical serialisation, lossless round-trips."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF

from perfkg.rdf.serialise import serialise_dataset, serialise_graph
from perfkg.vocab import ID, PERFKG

ROOT = Path(__file__).resolve().parents[1]


def test_stable_iris(seed_result):
    g, doc = seed_result.graph, seed_result.graph_iri
    assert doc == ID["doc/130300-731001-2022"]
    projects = sorted(g.objects(doc, PERFKG.hasProject))
    assert projects == [ID["project/13030022P00702210044W"], ID["project/13030022P00702210045G"]]
    indicator = URIRef(f"{projects[0]}/indicator/12")
    assert (indicator, PERFKG.indicatorName, Literal("成本预算控制率")) in g
    assert (URIRef(f"{doc}/subgoal/13"), RDF.type, PERFKG.SubGoal) in g
    assert (URIRef(f"{doc}/measure/2/item/5"), RDF.type, PERFKG.GuaranteeMeasureItem) in g


def test_every_extracted_node_has_provenance(seed_result):
    g = seed_result.graph
    source = URIRef(f"{seed_result.graph_iri}/source")
    typed = {s for s in g.subjects(RDF.type, None) if str(s).startswith(str(ID["doc/"])) or "/project/" in str(s)}
    typed -= {source}
    # 1 document, 1 overall goal, 13 sub-goals, 4+14 measures, 2 projects, 5 goals, 25 indicators + 25 targets,
    # 6 amounts, 8 milestones, 5 TOC entries, 2 parse warnings
    assert len(typed) == 111
    for node in typed:
        assert (node, PROV.wasDerivedFrom, source) in g, node
        first, last = g.value(node, PERFKG.firstLine), g.value(node, PERFKG.lastLine)
        assert first is not None and 1 <= first.toPython() <= last.toPython() <= 167, node
    assert g.value(source, PERFKG.sourceFileName) == Literal("000_38770c5ad42c6795.txt")


def test_parse_warnings_are_data(seed_result):
    g = seed_result.graph
    warnings = {(str(g.value(w, PERFKG.warningCode)), g.value(w, PERFKG.firstLine).toPython(), g.value(w, PERFKG.concerns))
                for w in g.subjects(RDF.type, PERFKG.ParseWarning)}
    p1 = ID["project/13030022P00702210044W"]
    assert warnings == {("spending-label-inferred", 125, URIRef(f"{p1}/plan/4")),
                        ("cell-realigned", 140, URIRef(f"{p1}/indicator/12"))}


def test_no_blank_nodes(seed_result):
    from rdflib import BNode

    assert not [t for t in seed_result.graph if any(isinstance(x, BNode) for x in t)]


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld"])
def test_round_trip_graph(seed_result, fmt):
    text = serialise_graph(seed_result.graph, fmt)
    back = Graph().parse(data=text, format={"turtle": "turtle", "nt": "nt", "json-ld": "json-ld"}[fmt])
    assert isomorphic(back, seed_result.graph)


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_round_trip_dataset(seed_result, fmt):
    ds = Dataset()
    ds.graph(seed_result.graph_iri).__iadd__(seed_result.graph)
    back = Dataset().parse(data=serialise_dataset(ds, fmt), format=fmt)
    graphs = [g for g in back.graphs() if len(g)]
    assert [g.identifier for g in graphs] == [seed_result.graph_iri]
    assert isomorphic(graphs[0], seed_result.graph)


def _ingest_in_subprocess(seed: Path, out: Path, hashseed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    subprocess.run([sys.executable, "-m", "perfkg", "ingest", str(seed), str(ROOT / "data"), "-o", str(out),
                    "--format", "turtle,nt,json-ld,trig", "--corpus"], check=True, env=env, capture_output=True, timeout=300)


def test_byte_identical_output_across_processes(seed_path, tmp_path):
    _ingest_in_subprocess(seed_path, tmp_path / "a", "1")
    _ingest_in_subprocess(seed_path, tmp_path / "b", "4242")
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(files) == (4 + 5) * 4 + 1  # 4 documents + 5 in data/layouts (issue 11), x 4 formats + corpus.trig
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_console_script_and_every_command_imports():
    exe = Path(sys.executable).parent / "perfkg"
    assert exe.is_file(), "the perfkg console script is not installed"
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "ingest" in out.stdout
    from perfkg.cli import COMMANDS

    for command in COMMANDS:
        r = subprocess.run([str(exe), command, "--help"], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, (command, r.stderr)
