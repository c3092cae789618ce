"""Shared fixtures (the real sample beside the checkout, the bundled data) and CI strictness: require() and the
"not tested" summary."""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_38770c5ad42c6795.txt"
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# session fixtures `virtuoso` / `virtuoso_small_cap`: real Virtuoso servers on loopback (and the `virtuoso` marker)
pytest_plugins = ["conftest_virtuoso"]


def in_ci() -> bool:
    """CI=true (read on each call, so a test can change it)."""
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, why: str) -> None:
    """Skip locally when something external is missing; in CI (CI=true) fail so a broken install shows.

    The one way tests skip: every skip is listed, with its count, in the run's "NOT TESTED" summary."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"missing in CI: {why}", pytrace=False)
    pytest.skip(why)


# --- what a run did not test --------------------------------------------------------------------------------------
_skipped: Counter[str] = Counter()


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    message = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return message.removeprefix("Skipped: ")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped[_skip_reason(report)] += 1


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """After the short summary: a loud block naming each requirement that was missing and how many tests it cost."""
    yield
    if not _skipped:
        return
    total = sum(_skipped.values())
    writer = terminalreporter
    writer.section("未测试 / NOT TESTED", sep="!", red=True, bold=True)
    writer.line(f"本次运行跳过了 {total} 个测试，以下内容未经测试（按缺少的前提计数）/ "
                f"{total} tests were skipped: this run did NOT test what needs", red=True, bold=True)
    for reason, count in sorted(_skipped.items(), key=lambda item: (-item[1], item[0])):
        writer.line(f"  {count:5d} × {reason}", yellow=True)
    writer.line("绿色的结果不涵盖这些测试；在 CI（CI=true）中每一项都是失败 / "
                "a green run does not cover them; under CI=true each one is a failure", red=True, bold=True)


def pytest_sessionfinish(session, exitstatus) -> None:
    """Under CI=true a skip that bypassed require() (a unittest SkipTest, a skip marker) still fails the run."""
    if in_ci() and _skipped and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
