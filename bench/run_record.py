"""Raw benchmark output with its provenance: a bench script's lines, echoed and written to a bench/results/ file
headed by the command line, the UTC date, the git commit measured, the library versions and the machine load."""
from __future__ import annotations

import datetime
import os
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEASURED_PATHS = ("src", "ontology", "shapes", "queries", "data", "bench")
LIBRARIES = ("rdflib", "pyoxigraph", "pyshacl")


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.rstrip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def provenance(argv: list[str]) -> list[str]:
    """Header lines: what was run, when, on which code and machine."""
    script = Path(argv[0]).resolve()
    shown = script.relative_to(ROOT) if script.is_relative_to(ROOT) else Path(script.name)
    commit = _git("rev-parse", "HEAD") or "unknown (not a git checkout)"
    changed = _git("status", "--porcelain", "--untracked-files=no", "--", *MEASURED_PATHS, ":(exclude)bench/results")
    if changed is None:
        state = "unknown"
    elif changed:
        state = "UNCOMMITTED CHANGES in " + ", ".join(line[3:] for line in changed.splitlines())
    else:
        state = "clean (no uncommitted change under " + ", ".join(MEASURED_PATHS) + ", results aside)"
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        f"- command: python {shlex.join([str(shown), *argv[1:]])}",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- commit: {commit}; working tree: {state}",
        f"- machine: {os.cpu_count()} CPUs, load average at start {load} (shared machine); "
        f"Python {platform.python_version()}, " + ", ".join(f"{n} {_version(n)}" for n in LIBRARIES),
    ]


class Record:
    """Prints each line and, when `out` is given, writes header + lines to it at the end (also on failure)."""

    def __init__(self, out: Path | None, title: str):
        self.out = out
        self.lines = [f"# {title}", "", *provenance(sys.argv), ""]
        print("\n".join(self.lines), flush=True)

    def line(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def __enter__(self) -> "Record":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if error is not None:
            self.lines.append(f"INTERRUPTED: {kind.__name__}: {error}")
        if self.out is not None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.out.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
            print(f"written: {self.out}", file=sys.stderr)
