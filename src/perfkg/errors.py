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

    def __reduce__(self):  # picklable, so that batch workers can return it
        return (type(self), (self.path, self.line, self.reason_zh, self.reason_en), self.__dict__)


class InternalError(InputError):
    """An unexpected failure (a perfkg defect) while processing one file: reported for that file, the batch goes on."""

    def __init__(self, path: str, what: str, traceback_text: str = ""):
        super().__init__(path, None, f"内部错误（perfkg 的缺陷，请报告；--debug 显示调用栈）：{what}",
                         f"internal error (a perfkg defect, please report it; --debug shows the traceback): {what}")
        self.traceback = traceback_text

    def __reduce__(self):
        return (_internal_error, (self.path, self.reason_zh, self.reason_en, self.traceback))


def _internal_error(path: str, reason_zh: str, reason_en: str, traceback_text: str) -> InternalError:
    error = InputError.__new__(InternalError)
    InputError.__init__(error, path, None, reason_zh, reason_en)
    error.traceback = traceback_text
    return error
