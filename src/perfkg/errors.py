"""Errors perfkg reports to users: always bilingual, always naming the file and line."""
from __future__ import annotations


class PerfkgError(Exception):
    """A user-facing error with a Chinese and an English message."""

    def __init__(self, message_zh: str, message_en: str):
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")

    def describe(self) -> str:
        return f"{self.message_zh}\n  {self.message_en}"


class InputError(PerfkgError):
    """A source file that cannot be read or is not a 绩效文本; names the file and line."""

    def __init__(self, path: str, line: int | None, message_zh: str, message_en: str):
        self.path = path
        self.line = line
        self.reason_zh = message_zh
        self.reason_en = message_en
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message_zh}", f"{where}: {message_en}")
