"""``OxigraphRepository``: the :class:`~api.store.base.Repository` over a local pyoxigraph store.

On disk (a RocksDB directory, e.g. ``var/store``) or in memory (``path=None``). One process may
open a directory read-write; others may open it with ``read_only=True``.

Bindings are pyoxigraph ``substitutions`` (the variable is replaced in the parsed query, SEP-0007),
so values never touch the query text. :meth:`OxigraphRepository.put_graph` replaces a graph in
one SPARQL Update (``DROP SILENT GRAPH`` + ``INSERT DATA``), which Oxigraph applies as one
transaction: readers and a crash see the old graph or the new one, never a mix.

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
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from api.namespaces import SPARQL_PREFIXES, bind_prefixes
from api.sparql_lexer import has_keyword
from api.store.base import (
    Bindings,
    Dataset,
    QueryResult,
    ReadOnlyError,
    RepositoryError,
    SelectResult,
)

_PREFIXES = SPARQL_PREFIXES


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


def to_oxigraph(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term (for substitutions and quads)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}: only IRIs, blank nodes and literals")


def _substitutions(bindings: Bindings | None) -> dict[Any, Any] | None:
    if not bindings:
        return None
    return {ox.Variable(name): to_oxigraph(value) for name, value in bindings.items()}


def _result_format(media_type: str) -> Any:
    """The pyoxigraph results or RDF format of ``media_type`` (``ValueError`` if unknown)."""
    for factory in (ox.QueryResultsFormat.from_media_type, ox.RdfFormat.from_media_type):
        found = factory(media_type)
        if found is not None:
            return found
    raise ValueError(f"no serialiser for {media_type!r}")


def _graph_from_ntriples(data: bytes) -> Graph:
    graph = bind_prefixes(Graph())
    if data.strip():
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


class _HashingWriter:
    """A file-like sink for ``Store.dump``: an order-independent digest of the lines written.

    Each N-Quads line is hashed on its own and the hashes are added up: the same quads give the
    same digest in whatever order the store lists them (an in-memory store lists them in the
    order they were written). Only the unfinished last line of a chunk is kept.
    """

    def __init__(self) -> None:
        self._total = 0
        self._count = 0
        self._pending = b""

    def write(self, data: bytes) -> int:
        lines = (self._pending + bytes(data)).split(b"\n")
        self._pending = lines.pop()
        for line in lines:
            self._add(line)
        return len(data)

    def _add(self, line: bytes) -> None:
        if line:
            digest = hashlib.blake2b(line, digest_size=16).digest()
            self._total += int.from_bytes(digest, "big")
            self._count += 1

    def flush(self) -> None:
        """Nothing is buffered but an unfinished line, which only the end of the dump finishes."""

    def hexdigest(self) -> str:
        self._add(self._pending)
        self._pending = b""
        summary = f"{self._count} {self._total % (1 << 128):032x}".encode("ascii")
        return hashlib.blake2b(summary, digest_size=8).hexdigest()


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
        self._version_lock = threading.Lock()
        self._scanning = threading.Lock()
        self._writes = 0

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Flush to disk and release the store (the directory can then be moved or reopened)."""
        with self._scanning:  # a version being computed holds the store: let it finish
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

    def describe(self) -> str:
        return str(self.path) if self.path is not None else "memory"

    def _run(
        self,
        sparql: str,
        bindings: Bindings | None,
        dataset: Dataset | None = None,
        base_iri: str | None = None,
    ) -> Any:
        arguments: dict[str, Any] = {
            "prefixes": _PREFIXES,
            "base_iri": base_iri,
            "substitutions": _substitutions(bindings),
        }
        if dataset is not None:
            arguments["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
            arguments["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
        elif not has_keyword(sparql, "FROM"):
            # pyoxigraph's union flag would also override FROM, so only without FROM
            arguments["use_default_graph_as_union"] = True
        try:
            return self.store.query(sparql, **arguments)
        except OSError as exc:
            raise RepositoryError(f"the store could not be read: {exc}") from exc

    def query(self, sparql: str, bindings: Bindings | None = None) -> QueryResult:
        result = self._run(sparql, bindings)
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

    def raw_query(
        self,
        sparql: str,
        media_type: str,
        *,
        dataset: Dataset | None = None,
        base_iri: str | None = None,
        bindings: Bindings | None = None,
    ) -> bytes:
        result_format = _result_format(media_type)
        result = self._run(sparql, bindings, dataset, base_iri)
        try:
            data: bytes = result.serialize(format=result_format)
        finally:
            # pyoxigraph results must be dropped on the thread that made them; an error's
            # traceback would carry this frame to another thread
            del result
        return data

    def construct(self, sparql: str, bindings: Bindings | None = None) -> Graph:
        result = self.query(sparql, bindings)
        if not isinstance(result, Graph):
            raise ValueError("construct() needs a CONSTRUCT or DESCRIBE query")
        return result

    def select(self, sparql: str, bindings: Bindings | None = None) -> SelectResult:
        result = self.query(sparql, bindings)
        if not isinstance(result, SelectResult):
            raise ValueError("select() needs a SELECT query")
        return result

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update (transactional: all or nothing). ``SyntaxError`` if invalid."""
        self._check_writable()
        try:
            self.store.update(sparql, base_iri=base_iri, prefixes=_PREFIXES)
        except OSError as exc:
            raise RepositoryError(f"the store could not be written: {exc}") from exc
        finally:
            with self._version_lock:
                self._version = None
                self._writes += 1

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyError("the repository is open read-only")

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
        self._check_writable()
        name = ox.NamedNode(str(graph))
        triples = content.serialize(format="nt", encoding="utf-8").decode("utf-8")
        # one update = one transaction: DROP and INSERT land together or not at all
        self.update(f"DROP SILENT GRAPH {name} ; INSERT DATA {{ GRAPH {name} {{\n{triples}}} }}")
        if not triples.strip():
            self.store.add_graph(name)  # keep the (empty) graph visible in graphs()

    def delete_graph(self, graph: URIRef) -> None:
        self._check_writable()
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(str(graph))}")

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            return len(self.store)
        name = ox.NamedNode(str(graph))
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, name))

    def version(self) -> str:
        """A digest of the store's content (16 hex digits), cached until a write.

        The sum of a 128-bit hash of every quad's N-Quads line, with the number of quads: the
        same content gives the same version whatever the order of the quads. The quads come
        from the store's dump, streamed (the memory used does not grow with the store) and
        written by Oxigraph's own code, which lets go of the GIL between chunks: the server goes
        on answering while a large store is hashed (about 7 s per million quads; iterating over
        the quads in Python held the GIL throughout, and every answer waited for it).
        """
        with self._version_lock:
            if self._version is not None:
                return self._version
            writes = self._writes
        # computed without the lock (writes go on); kept only if no write happened meanwhile
        digest = _HashingWriter()
        with self._scanning:
            self.store.dump(digest, format=ox.RdfFormat.N_QUADS)
        version = digest.hexdigest()
        with self._version_lock:
            if self._writes == writes:
                self._version = version
        return version

    def types(self, cls: URIRef) -> int:
        """Number of distinct resources of type ``cls`` in any graph (inferred types included)."""
        result = self.select(
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x <{RDF.type}> <{cls}> }}"
        )
        value = result.rows[0].get("n") if result.rows else None
        return int(value) if isinstance(value, Literal) else 0
