"""Response formats of the REST resources: JSON by default, RDF by content negotiation.

The client chooses with ``Accept`` or with the ``format`` parameter (which wins, for browsers):

============  ==========================  =====================================
``format=``   media type                  body
============  ==========================  =====================================
``json``      ``application/json``        the resource as documented in OpenAPI
``turtle``    ``text/turtle``             the triples the JSON was built from
``ntriples``  ``application/n-triples``   same
``jsonld``    ``application/ld+json``     same
``rdfxml``    ``application/rdf+xml``     same
============  ==========================  =====================================

The RDF formats and the parsing of ``Accept`` are those of :mod:`api.sparql.negotiation` (the
SPARQL endpoint's); JSON here is plain ``application/json``, not SPARQL results. On a tie (``*/*``,
no ``Accept``) JSON wins. A format the REST API does not offer (``csv`` …) is a 406; an unknown
name a 400.

Example::

    >>> choose("text/turtle;q=0.9, application/ld+json", None).name
    'jsonld'
    >>> choose("text/html,*/*;q=0.8", None).name
    'json'
"""

from __future__ import annotations

import mimeparse
from rdflib import Graph

from api.rest.errors import BadRequest, NotAcceptable
from api.sparql.negotiation import ALL_FORMATS, JSONLD, NTRIPLES, RDFXML, TURTLE, ResultFormat

JSON = ResultFormat("json", "application/json", "application/json", None)
RDF_FORMATS: tuple[ResultFormat, ...] = (TURTLE, NTRIPLES, JSONLD, RDFXML)
FORMATS: tuple[ResultFormat, ...] = (JSON, *RDF_FORMATS)
"""What the REST resources offer, most preferred first."""

_RDFLIB_NAMES = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
_OFFERED = ", ".join(f"{f.media_type} ({f.name})" for f in FORMATS)


def choose(accept: str | None, format: str | None) -> ResultFormat:
    """The format to answer in, from ``format`` or else ``Accept``."""
    if format:
        # a "+" left unencoded in a query string arrives as a space (application/ld json)
        wanted = format.strip().lower().replace(" ", "+")
        for candidate in FORMATS:
            if wanted in (candidate.name, candidate.media_type, *candidate.aliases):
                return candidate
        if any(wanted in (f.name, f.media_type, *f.aliases) for f in ALL_FORMATS):
            raise NotAcceptable(f"the REST API does not answer in {format!r}; use {_OFFERED}")
        raise BadRequest(
            f"unknown format {format[:40]!r}: use one of {', '.join(f.name for f in FORMATS)}"
        )
    if not accept or not accept.strip():
        return JSON
    # mimeparse breaks ties in favour of the last supported type: least preferred first
    supported: list[str] = []
    owner: dict[str, ResultFormat] = {}
    for candidate in reversed(FORMATS):
        for media_type in (*candidate.aliases, candidate.media_type):
            supported.append(media_type)
            owner[media_type] = candidate
    try:
        best = mimeparse.best_match(supported, accept)
    except (mimeparse.MimeTypeParseException, ValueError):
        return JSON
    if not best:
        raise NotAcceptable(f"cannot answer as Accept: {accept[:200]}; available: {_OFFERED}")
    return owner[best]


def serialize(graph: Graph, chosen: ResultFormat) -> bytes:
    """``graph`` in the RDF format ``chosen``."""
    name = _RDFLIB_NAMES[chosen.name]
    if name == "json-ld":
        data = graph.serialize(format=name, auto_compact=True, encoding="utf-8")
    else:
        data = graph.serialize(format=name, encoding="utf-8")
    return data
