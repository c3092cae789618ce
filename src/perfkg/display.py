"""Text for people on a terminal: display width as rich measures it, and line breaks by the Chinese/English rules.

rich measures CJK width correctly but breaks a run without spaces anywhere — inside an English word glued to
Chinese text, or just before a closing 。，）. `wrap` breaks only where the line-breaking rules for Chinese text
(W3C clreq, the kinsoku rules of JIS X 4051 that UAX #14 also encodes) allow it: after a space, and between
characters of which one is wide (CJK), but never before closing punctuation and never after opening punctuation.
A single unbreakable run longer than the line (a long code or IRI) is folded where it must be.
`WrappedText` gives rich tables those breaks.
"""
from __future__ import annotations

import shutil
import sys
import unicodedata

from rich.cells import cell_len
from rich.measure import Measurement
from rich.text import Text

# clreq §3.1.7 / JIS X 4051: characters that never start a line, and characters that never end one
NO_BREAK_BEFORE = frozenset("。，、；：！？）］｝〕〉》」』】〙〗〟’”｠»…‥～·・％‰℃°"
                            ".,;:!?)]}%ー々ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
NO_BREAK_AFTER = frozenset("（［｛〔〈《「『【〘〖〝‘“｟«([{")


def display_width(text: str) -> int:
    """Terminal columns a text takes (a CJK character two), as rich counts them."""
    return cell_len(text)


def terminal_width(default: int | None = 120) -> int | None:
    """The width of the terminal stdout writes to (COLUMNS overrides it); `default` when stdout is a file or pipe
    (None: no limit), whatever COLUMNS says — test harnesses and CI set it where no one reads a terminal."""
    if sys.stdout is not None and sys.stdout.isatty():
        return shutil.get_terminal_size((default or 120, 24)).columns
    return default


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _break_allowed(before: str, after: str) -> bool:
    if after.isspace():
        return False
    if before.isspace():
        return True
    if after in NO_BREAK_BEFORE or before in NO_BREAK_AFTER:
        return False
    return _wide(before) or _wide(after)


def chunks(text: str) -> list[str]:
    """The text cut at every allowed line break; each chunk keeps the spaces that follow it."""
    out: list[str] = []
    start = 0
    for i in range(1, len(text)):
        if _break_allowed(text[i - 1], text[i]):
            out.append(text[start:i])
            start = i
    if text:
        out.append(text[start:])
    return out


def _fold(chunk: str, width: int) -> list[str]:
    """Cut one unbreakable chunk wider than a line, never leaving closing punctuation at a line's start."""
    pieces, line = [], ""
    for i, ch in enumerate(chunk):
        if line and cell_len(line + ch) > width:
            if ch in NO_BREAK_BEFORE and len(line) > 1:
                pieces.append(line[:-1])
                line = line[-1]
            else:
                pieces.append(line)
                line = ""
        line += ch
    return pieces + [line] if line else pieces


def wrap(text: str, width: int) -> list[str]:
    """The lines of `text` (its own newlines kept) no wider than `width` display columns."""
    width = max(width, 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for chunk in chunks(paragraph):
            if cell_len(line + chunk.rstrip()) <= width:
                line += chunk
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = ""
            if cell_len(chunk.rstrip()) > width:
                *full, chunk = _fold(chunk, width)
                lines += [piece.rstrip() for piece in full]
            line = chunk
        lines.append(line.rstrip())
    return lines


class WrappedText:
    """A rich renderable (e.g. a table cell) that wraps by `wrap`'s rules at whatever width rich gives it."""

    def __init__(self, text: str, justify: str = "left"):
        self.text = text
        self.justify = justify

    def __rich_measure__(self, console, options) -> Measurement:
        paragraphs = self.text.split("\n")
        longest_chunk = max((cell_len(c.rstrip()) for p in paragraphs for c in chunks(p)), default=0)
        longest_line = max((cell_len(p) for p in paragraphs), default=0)
        return Measurement(min(longest_chunk, options.max_width), min(longest_line, options.max_width))

    def __rich_console__(self, console, options):
        # every line already fits, so rich only justifies them (with no_wrap it would not)
        yield Text("\n".join(wrap(self.text, options.max_width)), justify=self.justify, overflow="fold")
