"""The server opens no URL for a client: every way to name one is tried against a real listener.

A TCP listener on a free port of 127.0.0.1 counts the connections it receives (and answers any
with a small Turtle document, so that a fetch would succeed and could not hide behind an error).
Then the app is asked, in every way a client could, to read that URL: ``SERVICE`` in queries and
updates, ``LOAD``, ``FROM``/``FROM NAMED``, ``DESCRIBE``, the protocol's dataset parameters,
a JSON-LD ``@context`` (and ``@import``) naming it in ``/validate`` and Graph Store uploads,
Turtle with ``@base``/``@prefix``/``owl:imports`` naming it, ``/validate?graph=``, ``/id`` and
REST/catalogue parameters that are the URL. Every answer must be a 2xx or a clear 4xx (never a
5xx), and at the end the listener must have received **no** connection.

Queries go to the shared read-only app (in the worker processes); uploads and writes to a
writable copy of the store with its shapes and a write token.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.gate_support import AUTH, TOKEN, fixture_text, gated_copy, graph_name


class Listener:
    """A TCP server on 127.0.0.1 that records every connection it accepts."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = int(self.socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, peer = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(peer)
            with connection:
                connection.settimeout(1.0)
                try:
                    connection.recv(65536)
                    body = b"<urn:fetched> <urn:fetched> <urn:fetched> .\n"
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: "
                        + str(len(body)).encode()
                        + b"\r\nConnection: close\r\n\r\n"
                        + body
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


@pytest.fixture(scope="module")
def writable_client(
    built_store: Path, real_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    store = gated_copy(built_store, tmp_path_factory.mktemp("no-fetch") / "store")
    settings = dataclasses.replace(
        real_settings, store_path=store, write_token=TOKEN, query_workers=0
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _no_server_error(response: object, what: str) -> int:
    status = int(response.status_code)  # type: ignore[attr-defined]
    assert status < 500, f"{what}: {status} {response.text[:300]}"  # type: ignore[attr-defined]
    return status


def _queries(url: str) -> list[tuple[str, str, int | None]]:
    """(what, query, expected status or None for 'any 2xx/4xx')."""
    return [
        ("SERVICE", f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", 400),
        ("SERVICE SILENT", f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}", 400),
        ("FROM", f"SELECT * FROM <{url}> {{ ?s ?p ?o }}", 200),
        ("FROM NAMED", f"SELECT * FROM NAMED <{url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}", 200),
        ("GRAPH", f"SELECT * {{ GRAPH <{url}> {{ ?s ?p ?o }} }}", 200),
        ("DESCRIBE", f"DESCRIBE <{url}>", 200),
        ("CONSTRUCT FROM", f"CONSTRUCT {{ ?s ?p ?o }} FROM <{url}> WHERE {{ ?s ?p ?o }}", 200),
        ("IRI()", f'SELECT (IRI("{url}") AS ?x) {{}}', 200),
        ("BASE", f"BASE <{url}> SELECT * {{ <x> ?p ?o }}", 200),
    ]


def test_queries_fetch_nothing(real_client: TestClient, listener: Listener) -> None:
    for what, query, expected in _queries(listener.url):
        got = real_client.get("/sparql", params={"query": query})
        assert _no_server_error(got, what) == expected, (what, got.text)
        posted = real_client.post("/sparql", data={"query": query})
        assert _no_server_error(posted, what) == expected, (what, posted.text)
    for parameter in ["default-graph-uri", "named-graph-uri"]:
        got = real_client.get(
            "/sparql",
            params={"query": "SELECT * { ?s ?p ?o } LIMIT 1", parameter: listener.url},
        )
        assert _no_server_error(got, parameter) == 200
    assert (
        "SERVICE federation is disabled"
        in real_client.get("/sparql", params={"query": _queries(listener.url)[0][1]}).text
    )
    assert listener.connections == []


def test_updates_fetch_nothing(writable_client: TestClient, listener: Listener) -> None:
    url = listener.url
    updates = [
        ("LOAD", f"LOAD <{url}>", 400),
        ("LOAD SILENT INTO", f"LOAD SILENT <{url}> INTO GRAPH <urn:x>", 400),
        (
            "SERVICE",
            f"INSERT {{ <urn:a> <urn:b> ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
            400,
        ),
        (
            "USING",
            f"INSERT {{ GRAPH <urn:no-fetch> {{ ?s ?p ?o }} }} USING <{url}> WHERE {{ ?s ?p ?o }}",
            None,
        ),
    ]
    for what, update, expected in updates:
        answer = writable_client.post(
            "/sparql",
            content=update,
            headers={"Content-Type": "application/sparql-update", **AUTH},
        )
        status = _no_server_error(answer, what)
        if expected is not None:
            assert status == expected, (what, answer.text)
    using = writable_client.post(
        "/sparql",
        data={"update": "INSERT { GRAPH <urn:no-fetch> { ?s ?p ?o } } WHERE { ?s ?p ?o }"},
        params={"using-graph-uri": url},
        headers=AUTH,
    )
    _no_server_error(using, "using-graph-uri")
    assert (
        "LOAD is disabled"
        in writable_client.post(
            "/sparql",
            content=updates[0][1],
            headers={"Content-Type": "application/sparql-update", **AUTH},
        ).text
    )
    assert listener.connections == []


def _uploads(url: str) -> list[tuple[str, str, str]]:
    """(what, content type, body) of documents that name the listener's URL."""
    owl_imports = (
        f"@base <{url}> .\n@prefix remote: <{url}> .\n"
        f"<urn:ocsea-test:doc> <http://www.w3.org/2002/07/owl#imports> <{url}> ;\n"
        "  <http://www.w3.org/2000/01/rdf-schema#seeAlso> remote:thing , <relative> .\n"
    )
    return [
        (
            "JSON-LD remote @context",
            "application/ld+json",
            json.dumps({"@context": url, "@id": "urn:a"}),
        ),
        (
            "JSON-LD @context list",
            "application/ld+json",
            json.dumps({"@context": [url, {"x": "urn:x"}], "@id": "urn:a", "x": "1"}),
        ),
        (
            "JSON-LD @import",
            "application/ld+json",
            json.dumps({"@context": {"@version": 1.1, "@import": url}, "@id": "urn:a"}),
        ),
        ("Turtle @base/@prefix/owl:imports", "text/turtle", owl_imports),
    ]


def test_uploads_fetch_nothing(writable_client: TestClient, listener: Listener) -> None:
    real_client = writable_client  # the shared store has no shapes graph: validate on the copy
    for what, content_type, body in _uploads(listener.url):
        answer = real_client.post("/validate", content=body, headers={"Content-Type": content_type})
        status = _no_server_error(answer, f"/validate {what}")
        if "@context" in body and content_type.endswith("json"):
            assert status == 400, (what, answer.text)
        put = writable_client.put(
            "/rdf-graph-store",
            params={"graph": "urn:ocsea-test:no-fetch"},
            content=body,
            headers={"Content-Type": content_type, **AUTH},
        )
        _no_server_error(put, f"PUT {what}")
    remote = real_client.post(
        "/validate",
        content=_uploads(listener.url)[0][2],
        headers={"Content-Type": "application/ld+json"},
    )
    assert "does not fetch" in remote.text
    dry_run = real_client.post(
        "/validate",
        params={"graph": listener.url},
        content=fixture_text(),
        headers={"Content-Type": "text/turtle"},
    )
    _no_server_error(dry_run, "/validate?graph=URL")
    instrument = writable_client.put(
        "/rdf-graph-store",
        params={"graph": graph_name()},
        content=fixture_text()
        + f"\n<{listener.url}> <http://www.w3.org/2002/07/owl#imports> <{listener.url}> .\n",
        headers={"Content-Type": "text/turtle", **AUTH},
    )
    _no_server_error(instrument, "PUT instrument with owl:imports")
    assert listener.connections == []


def test_resource_and_rest_parameters_fetch_nothing(
    real_client: TestClient, listener: Listener
) -> None:
    url = listener.url
    requests = [
        f"/id/{url}",
        f"/id/unga-res-74-174/{url}",
        f"/api/actors/{url}",
        f"/api/themes/{url}",
        f"/api/instruments/{url}",
        f"/api/instruments/unga-res-74-174/provisions/{url}",
    ]
    for path in requests:
        _no_server_error(real_client.get(path), path)
    with_params = [
        ("/api/statements", {"actor": url}),
        ("/api/statements", {"theme": url}),
        ("/api/statements", {"qualifier": url}),
        ("/queries/addressed-to-actor", {"actor": url}),
        ("/queries/who-must-do-what", {"instrument": url}),
        ("/queries/search-provisions", {"text": url, "instrument": url}),
        ("/rdf-graph-store", {"graph": url}),
        ("/dump", {"graph": url}),
    ]
    for path, params in with_params:
        _no_server_error(real_client.get(path, params=params), f"{path} {params}")
    assert listener.connections == []


def test_the_listener_does_count_connections(listener: Listener) -> None:
    """The check above can fail: a real request to the listener is seen."""
    before = len(listener.connections)
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as connection:
        connection.sendall(b"GET / HTTP/1.0\r\n\r\n")
        connection.recv(1024)
    assert len(listener.connections) == before + 1
    listener.connections.clear()
