"""The run says what it did not test: require() skips locally and fails under CI=true, and a "NOT TESTED" block
counts each missing requirement (pytest run for real in a subprocess on a tiny test directory)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

TINY_TESTS = '''
from conftest import require


def test_present():
    require(True, "always here")


def test_first_seed_user():
    require(False, "the seed document (../shared)")


def test_second_seed_user():
    require(False, "the seed document (../shared)")


def test_java_user():
    require(False, "Java for the HermiT reasoner")


def test_runs():
    assert 1 + 1 == 2
'''

# a skip that bypasses require(): unittest's own SkipTest, which pytest honours
BYPASS_TESTS = '''
import unittest


def test_bypasses_require():
    raise unittest.SkipTest("skipped without require()")


def test_runs():
    assert True
'''


def run_pytest(tmp_path: Path, source: str, ci: bool) -> subprocess.CompletedProcess:
    """pytest on one test file in tmp_path, with the project's tests/conftest.py loaded as a plugin."""
    (tmp_path / "test_tiny.py").write_text(source, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS", "PYTEST_PLUGINS"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH")]))
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-p", "conftest", "--rootdir",
         str(tmp_path), str(tmp_path / "test_tiny.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def not_tested_block(output: str) -> list[str]:
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if "NOT TESTED" in line]
    assert starts, f"no NOT TESTED block in:\n{output}"
    return lines[starts[0]:]


def test_local_run_passes_but_lists_each_missing_requirement_with_its_count(tmp_path):
    result = run_pytest(tmp_path, TINY_TESTS, ci=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed, 3 skipped" in result.stdout
    block = not_tested_block(result.stdout)
    assert "本次运行跳过了 3 个测试" in block[1] and "3 tests were skipped" in block[1]
    counts = [line.strip() for line in block if "×" in line]
    assert counts == ["2 × the seed document (../shared)", "1 × Java for the HermiT reasoner"]
    assert "always here" not in result.stdout
    assert result.stdout.index("NOT TESTED") > result.stdout.rindex("SKIPPED [")  # last, not lost above -rs lines


def test_ci_run_fails_on_each_missing_requirement(tmp_path):
    result = run_pytest(tmp_path, TINY_TESTS, ci=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "3 failed, 2 passed" in result.stdout
    assert result.stdout.count("missing in CI: the seed document (../shared)") >= 2
    assert "missing in CI: Java for the HermiT reasoner" in result.stdout
    assert "NOT TESTED" not in result.stdout  # nothing skipped: the failures say it


def test_ci_run_fails_on_a_skip_that_bypasses_require(tmp_path):
    local = run_pytest(tmp_path, BYPASS_TESTS, ci=False)
    assert local.returncode == 0, local.stdout + local.stderr
    assert "1 × skipped without require()" in local.stdout

    ci = run_pytest(tmp_path, BYPASS_TESTS, ci=True)
    assert "1 passed, 1 skipped" in ci.stdout
    assert "1 × skipped without require()" in ci.stdout
    assert ci.returncode == 1, ci.stdout + ci.stderr
