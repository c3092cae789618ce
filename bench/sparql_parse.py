"""Benchmark: deciding a query's form for the 23 library queries — rdflib's parser (what perfkg uses, cached) against
pyoxigraph's (the obvious alternative: run the text on an empty store; it exposes no parse tree), in the same run.

Usage: python bench/sparql_parse.py [--repeat 5] [--out bench/results/sparql-parse.md]

pyoxigraph tells SELECT, ASK or "triples" apart, not CONSTRUCT from DESCRIBE, and gives no variables, FROM or
LIMIT, which the remote store needs (bindings, truncation checks); rdflib gives all of them, so perfkg parses
with rdflib and caches the verdict per text (perfkg.store.sparql_text.analyse).
"""
from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path


def per_query_ms(function, texts: list[str], repeat: int) -> list[float]:
    """Median milliseconds per text over `repeat` rounds."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            function(text)
        rounds.append((time.perf_counter() - start) * 1000 / len(texts))
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    import pyoxigraph as ox
    import rdflib
    from rdflib.plugins.sparql.parser import parseQuery

    from perfkg.queries import list_queries
    from perfkg.store.sparql_text import analyse

    texts = [q.text for q in list_queries()]
    empty = ox.Store()
    rows = {
        "rdflib parseQuery (uncached)": per_query_ms(parseQuery, texts, args.repeat),
        "pyoxigraph Store().query on an empty store": per_query_ms(lambda t: empty.query(t), texts, args.repeat),
        "perfkg analyse (rdflib, cached; after the first round)": per_query_ms(analyse, texts, args.repeat)[1:],
    }
    lines = [f"# Deciding the query form: {len(texts)} library queries, {args.repeat} rounds", "",
             f"python {platform.python_version()}, rdflib {rdflib.__version__}, pyoxigraph {ox.__version__}, "
             f"{platform.machine()}", "", "| method | median ms per query | rounds (ms per query) |", "|---|---|---|"]
    for name, values in rows.items():
        lines.append(f"| {name} | {statistics.median(values):.3f} | {', '.join(f'{v:.3f}' for v in values)} |")
    ratio = statistics.median(rows["rdflib parseQuery (uncached)"]) / statistics.median(
        rows["pyoxigraph Store().query on an empty store"])
    lines += ["", f"rdflib / pyoxigraph, uncached: {ratio:.0f}x"]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
