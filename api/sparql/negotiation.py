"""Result formats and content negotiation.

Each kind of result has its formats, listed here in the order of preference used on a tie:

- ``SELECT``: SPARQL Results JSON (default), XML, CSV, TSV;
- ``ASK``: SPARQL Results JSON (default), XML (CSV/TSV have no boolean form);
- ``CONSTRUCT``/``DESCRIBE`` and the service description: Turtle (default), N-Triples, JSON-LD,
  RDF/XML.

The client chooses with the ``Accept`` header (media ranges with q-values, parsed by
``python-mimeparse``) or with the ``format`` parameter, which wins over ``Accept`` (for browsers
and tools that cannot set headers): a short name (``json``, ``xml``, ``csv``, ``tsv``,
``turtle``, ``ntriples``, ``jsonld``, ``rdfxml``) or a media type. ``Accept`` is scored by
:func:`api.accept.best_offer` (aliases count only when named exactly). No ``Accept`` means
``*/*``; a malformed one is treated as ``*/*``. When nothing fits: 406.

Example::

    >>> negotiate(ResultKind.SELECT, "text/csv;q=0.5, application/sparql-results+xml").name
    'xml'
    >>> negotiate(ResultKind.GRAPH, None, "ntriples").media_type
    'application/n-triples'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import pyoxigraph as ox

from api.accept import best_offer
from api.sparql.errors import ProtocolError


class ResultKind(Enum):
    """What a query returns: solutions, a boolean or a graph."""

    SELECT = "solutions"
    ASK = "boolean"
    GRAPH = "graph"


@dataclass(frozen=True)
class ResultFormat:
    """A format: short name, media type, ``Content-Type`` sent, pyoxigraph format."""

    name: str
    media_type: str
    content_type: str
    oxigraph: Any  # ox.QueryResultsFormat or ox.RdfFormat
    aliases: tuple[str, ...] = ()


JSON = ResultFormat(
    "json",
    "application/sparql-results+json",
    "application/sparql-results+json",
    ox.QueryResultsFormat.JSON,
    ("application/json",),
)
XML = ResultFormat(
    "xml",
    "application/sparql-results+xml",
    "application/sparql-results+xml",
    ox.QueryResultsFormat.XML,
    ("application/xml", "text/xml"),
)
CSV = ResultFormat("csv", "text/csv", "text/csv; charset=utf-8", ox.QueryResultsFormat.CSV)
TSV = ResultFormat(
    "tsv",
    "text/tab-separated-values",
    "text/tab-separated-values; charset=utf-8",
    ox.QueryResultsFormat.TSV,
)
TURTLE = ResultFormat(
    "turtle", "text/turtle", "text/turtle; charset=utf-8", ox.RdfFormat.TURTLE, ("text/n3",)
)
NTRIPLES = ResultFormat(
    "ntriples", "application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES
)
JSONLD = ResultFormat("jsonld", "application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD)
RDFXML = ResultFormat("rdfxml", "application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML)

FORMATS: dict[ResultKind, tuple[ResultFormat, ...]] = {
    ResultKind.SELECT: (JSON, XML, CSV, TSV),
    ResultKind.ASK: (JSON, XML),
    ResultKind.GRAPH: (TURTLE, NTRIPLES, JSONLD, RDFXML),
}
"""The formats of each kind of result, most preferred first (the first is the default)."""

ALL_FORMATS: tuple[ResultFormat, ...] = (JSON, XML, CSV, TSV, TURTLE, NTRIPLES, JSONLD, RDFXML)
FORMAT_NAMES = tuple(f.name for f in ALL_FORMATS)


def _by_format_parameter(kind: ResultKind, value: str) -> ResultFormat:
    wanted = value.strip().lower()
    known = [f for f in ALL_FORMATS if wanted in (f.name, f.media_type, *f.aliases)]
    if not known:
        raise ProtocolError(400, f"unknown format {value!r}: use one of {', '.join(FORMAT_NAMES)}")
    for candidate in FORMATS[kind]:
        if candidate in known:
            return candidate
    raise ProtocolError(406, _not_acceptable(kind, f"format={value}"))


def _not_acceptable(kind: ResultKind, asked: str) -> str:
    offered = ", ".join(f"{f.media_type} ({f.name})" for f in FORMATS[kind])
    return f"cannot answer a {kind.name} result as {asked}; available: {offered}"


def negotiate(kind: ResultKind, accept: str | None, format: str | None = None) -> ResultFormat:
    """The format to answer with, from the ``format`` parameter or else ``Accept``; 406 if none."""
    if format:
        return _by_format_parameter(kind, format)
    if not accept or not accept.strip():
        return FORMATS[kind][0]
    candidates = FORMATS[kind]
    index = best_offer([(c.media_type, c.aliases) for c in candidates], accept)
    if index is None:
        raise ProtocolError(406, _not_acceptable(kind, f"Accept: {accept}"))
    return candidates[index]
