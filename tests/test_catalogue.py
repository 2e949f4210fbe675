"""The query catalogue: its files, its answers on the real data (HTTP and CLI), and its errors.

Expected answers are computed independently from the Turtle sources with rdflib and plain Python
(no SPARQL), file by file: a statement belongs to the instrument whose file states it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from typer.testing import CliRunner

from api.catalogue import (
    MAX_VALUE_LENGTH,
    Catalogue,
    CatalogueError,
    ParameterError,
    catalogue_markdown,
    load_catalogue,
    parameter_variables,
    parse_query,
    project_prefixes,
)
from api.cli import app
from api.settings import DEFAULT_ROOT, Settings

OCSEA = Namespace("https://w3id.org/ocsea/ontology#")
ID = "https://w3id.org/ocsea/id/"
ACTOR = Namespace(ID + "actor/")
THEME = Namespace(ID + "theme/")
TOPIC = Namespace(ID + "topic/")
Q = Namespace(ID + "qualifier/")
CTYPE = Namespace(ID + "correspondence-type/")
WORK = Namespace(ID + "work/")
GSR = ID + "wpga-gsr"
SLUGS = (
    "osce-mc-dec-9-07",
    "interpol-ga-2021-89-res-09",
    "unga-res-74-174",
    "joint-call-2024",
    "wpga-gsr",
)
CAPABILITY = re.compile(re.escape(str(THEME)) + r"cap-\d+")

runner = CliRunner()


# -- the sources, read independently of the store --------------------------------------------


@dataclass
class Sources:
    """The Turtle sources: one graph per instrument file, and everything merged."""

    instruments: dict[str, Graph]
    merged: Graph
    instrument_of: dict[URIRef, str] = field(default_factory=dict)  # statement → slug

    def statements(self, slug: str | None = None) -> Iterator[tuple[str, URIRef]]:
        for name, graph in self.instruments.items():
            if slug is None or name == slug:
                for statement in set(graph.subjects(OCSEA.expressedIn, None)):
                    assert isinstance(statement, URIRef)
                    yield name, statement

    def strength(self, statement: URIRef) -> int:
        force = self.merged.value(statement, OCSEA.deonticForce)
        value = self.merged.value(force, OCSEA.strength)
        assert isinstance(value, Literal)
        return int(value)

    def label(self, node: URIRef, predicate: URIRef = RDFS.label) -> str:
        return next(str(v) for v in self.merged.objects(node, predicate) if v.language == "en")

    def dates(self) -> dict[str, str]:
        out = {}
        for slug in SLUGS:
            date = self.merged.value(URIRef(ID + slug), OCSEA.adoptionDate)
            if date is not None:
                out[slug] = str(date)
        return out

    def narrower_or_self(self, concept: URIRef) -> set[URIRef]:
        found = {concept}
        while True:
            more = {s for s in self.merged.subjects(SKOS.broader, None) if isinstance(s, URIRef)}
            more = {s for s in more if self.merged.value(s, SKOS.broader) in found} - found
            if not more:
                return found
            found |= more

    def subclasses_or_self(self, cls: URIRef) -> set[URIRef]:
        found = {cls}
        while True:
            more = {
                s
                for s, o in self.merged.subject_objects(RDFS.subClassOf)
                if o in found and isinstance(s, URIRef)
            } - found
            if not more:
                return found
            found |= more


@pytest.fixture(scope="module")
def sources() -> Sources:
    instruments = {}
    merged = Graph()
    for slug in SLUGS:
        graph = Graph().parse(DEFAULT_ROOT / "data" / "instruments" / f"{slug}.ttl")
        instruments[slug] = graph
        merged += graph
    for path in [
        *sorted((DEFAULT_ROOT / "data" / "vocabularies").glob("*.ttl")),
        DEFAULT_ROOT / "data" / "correspondences.ttl",
        DEFAULT_ROOT / "ontology" / "ocsea.ttl",
    ]:
        merged.parse(path)
    result = Sources(instruments, merged)
    for slug, statement in result.statements():
        result.instrument_of[statement] = slug
    return result


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(Settings.from_env({"OCSEA_ROOT": str(DEFAULT_ROOT)}))


def rows(client: TestClient, name: str, **params: str) -> list[dict[str, str]]:
    """Run query ``name`` over HTTP; its solutions as dicts of lexical values."""
    response = client.get(f"/queries/{name}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    document = response.json()
    return [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]


def error(client: TestClient, name: str, status: int, **params: str) -> str:
    response = client.get(f"/queries/{name}", params=params)
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    return response.text


# -- the catalogue files ---------------------------------------------------------------------


def test_catalogue_has_at_least_15_queries_one_per_file(catalogue: Catalogue) -> None:
    files = sorted(p.stem for p in (DEFAULT_ROOT / "queries").glob("*.rq"))
    assert catalogue.names() == files
    assert len(files) >= 15


def test_every_query_has_a_complete_header(catalogue: Catalogue) -> None:
    for query in catalogue:
        assert query.text.startswith("#+ summary: "), query.name
        for key in ("#+ description:", "#+ tags:", "#+ params:"):
            assert key in query.text, (query.name, key)
        assert len(query.summary) > 10 and len(query.description) > 40, query.name
        assert query.tags, query.name
        for param in query.params:
            assert param.description and param.example is not None, (query.name, param.name)


def test_declared_parameters_are_exactly_the_query_variables(catalogue: Catalogue) -> None:
    # rdflib's parser, independent of the pyoxigraph check made when a file is loaded
    for query in catalogue:
        assert parameter_variables(query.text) == {p.name for p in query.params}, query.name


def test_parameters_are_used_outside_subqueries(catalogue: Catalogue) -> None:
    # a remote store binds parameters with a VALUES block at the top of the WHERE group, and
    # pyoxigraph only binds projected variables: a subquery would not see them
    for query in catalogue:
        body = query.text[query.text.index("SELECT") :]
        for match in re.finditer(r"\{\s*SELECT\b", body):
            depth, end = 0, match.start()
            for end in range(match.start(), len(body)):
                depth += {"{": 1, "}": -1}.get(body[end], 0)
                if depth == 0:
                    break
            assert "?_" not in body[match.start() : end], query.name


def test_docs_page_is_generated_from_the_catalogue(catalogue: Catalogue) -> None:
    page = (DEFAULT_ROOT / "docs" / "query-catalogue.md").read_text(encoding="utf-8")
    assert page == catalogue_markdown(catalogue), "run: ocsea queries -f markdown > docs/…"
    for query in catalogue:
        assert f"## {query.name}" in page


def test_prefixes_come_from_the_turtle_and_the_api() -> None:
    prefixes = project_prefixes(Settings.from_env({"OCSEA_ROOT": str(DEFAULT_ROOT)}))
    assert prefixes["actor"] == str(ACTOR)
    assert prefixes["theme"] == str(THEME) and prefixes["topic"] == str(TOPIC)
    assert prefixes["q"] == str(Q) and prefixes["ctype"] == str(CTYPE)
    assert prefixes["unga"] == ID + "unga-res-74-174/"
    assert prefixes["ocsea"] == str(OCSEA)
    # one prefix, one namespace across the project's Turtle (a clash would drop the prefix)
    assert prefixes["corr"] == ID + "correspondence/"


def test_no_prefix_names_two_namespaces_in_the_projects_turtle() -> None:
    bindings: dict[str, set[str]] = defaultdict(set)
    for folder in ("ontology", "data", "shapes", "tests/fixtures"):
        for path in (DEFAULT_ROOT / folder).rglob("*.ttl"):
            text = path.read_text(encoding="utf-8")
            for prefix, namespace in re.findall(r"@prefix\s+([\w-]*):\s*<([^>]*)>", text):
                bindings[prefix].add(namespace)
    assert len(bindings) > 20
    clashes = {prefix: names for prefix, names in bindings.items() if len(names) > 1}
    assert clashes == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "no '#+' header"),
        ("#+ summary: x\n#+ tags: [a]\n#+ params: []\nSELECT * {}", "lacks description"),
        ("#+ summary: [unclosed\nSELECT * {}", "not valid YAML"),
        (
            "#+ summary: s\n#+ description: d\n#+ tags: [a]\n#+ params:\n"
            "#+   - {name: x, type: float, required: true, description: d, example: 1}\n"
            "SELECT ?_x {}",
            "type must be one of",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ tags: [a]\n#+ params:\n"
            "#+   - {name: x, type: string, required: true, description: d, example: x}\n"
            "SELECT ?s WHERE { ?s ?p ?_x }",
            "SELECT projection",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ tags: [a]\n#+ params:\n"
            "#+   - {name: format, type: string, required: true, description: d, example: x}\n"
            "SELECT ?_format {}",
            "parameter name 'format'",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ tags: [a]\n#+ params: []\nSELECT ?s WHERE {",
            "syntax error",
        ),
        (
            "#+ summary: s\n#+ description: d\n#+ tags: [a]\n#+ params: []\nASK { ?s ?p ?o }",
            "SELECT queries",
        ),
    ],
)
def test_malformed_files_are_refused_with_their_name(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=re.escape(message)) as raised:
        parse_query(path, {"ex": "urn:ex:"})
    assert str(path) in str(raised.value)


# -- listing and text ------------------------------------------------------------------------


def test_listing_describes_every_query_with_working_urls(
    real_client: TestClient, catalogue: Catalogue
) -> None:
    listing = real_client.get("/queries").json()
    assert listing["count"] == len(catalogue)
    by_name = {q["name"]: q for q in listing["queries"]}
    assert sorted(by_name) == catalogue.names()
    actor = by_name["addressed-to-actor"]
    assert actor["title"] == catalogue.get("addressed-to-actor").title
    assert actor["params"][0] == {
        "name": "actor",
        "type": "iri",
        "required": True,
        "description": actor["params"][0]["description"],
        "example": "ocsea:ServiceProvider",
        "namespace": str(ACTOR),
    }
    assert actor["params"][1]["enum"][:2] == ["addressee", "indirect-target"]
    for query in listing["queries"]:
        assert query["form"] == "SELECT"
        run = real_client.get(query["example_url"])
        assert run.status_code == 200, (query["name"], run.text)
        text = real_client.get(query["text_url"])
        assert text.text == catalogue.get(query["name"]).text


def test_query_text_is_served_as_sparql_or_plain_text(real_client: TestClient) -> None:
    response = real_client.get("/queries/overview.rq")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-query")
    assert response.text == (DEFAULT_ROOT / "queries" / "overview.rq").read_text(encoding="utf-8")
    plain = real_client.get("/queries/overview.rq", headers={"Accept": "text/plain"})
    assert plain.headers["content-type"].startswith("text/plain")


# -- every query answers, over HTTP ----------------------------------------------------------


def test_every_query_answers_without_and_with_all_its_examples(
    real_client: TestClient, catalogue: Catalogue
) -> None:
    for query in catalogue:
        required = query.example_arguments()
        assert rows(real_client, query.name, **required), query.name
        every = {p.name: p.example for p in query.params if p.example is not None}
        answer = rows(real_client, query.name, **every)
        assert answer, (query.name, every)
        for param in query.params:  # the parameters given come back as _name columns
            assert all(f"_{param.name}" in row for row in answer), (query.name, param.name)


def test_formats_are_negotiated(real_client: TestClient) -> None:
    params = {"min_instruments": "1"}
    as_json = rows(real_client, "works-cited-by-several-instruments", **params)
    as_csv = real_client.get(
        "/queries/works-cited-by-several-instruments", params={**params, "format": "csv"}
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    records = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["work"] for r in records] == [r["work"] for r in as_json]
    as_tsv = real_client.get(
        "/queries/works-cited-by-several-instruments",
        params=params,
        headers={"Accept": "text/tab-separated-values"},
    )
    assert as_tsv.headers["content-type"].startswith("text/tab-separated-values")
    assert as_tsv.text.count("\n") == len(as_json) + 1
    as_xml = real_client.get(
        "/queries/overview", headers={"Accept": "application/sparql-results+xml"}
    )
    assert as_xml.headers["content-type"].startswith("application/sparql-results+xml")
    assert as_xml.text.count("<result>") == len(SLUGS)
    assert "Accept" in as_xml.headers["vary"]
    assert 'rel="describedby"' in as_xml.headers["link"]
    error(real_client, "overview", 406, format="turtle")
    error(real_client, "overview", 400, format="nonsense")


# -- real answers, checked against the Turtle ------------------------------------------------


def test_overview_counts_match_the_instrument_files(
    real_client: TestClient, sources: Sources
) -> None:
    answer = {r["instrument"].removeprefix(ID): r for r in rows(real_client, "overview")}
    assert list(answer) == [
        "osce-mc-dec-9-07",
        "unga-res-74-174",
        "interpol-ga-2021-89-res-09",
        "joint-call-2024",
        "wpga-gsr",  # undated: last
    ]
    for slug, graph in sources.instruments.items():
        row = answer[slug]
        assert int(row["provisions"]) == len(set(graph.subjects(OCSEA.partOf, None)))
        assert int(row["statements"]) == len(set(graph.subjects(OCSEA.expressedIn, None)))
        assert int(row["editorialNotes"]) == len(set(graph.subjects(OCSEA.about, None)))
        addressees = set(graph.objects(None, OCSEA.addressee))
        assert int(row["addressees"]) == len(addressees)
    assert answer["unga-res-74-174"]["symbol"] == "A/RES/74/174"
    assert "undatedReason" in answer["wpga-gsr"] and "adoptionDate" not in answer["wpga-gsr"]


def test_who_must_do_what_lists_each_statement_with_its_addressees(
    real_client: TestClient, sources: Sources
) -> None:
    everything = rows(real_client, "who-must-do-what")
    assert {r["statement"] for r in everything} == {str(s) for _, s in sources.statements()}
    unga = rows(real_client, "who-must-do-what", instrument="unga-res-74-174")
    expected = {str(s) for _, s in sources.statements("unga-res-74-174")}
    assert {r["statement"] for r in unga} == expected and len(unga) == len(expected)
    for row in unga:
        statement = URIRef(row["statement"])
        names = {sources.label(a) for a in sources.merged.objects(statement, OCSEA.addressee)}
        assert set(row.get("addressees", "").split(" | ")) - {""} == names
        assert int(row["strength"]) == sources.strength(statement)
    # the same instrument as a full IRI and as a CURIE
    assert rows(real_client, "who-must-do-what", instrument=ID + "unga-res-74-174") == unga
    assert rows(real_client, "who-must-do-what", instrument="id:unga-res-74-174") == unga


def test_service_providers_are_indirect_targets_of_the_general_assembly(
    real_client: TestClient, sources: Sources
) -> None:
    providers = set()
    for cls in sources.subclasses_or_self(OCSEA.ServiceProvider):
        providers |= set(sources.merged.subjects(RDF.type, cls))
    roles = {
        OCSEA.addressee: "addressee",
        OCSEA.indirectTarget: "indirect-target",
        OCSEA.partner: "partner",
        OCSEA.beneficiary: "beneficiary",
    }
    expected = set()
    for _, statement in sources.statements():
        for prop, role in roles.items():
            for actor in sources.merged.objects(statement, prop):
                if actor in providers:
                    expected.add((str(statement), str(actor), role))
    answer = rows(real_client, "addressed-to-actor", actor="ocsea:ServiceProvider")
    assert {(r["statement"], r["actor"], r["role"]) for r in answer} == expected
    unga = {(r["actor"], r["role"]) for r in answer if "/unga-res-74-174/" in r["statement"]}
    assert (str(ACTOR["internet-service-providers"]), "indirect-target") in unga
    assert all(role == "indirect-target" for _, role in unga)
    joint_addressed = [
        r for r in answer if "/joint-call-2024/" in r["statement"] and r["role"] == "addressee"
    ]
    assert joint_addressed  # the joint call does address the technology industry
    one = rows(
        real_client, "addressed-to-actor", actor="internet-service-providers", role="addressee"
    )
    assert one == []


def test_addressed_to_actor_reports_the_bare_concerned_role(
    real_client: TestClient, sources: Sources
) -> None:
    answer = rows(
        real_client, "addressed-to-actor", actor="actor:law-enforcement", role="concerned"
    )
    specific = (OCSEA.addressee, OCSEA.indirectTarget, OCSEA.partner, OCSEA.beneficiary)
    expected = {
        str(s)
        for _, s in sources.statements()
        if (s, OCSEA.concerns, ACTOR["law-enforcement"]) in sources.merged
        and not any((s, p, ACTOR["law-enforcement"]) in sources.merged for p in specific)
    }
    assert expected and {r["statement"] for r in answer} == expected


def _strongest(sources: Sources) -> dict[tuple[str, str], int]:
    """(capability, instrument slug) → strongest strength, for the dated instruments."""
    dates = sources.dates()
    out: dict[tuple[str, str], int] = {}
    for slug, statement in sources.statements():
        if slug not in dates:
            continue
        for theme in sources.merged.objects(statement, OCSEA.theme):
            if CAPABILITY.fullmatch(str(theme)):
                key = (str(theme), slug)
                out[key] = max(out.get(key, 0), sources.strength(statement))
    return out


def test_force_trend_compares_each_instrument_with_the_previous_one(
    real_client: TestClient, sources: Sources
) -> None:
    dates = sources.dates()
    strongest = _strongest(sources)
    expected = set()
    for capability in {c for c, _ in strongest}:
        ordered = sorted((dates[s], s) for c, s in strongest if c == capability)
        previous: int | None = None
        for _, slug in ordered:
            now = strongest[(capability, slug)]
            if previous is None:
                trend = "first"
            else:
                trend = ["unchanged", "strengthened", "weakened"][
                    (now > previous) - (now < previous)
                ]
            expected.add((capability, ID + slug, now, trend))
            previous = now
    answer = rows(real_client, "force-trend-by-capability")
    got = {(r["capability"], r["instrument"], int(r["strength"]), r["trend"]) for r in answer}
    assert got == expected
    assert any(t == "weakened" for *_, t in got) and any(t == "strengthened" for *_, t in got)
    # ordered by capability number, then date
    keys = [(int(r["notation"]), r["adoptionDate"]) for r in answer]
    assert keys == sorted(keys)
    weakened = rows(real_client, "force-trend-by-capability", capability="cap-2", trend="weakened")
    assert {(r["instrument"], r["trend"]) for r in weakened} == {
        (ID + s, "weakened")
        for c, i, _, t in expected
        if c == str(THEME["cap-2"]) and t == "weakened"
        for s in [i.removeprefix(ID)]
    }


def test_capability_gaps_are_the_capabilities_only_the_strategic_response_covers(
    real_client: TestClient, sources: Sources
) -> None:
    capabilities = {
        str(c)
        for c in sources.merged.subjects(SKOS.inScheme, THEME.gsr)
        if CAPABILITY.fullmatch(str(c))
    }
    assert len(capabilities) == 26
    covered: dict[str, set[str]] = defaultdict(set)
    for slug, statement in sources.statements():
        for theme in sources.merged.objects(statement, OCSEA.theme):
            covered[slug].add(str(theme))
    others = set().union(*(covered[s] for s in SLUGS if s != "wpga-gsr"))
    answer = rows(real_client, "capability-gaps")
    assert {r["capability"] for r in answer} == capabilities - others
    assert answer  # the data has such gaps
    interpol = rows(real_client, "capability-gaps", instrument="interpol-ga-2021-89-res-09")
    expected = capabilities - covered["interpol-ga-2021-89-res-09"]
    assert {r["capability"] for r in interpol} == expected


def test_domestic_law_qualified_statements(real_client: TestClient, sources: Sources) -> None:
    domestic = sources.narrower_or_self(Q["domestic-law"])
    assert Q["data-protection-law"] in domestic
    expected = {
        str(s)
        for _, s in sources.statements()
        if set(sources.merged.objects(s, OCSEA.qualifier)) & domestic
    }
    answer = rows(real_client, "domestic-law-qualified")
    assert {r["statement"] for r in answer} == expected and len(answer) == len(expected)
    interpol = ID + "interpol-ga-2021-89-res-09/para_2_st_1"
    row = next(r for r in answer if r["statement"] == interpol)
    assert "de conformidad con sus marcos jurídicos nacionales" in row["qualifierTexts"]
    by_qualifier = rows(real_client, "statements-by-qualifier", qualifier="q:domestic-law")
    assert {r["statement"] for r in by_qualifier} == expected


def test_statements_by_qualifier_lists_every_qualified_pair(
    real_client: TestClient, sources: Sources
) -> None:
    expected = {
        (str(s), str(q))
        for _, s in sources.statements()
        for q in sources.merged.objects(s, OCSEA.qualifier)
    }
    answer = rows(real_client, "statements-by-qualifier")
    assert {(r["statement"], r["qualifier"]) for r in answer} == expected
    assert len(answer) == len(expected)


def test_citation_network_and_works_cited_by_several(
    real_client: TestClient, sources: Sources
) -> None:
    expected = set()
    citing_instruments: dict[str, set[str]] = defaultdict(set)
    for slug, graph in sources.instruments.items():
        instrument = URIRef(ID + slug)
        by_provisions = set()
        for citing, work in graph.subject_objects(OCSEA.cites):
            citing_instruments[str(work)].add(slug)
            if citing != instrument:
                expected.add((str(citing), str(work)))
                by_provisions.add(work)
        for work in set(graph.objects(instrument, OCSEA.cites)) - by_provisions:
            expected.add((str(instrument), str(work)))
    answer = rows(real_client, "citation-network")
    assert {(r["citing"], r["work"]) for r in answer} == expected
    recalls = next(
        r
        for r in answer
        if r["citing"] == ID + "interpol-ga-2021-89-res-09/pp_2"
        and r["work"] == str(WORK["interpol-ag-2005-res-09"])
    )
    assert recalls["relations"] == "obtainsBackgroundFrom"  # "RECORDANDO"
    crc = rows(real_client, "citation-network", work="work:crc")
    assert {r["instrument"].removeprefix(ID) for r in crc} == citing_instruments[str(WORK.crc)]
    several = rows(real_client, "works-cited-by-several-instruments")  # default: 2
    assert {r["work"]: int(r["instruments"]) for r in several} == {
        w: len(s) for w, s in citing_instruments.items() if len(s) >= 2
    }
    everything = rows(real_client, "works-cited-by-several-instruments", min_instruments="1")
    assert {r["work"] for r in everything} == set(citing_instruments)


def test_correspondences_by_type(real_client: TestClient, sources: Sources) -> None:
    nodes = set(sources.merged.subjects(RDF.type, OCSEA.Correspondence))
    answer = rows(real_client, "correspondences")
    assert {r["correspondence"] for r in answer} == {str(n) for n in nodes}
    for row in answer:
        node = URIRef(row["correspondence"])
        assert row["type"] == str(sources.merged.value(node, OCSEA.correspondenceType))
        assert row["fromProvision"] == str(sources.merged.value(node, OCSEA.fromProvision))
    weakens = rows(real_client, "correspondences", type="weakens")
    assert {r["correspondence"] for r in weakens} == {
        str(n) for n in nodes if sources.merged.value(n, OCSEA.correspondenceType) == CTYPE.weakens
    }
    hotlines = rows(
        real_client, "correspondences", type="ctype:weakens", capability="topic:reporting-hotlines"
    )
    assert {r["correspondence"] for r in hotlines} == {ID + "correspondence/hotlines-osce-unga"}
    assert int(hotlines[0]["fromStrength"]) > int(hotlines[0]["toStrength"])


def test_strongest_ask_per_actor(real_client: TestClient, sources: Sources) -> None:
    expected: dict[tuple[str, str], int] = {}
    for slug, statement in sources.statements():
        for actor in sources.merged.objects(statement, OCSEA.addressee):
            key = (str(actor), ID + slug)
            expected[key] = max(expected.get(key, -1), sources.strength(statement))
    answer = rows(real_client, "strongest-ask-per-actor")
    assert {(r["actor"], r["instrument"]): int(r["strength"]) for r in answer} == expected
    for row in answer:
        overall = max(v for (a, _), v in expected.items() if a == row["actor"])
        assert int(row["strongestOverall"]) == overall
    strong_states = rows(
        real_client, "strongest-ask-per-actor", actor="ocsea:GroupOfStates", min_strength="4"
    )
    states = set(sources.merged.subjects(RDF.type, OCSEA.GroupOfStates))
    assert {(r["actor"], r["instrument"]) for r in strong_states} == {
        k for k, v in expected.items() if URIRef(k[0]) in states and v >= 4
    }


def test_coverage_matrix_has_every_cell(real_client: TestClient, sources: Sources) -> None:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for slug, statement in sources.statements():
        for theme in set(sources.merged.objects(statement, OCSEA.theme)):
            counts[(str(theme), ID + slug)] += 1
    answer = rows(real_client, "coverage-matrix")
    assert len(answer) == 26 * len(SLUGS)
    for row in answer:
        assert int(row["statements"]) == counts[(row["capability"], row["instrument"])]
        assert ("strongest" in row) == (int(row["statements"]) > 0)
    technology = rows(real_client, "coverage-matrix", theme="technology")
    caps = {str(c) for c in sources.merged.subjects(SKOS.broader, THEME.technology)}
    assert {r["capability"] for r in technology} == caps and len(technology) == 5 * len(caps)


def test_editorial_notes_show_the_recorded_uncertainty(
    real_client: TestClient, sources: Sources
) -> None:
    kinds = {
        OCSEA.Erratum: "erratum",
        OCSEA.Ambiguity: "ambiguity",
        OCSEA.ExtractionArtefact: "extraction-artefact",
        OCSEA.MetadataNote: "metadata-note",
    }
    expected = {
        (str(note), kind)
        for cls, kind in kinds.items()
        for note in sources.merged.subjects(RDF.type, cls)
    }
    answer = rows(real_client, "editorial-notes")
    assert {(r["note"], r["kind"]) for r in answer} == expected
    errata = {r["note"]: r for r in rows(real_client, "editorial-notes", kind="erratum")}
    assert set(errata) == {n for n, k in expected if k == "erratum"}
    # the three problems data/sources/METADATA.md lists are recorded as errata
    general_comment = errata[ID + "interpol-ga-2021-89-res-09/note_1"]
    assert general_comment["erroneousText"] == "Observación general nº 25 (2001)"
    assert general_comment["correctedReading"] == "2021"
    assert ID + "unga-res-74-174/note_1" in errata  # footnote 9 on UNTOC
    assert ID + "wpga-gsr/note_1" in errata  # fourth row labelled 'Socios'
    gsr_meta = rows(real_client, "editorial-notes", kind="metadata-note", instrument="wpga-gsr")
    assert {r["note"] for r in gsr_meta} == {
        str(n) for n in sources.instruments["wpga-gsr"].subjects(RDF.type, OCSEA.MetadataNote)
    }
    assert all("certainty" in r for r in gsr_meta)


def test_operative_verbs_with_their_forces(real_client: TestClient, sources: Sources) -> None:
    expected: dict[tuple[str, str, str], int] = defaultdict(int)
    for slug, statement in sources.statements():
        for verb in sources.merged.objects(statement, OCSEA.verbatimVerb):
            force = sources.merged.value(statement, OCSEA.deonticForce)
            expected[(ID + slug, str(verb), str(force))] += 1
    answer = rows(real_client, "operative-verbs")
    got = {(r["instrument"], r["verbatimVerb"], r["force"]): int(r["statements"]) for r in answer}
    assert got == dict(expected)
    osce = rows(real_client, "operative-verbs", instrument="osce-mc-dec-9-07")
    # every OSCE verb depends on 'decide:' but op. 9's finite 'encomienda', the Council's own
    assert {
        (r["verbatimVerb"], r.get("chapeauVerb")) for r in osce if r.get("chapeauVerb") is None
    } == {("encomienda", None)}
    assert {r.get("chapeauVerb") for r in osce} == {"decide", None}


def test_search_provisions_is_case_insensitive_and_exact(
    real_client: TestClient, sources: Sources
) -> None:
    def expected(words: str) -> set[str]:
        return {
            str(p)
            for p, text in sources.merged.subject_objects(OCSEA.text)
            if words.lower() in str(text).lower()
        }

    answer = rows(real_client, "search-provisions", text="cifrado")
    assert {r["provision"] for r in answer} == expected("cifrado") != set()
    upper = rows(real_client, "search-provisions", text="CIFRADO")
    assert [r["provision"] for r in upper] == [r["provision"] for r in answer]
    interpol = rows(
        real_client, "search-provisions", text="cifrado", instrument="interpol-ga-2021-89-res-09"
    )
    assert {r["provision"] for r in interpol} == {
        p for p in expected("cifrado") if "/interpol-ga-2021-89-res-09/" in p
    }
    # a value with a double quote, as the joint call prints it, is a literal, nothing more
    quoted = rows(real_client, "search-provisions", text='"seguridad por diseño"')
    assert {r["provision"] for r in quoted} == expected('"seguridad por diseño"') != set()
    assert quoted[0]["_text"] == '"seguridad por diseño"'


def test_statements_by_theme_include_narrower_concepts(
    real_client: TestClient, sources: Sources
) -> None:
    def expected(concept: URIRef) -> set[str]:
        concepts = sources.narrower_or_self(concept)
        return {
            str(s)
            for _, s in sources.statements()
            if set(sources.merged.objects(s, OCSEA.theme)) & concepts
        }

    encryption = rows(real_client, "statements-by-theme", theme="topic:encryption")
    assert {r["statement"] for r in encryption} == expected(TOPIC.encryption) != set()
    technology = rows(real_client, "statements-by-theme", theme="technology")
    assert {r["statement"] for r in technology} == expected(THEME.technology)
    assert len(expected(THEME.technology)) > len(expected(THEME["cap-13"]))


def test_beneficiaries_and_actors(real_client: TestClient, sources: Sources) -> None:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    addressee_of: dict[str, int] = defaultdict(int)
    for slug, statement in sources.statements():
        for actor in sources.merged.objects(statement, OCSEA.beneficiary):
            counts[(str(actor), ID + slug)] += 1
        for actor in sources.merged.objects(statement, OCSEA.addressee):
            addressee_of[str(actor)] += 1
    answer = rows(real_client, "beneficiaries")
    assert {(r["beneficiary"], r["instrument"]): int(r["statements"]) for r in answer} == counts
    actors = {r["actor"]: r for r in rows(real_client, "actors")}
    vocabulary = Graph().parse(DEFAULT_ROOT / "data" / "vocabularies" / "actors.ttl")
    assert set(actors) == {str(a) for a in vocabulary.subjects(RDFS.label, None)}
    for actor, row in actors.items():
        assert int(row["addresseeOf"]) == addressee_of.get(actor, 0), actor
    assert actors[str(ACTOR["e2ee-providers"])]["kind"] == "EncryptionServiceProvider"


# -- errors and hostile values ---------------------------------------------------------------


def test_unknown_query_is_404_listing_the_known_ones(
    real_client: TestClient, catalogue: Catalogue
) -> None:
    for path in ("/queries/no-such-query", "/queries/no-such-query.rq", "/queries/Overview"):
        response = real_client.get(path)
        assert response.status_code == 404, path
        assert all(name in response.text for name in catalogue.names())
    assert real_client.get("/queries/..%2F..%2Fpyproject.toml.rq").status_code == 404


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("overview", {"instrument": "x"}, "has no parameter 'instrument'"),
        ("addressed-to-actor", {}, "needs the parameter 'actor'"),
        ("addressed-to-actor", {"actor": ""}, "needs the parameter 'actor'"),
        ("search-provisions", {}, "needs the parameter 'text'"),
        ("addressed-to-actor", {"actor": "acter:x"}, "unknown prefix 'acter'"),
        ("addressed-to-actor", {"actor": "ftp://x/y"}, "is not an IRI"),
        ("addressed-to-actor", {"actor": "actor:x> } UNION { ?s ?p ?o"}, "not a valid IRI"),
        ("addressed-to-actor", {"actor": "https://x/a b"}, "not a valid IRI"),
        ("addressed-to-actor", {"actor": "actor:x", "role": "boss"}, "not one of the allowed"),
        ("works-cited-by-several-instruments", {"min_instruments": "two"}, "not an integer"),
        ("works-cited-by-several-instruments", {"min_instruments": "1e3"}, "not an integer"),
        ("works-cited-by-several-instruments", {"min_instruments": "2.0"}, "not an integer"),
        ("works-cited-by-several-instruments", {"min_instruments": "0"}, "less than the minimum"),
        ("strongest-ask-per-actor", {"min_strength": "7"}, "more than the maximum"),
        ("search-provisions", {"text": "x" * (MAX_VALUE_LENGTH + 1)}, "characters long"),
    ],
)
def test_bad_parameters_are_400_with_a_clear_message(
    real_client: TestClient, name: str, params: dict[str, str], message: str
) -> None:
    assert message in error(real_client, name, 400, **params)


def test_a_parameter_given_twice_is_400(real_client: TestClient) -> None:
    response = real_client.get("/queries/search-provisions?text=a&text=b")
    assert response.status_code == 400
    assert "given 2 times" in response.text


@pytest.mark.parametrize(
    "value",
    [
        '"',
        "'",
        '""" } } #',
        "> <https://x/> ",
        "} UNION { ?provision ?p ?text } #",
        '") || true || ("',
        "line\nbreak\r\n# comment",
        "\\u0022 \\\\ \\",
        "x" * MAX_VALUE_LENGTH,
    ],
)
def test_hostile_text_is_bound_as_a_literal(
    real_client: TestClient, sources: Sources, value: str
) -> None:
    # exactly the provisions that contain the value: it did not become query syntax
    answer = rows(real_client, "search-provisions", text=value)
    assert {r["provision"] for r in answer} == {
        str(p)
        for p, text in sources.merged.subject_objects(OCSEA.text)
        if value.lower() in str(text).lower()
    }
    assert all(r["_text"] == value.replace("\r\n", "\n") or r["_text"] == value for r in answer)


def test_hostile_values_do_not_widen_an_answer(real_client: TestClient) -> None:
    unga = rows(real_client, "who-must-do-what", instrument="unga-res-74-174")
    for value in ("unga-res-74-174> || true", "unga-res-74-174#", "unga-res-74-174}"):
        response = real_client.get("/queries/who-must-do-what", params={"instrument": value})
        if response.status_code == 200:
            assert rows(real_client, "who-must-do-what", instrument=value) == []
        else:
            assert response.status_code == 400
    assert unga  # and the proper value still answers


def test_bind_types_values(catalogue: Catalogue) -> None:
    query = catalogue.get("strongest-ask-per-actor")
    bindings = query.bind(
        {"actor": "<https://w3id.org/ocsea/id/actor/unodc>", "min_strength": " 3 "}
    )
    assert bindings == {
        "_actor": URIRef(ACTOR.unodc),
        "_min_strength": Literal(3),
    }
    assert catalogue.get("works-cited-by-several-instruments").bind({}) == {
        "_min_instruments": Literal(2)
    }
    with pytest.raises(ParameterError):
        query.bind({"actor": ["a", "b"]})


# -- the command line ------------------------------------------------------------------------


def ocsea(built_store: Path, *args: str, columns: int = 200) -> tuple[int, str, str]:
    env = {"OCSEA_STORE": str(built_store), "COLUMNS": str(columns)}
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_cli_lists_the_catalogue(built_store: Path, catalogue: Catalogue) -> None:
    code, out, _ = ocsea(built_store, "queries")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == catalogue.names()
    assert all(catalogue.get(line.split()[0]).title in line for line in lines)
    code, out, _ = ocsea(built_store, "queries", "--format", "json")
    assert [q["name"] for q in json.loads(out)] == catalogue.names()


def test_cli_runs_every_query(built_store: Path, catalogue: Catalogue) -> None:
    for query in catalogue:
        args = [f"{k}={v}" for k, v in query.example_arguments().items()]
        params = [item for arg in args for item in ("--param", arg)]
        code, out, err = ocsea(built_store, "query", query.name, *params, "--format", "json")
        assert code == 0, (query.name, err)
        assert json.loads(out)["results"]["bindings"], query.name


def test_cli_answers_match_the_sources(built_store: Path, sources: Sources) -> None:
    code, out, _ = ocsea(
        built_store,
        "query",
        "works-cited-by-several-instruments",
        "-p",
        "min_instruments=1",
        "--format",
        "csv",
    )
    assert code == 0
    cited = {str(w) for g in sources.instruments.values() for w in g.objects(None, OCSEA.cites)}
    assert {r["work"] for r in csv.DictReader(io.StringIO(out))} == cited
    code, out, _ = ocsea(
        built_store, "query", "editorial-notes", "--param", "kind=erratum", "--format", "tsv"
    )
    assert code == 0
    assert out.count("\n") - 1 == len(set(sources.merged.subjects(RDF.type, OCSEA.Erratum)))
    code, out, _ = ocsea(built_store, "query", "overview", "--format", "xml")
    assert code == 0 and out.count("<result>") == len(SLUGS)


def test_cli_table_is_readable(built_store: Path) -> None:
    code, out, _ = ocsea(built_store, "query", "capability-gaps", columns=200)
    assert code == 0
    assert "theme:cap-17" in out and "capabilityLabel" in out  # CURIEs, one table
    assert "_instrument" not in out and out.rstrip().endswith("rows)")
    code, out, _ = ocsea(built_store, "query", "overview", columns=80)
    assert code == 0
    assert "row 1" in out and "row 5" in out  # too wide: one block per row
    assert all(len(line) <= 80 for line in out.splitlines())


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["query", "no-such-query"], 2, "the catalogue has: actors"),
        (["query", "overview", "--param", "x=1"], 2, "has no parameter 'x'"),
        (["query", "search-provisions"], 2, "needs the parameter 'text'"),
        (["query", "search-provisions", "--param", "text"], 2, "give it as KEY=VALUE"),
        (["query", "coverage-matrix", "-p", "theme=nope:x"], 2, "unknown prefix 'nope'"),
        (["query", "overview", "--format", "turtle"], 2, "turtle"),
    ],
)
def test_cli_errors(built_store: Path, args: list[str], code: int, message: str) -> None:
    exit_code, out, err = ocsea(built_store, *args)
    assert exit_code == code
    assert message in err
    assert "Traceback" not in out + err


def test_cli_without_a_store_says_to_build(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "overview"], env={"OCSEA_STORE": str(tmp_path / "none")})
    assert result.exit_code == 3
    assert "ocsea build" in result.stderr
