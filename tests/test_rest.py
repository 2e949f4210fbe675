"""The REST resources (``/api``) over the real built store.

Expected answers are computed independently: the Turtle files are parsed with rdflib and walked
in Python (no SPARQL), so a wrong query, a duplicate from the reasoner's graph or a lost filter
shows up as a difference.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from api.namespaces import CITO, ID, OCSEA
from api.rest import models
from api.settings import DEFAULT_ROOT

BASE = "http://testserver"
ROLES = {
    "addressee": OCSEA.addressee,
    "partner": OCSEA.partner,
    "indirect_target": OCSEA.indirectTarget,
    "beneficiary": OCSEA.beneficiary,
    "concerned": OCSEA.concerns,
}
ACTOR = ID + "actor/"
THEME = ID + "theme/"
TOPIC = ID + "topic/"


# -- the independent model ------------------------------------------------------------------------


class Data:
    """The encoded data, read with rdflib and walked in Python."""

    def __init__(self) -> None:
        self.g = Graph()
        data = DEFAULT_ROOT / "data"
        files = [
            *sorted((data / "instruments").glob("*.ttl")),
            *sorted((data / "vocabularies").glob("*.ttl")),
            data / "correspondences.ttl",
        ]
        for path in files:
            self.g.parse(path, format="turtle")
        self.instruments = set(self.g.subjects(RDF.type, OCSEA.EncodedInstrument))
        self.instrument_of: dict[URIRef, URIRef] = {}
        for provision in self.g.subjects(OCSEA.position, None):
            owners = self.ancestors(provision) & self.instruments
            assert len(owners) == 1
            self.instrument_of[provision] = owners.pop()
        self.provision_of = dict(self.g.subject_objects(OCSEA.expressedIn))

    def ancestors(self, node: URIRef) -> set[URIRef]:
        found: set[URIRef] = set()
        todo = [node]
        while todo:
            for parent in self.g.objects(todo.pop(), OCSEA.partOf):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    def broader_closure(self, concept: URIRef) -> set[URIRef]:
        found = {concept}
        todo = [concept]
        while todo:
            for parent in self.g.objects(todo.pop(), SKOS.broader):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    def position(self, provision: URIRef) -> int:
        return int(self.g.value(provision, OCSEA.position))

    def provisions(self, instrument: URIRef) -> list[URIRef]:
        found = [p for p, i in self.instrument_of.items() if i == instrument]
        return sorted(found, key=self.position)

    @property
    def statements(self) -> list[URIRef]:
        return list(self.provision_of)

    def statement_instrument(self, statement: URIRef) -> URIRef:
        return self.instrument_of[self.provision_of[statement]]

    def strength(self, statement: URIRef) -> int:
        force = self.g.value(statement, OCSEA.deonticForce)
        return int(self.g.value(force, OCSEA.strength))

    def date(self, instrument: URIRef) -> str:
        value = self.g.value(instrument, OCSEA.adoptionDate)
        return str(value) if value is not None else "9999-12-31"

    def sort_key(self, statement: URIRef) -> tuple[Any, ...]:
        instrument = self.statement_instrument(statement)
        number = int(re.search(r"_st_(\d+)$", str(statement)).group(1))  # type: ignore[union-attr]
        return (
            -self.strength(statement),
            self.date(instrument),
            str(instrument),
            self.position(self.provision_of[statement]),
            number,
        )

    def concerning(self, actor: URIRef, role: str | None = None) -> set[URIRef]:
        properties = [ROLES[role]] if role else list(ROLES.values())
        return {s for p in properties for s in self.g.subjects(p, actor)}

    def themed(self, concept: URIRef) -> set[URIRef]:
        return {
            s
            for s in self.statements
            if any(concept in self.broader_closure(t) for t in self.g.objects(s, OCSEA.theme))
        }

    def qualified(self, qualifier: URIRef) -> set[URIRef]:
        return {
            s
            for s in self.statements
            if any(qualifier in self.broader_closure(q) for q in self.g.objects(s, OCSEA.qualifier))
        }

    def text_contains(self, words: str) -> set[URIRef]:
        return {
            s
            for s in self.statements
            if any(
                words.lower() in str(t).lower()
                for t in self.g.objects(self.provision_of[s], OCSEA.text)
            )
        }

    def actors(self) -> set[URIRef]:
        return {s for s in self.g.subjects(RDF.type, None) if str(s).startswith(ACTOR)}


@pytest.fixture(scope="module")
def data() -> Data:
    return Data()


@pytest.fixture(scope="module")
def client(real_client: TestClient) -> TestClient:
    return real_client


def get(client: TestClient, url: str, **kwargs: Any) -> Any:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code, response.text[:500])
    return response.json()


def ids(items: list[dict[str, Any]]) -> list[URIRef]:
    return [URIRef(item["id"]) for item in items]


def all_items(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Every item of a collection, in one page of 500 (the collections here are smaller)."""
    sep = "&" if "?" in url else "?"
    body = get(client, f"{url}{sep}per_page=500")
    assert body["total"] == len(body["items"]) and body["next"] is None
    return list(body["items"])


def slug(instrument: URIRef) -> str:
    return str(instrument)[len(ID) :]


# -- instruments ----------------------------------------------------------------------------------


def test_instruments_by_date_with_counts(client: TestClient, data: Data) -> None:
    body = get(client, "/api/instruments")
    assert body["total"] == len(data.instruments) == 5
    expected = sorted(data.instruments, key=lambda i: (data.date(i), str(i)))
    assert ids(body["items"]) == expected
    for item in body["items"]:
        instrument = URIRef(item["id"])
        assert item["slug"] == slug(instrument)
        assert item["url"] == f"{BASE}/id/{slug(instrument)}"
        assert item["api"] == f"{BASE}/api/instruments/{slug(instrument)}"
        assert item["provision_count"] == len(data.provisions(instrument))
        statements = [s for s in data.statements if data.statement_instrument(s) == instrument]
        assert item["statement_count"] == len(statements)
        titles = {t.language: str(t) for t in data.g.objects(instrument, DCTERMS.title)}
        assert item["title"] == titles
        symbol = data.g.value(instrument, OCSEA.symbol)
        assert item["symbol"] == (str(symbol) if symbol else None)
        date = data.g.value(instrument, OCSEA.adoptionDate)
        assert item["date"] == (str(date) if date else None)
        issuers = sorted(str(a) for a in data.g.objects(instrument, OCSEA.issuedBy))
        assert sorted(i["id"] for i in item["issuers"]) == issuers
        assert item["legal_nature"]["id"] == str(data.g.value(instrument, OCSEA.legalNature))
        assert item["type"]["id"] != str(OCSEA.EncodedInstrument)
    # the undated strategic response comes last, with the reason it is undated
    assert body["items"][-1]["date"] is None and body["items"][-1]["undated_reason"]


def test_instrument_detail_metadata_and_notes(client: TestClient, data: Data) -> None:
    for instrument in data.instruments:
        body = get(client, f"/api/instruments/{slug(instrument)}")
        parts = {instrument, *data.provisions(instrument)}
        parts |= {s for s in data.statements if data.provision_of[s] in parts}
        expected = {n for n, about in data.g.subject_objects(OCSEA.about) if about in parts}
        assert set(ids(body["notes"])) == expected
        for note in body["notes"]:
            abouts = set(data.g.objects(URIRef(note["id"]), OCSEA.about))
            assert {URIRef(a["id"]) for a in note["about"]} == abouts
            assert note["type"]["id"] in {
                str(t) for t in data.g.objects(URIRef(note["id"]), RDF.type)
            }
        source = data.g.value(instrument, OCSEA.sourceText)
        assert body["source_text"]["sha256"] == str(data.g.value(source, OCSEA.sha256))
        cited = {str(w) for w in data.g.objects(instrument, OCSEA.cites)}
        assert {c["id"] for c in body["cites"]} == cited
    interpol = get(client, "/api/instruments/interpol-ga-2021-89-res-09")
    errata = [n for n in interpol["notes"] if n["type"]["id"] == str(OCSEA.Erratum)]
    assert any("2001" in n["erroneous_text"].get("es", "") for n in errata)
    osce = get(client, "/api/instruments/osce-mc-dec-9-07")
    note_1 = next(n for n in osce["notes"] if n["id"].endswith("/note_1"))
    assert (
        note_1["about"][0]["api"] == f"{BASE}/api/instruments/osce-mc-dec-9-07/provisions/para_11"
    )


# -- provisions and pagination --------------------------------------------------------------------


def link_header(value: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="([a-z]+)"', value)}


def test_provisions_in_document_order_across_pages(client: TestClient, data: Data) -> None:
    per_page = 7
    for instrument in data.instruments:
        expected = data.provisions(instrument)
        url: str | None = f"/api/instruments/{slug(instrument)}/provisions?per_page={per_page}"
        seen: list[URIRef] = []
        previous: str | None = None
        pages = 0
        while url is not None:
            response = client.get(url)
            assert response.status_code == 200
            body = response.json()
            links = link_header(response.headers["link"])
            pages += 1
            assert body["page"] == pages and body["per_page"] == per_page
            assert body["total"] == len(expected)
            assert links.get("next") == body["next"] and links.get("prev") == body["prev"]
            if pages == 1:
                assert body["prev"] is None
            else:
                assert body["prev"].endswith(f"page={pages - 1}&per_page={per_page}")
                assert previous is not None and body["prev"].startswith(BASE)
            assert links["first"].endswith(f"page=1&per_page={per_page}")
            assert links["last"].endswith(f"page={-(-len(expected) // per_page)}&per_page=7")
            seen += ids(body["items"])
            for item in body["items"]:
                provision = URIRef(item["id"])
                assert item["position"] == data.position(provision)
                assert item["text"] == {
                    t.language: str(t) for t in data.g.objects(provision, OCSEA.text)
                }
                number = data.g.value(provision, OCSEA.number)
                assert item["number"] == (str(number) if number else None)
                sections = set(data.g.objects(provision, OCSEA.partOf)) - {instrument}
                assert set(ids(item["sections"])) == sections
                statements = [s for s, p in data.provision_of.items() if p == provision]
                assert item["statement_count"] == len(statements)
            previous = str(response.url) if body["next"] else None
            url = body["next"]
        assert seen == expected
        assert [data.position(p) for p in seen] == list(range(1, len(expected) + 1))
        assert pages == -(-len(expected) // per_page)


def test_provisions_filtered_by_type(client: TestClient, data: Data) -> None:
    gsr = URIRef(ID + "wpga-gsr")
    capabilities = [p for p in data.provisions(gsr) if (p, RDF.type, OCSEA.Capability) in data.g]
    body = all_items(client, "/api/instruments/wpga-gsr/provisions?type=Capability")
    assert ids(body) == capabilities and len(capabilities) == 26
    operative = {OCSEA.OperativeParagraph, OCSEA.ActionPoint, OCSEA.Capability, OCSEA.Deliverable}
    expected = [p for p in data.provisions(gsr) if set(data.g.objects(p, RDF.type)) & operative]
    body = all_items(client, "/api/instruments/wpga-gsr/provisions?type=ocsea:OperativeProvision")
    assert ids(body) == expected


def test_page_past_the_end_and_out_of_range(client: TestClient) -> None:
    response = client.get("/api/instruments?page=2")
    assert response.status_code == 404 and "1 page(s)" in response.json()["detail"]
    for bad in ("page=0", "per_page=0", "per_page=501", "page=x"):
        response = client.get(f"/api/statements?{bad}")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][1] in {"page", "per_page"}
    one = client.get("/api/statements?per_page=1&page=158")
    assert one.status_code == 200 and one.json()["next"] is None
    assert 'rel="prev"' in one.headers["link"] and 'rel="next"' not in one.headers["link"]


def test_provision_detail(client: TestClient, data: Data) -> None:
    for instrument in data.instruments:
        for provision in data.provisions(instrument):
            part = str(provision)[len(str(instrument)) + 1 :]
            statements = sorted(
                (s for s, p in data.provision_of.items() if p == provision),
                key=data.sort_key,
            )
            if not statements and not data.g.value(provision, OCSEA.hasFootnote):
                continue
            body = get(client, f"/api/instruments/{slug(instrument)}/provisions/{part}")
            assert body["part"] == part and body["instrument"] == slug(instrument)
            assert ids(body["statements"]) == sorted(statements, key=lambda s: data.sort_key(s)[-1])
            for item in body["statements"]:
                statement = URIRef(item["id"])
                assert item["force"]["strength"] == data.strength(statement)
                for role, prop in ROLES.items():
                    key = {
                        "addressee": "addressees",
                        "partner": "partners",
                        "indirect_target": "indirect_targets",
                        "beneficiary": "beneficiaries",
                        "concerned": "concerned",
                    }[role]
                    assert set(ids(item[key])) == set(data.g.objects(statement, prop))
                texts = Counter(str(t) for t in data.g.objects(statement, OCSEA.qualifierText))
                assert Counter(t["es"] for t in item["qualifier_texts"]) == texts
                assert set(ids(item["qualifiers"])) == set(
                    data.g.objects(statement, OCSEA.qualifier)
                )
                assert set(ids(item["themes"])) == set(data.g.objects(statement, OCSEA.theme))
                verb = data.g.value(statement, OCSEA.verbatimVerb)
                assert item["verbatim_verb"] == ({verb.language: str(verb)} if verb else {})
            footnotes = set(data.g.objects(provision, OCSEA.hasFootnote))
            assert set(ids(body["footnotes"])) == footnotes
            cited = set(data.g.objects(provision, OCSEA.cites))
            assert {URIRef(c["work"]["id"]) for c in body["citations"]} == cited
            for citation in body["citations"]:
                work = URIRef(citation["work"]["id"])
                relations = {
                    "cito:" + str(p)[len(CITO) :]
                    for p in data.g.predicates(provision, work)
                    if str(p).startswith(str(CITO))
                }
                assert set(citation["relations"]) == relations
    # A/RES/74/174 op. 17: the erratum about footnote 9 and the ambiguity about its addressees
    body = get(client, "/api/instruments/unga-res-74-174/provisions/para_17")
    types = {n["type"]["id"] for n in body["notes"]}
    assert {str(OCSEA.Erratum), str(OCSEA.Ambiguity)} <= types
    assert body["footnotes"][0]["number"] == "⁹"
    # its link to the strategic response was dropped (capability 3 names no treaty): none left
    assert body["correspondences"] == []
    linked = get(client, "/api/instruments/unga-res-74-174/provisions/para_16")
    hotlines = [c for c in linked["correspondences"] if c["id"].endswith("/hotlines-osce-unga")]
    assert len(hotlines) == 1
    assert hotlines[0]["from_provision"]["id"].endswith("osce-mc-dec-9-07/para_5")
    assert hotlines[0]["to_provision"]["id"].endswith("unga-res-74-174/para_16")


# -- statements -----------------------------------------------------------------------------------


def test_statements_all_strongest_first(client: TestClient, data: Data) -> None:
    items = all_items(client, "/api/statements")
    assert len(items) == len(data.statements) == 158
    assert ids(items) == sorted(data.statements, key=data.sort_key)
    strengths = [item["force"]["strength"] for item in items]
    assert strengths == sorted(strengths, reverse=True)


def test_statements_pages_are_consistent(client: TestClient) -> None:
    full = ids(all_items(client, "/api/statements"))
    paged: list[URIRef] = []
    url: str | None = "/api/statements?per_page=40"
    while url:
        response = client.get(url)
        body = response.json()
        assert body["total"] == len(full)
        paged += ids(body["items"])
        assert link_header(response.headers["link"]).get("next") == body["next"]
        url = body["next"]
    assert paged == full


def test_statements_for_every_actor(client: TestClient, data: Data) -> None:
    concerned = {a for p in ROLES.values() for a in data.g.objects(None, p)}
    assert len(concerned) > 30
    for actor in sorted(concerned):
        name = str(actor)[len(ACTOR) :]
        items = all_items(client, f"/api/statements?actor={name}")
        assert set(ids(items)) == data.concerning(actor), name
        assert ids(items) == sorted(data.concerning(actor), key=data.sort_key)
    indirect = all_items(client, "/api/statements?actor=actor:tech-industry&role=indirect_target")
    expected = data.concerning(URIRef(ACTOR + "tech-industry"), "indirect_target")
    assert set(ids(indirect)) == expected and expected


def test_filters_combine(client: TestClient, data: Data) -> None:
    criminal_justice = URIRef(THEME + "criminal-justice")
    for words in ("ley", "Internet", "INTERNET", "niños"):
        expected = {
            s
            for s in data.themed(criminal_justice) & data.text_contains(words)
            if data.strength(s) >= 3
        }
        url = f"/api/statements?theme=criminal-justice&min_strength=3&q={quote(words)}"
        assert set(ids(all_items(client, url))) == expected, words
    unga = URIRef(ID + "unga-res-74-174")
    domestic = URIRef(ID + "qualifier/domestic-law")
    expected = {s for s in data.qualified(domestic) if data.statement_instrument(s) == unga}
    got = all_items(client, "/api/statements?instrument=unga-res-74-174&qualifier=domestic-law")
    assert set(ids(got)) == expected and expected
    # the qualifier filter includes narrower qualifiers (data protection law is domestic law)
    assert data.qualified(domestic) > {
        s for s in data.statements if (s, OCSEA.qualifier, domestic) in data.g
    }
    states = URIRef(ACTOR + "osce-participating-states")
    encryption = URIRef(TOPIC + "encryption")
    for min_strength in range(7):
        url = f"/api/statements?actor=osce-participating-states&min_strength={min_strength}"
        expected = {s for s in data.concerning(states) if data.strength(s) >= min_strength}
        assert set(ids(all_items(client, url))) == expected
    url = "/api/statements?theme=topic:encryption&instrument=" + quote(
        ID + "interpol-ga-2021-89-res-09"
    )
    expected = {
        s
        for s in data.themed(encryption)
        if data.statement_instrument(s) == URIRef(ID + "interpol-ga-2021-89-res-09")
    }
    assert set(ids(all_items(client, url))) == expected and expected


# -- actors and themes ----------------------------------------------------------------------------


def test_actor_counts(client: TestClient, data: Data) -> None:
    items = all_items(client, "/api/actors")
    assert set(ids(items)) == data.actors()
    totals = [item["statement_count"] for item in items]
    assert totals == sorted(totals, reverse=True)
    for item in items:
        actor = URIRef(item["id"])
        assert item["statement_count"] == len(data.concerning(actor))
        for role in ROLES:
            assert item["roles"][role] == len(data.concerning(actor, role)), (actor, role)
        per_instrument = Counter(data.statement_instrument(s) for s in data.concerning(actor))
        assert {URIRef(i["instrument"]["id"]): i["statements"] for i in item["instruments"]} == (
            per_instrument
        )


def test_actor_detail_flags_indirect_targets(client: TestClient, data: Data) -> None:
    actor = URIRef(ACTOR + "tech-industry")
    body = get(client, "/api/actors/tech-industry")
    assert ids(body["statements"]) == sorted(data.concerning(actor), key=data.sort_key)
    for item in body["statements"]:
        statement = URIRef(item["id"])
        roles = {r for r, p in ROLES.items() if (statement, p, actor) in data.g}
        assert set(item["roles"]) == roles
        assert item["indirect_target"] == ("indirect_target" in roles)
    assert any(item["indirect_target"] for item in body["statements"])
    # the same actor by compact and full IRI
    for spelling in ("actor:tech-industry", quote(str(actor), safe=":/")):
        assert get(client, f"/api/actors/{spelling}")["id"] == str(actor)


def test_themes_coverage(client: TestClient, data: Data) -> None:
    items = all_items(client, "/api/themes")
    schemes = {URIRef(THEME + "gsr"), URIRef(TOPIC + "scheme")}
    concepts = {c for c, s in data.g.subject_objects(SKOS.inScheme) if s in schemes}
    assert set(ids(items)) == concepts
    kinds = [item["kind"] for item in items]
    assert kinds == sorted(kinds, key=["theme", "capability", "topic"].index)
    assert kinds.count("theme") == 6 and kinds.count("capability") == 26
    for item in items:
        statements = data.themed(URIRef(item["id"]))
        assert item["statement_count"] == len(statements), item["id"]
        by_instrument: dict[URIRef, list[URIRef]] = defaultdict(list)
        for s in statements:
            by_instrument[data.statement_instrument(s)].append(s)
        coverage = {URIRef(c["instrument"]["id"]): c for c in item["coverage"]}
        assert set(coverage) == set(by_instrument)
        for instrument, found in by_instrument.items():
            strongest = max(data.strength(s) for s in found)
            assert coverage[instrument]["statements"] == len(found)
            assert coverage[instrument]["max_strength"] == strongest
            forces = {
                data.g.value(s, OCSEA.deonticForce) for s in found if data.strength(s) == strongest
            }
            assert set(ids(coverage[instrument]["strongest_forces"])) == forces


def test_theme_detail(client: TestClient, data: Data) -> None:
    for spelling, iri in (
        ("cap-6", THEME + "cap-6"),
        ("theme:criminal-justice", THEME + "criminal-justice"),
        ("topic:encryption", TOPIC + "encryption"),
        ("topic:victim-support", TOPIC + "victim-support"),
    ):
        body = get(client, f"/api/themes/{spelling}")
        assert body["id"] == iri
        expected = data.themed(URIRef(iri))
        assert ids(body["statements"]) == sorted(expected, key=data.sort_key) and expected
        narrower = set(data.g.subjects(SKOS.broader, URIRef(iri)))
        assert set(ids(body["narrower"])) == narrower
    cap_6 = get(client, "/api/themes/cap-6")
    assert cap_6["source"]["api"] == f"{BASE}/api/instruments/wpga-gsr/provisions/cap_6"
    ambiguous = client.get("/api/themes/victim-support")
    assert ambiguous.status_code == 400 and "topic:victim-support" in ambiguous.json()["detail"]


def test_qualifiers_and_forces(client: TestClient, data: Data) -> None:
    for item in all_items(client, "/api/qualifiers"):
        assert item["statement_count"] == len(data.qualified(URIRef(item["id"])))
    forces = all_items(client, "/api/forces")
    strengths = [f["strength"] for f in forces]
    assert strengths == sorted(strengths, reverse=True) and strengths[0] == 6
    used = Counter(data.g.value(s, OCSEA.deonticForce) for s in data.statements)
    assert {URIRef(f["id"]): f["statement_count"] for f in forces if f["statement_count"]} == used


# -- citations and correspondences ----------------------------------------------------------------


def test_citations(client: TestClient, data: Data) -> None:
    expected = {(p, w) for p, w in data.g.subject_objects(OCSEA.cites) if p in data.instrument_of}
    items = all_items(client, "/api/citations")
    got = [(URIRef(i["provision"]["id"]), URIRef(i["work"]["id"])) for i in items]
    assert set(got) == expected and len(got) == len(expected)
    for item in items:
        work = URIRef(item["work"]["id"])
        identifier = data.g.value(work, OCSEA.identifier)
        assert item["work"]["identifier"] == (str(identifier) if identifier else None)
        date = data.g.value(work, OCSEA.adoptionDate)
        assert item["work"]["date"] == (str(date) if date else None)
        assert item["relations"], "every citation has its CiTO relation"
    crc = all_items(client, "/api/citations?work=crc")
    assert {i["provision"]["id"] for i in crc} == {
        str(p) for p, w in expected if w == URIRef(ID + "work/crc")
    }
    interpol = all_items(
        client, "/api/citations?instrument=interpol-ga-2021-89-res-09&work=work:crc"
    )
    assert [i["provision"]["part"] for i in interpol] == ["pp_3"]


def test_correspondences(client: TestClient, data: Data) -> None:
    expected = set(data.g.subjects(RDF.type, OCSEA.Correspondence))
    items = all_items(client, "/api/correspondences")
    assert set(ids(items)) == expected and len(items) == len(expected)
    for item in items:
        correspondence = URIRef(item["id"])
        source = data.g.value(correspondence, OCSEA.fromProvision)
        target = data.g.value(correspondence, OCSEA.toProvision)
        assert item["from_provision"]["id"] == str(source)
        assert item["to_provision"]["id"] == str(target)
        assert item["from_instrument"]["id"] == str(data.instrument_of[source])
        assert item["to_instrument"]["id"] == str(data.instrument_of[target])
        assert item["type"]["id"] == str(data.g.value(correspondence, OCSEA.correspondenceType))
        assert set(ids(item["capabilities"])) == set(
            data.g.objects(correspondence, OCSEA.onCapability)
        )
    weakens = all_items(client, "/api/correspondences?type=weakens")
    assert set(ids(weakens)) == {
        c for c in expected if str(data.g.value(c, OCSEA.correspondenceType)).endswith("/weakens")
    }
    osce = URIRef(ID + "osce-mc-dec-9-07")
    touching = all_items(client, "/api/correspondences?instrument=osce-mc-dec-9-07&theme=cap-6")
    assert set(ids(touching)) == {
        c
        for c in expected
        if osce
        in {
            data.instrument_of[data.g.value(c, OCSEA.fromProvision)],
            data.instrument_of[data.g.value(c, OCSEA.toProvision)],
        }
        and any(
            URIRef(THEME + "cap-6") in data.broader_closure(t)
            for t in data.g.objects(c, OCSEA.onCapability)
        )
    }


# -- RDF variants ---------------------------------------------------------------------------------

RDF_TYPES = {
    "turtle": ("text/turtle", "turtle"),
    "ntriples": ("application/n-triples", "nt"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdfxml": ("application/rdf+xml", "xml"),
}


@pytest.mark.parametrize("name", sorted(RDF_TYPES))
def test_rdf_variants_parse_and_contain_the_resource(
    client: TestClient, data: Data, name: str
) -> None:
    media_type, rdflib_format = RDF_TYPES[name]
    provision = URIRef(ID + "osce-mc-dec-9-07/para_4")
    statement = URIRef(ID + "osce-mc-dec-9-07/para_4_st_1")
    for how in ({"headers": {"Accept": media_type}}, {"params": {"format": name}}):
        response = client.get("/api/instruments/osce-mc-dec-9-07/provisions/para_4", **how)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        assert "Accept" in response.headers["vary"]
        graph = Graph().parse(data=response.text, format=rdflib_format)
        # compare the value: Oxigraph keeps xsd:positiveInteger as xsd:integer
        assert [int(p) for p in graph.objects(provision, OCSEA.position)] == [13]
        assert (statement, OCSEA.expressedIn, provision) in graph
        assert (statement, OCSEA.deonticForce, URIRef(ID + "force/urges")) in graph
    page = client.get("/api/statements?per_page=5&page=2", headers={"Accept": media_type})
    graph = Graph().parse(data=page.text, format=rdflib_format)
    json_page = get(client, "/api/statements?per_page=5&page=2")
    for statement in ids(json_page["items"]):
        assert (statement, RDF.type, OCSEA.NormativeStatement) in graph
    assert link_header(page.headers["link"])["next"].endswith("page=3&per_page=5")
    # asserted facts only: every statement triple is in the Turtle files (the reasoner's
    # ocsea:concerns, dcterms:subject, odrl:assignee … are left out)
    for statement in ids(json_page["items"]):
        for _, predicate, obj in graph.triples((statement, None, None)):
            assert (statement, predicate, obj) in data.g, (statement, predicate, obj)


def test_format_negotiation_errors(client: TestClient) -> None:
    assert client.get("/api/forces", headers={"Accept": "text/csv"}).status_code == 406
    assert client.get("/api/forces?format=csv").status_code == 406
    bad = client.get("/api/forces?format=yaml")
    assert bad.status_code == 400 and "jsonld" in bad.json()["detail"]
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/api/forces", headers={"Accept": browser})
    assert response.headers["content-type"] == "application/json"
    plus = client.get("/api/forces?format=application/ld+json")  # an unencoded "+"
    assert plus.headers["content-type"] == "application/ld+json"


# -- errors and hostile input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/instruments/osce-2007", 404, "known instruments: interpol-ga-2021-89-res-09"),
        ("/api/instruments/osce-2007/provisions", 404, "no instrument 'osce-2007'"),
        ("/api/instruments/osce-mc-dec-9-07/provisions/para_99", 404, "has no provision"),
        ("/api/instruments/osce-mc-dec-9-07/provisions/para_4_st_1", 404, "has no provision"),
        ("/api/actors/ministry-of-truth", 404, "no actor 'ministry-of-truth'"),
        ("/api/themes/cap-99", 404, "no theme 'cap-99'"),
        ("/api/statements?actor=ministry-of-truth", 400, "/api/actors"),
        ("/api/statements?theme=cap-99", 400, "no theme"),
        ("/api/statements?qualifier=maybe", 400, "no qualifier"),
        ("/api/statements?instrument=osce", 400, "known instruments"),
        ("/api/statements?role=addressee", 400, "needs actor="),
        ("/api/citations?work=bible", 400, "no work"),
        ("/api/correspondences?type=contradicts", 400, "no correspondence type"),
        ("/api/instruments/wpga-gsr/provisions?type=Chapter", 400, "no provision type"),
        ("/api/statements?actor=un%20member%20states", 400, "not a valid actor identifier"),
    ],
)
def test_clear_errors(client: TestClient, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert message in response.json()["detail"]


HOSTILE = [
    '"',
    "'",
    '") } SELECT * WHERE { ?s ?p ?o } #',
    "> } ; DROP ALL",
    "x> <urn:y",
    "a\nb",
    "# comment",
    "\\u0022) } #",
    "\\\\",
    "‮evil",
    "actor:x> ?p ?o } #",
    "https://w3id.org/ocsea/id/actor/x> } UNION { ?s ?p ?o",
    "%00",
]


def test_hostile_values_are_harmless(client: TestClient, data: Data) -> None:
    before = get(client, "/health")["triples"]
    for value in HOSTILE:
        for param in ("actor", "theme", "qualifier", "instrument"):
            response = client.get("/api/statements", params={param: value})
            assert response.status_code in (400, 404), (param, value, response.text)
            assert response.json()["detail"]
        response = client.get("/api/statements", params={"q": value, "per_page": 500})
        assert response.status_code == 200, (value, response.text)
        assert set(ids(response.json()["items"])) == data.text_contains(value)
        for param in ("work", "instrument"):
            assert client.get("/api/citations", params={param: value}).status_code == 400
        for path in ("actors", "themes", "instruments"):
            response = client.get(f"/api/{path}/{quote(value, safe='')}")
            assert response.status_code in (400, 404), (path, value, response.status_code)
    # a real substring with quotes and punctuation is found as data, like any other text
    texts = [str(t) for t in data.g.objects(None, OCSEA.text) if "“" in str(t)]
    statements_texts = [
        str(t)
        for s in data.statements
        for t in data.g.objects(data.provision_of[s], OCSEA.text)
        if "“" in str(t) or "'" in str(t) or '"' in str(t)
    ]
    for text in (texts + statements_texts)[:3]:
        mark = next(i for i, c in enumerate(text) if c in "“'\"")
        words = text[max(0, mark - 8) : mark + 8]
        got = all_items(client, f"/api/statements?q={quote(words)}")
        assert set(ids(got)) == data.text_contains(words)
    # very long values: a clear 4xx, not an engine error
    long = "x" * 10_000
    response = client.get("/api/statements", params={"actor": long})
    assert response.status_code == 400 and "at most 500" in response.json()["detail"]
    response = client.get("/api/statements", params={"q": long})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"]
    response = client.get("/api/statements", params={"q": '") } #' + "y" * 990})
    assert response.status_code == 200 and response.json()["total"] == 0
    assert client.get(f"/api/actors/{long}").status_code == 400
    assert client.get(f"/api/instruments/{long}").status_code == 404
    assert get(client, "/health")["triples"] == before


# -- links, documentation, examples ---------------------------------------------------------------


def test_items_link_to_their_dereferenceable_url(client: TestClient) -> None:
    def walk(value: Any) -> Iterator[dict[str, Any]]:
        if isinstance(value, dict):
            if "id" in value and "url" in value:
                yield value
            for child in value.values():
                yield from walk(child)
        elif isinstance(value, list):
            for child in value:
                yield from walk(child)

    body = get(client, "/api/instruments/unga-res-74-174/provisions/para_17")
    found = list(walk(body))
    assert len(found) > 20
    for item in found:
        if item["id"].startswith(str(ID)):
            assert item["url"] == f"{BASE}/id/{item['id'][len(ID) :]}"
        elif item["id"].startswith(str(OCSEA)):
            assert item["url"] == f"{BASE}/ontology#{item['id'][len(OCSEA) :]}"
        else:
            assert item["url"] is None


def test_openapi_documents_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    routes = {path: ops for path, ops in spec["paths"].items() if path.startswith("/api")}
    assert len(routes) >= 13
    schemas = spec["components"]["schemas"]
    for path, operations in routes.items():
        operation = operations["get"]
        assert operation["summary"] and operation["description"], path
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (path, parameter["name"])
        if path != "/api":
            assert "text/turtle" in operation["responses"]["200"]["content"]
            assert "404" in operation["responses"] and "400" in operation["responses"]
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        schema = schemas[ref.rsplit("/", 1)[-1]]
        if "items" in schema.get("properties", {}):
            item_ref = schema["properties"]["items"]["items"]["$ref"]
            schema = schemas[item_ref.rsplit("/", 1)[-1]]
        assert schema.get("examples") or path == "/api", path
    statements = routes["/api/statements"]["get"]["parameters"]
    documented = {p["name"]: p for p in statements}
    assert {
        "actor",
        "theme",
        "min_strength",
        "instrument",
        "qualifier",
        "q",
        "page",
        "per_page",
    } <= set(documented)
    assert documented["actor"].get("examples") or documented["actor"]["schema"].get("examples")


def matches(example: Any, actual: Any, where: str = "") -> None:
    """``example`` is a faithful excerpt of ``actual`` (fewer keys, list prefixes, "…" cuts)."""
    if isinstance(example, dict):
        assert isinstance(actual, dict), where
        for key, value in example.items():
            assert key in actual, f"{where}.{key}"
            matches(value, actual[key], f"{where}.{key}")
    elif isinstance(example, list):
        assert isinstance(actual, list) and len(example) <= len(actual), where
        for index, value in enumerate(example):
            matches(value, actual[index], f"{where}[{index}]")
    elif isinstance(example, str):
        text = example.replace(models.SERVER, BASE)
        if text.endswith("…"):
            assert str(actual).startswith(text[:-1]), where
        else:
            assert text == actual, (where, text, actual)
    else:
        assert example == actual, (where, example, actual)


def test_openapi_examples_are_real_data(client: TestClient) -> None:
    def example(model: type[Any]) -> Any:
        return model.model_config["json_schema_extra"]["examples"][0]

    para_4 = get(client, "/api/instruments/osce-mc-dec-9-07/provisions/para_4")
    statement = para_4["statements"][0]
    osce = get(client, "/api/instruments/osce-mc-dec-9-07")
    listed = get(client, "/api/instruments")["items"][0]
    crc = get(client, "/api/citations?work=crc")["items"][0]["work"]
    forces = get(client, "/api/forces")["items"]
    citation = "/api/citations?work=crc&instrument=interpol-ga-2021-89-res-09"
    cases = [
        (models.Statement, statement),
        (models.Ref, statement["addressees"][0]),
        (models.ForceRef, statement["force"]),
        (models.InstrumentRef, statement["instrument"]),
        (models.ProvisionRef, statement["provision"]),
        (models.Provision, para_4),
        (models.Instrument, listed),
        (models.InstrumentDetail, osce),
        (models.EditorialNote, next(n for n in osce["notes"] if n["id"].endswith("/note_1"))),
        (models.Work, crc),
        (models.Actor, get(client, "/api/actors/osce-secretariat")),
        (models.Theme, get(client, "/api/themes/cap-6")),
        (models.Qualifier, get(client, "/api/qualifiers?per_page=1")["items"][0]),
        (models.Force, next(f for f in forces if f["id"].endswith("/urges"))),
        (models.Citation, get(client, citation)["items"][0]),
        (models.Correspondence, get(client, "/api/correspondences?type=weakens")["items"][0]),
    ]
    for model, actual in cases:
        matches(example(model), actual, model.__name__)
    json.dumps(client.get("/openapi.json").json())  # the schema with its examples serialises
    assert datetime.date.fromisoformat(osce["date"]) == datetime.date(2007, 11, 30)
