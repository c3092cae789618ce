"""Shared fixtures: the real sample document beside the checkout, the bundled data, CI strictness."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_38770c5ad42c6795.txt"
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"

# session fixtures `virtuoso` / `virtuoso_small_cap`: real Virtuoso servers on loopback (and the `virtuoso` marker)
pytest_plugins = ["conftest_virtuoso"]


def require(condition: bool, why: str) -> None:
    """Skip locally when something external is missing; in CI (CI=true) fail so a broken install shows."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"missing in CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    require(SEED.is_file(), f"the seed document {SEED} (../shared beside the checkout)")
    return SEED


@pytest.fixture(scope="session")
def seed_doc(seed_path):
    from perfkg.parse.document import parse_file

    return parse_file(seed_path)


@pytest.fixture(scope="session")
def seed_result(seed_path):
    from perfkg.ingest import ingest_file

    return ingest_file(seed_path, link=False)
