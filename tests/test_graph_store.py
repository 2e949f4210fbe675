"""The Graph Store Protocol at ``/rdf-graph-store`` and the gated SPARQL Update.

The apps are writable (with a write token) over copies of the built store with its shapes graph.
The instrument written is the fictitious fixture tests/fixtures/shapes/valid.ttl; the
non-conforming ones are mutants of it from tests/test_shapes.py (each fails one shape). Tests
whose writes are all refused share one app (``written``, where the fixture is already written:
a refusal must leave it as it is); tests that change the store get their own (``client``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH

from api.app import create_app
from api.settings import DEFAULT_ROOT, Settings
from api.write_log import written_graphs
from tests import test_shapes
from tests.gate_support import (
    AUTH,
    TOKEN,
    TURTLE,
    fixture_graph,
    fixture_text,
    gated_copy,
    graph_name,
    instrument,
    triples,
)

OCSEA = Namespace("https://w3id.org/ocsea/ontology#")
TFI = Namespace("https://w3id.org/ocsea/id/test-fixture-instrument/")
G = "https://w3id.org/ocsea/id/graph/"
UNGA = "https://w3id.org/ocsea/id/unga-res-74-174"
STORE = "/rdf-graph-store"
UPDATE = {"Content-Type": "application/sparql-update", **AUTH}
# Violation mutants of the shapes tests whose changes stay inside valid.ttl
VIOLATIONS = ["provision-text-missing", "statement-verb-wrong-case", "instrument-issuer-not-actor"]


def _settings(store: Path, **env: str) -> Settings:
    return Settings.from_env({"OCSEA_ROOT": str(DEFAULT_ROOT), **env}).with_store(store)


@pytest.fixture(scope="module")
def gated(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return gated_copy(built_store, tmp_path_factory.mktemp("gsp") / "store")


@pytest.fixture
def client(gated: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A writable app over a fresh copy of the gated store."""
    copy = tmp_path / "store"
    shutil.copytree(gated, copy)
    with TestClient(create_app(_settings(copy, OCSEA_WRITE_TOKEN=TOKEN))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def written(gated: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A writable app where the fixture is written, for tests whose writes are refused."""
    copy = tmp_path_factory.mktemp("written") / "store"
    shutil.copytree(gated, copy)
    with TestClient(create_app(_settings(copy, OCSEA_WRITE_TOKEN=TOKEN))) as test_client:
        assert _put(test_client, fixture_text()).status_code == 201
        yield test_client


def _put(client: TestClient, body: str, graph: str | None = None, **headers: str) -> object:
    return client.put(
        STORE,
        params={"graph": graph or graph_name()},
        content=body,
        headers={**TURTLE, **AUTH, **headers},
    )


def _graph(client: TestClient, graph: str | None = None) -> set[tuple[str, str, str]] | None:
    """The triples of a graph as served (``None`` when there is no such graph)."""
    response = client.get(STORE, params={"graph": graph or graph_name()})
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    return triples(response.text)


def _ask(client: TestClient, query: str) -> bool:
    answer: bool = client.get("/sparql", params={"query": query}).json()["boolean"]
    return answer


def _mutant(mutant_id: str) -> tuple[test_shapes.Mutant, str]:
    (mutant,) = [m for m in test_shapes.MUTANTS if m.id == mutant_id]
    graph = fixture_graph()
    for op in mutant.ops:
        op(graph)
    return mutant, graph.serialize(format="turtle")


# --------------------------------------------------------------------------- auth and reads


def test_writes_need_the_right_token(client: TestClient) -> None:
    missing = client.put(
        STORE, params={"graph": graph_name()}, content=fixture_text(), headers=TURTLE
    )
    assert missing.status_code == 401
    assert "Bearer" in missing.headers["www-authenticate"] and "Authorization" in missing.text
    wrong = client.put(
        STORE,
        params={"graph": graph_name()},
        content=fixture_text(),
        headers={**TURTLE, "Authorization": "Bearer nope"},
    )
    assert wrong.status_code == 403 and "not valid" in wrong.text
    basic = client.delete(
        STORE, params={"graph": graph_name()}, headers={"Authorization": "Basic x"}
    )
    assert basic.status_code == 401
    assert _graph(client) is None
    store = client.app.state.settings.store_path  # type: ignore[attr-defined]
    assert written_graphs(store) == []  # refused: nothing for the next build to save
    right = _put(client, fixture_text())
    assert right.status_code == 201, right.text
    assert _graph(client) == triples(fixture_text())
    assert written_graphs(store) == [graph_name()]  # saved by the next build (api.write_log)
    # PUT replaces: 204 for a graph that exists
    changed = fixture_text().replace(
        "Test fixture: the invented", "Test fixture (edited): the invented"
    )
    assert changed != fixture_text()
    assert _put(client, changed).status_code == 204
    assert _graph(client) == triples(changed)


def test_without_a_configured_token_writes_are_off_and_reads_open(gated: Path) -> None:
    with TestClient(create_app(_settings(gated))) as read_only:
        refused = _put(read_only, fixture_text())
        assert refused.status_code == 403 and "writes are disabled" in refused.text
        unga = read_only.get(STORE, params={"graph": G + "unga-res-74-174"})
        assert unga.status_code == 200 and unga.headers["content-type"].startswith("text/turtle")
        assert (f"<{UNGA}>", f"<{RDF.type}>", f"<{OCSEA.EncodedInstrument}>") in triples(unga.text)


def test_reads_negotiate_and_explain_errors(client: TestClient) -> None:
    graph = G + "interpol-ga-2021-89-res-09"
    turtle = client.get(STORE, params={"graph": graph})
    nt = client.get(STORE, params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert nt.headers["content-type"].startswith("application/n-triples")
    assert triples(nt.text, "nt") == triples(turtle.text) and len(triples(nt.text, "nt")) > 100
    jsonld = client.get(STORE, params={"graph": graph, "format": "jsonld"})
    assert triples(jsonld.text, "json-ld") == triples(turtle.text)
    head = client.head(STORE, params={"graph": graph})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("text/turtle")
    missing = client.get(STORE, params={"graph": G + "no-such-instrument"})
    assert missing.status_code == 404 and "no graph" in missing.text
    assert client.head(STORE, params={"graph": G + "no-such-instrument"}).status_code == 404
    assert client.get(STORE).status_code == 400
    default = client.get(STORE, params={"default": ""})
    assert default.status_code == 400 and "?graph=" in default.text
    assert client.get(STORE, params={"graph": "no iri"}).status_code == 400


# --------------------------------------------------------------------------- the gate


@pytest.mark.parametrize("mutant_id", VIOLATIONS)
def test_a_graph_that_does_not_conform_is_refused_and_nothing_changes(
    written: TestClient, mutant_id: str
) -> None:
    client = written
    mutant, body = _mutant(mutant_id)
    refused = _put(client, body)
    assert refused.status_code == 422
    report = refused.json()
    assert report["conforms"] is False and "nothing was changed" in report["message"]
    shapes = {r["sourceShape"] for r in report["results"] if r["severity"] == "Violation"}
    assert f"https://w3id.org/ocsea/shapes#{mutant.shape}" in shapes
    assert _graph(client) == triples(fixture_text())
    store = client.app.state.settings.store_path  # type: ignore[attr-defined]
    assert written_graphs(store) == [graph_name()]  # the first write only, not the refusal


def test_warnings_do_not_refuse_a_write(client: TestClient) -> None:
    mutant, body = _mutant("instrument-title-en-missing")
    assert mutant.severity == "Warning"
    assert _put(client, body).status_code == 201
    assert _graph(client) == triples(body)


def test_refusal_report_by_content_negotiation(written: TestClient) -> None:
    _, body = _mutant("statement-force-missing")
    turtle = _put(written, body, Accept="text/turtle")
    assert turtle.status_code == 422 and turtle.headers["content-type"].startswith("text/turtle")
    report = Graph().parse(data=turtle.text, format="turtle")
    assert (None, SH.conforms, Literal(False)) in report
    assert (None, SH.focusNode, TFI.para_1_st_1) in report
    assert _graph(written) == triples(fixture_text())
    unanswerable = _put(written, body, Accept="image/png")
    assert unanswerable.status_code == 406


def test_the_graph_must_hold_its_own_instrument_only(written: TestClient) -> None:
    client = written
    elsewhere = _put(client, fixture_text(), graph=G + "another-instrument")
    assert elsewhere.status_code == 422
    messages = [r["message"] for r in elsewhere.json()["results"]]
    assert any("must describe its instrument" in m for m in messages)
    assert sum("is not the instrument" in m for m in messages) == len(
        {s for s in fixture_graph().subjects() if isinstance(s, URIRef)}
    )
    actor = fixture_text() + (
        "\n<https://w3id.org/ocsea/id/actor/test-made-up> a ocsea:Actor ;\n"
        '    rdfs:label "Made-up actor (fictitious)"@en , "Actor inventado (ficticio)"@es .\n'
    )
    refused = _put(client, actor)
    assert refused.status_code == 422
    outside = [r for r in refused.json()["results"] if "is not the instrument" in r["message"]]
    assert [r["focusNode"] for r in outside] == ["https://w3id.org/ocsea/id/actor/test-made-up"]
    assert outside[0]["line"] == len(fixture_text().splitlines()) + 2
    assert _graph(client) == triples(fixture_text())


def test_build_graphs_and_other_project_iris_are_read_only(written: TestClient) -> None:
    client = written
    vocabularies = _graph(client, G + "vocabularies")
    assert vocabularies
    for name in ("ontology", "vocabularies", "correspondences", "inferred", "shapes"):
        refused = _put(client, fixture_text(), graph=G + name)
        assert refused.status_code == 403 and "ocsea build" in refused.text
        assert client.delete(STORE, params={"graph": G + name}, headers=AUTH).status_code == 403
    nested = _put(client, fixture_text(), graph=G + "a/b")
    assert nested.status_code == 403 and "instrument graph is" in nested.text
    assert _put(client, fixture_text(), graph=UNGA).status_code == 403
    assert _graph(client, G + "vocabularies") == vocabularies


def test_graphs_outside_the_project_may_not_mention_project_iris(client: TestClient) -> None:
    own = '<urn:example:s> <urn:example:p> "a note" .\n'
    assert _put(client, own, graph="urn:example:notes").status_code == 201
    assert _graph(client, "urn:example:notes") == triples(own)
    injected = f"<urn:example:s> a <{OCSEA.EncodedInstrument}> .\n"
    refused = _put(client, injected, graph="urn:example:notes")
    assert refused.status_code == 422 and "may not mention the project's IRIs" in refused.text
    assert _graph(client, "urn:example:notes") == triples(own)


def test_post_merges_and_the_merged_graph_is_gated(client: TestClient) -> None:
    full = fixture_graph()
    erratum = Graph()
    for triple in full.triples((TFI.note_1, None, None)):
        erratum.add(triple)
    without = Graph()
    without += full
    without -= erratum
    assert _put(client, without.serialize(format="turtle")).status_code == 201
    # alone the erratum is no instrument at all (see test_update_refusals); merged, the graph is
    # the whole fixture
    merged = client.post(
        STORE,
        params={"graph": graph_name()},
        content=erratum.serialize(format="turtle"),
        headers={**TURTLE, **AUTH},
    )
    assert merged.status_code == 204, merged.text
    assert _graph(client) == triples(fixture_text())
    # a second position for a paragraph is fine on its own, but not merged
    extra = f"<{TFI.para_1}> <{OCSEA.position}> 9 ."
    refused = client.post(
        STORE, params={"graph": graph_name()}, content=extra, headers={**TURTLE, **AUTH}
    )
    assert refused.status_code == 422
    assert _graph(client) == triples(fixture_text())
    created = client.post(
        STORE,
        params={"graph": graph_name("test-fixture-second")},
        content=fixture_text("test-fixture-second"),
        headers={**TURTLE, **AUTH},
    )
    assert created.status_code == 201


def test_delete_keeps_what_other_graphs_refer_to(client: TestClient) -> None:
    assert _put(client, fixture_text()).status_code == 201
    assert client.delete(STORE, params={"graph": graph_name()}, headers=AUTH).status_code == 204
    assert _graph(client) is None
    again = client.delete(STORE, params={"graph": graph_name()}, headers=AUTH)
    assert again.status_code == 404
    unga = client.delete(STORE, params={"graph": G + "unga-res-74-174"}, headers=AUTH)
    assert unga.status_code == 409
    referrers = {r["focusNode"] for r in unga.json()["results"]}
    assert all(r.startswith("https://w3id.org/ocsea/id/correspondence/") for r in referrers)
    assert _ask(client, f"ASK {{ GRAPH <{G}unga-res-74-174> {{ <{UNGA}> ?p ?o }} }}")


def test_replacing_an_instrument_drops_its_stale_inferences(client: TestClient) -> None:
    graph = G + "osce-mc-dec-9-07"
    osce = client.get(STORE, params={"graph": graph}, headers={"Accept": "application/n-triples"})
    inferred = f"ASK {{ GRAPH <{G}inferred> {{ ?s ?p ?o FILTER (STRSTARTS(STR(?s), STR(?x))) }} }}"
    osce_iri = "https://w3id.org/ocsea/id/osce-mc-dec-9-07"
    about = inferred.replace("STR(?x)", f'"{osce_iri}"')
    assert _ask(client, about)
    replaced = client.put(
        STORE,
        params={"graph": graph},
        content=osce.text,
        headers={"Content-Type": "application/n-triples", **AUTH},
    )
    assert replaced.status_code == 204, replaced.text[:2000]
    assert _graph(client, graph) == triples(osce.text, "nt")
    assert not _ask(client, about)
    assert not _ask(
        client,
        f'ASK {{ GRAPH <{G}inferred> {{ ?s ?p ?o FILTER (STRSTARTS(STR(?o), "{osce_iri}")) }} }}',
    )
    assert _ask(client, inferred.replace("STR(?x)", f'"{UNGA}"'))


def test_request_size_limit(gated: Path, tmp_path: Path) -> None:
    copy = tmp_path / "small"
    shutil.copytree(gated, copy)
    settings = _settings(copy, OCSEA_WRITE_TOKEN=TOKEN, OCSEA_MAX_UPLOAD_BYTES="4096")
    with TestClient(create_app(settings)) as small:
        refused = _put(small, fixture_text())
        assert refused.status_code == 413 and "4096 bytes" in refused.text
        assert _graph(small) is None


def test_body_errors(written: TestClient) -> None:
    client = written
    broken = _put(client, "<urn:a> <urn:b> .")
    assert broken.status_code == 400 and broken.text.startswith("body.ttl:1:")
    named = client.put(
        STORE,
        params={"graph": "urn:example:g"},
        content='{"@id": "urn:example:g2", "@graph": [{"@id": "urn:a", "urn:p": "x"}]}',
        headers={"Content-Type": "application/ld+json", **AUTH},
    )
    assert named.status_code == 400 and "named graphs" in named.text
    wrong_type = client.put(
        STORE,
        params={"graph": graph_name()},
        content="x",
        headers={"Content-Type": "text/csv", **AUTH},
    )
    assert wrong_type.status_code == 415


# --------------------------------------------------------------------------- SPARQL Update


def test_update_passes_the_same_gate(client: TestClient) -> None:
    assert _put(client, fixture_text()).status_code == 201
    g = graph_name()
    breaking = f"DELETE DATA {{ GRAPH <{g}> {{ <{TFI.para_1}> <{OCSEA.position}> 4 }} }}"
    refused = client.post("/sparql", content=breaking, headers=UPDATE)
    assert refused.status_code == 422
    assert "does not pass the gate" in refused.text and "ocsea:position" in refused.text
    assert _graph(client) == triples(fixture_text())
    fine = (
        f"DELETE {{ GRAPH <{g}> {{ ?n rdfs:comment ?c }} }} "
        f'INSERT {{ GRAPH <{g}> {{ ?n rdfs:comment "Test fixture: edited by an update."@en }} }} '
        f"WHERE {{ GRAPH <{g}> {{ ?n a ocsea:Erratum ; rdfs:comment ?c }} }}"
    )
    assert client.post("/sparql", content=fine, headers=UPDATE).status_code == 204
    after = _graph(client)
    assert after is not None
    edited = Literal("Test fixture: edited by an update.", lang="en")
    assert (TFI.note_1.n3(), RDFS.comment.n3(), edited.n3()) in after
    assert len(after) == len(triples(fixture_text()))


def test_update_refusals(written: TestClient) -> None:
    client = written
    vocabulary = f'INSERT DATA {{ GRAPH <{G}vocabularies> {{ <urn:a> <urn:b> "c" }} }}'
    response = client.post("/sparql", content=vocabulary, headers=UPDATE)
    assert response.status_code == 403 and "ocsea build" in response.text
    everywhere = f"DELETE WHERE {{ GRAPH ?g {{ <{UNGA}> ?p ?o }} }}"
    response = client.post("/sparql", content=everywhere, headers=UPDATE)
    assert response.status_code == 403 and "name the graph" in response.text
    drop = f"DROP GRAPH <{G}unga-res-74-174>"
    response = client.post("/sparql", content=drop, headers=UPDATE)
    assert response.status_code == 422 and "correspondences" in response.text
    load = client.post("/sparql", content="LOAD <http://127.0.0.1:9/x.ttl>", headers=UPDATE)
    assert load.status_code == 400 and "LOAD is disabled" in load.text
    inject = f"INSERT DATA {{ GRAPH <urn:example:x> {{ <urn:a> a <{OCSEA.Provision}> }} }}"
    response = client.post("/sparql", content=inject, headers=UPDATE)
    assert response.status_code == 422 and "may not mention" in response.text
    assert _ask(client, f"ASK {{ GRAPH <{G}unga-res-74-174> {{ <{UNGA}> ?p ?o }} }}")
    assert not _ask(client, "ASK { GRAPH <urn:example:x> { ?s ?p ?o } }")
    assert not _ask(client, f"ASK {{ GRAPH <{G}vocabularies> {{ <urn:a> ?p ?o }} }}")
    # an update that leaves only a part of the instrument (its erratum) is refused
    only_erratum = (
        f"DELETE {{ GRAPH <{graph_name()}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{graph_name()}> {{ ?s ?p ?o FILTER (?s != <{TFI.note_1}>) }} }}"
    )
    response = client.post("/sparql", content=only_erratum, headers=UPDATE)
    assert response.status_code == 422 and "must describe its instrument" in response.text
    assert _graph(client) == triples(fixture_text())


def test_update_writes_outside_graphs_and_creates_instruments(client: TestClient) -> None:
    scratch = 'INSERT DATA { GRAPH <urn:example:scratch> { <urn:a> <urn:b> "c" } }'
    assert client.post("/sparql", content=scratch, headers=UPDATE).status_code == 204
    assert _ask(client, 'ASK { GRAPH <urn:example:scratch> { <urn:a> <urn:b> "c" } }')
    body = fixture_graph().serialize(format="nt")
    create = f"INSERT DATA {{ GRAPH <{graph_name()}> {{ {body} }} }}"
    assert client.post("/sparql", content=create, headers=UPDATE).status_code == 204
    assert _graph(client) == triples(fixture_text())
    assert (instrument(), RDF.type, OCSEA.EncodedInstrument) in fixture_graph()


# --------------------------------------------------------------------------- a remote store


def test_the_gate_on_a_remote_store(gated: Path, tmp_path: Path) -> None:
    """Over Oxigraph's own server: the same gate; SPARQL Update refused, it cannot be checked."""
    from api.store.oxigraph import OxigraphRepository
    from api.store.remote import RemoteRepository
    from tests.servers import oxigraph_binary, oxigraph_server

    if not oxigraph_binary().is_file():
        pytest.skip("no oxigraph server binary (pip package 'oxigraph')")
    with oxigraph_server(tmp_path / "oxigraph") as server:
        with (
            OxigraphRepository(gated, read_only=True) as source,
            RemoteRepository(server.endpoint(graph_store=True), read_only=False) as target,
        ):
            for name in source.graphs():
                target.put_graph(name, source.get_graph(name))
        settings = Settings(
            root=DEFAULT_ROOT,
            store_path=tmp_path / "no-store",
            remote=server.endpoint(graph_store=True),
            write_token=TOKEN,
        )
        with TestClient(create_app(settings)) as client:
            assert _put(client, fixture_text()).status_code == 201
            assert _graph(client) == triples(fixture_text())
            _, body = _mutant("provision-text-missing")
            assert _put(client, body).status_code == 422
            assert _graph(client) == triples(fixture_text())
            outside = _put(client, "<urn:a> <urn:b> 1 .", graph="urn:example:g")
            assert outside.status_code == 403 and "remote store" in outside.text
            update = client.post("/sparql", content="CLEAR ALL", headers=UPDATE)
            assert update.status_code == 501 and "Graph Store Protocol" in update.text
            assert (
                client.delete(STORE, params={"graph": graph_name()}, headers=AUTH).status_code
                == 204
            )
            assert _graph(client) is None
