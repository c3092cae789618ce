"""Interprets a whole 部门预算绩效文本 from its reading order, whatever the container (parse/readers.py): header,
table of contents, 第一部分 goals and measures, 第二部分 projects."""
from __future__ import annotations

import re
from pathlib import Path

from perfkg.errors import InputError
from perfkg.model import (BudgetDocument, MeasureItem, MeasureSection, ParseWarning, Project, Span, SubGoal, Text,
                          TocEntry)
from perfkg.parse.normalise import normalise, squash
from perfkg.parse.projects import ProjectTableParser
from perfkg.parse.table_rows import PROJECT_TITLE, is_block_start
from perfkg.parse.source import SourceText

TITLE = re.compile(r"^(?P<org>.+?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*部门预算绩效(?:文本|目标)")
COMPILER = re.compile(r"^(?P<org>\S.*?)\s*编\s*制\s*$")
REVIEWER = re.compile(r"^(?P<org>\S.*?)\s*审\s*核\s*$")
PART = re.compile(r"^第\s*(?P<n>[一二三四五])\s*部\s*分\s*(?P<title>.*)$")
SECTION = re.compile(r"^(?P<n>[一二三四五六七八九十]{1,3})\s*[、.．]\s*(?P<title>\S.*)$")
CN_ITEM = re.compile(r"^\s*[（(]\s*(?P<n>[一二三四五六七八九十]{1,3})\s*[）)]\s*(?P<text>.*)$")
NUM_ITEM = re.compile(r"^\s*(?P<n>\d{1,2})\s*[.．、](?!\d)\s*(?P<text>.*)$")
TOC_ENTRY = re.compile(r"^(?P<title>.+?)(?:\s*[.…·]{2,}\s*|\t+)\s*(?P<page>\d{1,4})\s*$")
TERMINAL = tuple("。；！？!?;”」』）)")

# First cells of project-table rows: a line starting with one of these but holding no tab lost its cell separators
TABLE_ROW_LABELS = ("项目编码", "项目名称", "预算规模", "资金支出计划", "绩效目标", "一级指标")
PART1_SECTIONS = {"总体绩效目标": "overall", "分项绩效目标": "subgoals", "工作保障措施": "measures"}


def _text(raw: str, first: int, last: int | None = None) -> Text:
    return Text(raw, normalise(raw), Span(first, last or first))


def _join(text: Text, raw: str, line: int) -> Text:
    """Rejoin a paragraph split by a page break (no space: the split is inside a sentence)."""
    joined = text.raw.rstrip() + raw.strip()
    return Text(joined, normalise(joined), Span(text.span.first, line))


class DocumentParser:
    def __init__(self, source: SourceText):
        self.src = source
        self.doc = BudgetDocument(source.name, source.sha256, source.encoding, lines=source.lines)
        self.mode = "header"
        self.part1_section: str | None = None
        self.seen_headings: dict[str, int] = {}
        self.toc_parts: set[str] = set()
        self.project: ProjectTableParser | None = None
        self.last_heading_line = 0

    # -- helpers ------------------------------------------------------------------------------
    def map(self, line: int, key: str) -> None:
        keys = self.doc.line_map.setdefault(line, [])
        if key not in keys:
            keys.append(key)

    def warn(self, code: str, line: int, zh: str, en: str, element: str = "") -> None:
        self.doc.warnings.append(ParseWarning(code, Span(line, line), zh, en, element))

    def error(self, line: int | None, zh: str, en: str) -> InputError:
        return InputError(self.src.name, line, zh, en)

    # -- driver -------------------------------------------------------------------------------
    def parse(self) -> BudgetDocument:
        self.note_line_breaks()
        for number, raw in enumerate(self.src.lines, 1):
            if not raw.strip():
                continue
            self.line(number, raw)
        self.finish_project()
        self.check()
        for number, raw in enumerate(self.src.lines, 1):
            if raw.strip() and number not in self.doc.line_map:
                self.map(number, "unrecognised")
        return self.doc

    def line(self, number: int, raw: str) -> None:
        plain = squash(raw)
        part = PART.match(plain)
        if self.mode == "toc" and self.toc_line(number, raw, plain, part):
            return
        if part:
            return self.part_heading(number, part)
        if self.mode == "header":
            return self.header_line(number, raw, plain)
        if self.mode == "part1":
            return self.part1_line(number, raw, plain)
        if self.mode == "part2":
            return self.part2_line(number, raw, plain)
        self.map(number, "unrecognised")

    # -- header and TOC -----------------------------------------------------------------------
    def header_line(self, number: int, raw: str, plain: str) -> None:
        m = TITLE.match(plain)
        if m and self.doc.title is None:
            self.doc.title = _text(raw, number)
            self.doc.organisation = m.group("org")
            self.doc.year = int(m.group("year"))
            return self.map(number, "document/title")
        if plain == "目录":
            self.mode = "toc"
            return self.map(number, "layout:toc")
        for pattern, attr in ((COMPILER, "compiler"), (REVIEWER, "reviewer")):
            m = pattern.match(plain)
            if m and getattr(self.doc, attr) is None:
                setattr(self.doc, attr, m.group("org"))
                return self.map(number, f"document/{attr}")
        self.map(number, "unrecognised")

    def toc_line(self, number: int, raw: str, plain: str, part) -> bool:
        if part:
            if part.group("n") in self.toc_parts or not part.group("title"):
                self.mode = "body"
                return False  # the body starts: a part heading we have already listed
            self.toc_parts.add(part.group("n"))
            self.map(number, "layout:toc")
            return True
        m = TOC_ENTRY.match(raw.strip())
        if m:
            title = normalise(m.group("title").rstrip(".…· "))
            number_match = PROJECT_TITLE.match(title)
            kind = "part2" if number_match else "part1"
            self.doc.toc.append(TocEntry(len(self.doc.toc) + 1, kind, title, m.group("page"), number))
            self.map(number, "layout:toc")
            return True
        self.mode = "body"
        return False

    def part_heading(self, number: int, part) -> None:
        n = part.group("n")
        self.finish_project()
        self.mode = {"一": "part1", "二": "part2"}.get(n, "other")
        self.part1_section = None
        self.map(number, "layout:heading")
        self.last_heading_line = number

    # -- 第一部分 -----------------------------------------------------------------------------
    def part1_line(self, number: int, raw: str, plain: str) -> None:
        if plain in ("部门整体绩效目标", "部门整体支出绩效目标"):
            return self.map(number, "layout:heading")
        m = SECTION.match(plain)
        if m and squash(m.group("title")) in PART1_SECTIONS:
            return self.section_heading(number, plain, PART1_SECTIONS[squash(m.group("title"))])
        if self.part1_section == "overall":
            return self.overall_line(number, raw)
        if self.part1_section == "subgoals":
            return self.subgoal_line(number, raw)
        if self.part1_section == "measures":
            return self.measure_line(number, raw)
        self.map(number, "unrecognised")

    def section_heading(self, number: int, plain: str, section: str) -> None:
        if self.part1_section == section and self.seen_headings.get(plain):
            # the same heading again with nothing in between: an extraction artefact
            return self.map(number, "layout:duplicate-heading")
        self.seen_headings[plain] = number
        self.part1_section = section
        self.map(number, "layout:heading")

    def _continues(self, previous: Text | None) -> bool:
        return previous is not None and not previous.text.endswith(TERMINAL)

    def overall_line(self, number: int, raw: str) -> None:
        goals = self.doc.overall_goals
        if goals and self._continues(goals[-1]):
            goals[-1] = _join(goals[-1], raw, number)
        else:
            goals.append(_text(raw.strip(), number))
        self.map(number, f"overall-goal/{len(goals)}")

    def subgoal_line(self, number: int, raw: str) -> None:
        m = CN_ITEM.match(raw)
        goals = self.doc.sub_goals
        if m:
            number_written = raw[: m.start("text")].strip()
            goals.append(SubGoal(len(goals) + 1, number_written, _text(m.group("text").strip(), number)))
        elif goals:  # a continuation of the previous item (page break)
            last = goals[-1]
            goals[-1] = SubGoal(last.position, last.number, _join(last.text, raw, number))
        else:
            return self.map(number, "unrecognised")
        self.map(number, f"subgoal/{len(goals)}")

    def measure_line(self, number: int, raw: str) -> None:
        sections = self.doc.measures
        m = CN_ITEM.match(raw)
        if m:
            written = raw[: m.start("text")].strip()
            sections.append(MeasureSection(len(sections) + 1, written, _text(m.group("text").strip(), number)))
            return self.map(number, f"measure/{len(sections)}")
        if not sections:
            return self.map(number, "unrecognised")
        section = sections[-1]
        m = NUM_ITEM.match(raw)
        if m:
            section.items.append(MeasureItem(len(section.items) + 1, m.group("n"), _text(m.group("text").strip(), number)))
            return self.map(number, f"measure/{section.position}/item/{len(section.items)}")
        if section.items:  # an item's text continued after a page break
            last = section.items[-1]
            section.items[-1] = MeasureItem(last.position, last.number, _join(last.text, raw, number))
            return self.map(number, f"measure/{section.position}/item/{last.position}")
        if section.intro and self._continues(section.intro[-1]):
            section.intro[-1] = _join(section.intro[-1], raw, number)
        else:
            section.intro.append(_text(raw.strip(), number))
        self.map(number, f"measure/{section.position}")

    # -- 第二部分 -----------------------------------------------------------------------------
    def part2_line(self, number: int, raw: str, plain: str) -> None:
        if plain in ("预算项目绩效目标", "项目支出绩效目标"):
            return self.map(number, "layout:heading")
        m = PROJECT_TITLE.match(raw.replace("\t", " ")) if "\t" not in raw.strip() else None
        if m:
            return self.start_project(number, m.group("title"))
        if (self.project is None or self.project.complete) and is_block_start(raw):
            # a project table whose title line is missing: a table of its own, never merged into the previous one
            self.start_project(number, None)
        if self.project is not None and self.project.feed(number, raw):
            return
        self.map(number, "unrecognised")

    def start_project(self, number: int, title: str | None) -> None:
        self.finish_project()
        position = len(self.doc.projects) + 1
        project = Project(position, _text(title or "", number), span=Span(number, number))
        self.doc.projects.append(project)
        self.project = ProjectTableParser(project, f"project/{position}", self.src.name)
        if title is not None:
            self.map(number, f"project/{position}")
            return
        project.title_missing = True
        self.warn("project-title-missing", number,
                  f"第 {number} 行开始一个新的项目表（第 {position} 个），但前面没有“N. …绩效目标表”标题行；"
                  "已作为单独的项目读取，没有并入上一个项目",
                  f"a new project table (project {position}) starts at line {number} without a title line "
                  "(\"N. …绩效目标表\"); read as a project of its own, not merged into the previous one",
                  f"project/{position}")

    def finish_project(self) -> None:
        parser = self.project
        if parser is None:
            return
        self.project = None
        p = parser.p
        p.span = Span(p.span.first, parser.last_line)
        self.doc.warnings.extend(parser.warnings)
        if not p.indicators and p.title_missing:
            # lines that looked like the start of a table, with no table after them: left unrecognised, reported
            self.doc.projects.remove(p)
            self.doc.warnings = [w for w in self.doc.warnings if w.element != f"project/{p.position}"
                                 and not w.element.startswith(f"project/{p.position}/")]
            for line in parser.line_map:
                self.map(line, "unrecognised")
            return
        for line, keys in parser.line_map.items():
            if line in parser.partial:
                self.map(line, "unrecognised")  # part of its content did not reach the model: not mapped
                continue
            for key in keys:
                self.map(line, key)
        if not p.indicators:
            raise self.truncated(parser)

    def truncated(self, parser: ProjectTableParser) -> InputError:
        """The error for a project table without indicator rows, saying what was found instead."""
        p = parser.p
        for number, raw in parser.rejected:
            label = squash(raw)
            if "\t" not in raw and label.startswith(TABLE_ROW_LABELS):
                return self.error(
                    number,
                    f"第 {p.position} 个项目“{p.title.text}”的表格行没有制表符：第 {number} 行“{normalise(raw)[:40]}”"
                    "是表格行，但单元格之间是空格（制表符可能在复制时被换成了空格）；perfkg 按制表符分隔单元格",
                    f"project {p.position} ({p.title.text}): table rows have no tabs — line {number} "
                    f"({normalise(raw)[:40]!r}) is a table row whose cells are separated by spaces (tabs replaced by "
                    "spaces when copied?); perfkg reads cells separated by tabs")
        what = "没有指标表表头" if not parser.columns else "指标表表头之后没有指标行"
        what_en = "no indicator-table header" if not parser.columns else "no indicator rows after the header"
        return self.error(
            parser.last_line,
            f"项目表格不完整（疑似被截断）：第 {p.position} 个项目“{p.title.text}”{what}",
            f"project table truncated: project {p.position} ({p.title.text}) has {what_en}")

    # -- whole-document checks ----------------------------------------------------------------
    def check(self) -> None:
        doc = self.doc
        if not doc.projects and not doc.sub_goals and not doc.overall_goals:
            first = next((n for n, l in enumerate(self.src.lines, 1) if l.strip()), 1)
            found_zh = f"只找到标题（第 {doc.title.span.first} 行）；" if doc.title else ""
            found_en = f"only a title (line {doc.title.span.first}); " if doc.title else ""
            lines = sum(1 for l in self.src.lines if l.strip())
            hint_zh = "全文只有一行非空行，换行符可能已丢失；" if lines == 1 else ""
            hint_en = "the text has a single non-blank line, so its line breaks may have been lost; " if lines == 1 else ""
            raise self.error(
                doc.title.span.first if doc.title else first,
                f"不是部门预算绩效文本：{found_zh}{hint_zh}没有找到任何绩效目标（总体/分项绩效目标）或项目绩效目标表",
                f"not a budget-performance document: {found_en}{hint_en}no goals (总体/分项绩效目标) and no "
                "project tables were found")
        self.check_project_codes()
        if doc.title is None:
            self.warn("title-missing", 1, "没有找到文档标题（“…年部门预算绩效文本”）",
                      "document title (…年部门预算绩效文本) not found", "document")
        toc_titles = [squash(e.title) for e in doc.toc if e.part == "part2"]
        table_titles = [squash(f"{p.position}.{p.title.text}") for p in doc.projects]
        for entry in (e for e in doc.toc if e.part == "part2"):
            if squash(entry.title) not in table_titles:
                self.warn("toc-mismatch", entry.line, f"目录中的项目“{entry.title}”在正文中没有对应的绩效目标表",
                          f"table of contents lists {entry.title!r}, but no such project table follows", "document")
        for p in doc.projects:
            if toc_titles and not p.title_missing and squash(f"{p.position}.{p.title.text}") not in toc_titles:
                self.warn("toc-mismatch", p.span.first, f"项目表“{p.title.text}”不在目录中",
                          f"project table {p.title.text!r} is not in the table of contents", f"project/{p.position}")


    def check_project_codes(self) -> None:
        """Two tables with one project code would become one project: refuse the merge, keep both, say so."""
        first_with: dict[str, Project] = {}
        for p in self.doc.projects:
            if not p.code:
                continue
            earlier = first_with.setdefault(p.code, p)
            if earlier is p:
                continue
            p.duplicate_code_of = earlier.position
            self.warn("project-code-duplicated", p.span.first,
                      f"第 {p.position} 个项目（第 {p.span.first} 行起）与第 {earlier.position} 个项目（第 "
                      f"{earlier.span.first} 行起）的项目编码都是 {p.code}；两个项目没有合并，分别保留",
                      f"project {p.position} (from line {p.span.first}) has the same project code {p.code} as "
                      f"project {earlier.position} (from line {earlier.span.first}); they were not merged, both are kept",
                      f"project/{p.position}")

    def note_line_breaks(self) -> None:
        breaks = self.src.unusual_breaks
        if not breaks:
            return
        (line, name), more = breaks[0], len(breaks) - 1
        also_zh = f"（另有 {more} 处）" if more else ""
        also_en = f" (and {more} more)" if more else ""
        self.warn("line-separator", line,
                  f"第 {line} 行以 {name} 结束{also_zh}：按换行处理；本文件的行号把这些字符计为换行，"
                  "只按 LF 计行的工具（cat -n、grep -n）显示的行号会不同",
                  f"line {line} ends with {name}{also_en}: read as a line break; line numbers for this file count "
                  "these characters as breaks, so tools that count only LF (cat -n, grep -n) show other numbers",
                  "document")


def parse_document(source: SourceText) -> BudgetDocument:
    return DocumentParser(source).parse()


def parse_file(path: str | Path) -> BudgetDocument:
    """Read one file of any container (text, PDF, workbook, Word, web page) and interpret it; raises InputError
    naming the file and line (or page/sheet/table/row)."""
    from perfkg.parse.readers import parse_path  # the readers call back into this module's interpreter

    return parse_path(path)
