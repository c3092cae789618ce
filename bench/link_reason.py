"""Benchmark: linking and reasoning one seed-sized document and 100 of them (HermiT per document vs SPARQL CONSTRUCT).

Usage: python bench/link_reason.py [--docs 100] [--hermit-docs 100] [--hermit-union 10 50 100] [--seed PATH]
The 100 documents are copies of the seed (or data/yunling-kexie-2023.txt without ../shared) under distinct IRIs.
Prints the figures recorded in bench/README-link-reason.md.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from rdflib import Graph, URIRef

from perfkg.ingest import ingest_file
from perfkg.link import link_document, load_lexicon
from perfkg.reason import infer_with_construct, infer_with_hermit, java_available
from perfkg.reason.abox import lean_abox
from perfkg.vocab import ID

ROOT = Path(__file__).resolve().parents[1]


def renamed(graph: Graph, i: int) -> Graph:
    """The same document under distinct IRIs (id/c{i}/...), so copies can share one corpus graph."""
    old, new = str(ID), f"{ID}c{i}/"
    out = Graph()
    fix = lambda t: URIRef(new + t[len(old):]) if isinstance(t, URIRef) and str(t).startswith(old) else t  # noqa: E731
    for s, p, o in graph:
        out.add((fix(s), p, fix(o)))
    return out


def clock(fn, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--hermit-docs", type=int, default=100, help="HermiT runs for the corpus figure (extrapolated)")
    ap.add_argument("--hermit-union", type=int, nargs="*", default=[10, 50, 100],
                    help="sizes of merged corpora given to one HermiT run")
    ap.add_argument("--seed", type=Path, default=ROOT.parent / "shared" / "seeds" / "000_38770c5ad42c6795.txt")
    args = ap.parse_args()
    path = args.seed if args.seed.is_file() else ROOT / "data" / "yunling-kexie-2023.txt"
    lexicon = load_lexicon()
    base = ingest_file(path, link=False)
    lines = base.document.lines
    doc = base.graph_iri

    def fresh(i: int = 0) -> tuple[URIRef, Graph]:
        return URIRef(str(doc).replace(str(ID), f"{ID}c{i}/")), renamed(base.graph, i)

    # -- linking
    def link_one():
        d, g = fresh()
        link_document(g, d, lexicon=lexicon, lines=lines)
    link_one()  # warm
    unlinked = [fresh(i) for i in range(args.docs)]
    t_link1 = clock(link_one, 5) - clock(lambda: fresh(), 5)
    t0 = time.perf_counter()
    corpus = []
    for d, g in unlinked:
        link_document(g, d, lexicon=lexicon, lines=lines)
        corpus.append((d, g))
    t_link100 = time.perf_counter() - t0
    d1, g1 = corpus[0]
    print(f"document: {path.name}, {len(base.graph)} triples unlinked, {len(g1)} linked, "
          f"lean ABox {len(lean_abox(g1))} triples")
    print(f"link 1 document                    : {1000 * t_link1:8.1f} ms")
    print(f"link {args.docs} documents                : {t_link100:8.2f} s ({1000 * t_link100 / args.docs:.1f} ms/doc)")

    # -- CONSTRUCT (same lean ABox as HermiT)
    union = Graph()
    for _, g in corpus:
        union += g
    t_c1 = clock(lambda: infer_with_construct(g1), 5)
    t_c100 = clock(lambda: [infer_with_construct(g) for _, g in corpus])
    t_cu = clock(lambda: infer_with_construct(union))
    t_cox = clock(lambda: infer_with_construct(union, backend="oxigraph"))
    print(f"CONSTRUCT 1 document               : {t_c1:8.2f} s")
    print(f"CONSTRUCT {args.docs} docs, one run each  : {t_c100:8.2f} s")
    print(f"CONSTRUCT {args.docs} docs, merged graph  : {t_cu:8.2f} s (rdflib, {len(union)} triples in, "
          f"{len(lean_abox(union))} in the lean ABox)")
    print(f"CONSTRUCT {args.docs} docs, Oxigraph      : {t_cox:8.2f} s (lean ABox loaded into an in-memory store)")

    # -- HermiT
    if not java_available():
        print("Java not found: HermiT figures skipped", file=sys.stderr)
        return
    t_h1 = clock(lambda: infer_with_hermit(g1), 3)
    print(f"HermiT 1 document                  : {t_h1:8.2f} s (JVM start, load, classify, realise, property values)")
    n = min(args.hermit_docs, args.docs)
    t_hn = clock(lambda: [infer_with_hermit(g) for _, g in corpus[:n]])
    note = "" if n == args.docs else f" (measured on {n}, extrapolated)"
    print(f"HermiT {args.docs} docs, one run each     : {t_hn * args.docs / n:8.1f} s{note}")
    for size in args.hermit_union:
        merged = Graph()
        for _, g in corpus[:size]:
            merged += g
        individuals = len(set(lean_abox(merged).subjects()))
        t_hu = clock(lambda: infer_with_hermit(merged))
        same = infer_with_hermit(merged) == infer_with_construct(merged) if size == max(args.hermit_union) else None
        print(f"HermiT {size:3} docs, merged graph     : {t_hu:8.1f} s (~{individuals} individuals"
              + (f"; identical to CONSTRUCT: {same}" if same is not None else "") + ")")


if __name__ == "__main__":
    main()
