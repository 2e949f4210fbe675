"""Serialise graphs and datasets for the linked-data routes.

- Turtle, N-Triples, RDF/XML, TriG and N-Quads are written by pyoxigraph (fast, and the same
  writer as the ``/sparql`` endpoint), with the output prefixes of :mod:`api.ld.vocabulary` and
  the triples sorted, so that the same data gives the same bytes;
- JSON-LD is written by rdflib, compacted with the project's context
  (:func:`api.ld.vocabulary.json_ld_context`), which is embedded in the document, so a client
  needs no network access to read it.

Example::

    >>> from rdflib import Graph
    >>> from api.ld.negotiation import NTRIPLES
    >>> g = Graph().parse(data="<urn:a> <urn:b> 'c' .", format="turtle")
    >>> serialize_graph(g, NTRIPLES, prefixes={}, context={})
    b'<urn:a> <urn:b> "c" .\\n'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from api.ld.negotiation import JSONLD, NQUADS, NTRIPLES, RDFXML, TRIG, TURTLE, Representation
from api.store.oxigraph import to_oxigraph

OXIGRAPH_FORMATS: dict[str, Any] = {
    TURTLE.name: ox.RdfFormat.TURTLE,
    NTRIPLES.name: ox.RdfFormat.N_TRIPLES,
    RDFXML.name: ox.RdfFormat.RDF_XML,
    TRIG.name: ox.RdfFormat.TRIG,
    NQUADS.name: ox.RdfFormat.N_QUADS,
}


_PREFIX_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _oxigraph_triples(graph: Graph, first: Node | None) -> list[Any]:
    def key(triple: tuple[Node, Node, Node]) -> tuple[bool, str, bool, str, str]:
        subject, predicate, obj = triple
        return (
            subject != first,
            subject.n3(),
            predicate != RDF.type,
            predicate.n3(),
            obj.n3(),
        )

    return [
        ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
        for s, p, o in sorted(graph, key=key)
    ]


def serialize_graph(
    graph: Graph,
    representation: Representation,
    *,
    prefixes: dict[str, str],
    context: dict[str, Any],
    first: Node | None = None,
) -> bytes:
    """``graph`` in ``representation`` (an RDF triple syntax); ``context`` is used for JSON-LD.

    ``first`` is written first (the described resource). In Turtle and RDF/XML, the parts of
    an instrument (``{base}id/{slug}/{part}``) get a prefix named after the slug, as in the
    source files, when ``prefixes`` has an ``id`` namespace.
    """
    if representation == JSONLD:
        text = graph.serialize(format="json-ld", context=context.get("@context", context))
        return text.encode("utf-8")
    rdf_format = OXIGRAPH_FORMATS.get(representation.name)
    if rdf_format is None or representation in (TRIG, NQUADS):
        raise ValueError(f"not a triple syntax: {representation.name}")
    used = _used_prefixes(graph, prefixes) if representation != NTRIPLES else None
    data = ox.serialize(_oxigraph_triples(graph, first), format=rdf_format, prefixes=used)
    assert data is not None  # no output file given: the bytes are returned
    return data


def _used_prefixes(graph: Graph, prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes that some IRI of ``graph`` starts with, and one per instrument slug."""
    iris = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    used = {
        prefix: namespace
        for prefix, namespace in prefixes.items()
        if any(iri.startswith(namespace) for iri in iris)
    }
    id_base = prefixes.get("id")
    if id_base is None:
        return used
    namespaces = set(prefixes.values())
    for iri in iris:
        slug, slash, part = iri[len(id_base) :].partition("/")
        namespace = f"{id_base}{slug}/"
        if (
            iri.startswith(id_base)
            and slash
            and part
            and _PREFIX_NAME.match(slug)
            and slug not in prefixes
            and namespace not in namespaces
        ):
            used[slug] = namespace
    return used


def ntriples_to_graph_chunk(
    ntriples: bytes, graph_name: URIRef, representation: Representation, prefixes: dict[str, str]
) -> bytes:
    """The triples of one named graph (N-Triples from the store) as N-Quads or a TriG block."""
    if representation == NQUADS:
        suffix = b" " + URIRef(graph_name).n3().encode("utf-8") + b" .\n"
        return b"".join(
            line[: -len(b" .")] + suffix
            for line in ntriples.splitlines()
            if line.strip() and line.endswith(b" .")
        )
    if representation != TRIG:
        raise ValueError(f"not a dataset syntax: {representation.name}")
    name = ox.NamedNode(str(graph_name))
    quads = sorted(
        (ox.Quad(t.subject, t.predicate, t.object, name) for t in _parse_ntriples(ntriples)),
        key=str,
    )
    if not quads:
        return b""
    data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    assert data is not None  # no output file given: the bytes are returned
    return data


def _parse_ntriples(data: bytes) -> Iterable[Any]:
    return ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
