"""Virtuoso's SQL through its own isql client: run a script on host:port as a user, raise on reported errors, read marked rows."""
from __future__ import annotations

import subprocess

from perfkg.errors import PerfkgError


class VirtuosoError(PerfkgError):
    """The Virtuoso server could not be found, started, set up, stopped or reached over SQL."""


def sql_string(text: str) -> str:
    """A Virtuoso SQL string literal (quotes doubled; a backslash or NUL, which Virtuoso may read as escapes, refused)."""
    if "\\" in text or "\0" in text:
        raise VirtuosoError(f"SQL 字符串中不允许反斜杠或 NUL：{text!r}",
                            f"a backslash or NUL is not allowed in an SQL string: {text!r}")
    return "'" + text.replace("'", "''") + "'"


class IsqlClient:
    """SQL statements over isql (`isql-vt host:port user password`), one process per script.

    isql keeps going after a failing statement and prints ``*** Error <state>: …``: ``run`` raises on any such line
    (unless ``check=False``). Result values are read from lines that start with a marker of ours
    (``'perfkg-…|' || …`` in the SELECT), so isql's table layout never matters.
    """

    def __init__(self, isql: str, address: str, user: str, password: str):
        self.isql, self.address, self.user, self.password = isql, address, user, password

    def run(self, script: str, *, timeout: float = 60.0, check: bool = True) -> str:
        try:
            result = subprocess.run([self.isql, self.address, self.user, self.password],
                                    input=script, text=True, capture_output=True, timeout=timeout)
        except OSError as e:
            raise VirtuosoError(f"无法运行 {self.isql}：{e}", f"cannot run {self.isql}: {e}") from None
        output = result.stdout + result.stderr
        if check and ("*** Error" in output or result.returncode):
            raise VirtuosoError(f"isql 执行失败（{self.address}）：{output[-800:]}",
                                f"isql failed ({self.address}): {output[-800:]}")
        return output

    def marked_rows(self, script: str, marker: str, *, timeout: float = 60.0) -> list[list[str]]:
        """The rows printed as ``marker|field|field…`` by the script's SELECTs, split on ``|`` (last field whole)."""
        output = self.run(script, timeout=timeout)
        prefix = marker + "|"
        return [line[len(prefix):].split("|") for line in output.splitlines() if line.startswith(prefix)]
