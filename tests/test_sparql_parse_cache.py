"""The cached rdflib SPARQL processor (api.sparql_parse_cache) answers as rdflib does."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql.processor import SPARQLProcessor

from api import validation  # noqa: F401  (installs the cache, as the app does)
from api.sparql_parse_cache import CachingSPARQLProcessor, cached_queries

DATA = """
@prefix ex: <urn:ex:> .
ex:a ex:p 1 ; ex:q "x" .
ex:b ex:p 2 .
"""


def _graph() -> Graph:
    return Graph().parse(data=DATA, format="turtle")


def test_rdflib_default_processor_is_the_caching_one() -> None:
    graph = _graph()
    before = cached_queries()
    text = "SELECT ?s WHERE { ?s <urn:ex:p> ?o } ORDER BY ?o # test-default-processor"
    first = [row.s for row in graph.query(text)]
    assert cached_queries() == before + 1
    second = [row.s for row in graph.query(text)]
    assert cached_queries() == before + 1  # parsed once
    assert first == second == [URIRef("urn:ex:a"), URIRef("urn:ex:b")]


def test_same_answers_as_rdflib_with_bindings_namespaces_and_base() -> None:
    graph = _graph()
    cases = [
        ("SELECT ?o WHERE { ?s ex:p ?o }", {"s": URIRef("urn:ex:b")}, {"ex": "urn:ex:"}, None),
        ("SELECT ?o WHERE { ?s ex:p ?o }", {"s": URIRef("urn:ex:a")}, {"ex": "urn:ex:"}, None),
        ("SELECT ?o WHERE { <a> <p> ?o }", {}, {}, "urn:ex:"),
        ("ASK { ?s ex:q ?v }", {"v": Literal("x")}, {"ex": "urn:ex:"}, None),
        ("ASK { ?s ex:q ?v }", {"v": Literal("y")}, {"ex": "urn:ex:"}, None),
    ]
    for text, bindings, namespaces, base in cases:
        expected = dict(SPARQLProcessor(graph).query(text, bindings, namespaces, base))
        expected_rows = list(expected.get("bindings") or [])
        for _ in range(2):  # the second time from the cache
            got = CachingSPARQLProcessor(graph).query(text, bindings, namespaces, base)
            assert got["type_"] == expected["type_"]
            if expected["type_"] == "ASK":
                assert got["askAnswer"] == expected["askAnswer"]
            else:
                assert list(got["bindings"]) == expected_rows


def test_namespaces_are_part_of_the_key() -> None:
    graph = _graph()
    text = "ASK { ex:a ex:p 1 }"
    assert CachingSPARQLProcessor(graph).query(text, {}, {"ex": "urn:ex:"})["askAnswer"]
    assert not CachingSPARQLProcessor(graph).query(text, {}, {"ex": "urn:other:"})["askAnswer"]
