"""The `perfkg` command line: a thin shell over the library, one module per command."""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from perfkg import __version__
from perfkg.errors import InternalError, PerfkgError

# Every module in this package is a command: register(subparsers) adds it and sets args.run(args) -> exit code.
COMMANDS = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")))

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def add_batch_options(p: argparse.ArgumentParser) -> None:
    """The limits every command that reads inputs applies (see sources.Limits), and --debug, --workers."""
    from perfkg.sources import DEFAULT_LIMITS as d

    g = p.add_argument_group("限制 limits")
    g.add_argument("--max-size", type=float, default=d.max_size_mb, metavar="MB",
                   help=f"每个文本或 RDF 输入的大小上限 / size limit per text or RDF input (default {d.max_size_mb:g})")
    g.add_argument("--max-container-size", type=float, default=d.max_container_mb, metavar="MB",
                   help="PDF、工作簿、Word 等的大小上限 / size limit per PDF, workbook or Word file "
                        f"(default {d.max_container_mb:g})")
    g.add_argument("--max-literal", type=int, default=d.max_literal, metavar="CHARS",
                   help=f"RDF 输入中单个字面量的长度上限 / longest literal in an RDF input (default {d.max_literal})")
    g.add_argument("--time-limit", type=float, default=d.seconds, metavar="SECONDS",
                   help=f"每个文件的处理时间上限 / time limit per input file (default {d.seconds:g})")
    g.add_argument("--memory-limit", type=int, default=d.memory_mb, metavar="MB",
                   help=f"处理每个文件可增加的内存 / memory a worker may add per input file (default {d.memory_mb})")
    g.add_argument("--workers", type=int, default=None, metavar="N",
                   help="并行进程数（默认每个 CPU 一个）/ worker processes (default: one per CPU)")
    g.add_argument("--debug", action="store_true", help="内部错误时显示调用栈 / show the traceback of internal errors")


def limits_from(args):
    from perfkg.sources import Limits

    return Limits(args.max_size, args.max_container_size, args.max_literal, args.time_limit, args.memory_limit)


def print_error(error: PerfkgError, debug: bool = False) -> None:
    """One bilingual error line pair on stderr; an internal error's traceback only with --debug."""
    print(f"✗ {error.message_zh}\n  {error.message_en}", file=sys.stderr)
    if debug and isinstance(error, InternalError) and error.traceback:
        print(error.traceback, file=sys.stderr, end="")


def build_parser() -> argparse.ArgumentParser:
    parser = importlib.import_module("perfkg.cli._args").BilingualArgumentParser(  # argument errors in zh and en
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
    except Exception as e:  # noqa: BLE001 — a defect outside any one file: still no traceback without --debug
        import traceback

        print_error(InternalError(args.command, f"{type(e).__name__}: {e}"[:500], traceback.format_exc()),
                    getattr(args, "debug", False))
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
