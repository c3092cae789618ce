"""Reads a source file into decoded lines: encoding (UTF-8, GB18030/GBK, UTF-16 with or without BOM), line breaks,
binary checks.

How lines are counted (every line number perfkg reports is in this count):
- a line ends at LF, CRLF, a lone CR, NEL (U+0085), LINE SEPARATOR (U+2028) or PARAGRAPH SEPARATOR (U+2029);
- VT (U+000B) and FF (U+000C) are whitespace inside a line, not line ends: pdftotext writes FF at a page start, and
  counting it as a break would shift every later line number against `cat -n`;
- for a file that only uses LF or CRLF this is exactly what `cat -n`, `grep -n` and editors show. When a file uses
  NEL/U+2028/U+2029, `SourceText.unusual_breaks` lists the lines they end, and the parser records a warning saying
  that line numbers count those breaks (`cat -n` would not).
"""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from perfkg.errors import InputError

LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
UNUSUAL_BREAKS = {"\x85": "NEL (U+0085)", "\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR"}


@dataclass(frozen=True)
class SourceText:
    path: Path
    name: str
    encoding: str
    sha256: str
    lines: list[str]  # index 0 = line 1; line ends removed
    unusual_breaks: tuple[tuple[int, str], ...] = ()  # (line, break name) for lines ended by NEL/U+2028/U+2029


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when NUL bytes sit at the odd/even offsets of ASCII characters; None otherwise."""
    head = data[:65536]
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    pairs = len(head) // 2
    if pairs == 0 or max(even, odd) < pairs // 20 or min(even, odd) * 4 > max(even, odd):
        return None  # NULs scattered at both offsets: binary, not UTF-16 text
    return "utf-16-le" if odd > even else "utf-16-be"


def _decode(data: bytes, path: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                     (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc[:6]  # "utf-16" / "utf-32": the BOM gave the byte order
            except UnicodeDecodeError as e:
                raise InputError(path, None, f"文件以 {enc.upper()} 字节顺序标记开头，但内容无法按该编码解码（第 {e.start} 字节）",
                                 f"file starts with a {enc.upper()} byte-order mark but cannot be decoded as such "
                                 f"(byte {e.start})") from None
    if b"\x00" in data[:4096]:
        guess = _utf16_without_bom(data)
        if guess is not None:
            try:
                return data.decode(guess), guess
            except UnicodeDecodeError as e:
                raise InputError(
                    path, None,
                    f"看起来是没有字节顺序标记的 {guess.upper()} 文本（每隔一个字节是 NUL），但第 {e.start} 字节起无法解码",
                    f"looks like {guess.upper()} text without a byte-order mark (every other byte is NUL), "
                    f"but cannot be decoded from byte {e.start}") from None
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


def _check_text(lines: list[str], path: str) -> None:
    """Refuse text that is mostly control characters (binary); a few stray ones in a real document are kept."""
    bad = [(number, len(_CONTROL.findall(line))) for number, line in enumerate(lines, 1) if _CONTROL.search(line)]
    if not bad:  # the common case: no control characters at all
        return
    count = sum(n for _, n in bad)
    size = sum(len(line) for line in lines) + len(lines)
    if count * 20 > size:
        raise InputError(path, bad[0][0], f"含大量控制字符（{count} 个，占 {100 * count // size}%），疑似二进制文件",
                         f"many control characters ({count}, {100 * count // size}% of the text): looks like a "
                         "binary file")


def split_lines(text: str) -> tuple[list[str], tuple[tuple[int, str], ...]]:
    """Text -> lines (as counted in the module docstring) and the lines ended by NEL/U+2028/U+2029."""
    lines: list[str] = []
    unusual: list[tuple[int, str]] = []
    start = 0
    for m in LINE_BREAK.finditer(text):
        lines.append(text[start: m.start()])
        if m.group() in UNUSUAL_BREAKS:
            unusual.append((len(lines), UNUSUAL_BREAKS[m.group()]))
        start = m.end()
    if start < len(text):
        lines.append(text[start:])
    return lines, tuple(unusual)


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
    lines, unusual = split_lines(text)
    _check_text(lines, shown)
    if not any(line.strip() for line in lines):
        raise InputError(shown, 1, "文件为空（只有空白字符）", "file is empty (whitespace only)")
    return SourceText(p, p.name, encoding, hashlib.sha256(data).hexdigest(), lines, unusual)
