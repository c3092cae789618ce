"""Regenerates tests/shape_cases/approved/<base>.tsv: the whole report of each unchanged base document.

Run it after a reviewed change to the shapes or the parser, then read `git diff tests/shape_cases/approved` before
committing: every changed line is a finding that appeared, disappeared or moved.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from shape_cases.harness import BASES, element_key  # noqa: E402

from perfkg.validate import validate_documents  # noqa: E402

HEADER = "rule\tlevel\tlines\telement\tshape\tvalue\n"


def snapshot(report) -> str:
    rows = [f"{f.rule}\t{f.severity}\t{f.lines()}\t{element_key(f.element)}\t{f.shape.split('#')[-1].rstrip('>')}\t"
            f"{(f.value_text or '').replace(chr(9), ' ')}"
            for f in report.findings]
    return HEADER + "".join(r + "\n" for r in rows)


def main() -> int:
    out = HERE / "approved"
    out.mkdir(exist_ok=True)
    keys = [k for k, p in BASES.items() if p.is_file()]
    reports = validate_documents([BASES[k] for k in keys], link=False)
    for key, report in zip(keys, reports):
        assert report.ok, report.problem
        (out / f"{key}.tsv").write_text(snapshot(report), encoding="utf-8")
        print(f"{key}: {len(report.findings)} findings -> {out / (key + '.tsv')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
