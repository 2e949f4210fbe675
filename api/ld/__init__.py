"""Linked data: what the server says about each project IRI, and in which format.

The routes are in :mod:`api.routes.linked_data`; the logic is here, one module per concern:

- :mod:`api.ld.negotiation`: the representations (HTML, Turtle, JSON-LD, N-Triples, RDF/XML,
  N-Quads, TriG, JSON) and how ``Accept``/``format=`` pick one;
- :mod:`api.ld.describe`: the description of a resource (asserted, inferred, incoming, labels)
  and of a named graph;
- :mod:`api.ld.vocabulary`: output prefixes and the JSON-LD context built from the ontology;
- :mod:`api.ld.rdf`: serialisation (pyoxigraph for the text syntaxes, rdflib for JSON-LD);
- :mod:`api.ld.dump`: whole-dataset and per-graph dumps;
- :mod:`api.ld.void`: the VoID description;
- :mod:`api.ld.html`: view models of the HTML pages (templates in ``api/templates/``).

See ``docs/linked-data.md`` for the contract as users see it.
"""
