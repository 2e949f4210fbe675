"""The W3C SPARQL 1.1 Protocol conformance tests, run against a real ``ocsea serve`` server.

The manifest and its data come from ``shared/w3c/sparql11-protocol`` next to the repository
(override with ``OCSEA_W3C_DIR``); the tests are skipped when it is absent. One server runs on a
random free port of 127.0.0.1 over an empty temporary store, with a write token (the update
tests need it; every request carries it). Before each test the store is emptied and the test's
``ut:graphData`` files are loaded into their named graphs, through the endpoint itself.

Each ``ht:Request`` of a test is sent as written (method, headers, body in its character
encoding), with the manifest's ``/sparql/`` path mapped to ``/sparql``; the answer must have the
expected status class, and for results the expected format (boolean, tabular, RDF) and value.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from api.settings import DEFAULT_ROOT
from api.store.oxigraph import OxigraphRepository

W3C_DIR = Path(
    os.environ.get("OCSEA_W3C_DIR") or DEFAULT_ROOT.parent / "shared/w3c/sparql11-protocol"
)
MANIFEST = W3C_DIR / "manifest.ttl"
TOKEN = "w3c-test-token"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}

pytestmark = pytest.mark.skipif(
    not MANIFEST.is_file(),
    reason=f"W3C SPARQL 1.1 Protocol tests not found at {W3C_DIR} (set OCSEA_W3C_DIR)",
)


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    result_format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[HttpRequest]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)


def _list(graph: Graph, head: object) -> list[object]:
    return list(Collection(graph, head))  # type: ignore[arg-type]


def load_manifest() -> list[ProtocolTest]:
    """The tests of the manifest, in its order."""
    graph = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
    tests = []
    for entry in _list(graph, graph.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        requests = []
        action = graph.value(entry, MF.action)  # type: ignore[arg-type]
        for req in _list(graph, graph.value(action, HT.requests)):
            headers = {}
            head_list = graph.value(req, HT.headers)  # type: ignore[arg-type]
            if head_list is not None:
                for header in _list(graph, head_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(  # type: ignore[arg-type]
                        graph.value(header, HT.fieldValue)  # type: ignore[arg-type]
                    )
            body_node = graph.value(req, HT.body)  # type: ignore[arg-type]
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            resp = graph.value(req, HT.resp)  # type: ignore[arg-type]
            statuses = {str(s).rsplit("#", 1)[-1] for s in graph.objects(resp, MF.expectedStatus)}
            expected_format = graph.value(resp, MF.expectedFormat)
            expected_boolean = graph.value(resp, MF.expectedBoolean)
            path = str(graph.value(req, HT.absolutePath))
            assert path.startswith("/sparql/"), path
            requests.append(
                HttpRequest(
                    method=str(graph.value(req, HT.methodName)),
                    path="/sparql" + path[len("/sparql/") :],
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    result_format=str(expected_format) if expected_format is not None else None,
                    boolean=expected_boolean.toPython() if expected_boolean is not None else None,  # type: ignore[union-attr]
                )
            )
        graph_data = []
        for data in graph.objects(entry, UT.graphData):  # type: ignore[arg-type]
            file = URIRef(str(graph.value(data, UT.graph)))
            label = str(graph.value(data, RDFS.label))
            graph_data.append((W3C_DIR / file.rsplit("/", 1)[-1], label))
        tests.append(
            ProtocolTest(name, str(graph.value(entry, MF.name)), requests, graph_data)  # type: ignore[arg-type]
        )
    return tests


TESTS = load_manifest() if MANIFEST.is_file() else []


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """``ocsea serve`` on an empty store, with a write token; a client with that token."""
    store = tmp_path_factory.mktemp("w3c") / "store"
    OxigraphRepository(store).close()
    port = _free_port()
    env = {**os.environ, "OCSEA_WRITE_TOKEN": TOKEN, "OCSEA_QUERY_TIMEOUT": "10"}
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--store", str(store)],
        cwd=DEFAULT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"the server exited with {process.returncode}:\n{output}")
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the server did not start within 30 s")
            time.sleep(0.1)
        yield client
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _reset(client: httpx.Client, graph_data: list[tuple[Path, str]]) -> None:
    """Empty the store and load each data file into the named graph of its label."""
    inserts = "".join(
        f"GRAPH <{label}> {{ {file.read_text(encoding='utf-8')} }}\n" for file, label in graph_data
    )
    update = "DROP ALL" + (f" ; INSERT DATA {{ {inserts} }}" if inserts else "")
    response = client.post(
        "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
    )
    assert response.status_code == 204, response.text


def _status_class(code: int) -> str:
    return f"StatusCode{code // 100}xx"


def _check_result(request: HttpRequest, response: httpx.Response) -> None:
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if request.result_format == "boolean":
        assert media_type in BOOLEAN_TYPES, media_type
        if media_type == "application/sparql-results+json":
            value = json.loads(response.content)["boolean"]
        else:
            root = ElementTree.fromstring(response.content)
            ns = "{http://www.w3.org/2005/sparql-results#}"
            value = root.find(f"{ns}boolean").text == "true"  # type: ignore[union-attr]
        if request.boolean is not None:
            assert value is request.boolean
    elif request.result_format == "tabular":
        assert media_type in TABULAR_TYPES, media_type
        if media_type == "application/sparql-results+json":
            assert "results" in json.loads(response.content)
    elif request.result_format == "RDF":
        assert media_type in RDF_TYPES, media_type
        Graph().parse(data=response.content, format=RDF_TYPES[media_type])


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(server: httpx.Client, test: ProtocolTest) -> None:
    _reset(server, test.graph_data)
    for request in test.requests:
        response = server.request(
            request.method,
            request.path,
            headers=request.headers,
            content=request.body,
        )
        assert _status_class(response.status_code) in request.statuses, (
            f"{test.title}: {request.method} {request.path} → {response.status_code} "
            f"{response.text[:300]}"
        )
        if response.status_code < 300:
            _check_result(request, response)


def test_manifest_has_all_tests() -> None:
    assert len(TESTS) == 34
