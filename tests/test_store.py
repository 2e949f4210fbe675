"""The Oxigraph repository: graphs, queries with rdflib terms, versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from api.store import OxigraphRepository, Repository, SelectResult

G1, G2 = URIRef("urn:graph:1"), URIRef("urn:graph:2")


def sample() -> Graph:
    return Graph().parse(
        data="""@prefix ocsea: <https://w3id.org/ocsea/ontology#> .
        <urn:p1> a ocsea:Provision ; ocsea:text "Texto"@es ; ocsea:position 1 .""",
        format="turtle",
    )


def test_in_memory_repository() -> None:
    repo = OxigraphRepository()
    assert isinstance(repo, Repository)
    before = repo.version()
    repo.put_graph(G1, sample())
    assert repo.graphs() == [G1]
    assert repo.count(G1) == 3 and repo.count() == 3
    assert repo.version() != before
    result = repo.query("SELECT ?t ?n WHERE { ?p ocsea:text ?t ; ocsea:position ?n }")
    assert isinstance(result, SelectResult)
    assert result.rows == [{"t": Literal("Texto", lang="es"), "n": Literal(1)}]
    assert repo.query("ASK { <urn:p1> a ocsea:Provision }") is True
    constructed = repo.construct("CONSTRUCT { ?p a ?c } WHERE { ?p a ?c }")
    assert len(constructed) == 1
    assert repo.get_graph(G1).isomorphic(sample())
    repo.put_graph(G1, Graph())  # replace with nothing
    assert repo.count(G1) == 0
    repo.put_graph(G2, sample())
    repo.delete_graph(G2)
    assert G2 not in repo.graphs()
    assert len(repo.get_graph(G2)) == 0
    with pytest.raises(ValueError):
        repo.construct("ASK { ?s ?p ?o }")


def test_on_disk_repository_persists(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with OxigraphRepository(path) as repo:
        repo.put_graph(G1, sample())
        version = repo.version()
    with OxigraphRepository(path, read_only=True) as reopened:
        assert reopened.count(G1) == 3
        assert reopened.version() == version


def test_version_depends_on_the_content_only() -> None:
    quads = [
        "INSERT DATA { GRAPH <urn:g1> { <urn:a> <urn:p> 'x'@es } }",
        "INSERT DATA { GRAPH <urn:g1> { <urn:a> <urn:p> 2 } }",
        "INSERT DATA { GRAPH <urn:g2> { <urn:b> <urn:p> <urn:a> } }",
    ]
    first, second, moved = OxigraphRepository(), OxigraphRepository(), OxigraphRepository()
    for update in quads:
        first.update(update)
    for update in reversed(quads):
        second.update(update)
    assert first.version() == second.version()  # the order of writing does not matter
    for update in quads[:2]:
        moved.update(update)
    moved.update("INSERT DATA { GRAPH <urn:g3> { <urn:b> <urn:p> <urn:a> } }")
    assert moved.version() != first.version()  # the same triple in another graph
    first.update("DELETE DATA { GRAPH <urn:g1> { <urn:a> <urn:p> 2 } }")
    assert first.version() != second.version()
    first.update("INSERT DATA { GRAPH <urn:g1> { <urn:a> <urn:p> 2 } }")
    assert first.version() == second.version()
