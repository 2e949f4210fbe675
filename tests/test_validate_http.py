"""``POST /validate``: SHACL reports of uploads (JSON, Turtle, text, HTML), errors, nothing stored.

The app runs read-only (no write token) over a copy of the built store with its shapes graph;
uploads are the fictitious fixture instrument (tests/fixtures/shapes/valid.ttl) and variants of
it. Also: the settings of the write workflow (token file, upload limit).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SH

from api.app import create_app
from api.settings import DEFAULT_ROOT, Settings
from tests.gate_support import (
    FIXTURE,
    TURTLE,
    fixture_text,
    gated_copy,
    graph_name,
    instrument,
)

OCSEA = Namespace("https://w3id.org/ocsea/ontology#")
TFI = Namespace("https://w3id.org/ocsea/id/test-fixture-instrument/")
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _settings(store: Path, **env: str) -> Settings:
    return Settings.from_env({"OCSEA_ROOT": str(DEFAULT_ROOT), **env}).with_store(store)


@pytest.fixture(scope="module")
def store(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return gated_copy(built_store, tmp_path_factory.mktemp("validate") / "store")


@pytest.fixture(scope="module")
def client(store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(store))) as test_client:
        yield test_client


def _line_of(text: str, start: str) -> int:
    """1-based number of the first line of ``text`` that starts with ``start``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def _without_position_of_para_1() -> str:
    text = fixture_text()
    assert "    ocsea:position 4 ;\n" in text
    return text.replace("    ocsea:position 4 ;\n", "", 1)


def test_the_fixture_conforms(client: TestClient) -> None:
    response = client.post("/validate", content=fixture_text(), headers=TURTLE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body == {
        "conforms": True,
        "counts": {"Violation": 0, "Warning": 0, "Info": 0},
        "results": [],
    }


def test_a_violation_is_reported_with_the_line_of_its_focus_node(client: TestClient) -> None:
    text = _without_position_of_para_1()
    body = client.post("/validate", content=text, headers=TURTLE).json()
    assert body["conforms"] is False and body["counts"]["Violation"] >= 1
    position = [
        r
        for r in body["results"]
        if r["focusNode"] == str(TFI.para_1) and r["path"] == str(OCSEA.position)
    ]
    assert position, body["results"]
    assert position[0]["severity"] == "Violation"
    assert position[0]["line"] == _line_of(text, "tfi:para_1 a ")
    assert position[0]["file"] == "body.ttl"
    # the instrument-wide numbering check points at the instrument's own line
    gaps = [r for r in body["results"] if r["focusNode"] == str(instrument())]
    assert gaps and gaps[0]["line"] == _line_of(text, "<https://w3id.org/ocsea/id/test-fixture")


def test_report_formats_by_accept_and_format(client: TestClient) -> None:
    text = _without_position_of_para_1()
    turtle = client.post("/validate", content=text, headers={**TURTLE, "Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    report = Graph().parse(data=turtle.text, format="turtle")
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    assert report.value(node, SH.conforms) == Literal(False)
    assert (None, SH.focusNode, TFI.para_1) in report

    plain = client.post("/validate", params={"format": "text"}, content=text, headers=TURTLE)
    line = _line_of(text, "tfi:para_1 a ")
    assert plain.text.startswith("Does not conform:")
    assert f"Violation at line {line} (body.ttl)" in plain.text

    html = client.post(
        "/validate", content=text, headers={**TURTLE, "Accept": "text/html,*/*;q=0.8"}
    )
    assert html.headers["content-type"].startswith("text/html")
    assert "Does not conform" in html.text and "tfi:para_1" in html.text
    assert "<script" not in html.text

    curl = client.post("/validate", content=text, headers={**TURTLE, "Accept": "*/*"})
    assert curl.headers["content-type"].startswith("application/json")
    assert client.post("/validate", params={"format": "pdf"}, content=text).status_code == 400
    refused = client.post("/validate", content=text, headers={**TURTLE, "Accept": "image/png"})
    assert refused.status_code == 406


def test_html_escapes_what_the_upload_says(client: TestClient) -> None:
    hostile = fixture_text().replace(
        'rdfs:label "TEST/FIXTURE/1, operative paragraph 1"@en',
        'rdfs:label "TEST/FIXTURE/1, operative paragraph 1"@en , "<script>alert(1)</script>"@fr',
    )
    hostile = hostile.replace("ocsea:position 4 ;", 'ocsea:position "<b>x</b>" ;')
    page = client.post("/validate", params={"format": "html"}, content=hostile, headers=TURTLE)
    assert page.status_code == 200 and "Does not conform" in page.text
    assert "<b>x</b>" not in page.text and "&lt;b&gt;x&lt;/b&gt;" in page.text


def test_upload_form_page(client: TestClient) -> None:
    page = client.get("/validate")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text


def test_multipart_upload_names_the_file(client: TestClient) -> None:
    text = _without_position_of_para_1()
    response = client.post(
        "/validate",
        files={"file": ("my-instrument.ttl", text.encode(), "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    files = {r["file"] for r in response.json()["results"]}
    assert files == {"my-instrument.ttl"}
    two = client.post(
        "/validate",
        files=[("file", ("a.ttl", b"", "text/turtle")), ("file", ("b.ttl", b"", "text/turtle"))],
    )
    assert two.status_code == 400 and "exactly one file" in two.text
    unknown = client.post("/validate", files={"file": ("notes.txt", b"x", "text/plain")})
    assert unknown.status_code == 415 and ".ttl" in unknown.text


def test_json_ld_upload(client: TestClient) -> None:
    graph = Graph().parse(FIXTURE, format="turtle")
    document = graph.serialize(format="json-ld", indent=2)
    response = client.post(
        "/validate", content=document, headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 200 and response.json()["conforms"] is True
    # a partial instrument: results point at the line of the "@id" in the JSON-LD file
    text = (FIXTURES / "valid-provision.jsonld").read_text(encoding="utf-8")
    body = client.post(
        "/validate", content=text, headers={"Content-Type": "application/ld+json"}
    ).json()
    assert body["conforms"] is False
    op1 = [r for r in body["results"] if r["focusNode"].endswith("/test-jsonld/op-1")]
    assert op1 and op1[0]["line"] == _line_of(text, '      "@id": "id:test-jsonld/op-1"')
    assert op1[0]["file"] == "body.jsonld"


def test_unparsable_input_is_a_400_with_line_and_column(client: TestClient) -> None:
    lines = fixture_text().splitlines()
    lines.insert(39, "tfi:broken tfi:p tfi:o tfi:extra .")
    response = client.post("/validate", content="\n".join(lines), headers=TURTLE)
    assert response.status_code == 400
    assert response.text.startswith("body.ttl:40:18: invalid Turtle:"), response.text
    broken = (FIXTURES / "broken.jsonld").read_text(encoding="utf-8")
    response = client.post(
        "/validate", content=broken, headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 400 and response.text.startswith("body.jsonld:4:")
    latin1 = '<urn:a> <urn:b> "caf\xe9" .'.encode("latin-1")
    response = client.post("/validate", content=latin1, headers=TURTLE)
    assert response.status_code == 400 and "body.ttl:1:21: the body is not UTF-8" in response.text


def test_remote_json_ld_contexts_are_not_fetched(client: TestClient) -> None:
    document = json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:a"})
    response = client.post(
        "/validate", content=document, headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 400 and "remote @context" in response.text


def test_other_media_types_are_refused(client: TestClient) -> None:
    response = client.post("/validate", content="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert "text/turtle" in response.text and "application/ld+json" in response.text
    assert client.post("/validate", content="x").status_code == 415
    latin = client.post(
        "/validate", content="x", headers={"Content-Type": "text/turtle; charset=latin-1"}
    )
    assert latin.status_code == 415 and "UTF-8" in latin.text


def test_size_limit_is_a_413_that_states_it(store: Path) -> None:
    settings = _settings(store, OCSEA_MAX_UPLOAD_BYTES="2000")
    with TestClient(create_app(settings)) as small:
        big = small.post("/validate", content=fixture_text(), headers=TURTLE)
        assert big.status_code == 413
        assert "the limit is 2000 bytes" in big.text and "OCSEA_MAX_UPLOAD_BYTES" in big.text
        chunked = small.post("/validate", content=iter([fixture_text().encode()]), headers=TURTLE)
        assert chunked.status_code == 413 and "2000 bytes" in chunked.text
        tiny = small.post("/validate", content="<urn:a> <urn:b> <urn:c> .", headers=TURTLE)
        assert tiny.status_code == 200


def test_dry_run_of_a_write_runs_the_whole_gate(client: TestClient) -> None:
    ok = client.post(
        "/validate", params={"graph": graph_name()}, content=fixture_text(), headers=TURTLE
    )
    assert ok.status_code == 200 and ok.json()["conforms"] is True
    # the same instrument for another graph name: its instrument is missing, and every subject
    # is outside the graph's namespace
    other = client.post(
        "/validate",
        params={"graph": graph_name("another-slug")},
        content=fixture_text(),
        headers=TURTLE,
    )
    body = other.json()
    assert body["conforms"] is False
    messages = " ".join(r["message"] for r in body["results"])
    assert "must describe its instrument" in messages
    assert "is not the instrument <https://w3id.org/ocsea/id/another-slug>" in messages
    build = client.post(
        "/validate",
        params={"graph": "https://w3id.org/ocsea/id/graph/vocabularies"},
        content=fixture_text(),
        headers=TURTLE,
    )
    assert build.status_code == 400 and "not an instrument graph" in build.text


def test_validation_stores_nothing(client: TestClient) -> None:
    before = client.get("/health").json()["triples"]
    client.post("/validate", content=fixture_text(), headers=TURTLE)
    assert client.get("/health").json()["triples"] == before
    ask = f"ASK {{ <{instrument()}> ?p ?o }}"
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is False


def test_a_store_without_shapes_says_so(real_client: TestClient) -> None:
    response = real_client.post("/validate", content=fixture_text(), headers=TURTLE)
    assert response.status_code == 503 and "ocsea build" in response.text


def test_write_token_from_a_file(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("from-a-file\n", encoding="utf-8")
    settings = Settings.from_env({"OCSEA_WRITE_TOKEN_FILE": str(token_file)})
    assert settings.write_token == "from-a-file"
    with pytest.raises(ValueError, match="not both"):
        Settings.from_env({"OCSEA_WRITE_TOKEN_FILE": str(token_file), "OCSEA_WRITE_TOKEN": "x"})
    token_file.write_text("\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is empty"):
        Settings.from_env({"OCSEA_WRITE_TOKEN_FILE": str(token_file)})
    with pytest.raises(ValueError, match="cannot read"):
        Settings.from_env({"OCSEA_WRITE_TOKEN_FILE": str(tmp_path / "missing")})
    assert Settings.from_env({"OCSEA_MAX_UPLOAD_BYTES": "1234"}).max_upload_bytes == 1234
    with pytest.raises(ValueError, match="OCSEA_MAX_UPLOAD_BYTES"):
        Settings.from_env({"OCSEA_MAX_UPLOAD_BYTES": "lots"})


def test_graph_parameter_must_be_an_iri(client: TestClient) -> None:
    response = client.post(
        "/validate", params={"graph": "not an iri"}, content=fixture_text(), headers=TURTLE
    )
    assert response.status_code == 400 and "not a valid absolute IRI" in response.text
    relative = client.post(
        "/validate", params={"graph": "graph/x"}, content=fixture_text(), headers=TURTLE
    )
    assert relative.status_code == 400 and "not a valid absolute IRI" in relative.text


# --------------------------------------------------------------------------- the encoding kit

TEMPLATE = DEFAULT_ROOT / "docs" / "encoding-kit" / "instrument-template.ttl"


def test_the_template_is_a_placeholder_instrument_that_passes_the_gate(client: TestClient) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    assert text.startswith("# TEMPLATE FOR A NEW INSTRUMENT — not a real text.")
    response = client.post(
        "/validate",
        params={"graph": graph_name("new-instrument")},
        content=text,
        headers=TURTLE,
    )
    assert response.status_code == 200
    assert response.json() == {
        "conforms": True,
        "counts": {"Violation": 0, "Warning": 0, "Info": 0},
        "results": [],
    }


def test_filling_the_template_keeps_it_valid(client: TestClient) -> None:
    text = TEMPLATE.read_text(encoding="utf-8").replace("new-instrument", "filled-template")
    reason = re.search(r'    ocsea:undatedReason "[^"]*"@en ;\n', text)
    assert reason is not None
    # a fictitious date: the test fills the template the way the guide says (date, symbol)
    filled = text.replace(
        reason.group(0),
        '    ocsea:adoptionDate "2001-02-03"^^xsd:date ;\n    ocsea:symbol "TEST/TEMPLATE/1" ;\n',
    )
    filled = filled.replace(
        "«el resto del párrafo, como en la fuente»", "adopten medidas de prueba"
    )
    ok = client.post(
        "/validate", params={"graph": graph_name("filled-template")}, content=filled, headers=TURTLE
    )
    assert ok.json()["conforms"] is True, ok.json()["results"]
    # filling the text but not the quote breaks the quote check
    half = filled.replace(
        "Insta a los Estados Miembros a que adopten medidas de prueba;",
        "Insta a los Estados a que adopten medidas de prueba;",
    )
    assert half != filled
    body = client.post("/validate", content=half, headers=TURTLE).json()
    assert body["conforms"] is False
    assert {r["focusNode"] for r in body["results"] if r["severity"] == "Violation"} == {
        "https://w3id.org/ocsea/id/filled-template/para_1_st_1"
    }
