"""Reads a source file into decoded lines: encoding (UTF-8, GB18030/GBK, UTF-16), CRLF, binary checks."""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from perfkg.errors import InputError


@dataclass(frozen=True)
class SourceText:
    path: Path
    name: str
    encoding: str
    sha256: str
    lines: list[str]  # index 0 = line 1; line ends removed


def _decode(data: bytes, path: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(enc), "utf-16"
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:4096]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(path, line, "二进制文件，不是文本（含 NUL 字节）", "binary file, not text (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            # GB18030 is a superset of GBK and GB2312: the encoding of many government files
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise InputError(
                path, line,
                "无法解码：既不是 UTF-8 也不是 GB18030/GBK 编码",
                "cannot decode: neither UTF-8 nor GB18030/GBK",
            ) from None


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _check_text(text: str, path: str) -> None:
    if not _CONTROL.search(text):  # the common case: no control characters at all
        return
    for number, line in enumerate(text.split("\n"), 1):
        bad = len(_CONTROL.findall(line))
        if bad and bad * 20 > len(line) + 1:
            raise InputError(path, number, "含大量控制字符，疑似二进制文件", "many control characters: looks like a binary file")


def read_source(path: str | Path) -> SourceText:
    """Decode a file; raise InputError (file + line) for missing, empty, binary or undecodable input."""
    p = Path(path)
    shown = str(path)
    if not p.exists():
        raise InputError(shown, None, "文件不存在", "file not found")
    if p.is_dir():
        raise InputError(shown, None, "这是一个目录，不是文件", "is a directory, not a file")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(shown, None, f"无法读取文件：{e.strerror}", f"cannot read file: {e.strerror}") from None
    if not data.strip():
        raise InputError(shown, 1, "文件为空", "file is empty")
    text, encoding = _decode(data, shown)
    _check_text(text, shown)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return SourceText(p, p.name, encoding, hashlib.sha256(data).hexdigest(), lines)
