"""Representations of the linked-data resources, and how a request picks one.

A :class:`Representation` is a format a resource can be sent in (HTML, Turtle, JSON-LD,
N-Triples, RDF/XML, N-Quads, TriG, JSON). Each resource offers a tuple of them, its default
first. :func:`choose` picks one from the ``format`` query parameter (a short name such as
``turtle`` or ``ttl``, or a media type), which wins, or else from ``Accept``:

- scored by :func:`api.accept.best_offer` (aliases such as ``application/xml`` for RDF/XML only
  count when named exactly; ties go to the resource's order of preference);
- when nothing is acceptable: 406 with the list of what is offered; an unknown ``format`` name:
  400. A malformed ``Accept`` is treated as ``*/*``.

Example::

    >>> choose(RESOURCE_FORMATS, "text/html,application/xml;q=0.9,*/*;q=0.8").name
    'html'
    >>> choose(RESOURCE_FORMATS, "*/*").name
    'turtle'
    >>> choose(RESOURCE_FORMATS, None, "nt").media_type
    'application/n-triples'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api.accept import best_offer
from api.sparql.errors import ProtocolError


@dataclass(frozen=True)
class Representation:
    """A format: short name, media type, ``Content-Type`` sent, and accepted aliases."""

    name: str
    media_type: str
    content_type: str
    media_aliases: tuple[str, ...] = ()
    """Other media types that ask for this format (only when named exactly)."""
    name_aliases: tuple[str, ...] = ()
    """Other names accepted by ``format=`` (e.g. file extensions)."""

    @property
    def is_rdf(self) -> bool:
        """True for the RDF syntaxes (not HTML or plain JSON)."""
        return self.name not in ("html", "json")


HTML = Representation(
    "html", "text/html", "text/html; charset=utf-8", ("application/xhtml+xml",), ("htm",)
)
TURTLE = Representation(
    "turtle",
    "text/turtle",
    "text/turtle; charset=utf-8",
    ("text/n3", "application/x-turtle"),
    ("ttl",),
)
JSONLD = Representation(
    "jsonld",
    "application/ld+json",
    "application/ld+json",
    ("application/json",),
    ("json-ld", "json"),
)
NTRIPLES = Representation("ntriples", "application/n-triples", "application/n-triples", (), ("nt",))
RDFXML = Representation(
    "rdfxml",
    "application/rdf+xml",
    "application/rdf+xml",
    ("application/xml", "text/xml"),
    ("rdf", "xml"),
)
NQUADS = Representation("nquads", "application/n-quads", "application/n-quads", (), ("nq",))
TRIG = Representation("trig", "application/trig", "application/trig; charset=utf-8")
JSON = Representation("json", "application/json", "application/json")

RESOURCE_FORMATS: tuple[Representation, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML, HTML)
"""A described resource (``/id/…``, ``/ontology``, ``/shapes``): Turtle by default."""
GRAPH_FORMATS: tuple[Representation, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML)
"""An RDF graph with no HTML view (``/void``, ``/dump/{graph}``)."""
DATASET_FORMATS: tuple[Representation, ...] = (NQUADS, TRIG)
"""The whole dataset (``/dump``): N-Quads by default."""
LANDING_FORMATS: tuple[Representation, ...] = (JSON, HTML)
"""The landing page: JSON for machines by default, HTML for browsers."""

ALL_FORMATS: tuple[Representation, ...] = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML, NQUADS, TRIG)


def _by_name(offered: Sequence[Representation], value: str) -> Representation:
    wanted = value.strip().lower()
    known = [
        r
        for r in (*ALL_FORMATS, JSON)
        if wanted in (r.name, r.media_type, *r.name_aliases, *r.media_aliases)
    ]
    if not known:
        names = ", ".join(r.name for r in offered)
        raise ProtocolError(400, f"unknown format {value!r}: this resource offers {names}")
    for candidate in offered:
        if candidate in known:
            return candidate
    raise ProtocolError(406, not_acceptable(offered, f"format={value}"))


def not_acceptable(offered: Sequence[Representation], asked: str) -> str:
    """The message of a 406: what was asked and what is offered."""
    available = ", ".join(f"{r.media_type} (format={r.name})" for r in offered)
    return f"cannot answer with {asked}; available: {available}"


def choose(
    offered: Sequence[Representation], accept: str | None, format: str | None = None
) -> Representation:
    """The representation to answer with (``format`` wins over ``Accept``); 406 if none fits."""
    if format:
        return _by_name(offered, format)
    index = best_offer([(r.media_type, r.media_aliases) for r in offered], accept)
    if index is None:
        raise ProtocolError(406, not_acceptable(offered, f"Accept: {accept}"))
    return offered[index]
