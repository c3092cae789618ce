"""Loads the shape fixtures (tests/shape_cases/*.toml) and runs one case against one shape."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ID = "https://w3id.org/perfkg/id/"
BASES = {
    "yunling-2023": ROOT / "data" / "yunling-kexie-2023.txt",
    "beihu-2024": ROOT / "data" / "beihu-minzheng-2024.txt",
    "yunling-2024": ROOT / "data" / "yunling-kexie-2024.txt",
    "seed": ROOT.parent / "shared" / "seeds" / "000_38770c5ad42c6795.txt",
    # a real self-evaluation (issue 11; shapes/self-evaluation.ttl): cases are skipped when it is absent
    "e07": ROOT.parent / "shared" / "real" / "e07_hb_ezhou_cast_2022_selfeval_excerpt.txt",
}
MACROS = {
    "YDOC": ID + "doc/139900-512001-2023", "BDOC": ID + "doc/139800-305001-2024", "KDOC": ID + "doc/139900-512001-2024",
    "SDOC": ID + "doc/130300-731001-2022", "EDOC": ID + "doc/sha-86bdd616d1d7-2022",
    "Y1": ID + "project/13990023P00512030012K", "Y2": ID + "project/13990023P00512030013C",
    "Y3": ID + "project/13990023P00512030015R", "Y4": ID + "project/13990023P00512030009W",
    "B1": ID + "project/13980024P03050100107A", "B2": ID + "project/13980024P03050100108G",
    "B3": ID + "project/13980024P03050100112N", "B4": ID + "project/13980024P03050100115D",
    "K1": ID + "project/13990024P00512030012M", "K2": ID + "project/13990024P00512030013T",
    "K3": ID + "project/13990024P00512030021B", "K4": ID + "project/13990024P00512030009F",
    "S1": ID + "project/13030022P00702210044W", "S2": ID + "project/13030022P00702210045G",
}
PREFIXES = """PREFIX perfkg: <https://w3id.org/perfkg/ontology#>
PREFIX cat: <https://w3id.org/perfkg/category/>
PREFIX basis: <https://w3id.org/perfkg/basis/>
PREFIX mandate: <https://w3id.org/perfkg/mandate/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def expand(text: str) -> str:
    for key in sorted(MACROS, key=len, reverse=True):
        text = text.replace("{" + key + "}", MACROS[key])
    return text


def element_key(iri: str) -> str:
    """An IRI as written in the fixtures: the longest macro that prefixes it, else the id/ path."""
    for key in sorted(MACROS, key=lambda k: -len(MACROS[k])):
        if iri == MACROS[key] or iri.startswith(MACROS[key] + "/"):
            return "{" + key + "}" + iri[len(MACROS[key]):]
    return iri[len(ID):] if iri.startswith(ID) else iri


@dataclass
class Case:
    file: str
    shape: str
    base: str
    name: str
    expect: list[tuple[str, str, str]]
    update: str | None = None
    edit: list[tuple[int, str, str]] = field(default_factory=list)
    config: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        kind = "invalid" if self.expect else "valid"
        return f"{self.shape}:{kind}:{self.name}"


def load_cases() -> tuple[list[Case], list[tuple[str, str, str]]]:
    """Every case, and every (file, base, shape) listed as conforming on an unchanged base."""
    cases, valid = [], []
    for path in sorted(HERE.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for c in data.get("case", []):
            cases.append(Case(path.name, c["shape"], c["base"], c["name"],
                              [tuple(e) for e in c["expect"]], c.get("update"),
                              [tuple(e) for e in c.get("edit", [])], c.get("config", {})))
        for v in data.get("valid", []):
            valid += [(path.name, v["base"], s) for s in v["shapes"]]
    return cases, valid


def edited_copy(base: Path, edits: list[tuple[int, str, str]], folder: Path) -> Path:
    """The base document with each (line, old, new) replacement made on that line only; same file name."""
    raw = base.read_bytes()
    encoding = "utf-8"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        encoding, text = "gb18030", raw.decode("gb18030")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    for line, old, new in edits:
        if old not in lines[line - 1]:
            raise AssertionError(f"{base.name}:{line} does not contain {old!r}: {lines[line - 1]!r}")
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
    out = folder / base.name
    out.write_bytes(newline.join(lines).encode(encoding))
    return out


def mutated(graph: Graph, update: str | None) -> Graph:
    g = Graph()
    for triple in graph:
        g.add(triple)
    if update:
        g.update(PREFIXES + expand(update))
    return g
