"""Linked data over the real built store: /id dereferencing, /ontology, /shapes, dumps, VoID.

What is served is checked against what the sources say: the Turtle files of ``data/`` and
``ontology/`` are read with rdflib (independently of the build) and each description must hold
the triples the sources give about the resource (and about it as object), the labels of what it
links to, and the inverse links the reasoner adds.

One difference is expected and normalised: Oxigraph stores literals of the XSD integer subtypes
(``xsd:positiveInteger`` of ``ocsea:position``) as ``xsd:integer``, so the sources' literals are
compared with that datatype.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from markupsafe import escape
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, VOID, XSD

from api.app import create_app
from api.namespaces import OCSEA, SHAPES_GRAPH, graph_iri
from api.settings import DEFAULT_ROOT, Settings
from api.store.oxigraph import OxigraphRepository
from api.validation import load_shapes, shape_files

ID = Namespace("https://w3id.org/ocsea/id/")
INSTRUMENT = ID["osce-mc-dec-9-07"]
PROVISION = ID["osce-mc-dec-9-07/para_2"]
STATEMENT = ID["osce-mc-dec-9-07/para_2_st_1"]
ACTOR = ID["actor/osce-participating-states"]
THEME = ID["theme/cap-4"]
RESOURCES = [INSTRUMENT, PROVISION, STATEMENT, ACTOR, THEME]

RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
INTEGER_SUBTYPES = {
    XSD.positiveInteger,
    XSD.nonNegativeInteger,
    XSD.negativeInteger,
    XSD.nonPositiveInteger,
    XSD.long,
    XSD.int,
    XSD.short,
    XSD.byte,
}


# -- the sources, read independently of the build -------------------------------------------


def _normalise(term: object) -> object:
    if isinstance(term, Literal) and term.datatype in INTEGER_SUBTYPES:
        return Literal(str(term), datatype=XSD.integer)
    return term


@cache
def source_graph() -> Graph:
    """Every Turtle file of data/ and ontology/ in one rdflib graph (normalised literals)."""
    merged = Graph()
    for path in sorted((DEFAULT_ROOT / "data").rglob("*.ttl")) + sorted(
        (DEFAULT_ROOT / "ontology").glob("*.ttl")
    ):
        for s, p, o in Graph().parse(path, format="turtle"):
            merged.add((s, p, _normalise(o)))  # type: ignore[arg-type]
    return merged


@cache
def ontology_source() -> Graph:
    graph = Graph()
    for path in sorted((DEFAULT_ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def expected_about(resource: URIRef) -> set[tuple[object, object, object]]:
    """What the sources say with ``resource`` as subject, and as object of an IRI subject."""
    source = source_graph()
    triples = set(source.triples((resource, None, None)))
    triples |= {t for t in source.triples((None, None, resource)) if isinstance(t[0], URIRef)}
    return triples


def parse(response: Response, rdf_format: str) -> Graph:
    graph = Graph()
    graph.parse(data=response.text, format=rdf_format)
    return graph


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(real_client: TestClient) -> TestClient:
    return real_client


@pytest.fixture(scope="module")
def shapes_client(
    built_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """An app over a copy of the built store with the shapes graph added (as ocsea build does)."""
    copy = tmp_path_factory.mktemp("ld-shapes") / "store"
    shutil.copytree(built_store, copy)
    settings = Settings.from_env({"OCSEA_ROOT": str(DEFAULT_ROOT)}).with_store(copy)
    with OxigraphRepository(copy) as repository:
        repository.put_graph(
            graph_iri(SHAPES_GRAPH), load_shapes(shape_files(settings), settings.shapes_dir)
        )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def repository(client: TestClient) -> OxigraphRepository:
    repo: OxigraphRepository = client.app.state.engine.repository  # type: ignore[attr-defined]
    return repo


# -- /id: descriptions -------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: str(r).rsplit("/id/", 1)[-1])
@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_description_holds_what_the_sources_say(
    client: TestClient, resource: URIRef, media_type: str
) -> None:
    path = "/id/" + str(resource).removeprefix(str(ID))
    response = client.get(path, headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    served = parse(response, RDF_FORMATS[media_type])
    expected = expected_about(resource)
    assert expected, "the sources say something about each tested resource"
    missing = [t for t in expected if t not in served]
    assert not missing, missing[:5]
    # the labels of the linked IRIs come along
    linked = {o for _, _, o in expected if isinstance(o, URIRef) and o != resource}
    for iri in linked:
        for label in source_graph().objects(iri, RDFS.label):
            assert (iri, RDFS.label, label) in served


def test_description_adds_inverse_links_and_inferred_types(client: TestClient) -> None:
    served = parse(client.get("/id/osce-mc-dec-9-07/para_2?format=ttl"), "turtle")
    statements = set(source_graph().subjects(OCSEA.expressedIn, PROVISION))
    assert statements
    for statement in statements:
        assert (PROVISION, OCSEA.expresses, statement) in served  # inverse of expressedIn
    assert (PROVISION, RDF.type, OCSEA.Provision) in served  # superclass type
    assert (PROVISION, RDF.type, OCSEA.Provision) not in source_graph()
    # restatements in aligned vocabularies are left to the dump and the endpoint
    assert not list(served.triples((PROVISION, DCTERMS.isPartOf, None)))


def test_description_of_an_actor_lists_statements_addressed_to_it(client: TestClient) -> None:
    served = parse(client.get("/id/actor/osce-participating-states?format=nt"), "nt")
    addressed = set(source_graph().subjects(OCSEA.addressee, ACTOR))
    assert addressed
    assert addressed <= set(served.subjects(OCSEA.addressee, ACTOR))


def test_html_page_shows_the_verbatim_text_labels_and_local_links(client: TestClient) -> None:
    response = client.get("/id/osce-mc-dec-9-07/para_2", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    text = source_graph().value(PROVISION, OCSEA.text)
    assert isinstance(text, Literal) and text.language == "es"
    assert f'<blockquote lang="es"><p>{escape(str(text))}</p></blockquote>' in page
    label_en = next(
        str(label)
        for label in source_graph().objects(PROVISION, RDFS.label)
        if isinstance(label, Literal) and label.language == "en"
    )
    assert f"<h1>{escape(label_en)}</h1>" in page
    assert 'href="/id/osce-mc-dec-9-07"' in page  # the instrument, browsable here
    assert 'href="/ontology#partOf"' in page  # properties link to their definition
    assert 'href="https://w3id.org/ocsea/' not in page  # no link leaves this server
    assert 'href="/static/ocsea.css"' in page
    assert client.get("/static/ocsea.css").headers["content-type"].startswith("text/css")


def test_statement_page_quotes_and_spanish_interface(client: TestClient) -> None:
    page = client.get("/id/osce-mc-dec-9-07/para_2_st_1?lang=es", headers={"Accept": "text/html"})
    assert page.status_code == 200
    quote = source_graph().value(STATEMENT, OCSEA.quote)
    assert escape(str(quote)) in page.text
    assert '<html lang="es">' in page.text and "Texto literal" in page.text
    label_es = next(
        str(label)
        for label in source_graph().objects(STATEMENT, RDFS.label)
        if isinstance(label, Literal) and label.language == "es"
    )
    assert f"<h1>{escape(label_es)}</h1>" in page.text


def test_instrument_page_lists_its_provisions_in_reading_order(client: TestClient) -> None:
    page = client.get("/id/osce-mc-dec-9-07?format=html").text
    source = source_graph()
    parts = sorted(
        (int(position), part)
        for part in source.subjects(OCSEA.partOf, INSTRUMENT)
        if isinstance(position := source.value(part, OCSEA.position), Literal)
    )
    assert len(parts) > 10
    offsets = [page.index(f'href="/id/{str(part).removeprefix(str(ID))}"') for _, part in parts]
    assert offsets == sorted(offsets)


@pytest.mark.parametrize(
    ("path", "accept", "content_type", "named"),
    [
        ("/id/osce-mc-dec-9-07/para_999", "text/turtle", "text/plain", "para_999"),
        ("/id/osce-mc-dec-9-07/para_999", "text/html", "text/html", "para_999"),
        ("/id/", "text/turtle", "text/plain", "https://w3id.org/ocsea/id/ "),
        ("/id/a%20b", "text/turtle", "text/plain", "id/a b"),
        ("/id/graph/no-such-graph", "text/turtle", "text/plain", "graph/no-such-graph"),
        ("/dump/no-such-graph", "*/*", "text/plain", "graph/no-such-graph"),
        ("/dump/a.b.", "*/*", "text/plain", "a.b."),
        ("/dump?graph=urn:x:nothing", "*/*", "text/plain", "urn:x:nothing"),
        ("/ontology/no-such-module", "*/*", "text/plain", "ontology/no-such-module"),
    ],
)
def test_unknown_iris_are_404_with_a_message(
    client: TestClient, path: str, accept: str, content_type: str, named: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(content_type)
    assert named in response.text


def test_unknown_iri_message_names_the_iri(client: TestClient) -> None:
    response = client.get("/id/osce-mc-dec-9-07/para_999", headers={"Accept": "text/html"})
    assert str(ID["osce-mc-dec-9-07/para_999"]) in response.text
    assert "<h1>Not found</h1>" in response.text


# -- caching -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/id/osce-mc-dec-9-07", "/ontology", "/void", "/context.jsonld", "/dump", "/"]
)
def test_etag_and_if_none_match(
    client: TestClient, repository: OxigraphRepository, path: str
) -> None:
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert repository.version() in etag
    assert first.headers["cache-control"].startswith("public")
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    opaque = etag.removeprefix("W/")  # weak when the answer may be compressed (api.compression)
    weak = client.get(path, headers={"If-None-Match": f'"other", W/{opaque}'})
    assert weak.status_code == 304
    assert client.get(path, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_each_representation_has_its_own_etag(client: TestClient) -> None:
    turtle = client.get("/id/osce-mc-dec-9-07", headers={"Accept": "text/turtle"})
    page = client.get("/id/osce-mc-dec-9-07", headers={"Accept": "text/html"})
    assert turtle.headers["etag"] != page.headers["etag"]
    cross = client.get(
        "/id/osce-mc-dec-9-07",
        headers={"Accept": "text/html", "If-None-Match": turtle.headers["etag"]},
    )
    assert cross.status_code == 200


# -- HEAD ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/id/osce-mc-dec-9-07",
        "/ontology",
        "/void",
        "/dump",
        "/sparql",
        "/api/instruments",
        "/queries",
        "/",
        "/id/no-such-thing",
    ],
)
@pytest.mark.parametrize("accept", ["text/turtle", "text/html", "*/*"])
def test_head_answers_as_get_without_the_body(client: TestClient, path: str, accept: str) -> None:
    headers = {"Accept": accept, "Accept-Encoding": "identity"}
    get = client.get(path, headers=headers)
    head = client.head(path, headers=headers)
    assert head.status_code == get.status_code != 405
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "vary", "link", "cache-control"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_head_is_conditional_too(client: TestClient) -> None:
    etag = client.get("/id/osce-mc-dec-9-07").headers["etag"]
    again = client.head("/id/osce-mc-dec-9-07", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_an_answer_to_head_is_not_kept_for_get(client: TestClient) -> None:
    path = "/id/osce-mc-dec-9-07/para_3?format=ntriples"  # asked nowhere else in this module
    identity = {"Accept-Encoding": "identity"}
    head = client.head(path, headers=identity)
    assert head.status_code == 200 and head.content == b""
    get = client.get(path, headers=identity)
    assert get.headers["x-cache"] == "miss"
    assert len(get.content) == int(head.headers["content-length"]) > 0
    assert client.head(path, headers=identity).headers["x-cache"] == "hit"  # from the GET


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_head_of_the_dump_does_not_read_the_store(
    client: TestClient,
    repository: OxigraphRepository,
    monkeypatch: pytest.MonkeyPatch,
    encoding: str,
) -> None:
    fresh = {"Accept-Encoding": encoding, "Cache-Control": "no-cache"}  # not from the cache
    expected = client.get("/dump?format=trig", headers=fresh)

    def refuse() -> list[URIRef]:
        raise AssertionError("HEAD /dump listed the store's graphs")

    monkeypatch.setattr(repository, "graphs", refuse)
    head = client.head("/dump?format=trig", headers=fresh)
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-disposition", "content-encoding", "etag", "vary"):
        assert head.headers.get(name) == expected.headers.get(name), name


# -- named graphs ------------------------------------------------------------------------------


def test_graph_iri_describes_the_graph_and_links_its_dump(
    client: TestClient, repository: OxigraphRepository
) -> None:
    graph = graph_iri("osce-mc-dec-9-07")
    served = parse(client.get("/id/graph/osce-mc-dec-9-07?format=turtle"), "turtle")
    assert (graph, RDF.type, VOID.Dataset) in served
    assert served.value(graph, VOID.triples) == Literal(repository.count(graph))
    assert served.value(graph, VOID.rootResource) == INSTRUMENT
    dump_url = served.value(graph, VOID.dataDump)
    assert isinstance(dump_url, URIRef)
    dump = client.get(str(dump_url), headers={"Accept": "application/n-triples"})
    assert dump.status_code == 200
    assert len(parse(dump, "nt")) == repository.count(graph)
    page = client.get("/id/graph/osce-mc-dec-9-07", headers={"Accept": "text/html"}).text
    assert "/dump/osce-mc-dec-9-07?format=turtle" in page


# -- ontology and shapes -----------------------------------------------------------------------


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_ontology_in_every_format(client: TestClient, media_type: str) -> None:
    response = client.get("/ontology", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    served = parse(response, RDF_FORMATS[media_type])
    source = ontology_source()
    assert len(served) == len(source)
    for s, p, o in source.triples((OCSEA.Provision, None, None)):
        assert (s, p, _normalise(o)) in served
    plain = [
        (s, p, _normalise(o))
        for s, p, o in source
        if not isinstance(s, BNode) and not isinstance(o, BNode)
    ]
    assert all(t in served for t in plain)


def test_ontology_page_has_an_anchor_per_term(client: TestClient) -> None:
    page = client.get("/ontology", headers={"Accept": "text/html"}).text
    source = ontology_source()
    terms = {
        term
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for term in source.subjects(RDF.type, kind)
        if str(term).startswith(str(OCSEA))
    }
    assert len(terms) > 50
    for term in terms:
        assert f'id="{str(term).removeprefix(str(OCSEA))}"' in page
    definition = source.value(OCSEA.NormativeStatement, SKOS.definition)
    assert escape(str(definition)) in page


def test_ontology_module_and_version_iris_redirect(client: TestClient) -> None:
    for rest in ("alignments", "1.0.0"):
        response = client.get(f"/ontology/{rest}", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/ontology"


def test_shapes_are_404_when_the_store_has_none(client: TestClient) -> None:
    response = client.get("/shapes")
    assert response.status_code == 404 and "shapes" in response.text


def test_shapes_graph_and_page(shapes_client: TestClient) -> None:
    settings = Settings.from_env({"OCSEA_ROOT": str(DEFAULT_ROOT)})
    shapes = load_shapes(shape_files(settings), settings.shapes_dir)
    served = parse(shapes_client.get("/shapes?format=nt"), "nt")
    assert len(served) == len(shapes)
    page = shapes_client.get("/shapes", headers={"Accept": "text/html"}).text
    node_shapes = [s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)]
    assert node_shapes
    for shape in node_shapes:
        assert f'id="{str(shape).rsplit("#", 1)[-1]}"' in page
        for message in shapes.objects(shape, SH.message):
            assert escape(str(message)) in page


# -- VoID --------------------------------------------------------------------------------------


def _dump_dataset(client: TestClient) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=client.get("/dump").text, format="nquads")
    return dataset


def test_void_counts_equal_the_real_counts(
    client: TestClient, repository: OxigraphRepository
) -> None:
    response = client.get("/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    void = parse(response, "turtle")
    dataset = URIRef("https://w3id.org/ocsea/void#dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void
    subsets = set(void.objects(dataset, VOID.subset))
    assert subsets == set(repository.graphs())
    dump = _dump_dataset(client)
    union: set[tuple[object, object, object]] = set()
    for name in subsets:
        triples = set(dump.graph(name))
        assert void.value(name, VOID.triples) == Literal(len(triples))
        assert len(triples) == repository.count(name)
        union |= triples
    assert void.value(dataset, VOID.triples) == Literal(len(union))
    assert void.value(dataset, VOID.distinctSubjects) == Literal(len({t[0] for t in union}))
    assert void.value(dataset, VOID.distinctObjects) == Literal(len({t[2] for t in union}))
    assert void.value(dataset, VOID.properties) == Literal(len({t[1] for t in union}))
    classes = {o for _, p, o in union if p == RDF.type}
    assert void.value(dataset, VOID.classes) == Literal(len(classes))


def test_void_links_endpoint_dumps_vocabularies_and_licence(client: TestClient) -> None:
    void = parse(client.get("/void"), "turtle")
    dataset = URIRef("https://w3id.org/ocsea/void#dataset")
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    assert void.value(dataset, VOID.dataDump) == URIRef("http://testserver/dump")
    assert void.value(dataset, VOID.uriSpace) == Literal("https://w3id.org/ocsea/id/")
    vocabularies = set(void.objects(dataset, VOID.vocabulary))
    assert {URIRef(str(OCSEA)), URIRef(str(RDFS)), URIRef(str(SKOS))} <= vocabularies
    instruments = set(source_graph().subjects(RDF.type, OCSEA.EncodedInstrument))
    assert set(void.objects(dataset, VOID.exampleResource)) == instruments
    # no licence is declared for the data: none is invented
    assert void.value(dataset, DCTERMS.license) is None
    assert "No licence is declared" in str(void.value(dataset, RDFS.comment))
    declared = set(
        ontology_source().objects(URIRef("https://w3id.org/ocsea/ontology"), DCTERMS.license)
    )
    assert set(void.objects(graph_iri("ontology"), DCTERMS.license)) == declared
    for subset in void.objects(dataset, VOID.subset):
        url = void.value(subset, VOID.dataDump)
        assert isinstance(url, URIRef) and str(url).startswith("http://testserver/dump/")


def test_well_known_void_redirects(client: TestClient) -> None:
    response = client.get("/.well-known/void", follow_redirects=False)
    assert response.status_code in (301, 302, 303, 307, 308)
    assert response.headers["location"] == "/void"


# -- JSON-LD context ---------------------------------------------------------------------------


def test_context_follows_the_ontology(client: TestClient) -> None:
    response = client.get("/context.jsonld")
    assert response.headers["content-type"].startswith("application/ld+json")
    terms = response.json()["@context"]
    source = ontology_source()
    for prop in source.subjects(RDF.type, OWL.ObjectProperty):
        if str(prop).startswith(str(OCSEA)):
            name = str(prop).removeprefix(str(OCSEA))
            assert terms[name] == {"@id": f"ocsea:{name}", "@type": "@id"}
    for prop in source.subjects(RDF.type, OWL.DatatypeProperty):
        name = str(prop).removeprefix(str(OCSEA))
        if source.value(prop, RDFS.range) == RDF.langString:
            assert terms[name]["@container"] == "@language"
    assert terms["adoptionDate"]["@type"] == "xsd:date"
    assert terms["ocsea"] == str(OCSEA)


@pytest.mark.parametrize("resource", [INSTRUMENT, PROVISION, STATEMENT, ACTOR])
def test_json_ld_round_trips_with_the_context(client: TestClient, resource: URIRef) -> None:
    path = "/id/" + str(resource).removeprefix(str(ID))
    turtle = parse(client.get(path, headers={"Accept": "text/turtle"}), "turtle")
    document = client.get(path, headers={"Accept": "application/ld+json"}).json()
    embedded = Graph().parse(data=json.dumps(document), format="json-ld")
    assert set(embedded) == set(turtle)
    # the published context gives the same triples as the embedded one
    published = client.get("/context.jsonld").json()
    document["@context"] = published["@context"]
    assert set(Graph().parse(data=json.dumps(document), format="json-ld")) == set(turtle)
    # and the document is compacted with it: terms, not full IRIs
    context = document["@context"]
    nodes = document.get("@graph", [document])
    described = next(n for n in nodes if _expand(n["@id"], context) == str(resource))
    assert isinstance(described["label"], dict)  # a language map: {"en": ..., "es": ...}
    assert set(described["label"]) == {
        label.language for label in source_graph().objects(resource, RDFS.label)
    }


def _expand(value: str, context: dict[str, object]) -> str:
    prefix, colon, rest = value.partition(":")
    namespace = context.get(prefix)
    return namespace + rest if colon and isinstance(namespace, str) else value


# -- dumps -------------------------------------------------------------------------------------


def test_dumps_parse_and_have_the_store_quad_count(
    client: TestClient, repository: OxigraphRepository
) -> None:
    nquads = client.get("/dump", headers={"Accept": "application/n-quads"})
    assert nquads.headers["content-type"].startswith("application/n-quads")
    dataset = Dataset()
    dataset.parse(data=nquads.text, format="nquads")
    assert len(list(dataset.quads((None, None, None, None)))) == repository.count()
    trig = client.get("/dump?format=trig")
    assert trig.headers["content-type"].startswith("application/trig")
    from_trig = Dataset()
    from_trig.parse(data=trig.text, format="trig")
    assert len(list(from_trig.quads((None, None, None, None)))) == repository.count()
    for name in repository.graphs():
        assert len(from_trig.graph(name)) == repository.count(name)


@pytest.mark.parametrize("media_type", list(RDF_FORMATS))
def test_graph_dump_in_every_format(
    client: TestClient, repository: OxigraphRepository, media_type: str
) -> None:
    response = client.get("/dump/unga-res-74-174", headers={"Accept": media_type})
    assert response.headers["content-type"].startswith(media_type)
    served = parse(response, RDF_FORMATS[media_type])
    assert len(served) == repository.count(graph_iri("unga-res-74-174"))
    source = Graph().parse(DEFAULT_ROOT / "data/instruments/unga-res-74-174.ttl")
    assert {(s, p, _normalise(o)) for s, p, o in source} == set(served)
    by_parameter = client.get(
        "/dump", params={"graph": str(graph_iri("unga-res-74-174")), "format": "nt"}
    )
    assert len(parse(by_parameter, "nt")) == len(served)


# -- landing -----------------------------------------------------------------------------------


def test_landing_lists_the_instruments_and_entry_points(client: TestClient) -> None:
    body = client.get("/", headers={"Accept": "application/json"}).json()
    instruments = set(source_graph().subjects(RDF.type, OCSEA.EncodedInstrument))
    assert {URIRef(i["iri"]) for i in body["instruments"]} == instruments
    for instrument in body["instruments"]:
        assert client.get(instrument["href"]).status_code == 200
        assert instrument["label"]["en"]
    for key in ("sparql", "ontology", "void", "dump", "docs"):
        assert body["links"][key] == f"http://testserver/{key}"
    page = client.get("/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    for instrument in instruments:
        assert f'href="/id/{str(instrument).removeprefix(str(ID))}"' in page.text
