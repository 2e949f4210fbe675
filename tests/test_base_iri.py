"""Data minted under another base IRI (``OCSEA_BASE_IRI``): the REST API and the pages resolve
bare names, compact IRIs and slugs in that namespace, and shorten IRIs with it.

A project that reuses this design for its own instruments mints its IRIs under its own base; the
fixture instrument and the vocabularies are rewritten under ``https://example.org/law/`` and
built without shapes (the shapes name the default base's schemes).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.build import build
from api.settings import DEFAULT_ROOT, Settings
from tests.conftest import FIXTURES

DEFAULT_ID = "https://w3id.org/ocsea/id/"
BASE = "https://example.org/law/"
ID = BASE + "id/"


def _rebased(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text(encoding="utf-8").replace(DEFAULT_ID, ID), encoding="utf-8")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("other-base")
    shutil.copytree(DEFAULT_ROOT / "ontology", root / "ontology")
    shutil.copytree(DEFAULT_ROOT / "queries", root / "queries")
    for vocabulary in sorted((DEFAULT_ROOT / "data" / "vocabularies").glob("*.ttl")):
        _rebased(vocabulary, root / "data" / "vocabularies" / vocabulary.name)
    _rebased(FIXTURES / "valid-instrument.ttl", root / "data" / "instruments" / "test-decision.ttl")
    (root / "shapes").mkdir()
    settings = Settings.from_env(
        {
            "OCSEA_ROOT": str(root),
            "OCSEA_STORE": str(root / "var" / "store"),
            "OCSEA_BASE_IRI": BASE,
        }
    )
    summary = build(settings.store_path, settings)
    assert summary.instruments == 2
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_instruments_and_provisions_resolve_by_slug_and_iri(client: TestClient) -> None:
    listed = client.get("/api/instruments").json()["items"]
    assert {item["id"] for item in listed} == {ID + "test-decision", ID + "test-resolution"}
    assert {item["slug"] for item in listed} == {"test-decision", "test-resolution"}
    assert client.get("/api/instruments/test-decision").status_code == 200
    by_iri = client.get("/api/statements", params={"instrument": ID + "test-decision"})
    assert by_iri.status_code == 200 and by_iri.json()["items"]
    default_iri = client.get("/api/statements", params={"instrument": DEFAULT_ID + "test-decision"})
    assert default_iri.status_code == 400  # not an instrument of this base
    provision = client.get("/api/instruments/test-decision/provisions/op-1")
    assert provision.status_code == 200 and provision.json()["id"] == ID + "test-decision/op-1"


@pytest.mark.parametrize("actor", ["test-states", "actor:test-states", ID + "actor/test-states"])
def test_actor_spellings_resolve_under_the_base(client: TestClient, actor: str) -> None:
    statements = client.get("/api/statements", params={"actor": actor})
    assert statements.status_code == 200, statements.text
    assert statements.json()["items"], "the fixture's statements are addressed to test-states"
    assert all(s["id"].startswith(ID) for s in statements.json()["items"])


def test_themes_resolve_and_are_linked_under_the_base(client: TestClient) -> None:
    theme = client.get("/api/themes/cap-1")
    assert theme.status_code == 200, theme.text
    assert theme.json()["id"] == ID + "theme/cap-1"
    assert client.get("/api/themes/reporting-hotlines").json()["kind"] == "topic"
    statements = client.get("/api/statements", params={"theme": "theme:cap-1"}).json()["items"]
    actors = [a for s in statements for a in s["addressees"]]
    assert actors and all(a["api"].endswith("/api/actors/test-states") for a in actors)


def test_unknown_names_are_refused_with_the_base_in_the_hint(client: TestClient) -> None:
    answer = client.get("/api/statements", params={"actor": "no-such-actor"})
    assert answer.status_code == 400 and "/api/actors" in answer.text
    bad = client.get("/api/statements", params={"actor": "not an actor"})
    assert bad.status_code == 400 and "actor:un-member-states" in bad.text


def test_the_editor_shortens_iris_with_the_base(client: TestClient) -> None:
    page = client.get("/editor", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'data-base-iri="{ID}"' in page.text
    assert f"{ID}actor/" in page.text and DEFAULT_ID not in page.text.split("data-base-iri")[1][:80]
