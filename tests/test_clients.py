"""Real clients against a real server: SPARQLWrapper, rdflib's SPARQLStore, httpx, rdflib's JSON-LD.

The module starts ``ocsea serve`` as a subprocess on a free port of 127.0.0.1 over a copy of the
built store (read-only: no write token in its environment), waits for ``/health`` (at most
:data:`START_TIMEOUT` seconds) and stops it at the end. Every answer is compared with the
sources (``data/`` read with rdflib) or with another way of asking the same server.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from api.namespaces import OCSEA
from api.settings import DEFAULT_ROOT

START_TIMEOUT = 60.0
"""Seconds the server may take to answer /health."""

INSTRUMENT = URIRef("https://w3id.org/ocsea/id/osce-mc-dec-9-07")
PROVISION = URIRef("https://w3id.org/ocsea/id/osce-mc-dec-9-07/para_5")
LABELS = f"SELECT ?label WHERE {{ <{INSTRUMENT}> rdfs:label ?label }} ORDER BY ?label"
INSTRUMENTS = "SELECT ?i WHERE { ?i a ocsea:EncodedInstrument } ORDER BY ?i"


@cache
def source() -> Graph:
    graph = Graph()
    for path in sorted((DEFAULT_ROOT / "data").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def source_labels() -> set[Literal]:
    return {o for o in source().objects(INSTRUMENT, RDFS.label) if isinstance(o, Literal)}


def source_instruments() -> set[URIRef]:
    return {
        s for s in source().subjects(RDF.type, OCSEA.EncodedInstrument) if isinstance(s, URIRef)
    }


# -- the server --------------------------------------------------------------------------------


@dataclass
class Server:
    """A running ``ocsea serve``."""

    base: str
    process: subprocess.Popen[bytes]

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_health(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
            raise RuntimeError(f"ocsea serve exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(base + "/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"ocsea serve did not answer /health within {START_TIMEOUT:g} s")


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    copy = tmp_path_factory.mktemp("clients") / "store"
    shutil.copytree(built_store, copy)
    port = _free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OCSEA_")  # no write token, no remote store, the real project
    }
    command = [
        str(Path(sys.executable).with_name("ocsea")),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--store",
        str(copy),
    ]
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(base, process)
        yield Server(base, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wrapper(server: Server, query: str, return_format: str, method: str = GET) -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    client.setTimeout(20)
    return client


# -- SPARQLWrapper -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_select_json(server: Server, method: str) -> None:
    result = wrapper(server, LABELS, JSON, method).queryAndConvert()
    assert isinstance(result, dict)
    labels = {
        Literal(b["label"]["value"], lang=b["label"].get("xml:lang"))
        for b in result["results"]["bindings"]
    }
    assert labels == source_labels()


def test_sparqlwrapper_select_xml(server: Server) -> None:
    document = wrapper(server, INSTRUMENTS, XML).queryAndConvert()
    uris = {URIRef(node.firstChild.data) for node in document.getElementsByTagName("uri")}  # type: ignore[union-attr]
    assert uris == source_instruments()


def test_sparqlwrapper_select_csv(server: Server) -> None:
    data = wrapper(server, INSTRUMENTS, CSV).queryAndConvert()
    assert isinstance(data, bytes)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == ["i"]
    assert {URIRef(row[0]) for row in rows[1:]} == source_instruments()


def test_sparqlwrapper_post_directly_and_urlencoded(server: Server) -> None:
    answers = []
    for request_method in (POSTDIRECTLY, URLENCODED):
        client = wrapper(server, INSTRUMENTS, JSON, POST)
        client.setRequestMethod(request_method)
        result = client.queryAndConvert()
        assert isinstance(result, dict)
        answers.append({URIRef(b["i"]["value"]) for b in result["results"]["bindings"]})
    assert answers[0] == answers[1] == source_instruments()


def test_sparqlwrapper_ask(server: Server) -> None:
    yes = wrapper(server, f"ASK {{ <{INSTRUMENT}> a ocsea:EncodedInstrument }}", JSON)
    assert yes.queryAndConvert() == {"head": {}, "boolean": True}
    no = wrapper(server, f"ASK {{ <{INSTRUMENT}> a ocsea:NormativeStatement }}", JSON)
    assert no.queryAndConvert()["boolean"] is False  # type: ignore[index]


@pytest.mark.parametrize("return_format", [RDFXML, TURTLE])
def test_sparqlwrapper_construct(server: Server, return_format: str) -> None:
    query = (
        f"CONSTRUCT {{ ?p ocsea:partOf <{INSTRUMENT}> }} WHERE {{ ?p ocsea:partOf <{INSTRUMENT}> }}"
    )
    result = wrapper(server, query, return_format).queryAndConvert()
    if isinstance(result, bytes):
        result = Graph().parse(data=result.decode("utf-8"), format="turtle")
    assert isinstance(result, Graph)
    assert set(result) == set(source().triples((None, OCSEA.partOf, INSTRUMENT)))


def test_sparqlwrapper_reports_a_bad_query(server: Server) -> None:
    with pytest.raises(QueryBadFormed) as error:
        wrapper(server, "SELECT ?x WHERE { ?x ", JSON).query()
    assert "syntax" in str(error.value).lower()


# -- rdflib's SPARQLStore ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def remote_graph(server: Server) -> Iterator[Graph]:
    graph = Graph(store=SPARQLStore(query_endpoint=server.sparql, returnFormat="json"))
    yield graph
    graph.close()


def test_sparqlstore_query(remote_graph: Graph) -> None:
    rows = remote_graph.query(LABELS)
    assert {row[0] for row in rows} == source_labels()  # type: ignore[index]
    ask = remote_graph.query(f"ASK {{ <{INSTRUMENT}> rdfs:label ?l }}")
    assert ask.askAnswer is True


def test_sparqlstore_triples_and_contains(remote_graph: Graph) -> None:
    served = set(remote_graph.triples((PROVISION, None, None)))
    expected = {t for t in source().triples((PROVISION, None, None)) if t[1] != OCSEA.position}
    assert expected <= served  # the store also has the reasoner's triples
    assert (PROVISION, OCSEA.partOf, INSTRUMENT) in remote_graph
    assert (PROVISION, OCSEA.partOf, PROVISION) not in remote_graph


def test_sparqlstore_len_is_the_union_of_the_dump(server: Server, remote_graph: Graph) -> None:
    dump = Dataset()
    dump.parse(data=httpx.get(server.base + "/dump", timeout=30).text, format="nquads")
    union = {(s, p, o) for s, p, o, _g in dump.quads((None, None, None, None))}
    assert len(remote_graph) == len(union)


# -- plain HTTP clients ------------------------------------------------------------------------


def test_httpx_dereferences_an_iri_as_turtle(server: Server) -> None:
    response = httpx.get(
        server.base + "/id/osce-mc-dec-9-07/para_5", headers={"Accept": "text/turtle"}, timeout=10
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    served = Graph().parse(data=response.text, format="turtle")
    expected = {t for t in source().triples((PROVISION, None, None)) if t[1] != OCSEA.position}
    assert expected <= set(served)
    again = httpx.get(
        server.base + "/id/osce-mc-dec-9-07/para_5",
        headers={"Accept": "text/turtle", "If-None-Match": response.headers["etag"]},
        timeout=10,
    )
    assert again.status_code == 304


def test_rdflib_reads_json_ld_with_the_published_context(server: Server) -> None:
    """A document that only names /context.jsonld: rdflib fetches it over HTTP and expands."""
    document = httpx.get(
        server.base + "/id/osce-mc-dec-9-07/para_5",
        headers={"Accept": "application/ld+json"},
        timeout=10,
    ).json()
    embedded = Graph().parse(data=document, format="json-ld")  # type: ignore[arg-type]
    document["@context"] = server.base + "/context.jsonld"
    remote = Graph().parse(data=document, format="json-ld")  # type: ignore[arg-type]
    assert set(remote) == set(embedded)
    assert (PROVISION, OCSEA.partOf, INSTRUMENT) in remote
