"""The remote repository: one contract over the embedded store, Oxigraph server and Virtuoso.

The contract tests run over five backends: ``memory`` (the embedded :class:`OxigraphRepository`,
the reference), ``oxigraph`` and ``oxigraph-gsp`` (:class:`RemoteRepository` over Oxigraph's own
server, writing graphs with SPARQL Update or with the Graph Store Protocol), ``virtuoso`` and
``virtuoso-gsp`` (the same over Virtuoso, with Digest authentication for writes and
``ResultSetMaxRows`` lowered to 1,000 so that cut answers are met on small data). The Virtuoso
backends are skipped when ``virtuoso-t`` is not installed (CI installs it, see ``.ci/run``).

Then: errors and authentication of the remote store, Virtuoso's own behaviour, the whole API
over Oxigraph server loaded with the real graphs compared with the embedded store, and
``ocsea build`` uploading to a remote store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from api.build import build
from api.namespaces import ID, OCSEA, graph_iri
from api.settings import DEFAULT_ROOT, RemoteEndpoint, Settings
from api.store import (
    Dataset,
    OxigraphRepository,
    ReadOnlyError,
    Repository,
    RepositoryError,
    SelectResult,
)
from api.store.remote import RemoteRepository, RowLimitError, bind_values
from tests.servers import (
    RunningServer,
    free_port,
    oxigraph_server,
    virtuoso_binary,
    virtuoso_server,
)

G1, G2 = graph_iri("test-one"), graph_iri("test-two")
EX = "https://example.org/"
VIRTUOSO_MAX_ROWS = 1000
NO_VIRTUOSO = (
    "virtuoso-t is not installed: the Virtuoso tests need Debian's virtuoso-opensource "
    "(DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource)"
)

SAMPLE = """
@prefix ocsea: <https://w3id.org/ocsea/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/p1> a ocsea:Provision ;
    ocsea:text "Texto «con» comillas \\"dobles\\" y é 😀"@es ;
    ocsea:position 1 ;
    ocsea:isIndirect true ;
    ocsea:adopted "2024-07-17"^^xsd:date ;
    ocsea:note [ ocsea:text "anonymous" ] .
<https://example.org/p2> a ocsea:Provision ; ocsea:position 2 .
"""


def sample() -> Graph:
    return Graph().parse(data=SAMPLE, format="turtle")


def other() -> Graph:
    return Graph().parse(
        data="<https://example.org/s> <https://example.org/p> 'other' .", format="turtle"
    )


# -- servers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    if virtuoso_binary() is None:
        pytest.skip(NO_VIRTUOSO)
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso"), max_rows=VIRTUOSO_MAX_ROWS) as server:
        yield server


BACKENDS = ["memory", "oxigraph", "oxigraph-gsp", "virtuoso", "virtuoso-gsp"]


def remote(server: RunningServer, *, graph_store: bool) -> RemoteRepository:
    """A writable remote repository over ``server``, none of the project's graphs left on it."""
    repo = RemoteRepository(server.endpoint(graph_store=graph_store), read_only=False)
    for graph in repo.graphs():
        repo.delete_graph(graph)
    return repo


@pytest.fixture(params=BACKENDS)
def repo(request: pytest.FixtureRequest) -> Iterator[Repository]:
    """An empty, writable repository of each backend."""
    name: str = request.param
    if name == "memory":
        yield OxigraphRepository()
        return
    server: RunningServer = request.getfixturevalue(name.removesuffix("-gsp"))
    repository = remote(server, graph_store=name.endswith("-gsp"))
    yield repository
    repository.close()


def is_virtuoso(repo: Repository) -> bool:
    return isinstance(repo, RemoteRepository) and "/sparql" in repo.endpoint.query_url


def values(result: SelectResult, name: str) -> list[Any]:
    return sorted(str(v) for v in result.column(name))


# -- the contract -------------------------------------------------------------------------


def test_graphs_round_trip(repo: Repository) -> None:
    assert isinstance(repo, Repository)
    assert repo.graphs() == [] and repo.count() == 0
    repo.put_graph(G1, sample())
    repo.put_graph(G2, other())
    assert repo.graphs() == [G1, G2]
    assert repo.count(G1) == len(sample()) == 9
    assert repo.count() == 10
    assert repo.get_graph(G1).isomorphic(sample())
    repo.put_graph(G1, other())  # replace
    assert repo.get_graph(G1).isomorphic(other())
    repo.put_graph(G1, Graph())  # replace with nothing
    assert repo.count(G1) == 0 and len(repo.get_graph(G1)) == 0
    repo.delete_graph(G2)
    repo.delete_graph(G2)  # absent: no error
    assert G2 not in repo.graphs() and repo.count() == 0


def test_default_graph_is_the_union_of_the_project_graphs(repo: Repository) -> None:
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    # nothing of the server's own (Virtuoso's default graph has ~2,500 system triples)
    assert values(repo.select(everything), "n") == ["0"]
    assert repo.query("ASK { ?s ?p ?o }") is False
    repo.put_graph(G1, sample())
    repo.put_graph(G2, other())
    assert values(repo.select(everything), "n") == ["10"]
    in_graphs = repo.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert values(in_graphs, "g") == [str(G1), str(G2)]
    # project prefixes are predeclared
    provisions = repo.select("SELECT ?p WHERE { ?p a ocsea:Provision } ORDER BY ?p")
    assert provisions.column("p") == [URIRef(EX + "p1"), URIRef(EX + "p2")]
    constructed = repo.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert constructed.isomorphic(sample() + other())
    only_one = repo.select(f"SELECT (COUNT(*) AS ?n) FROM <{G2}> WHERE {{ ?s ?p ?o }}")
    assert values(only_one, "n") == ["1"]


def test_protocol_dataset(repo: Repository) -> None:
    repo.put_graph(G1, sample())
    repo.put_graph(G2, other())
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    json = "application/sparql-results+json"

    def count(dataset: Dataset) -> int:
        data = repo.raw_query(query, json, dataset=dataset)
        results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        return int(next(iter(results))["n"].value)

    assert count(Dataset(default_graphs=[str(G2)])) == 1
    assert count(Dataset(default_graphs=[str(G1), str(G2)])) == 10
    assert count(Dataset(named_graphs=[str(G1)])) == 0  # empty default graph
    assert count(Dataset(default_graphs=["http://www.openlinksw.com/schemas/virtrdf#"])) == 0
    named = repo.raw_query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "text/csv",
        dataset=Dataset(default_graphs=[str(G1)], named_graphs=[str(G2)]),
    )
    assert named.decode().split() == ["g", str(G2)]


HOSTILE = [
    '"',
    "'",
    '" } ; DROP ALL ; INSERT DATA { <urn:x> <urn:y> "z" } #',
    "> } # ?s ?p ?o",
    "}",
    "line one\nline two\r\nline three",
    "# not a comment",
    "\\u0022 } #",  # a backslash-u escape, as text
    "\\",
    "tab\tback\\slash",
    '"""',
    "'''",
    "é ü 😀 \u202e",
    "x" * 10_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_bindings_are_values(repo: Repository, text: str) -> None:
    """Stored as data, then looked up by binding: each value matches itself and nothing runs."""
    variants = [Literal(text), Literal(text, lang="en"), Literal(text, datatype=URIRef(EX + "t"))]
    graph = sample()
    for i, value in enumerate(variants):
        graph.add((URIRef(f"{EX}hostile-{i}"), OCSEA.text, value))
    repo.put_graph(G1, graph)
    assert repo.get_graph(G1).isomorphic(graph)
    before = repo.version()
    for i, value in enumerate(variants):
        found = repo.select("SELECT ?s ?v WHERE { ?s ocsea:text ?v }", {"v": value})
        assert found.rows == [{"s": URIRef(f"{EX}hostile-{i}"), "v": value}]
        assert repo.query("ASK { ?s ocsea:text ?v }", {"v": value}) is True
    assert repo.version() == before and repo.count() == len(graph)
    assert repo.graphs() == [G1]


def test_bindings_select_stored_values(repo: Repository) -> None:
    repo.put_graph(G1, sample())
    text = Literal('Texto «con» comillas "dobles" y é 😀', lang="es")
    found = repo.select(
        "SELECT ?p ?n ?t WHERE { ?p ocsea:text ?t ; ocsea:position ?n }", {"t": text}
    )
    assert found.rows == [{"p": URIRef(EX + "p1"), "n": Literal(1), "t": text}]
    both = repo.select(
        "SELECT ?p ?c ?n WHERE { ?p a ?c ; ocsea:position ?n }",
        {"p": URIRef(EX + "p2"), "c": OCSEA.Provision},
    )
    assert both.column("n") == [Literal(2)]
    assert repo.query("ASK { ?p ocsea:isIndirect ?b }", {"b": Literal(True)}) is True
    assert repo.query("ASK { ?p ocsea:isIndirect ?b }", {"b": Literal(False)}) is False
    graph = repo.construct(
        "CONSTRUCT { ?p ocsea:position ?n } WHERE { ?p ocsea:position ?n }",
        {"p": URIRef(EX + "p1")},
    )
    assert set(graph) == {(URIRef(EX + "p1"), OCSEA.position, Literal(1))}


@pytest.mark.parametrize(
    "iri", ["urn:a> } #", "urn:a b", "urn:{x}", "urn:a\nb", 'urn:"', "urn:a\\u003e", "relative"]
)
def test_invalid_iris_cannot_be_bound(repo: Repository, iri: str) -> None:
    with pytest.raises(ValueError):
        repo.select("SELECT ?s WHERE { ?s ?p ?o }", {"s": URIRef(iri)})


def test_syntax_errors(repo: Repository) -> None:
    with pytest.raises(SyntaxError):
        repo.select("SELECT * WHERE { ?s ?p ")
    with pytest.raises(SyntaxError):
        repo.raw_query("SELECT * WHERE { ?s ?p ", "application/sparql-results+json")
    with pytest.raises(SyntaxError):
        repo.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> ")


def test_an_update_sent_as_a_query_changes_nothing(repo: Repository) -> None:
    update = f"INSERT DATA {{ GRAPH <{G1}> {{ <urn:a> <urn:b> <urn:c> }} }}"
    with pytest.raises(SyntaxError):
        repo.raw_query(update, "application/sparql-results+json")
    with pytest.raises(SyntaxError):
        repo.query(f"SELECT * WHERE {{ ?s ?p ?o }} ; {update}")
    assert repo.count() == 0


def test_updates_and_version(repo: Repository) -> None:
    empty = repo.version()
    assert repo.version() == empty
    repo.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}a> ocsea:text 'alpha' }} }}")
    assert repo.count(G1) == 1
    first = repo.version()
    assert first != empty
    # the same number of triples, one literal changed
    repo.update(
        f"DELETE DATA {{ GRAPH <{G1}> {{ <{EX}a> ocsea:text 'alpha' }} }} ;"
        f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}a> ocsea:text 'alphb' }} }}"
    )
    assert repo.count(G1) == 1
    assert repo.version() not in (empty, first)
    repo.update(f"INSERT DATA {{ GRAPH <{G2}> {{ <x> <y> <z> }} }}", base_iri=EX)
    assert repo.query(f"ASK {{ <{EX}x> <{EX}y> <{EX}z> }}") is True


RESULT_TYPES = [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
]
GRAPH_TYPES = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
]


@pytest.mark.parametrize(("media_type", "form"), RESULT_TYPES, ids=[t for t, _ in RESULT_TYPES])
def test_raw_select_in_each_format(repo: Repository, media_type: str, form: Any) -> None:
    repo.put_graph(G1, sample())
    query = "SELECT ?p ?t WHERE { ?p ocsea:text ?t }"
    data = repo.raw_query(query, media_type)
    if form == ox.QueryResultsFormat.CSV:  # no term syntax in CSV, and pyoxigraph cannot read it
        header, *lines = sorted(data.decode("utf-8").splitlines(), reverse=True)
        assert header == "p,t"
        assert lines[0] == f'{EX}p1,"Texto «con» comillas ""dobles"" y é 😀"'
        assert lines[1].startswith("_:") and lines[1].endswith(",anonymous")
        return
    rows = sorted(
        (
            tuple(str(solution[v]) for v in ("p", "t"))
            for solution in ox.parse_query_results(data, format=form)
        ),
        key=lambda row: row[1],
    )
    assert [r[1] for r in rows] == ['"Texto «con» comillas \\"dobles\\" y é 😀"@es', '"anonymous"']
    assert rows[0][0] == f"<{EX}p1>" and rows[1][0].startswith("_:")


@pytest.mark.parametrize(("media_type", "form"), GRAPH_TYPES, ids=[t for t, _ in GRAPH_TYPES])
def test_raw_construct_in_each_format(repo: Repository, media_type: str, form: Any) -> None:
    repo.put_graph(G1, sample())
    data = repo.raw_query("CONSTRUCT WHERE { ?s ?p ?o }", media_type)
    parsed = Graph().parse(
        data=data,
        format={
            ox.RdfFormat.TURTLE: "turtle",
            ox.RdfFormat.N_TRIPLES: "nt",
            ox.RdfFormat.JSON_LD: "json-ld",
            ox.RdfFormat.RDF_XML: "xml",
        }[form],
    )
    assert parsed.isomorphic(sample())


def test_raw_ask(repo: Repository) -> None:
    repo.put_graph(G1, sample())
    data = repo.raw_query("ASK { ?p ocsea:position 2 }", "application/sparql-results+xml")
    assert bool(ox.parse_query_results(data, format=ox.QueryResultsFormat.XML)) is True


def big_graph(size: int) -> Graph:
    graph = Graph()
    for i in range(size):
        graph.add((URIRef(f"{EX}s{i // 10}"), URIRef(f"{EX}p{i % 10}"), Literal(i)))
    graph.add((BNode(), URIRef(f"{EX}p"), Literal("a blank node among them")))
    return graph


def test_results_are_whole_or_refused(repo: Repository) -> None:
    """Past Virtuoso's ResultSetMaxRows an answer is refused, never cut; graphs come whole.

    The graph is larger than a SPARQL Update batch too: it is written through a staging graph.
    """
    graph = big_graph(2500)
    repo.put_graph(G1, graph)
    assert repo.graphs() == [G1] and repo.count() == len(graph)
    if isinstance(repo, RemoteRepository):  # no staging graph left on the server
        leftover = httpx.post(
            repo.endpoint.query_url,
            data={"query": 'ASK { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "urn:uuid:")) }'},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert leftover.json()["boolean"] is False
    assert repo.get_graph(G1).isomorphic(graph)
    graph.add((URIRef(EX + "new"), URIRef(EX + "p"), Literal("replaced")))
    repo.put_graph(G1, graph)
    assert repo.get_graph(G1).isomorphic(graph) and repo.count() == len(graph)
    select_all = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    construct_all = "CONSTRUCT WHERE { ?s ?p ?o }"
    if is_virtuoso(repo):
        with pytest.raises(RowLimitError):
            repo.select(select_all)
        with pytest.raises(RowLimitError):
            repo.construct(construct_all)
        for media_type in ("text/tab-separated-values", "application/sparql-results+json"):
            with pytest.raises(RowLimitError):
                repo.raw_query(select_all, media_type)
        with pytest.raises(RowLimitError):
            repo.raw_query(construct_all, "text/turtle")
    else:
        assert len(repo.select(select_all)) == len(graph)
        assert repo.construct(construct_all).isomorphic(graph)
    # under the limit: whole answers everywhere
    assert len(repo.select(select_all + " LIMIT 900")) == 900
    assert len(repo.construct("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 900")) == 900


# -- read-only ----------------------------------------------------------------------------


@pytest.fixture(params=["disk", "oxigraph", "virtuoso"])
def read_only_repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    if request.param == "disk":
        with OxigraphRepository(tmp_path / "store") as writer:
            writer.put_graph(G1, sample())
        reader = OxigraphRepository(tmp_path / "store", read_only=True)
    else:
        server: RunningServer = request.getfixturevalue(request.param)
        writer = remote(server, graph_store=False)
        writer.put_graph(G1, sample())
        writer.close()
        reader = RemoteRepository(server.endpoint(graph_store=True), read_only=True)
    yield reader
    reader.close()


def test_read_only_refuses_writes(read_only_repo: Repository) -> None:
    with pytest.raises(ReadOnlyError):
        read_only_repo.put_graph(G2, other())
    with pytest.raises(ReadOnlyError):
        read_only_repo.delete_graph(G1)
    with pytest.raises(ReadOnlyError):
        read_only_repo.update(f"DROP GRAPH <{G1}>")
    assert read_only_repo.count(G1) == 9 and read_only_repo.graphs() == [G1]


# -- remote only --------------------------------------------------------------------------


def test_bind_values_places_the_block_in_the_outer_where_group() -> None:
    x = {"x": URIRef("urn:x")}
    assert bind_values(
        "PREFIX e: <urn:e#> # { not here\nCONSTRUCT { ?x e:p '{' } WHERE { ?x e:q ?o }", x
    ).endswith("WHERE { VALUES (?x) { (<urn:x>) }  ?x e:q ?o }")
    nested = bind_values("SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }", x)
    assert nested.startswith("SELECT ?x WHERE { VALUES (?x)")
    assert bind_values("ASK { ?x ?p ?o }", x).startswith("ASK { VALUES (?x)")
    with pytest.raises(ValueError, match="short form"):
        bind_values("CONSTRUCT WHERE { ?x ?p ?o }", x)
    with pytest.raises(ValueError, match="WHERE group"):
        bind_values("DESCRIBE ?x", x)
    with pytest.raises(ValueError, match="variable name"):
        bind_values("SELECT * { ?x ?p ?o }", {"x) { (1) } #": Literal(1)})


def test_blank_nodes_cannot_be_bound(oxigraph: RunningServer) -> None:
    with RemoteRepository(oxigraph.endpoint()) as repo, pytest.raises(ValueError, match="blank"):
        repo.select("SELECT * WHERE { ?s ?p ?o }", {"s": BNode()})


def test_project_graphs_only(oxigraph: RunningServer) -> None:
    repo = remote(oxigraph, graph_store=False)
    outside = URIRef("urn:graph:elsewhere")
    httpx.post(
        oxigraph.base_url + "/update",
        data={"update": f"INSERT DATA {{ GRAPH <{outside}> {{ <urn:a> <urn:b> <urn:c> }} }}"},
    ).raise_for_status()
    try:
        assert repo.graphs() == [] and repo.count() == 0
        assert repo.query("ASK { <urn:a> ?p ?o }") is False
        with pytest.raises(ValueError, match="project's graphs"):
            repo.put_graph(outside, other())
        with pytest.raises(ValueError, match="project's graphs"):
            repo.get_graph(outside)
    finally:
        httpx.post(oxigraph.base_url + "/update", data={"update": f"DROP GRAPH <{outside}>"})
        repo.close()


def test_syntax_error_positions_ignore_the_prologue(oxigraph: RunningServer) -> None:
    """The prologue sent before the text does not move the position the server reports."""
    with RemoteRepository(oxigraph.endpoint()) as repo:
        for text in ("SELECT * WHERE { ?s ?p ", "SELECT *\nWHERE { ?s ?p "):
            with pytest.raises(SyntaxError) as remote_error:
                repo.select(text)
            with pytest.raises(SyntaxError) as embedded_error:
                OxigraphRepository().select(text)
            assert str(remote_error.value) == str(embedded_error.value)


def test_unreachable_server_is_a_repository_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with RemoteRepository(RemoteEndpoint(url, url), timeout=5) as repo:
        with pytest.raises(RepositoryError, match="cannot reach the SPARQL server at http://127"):
            repo.select("SELECT * WHERE { ?s ?p ?o }")
        with pytest.raises(RepositoryError, match="cannot reach"):
            repo.count()


def fake_server(handler: Any) -> RemoteRepository:
    endpoint = RemoteEndpoint(
        "http://sparql.test/query", "http://sparql.test/update", user="u", password="secret"
    )
    return RemoteRepository(endpoint, transport=httpx.MockTransport(handler), read_only=False)


def test_server_failures_and_refusals_are_repository_errors() -> None:
    def failing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="Service Unavailable: overloaded")

    with pytest.raises(RepositoryError, match=r"failed \(503\): Service Unavailable: overloaded"):
        fake_server(failing).select("SELECT * WHERE { ?s ?p ?o }")

    def refusing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, text="Forbidden")

    with pytest.raises(RepositoryError, match="OCSEA_REMOTE_USER"):
        fake_server(refusing).update("CLEAR ALL")


def test_basic_auth_only_when_the_server_asks_for_it() -> None:
    seen: list[str | None] = []

    def basic_server(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        if request.headers.get("authorization") != "Basic dTpzZWNyZXQ=":
            return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="fuseki"'})
        return httpx.Response(204)

    repo = fake_server(basic_server)
    repo.update("CLEAR ALL")
    repo.update("CLEAR ALL")
    # challenged once, then the credentials go with each request
    assert seen == [None, "Basic dTpzZWNyZXQ=", "Basic dTpzZWNyZXQ="]


def test_virtuoso_anonymous_updates_need_a_grant(virtuoso: RunningServer) -> None:
    url = virtuoso.base_url + "/sparql"
    with (
        RemoteRepository(RemoteEndpoint(url, url), read_only=False) as anonymous,
        pytest.raises(RepositoryError, match='GRANT SPARQL_UPDATE TO "SPARQL"'),
    ):
        anonymous.put_graph(G1, other())


def test_virtuoso_canonicalises_literals(virtuoso: RunningServer) -> None:
    """What Virtuoso changes: number forms, language tag case, boolean true beside integer 1."""
    repo = remote(virtuoso, graph_store=False)
    graph = Graph()
    subject, p, q = URIRef(EX + "s"), URIRef(EX + "p"), URIRef(EX + "q")
    graph.add((subject, p, Literal("01", datatype=XSD.integer)))
    graph.add((subject, p, Literal("1.50", datatype=XSD.decimal)))
    graph.add((subject, p, Literal("Colour", lang="en-GB")))
    graph.add((subject, q, Literal(True)))
    graph.add((subject, q, Literal(1)))
    repo.put_graph(G1, graph)
    back = {str(o) + "|" + str(getattr(o, "language", "")) for o in repo.get_graph(G1).objects()}
    assert {"1|None", "1.5|None", "Colour|en-gb"} <= back
    assert repo.count(G1) == 4  # true and 1 were stored as one value
    repo.close()


def test_virtuoso_version_and_pages_with_the_graph_store(virtuoso: RunningServer) -> None:
    """Writing with one client, reading with another: the graph store's cut GET is paged."""
    writer = remote(virtuoso, graph_store=True)
    graph = big_graph(VIRTUOSO_MAX_ROWS * 2 + 5)
    writer.put_graph(G1, graph)
    with RemoteRepository(virtuoso.endpoint(graph_store=True)) as reader:
        assert reader.count(G1) == len(graph)
        assert reader.get_graph(G1).isomorphic(graph)
        assert reader.version() == writer.version()
    writer.close()


# -- the whole API over a remote store ------------------------------------------------------


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def real_remote(
    request: pytest.FixtureRequest, built_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """Another server of each engine, holding the real graphs of ``built_store``."""
    if request.param == "virtuoso" and virtuoso_binary() is None:
        pytest.skip(NO_VIRTUOSO)
    start = oxigraph_server if request.param == "oxigraph" else virtuoso_server
    with start(tmp_path_factory.mktemp(f"{request.param}-real")) as server:
        with (
            OxigraphRepository(built_store, read_only=True) as source,
            RemoteRepository(server.endpoint(graph_store=True), read_only=False) as target,
        ):
            for name in source.graphs():
                target.put_graph(name, source.get_graph(name))
        yield server


@pytest.fixture(scope="module")
def remote_client(
    real_remote: RunningServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The app over ``real_remote`` (read-only: its settings have no write token)."""
    from api.app import create_app

    settings = Settings(
        root=DEFAULT_ROOT,
        store_path=tmp_path_factory.mktemp("no-store") / "store",
        remote=real_remote.endpoint(),
    )
    with TestClient(create_app(settings)) as client:
        yield client


REAL_SELECTS = [
    # provisions per instrument
    """SELECT ?instrument (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ocsea:Provision ;
       ocsea:partOf+ ?instrument . ?instrument a ocsea:EncodedInstrument }
       GROUP BY ?instrument ORDER BY ?instrument""",
    # forces by strength
    "SELECT ?force ?strength WHERE { ?force ocsea:strength ?strength } ORDER BY ?strength ?force",
    # indirect statements
    "SELECT ?s WHERE { ?s ocsea:isIndirect true } ORDER BY ?s",
    # named graphs and their sizes
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
]


def solutions(data: bytes) -> list[dict[str, str]]:
    results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    variables = [v.value for v in results.variables]
    return [{v: str(solution[v]) for v in variables} for solution in results]


def sparql_get(client: TestClient, query: str, accept: str) -> httpx.Response:
    return client.get("/sparql", params={"query": query}, headers={"Accept": accept})


@pytest.mark.parametrize("query", REAL_SELECTS, ids=["provisions", "forces", "indirect", "graphs"])
def test_api_answers_the_same_over_a_remote_store(
    remote_client: TestClient, real_client: TestClient, query: str
) -> None:
    for accept in ("application/sparql-results+json", "text/tab-separated-values"):
        embedded = sparql_get(real_client, query, accept)
        remote_answer = sparql_get(remote_client, query, accept)
        assert embedded.status_code == remote_answer.status_code == 200
        assert remote_answer.headers["content-type"].startswith(accept)
        if accept == "text/tab-separated-values":  # made by pyoxigraph from either store
            assert remote_answer.text == embedded.text
        else:  # passed through from the server: the same solutions, maybe not the same bytes
            assert solutions(remote_answer.content) == solutions(embedded.content)
            assert len(solutions(remote_answer.content)) > 0


def test_api_construct_and_errors_over_a_remote_store(
    remote_client: TestClient, real_client: TestClient
) -> None:
    construct = """CONSTRUCT { ?f ?p ?o } WHERE { ?f ocsea:strength ?s ; ?p ?o }"""
    embedded = sparql_get(real_client, construct, "text/turtle")
    answer = sparql_get(remote_client, construct, "text/turtle")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/turtle")
    remote_graph = Graph().parse(data=answer.text, format="turtle")
    assert len(remote_graph) > 20
    assert remote_graph.isomorphic(Graph().parse(data=embedded.text, format="turtle"))

    bad = sparql_get(remote_client, "SELECT * WHERE { ?s ?p", "application/sparql-results+json")
    assert bad.status_code == 400 and "syntax error" in bad.text
    update = sparql_get(remote_client, "DROP ALL", "application/sparql-results+json")
    assert update.status_code == 400 and "SPARQL Update" in update.text

    health, embedded_health = remote_client.get("/health"), real_client.get("/health")
    assert health.status_code == 200
    assert health.json()["triples"] == embedded_health.json()["triples"] > 10_000
    assert health.json()["store"] == remote_client.app.state.settings.remote.query_url  # type: ignore[attr-defined]


def test_api_over_an_unreachable_remote_store_is_a_503(tmp_path: Path) -> None:
    from api.app import create_app

    url = f"http://127.0.0.1:{free_port()}/sparql"
    settings = Settings(
        root=DEFAULT_ROOT, store_path=tmp_path / "store", remote=RemoteEndpoint(url, url)
    )
    with TestClient(create_app(settings)) as client:
        answer = sparql_get(client, "ASK {}", "application/sparql-results+json")
    assert answer.status_code == 503 and "cannot reach the SPARQL server" in answer.text


# -- ocsea build to a remote store ----------------------------------------------------------


def test_build_uploads_to_the_remote_store(
    fixture_project: Settings, oxigraph: RunningServer
) -> None:
    """The same graphs and counts as the on-disk build; stale project graphs are removed."""
    on_disk = build(fixture_project.store_path, fixture_project)
    repo = remote(oxigraph, graph_store=False)
    stale = graph_iri("withdrawn-instrument")
    repo.put_graph(stale, other())
    store_path = fixture_project.store_path.with_name("not-written")
    settings = Settings(
        root=fixture_project.root, store_path=store_path, remote=oxigraph.endpoint(graph_store=True)
    )
    summary = build(store_path, settings)
    assert not store_path.exists()
    assert summary.graphs == on_disk.graphs
    assert sorted(summary.graphs) == [str(g) for g in repo.graphs()]
    assert stale not in repo.graphs()
    assert all(repo.count(URIRef(g)) == n for g, n in summary.graphs.items())
    assert (summary.instruments, summary.provisions, summary.statements, summary.actors) == (
        on_disk.instruments,
        on_disk.provisions,
        on_disk.statements,
        on_disk.actors,
    )
    with OxigraphRepository(fixture_project.store_path, read_only=True) as disk:
        inferred = graph_iri("inferred")
        assert repo.get_graph(inferred).isomorphic(disk.get_graph(inferred))
    assert summary.version == repo.version()
    assert f"Store: remote SPARQL server {oxigraph.base_url}/query" in summary.to_table()
    saved = list(store_path.parent.glob("not-written-remote-graphs-*"))
    assert len(saved) == 1, "the stale graph, written only on the server, was saved first"
    kept = Graph().parse(saved[0] / "withdrawn-instrument.ttl")
    assert kept.isomorphic(other())
    assert "removed: withdrawn-instrument.ttl" in (saved[0] / "README.txt").read_text()
    assert any(str(saved[0]) in note for note in summary.notes)
    repo.close()


def test_build_saves_remote_instrument_graphs_it_would_change(
    fixture_project: Settings, oxigraph: RunningServer
) -> None:
    """An instrument graph edited on the server is saved before the upload replaces it; graphs
    equal to what the build makes are not saved."""
    store_path = fixture_project.store_path.with_name("remote-build")
    settings = Settings(
        root=fixture_project.root, store_path=store_path, remote=oxigraph.endpoint(graph_store=True)
    )
    remote(oxigraph, graph_store=False).close()  # no project graph left from other tests
    first = build(store_path, settings)
    assert not any("remote store" in note for note in first.notes)
    assert not list(store_path.parent.glob("remote-build-remote-graphs-*"))
    repo = RemoteRepository(oxigraph.endpoint(graph_store=False), read_only=False)
    instrument = next(g for g in repo.graphs() if str(g).endswith("/test-decision"))
    edited = repo.get_graph(instrument)
    added = (URIRef(ID + "test-decision"), RDFS.comment, Literal("added over HTTP", lang="en"))
    edited.add(added)
    repo.put_graph(instrument, edited)
    second = build(store_path, settings)
    folders = list(store_path.parent.glob("remote-build-remote-graphs-*"))
    assert len(folders) == 1 and any(str(folders[0]) in note for note in second.notes)
    kept = Graph().parse(folders[0] / "test-decision.ttl")
    assert added in kept and len(kept) == len(edited)
    assert added not in repo.get_graph(instrument)  # the upload made it from data/ again
    assert "changed: test-decision.ttl" in (folders[0] / "README.txt").read_text()
    # unchanged graphs are not saved, though the server stores xsd:positiveInteger as xsd:integer
    third = build(store_path, settings)
    assert not any("remote store" in note for note in third.notes)
    assert len(list(store_path.parent.glob("remote-build-remote-graphs-*"))) == 1
    repo.close()
