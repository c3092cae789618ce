"""Synthetic corpora shaped like real ones: N departments x years, cloned from parsed real documents.

Each synthetic document is a parsed template document (the seed and the bundled data/) with a new department name,
unit code, region code, year and project codes, and budgets/targets jittered deterministically; it then goes
through the real RDF mapping (and the linker, when asked), so triple shapes, literal types and link patterns are
those of real ingested documents. Project serials repeat across a department's years, so year-over-year queries
have something to find.

Usage: python bench/synthetic.py --triples 100000 --out corpus.nq
"""
from __future__ import annotations

import argparse
import copy
import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, URIRef

from perfkg.ingest import ingest_file
from perfkg.model import BudgetDocument

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_38770c5ad42c6795.txt"
DEPT_KINDS = ("科学技术协会", "民政局", "科学技术局", "教育局", "文化和旅游局")


def templates() -> list[BudgetDocument]:
    paths = sorted((ROOT / "data").glob("*.txt"))
    if SEED.is_file():
        paths.insert(0, SEED)
    return [ingest_file(p, link=False).document for p in paths]


def _jitter(rng: random.Random, value: Decimal | None, spread=0.3) -> Decimal | None:
    if value is None:
        return None
    factor = Decimal(str(round(1 + rng.uniform(-spread, spread), 2)))
    return (value * factor).quantize(Decimal("0.01"))


def synthesise(template: BudgetDocument, dept: int, year: int, rng: random.Random) -> BudgetDocument:
    doc = copy.deepcopy(template)
    region = f"{110000 + (dept * 100) % 880000:06d}"
    unit = f"{100000 + dept:06d}"
    kind = DEPT_KINDS[dept % len(DEPT_KINDS)]
    doc.organisation = f"合成{dept}市{kind}"
    doc.reviewer = f"合成{dept}市财政局"
    doc.year = year
    doc.source_name = f"synthetic-{unit}-{year}.txt"
    doc.source_sha256 = f"{dept:032x}{year:032x}"
    for p in doc.projects:
        serial = f"{dept % 10_000_000:07d}{p.position:04d}"
        p.code = f"{region}{year % 100:02d}P{serial}{'ABCDEFGHJKLMNPQRSTUVWXYZ'[(dept + year) % 24]}"
        p.unit_code, p.unit_name = unit, f"{doc.organisation}本级"
        fiscal = _jitter(rng, p.fiscal.value if p.fiscal else None)
        other = p.other.value if p.other else Decimal(0)
        if p.budget and fiscal is not None:
            p.fiscal = replace(p.fiscal, value=fiscal, raw=str(fiscal), yuan=fiscal * 10_000)
            total = fiscal + (other or 0)
            p.budget = replace(p.budget, value=total, raw=str(total), yuan=total * 10_000)
        p.indicators = [
            replace(i, target=replace(i.target, value=_jitter(rng, i.target.value, 0.2)))
            if i.target.value is not None and i.target.unit != "%" else i
            for i in p.indicators
        ]
    return doc


def corpus(triples: int, *, years=(2022, 2023, 2024), link: bool = False, seed: int = 7):
    """Yield (graph IRI, Graph) until about `triples` triples have been produced."""
    from perfkg.rdf.mapping import document_graph

    rng = random.Random(seed)
    bases = templates()
    produced, dept = 0, 0
    while produced < triples:
        template = bases[dept % len(bases)]
        for year in years:
            doc = synthesise(template, dept, year, rng)
            iri, graph = document_graph(doc)
            if link:
                from perfkg.link import link_document

                link_document(graph, iri, with_schemes=False)  # as `perfkg load` stores it
            produced += len(graph)
            yield iri, graph
            if produced >= triples:
                return
        dept += 1


def write_nquads(triples: int, out: Path, *, link: bool = False) -> tuple[int, int]:
    """Write the corpus as N-Quads; returns (documents, triples)."""
    docs = count = 0
    with open(out, "w", encoding="utf-8") as f:
        for iri, graph in corpus(triples, link=link):
            for line in graph.serialize(format="nt").splitlines():
                if line.strip():
                    f.write(f"{line[:-1].rstrip()} <{iri}> .\n")
                    count += 1
            docs += 1
    return docs, count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--link", action="store_true")
    args = ap.parse_args()
    docs, count = write_nquads(args.triples, args.out, link=args.link)
    print(f"{docs} documents, {count} triples -> {args.out}")


if __name__ == "__main__":
    main()
