"""The SPARQL 1.1 Protocol endpoint (``/sparql``) and ``/health`` over the real built store."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from api.app import create_app
from api.namespaces import OCSEA
from api.settings import DEFAULT_ROOT, Settings
from api.sparql_lexer import add_using, has_keyword
from tests.conftest import writable_app

COUNT = "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a ocsea:EncodedInstrument }"
ASK = "ASK { ?i a ocsea:EncodedInstrument }"
CONSTRUCT = "CONSTRUCT { ?i a ocsea:EncodedInstrument } WHERE { ?i a ocsea:EncodedInstrument }"
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def client(built_store: Path) -> Iterator[TestClient]:
    """A read-only app over the built store (no write token)."""
    settings = Settings.from_env({"OCSEA_ROOT": str(DEFAULT_ROOT)}).with_store(built_store)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def writable(built_store: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A read-write app with a write token over a copy of the built store."""
    with writable_app(built_store, tmp_path, TOKEN) as test_client:
        yield test_client


def _count(response_json: dict[str, object]) -> int:
    bindings = response_json["results"]["bindings"]  # type: ignore[index]
    return int(bindings[0]["n"]["value"])


def test_health(client: TestClient, built_store: Path) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["triples"] > 1000
    assert body["store"] == str(built_store)


def test_query_by_get_post_form_and_post_direct(client: TestClient) -> None:
    by_get = client.get("/sparql", params={"query": COUNT})
    assert by_get.status_code == 200
    assert by_get.headers["content-type"] == "application/sparql-results+json"
    n = _count(by_get.json())
    assert n >= 1  # the union of the named graphs is the default graph
    by_form = client.post("/sparql", data={"query": COUNT})
    assert _count(by_form.json()) == n
    direct = client.post(
        "/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query"}
    )
    assert _count(direct.json()) == n


def test_data_prefixes_are_predeclared(client: TestClient) -> None:
    """A compact IRI copied from a result (the editor shortens with these) works in a query."""
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ocsea:addressee actor:un-member-states ;"
        " ocsea:theme ?t . ?t skos:inScheme ?x FILTER(?t != theme:cap-99) }"
    )
    answer = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200, answer.text
    assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) > 0
    own = "PREFIX actor: <urn:x:> ASK { ?s ocsea:addressee actor:un-member-states }"
    mine = client.get(
        "/sparql", params={"query": own}, headers={"Accept": "application/sparql-results+json"}
    )
    assert mine.json()["boolean"] is False  # the query's own PREFIX wins


def test_dataset_parameters(client: TestClient) -> None:
    inferred = "https://w3id.org/ocsea/id/graph/inferred"
    ontology = "https://w3id.org/ocsea/id/graph/ontology"
    only_ontology = client.get(
        "/sparql", params={"query": COUNT, "default-graph-uri": ontology}
    ).json()
    assert _count(only_ontology) == 0
    named = client.get(
        "/sparql",
        params=[
            ("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
            ("named-graph-uri", inferred),
            ("named-graph-uri", ontology),
        ],
    ).json()
    assert {b["g"]["value"] for b in named["results"]["bindings"]} == {inferred, ontology}


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_formats(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/sparql", params={"query": COUNT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["n"] and int(rows[1][0]) >= 1


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_construct_formats(
    client: TestClient, accept: str, media_type: str, rdflib_format: str
) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) >= 1 and all(
        o == OCSEA.EncodedInstrument for o in graph.objects(None, RDF.type)
    )


def test_ask_formats(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": ASK}).json() == {"head": {}, "boolean": True}
    xml = client.get("/sparql", params={"query": ASK, "format": "xml"})
    assert xml.headers["content-type"] == "application/sparql-results+xml"
    assert "<boolean>true</boolean>" in xml.text
    # no CSV form of a boolean
    assert (
        client.get("/sparql", params={"query": ASK}, headers={"Accept": "text/csv"}).status_code
        == 406
    )


def test_format_parameter_and_406(client: TestClient) -> None:
    tsv = client.get(
        "/sparql", params={"query": COUNT, "format": "tsv"}, headers={"Accept": "text/html"}
    )
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    refused = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "text/html"})
    assert refused.status_code == 406
    assert "application/sparql-results+json" in refused.text
    wrong_kind = client.get("/sparql", params={"query": COUNT, "format": "turtle"})
    assert wrong_kind.status_code == 406
    unknown = client.get("/sparql", params={"query": COUNT, "format": "yaml"})
    assert unknown.status_code == 400 and "jsonld" in unknown.text


def test_service_description(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    services = list(graph.subjects(RDF.type, URIRef(sd + "Service")))
    assert len(services) == 1
    text = response.text
    assert "sd:endpoint <http://testserver/sparql>" in text
    assert "sd:SPARQL11Query" in text and "sd:SPARQL11Update" not in text
    assert "sd:defaultDataset" in text and "https://w3id.org/ocsea/id/graph/inferred" in text


def test_errors(client: TestClient) -> None:
    syntax = client.get("/sparql", params={"query": "SELECT * WHERE {"})
    assert syntax.status_code == 400 and "error at 1:" in syntax.text
    assert (
        client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"}).status_code
        == 415
    )
    assert client.post("/sparql", content="ASK {}").status_code == 415
    several = client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert several.status_code == 400
    non_utf8 = client.post(
        "/sparql",
        content="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert non_utf8.status_code == 400 and "UTF-8" in non_utf8.text
    update_as_query = client.get("/sparql", params={"query": "INSERT DATA { <a:b> <a:c> 1 }"})
    assert update_as_query.status_code == 400 and "SPARQL Update" in update_as_query.text
    assert client.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 400
    assert client.put("/sparql", params={"query": "ASK {}"}).status_code == 405


def test_service_is_refused(client: TestClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400 and "SERVICE federation is disabled" in response.text
    # the word in a string, an IRI or a variable is not a SERVICE call
    fine = 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) FILTER(?service != <urn:SERVICE>) }'
    assert client.get("/sparql", params={"query": fine}).status_code == 200


def test_cors(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": ASK}, headers={"Origin": "https://x.example"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_update_refused_without_configured_token(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        content="CLEAR ALL",
        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer x"},
    )
    assert response.status_code == 403 and "writes are disabled" in response.text


def test_update_needs_the_right_token(writable: TestClient) -> None:
    update = "INSERT DATA { GRAPH <urn:test:g> { <urn:test:s> <urn:test:p> 1 } }"
    headers = {"Content-Type": "application/sparql-update"}
    missing = writable.post("/sparql", content=update, headers=headers)
    assert missing.status_code == 401 and "Bearer" in missing.headers["www-authenticate"]
    wrong = writable.post(
        "/sparql", content=update, headers={**headers, "Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 403 and "not valid" in wrong.text
    ask = "ASK { <urn:test:s> <urn:test:p> 1 }"
    assert writable.get("/sparql", params={"query": ask}).json()["boolean"] is False
    ok = writable.post(
        "/sparql", content=update, headers={**headers, "Authorization": f"Bearer {TOKEN}"}
    )
    assert ok.status_code == 204
    assert writable.get("/sparql", params={"query": ask}).json()["boolean"] is True
    by_form = writable.post(
        "/sparql",
        data={"update": "DROP GRAPH <urn:test:g>"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert by_form.status_code == 204
    assert writable.get("/sparql", params={"query": ask}).json()["boolean"] is False
    description = writable.get("/sparql").text
    assert "sd:SPARQL11Update" in description


def test_update_with_using_graph(writable: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    update = (
        "INSERT { GRAPH <urn:test:out> { ?s a <urn:test:Copied> } } "
        "WHERE { ?s a ocsea:EncodedInstrument }"
    )
    vocab = "https://w3id.org/ocsea/id/graph/vocabularies"
    response = writable.post(
        "/sparql", params={"using-graph-uri": vocab}, content=update, headers=auth
    )
    assert response.status_code == 204
    ask = "ASK { GRAPH <urn:test:out> { ?s ?p ?o } }"
    assert writable.get("/sparql", params={"query": ask}).json()["boolean"] is False
    conflict = writable.post(
        "/sparql",
        params={"using-graph-uri": vocab},
        content="WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        headers=auth,
    )
    assert conflict.status_code == 400


def test_lexer() -> None:
    assert has_keyword("ASK FROM <urn:g> {}", "FROM")
    assert not has_keyword("ASK { ?from <urn:FROM> 'FROM' }", "FROM")
    assert add_using("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["urn:g"], []) == (
        "DELETE { ?s ?p ?o } USING <urn:g> WHERE { ?s ?p ?o }"
    )
    with pytest.raises(ValueError, match="DELETE WHERE"):
        add_using("DELETE WHERE { ?s ?p ?o }", ["urn:g"], [])


def test_settings_from_env() -> None:
    settings = Settings.from_env({"OCSEA_QUERY_TIMEOUT": "2.5", "OCSEA_WRITE_TOKEN": "t"})
    assert settings.query_timeout == 2.5 and settings.write_token == "t"
    assert "t" not in repr(settings).split("write_token")[0][-3:]
    with pytest.raises(ValueError, match="OCSEA_QUERY_TIMEOUT"):
        Settings.from_env({"OCSEA_QUERY_TIMEOUT": "0"})
    assert json.dumps(Settings.from_env({}).query_timeout) == "10.0"


def test_query_time_limit(built_store: Path) -> None:
    settings = Settings.from_env(
        {"OCSEA_ROOT": str(DEFAULT_ROOT), "OCSEA_QUERY_TIMEOUT": "0.2"}
    ).with_store(built_store)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with TestClient(create_app(settings)) as test_client:
        started = time.monotonic()
        response = test_client.get("/sparql", params={"query": slow})
        assert response.status_code == 503 and "0.2 s" in response.text
        assert time.monotonic() - started < 5
