"""The triple store behind a small interface, so the rest of the code does not depend on one engine.

- :mod:`api.store.base`: the :class:`~api.store.base.Repository` protocol and result types;
- :mod:`api.store.oxigraph`: :class:`~api.store.oxigraph.OxigraphRepository`, over a
  ``pyoxigraph.Store`` on disk or in memory.

Example::

    >>> from api.store import OxigraphRepository
    >>> repo = OxigraphRepository()              # in memory
    >>> repo.query("ASK { ?s ?p ?o }")
    False
"""

from api.store.base import QueryResult, Repository, SelectResult
from api.store.oxigraph import OxigraphRepository

__all__ = ["OxigraphRepository", "QueryResult", "Repository", "SelectResult"]
