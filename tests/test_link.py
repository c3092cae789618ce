"""The mandate linker: lexicon loading (also of other departments' schemes), matching rules, evidence as data,
org:purpose, determinism, the acceptance facts on the seed, and the `perfkg link` command."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, RDF, RDFS, SKOS

from perfkg.ingest import ingest_file
from perfkg.link import link_document, load_lexicon, scheme_files
from perfkg.link.evidence import METHOD_NAMES
from perfkg.link.lexicon import Phrase, normalise
from perfkg.link.match import find_matches
from perfkg.rdf.serialise import serialise_graph
from perfkg.vocab import ID, MANDATE, PERFKG

from conftest import DATA

P1, P2 = ID["project/13030022P00702210044W"], ID["project/13030022P00702210045G"]
DOC = ID["doc/130300-731001-2022"]

MINZHENG = """
@prefix mandate: <https://w3id.org/perfkg/mandate/> .  @prefix perfkg: <https://w3id.org/perfkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .  @prefix dcterms: <http://purl.org/dc/terms/> .
mandate:MinzhengMandates a skos:ConceptScheme ; skos:prefLabel "民政部门职责"@zh , "Civil-affairs duties"@en ;
    perfkg:appliesToOrganisationPattern "民政局" , "民政厅" ;
    perfkg:organisationPurpose mandate:elder-care , mandate:social-assistance ;
    skos:hasTopConcept mandate:elder-care , mandate:social-assistance .
mandate:elder-care a skos:Concept ; skos:inScheme mandate:MinzhengMandates ; skos:topConceptOf mandate:MinzhengMandates ;
    skos:prefLabel "养老服务"@zh , "Elderly care services"@en ; skos:hiddenLabel "居家养老"@zh , "养老机构"@zh .
mandate:social-assistance a skos:Concept ; skos:inScheme mandate:MinzhengMandates ;
    skos:topConceptOf mandate:MinzhengMandates ;
    skos:prefLabel "社会救助"@zh , "Social assistance"@en ; skos:hiddenLabel "最低生活保障"@zh , "特困人员"@zh .
"""


def linked(path, **kw):
    r = ingest_file(path, link=False)
    report = link_document(r.graph, r.graph_iri, lines=r.document.lines, **kw)
    return r, report


@pytest.fixture(scope="module")
def seed(seed_path):
    return linked(seed_path)


def evidence_of(graph: Graph, element: URIRef, concept: URIRef) -> list[URIRef]:
    return sorted(e for e in graph.subjects(PERFKG.linkedElement, element)
                  if graph.value(e, PERFKG.linkedMandate) == concept)


# ------------------------------------------------------------------------------------------------ lexicon
def test_bundled_lexicon():
    lex = load_lexicon()
    assert [p.name for p in lex.files] == sorted(p.name for p in lex.files) and lex.files[0].name == "mandates.ttl"
    cast = next(s for s in lex.schemes if s.iri == MANDATE.CastMandates)
    assert cast.applies_to("秦皇岛市科学技术协会") and cast.applies_to("云岭市 科协") and not cast.applies_to("北湖市民政局")
    by_text = {p.text: p for p in cast.phrases}
    assert by_text["服务提高全民科学素质"].kind == "explicit"
    assert by_text["为提高全民科学素质服务"].kind == "explicit"  # a duty's prefLabel states the duty
    assert by_text["科学技术普及"].kind == "pref" and by_text["科普"].kind == "alt" and by_text["科普活动"].kind == "hidden"
    assert MANDATE["serve-science-literacy"] in lex.ancestors(MANDATE["rural-popsci"])


def test_other_department_scheme_loads_without_code_changes(tmp_path):
    """A 民政局 scheme in its own file (or folder) is picked up by organisation name: org:purpose and links."""
    folder = tmp_path / "schemes"
    folder.mkdir()
    (folder / "mandates-minzheng.ttl").write_text(MINZHENG, encoding="utf-8")
    for extra in ([folder], [folder / "mandates-minzheng.ttl"]):
        assert scheme_files(tuple(extra))[-1].name == "mandates-minzheng.ttl"
        r, report = linked(DATA / "beihu-minzheng-2024.txt", lexicon=load_lexicon(extra))
        assert [s.iri for s in report.schemes] == [MANDATE.MinzhengMandates]
        org = r.graph.value(r.graph_iri, PERFKG.issuedBy)
        assert set(r.graph.objects(org, ORG.purpose)) == {MANDATE["elder-care"], MANDATE["social-assistance"]}
        assert set(r.graph.objects(None, PERFKG.servesMandate)) == {MANDATE["elder-care"], MANDATE["social-assistance"]}


def test_unknown_scheme_path_is_a_clear_error(tmp_path):
    from perfkg.errors import PerfkgError

    with pytest.raises(PerfkgError, match="not found"):
        load_lexicon([tmp_path / "missing.ttl"])


def test_document_without_a_scheme_gets_no_links_and_a_warning():
    r, report = linked(DATA / "beihu-minzheng-2024.txt")
    assert report.schemes == [] and not report.evidence
    assert (None, PERFKG.servesMandate, None) not in r.graph
    (zh, en), = report.warnings
    assert "北湖市民政局" in zh and "no mandate scheme" in en


# ------------------------------------------------------------------------------------------------ matching
def _phrases(*specs):
    return [Phrase(t, normalise(t), MANDATE[c], kind, SKOS.hiddenLabel) for t, c, kind in specs]


def test_longest_match_hides_a_phrase_inside_it():
    phrases = _phrases(("全民科学素质", "serve-science-literacy", "hidden"),
                       ("全民科学素质行动", "literacy-outline", "hidden"))
    found = find_matches("深入推进全民科学素质行动", phrases)
    assert [m.phrase.text for m in found] == ["全民科学素质行动"]


def test_enumeration_of_narrower_concepts_keeps_each():
    phrases = _phrases(("政治性、先进性、群众性", "three-attributes", "explicit"), ("政治性", "political", "pref"),
                       ("先进性", "advanced", "pref"), ("群众性", "mass", "pref"))
    narrower = lambda a, b: b == MANDATE["three-attributes"] and a != b  # noqa: E731
    found = {m.phrase.text for m in find_matches("增强科协组织政治性、先进性、群众性", phrases, narrower)}
    assert found == {"政治性、先进性、群众性", "政治性", "先进性", "群众性"}


def test_echo_of_a_specific_topic_is_not_a_second_signal():
    phrases = _phrases(("科普", "popular-science", "alt"), ("科普信息化", "digital-popsci", "alt"))
    found = [m.phrase.text for m in find_matches("推进科普信息化建设，提高科普覆盖率", phrases)]
    assert found == ["科普信息化"]
    assert [m.phrase.text for m in find_matches("提高科普覆盖率", phrases)] == ["科普"]


def test_generic_phrase_gives_way_to_a_more_specific_concept_in_its_clause():
    """Rule 4: 科普 beside 老年人 in one clause is the 纲要's older-people action; in another clause it stays a signal."""
    lex = load_lexicon()
    phrases = _phrases(("科普", "popular-science", "alt"), ("老年人", "elderly-literacy", "hidden"))
    narrower = lambda a, b: b in lex.ancestors(a)  # noqa: E731
    same = find_matches("为老年人开展科普讲座", phrases, narrower, lex.more_specific_in_family)
    assert [m.phrase.text for m in same] == ["老年人"]
    apart = find_matches("以老年人为重点，开展科普讲座", phrases, narrower, lex.more_specific_in_family)
    assert [m.phrase.text for m in apart] == ["老年人", "科普"]


def test_context_word_needs_its_family_in_the_clause():
    """Rule 0: 老年 (a context word of the older-people action) links only beside 科学素养 / 科普 in its clause;
    老干部职工 or 加强网站和新媒体阵地管理 alone link nothing."""
    lex = load_lexicon()
    phrases = _phrases(("科普", "popular-science", "alt"), ("科学素养", "serve-science-literacy", "hidden"),
                       ("老年", "elderly-literacy", "context"), ("新媒体", "digital-popsci", "context"))
    narrower = lambda a, b: b in lex.ancestors(a)  # noqa: E731

    def found(text):
        return [m.phrase.text for m in find_matches(text, phrases, narrower, lex.more_specific_in_family)]

    assert found("组织银发课堂进社区，提升老年群体科学素养") == ["老年", "科学素养"]
    assert found("走访慰问老年科技工作者") == []
    assert found("老年群体健康讲座，提升科学素养") == ["科学素养"]  # another clause
    assert found("原创科普作品制作与新媒体传播") == ["新媒体"]  # 科普 gives way to the more specific concept (rule 4)
    assert found("加强科协网站和新媒体阵地管理") == []


def test_bundled_context_words_are_typed_and_conditional():
    """The scheme types its group and channel words mandate:ContextWord; the linker reads them as context words."""
    kinds = {p.text: p.kind for s in load_lexicon().schemes for p in s.phrases}
    assert {kinds[w] for w in ("老年", "职工", "学生", "中小学", "领导干部", "公务员", "新媒体")} == {"context"}
    assert kinds["三会一课"] == kinds["老年大学"] == "hidden"


def test_more_specific_in_family():
    lex = load_lexicon()
    assert lex.more_specific_in_family(MANDATE["elderly-literacy"], MANDATE["popular-science"])
    assert not lex.more_specific_in_family(MANDATE["popular-science"], MANDATE["elderly-literacy"])
    assert not lex.more_specific_in_family(MANDATE["think-tank"], MANDATE["serve-st-workers"])  # meet at 四个服务 only
    assert not lex.more_specific_in_family(MANDATE["science-day"], MANDATE["popular-science"])  # narrower, not a sibling


def test_units_a_programme_awards_are_not_the_programme():
    """The 基层科普行动计划 quote lists the units it awards; a text about those units names no programme."""
    owner = {p.text: str(p.concept).rsplit("/", 1)[-1] for s in load_lexicon().schemes for p in s.phrases}
    assert owner["农村专业技术协会"] == "farmer-literacy" and owner["科普示范"] == "grassroots-popsci"
    assert owner["科普惠农兴村"] == "rural-popsci" and "科普示范社区" not in owner


def test_quotes_spaces_and_width_are_ignored():
    phrases = _phrases(("增“三性”", "three-attributes", "pref"), ("实施《纲要》", "literacy-outline", "hidden"))
    assert len(find_matches('持续推进增"三性"、以 实施纲要 为抓手', phrases)) == 2


# ------------------------------------------------------------------------------------------------ the seed
def test_seed_popular_science_project_and_property_project(seed):
    r, _ = seed
    g = r.graph
    p1 = {m for el in [P1, *g.objects(P1, PERFKG.hasProjectGoal), *g.objects(P1, PERFKG.hasIndicator)]
          for m in g.objects(el, PERFKG.servesMandate)}
    assert MANDATE["popular-science"] in p1
    assert (P1, PERFKG.servesMandate, MANDATE["popular-science"]) in g  # through its name 科普费
    for el in [P2, *g.objects(P2, PERFKG.hasProjectGoal), *g.objects(P2, PERFKG.hasIndicator)]:
        assert (el, PERFKG.servesMandate, None) not in g, el


@pytest.mark.parametrize(("section", "concept", "phrase", "line"), [
    (2, "serve-science-literacy", "服务提高全民科学素质", 74),
    (3, "serve-decision-making", "服务党和政府科学决策", 88),
])
def test_seed_explicit_headings_and_inheritance(seed, section, concept, phrase, line):
    g = seed[0].graph
    measure = URIRef(f"{DOC}/measure/{section}")
    (ev,) = evidence_of(g, measure, MANDATE[concept])
    assert g.value(ev, PERFKG.linkMethod) == PERFKG.ExplicitStatement
    assert str(g.value(ev, PERFKG.matchedPhrase)) == phrase
    assert int(g.value(ev, PERFKG.firstLine)) == line and g.value(ev, PERFKG.score) == Literal(Decimal("1.00"))
    assert g.value(ev, PERFKG.matchedIn) == URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    for item in g.objects(measure, PERFKG.hasMeasureItem):
        inherited = [e for e in evidence_of(g, item, MANDATE[concept])
                     if g.value(e, PERFKG.linkMethod) == PERFKG.InheritedFromParent]
        assert len(inherited) == 1 and g.value(inherited[0], PERFKG.inheritedFrom) == ev
        assert float(g.value(inherited[0], PERFKG.score)) < 1.0  # explicit outranks everything else


def test_every_link_has_evidence_and_every_evidence_a_link(seed):
    g = seed[0].graph
    links = set(g.subject_objects(PERFKG.servesMandate))
    assert len(links) > 50
    evidenced = set()
    for ev in g.subjects(RDF.type, PERFKG.MandateEvidence):
        pair = (g.value(ev, PERFKG.linkedElement), g.value(ev, PERFKG.linkedMandate))
        assert pair in links, pair
        evidenced.add(pair)
        assert g.value(ev, PERFKG.linkMethod) in (PERFKG.ExplicitStatement, PERFKG.LexiconMatch,
                                                   PERFKG.InheritedFromParent)
        phrase = str(g.value(ev, PERFKG.matchedPhrase))
        assert str(g.value(ev, RDFS.label)).startswith(f"{METHOD_NAMES[g.value(ev, PERFKG.linkMethod)]}「{phrase}」l.")
        assert 0 < float(g.value(ev, PERFKG.score)) <= 1
        first, last = int(g.value(ev, PERFKG.firstLine)), int(g.value(ev, PERFKG.lastLine))
        assert 1 <= first <= last <= 167
        assert str(ev).startswith(str(pair[0]) + "/evidence/")
    assert evidenced == links


def test_evidence_line_is_the_line_of_the_phrase(seed_path):
    """With the source lines the phrase's own line is given; without, the element's span (both are honest)."""
    with_lines = linked(seed_path)[0].graph
    r = ingest_file(seed_path, link=False)
    link_document(r.graph, r.graph_iri)
    measure2 = URIRef(f"{DOC}/measure/2")
    for g, expected in ((with_lines, (76, 76)), (r.graph, (75, 76))):
        (ev,) = evidence_of(g, measure2, MANDATE["science-day"])
        assert (int(g.value(ev, PERFKG.firstLine)), int(g.value(ev, PERFKG.lastLine))) == expected


def test_organisation_purpose(seed):
    g = seed[0].graph
    org = g.value(DOC, PERFKG.issuedBy)
    assert set(g.objects(org, ORG.purpose)) == {MANDATE[k] for k in (
        "serve-st-workers", "serve-innovation", "serve-science-literacy", "serve-decision-making")}


def test_linked_graph_carries_the_scheme_it_was_linked_against(seed):
    g = seed[0].graph
    assert (MANDATE["popular-science"], SKOS.broader, MANDATE["serve-science-literacy"]) in g
    assert (MANDATE["official-literacy"], RDF.type, SKOS.Concept) in g  # unused concepts too (coverage gaps)
    assert Literal("科学技术普及", lang="zh") in set(g.objects(MANDATE["popular-science"], SKOS.prefLabel))


def test_linking_is_deterministic_and_idempotent(seed_path):
    first = serialise_graph(linked(seed_path)[0].graph, "nt")
    r, _ = linked(seed_path)
    assert serialise_graph(r.graph, "nt") == first
    link_document(r.graph, r.graph_iri, lines=r.document.lines)  # again, on the linked graph
    assert serialise_graph(r.graph, "nt") == first


def test_ingest_links_by_default(seed_path):
    assert (None, PERFKG.servesMandate, None) in ingest_file(seed_path).graph
    assert (None, PERFKG.servesMandate, None) not in ingest_file(seed_path, link=False).graph


def test_two_documents_in_one_graph_are_linked_separately():
    a, b = (ingest_file(DATA / n, link=False) for n in ("yunling-kexie-2023.txt", "beihu-minzheng-2024.txt"))
    g = Graph()
    g += a.graph
    g += b.graph
    link_document(g, a.graph_iri)
    report = link_document(g, b.graph_iri)  # must not remove the first document's links
    assert not report.evidence
    alone = ingest_file(DATA / "yunling-kexie-2023.txt").graph
    assert set(g.triples((None, PERFKG.servesMandate, None))) == set(alone.triples((None, PERFKG.servesMandate, None)))


# ------------------------------------------------------------------------------------------------ CLI
def test_cli_link_sources_and_rdf(seed_path, tmp_path, capsys):
    from perfkg.cli import main

    assert main(["ingest", str(seed_path), "--no-link", "-o", str(tmp_path / "raw")]) == 0
    [raw] = (tmp_path / "raw").glob("*.ttl")  # ingest names its output after the document's identity
    assert (None, PERFKG.servesMandate, None) not in Graph().parse(raw)
    assert main(["link", str(seed_path), "-o", str(tmp_path / "linked")]) == 0
    out = capsys.readouterr().out
    assert "mandate links" in out and "条职责关联" in out
    from_source = Graph().parse(tmp_path / "linked" / "130300-731001-2022.linked.ttl")  # named by identity
    assert (P1, PERFKG.servesMandate, MANDATE["popular-science"]) in from_source
    assert main(["link", str(raw), "-o", str(tmp_path / "raw")]) == 0  # never overwrites its input
    assert (tmp_path / "raw" / f"{raw.stem}.linked.ttl").is_file()
    assert (None, PERFKG.servesMandate, None) not in Graph().parse(raw)


def test_cli_link_bad_input(tmp_path, capsys):
    from perfkg.cli import main

    empty = tmp_path / "empty.ttl"
    empty.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    assert main(["link", str(empty), str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "没有绩效文本" in err and "no document" in err and "file not found" in err
