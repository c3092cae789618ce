"""Where the header-driven interpreter (parse/tables) is asked: a file the Hebei template does not claim yields its
one recognisable table, an unknown column is kept and reported, what is not understood is listed with its place; the
layout samples regenerate (LibreOffice for the PDFs) and still read the same."""
from __future__ import annotations

import shutil
import sys

import pytest

from conftest import ROOT, require
from perfkg.errors import InputError
from perfkg.parse.readers import read_document

TABLE = "\n".join([
    "2024年项目支出绩效目标表",
    "项目名称\t社区科普讲座",
    "一级指标\t二级指标\t三级指标\t指标值\t完成方式",
    "产出指标\t数量指标\t讲座场次\t≥12场\t线下",
    "\t质量指标\t听众满意度\t≥90%\t问卷",
    "本表由某某填写，仅供参考。",
    "",
])


def test_one_recognisable_table_in_an_otherwise_unknown_file(tmp_path):
    path = tmp_path / "one-table.txt"
    path.write_text(TABLE, encoding="utf-8")
    doc = read_document(path)[0]
    [p] = doc.projects
    assert (doc.year, p.name, [i.name for i in p.indicators]) == (2024, "社区科普讲座", ["讲座场次", "听众满意度"])
    assert [i.extra for i in p.indicators] == [(("完成方式", "线下"),), (("完成方式", "问卷"),)]  # kept, annotated
    assert p.indicators[1].level1 == "产出指标" and p.indicators[1].level1_inherited
    warnings = [(w.code, w.span.first) for w in doc.warnings]
    assert warnings == [("column-unknown", 3), ("row-incomplete", 6)]
    assert "完成方式" in doc.warnings[0].message_zh and "第 3 行" in doc.warnings[0].message_zh
    assert doc.unrecognised_lines() == [6]
    assert [(n.kind, n.location.describe("en")) for n in doc.notes] == [("incomplete-row", "line 6")]


def test_a_file_without_any_target_table_still_says_what_it_is_not(tmp_path):
    path = tmp_path / "prose.txt"
    path.write_text("关于做好年度工作的通知\n各单位：请按时报送材料。\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_document(path)
    assert e.value.reason_en.startswith("not a budget-performance document")


def test_the_hebei_template_is_still_read_by_its_own_interpreter(seed_path):
    from perfkg.model_tables import TableDocument

    doc = read_document(seed_path)[0]
    assert not isinstance(doc, TableDocument) and len(doc.projects) == 2


def _fields(doc):
    out = [doc.kind, doc.organisation, doc.year, doc.table_kinds]
    for p in doc.projects:
        out.append((p.name, p.code, p.budget, p.fiscal, p.other, p.executed, p.execution_rate, p.checked,
                    [(i.level1, i.level2, i.name, i.target, i.actual, i.score, i.weight) for i in p.indicators]))
    for t in doc.department_tables:
        out.append((t.department, t.goals, t.money, [(i.level1, i.level2, i.name, i.target) for i in t.indicators]))
    return out


def test_samples_regenerate_and_read_the_same(tmp_path):
    require(shutil.which("soffice") is not None or shutil.which("libreoffice") is not None,
            "LibreOffice (soffice) to convert the DOCX samples to PDF")
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_layout_samples

    made = make_layout_samples.build(tmp_path)
    committed = ROOT / "data" / "layouts"
    fresh = [p for p in made if p.parent.name == "layouts" and p.parent.parent.name == "data"]
    assert sorted(p.name for p in fresh) == sorted(p.name for p in committed.iterdir())
    for path in fresh:
        assert _fields(read_document(path)[0]) == _fields(read_document(committed / path.name)[0]), path.name
