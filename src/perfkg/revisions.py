"""Document versions in a store: loading a document as new, unchanged (skipped) or a revision of what the store holds,
the version records that keep every earlier version, and the history of a document.

Where earlier versions live, and why. Every engine perfkg runs on answers a query's default graph as the union of
all named graphs (Oxigraph with union_default_graph, rdflib's Dataset(default_union=True), Virtuoso's default), so
an earlier version kept as an ordinary named graph would be seen by every library query: worse, project IRIs are
global (project/{code}), so two versions' triples would merge on the same project node (two names, two budgets).
Keeping history out of the union would otherwise need FROM clauses (or engine-specific dataset options) in every
query and in every client of the SPARQL endpoint. So:

* the document graph <doc> always holds the current version, exactly as before (the library answers unchanged);
* each version ever loaded has a small record graph <doc/v/{sha256[:12]}>: `prov:specializationOf` the document,
  `prov:wasRevisionOf` the version it replaced, `prov:hadPrimarySource` a node with its file name and sha256, and
  its whole graph as gzip-compressed sorted N-Triples in one `rdf:value` literal (xsd:base64Binary). The record's
  triples use PROV terms no library query asks for, so the union sees no earlier content. Measured on
  data/yunling-kexie-2023.txt: 3,788 triples, 683,766 bytes of N-Triples, 34,019 bytes gzip (46 kB base64): a kept
  version costs ~1/15 of loading it again as triples. bench/revisions.py compares the two in one run (10 versions,
  bench/results/revisions.txt): records 8,513 quads, 47 MiB on disk, `indicators` in 7 ms with the current answers;
  versions as named graphs 46,434 quads, 81 MiB, and `indicators` and `projects` both past a 30 s limit (the merged
  project and indicator nodes multiply the joins; an earlier run without a limit was killed, out of memory);
* which version is current is not stored but read: the record whose sha256 is the document graph's source sha256,
  so an interrupted load (record written, graph not yet replaced) leaves nothing inconsistent, and the rerun finishes.

Each step is one atomic replace_graph (one transaction on Oxigraph, staged swap on a server); records are
immutable (the same content always gives the same record), which is what makes a rerun safe.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from perfkg.diff import Diff, diff_graphs, summary
from perfkg.errors import InputError
from perfkg.queries import get_query
from perfkg.sources import DocumentItem, Identity, store_conflict
from perfkg.vocab import PERFKG

SNAPSHOT_FORMAT = "application/n-triples+gzip"


def version_iri(document: str, sha256: str) -> URIRef:
    """doc/{…}/v/{first 12 hex digits of the source's sha256}: stable, and the same for the same content."""
    return URIRef(f"{document}/v/{sha256[:12]}")


def pack(graph: Graph) -> Literal:
    """A graph as one literal: sorted N-Triples, gzip (no timestamp, so the same graph gives the same bytes)."""
    lines = sorted(line for line in graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
                   if line.strip())
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)
    return Literal(base64.b64encode(data).decode("ascii"), datatype=XSD.base64Binary)


def unpack(value) -> Graph:
    """The graph a pack() literal holds."""
    text = str(value)
    graph = Graph()
    graph.parse(data=gzip.decompress(base64.b64decode(text)).decode("utf-8"), format="nt")
    return graph


def version_record(document: str, graph: Graph, sha256: str, file: str | None, previous: str | None) -> Graph:
    """The record graph of one version (see the module docstring)."""
    version = version_iri(document, sha256)
    source = URIRef(f"{version}/source")
    g = Graph()
    g.add((version, RDF.type, PROV.Entity))
    g.add((version, PROV.specializationOf, URIRef(document)))
    g.add((version, PROV.hadPrimarySource, source))
    g.add((source, PERFKG.sha256, Literal(sha256)))
    if file:
        g.add((source, PERFKG.sourceFileName, Literal(file)))
    if previous:
        g.add((version, PROV.wasRevisionOf, URIRef(previous)))
    g.add((version, DCTERMS["format"], Literal(SNAPSHOT_FORMAT)))
    g.add((version, RDF.value, pack(graph)))
    return g


@dataclass(frozen=True)
class Version:
    """One row of the document-history query."""

    document: str
    version: str
    file: str | None
    sha256: str
    previous: str | None
    current: bool


def history(store, document: str | None = None) -> list[Version]:
    """Every version the store keeps (of one document, or of all), oldest first along prov:wasRevisionOf."""
    rows = store.query(get_query("document-history").text).dicts()
    versions = [Version(str(r["document"]), str(r["version"]), _opt(r.get("file")), str(r["sha256"]),
                        _opt(r.get("previous")), str(r.get("current")).lower() in ("true", "1"))
                for r in rows if document is None or str(r["document"]) == str(document)]
    return _chain_order(versions)


def _opt(value) -> str | None:
    return None if value is None else str(value)


def _chain_order(versions: list[Version]) -> list[Version]:
    by_iri = {v.version: v for v in versions}

    def depth(v: Version, seen=()) -> int:
        prev = by_iri.get(v.previous or "")
        return 0 if prev is None or prev.version in seen else 1 + depth(prev, (*seen, v.version))

    return sorted(versions, key=lambda v: (v.document, depth(v), v.version))


def stored_version(store, document: str, version: str) -> Graph:
    """The graph of a kept version (its record's snapshot); a bilingual error when the store has no such version."""
    rows = store.query(f"SELECT ?value WHERE {{ GRAPH <{version}> {{ <{version}> <{RDF.value}> ?value }} }}").dicts()
    if not rows:
        raise InputError(str(version), None, f"存储中没有文档 <{document}> 的版本 <{version}>",
                         f"the store has no version <{version}> of the document <{document}>")
    return unpack(rows[0]["value"])


_CURRENT = """SELECT ?sha WHERE { GRAPH <%(g)s> { <%(g)s> <%(derived)s> ?source . ?source <%(sha)s> ?sha } } LIMIT 1"""


def current_sha(store, document: str) -> str | None:
    """The sha256 of the source of the version the document graph holds, or None when the store has no such graph."""
    rows = store.query(_CURRENT % {"g": document, "derived": PROV.wasDerivedFrom, "sha": PERFKG.sha256}).dicts()
    return str(rows[0]["sha"]) if rows else None


def _has_record(store, version: str) -> bool:
    return store.triple_count(str(version)) > 0


def _previous_of(store, version: str) -> str | None:
    rows = store.query(f"SELECT ?p WHERE {{ GRAPH <{version}> {{ <{version}> <{PROV.wasRevisionOf}> ?p }} }}").dicts()
    return str(rows[0]["p"]) if rows else None


_HELD = """SELECT DISTINCT ?sha WHERE { ?doc a <%s> ; <%s> ?source . ?source <%s> ?sha }""" % (
    PERFKG.BudgetDocument, PROV.wasDerivedFrom, PERFKG.sha256)


def held_sources(store) -> set[str]:
    """The sha256 of every source whose document is current in the store: a file with one of these is unchanged
    and need not even be read (incremental load)."""
    return {str(r["sha"]) for r in store.query(_HELD).dicts()}


def file_sha256(path) -> str:
    """The sha256 of a file's bytes, as the readers record it (perfkg:sha256 of the source)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class LoadOutcome:
    """What loading one document graph did: status new | unchanged | reloaded | revision | reverted | refused."""

    item: DocumentItem
    status: str
    triples: int = 0
    version: str | None = None
    previous: str | None = None
    diff: Diff | None = None
    error: InputError | None = None

    def message(self) -> str:
        """The CLI line, zh and en."""
        name = self.item.source.rsplit("/", 1)[-1]
        doc = f"<{self.item.graph_iri}>"
        if self.status == "unchanged":
            return f"= {name} → {doc}: 未变化，已跳过 unchanged, skipped"
        if self.status == "reloaded":
            return f"✓ {name} → {doc}: 内容未变，已重新载入 same content, reloaded: {self.triples} 三元组 triples"
        if self.status == "new":
            return f"✓ {name} → {doc}: 新文档 new document, {self.triples} 三元组 triples"
        assert self.diff is not None
        if self.status == "revision":
            head = f"修订 revision of <{self.previous}>"
        else:
            head = f"恢复为较早的版本 reverted to the earlier version <{self.version}>"
        return (f"✓ {name} → {doc}: {head}: {summary(self.diff, 'zh')} / {summary(self.diff, 'en')}; "
                f"{self.triples} 三元组 triples")


def load_document(store, item: DocumentItem, *, force: bool = False, refresh: bool = False) -> LoadOutcome:
    """Load one document's graph, keeping what the store held as a previous version (see the module docstring).

    Same content as the current version: nothing is written ("unchanged"); a different document of the same identity
    (another organisation or kind): refused unless force. Graphs that are not a document's own (a <doc>/inferred
    graph) are replaced as they are.
    """
    if not item.is_document:
        return LoadOutcome(item, "new", store.replace_graph(str(item.graph_iri), item.graph))
    document = str(item.graph_iri)
    mine = Identity.of(item)
    sha = mine.sha256 or _content_sha(item.graph)
    version = version_iri(document, sha)
    held = current_sha(store, document)
    if held == sha and refresh:  # the same source read again by another perfkg: this version's graph replaced
        store.replace_graph(str(version), version_record(document, item.graph, sha, _file(mine),
                                                         _previous_of(store, str(version))))
        return LoadOutcome(item, "reloaded", store.replace_graph(document, item.graph), str(version))
    if held == sha:
        if not _has_record(store, version):  # loaded before versions were kept
            store.replace_graph(str(version), version_record(document, item.graph, sha, _file(mine), None))
        return LoadOutcome(item, "unchanged", store.triple_count(document), str(version))
    if held is None:
        store.replace_graph(str(version), version_record(document, item.graph, sha, _file(mine), None))
        return LoadOutcome(item, "new", store.replace_graph(document, item.graph), str(version))
    error = None if force else store_conflict(store, item)
    if error is None and not force:
        error = _kind_conflict(store, item)
    if error is not None:
        return LoadOutcome(item, "refused", error=error)
    previous = version_iri(document, held)
    if _has_record(store, str(previous)):
        old_graph = stored_version(store, document, str(previous))
    else:  # the current graph predates version records: keep it now, before it is replaced
        old_graph = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{document}> {{ ?s ?p ?o }} }}")
        store.replace_graph(str(previous), version_record(document, old_graph, held, _held_file(old_graph), None))
    if not _has_record(store, str(version)):
        status = "revision"
    else:  # kept already: a rerun of an interrupted revision, or a return to an earlier version
        status = "revision" if _previous_of(store, str(version)) == str(previous) else "reverted"
    if status == "revision":
        store.replace_graph(str(version), version_record(document, item.graph, sha, _file(mine), str(previous)))
    count = store.replace_graph(document, item.graph)
    return LoadOutcome(item, status, count, str(version), str(previous),
                       diff_graphs(old_graph, item.graph, str(previous), str(version)))


def _file(identity: Identity) -> str | None:
    return identity.source.replace("\\", "/").rsplit("/", 1)[-1] if identity.source else None


def _held_file(graph: Graph) -> str | None:
    value = next(iter(graph.objects(None, PERFKG.sourceFileName)), None)
    return None if value is None else str(value)


def _content_sha(graph: Graph) -> str:
    """For a document graph without a source hash (hand-written RDF): the hash of its sorted N-Triples."""
    return hashlib.sha256(gzip.decompress(base64.b64decode(str(pack(graph))))).hexdigest()


_KIND = "SELECT ?kind WHERE { GRAPH <%(g)s> { <%(g)s> a ?kind } }"


def _kind_conflict(store, item: DocumentItem) -> InputError | None:
    """A refusal when the store's document of this IRI is another kind of document (a self-evaluation report and
    a target-tables document of one unit and year are two documents, not two versions)."""
    held = {str(r["kind"]) for r in store.query(_KIND % {"g": item.graph_iri}).dicts()}
    mine = {str(k) for k in item.graph.objects(item.graph_iri, RDF.type)}
    if not held or not mine or held == mine:
        return None
    return InputError(item.source, None,
                      f"存储中的图 <{item.graph_iri}> 是另一类文档（{', '.join(sorted(held))}）：不作为修订载入（--force 替换）",
                      f"the store's graph <{item.graph_iri}> is another kind of document ({', '.join(sorted(held))}): "
                      "not loaded as a revision (--force replaces it)")
