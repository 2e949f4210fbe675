"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graph-store?graph=IRI``.

Each instrument is its own named graph, ``https://w3id.org/ocsea/id/graph/{slug}``:

- ``GET``/``HEAD``: the graph, Turtle by default (N-Triples, JSON-LD, RDF/XML by ``Accept`` or
  ``format=``, as for ``/sparql``); 404 when there is no such graph. Open to everyone;
- ``PUT``: replace the graph with the body; ``POST``: add the body to it (the merged graph is
  what is checked); both answer 201 when the graph is new, 204 otherwise. The body is Turtle or
  JSON-LD (a multipart form with one file too), at most ``OCSEA_MAX_UPLOAD_BYTES``; relative IRIs
  resolve against the graph IRI;
- ``DELETE``: remove the graph (204; 404 when absent; 409 when other graphs refer to its
  resources).

Writes need ``Authorization: Bearer <token>`` (``OCSEA_WRITE_TOKEN`` or
``OCSEA_WRITE_TOKEN_FILE``; 401 without it, 403 with a wrong one or when writes are disabled) and
pass the gate of :mod:`api.writes`: build graphs are read-only (403), an instrument graph that
would not conform is refused with **422** and the SHACL report (JSON by default; Turtle, text
or HTML by ``Accept``/``format=``) and nothing changes. Each write is one transaction on the
store: atomic, and durable once acknowledged.

``?default`` (the store's default graph) is not served: the project keeps every graph named.

Example::

    curl -X PUT -H "Authorization: Bearer $OCSEA_WRITE_TOKEN" -H 'Content-Type: text/turtle' \\
         --data-binary @my-instrument.ttl \\
         'http://127.0.0.1:8000/rdf-graph-store?graph=https://w3id.org/ocsea/id/graph/my-instrument'
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request, Response
from rdflib import URIRef

from api.deps import get_engine, get_settings
from api.namespaces import PREFIXES
from api.routes.validate import graph_parameter, report_format, report_response
from api.settings import Settings
from api.sparql.engine import SparqlEngine
from api.sparql.errors import ProtocolError
from api.sparql.negotiation import TURTLE, ResultKind, negotiate
from api.uploads import parse_rdf, read_rdf
from api.writes import WriteRefused

router = APIRouter()

GRAPH_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def _graph(request: Request) -> URIRef:
    params = request.query_params
    if "default" in params:
        raise ProtocolError(
            400,
            "the store's default graph is not served: every graph of the project is named, "
            "give ?graph=IRI (e.g. https://w3id.org/ocsea/id/graph/unga-res-74-174)",
        )
    graph = graph_parameter(params.get("graph"))
    if graph is None:
        raise ProtocolError(400, "give the graph: /rdf-graph-store?graph=IRI")
    return graph


async def graph_store(
    request: Request,
    engine: Annotated[SparqlEngine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    """Read, replace, extend or delete one named graph."""
    graph = _graph(request)
    accept = request.headers.get("accept")
    format = request.query_params.get("format")
    if request.method in ("GET", "HEAD"):
        return await _read(engine, graph, accept, format)
    engine.authorize(request.headers.get("authorization"))
    gate = engine.gate
    if request.method == "DELETE":
        try:
            await engine.write(lambda: gate.delete(graph))
        except WriteRefused as exc:
            return _refused(exc, accept, format)
        return Response(status_code=204)
    report_format(accept, format)  # a refusal's report must be answerable: 406 before work
    upload = await read_rdf(request, settings.max_upload_bytes, multipart=True)
    parsed = parse_rdf(upload, base_iri=str(graph))
    if parsed.had_named_graphs:
        raise ProtocolError(
            400,
            f"{upload.name}: the body has named graphs (JSON-LD @graph with an @id): send the "
            "triples of one graph; the graph is named by ?graph=",
        )
    texts = {Path(upload.name): upload.text}
    write = gate.put if request.method == "PUT" else gate.post
    try:
        created = await engine.write(lambda: write(graph, parsed.graph, texts=texts))
    except WriteRefused as exc:
        return _refused(exc, accept, format, upload.name)
    return Response(status_code=201 if created else 204)


def _refused(
    exc: WriteRefused, accept: str | None, format: str | None, source: str | None = None
) -> Response:
    """The refusal: its report in the negotiated format, or the plain message."""
    if exc.report is None:
        raise exc
    return report_response(
        exc.report,
        accept=accept,
        format=format,
        status=exc.status,
        message=exc.message,
        source=source,
    )


async def _read(
    engine: SparqlEngine, graph: URIRef, accept: str | None, format: str | None
) -> Response:
    chosen = negotiate(ResultKind.GRAPH, accept, format)
    repository = engine.repository
    if not await engine.call(lambda: graph in repository.graphs()):
        raise ProtocolError(404, f"there is no graph <{graph}> in the store")
    media_type = "application/n-triples" if chosen is TURTLE else chosen.media_type
    data = await engine.call(
        lambda: repository.raw_query(GRAPH_QUERY, media_type, bindings={"g": graph})
    )
    if chosen is TURTLE:  # with the project's prefixes, for people and for data/instruments/
        triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_PREFIXES) or b""
    return Response(data, media_type=chosen.content_type, headers={"Vary": "Accept"})


# One route per method, so that each has its own OpenAPI operation id.
for _method in ["GET", "HEAD", "PUT", "POST", "DELETE"]:
    router.add_api_route(
        "/rdf-graph-store",
        summary="SPARQL 1.1 Graph Store HTTP Protocol (named graphs)",
        response_class=Response,
        endpoint=graph_store,
        methods=[_method],
        operation_id=f"graph_store_{_method.lower()}",
    )
