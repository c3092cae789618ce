"""The bad-input campaign (issue 9): mutants of the real sample, numeric oddities, every whitespace and line-break
character at every position class, one-line and huge files — through ingest and validate (a few through the CLI).

Fixed seed, so every run tries the same inputs. Each input must end in one of two ways: accepted, with a coverage line
that is true (every line counted as mapped put its content into the graph), or refused with a bilingual InputError
naming the file. Never a traceback, never a hang (each case runs under a generous alarm that only a hang can hit).
"""
from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SEED, require
from docbuilder import document
from rdflib import Literal

from perfkg.errors import InputError
from perfkg.ingest import ingest_file
from perfkg.parse.normalise import squash
from perfkg.validate import validate_graph

RANDOM_SEED = 20261204
HANG_SECONDS = 30  # a hang guard, not a speed test: the slowest case takes well under a second
# every Unicode white space character (str.isspace) plus the invisible ones that are not white space
WHITESPACE = [" ", "\t", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x1f", "\u00a0", "\u1680", *map(chr, range(0x2000, 0x200B)),
              "\u202f", "\u205f", "\u3000", "\u200b", "\ufeff"]
LINE_BREAKS = ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029"]
POSITIONS = ["line-start", "line-end", "cell-start", "cell-end", "mid-cell", "empty-cell", "blank-line",
             "number-unit", "for-tab"]
NUMERIC_ODDITIES = ["NaN", "nan", "Infinity", "-Infinity", "inf", "sNaN", "1e999", "1E-999", "-0", "0x1F",
                    "1_000", "٤٠", "１２", "9" * 400, "0." + "0" * 300 + "1", "1,,000", ".5", "5.", "**", "≥**人次",
                    "≤**%", "**元/人·月", "∞", "1/0", "½", "Ⅳ", "(40)", "40.00.00", "+40"]
# cells whose text is a template label, not content: removed before the content check
LABELS = ["项目编码", "项目名称", "预算规模及资金用途", "预算规模", "资金用途", "预算数", "其中：", "财政资金", "其他资金",
          "资金支出计划（%）", "资金支出计划", "绩效目标", "单位：", "编制", "审核"]
TOKEN = re.compile(r"[\u4e00-\u9fff]{2,}|[0-9]+|[A-Za-z]{2,}")


class Hang(Exception):
    pass


@contextmanager
def hang_guard(seconds: int = HANG_SECONDS):
    def alarm(signum, frame):
        raise Hang(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the inputs ----------------------------------------------------------------------------------------------------
def _seed_lines() -> list[str]:
    require(SEED.is_file(), f"the seed document {SEED} (../shared beside the checkout)")
    return SEED.read_text(encoding="utf-8").split("\n")


def _table_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if "\t" in line and not line.startswith(("一、", "二、", "三、", "1.", "2."))]


def _text_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.strip()]


def _put(rng: random.Random, lines: list[str], char: str, position: str) -> str:
    """Put `char` at one place of the given position class; the text of the whole document."""
    lines = list(lines)
    tables, texts = _table_lines(lines), _text_lines(lines)
    if position == "blank-line":
        i = rng.choice([i for i, line in enumerate(lines) if not line.strip()])
        lines[i] = char
    elif position in ("line-start", "line-end"):
        i = rng.choice(texts)
        lines[i] = char + lines[i] if position == "line-start" else lines[i] + char
    elif position == "number-unit":
        i = rng.choice([i for i in tables if re.search(r"\d [^\d\s]", lines[i])])
        lines[i] = re.sub(r"(\d) ([^\d\s])", lambda m: m.group(1) + char + m.group(2), lines[i], count=1)
    else:
        i = rng.choice(tables)
        cells = lines[i].split("\t")
        filled = [k for k, c in enumerate(cells) if c.strip()] or [0]
        empty = [k for k, c in enumerate(cells) if not c.strip()] or [len(cells) - 1]
        k = rng.choice(empty if position == "empty-cell" else filled)
        cell = cells[k]
        if position == "cell-start":
            cells[k] = char + cell
        elif position == "cell-end":
            cells[k] = cell + char
        elif position == "mid-cell":
            cut = rng.randrange(len(cell) + 1)
            cells[k] = cell[:cut] + char + cell[cut:]
        elif position == "empty-cell":
            cells[k] = char
        elif position == "for-tab" and k + 1 < len(cells):
            cells[k] = cell + char + cells.pop(k + 1)
        lines[i] = "\t".join(cells)
    return "\n".join(lines)


def _whitespace_cases(rng: random.Random, lines: list[str]):
    """Each line-break character at each position class on its own; each white space character at every position
    class of one document (they do not interact, and one document per character keeps the run short)."""
    for char in LINE_BREAKS:
        for position in POSITIONS:
            yield f"ws-U+{ord(char[0]):04X}{'+' if len(char) > 1 else ''}-{position}", _put(rng, lines, char, position)
    for char in WHITESPACE:
        text = "\n".join(lines)
        for position in POSITIONS:
            text = _put(rng, text.split("\n"), char, position)
        yield f"ws-U+{ord(char):04X}-every-position", text


def _structure_cases(rng: random.Random, lines: list[str]):
    texts = _text_lines(lines)
    for i in texts:  # every non-blank line deleted in turn
        yield f"delete-l{i + 1}", "\n".join(lines[:i] + lines[i + 1:])
    for n in range(30):
        i = rng.choice(texts)
        yield f"duplicate-l{i + 1}-{n}", "\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1:])
    for n in range(30):
        i, j = sorted(rng.sample(texts, 2))
        if n % 2:
            j = texts[min(texts.index(i) + 1, len(texts) - 1)]  # half of the swaps: neighbours
        swapped = list(lines)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        yield f"swap-l{i + 1}-l{j + 1}-{n}", "\n".join(swapped)


def _edit_cases(rng: random.Random, lines: list[str]):
    tables = _table_lines(lines)
    alphabet = "项目编码预算数财政资金其他绩效指标值≥≤%万元次人月底无—/ 0123456789.,-xX*（）()"
    for n in range(60):
        i = rng.choice(tables)
        cells = lines[i].split("\t")
        k = rng.choice([k for k, c in enumerate(cells) if c.strip()])
        cell = cells[k]
        cut = rng.randrange(len(cell) + 1)
        kind = n % 3
        if kind == 0:  # insert a character
            cells[k] = cell[:cut] + rng.choice(alphabet) + cell[cut:]
        elif kind == 1 and cell:  # delete one
            cut = min(cut, len(cell) - 1)
            cells[k] = cell[:cut] + cell[cut + 1:]
        else:  # replace one
            cut = min(cut, max(len(cell) - 1, 0))
            cells[k] = cell[:cut] + rng.choice(alphabet) + cell[cut + 1:]
        edited = list(lines)
        edited[i] = "\t".join(cells)
        yield f"edit-l{i + 1}-c{k}-{n}", "\n".join(edited)


def _numeric_cases(lines: list[str]):
    """Each oddity in a budget amount, a fiscal amount, a spending-plan percentage, a target and a cost value at once."""
    places = [(123, 2), (123, 4), (126, 1), (129, 4), (140, 3)]  # (line, cell index)
    for n, odd in enumerate(NUMERIC_ODDITIES):
        edited = list(lines)
        for line, k in places:
            cells = edited[line - 1].split("\t")
            cells[k] = odd
            edited[line - 1] = "\t".join(cells)
        yield f"number-{n}-{odd[:12]}", "\n".join(edited)


def _shape_cases(lines: list[str]):
    text = "\n".join(lines)
    yield "one-line-spaces", text.replace("\n", " ")
    yield "one-line-tabs", text.replace("\n", "\t")
    yield "one-line-title", lines[1]
    yield "one-line-table-row", lines[128]
    yield "one-line-huge", "科普" * 500_000
    yield "title-and-part-headings", "\n".join(lines[:20])
    yield "part2-only", "\n".join(lines[111:])
    yield "no-final-newline-crlf", text.replace("\n", "\r\n").rstrip("\r\n")
    projects = "\n".join(lines[115:167])
    many = [projects.replace("1. 科普费", f"{n}. 科普费").replace("2. 科协", f"{n}. 科协")
            .replace("P00702210044W", f"P{n:011d}W").replace("P00702210045G", f"P{n:011d}G") for n in range(1, 21)]
    yield "huge-40-projects", "\n".join(lines[:115] + many)


def campaign_cases() -> list[tuple[str, str]]:
    rng = random.Random(RANDOM_SEED)
    lines = _seed_lines()
    cases = [*_whitespace_cases(rng, lines), *_structure_cases(rng, lines), *_edit_cases(rng, lines),
             *_numeric_cases(lines), *_shape_cases(lines)]
    assert len({name for name, _ in cases}) == len(cases)
    return cases


# --- the oracle ------------------------------------------------------------------------------------------------------
def content_tokens(line: str) -> list[str]:
    """The words and numbers of a source line that must be in the graph when the line counts as mapped."""
    tokens = []
    for cell in line.split("\t"):
        text = squash(cell)
        for label in LABELS:
            text = text.replace(label, "\x00")
        tokens += TOKEN.findall(text)
    return tokens


def false_coverage(result) -> list[str]:
    """Lines counted as mapped whose content is not in the graph (empty when the coverage line is true)."""
    haystack = "\x00".join(squash(str(o)) for o in set(result.graph.objects()) if isinstance(o, Literal))
    missing = []
    for number, keys in sorted(result.document.line_map.items()):
        if keys == ["unrecognised"] or all(k.startswith("layout:") for k in keys):
            continue
        lost = [t for t in content_tokens(result.document.lines[number - 1]) if t not in haystack]
        if lost:
            missing.append(f"l.{number} {keys}: {lost}")
    return missing


def check_one(path: Path) -> str:
    """Ingest one input; 'ok' or 'refused', or raise AssertionError saying what went wrong."""
    with hang_guard():
        result = ingest_file(path, link=False)
    if not result.ok:
        error = result.error
        assert isinstance(error, InputError)
        assert path.name in error.message_zh and path.name in error.message_en
        assert re.search(r"[\u4e00-\u9fff]", error.reason_zh) and re.search(r"[A-Za-z]{3}", error.reason_en)
        return "refused"
    coverage = result.coverage()
    assert coverage.total == sum(1 for line in result.document.lines if line.strip()), "a non-blank line not counted"
    assert not false_coverage(result), false_coverage(result)
    assert len(coverage.unrecognised) == len(result.document.unrecognised_lines())
    return "ok"


# --- the tests --------------------------------------------------------------------------------------------------------
def test_campaign_every_input_is_accepted_truthfully_or_refused(tmp_path):
    outcomes: dict[str, str] = {}
    failures: list[str] = []
    for n, (name, text) in enumerate(campaign_cases()):
        path = tmp_path / f"{n:04d}-{re.sub(r'[^A-Za-z0-9+.-]', '_', name)}.txt"
        path.write_text(text, encoding="utf-8", newline="")
        try:
            outcomes[name] = check_one(path)
        except Exception as e:  # the campaign's finding: an exception or a false coverage line
            failures.append(f"{name}: {type(e).__name__}: {e}"[:400])
    assert not failures, f"{len(failures)} of {len(outcomes) + len(failures)} inputs failed:\n" + "\n".join(failures)
    # the campaign exercises both outcomes, and most mutants are still documents
    assert 300 <= len(outcomes) and list(outcomes.values()).count("ok") > len(outcomes) // 2


def test_seed_oracle_catches_a_false_coverage_line(seed_path):
    """The oracle itself: a mapped line whose content is missing from the graph is caught."""
    result = ingest_file(seed_path, link=False)
    assert false_coverage(result) == []
    result.document.lines[128] = result.document.lines[128].replace("举办培训次数", "举办讲座次数")
    assert false_coverage(result) == ["l.129 ['project/1/indicator/1']: ['举办讲座次数', '举办讲座次数']"]


@pytest.mark.parametrize("prefix", ["ws-U+2028-line-end", "ws-U+000B-every", "number-5-sNaN", "number-0-NaN",
                                    "delete-l145", "one-line-spaces", "edit-l151", "duplicate-", "swap-"])
def test_some_mutants_through_validate(tmp_path, prefix):
    """validate on the kinds of mutant that crashed it before: a report (or a clean refusal), never an exception."""
    text = next(text for name, text in campaign_cases() if name.startswith(prefix))
    path = tmp_path / "mutant.txt"
    path.write_text(text, encoding="utf-8", newline="")
    with hang_guard():
        result = ingest_file(path, link=True)
        if not result.ok:
            assert "mutant.txt" in result.error.message_en
            return
        report = validate_graph(result.graph, source=str(path), document=result.graph_iri)
    assert report.problem is None and report.findings


def test_some_mutants_through_the_cli(tmp_path):
    """A batch of mutants and a good file through `perfkg ingest` and `perfkg validate`: no traceback, exit 2 for the
    refused ones, every other file written."""
    cases = campaign_cases()
    prefixes = ["ws-U+3000-every", "ws-U+2029-line-end", "number-0-NaN", "one-line-spaces", "delete-l116", "duplicate-"]
    for i, prefix in enumerate(prefixes):
        text = next(text for name, text in cases if name.startswith(prefix))
        text = text.replace("731001", f"73100{i + 2}")  # a unit code of its own: six documents, not one six times
        (tmp_path / f"m{i}.txt").write_text(text, encoding="utf-8", newline="")
    (tmp_path / "good.txt").write_text(document(), encoding="utf-8")
    out = tmp_path / "out"
    ingest = subprocess.run([sys.executable, "-m", "perfkg.cli", "ingest", str(tmp_path), "-o", str(out), "--no-link"],
                            capture_output=True, text=True, timeout=300)
    assert "Traceback" not in ingest.stderr and ingest.returncode == 2, ingest.stderr
    assert "m3.txt" in ingest.stderr  # the one-line file is refused, named
    assert "不是部门预算绩效文本" in ingest.stderr and "line breaks may have been lost" in ingest.stderr
    assert len(list(out.glob("*.ttl"))) == len(prefixes)  # five mutants and the good file: one graph each
    validate = subprocess.run([sys.executable, "-m", "perfkg.cli", "validate", str(tmp_path / "m2.txt"),
                               str(tmp_path / "m1.txt"), "--format", "json"], capture_output=True, text=True,
                              timeout=300)
    assert "Traceback" not in validate.stderr and validate.returncode == 1, validate.stderr
    assert "P-amount-unreadable" in validate.stdout and "P-other" in validate.stdout  # NaN amount; line separator


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld", "trig", "nquads"])
def test_white_space_in_cells_survives_every_output_format(tmp_path, fmt):
    """Raw cell text keeps VT, FF, U+001C… (they are white space, not line breaks): every output format must give
    them back exactly; splitting an N-Triples or TriG text into lines with str.splitlines() cut triples apart."""
    from rdflib import Dataset

    from perfkg.rdf.serialise import serialise_dataset

    chars = [c for c in WHITESPACE if c not in "\t"]
    text = document().replace("讲座场地", "讲座" + "".join(chars) + "场地").replace("≥6 场", "≥6\v场")
    r = ingest_file(write_text(tmp_path / "ws.txt", text), link=False)
    assert r.ok and "".join(chars) in r.document.projects[0].uses.raw
    ds = Dataset()
    ds.graph(r.graph_iri).__iadd__(r.graph)
    back = Dataset()
    back.parse(data=serialise_dataset(ds, fmt), format=fmt)
    quads = {(s, p, o) for s, p, o, _ in back.quads((None, None, None, None))}
    assert quads == set(r.graph)


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_white_space_in_cells_survives_remote_store_chunks(tmp_path):
    """The remote store sends N-Triples statements in chunks: one statement per triple, VT and FF inside literals."""
    from rdflib import Graph

    from perfkg.store.graph_loads import ntriples_lines

    text = document().replace("讲座场地", "讲座\v\f\x1c场地").replace("≥6 场", "≥6\v场")
    r = ingest_file(write_text(tmp_path / "ws.txt", text), link=False)
    lines = ntriples_lines(r.graph)
    assert len(lines) == len(r.graph)
    assert set(Graph().parse(data="".join(lines), format="nt")) == set(r.graph)
