"""Dumps: the whole dataset (``GET /dump``) and one named graph (``GET /dump/{name}``).

The store writes each graph's triples as N-Triples (one ``CONSTRUCT`` per graph, the graph name
bound); :mod:`api.ld.rdf` turns them into N-Quads lines or a TriG block. The whole dump is
streamed graph by graph, so it never sits in memory at once. It holds the named graphs (the
store's default graph is empty after a build; SPARQL queries see the union of the named graphs).

A graph is addressed by its short name when its IRI is ``{base}id/graph/{name}``, and by
``?graph=<IRI>`` otherwise (graphs added through the write endpoints may have any IRI).

Example::

    >>> graph_dump_url("http://127.0.0.1:8000/", "https://w3id.org/ocsea/",
    ...                URIRef("https://w3id.org/ocsea/id/graph/ontology"))
    'http://127.0.0.1:8000/dump/ontology'
    >>> graph_dump_url("http://127.0.0.1:8000/", "https://w3id.org/ocsea/", URIRef("urn:x:g"))
    'http://127.0.0.1:8000/dump?graph=urn%3Ax%3Ag'
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, URIRef

from api.ld.negotiation import JSONLD, Representation
from api.ld.rdf import OXIGRAPH_FORMATS, serialize_graph
from api.namespaces import bind_prefixes
from api.store.base import Repository

GRAPH_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def graph_namespace(base_iri: str) -> str:
    """``{base}id/graph/``: where the store's graph names live."""
    return base_iri + "id/graph/"


def short_name(base_iri: str, graph: URIRef) -> str | None:
    """``name`` for ``{base}id/graph/{name}`` (one path segment), else ``None``."""
    namespace = graph_namespace(base_iri)
    name = str(graph)[len(namespace) :] if str(graph).startswith(namespace) else ""
    return name if name and "/" not in name else None


def graph_dump_url(server: str, base_iri: str, graph: URIRef) -> str:
    """Where graph ``graph`` can be downloaded on ``server`` (see the module documentation)."""
    server = server.rstrip("/") + "/"
    name = short_name(base_iri, graph)
    if name is not None:
        return f"{server}dump/{quote(name)}"
    return f"{server}dump?graph={quote(str(graph), safe='')}"


def graph_ntriples(repository: Repository, graph: URIRef) -> bytes:
    """The triples of named graph ``graph`` as N-Triples, written by the store."""
    return repository.raw_query(GRAPH_QUERY, "application/n-triples", bindings={"g": graph})


def serialize_ntriples(
    ntriples: bytes,
    representation: Representation,
    *,
    prefixes: dict[str, str],
    context: dict[str, Any],
) -> bytes:
    """N-Triples from the store re-serialised as ``representation`` (a triple syntax)."""
    if representation == JSONLD:
        graph = bind_prefixes(Graph())
        if ntriples.strip():
            graph.parse(data=ntriples.decode("utf-8"), format="nt")
        return serialize_graph(graph, representation, prefixes=prefixes, context=context)
    rdf_format = OXIGRAPH_FORMATS[representation.name]
    if rdf_format == ox.RdfFormat.N_TRIPLES:
        return ntriples
    parsed = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    triples = sorted((ox.Triple(q.subject, q.predicate, q.object) for q in parsed), key=str)
    data = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    assert data is not None  # no output file given: the bytes are returned
    return data
