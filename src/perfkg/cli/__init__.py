"""The `perfkg` command line: a thin shell over the library, one module per command."""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from perfkg import __version__
from perfkg.errors import PerfkgError

# Every module in this package is a command: register(subparsers) adds it and sets args.run(args) -> exit code.
COMMANDS = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")))

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfkg",
        description="部门预算绩效文本知识图谱 — knowledge graph of Chinese budget-performance documents",
    )
    parser.add_argument("--version", action="version", version=f"perfkg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"perfkg.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except PerfkgError as e:
        print(f"错误 error: {e.describe()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("已中断 interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
