"""Locates perfkg's data files (ontology/, shapes/, queries/) in a checkout or an installed wheel."""
from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_KINDS = ("ontology", "shapes", "queries")


@cache
def resource_dir(kind: str) -> Path:
    """The folder holding one kind of data file; the wheel bundles them under perfkg/_data/."""
    if kind not in _KINDS:
        raise ValueError(f"unknown resource kind {kind!r}")
    bundled = Path(str(resources.files("perfkg"))) / "_data" / kind
    if bundled.is_dir():
        return bundled
    checkout = Path(__file__).resolve().parents[2] / kind
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"perfkg data folder {kind!r} not found (looked in {bundled} and {checkout})")


def resource(kind: str, name: str) -> Path:
    path = resource_dir(kind) / name
    if not path.is_file():
        raise FileNotFoundError(f"perfkg {kind} file {name!r} not found in {path.parent}")
    return path
