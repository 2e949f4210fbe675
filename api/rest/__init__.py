"""The REST resources of the graph, independent of HTTP (the routes are in :mod:`api.routes.rest`).

- :mod:`api.rest.terms`: identifiers people type (``un-member-states``, ``topic:encryption``, a
  full IRI) → IRIs;
- :mod:`api.rest.queries`: the SPARQL of each resource (values always bound);
- :mod:`api.rest.facts`: the asserted triples of the resources of an answer, indexed;
- :mod:`api.rest.resources`: one function per resource, returning the models of
  :mod:`api.rest.models` and the facts they were read from;
- :mod:`api.rest.pagination`, :mod:`api.rest.formats`, :mod:`api.rest.errors`: pages and
  ``Link`` headers, JSON/RDF negotiation, errors with their HTTP status.

``docs/rest-api.md`` documents the API for its users.
"""
