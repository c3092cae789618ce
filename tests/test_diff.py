"""perfkg diff: every field changed in the hand-revised sample (tests/fixtures/revisions/README.md), lowered targets
first, and the text, JSON and HTML renderings."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from perfkg.cli import main
from perfkg.diff import Change, Diff, Target, diff_graphs, target_direction
from perfkg.diff_render import as_html, as_text
from perfkg.sources import read_items
from perfkg.vocab import PERFKG
from conftest import DATA, ROOT

V1 = DATA / "yunling-kexie-2023.txt"
V2 = ROOT / "tests" / "fixtures" / "revisions" / "yunling-kexie-2023-revised.txt"
P1, P2, P3, P4, P5 = ("13990023P00512030012K", "13990023P00512030013C", "13990023P00512030015R",
                      "13990023P00512030009W", "13990023P00512030016T")

# every edit of the fixture README, in the order a reviewer reads them: lowered targets first
EXPECTED = [
    Change("target-lowered", P1, "target", "≥30 场", "≥25 场", "科普大篷车巡展场次"),
    Change("target-lowered", P1, "target", "≤0.7 万元/场", "≤0.8 万元/场", "科普大篷车单场巡展成本"),
    Change("project-added", P5, "project", None, "科普讲解员培训经费"),
    Change("project-renamed", P4, "name", "机关信息系统运维及物业管理费", "机关信息系统运维及物业服务费"),
    Change("amount-changed", P3, "budget", "18.00 万元", "20.00 万元"),
    Change("amount-changed", P3, "fiscal", "18.00 万元", "20.00 万元"),
    Change("plan-changed", P1, "6月底", "35%", "40%"),
    Change("indicator-renamed", P2, "name", "参赛学校数量", "参赛中小学校数量", "参赛中小学校数量"),
    Change("target-raised", P2, "target", "≥300 件", "≥320 件", "征集参赛作品数量"),
]


def graph(path):
    (item,) = read_items(path, link=False)
    assert item.error is None
    return item.graph


@pytest.fixture(scope="module")
def diff():
    return diff_graphs(graph(V1), graph(V2), "v1", "v2")


def test_every_changed_field(diff):
    assert diff.changes == EXPECTED


def test_the_reverse_direction(diff):
    back = diff_graphs(graph(V2), graph(V1))
    assert [c.kind for c in back.changes][:3] == ["target-lowered", "project-removed", "project-renamed"]
    assert back.changes[0] == Change("target-lowered", P2, "target", "≥320 件", "≥300 件", "征集参赛作品数量")


def test_identical_versions_have_no_change():
    assert diff_graphs(graph(V1), graph(V1)).unchanged


@pytest.mark.parametrize("old, new, expected", [
    ((PERFKG.AtLeast, "12", "场"), (PERFKG.AtLeast, "10", "场"), "lowered"),
    ((PERFKG.AtLeast, "12", "场"), (PERFKG.MoreThan, "13", "场"), "raised"),
    ((PERFKG.AtMost, "9", "月"), (PERFKG.AtMost, "10", "月"), "lowered"),  # 9 月底前 -> 10 月底前: a later deadline
    ((PERFKG.AtMost, "0.7", "万元/场"), (PERFKG.AtMost, "0.6", "万元/场"), "raised"),
    ((PERFKG.AtLeast, "12", "场"), (PERFKG.AtMost, "10", "场"), "changed"),
    ((PERFKG.AtLeast, "12", "场"), (PERFKG.AtLeast, "10", "次"), "changed"),
    ((PERFKG.EqualTo, "100", "%"), (PERFKG.EqualTo, "95", "%"), "changed"),
])
def test_target_direction(old, new, expected):
    def target(spec):
        return Target("", spec[0], Decimal(spec[1]), spec[2])

    assert target_direction(target(old), target(new)) == expected


def test_text_in_both_languages(diff):
    zh, en = as_text(diff, "zh"), as_text(diff, "en")
    assert zh.splitlines()[2] == "!! 目标降低 (2)"
    assert f"  {P1} / 科普大篷车巡展场次: 指标值: ≥30 场 → ≥25 场" in zh
    assert f"  {P5}: 项目: （无） → 科普讲解员培训经费" in zh
    assert en.splitlines()[2] == "!! target lowered (2)"
    assert f"  {P3}: fiscal funds: 18.00 万元 → 20.00 万元" in en
    assert en.rstrip().endswith("1 indicator renamed, 1 target raised")


def test_json_and_html_escape_everything():
    hostile = Diff("<a>", "b&c", [Change("project-renamed", "X", "name", '<script>alert("x")</script>', "a & b")])
    page = as_html(hostile, "en")
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<title>&lt;a&gt; → b&amp;c</title>" in page and "<td>a &amp; b</td>" in page


def test_cli_formats_and_exit_codes(tmp_path, capsys):
    assert main(["diff", str(V1), str(V1)]) == 0
    assert "内容无变化" in capsys.readouterr().out
    out = tmp_path / "diff.json"
    assert main(["diff", str(V1), str(V2), "--format", "json", "-o", str(out)]) == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [Change(**c) for c in data["changes"]] == EXPECTED
    assert data["counts"]["target-lowered"] == 2 and data["old"] == V1.name
    page = tmp_path / "diff.html"
    assert main(["diff", str(V1), str(V2), "--format", "html", "--lang", "en", "-o", str(page)]) == 1
    assert page.read_text(encoding="utf-8").count('<tr class="lowered">') == 2
    assert main(["diff", str(tmp_path / "missing.txt"), str(V2)]) == 2
    err = capsys.readouterr().err
    assert "missing.txt" in err and "文件不存在" in err and "file not found" in err


def test_cli_diff_of_two_versions_in_a_store(tmp_path, capsys):
    store = str(tmp_path / "store")
    assert main(["load", str(V1), "--store", store, "--workers", "1"]) == 0
    assert main(["load", str(V2), "--store", store, "--workers", "1"]) == 0
    capsys.readouterr()
    from perfkg.revisions import file_sha256

    old = file_sha256(V1)[:8]
    document = "https://w3id.org/perfkg/id/doc/139900-512001-2023"  # its current version: V2
    assert main(["diff", old, document, "--store", store, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [Change(**c) for c in data["changes"]] == EXPECTED
    assert data["old"] == f"{document}/v/{file_sha256(V1)[:12]}"
    assert main(["diff", "nosuchversion", document, "--store", store]) == 2
    assert "no such version" in capsys.readouterr().err
