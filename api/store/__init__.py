"""The triple store behind a small interface, so the rest of the code does not depend on one engine.

- :mod:`api.store.base`: the :class:`~api.store.base.Repository` protocol and result types;
- :mod:`api.store.oxigraph`: :class:`~api.store.oxigraph.OxigraphRepository`, over a
  ``pyoxigraph.Store`` on disk or in memory (the default);
- :mod:`api.store.remote`: :class:`~api.store.remote.RemoteRepository`, over any SPARQL 1.1
  Protocol server (Virtuoso, Fuseki, GraphDB, Oxigraph server, …), chosen by setting
  ``OCSEA_SPARQL_ENDPOINT``.

Example::

    >>> from api.store import OxigraphRepository
    >>> repo = OxigraphRepository()              # in memory
    >>> repo.query("ASK { ?s ?p ?o }")
    False
"""

from __future__ import annotations

from api.namespaces import graph_namespace
from api.settings import Settings
from api.store.base import (
    Bindings,
    Dataset,
    QueryResult,
    ReadOnlyError,
    Repository,
    RepositoryError,
    SelectResult,
)
from api.store.oxigraph import OxigraphRepository


class StoreMissingError(RepositoryError):
    """There is no store at the configured path (run ``ocsea build`` first)."""


def store_exists(settings: Settings) -> bool:
    """True when the embedded store of ``settings`` exists (a pyoxigraph/RocksDB directory)."""
    return (settings.store_path / "CURRENT").is_file()


def open_repository(settings: Settings, *, writable: bool = False) -> Repository:
    """The repository of ``settings``: remote when an endpoint is configured, else on disk.

    The embedded store is opened read-only unless ``writable`` (then only this process may open
    it); ``StoreMissingError`` when it has not been built.
    """
    if settings.remote is not None:
        from api.store.remote import RemoteRepository

        return RemoteRepository(
            settings.remote,
            read_only=not writable,
            graph_namespace=graph_namespace(base=settings.base_iri),
        )
    if not store_exists(settings):
        raise StoreMissingError(f"no store at {settings.store_path}: run 'ocsea build' first")
    return OxigraphRepository(settings.store_path, read_only=not writable)


__all__ = [
    "Bindings",
    "Dataset",
    "OxigraphRepository",
    "QueryResult",
    "ReadOnlyError",
    "Repository",
    "RepositoryError",
    "SelectResult",
    "StoreMissingError",
    "open_repository",
    "store_exists",
]
