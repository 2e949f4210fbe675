"""The SPARQL 1.1 Protocol over the project's store, independent of the web framework.

- :mod:`api.sparql.errors`: :class:`ProtocolError`, an HTTP status with a message;
- :mod:`api.sparql_lexer`: a small SPARQL tokenizer used to refuse ``SERVICE``, find dataset
  clauses and add ``USING`` clauses (pyoxigraph exposes no parsed algebra to Python);
- :mod:`api.sparql.request`: turn an HTTP request into a query, an update or a request for the
  service description (methods, media types, parameters, UTF-8);
- :mod:`api.sparql.negotiation`: result formats and content negotiation (``Accept``, ``format``);
- :mod:`api.sparql.service_description`: the SPARQL 1.1 Service Description of the endpoint;
- :mod:`api.sparql.engine`: run queries (with a time limit) and updates (under a lock) on any
  :class:`~api.store.base.Repository`, results serialised by the engine itself.

The SPARQL tokenizer used to refuse ``SERVICE`` and add ``USING`` clauses is
:mod:`api.sparql_lexer` (the store uses it too).

:mod:`api.routes.sparql` wires these into the ``/sparql`` route.
"""
