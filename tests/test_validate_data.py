"""The bundled samples: clean ones have no Violation and only the expected template-level findings; every planted
defect of yunling-kexie-2024.txt is found (data/README.md, by rule id and line); full reports match the approved."""
from __future__ import annotations

import pytest

from conftest import require
from shape_cases.approve import snapshot
from shape_cases.harness import HERE
from shape_cases.reports import base_reports

# findings every bundled file has by design (data/README.md "Findings expected in every file")
TEMPLATE_LEVEL = {("R03", "Warning", 2), ("R02", "Info", 2)}


@pytest.mark.parametrize("key", ["yunling-2023", "beihu-2024"])
def test_clean_samples_have_no_violation(key):
    report = base_reports()[key]
    assert report.ok and report.counts()["Violation"] == 0
    assert report.conforms("violation")


@pytest.mark.parametrize("key", ["yunling-2023", "beihu-2024"])
def test_clean_samples_have_only_the_expected_findings(key):
    report = base_reports()[key]
    got = {(f.rule, f.severity, f.first_line) for f in report.findings}
    assert got == TEMPLATE_LEVEL


PLANTED = [  # (defect, rule, line) from data/README.md
    ("D1", "R04", 70), ("D2", "R11", 109), ("D3", "R16", 118), ("D4", "R26", 118), ("D5", "R22", 118),
    ("D6", "R31", 118), ("D7", "R24", 118), ("D8", "R17", 118), ("D8", "R17", 119), ("D8", "R17", 141),
    ("D8", "R17", 163), ("D8", "R17", 185), ("D8", "R17", 186), ("D9", "R10", 131), ("D10", "R25", 139),
    ("D11", "R29", 140), ("D12", "R25", 144), ("D12", "R30", 144), ("D13", "R11", 156), ("D14", "R14", 163),
    ("D15", "R30", 166), ("D16", "R28", 185), ("D17", "R19", 187), ("D18", "R19", 188),
]


@pytest.mark.parametrize("defect,rule,line", PLANTED, ids=[f"{d}-{r}-l{n}" for d, r, n in PLANTED])
def test_planted_defect_found(defect, rule, line):
    report = base_reports()["yunling-2024"]
    hits = [f for f in report.findings if f.rule == rule and f.first_line <= line <= (f.last_line or f.first_line)]
    assert hits, f"{defect}: no {rule} at line {line}"


def test_planted_severities():
    report = base_reports()["yunling-2024"]
    levels = {(f.rule, f.first_line): f.severity for f in report.findings}
    assert levels[("R19", 187)] == levels[("R14", 163)] == levels[("R16", 118)] == "Violation"
    assert levels[("R31", 118)] == "Info"
    assert report.counts()["Violation"] == 6  # R16, R10, R14 ×2, R19 ×2


@pytest.mark.parametrize("key", ["seed", "yunling-2023", "beihu-2024", "yunling-2024"])
def test_full_report_matches_the_approved(key):
    reports = base_reports()
    require(key in reports, "the seed document beside the checkout (../shared)")
    approved = (HERE / "approved" / f"{key}.tsv").read_text(encoding="utf-8")
    assert snapshot(reports[key]) == approved, f"run tests/shape_cases/approve.py and review the diff ({key})"
