"""rdflib's SPARQL processor with parsed queries cached: the SHACL gate's biggest fixed cost.

pySHACL runs the shapes' SPARQL (SHACL-AF targets, SPARQL constraints) through rdflib's
``Graph.query``, which parses and translates the query text anew on every call: about 10 ms per
query with pyparsing, tens of queries per validation, the same texts every time. rdflib prepares
a query once when it is given a ``Query`` object, but pySHACL passes text, and it offers no hook
to pass prepared queries. So this module registers, under rdflib's default processor name
``"sparql"``, a subclass of rdflib's own processor that memoises the translated query by its
text, base IRI and initial namespaces, and otherwise evaluates exactly as rdflib does (a
translated query is what ``rdflib.plugins.sparql.prepareQuery`` returns, made to be reused).

The registration is process-wide (rdflib's plugin registry is global): :func:`install` is
idempotent and called by :mod:`api.validation` at import. The cache holds at most
:data:`CACHE_SIZE` queries (least recently used are dropped).

Example::

    >>> from rdflib import Graph
    >>> install()
    >>> graph = Graph().parse(data="<urn:a> <urn:b> <urn:c> .", format="turtle")
    >>> text = "SELECT ?s WHERE { ?s ?p ?o }"
    >>> [str(row.s) for row in graph.query(text)], [str(row.s) for row in graph.query(text)]
    (['urn:a'], ['urn:a'])
    >>> cached_queries() >= 1
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from rdflib import plugin
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor

CACHE_SIZE = 512


@lru_cache(maxsize=CACHE_SIZE)
def _translated(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces) or None)


def cached_queries() -> int:
    """How many translated queries the cache holds."""
    return _translated.cache_info().currsize


class CachingSPARQLProcessor(SPARQLProcessor):
    """rdflib's ``SPARQLProcessor``, with query texts parsed and translated once."""

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,  # rdflib's parameter names
        initBindings: Mapping[str, Any] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            namespaces = tuple(sorted((k, str(v)) for k, v in (initNs or {}).items()))
            strOrQuery = _translated(strOrQuery, base, namespaces)
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


def install() -> None:
    """Make :class:`CachingSPARQLProcessor` rdflib's default ``"sparql"`` processor."""
    plugin.register("sparql", Processor, __name__, CachingSPARQLProcessor.__name__)
