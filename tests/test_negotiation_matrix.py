"""Content negotiation, as a matrix: each endpoint and query form by ``Accept`` (or ``format=``).

For every cell the status and ``Content-Type`` are checked, and a 200 body is parsed in the
format it claims and compared with what the sources say (``data/`` read with rdflib): the
labels of an instrument for ``SELECT``, ``true`` for ``ASK``, its label triples for
``CONSTRUCT``/``DESCRIBE``, the triples about a provision for ``/id``, the ``owl:Class``
declarations for ``/ontology``. Errors (406, 400) must be short plain-text messages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.util import from_n3

from api.namespaces import OCSEA, graph_iri
from api.settings import DEFAULT_ROOT

INSTRUMENT = URIRef("https://w3id.org/ocsea/id/unga-res-74-174")
PROVISION = URIRef("https://w3id.org/ocsea/id/unga-res-74-174/para_5")
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"

QUERIES = {
    "select": f"SELECT ?label WHERE {{ <{INSTRUMENT}> rdfs:label ?label }}",
    "ask": f"ASK {{ <{INSTRUMENT}> a ocsea:EncodedInstrument }}",
    "construct": (
        f"CONSTRUCT {{ <{INSTRUMENT}> rdfs:label ?label }} "
        f"WHERE {{ <{INSTRUMENT}> rdfs:label ?label }}"
    ),
    "describe": f"DESCRIBE <{INSTRUMENT}>",
}

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@cache
def instrument_source() -> Graph:
    graph = Graph()
    graph.parse(DEFAULT_ROOT / "data" / "instruments" / "unga-res-74-174.ttl", format="turtle")
    return graph


def source_labels() -> set[Literal]:
    labels = {o for o in instrument_source().objects(INSTRUMENT, RDFS.label)}
    assert labels and all(isinstance(label, Literal) for label in labels)
    return labels  # type: ignore[return-value]


# -- body checks: parse in the claimed format, compare with the sources ----------------------


def _labels_from_json(response: Response) -> set[Literal]:
    body = response.json()
    assert body["head"]["vars"] == ["label"]
    return {
        Literal(b["label"]["value"], lang=b["label"].get("xml:lang"))
        for b in body["results"]["bindings"]
    }


def _labels_from_xml(response: Response) -> set[Literal]:
    root = ElementTree.fromstring(response.content)
    found = set()
    for literal in root.iter(f"{SPARQL_RESULTS}literal"):
        lang = literal.get("{http://www.w3.org/XML/1998/namespace}lang")
        found.add(Literal(literal.text or "", lang=lang))
    return found


def _labels_from_csv(response: Response) -> set[Literal]:
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["label"]
    # CSV drops language tags: compare the lexical forms only
    return {Literal(row[0]) for row in rows[1:]}


def _labels_from_tsv(response: Response) -> set[Literal]:
    lines = response.text.splitlines()
    assert lines[0] == "?label"
    terms = {from_n3(line) for line in lines[1:] if line}
    return {t for t in terms if isinstance(t, Literal)}


def check_select(parser: Callable[[Response], set[Literal]]) -> Callable[[Response], None]:
    def check(response: Response) -> None:
        found = parser(response)
        expected = source_labels()
        if parser is _labels_from_csv:
            expected = {Literal(str(label)) for label in expected}
        assert found == expected

    return check


def check_ask_json(response: Response) -> None:
    assert response.json()["boolean"] is True


def check_ask_xml(response: Response) -> None:
    root = ElementTree.fromstring(response.content)
    boolean = root.find(f"{SPARQL_RESULTS}boolean")
    assert boolean is not None and boolean.text == "true"


def check_graph(rdflib_format: str, expected: Callable[[], set[tuple[object, object, object]]]):
    def check(response: Response) -> None:
        graph = Graph().parse(data=response.text, format=rdflib_format)
        missing = expected() - set(graph)
        assert not missing, list(missing)[:3]

    return check


def label_triples() -> set[tuple[object, object, object]]:
    return set(instrument_source().triples((INSTRUMENT, RDFS.label, None)))


def provision_triples() -> set[tuple[object, object, object]]:
    # ocsea:position is left out: the store keeps xsd:positiveInteger as xsd:integer
    return {
        t for t in instrument_source().triples((PROVISION, None, None)) if t[1] != OCSEA.position
    }


def ontology_classes() -> set[tuple[object, object, object]]:
    return {(c, RDF.type, OWL.Class) for c in (OCSEA.Provision, OCSEA.NormativeStatement)}


def check_html(marker: str) -> Callable[[Response], None]:
    def check(response: Response) -> None:
        assert response.text.startswith("<!DOCTYPE html>")
        assert marker in response.text

    return check


def check_dataset(rdflib_format: str) -> Callable[[Response], None]:
    def check(response: Response) -> None:
        dataset = Dataset()
        dataset.parse(data=response.text, format=rdflib_format)
        assert label_triples() <= set(dataset.graph(graph_iri("unga-res-74-174")))

    return check


# -- the matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One request and what must come back."""

    id: str
    path: str
    params: tuple[tuple[str, str], ...]
    accept: str | None
    status: int
    content_type: str | None = None
    check: Callable[[Response], None] | None = None


def _sparql(
    form: str,
    accept: str | None,
    status: int,
    content_type: str | None = None,
    check: Callable[[Response], None] | None = None,
    format: str | None = None,
) -> Cell:
    params: tuple[tuple[str, str], ...] = (("query", QUERIES[form]),)
    if format:
        params += (("format", format),)
    name = f"sparql-{form}-{accept}" + (f"-format={format}" if format else "")
    return Cell(name, "/sparql", params, accept, status, content_type, check)


SELECT_JSON = check_select(_labels_from_json)
SELECT_XML = check_select(_labels_from_xml)
SELECT_CSV = check_select(_labels_from_csv)
SELECT_TSV = check_select(_labels_from_tsv)
TTL, NT, JSONLD, RDFXML = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
RESULTS_JSON, RESULTS_XML = "application/sparql-results+json", "application/sparql-results+xml"


def sparql_cells() -> list[Cell]:
    cells = [
        _sparql("select", RESULTS_JSON, 200, RESULTS_JSON, SELECT_JSON),
        _sparql("select", RESULTS_XML, 200, RESULTS_XML, SELECT_XML),
        _sparql("select", "text/csv", 200, "text/csv", SELECT_CSV),
        _sparql(
            "select", "text/tab-separated-values", 200, "text/tab-separated-values", SELECT_TSV
        ),
        _sparql("select", "application/json", 200, RESULTS_JSON, SELECT_JSON),
        _sparql("select", None, 200, RESULTS_JSON, SELECT_JSON),
        _sparql("select", "*/*", 200, RESULTS_JSON, SELECT_JSON),
        # an alias (text/xml of the XML results) must not match a wildcard
        _sparql("select", "text/*", 200, "text/csv", SELECT_CSV),
        _sparql("select", f"text/csv;q=0.5, {RESULTS_XML}", 200, RESULTS_XML, SELECT_XML),
        _sparql(
            "select",
            f"{RESULTS_JSON};q=0.1, text/tab-separated-values",
            200,
            "text/tab-separated-values",
            SELECT_TSV,
        ),
        _sparql("select", TTL, 406),
        _sparql("select", "image/png", 406),
        _sparql("select", RESULTS_JSON, 200, "text/csv", SELECT_CSV, format="csv"),
        _sparql("select", None, 200, RESULTS_XML, SELECT_XML, format="xml"),
        _sparql("select", None, 400, format="bogus"),
        _sparql("ask", RESULTS_JSON, 200, RESULTS_JSON, check_ask_json),
        _sparql("ask", RESULTS_XML, 200, RESULTS_XML, check_ask_xml),
        _sparql("ask", "*/*", 200, RESULTS_JSON, check_ask_json),
        _sparql("ask", "text/csv", 406),
        _sparql("ask", TTL, 406),
        _sparql("ask", RESULTS_JSON, 200, RESULTS_XML, check_ask_xml, format="xml"),
    ]
    for form in ("construct", "describe"):
        cells += [
            _sparql(form, TTL, 200, TTL, check_graph("turtle", label_triples)),
            _sparql(form, NT, 200, NT, check_graph("nt", label_triples)),
            _sparql(form, JSONLD, 200, JSONLD, check_graph("json-ld", label_triples)),
            _sparql(form, RDFXML, 200, RDFXML, check_graph("xml", label_triples)),
            _sparql(form, "*/*", 200, TTL, check_graph("turtle", label_triples)),
            _sparql(form, None, 200, TTL, check_graph("turtle", label_triples)),
            _sparql(form, f"{RDFXML};q=0.9, {NT}", 200, NT, check_graph("nt", label_triples)),
            _sparql(form, RESULTS_JSON, 406),
            _sparql(form, "text/html", 406),
            _sparql(form, TTL, 200, JSONLD, check_graph("json-ld", label_triples), "jsonld"),
        ]
    return cells


def resource_cells(
    name: str,
    path: str,
    expected: Callable[[], set[tuple[object, object, object]]],
    html_marker: str,
) -> list[Cell]:
    def cell(
        accept: str | None,
        status: int,
        content_type: str | None = None,
        check: Callable[[Response], None] | None = None,
        format: str | None = None,
    ) -> Cell:
        params: tuple[tuple[str, str], ...] = (("format", format),) if format else ()
        cell_id = f"{name}-{accept}" + (f"-format={format}" if format else "")
        return Cell(cell_id, path, params, accept, status, content_type, check)

    html = check_html(html_marker)
    return [
        cell(TTL, 200, TTL, check_graph("turtle", expected)),
        cell(JSONLD, 200, JSONLD, check_graph("json-ld", expected)),
        cell(NT, 200, NT, check_graph("nt", expected)),
        cell(RDFXML, 200, RDFXML, check_graph("xml", expected)),
        cell("text/html", 200, "text/html", html),
        cell(BROWSER, 200, "text/html", html),
        cell("application/xhtml+xml", 200, "text/html", html),
        cell(None, 200, TTL, check_graph("turtle", expected)),
        cell("*/*", 200, TTL, check_graph("turtle", expected)),
        cell("application/*", 200, JSONLD, check_graph("json-ld", expected)),
        cell("application/xml", 200, RDFXML, check_graph("xml", expected)),
        cell("text/n3", 200, TTL, check_graph("turtle", expected)),
        cell(f"{TTL};q=0, */*", 200, JSONLD, check_graph("json-ld", expected)),
        cell(f"text/html;q=0.1, {NT};q=0.9", 200, NT, check_graph("nt", expected)),
        cell(f"{JSONLD};q=0.5, {RDFXML};q=0.6", 200, RDFXML, check_graph("xml", expected)),
        cell("image/png", 406),
        cell("text/plain", 406),
        cell(f"{TTL};q=0", 406),
        cell("text/html", 200, NT, check_graph("nt", expected), format="ntriples"),
        cell(TTL, 200, "text/html", html, format="html"),
        cell(None, 200, TTL, check_graph("turtle", expected), format="ttl"),
        cell(None, 200, RDFXML, check_graph("xml", expected), format="application/rdf+xml"),
        cell(None, 400, format="bogus"),
        cell(None, 406, format="nquads"),
    ]


def dump_cells() -> list[Cell]:
    def cell(
        accept: str | None,
        status: int,
        content_type: str | None = None,
        check: Callable[[Response], None] | None = None,
    ) -> Cell:
        return Cell(f"dump-{accept}", "/dump", (), accept, status, content_type, check)

    return [
        cell("application/n-quads", 200, "application/n-quads", check_dataset("nquads")),
        cell("application/trig", 200, "application/trig", check_dataset("trig")),
        cell(None, 200, "application/n-quads", check_dataset("nquads")),
        cell(
            "application/trig;q=0.9, application/n-quads;q=0.2",
            200,
            "application/trig",
            check_dataset("trig"),
        ),
        cell(TTL, 406),
    ]


CELLS = [
    *sparql_cells(),
    *resource_cells("id", "/id/unga-res-74-174/para_5", provision_triples, "<blockquote"),
    *resource_cells("ontology", "/ontology", ontology_classes, 'id="Provision"'),
    *dump_cells(),
]


@pytest.mark.parametrize("cell", [pytest.param(c, id=c.id) for c in CELLS])
def test_negotiation(real_client: TestClient, cell: Cell) -> None:
    headers = {"Accept": cell.accept} if cell.accept is not None else {}
    response = real_client.get(cell.path, params=list(cell.params), headers=headers)
    assert response.status_code == cell.status, response.text[:300]
    if cell.status != 200:
        assert response.headers["content-type"].startswith("text/plain")
        assert 0 < len(response.text) < 1000
        return
    assert cell.content_type is not None and cell.check is not None
    assert response.headers["content-type"].split(";")[0].strip() == cell.content_type
    assert "Accept" in response.headers.get("vary", "")
    cell.check(response)


def test_matrix_covers_every_offered_type() -> None:
    """Each media type the server offers appears in the matrix for each kind of resource."""
    from api.ld.negotiation import RESOURCE_FORMATS
    from api.sparql.negotiation import FORMATS, ResultKind

    def asked(path: str) -> set[str]:
        return {c.content_type for c in CELLS if c.path == path and c.status == 200}  # type: ignore[misc]

    assert {r.media_type for r in RESOURCE_FORMATS} <= asked("/ontology")
    assert {r.media_type for r in RESOURCE_FORMATS} <= asked("/id/unga-res-74-174/para_5")
    offered = {f.media_type for kind in ResultKind for f in FORMATS[kind]}
    assert offered and offered <= asked("/sparql")
