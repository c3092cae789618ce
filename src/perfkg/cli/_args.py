"""Command-line argument errors in Chinese and English, like every other perfkg message.

argparse words its errors in English only; BilingualArgumentParser prints the usage, then the message in zh and in
en, and exits 2 (unusable input), as perfkg does for any other bad input.
"""
from __future__ import annotations

import argparse
import re
import sys

# argparse's messages (Python 3.11–3.13) and their Chinese; the groups are names and values, kept as written
_MESSAGES: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), zh) for pattern, zh in [
    (r"the following arguments are required: (?P<a>.+)", "缺少必需的参数：{a}"),
    (r"unrecognized arguments: (?P<a>.+)", "无法识别的参数：{a}"),
    (r"argument (?P<a>\S+): invalid choice: (?P<b>.+?) \(choose from (?P<c>.+)\)", "参数 {a} 的值 {b} 无效（可选：{c}）"),
    (r"argument (?P<a>\S+): invalid (?P<b>\S+) value: (?P<c>.+)", "参数 {a} 的值 {c} 不是有效的 {b}"),
    (r"argument (?P<a>\S+): expected one argument", "参数 {a} 需要一个值"),
    (r"argument (?P<a>\S+): expected at least one argument", "参数 {a} 至少需要一个值"),
    (r"argument (?P<a>\S+): expected at most one argument", "参数 {a} 至多接受一个值"),
    (r"argument (?P<a>\S+): expected (?P<b>\d+) arguments?", "参数 {a} 需要 {b} 个值"),
    (r"argument (?P<a>\S+): not allowed with argument (?P<b>\S+)", "参数 {a} 不能与 {b} 同时使用"),
    (r"argument (?P<a>\S+): ignored explicit argument (?P<b>.+)", "参数 {a} 不接受值 {b}"),
    (r"one of the arguments (?P<a>.+) is required", "必须给出以下参数之一：{a}"),
    (r"ambiguous option: (?P<a>\S+) could match (?P<b>.+)", "选项 {a} 有歧义，可能是：{b}"),
]]


def in_chinese(message: str) -> str:
    """The Chinese of one argparse error message; an unknown one is introduced in Chinese and kept as written."""
    for pattern, zh in _MESSAGES:
        m = pattern.fullmatch(message)
        if m:
            return zh.format(**m.groupdict())
    return f"命令行参数有误：{message}"


class BilingualArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser (and, through add_subparsers, every sub-command's) whose errors are in zh and en."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"✗ {self.prog}: {in_chinese(message)}\n  {self.prog}: error: {message}", file=sys.stderr)
        self.exit(2)
