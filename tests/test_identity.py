"""Document identity: the administrative division is part of it, a collision that remains is refused (never merged),
and outputs named by identity never overwrite each other or an earlier run's without --force."""
from __future__ import annotations

from urllib.parse import quote

from docbuilder import document, project_block, write
from rdflib import Dataset, Graph

from perfkg.cli import main
from perfkg.model import BudgetDocument, Project, Span, Text
from perfkg.rdf.iris import document_iri
from perfkg.store.embedded import EmbeddedStore
from perfkg.vocab import ID, PERFKG

# the same unit code (139901) and year (2023) in two places: 139900 (our fictional 临水市) and 130300 (秦皇岛市)
LINSHUI = document(projects=[project_block(code="13990023P00100230001A")])
QINHUANGDAO = document(org="秦皇岛市科学技术协会", projects=[project_block(code="13030023P00100230001A")])
# the same division, unit code and year, but another department: a collision that no identity rule resolves
OTHER_DEPARTMENT = document(org="临水市民政局", projects=[project_block(code="13990023P00100230002A")])


def _documents_in(store_dir) -> dict[str, str]:
    """document graph IRI -> the organisation that issued the document, as the store holds them."""
    with EmbeddedStore(store_dir, read_only=True) as store:
        rows = store.query("""SELECT ?g ?org WHERE { GRAPH ?g { ?d a <%s> ; <%s> ?o } ?o
                              <http://www.w3.org/2004/02/skos/core#prefLabel> ?org }"""
                           % (PERFKG.BudgetDocument, PERFKG.issuedBy)).dicts()
    return {str(r["g"]): str(r["org"]) for r in rows}


def test_the_division_tells_two_places_apart(tmp_path, capsys):
    a = write(tmp_path, LINSHUI, "linshui.txt")
    b = write(tmp_path, QINHUANGDAO, "qinhuangdao.txt")
    assert main(["load", str(a), str(b), "--store", str(tmp_path / "store"), "--no-link"]) == 0
    assert _documents_in(tmp_path / "store") == {
        str(ID["doc/139900-139901-2023"]): "临水市科学技术协会",
        str(ID["doc/130300-139901-2023"]): "秦皇岛市科学技术协会",
    }


def test_seed_identity_names_qinhuangdao(seed_result):
    assert seed_result.graph_iri == ID["doc/130300-731001-2022"]  # 13030022P00702210044W: 130300 = 秦皇岛市


def test_without_project_codes_the_finance_bureau_places_the_unit():
    doc = BudgetDocument("x.txt", "0" * 64, "utf-8", organisation="临水市科学技术协会", year=2023,
                         reviewer="临水市财政局")
    doc.projects.append(Project(1, Text("讲座经费", "讲座经费", Span(1, 1)), unit_code="139901", code=None))
    assert document_iri(doc) == ID[f"doc/{quote('临水市财政局', safe='')}-139901-2023"]
    doc.reviewer = None  # neither a division nor a bureau: the content hash, never shared by two texts
    assert document_iri(doc) == ID["doc/sha-000000000000-2023"]


def test_a_collision_in_one_batch_is_refused_naming_both_files(tmp_path, capsys):
    a = write(tmp_path, LINSHUI, "kexie.txt")
    b = write(tmp_path, OTHER_DEPARTMENT, "minzheng.txt")
    code = main(["load", str(a), str(b), "--store", str(tmp_path / "store"), "--no-link"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "1 个图已载入 graphs loaded" in out and "1 个失败 failed" in out
    assert "minzheng.txt" in err and "kexie.txt" in err
    assert "不会合并" in err and "never merged" in err
    assert _documents_in(tmp_path / "store") == {str(ID["doc/139900-139901-2023"]): "临水市科学技术协会"}


def test_a_collision_with_the_store_is_refused_and_force_replaces(tmp_path, capsys):
    a = write(tmp_path, LINSHUI, "kexie.txt")
    b = write(tmp_path, OTHER_DEPARTMENT, "minzheng.txt")
    store = str(tmp_path / "store")
    assert main(["load", str(a), "--store", store, "--no-link"]) == 0
    assert main(["load", str(a), "--store", store, "--no-link"]) == 0  # reloading the same document replaces it
    capsys.readouterr()
    assert main(["load", str(b), "--store", store, "--no-link"]) == 2
    err = capsys.readouterr().err
    assert "minzheng.txt" in err and "kexie.txt" in err and "临水市科学技术协会" in err and "--force" in err
    assert _documents_in(store) == {str(ID["doc/139900-139901-2023"]): "临水市科学技术协会"}
    assert main(["load", str(b), "--store", store, "--no-link", "--force"]) == 0
    assert _documents_in(store) == {str(ID["doc/139900-139901-2023"]): "临水市民政局"}


def test_same_file_name_in_two_folders_gives_two_outputs(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a", LINSHUI, "doc.txt")
    write(tmp_path / "b", QINHUANGDAO, "doc.txt")
    out = tmp_path / "out"
    assert main(["ingest", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), "--no-link"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["130300-139901-2023.ttl", "139900-139901-2023.ttl"]
    qhd = Graph().parse(out / "130300-139901-2023.ttl")
    assert (ID["doc/130300-139901-2023"], PERFKG.budgetYear, None) in qhd
    assert "秦皇岛市科学技术协会" in (out / "130300-139901-2023.ttl").read_text(encoding="utf-8")
    assert "秦皇岛市" not in (out / "139900-139901-2023.ttl").read_text(encoding="utf-8")


def test_an_earlier_runs_output_is_refused_unless_forced(tmp_path, capsys):
    src = write(tmp_path, LINSHUI, "doc.txt")
    out = tmp_path / "out"
    assert main(["ingest", str(src), "-o", str(out), "--no-link"]) == 0
    target = out / "139900-139901-2023.ttl"
    target.write_text("# an analyst's edit\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["ingest", str(src), "-o", str(out), "--no-link"]) == 2
    err = capsys.readouterr().err
    assert "已存在" in err and "exists" in err and "--force" in err and str(target) in err
    assert target.read_text(encoding="utf-8") == "# an analyst's edit\n"
    assert main(["ingest", str(src), "-o", str(out), "--no-link", "--force"]) == 0
    assert "replaced 1" in capsys.readouterr().out
    assert "an analyst's edit" not in target.read_text(encoding="utf-8")


def test_two_documents_with_one_identity_in_ingest_write_one_file_and_refuse_the_other(tmp_path, capsys):
    a = write(tmp_path, LINSHUI, "kexie.txt")
    b = write(tmp_path, OTHER_DEPARTMENT, "minzheng.txt")
    out = tmp_path / "out"
    assert main(["ingest", str(a), str(b), "-o", str(out), "--no-link", "--corpus"]) == 2
    assert "minzheng.txt" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["139900-139901-2023.ttl", "corpus.trig"]
    ds = Dataset()
    ds.parse(out / "corpus.trig", format="trig")
    assert [str(g.identifier) for g in ds.graphs() if len(g)] == [str(ID["doc/139900-139901-2023"])]
