"""The ``Repository`` protocol: what the project needs from a triple store, and nothing more.

A repository holds named graphs (one per source, see :mod:`api.loading`) and answers SPARQL.
Two families of calls:

- **terms** (:meth:`Repository.query`, :meth:`~Repository.select`, :meth:`~Repository.construct`):
  results as rdflib terms whatever the engine, for the REST resources, the catalogue and tests;
- **bytes** (:meth:`Repository.raw_query`): the result already serialised by the engine in a
  media type, for the ``/sparql`` endpoint (no Python loop over solutions).

Queries see the union of the project's named graphs as their default graph unless they say
``FROM``/``FROM NAMED`` or a protocol dataset is given. The project's and the data's prefixes
(:data:`api.namespaces.SPARQL_PREFIXES`) are predeclared.

**Parameters are bound, never pasted.** ``bindings`` maps variable names (without ``?``) to rdflib
terms. The embedded store substitutes them in the parsed query (pyoxigraph ``substitutions``,
SEP-0007); a remote store sends them as a ``VALUES`` block built from the terms' own N-Triples
serialisation. Either way a value can never change the query's structure. Two rules make a query
work on both (pyoxigraph 0.5's substitution semantics):

- a bound variable must be **projected** by the ``SELECT`` (or used in the ``CONSTRUCT`` template),
  and used in the top-level group, not only inside a subquery;
- a bound variable is a constant, so ``BOUND(?x)`` cannot tell whether a value was given: write
  optional filters as ``COALESCE(?x = ?value, true)`` or with ``EXISTS``.

``version()`` is a short opaque string that changes whenever the content changes (an ETag).

Errors: ``SyntaxError`` for an invalid query or update (with the engine's message and
position), :class:`RepositoryError` when the store cannot answer (remote down, I/O error),
:class:`ReadOnlyError` for a write to a read-only repository.

Implementations: :class:`api.store.oxigraph.OxigraphRepository` (embedded, on disk or in
memory) and :class:`api.store.remote.RemoteRepository` (any SPARQL 1.1 Protocol + Graph Store
Protocol server). :func:`api.store.open_repository` picks one from the settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from rdflib import Graph, URIRef
from rdflib.term import Node

Bindings = Mapping[str, Node]
"""Variable name (without ``?``) → the rdflib term it stands for."""


class RepositoryError(RuntimeError):
    """The store could not answer (unreachable, I/O error, unexpected answer)."""


class ReadOnlyError(RepositoryError):
    """A write was attempted on a repository opened read-only."""


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


@dataclass(frozen=True)
class Dataset:
    """A SPARQL protocol dataset (``default-graph-uri`` / ``named-graph-uri``)."""

    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()


@runtime_checkable
class Repository(Protocol):
    """A store of named graphs that answers SPARQL."""

    read_only: bool
    """True when writes are refused (:class:`ReadOnlyError`)."""

    def describe(self) -> str:
        """Where the data is, for people (a path, ``memory``, or an endpoint URL)."""
        ...

    def query(self, sparql: str, bindings: Bindings | None = None) -> QueryResult:
        """Run any SPARQL query; results as rdflib terms."""
        ...

    def select(self, sparql: str, bindings: Bindings | None = None) -> SelectResult:
        """Run a ``SELECT`` query (``ValueError`` for another form)."""
        ...

    def construct(self, sparql: str, bindings: Bindings | None = None) -> Graph:
        """Run a ``CONSTRUCT``/``DESCRIBE`` query and return its graph (``ValueError`` else)."""
        ...

    def raw_query(
        self,
        sparql: str,
        media_type: str,
        *,
        dataset: Dataset | None = None,
        base_iri: str | None = None,
        bindings: Bindings | None = None,
    ) -> bytes:
        """Run a query and return its result serialised as ``media_type``.

        ``media_type`` is one of the SPARQL results types (JSON, XML, CSV, TSV) for
        ``SELECT``/``ASK`` or an RDF syntax (Turtle, N-Triples, JSON-LD, RDF/XML) for
        ``CONSTRUCT``/``DESCRIBE``; the caller has chosen one that fits the query form.
        """
        ...

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update, all or nothing. It sees the store's own default graph."""
        ...

    def graphs(self) -> list[URIRef]:
        """The IRIs of the named graphs, sorted."""
        ...

    def get_graph(self, graph: URIRef) -> Graph:
        """A copy of named graph ``graph`` (empty if it does not exist)."""
        ...

    def put_graph(self, graph: URIRef, content: Graph) -> None:
        """Replace named graph ``graph`` with ``content``, atomically."""
        ...

    def delete_graph(self, graph: URIRef) -> None:
        """Remove named graph ``graph`` (no error if absent)."""
        ...

    def count(self, graph: URIRef | None = None) -> int:
        """Number of triples in ``graph``, or of quads in all named graphs."""
        ...

    def version(self) -> str:
        """An opaque string that changes when the content changes (usable as an ETag)."""
        ...

    def close(self) -> None:
        """Release the store (flush to disk, close connections)."""
        ...
