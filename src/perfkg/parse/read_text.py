"""Reads a plain-text 绩效文本 (tab-separated table rows) into the table model, line numbers as locations."""
from __future__ import annotations

from pathlib import Path

from perfkg.parse.layout import Block, Layout, Location, Table, build_table
from perfkg.parse.source import read_source


def read_text(path: str | Path) -> Layout:
    """Decode a text file (parse/source.py) and split it into blocks (lines) and tables (runs of tabbed lines)."""
    source = read_source(path)
    layout = Layout(str(path), source.name, "text", source.sha256, encoding=source.encoding,
                    source_lines=source.lines, source=source)
    run: list[tuple[int, str]] = []

    def close_table() -> None:
        if not run:
            return
        number = sum(isinstance(i, Table) for i in layout.items) + 1
        origins, locations = [], []
        for r, (line, text) in enumerate(run):
            location = Location(source.name, line=line)
            locations.append(location)
            origins += [(r, c, 1, 1, cell, location) for c, cell in enumerate(text.split("\t"))]
        layout.items.append(build_table(number, origins, locations))
        run.clear()

    for number, line in enumerate(source.lines, 1):
        if not line.strip():
            continue
        if "\t" in line:
            run.append((number, line))
            continue
        close_table()
        layout.items.append(Block(line, Location(source.name, line=number)))
    close_table()
    return layout
