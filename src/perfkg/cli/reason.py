"""`perfkg reason SRC...`: materialise what the ontology entails from linked documents (HermiT or SPARQL CONSTRUCT)."""
from __future__ import annotations

import sys
import time
from functools import partial

from rdflib import Graph
from rdflib.namespace import RDFS

from perfkg.batch import unlimited_memory
from perfkg.cli import add_batch_options, limits_from
from perfkg.cli.link import DocumentOutput, add_output_options, add_scheme_option, documents_in, run_documents, serialise
from perfkg.link import link_document, load_lexicon
from perfkg.rdf.iris import document_name
from perfkg.rdf.serialise import FORMATS, canonical_format
from perfkg.sources import Identity, collect
from perfkg.reason import (InconsistentGraphError, check_ontology, infer_with_construct, infer_with_hermit,
                           java_available, materialise)
from perfkg.reason.materialise import add_to_dataset
from perfkg.vocab import PERFKG

ENGINES = ("auto", "hermit", "construct", "both")


def register(sub) -> None:
    p = sub.add_parser("reason", help="OWL 推理并物化结果 / reason with OWL and materialise the entailments",
                       description="对已关联职责的文档进行推理（HermiT 或等价的 SPARQL CONSTRUCT），把推出的关联和类写回图谱的"
                                   " <文档>/inferred 命名图 / reason over linked documents (HermiT, or the equivalent "
                                   "SPARQL CONSTRUCT) and write the inferred links and classes to a <document>/inferred "
                                   "named graph")
    p.add_argument("sources", nargs="*", metavar="SRC", help="绩效文本、RDF 文件或目录 / documents, RDF files or folders")
    add_output_options(p, "trig")
    p.add_argument("--engine", default="auto", choices=ENGINES,
                   help="auto：一个文档用 HermiT，多个用 CONSTRUCT；both：两者都跑并比较 / auto: HermiT for one document, "
                        "CONSTRUCT for a corpus; both: run both and compare (default: auto)")
    p.add_argument("--check-ontology", action="store_true",
                   help="先用 HermiT 检查本体和职责概念体系的一致性 / first check the ontology and schemes with HermiT")
    add_scheme_option(p)
    add_batch_options(p)
    p.set_defaults(run=run)


def _engines(choice: str, documents: int) -> list[str]:
    if choice == "both":
        return ["hermit", "construct"]
    if choice == "auto":
        if documents == 1 and java_available():
            return ["hermit"]
        if documents == 1:
            print("未找到 Java，改用 SPARQL CONSTRUCT / Java not found: using SPARQL CONSTRUCT", file=sys.stderr)
        return ["construct"]
    return [choice]


def _popular(graph: Graph, inferred) -> list[str]:
    names = []
    for s, c in sorted(inferred.types):
        if c == PERFKG.PopularScienceProject:
            code = graph.value(s, PERFKG.projectCode)
            names.append(f"{code or ''} {graph.value(s, RDFS.label) or s}".strip())
    return names


def _reason_file(path: str, *, lexicon, engines: list[str], fmt: str, limits) -> list[DocumentOutput]:
    """The batch task: link each document of the file if needed, reason with each engine, materialise."""
    out = []
    for item, ds, lines in documents_in(path, limits):
        doc, graph = item.document, ds.graph(item.graph_iri)
        result = DocumentOutput(Identity.of(item))
        say = result.messages.append
        if lines is not None or (None, PERFKG.servesMandate, None) not in graph:
            link_document(graph, doc, lexicon=lexicon, lines=lines)
        try:
            results = {}
            for engine in engines:
                t0 = time.perf_counter()
                if engine == "hermit":
                    with unlimited_memory():  # Java's heap is bounded by its own -Xmx
                        results[engine] = infer_with_hermit(graph)
                else:
                    results[engine] = infer_with_construct(graph)
                say((False, f"✓ {item.source} <{doc}> [{engine} {time.perf_counter() - t0:.1f}s]: "
                            f"{len(results[engine].supports)} 条推出的职责关联 inferred mandate links, "
                            f"{len(results[engine].types)} 个推出的类成员 inferred class memberships"))
        except InconsistentGraphError as e:
            say((True, f"✗ {item.source} <{doc}>: {e.message_zh}\n  {e.message_en}"))
            result.status = 1
            out.append(result)
            continue
        first = results[engines[0]]
        if len(results) == 2 and results["hermit"] != results["construct"]:
            diff = results["hermit"].triples() ^ results["construct"].triples()
            say((True, f"✗ HermiT 与 CONSTRUCT 结果不同 / HermiT and CONSTRUCT differ: {len(diff)} triples"))
            result.status = 1
        elif len(results) == 2:
            say((False, "  HermiT 与 CONSTRUCT 结果相同 / HermiT and CONSTRUCT agree"))
        popular = _popular(graph, first)
        say((False, f"  科普项目 popular-science projects: {'; '.join(popular) if popular else '无 none'}"))
        add_to_dataset(ds, doc, materialise(graph, first, doc))
        result.files[f"{document_name(doc)}.reasoned{FORMATS[fmt]}"] = serialise(ds, fmt)
        out.append(result)
    return out


def run(args) -> int:
    if args.check_ontology:
        check_ontology()
        print("✓ HermiT：本体与职责概念体系一致 / the ontology and mandate schemes are consistent")
        if not args.sources:
            return 0
    if not args.sources:
        print("请给出文档或 RDF 文件 / give documents or RDF files", file=sys.stderr)
        return 2
    fmt = canonical_format(args.format)
    lexicon = load_lexicon(args.scheme)
    files, _ = collect(args.sources, rdf=True)
    engines = _engines(args.engine, len(files))  # auto: HermiT for one input file, CONSTRUCT for a corpus
    return run_documents(args, partial(_reason_file, lexicon=lexicon, engines=engines, fmt=fmt,
                                       limits=limits_from(args)))
