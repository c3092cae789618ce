"""The reports of the bundled documents, computed once per test session and shared by the test modules."""
from __future__ import annotations

from functools import cache

from shape_cases.harness import BASES

from perfkg.validate import DocumentReport, validate_documents


@cache
def base_reports() -> dict[str, DocumentReport]:
    """Reports of every base document present (validated in parallel, without mandate linking)."""
    keys = [k for k, p in BASES.items() if p.is_file()]
    return dict(zip(keys, validate_documents([BASES[k] for k in keys], link=False)))
