"""``OxigraphRepository``: the :class:`~api.store.base.Repository` over a local pyoxigraph store.

On disk (a RocksDB directory, e.g. ``var/store``) or in memory (``path=None``). One process may
open a directory read-write; others may open it with ``read_only=True``.

Example::

    >>> from rdflib import Graph, URIRef
    >>> repo = OxigraphRepository()
    >>> g = Graph().parse(data="<urn:a> <urn:b> <urn:c> .", format="turtle")
    >>> repo.put_graph(URIRef("urn:g"), g)
    >>> repo.count(URIRef("urn:g"))
    1
    >>> repo.query("SELECT ?s WHERE { ?s ?p ?o }").rows
    [{'s': rdflib.term.URIRef('urn:a')}]
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import TracebackType
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from api.namespaces import bind_prefixes, sparql_prologue
from api.store.base import QueryResult, SelectResult


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value if term.datatype else None
        if datatype in (None, "http://www.w3.org/2001/XMLSchema#string"):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term in a result: {term!r}")


def _graph_from_ntriples(data: bytes) -> Graph:
    graph = bind_prefixes(Graph())
    if data.strip():
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


class OxigraphRepository:
    """A pyoxigraph store, on disk (``OxigraphRepository(path)``) or in memory (no path)."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._store: Any
        if path is None:
            self._store = ox.Store()
        elif read_only:
            self._store = ox.Store.read_only(str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(path))
        self._version: str | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Flush to disk and release the store (the directory can then be moved or reopened)."""
        if self._store is not None and self.path is not None and not self.read_only:
            self._store.flush()
        self._store = None

    def __enter__(self) -> OxigraphRepository:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def store(self) -> Any:
        """The underlying ``pyoxigraph.Store`` (for bulk operations)."""
        if self._store is None:
            raise RuntimeError("the repository is closed")
        return self._store

    # -- queries ----------------------------------------------------------------------------

    def query(self, sparql: str) -> QueryResult:
        result = self.store.query(sparql_prologue() + sparql, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows: list[dict[str, Node]] = []
            for solution in result:
                row: dict[str, Node] = {}
                for name in variables:
                    value = solution[name]
                    if value is not None:
                        row[name] = to_rdflib(value)
                rows.append(row)
            return SelectResult(variables=variables, rows=rows)
        graph = bind_prefixes(Graph())
        for triple in result:
            graph.add(
                (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
            )
        return graph

    def construct(self, sparql: str) -> Graph:
        result = self.query(sparql)
        if not isinstance(result, Graph):
            raise ValueError("construct() needs a CONSTRUCT or DESCRIBE query")
        return result

    def select(self, sparql: str) -> SelectResult:
        """Run a ``SELECT`` query."""
        result = self.query(sparql)
        if not isinstance(result, SelectResult):
            raise ValueError("select() needs a SELECT query")
        return result

    def update(
        self, sparql: str, *, base_iri: str | None = None, prefixes: dict[str, str] | None = None
    ) -> None:
        """Run a SPARQL Update (transactional: all or nothing). ``SyntaxError`` if invalid."""
        if self.read_only:
            raise RuntimeError("the repository is open read-only")
        self.store.update(sparql, base_iri=base_iri, prefixes=prefixes)
        self._version = None

    # -- graphs -----------------------------------------------------------------------------

    def graphs(self) -> list[URIRef]:
        return sorted(
            URIRef(g.value) for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)
        )

    def get_graph(self, graph: URIRef) -> Graph:
        name = ox.NamedNode(str(graph))
        if not self.store.contains_named_graph(name):
            return bind_prefixes(Graph())
        return _graph_from_ntriples(self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name))

    def put_graph(self, graph: URIRef, content: Graph) -> None:
        name = ox.NamedNode(str(graph))
        data = content.serialize(format="nt", encoding="utf-8")
        if self.store.contains_named_graph(name):
            self.store.remove_graph(name)
        self.store.add_graph(name)
        if data.strip():
            self.store.load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
        self._version = None

    def delete_graph(self, graph: URIRef) -> None:
        name = ox.NamedNode(str(graph))
        if self.store.contains_named_graph(name):
            self.store.remove_graph(name)
        self._version = None

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            return len(self.store)
        name = ox.NamedNode(str(graph))
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, name))

    def version(self) -> str:
        """SHA-256 (16 hex digits) of the sorted N-Quads of the store; cached until a write."""
        if self._version is None:
            dump: bytes = self.store.dump(format=ox.RdfFormat.N_QUADS)
            digest = hashlib.sha256()
            for line in sorted(dump.splitlines()):
                digest.update(line)
                digest.update(b"\n")
            self._version = digest.hexdigest()[:16]
        return self._version

    def types(self, cls: URIRef) -> int:
        """Number of distinct resources of type ``cls`` in any graph (inferred types included)."""
        result = self.select(
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x <{RDF.type}> <{cls}> }}"
        )
        value = result.rows[0].get("n") if result.rows else None
        return int(value) if isinstance(value, Literal) else 0
