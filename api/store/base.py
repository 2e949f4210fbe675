"""The ``Repository`` protocol: what the project needs from a triple store, and nothing more.

A repository holds named graphs (one per source, see :mod:`api.loading`) and answers SPARQL.
Results use rdflib terms whatever the engine, so callers never see engine types. Queries see the
union of all named graphs as their default graph, unless a query says ``GRAPH``/``FROM``.

``version()`` is a short opaque string that changes whenever the content changes (an ETag for
HTTP caching later).

Implementations: :class:`api.store.oxigraph.OxigraphRepository` (local, on disk or in memory); a
remote SPARQL-protocol one will come later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from rdflib import Graph, URIRef
from rdflib.term import Node


@dataclass
class SelectResult:
    """The solutions of a ``SELECT``: variable names in order, and one dict per row."""

    variables: list[str]
    rows: list[dict[str, Node]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Node | None]:
        """The values of one variable, row by row (``None`` where unbound)."""
        return [row.get(name) for row in self.rows]


QueryResult = SelectResult | bool | Graph
"""``SELECT`` → :class:`SelectResult`, ``ASK`` → ``bool``, ``CONSTRUCT``/``DESCRIBE`` → graph."""


@runtime_checkable
class Repository(Protocol):
    """A store of named graphs that answers SPARQL."""

    def query(self, sparql: str) -> QueryResult:
        """Run any SPARQL query (the project's prefixes are predeclared)."""
        ...

    def construct(self, sparql: str) -> Graph:
        """Run a ``CONSTRUCT``/``DESCRIBE`` query and return its graph."""
        ...

    def graphs(self) -> list[URIRef]:
        """The IRIs of the named graphs, sorted."""
        ...

    def get_graph(self, graph: URIRef) -> Graph:
        """A copy of named graph ``graph`` (empty if it does not exist)."""
        ...

    def put_graph(self, graph: URIRef, content: Graph) -> None:
        """Replace named graph ``graph`` with ``content``."""
        ...

    def delete_graph(self, graph: URIRef) -> None:
        """Remove named graph ``graph`` (no error if absent)."""
        ...

    def count(self, graph: URIRef | None = None) -> int:
        """Number of triples in ``graph``, or of quads in the whole store."""
        ...

    def version(self) -> str:
        """An opaque string that changes when the content changes (usable as an ETag)."""
        ...
