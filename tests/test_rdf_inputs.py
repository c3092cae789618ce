"""RDF files given as input: nothing is fetched (JSON-LD remote contexts, owl:imports), XML entity declarations are
refused (billion laughs), literals are bounded, and a file may only write the graphs of the documents it describes."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from docbuilder import document, project_block, write
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

from perfkg.backends import VOCABULARY_GRAPH
from perfkg.cli import main
from perfkg.ingest import ingest_file
from perfkg.store.embedded import EmbeddedStore



@pytest.fixture
def doc(tmp_path):
    """A document's IRI and graph, as ingest makes them."""
    r = ingest_file(write(tmp_path, document(projects=[project_block(code="13990023P00100230001A")]), "doc.txt"),
                    link=False)
    return r.graph_iri, r.graph


@pytest.fixture
def listener():
    """A local HTTP server that must receive nothing: every request it gets is recorded (and answered, so that a
    fetch would succeed and go unnoticed)."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            requests.append(self.path)
            body = b'{"@context": {"ex": "http://example.org/"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def run_cli(*args: str, timeout: float = 90) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "perfkg.cli", *args], capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def test_json_ld_remote_context_is_never_fetched(doc, listener, tmp_path, capsys):
    url, requests = listener
    _, doc_graph = doc
    nodes = json.loads(doc_graph.serialize(format="json-ld"))
    path = tmp_path / "remote-context.jsonld"
    path.write_text(json.dumps({"@context": f"{url}/context.jsonld", "@graph": nodes}), encoding="utf-8")
    for command in (["validate", str(path)], ["load", str(path), "--store", str(tmp_path / "s")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "remote-context.jsonld" in err and "@context" in err and "never fetches" in err and "联网" in err
    assert requests == []


def test_owl_imports_in_an_input_are_refused_not_followed(doc, listener, tmp_path, capsys):
    url, requests = listener
    iri, doc_graph = doc
    doc_graph.add((iri, OWL.imports, URIRef(f"{url}/ontology.ttl")))
    path = tmp_path / "imports.ttl"
    doc_graph.serialize(path, format="turtle")
    for command in (["validate", str(path)], ["reason", str(path), "-o", str(tmp_path / "o"), "--engine", "construct"],
                    ["load", str(path), "--store", str(tmp_path / "s")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "imports.ttl" in err and "owl:imports" in err and "never follows imports" in err
    assert requests == []


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "laughlaughlaugh">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/s"><ex:p>&i;</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("command", ["validate", "load"])
def test_xml_entity_declarations_are_refused(command, tmp_path):
    path = tmp_path / "laughs.rdf"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    extra = ["--store", str(tmp_path / "s")] if command == "load" else []
    code, _, err = run_cli(command, str(path), *extra, timeout=60)
    assert code == 2 and "laughs.rdf" in err
    assert "XML 实体声明" in err and "entity declarations" in err and "Traceback" not in err


def test_a_huge_n_triples_literal_is_refused_before_parsing(doc, tmp_path):
    iri, doc_graph = doc
    path = tmp_path / "long-literal.nt"
    text = doc_graph.serialize(format="nt")
    lines = text.count("\n")
    path.write_text(text + f'<{iri}> <{DCTERMS.description}> "{"长" * 2_000_000}" .\n', encoding="utf-8")
    code, _, err = run_cli("validate", str(path), timeout=60)  # rdflib alone: minutes (quadratic in the line)
    assert code == 2
    assert f"long-literal.nt:{lines + 1}" in err and "2000" in err and "--max-literal" in err


def test_literal_limit_in_turtle_and_its_flag(doc, tmp_path, capsys):
    iri, doc_graph = doc
    doc_graph.add((iri, DCTERMS.description, Literal("说明" * 100_000)))  # 200,000 characters
    path = tmp_path / "long.ttl"
    doc_graph.serialize(path, format="turtle")
    assert main(["validate", str(path)]) == 2
    assert "200000" in capsys.readouterr().err
    assert main(["validate", str(path), "--max-literal", "250000"]) in (0, 1)  # validated: findings or none


def _trig(tmp_path, doc, name: URIRef, extra) -> str:
    ds = Dataset()
    ds.graph(doc[0]).__iadd__(doc[1])
    ds.graph(name).add(extra)
    path = tmp_path / "input.trig"
    ds.serialize(path, format="trig")
    return str(path)


def test_a_trig_file_cannot_replace_the_vocabulary_graph(doc, tmp_path, capsys):
    store = str(tmp_path / "store")
    good = write(tmp_path, document(org="白石县科学技术协会", projects=[project_block(code="13110023P00100230001A")]),
                 "other.txt")
    assert main(["load", str(good), "--store", store, "--no-link"]) == 0
    with EmbeddedStore(store, read_only=True) as s:
        vocabulary = s.triple_count(str(VOCABULARY_GRAPH))
    bogus = (URIRef("http://example.org/x"), URIRef("http://example.org/y"), Literal("replaced"))
    capsys.readouterr()
    assert main(["load", _trig(tmp_path, doc, VOCABULARY_GRAPH, bogus), "--store", store]) == 2
    err = capsys.readouterr().err
    assert str(VOCABULARY_GRAPH) in err and "not the graph of a document it describes" in err and "只能写入" in err
    with EmbeddedStore(store, read_only=True) as s:
        assert s.triple_count(str(VOCABULARY_GRAPH)) == vocabulary
        assert str(doc[0]) not in s.graphs()  # the whole file was refused


def test_a_trig_file_cannot_write_another_documents_graph(doc, tmp_path, capsys):
    other = URIRef(f"{doc[0]}-another")
    bogus = (other, DCTERMS.title, Literal("冒名顶替"))
    assert main(["validate", _trig(tmp_path, doc, other, bogus)]) == 2
    assert str(other) in capsys.readouterr().err


def test_a_document_with_its_inferred_graph_loads(doc, tmp_path, capsys):
    inferred = URIRef(f"{doc[0]}/inferred")
    triple = (URIRef(f"{doc[0]}/project/1"), URIRef("http://example.org/inferred"), Literal("yes"))
    assert main(["load", _trig(tmp_path, doc, inferred, triple), "--store", str(tmp_path / "s")]) == 0
    assert f"<{inferred}>" in capsys.readouterr().out
