"""``/sparql``: the SPARQL 1.1 Protocol endpoint (queries, updates, service description).

``GET``/``POST`` as described in :mod:`api.sparql.request`; results negotiated as in
:mod:`api.sparql.negotiation`; execution in :mod:`api.sparql.engine`. Errors are plain text with
the status of :class:`~api.sparql.errors.ProtocolError` (the handler is installed by
:func:`api.app.create_app`).
"""

from __future__ import annotations

from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request, Response

from api.deps import get_engine
from api.sparql.engine import SparqlEngine
from api.sparql.negotiation import ResultKind, negotiate
from api.sparql.request import DescribeService, QueryOperation, parse_request
from api.sparql.service_description import service_description

router = APIRouter()

SD_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "formats": "http://www.w3.org/ns/formats/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


def _endpoint(request: Request) -> str:
    return str(request.url.replace(query="", fragment=""))


async def sparql(
    request: Request, engine: Annotated[SparqlEngine, Depends(get_engine)]
) -> Response:
    """Answer a SPARQL query or update; without a query, the service description."""
    body = await request.body() if request.method == "POST" else b""
    operation = parse_request(
        request.method,
        request.query_params.multi_items(),
        request.headers.get("content-type"),
        body,
    )
    accept = request.headers.get("accept")
    format = request.query_params.get("format")
    endpoint = _endpoint(request)
    headers = {"Vary": "Accept"}
    if isinstance(operation, DescribeService):
        chosen = negotiate(ResultKind.GRAPH, accept, format)
        text = service_description(endpoint, engine.graph_names(), writable=engine.writable)
        data = ox.serialize(
            ox.parse(text, format=ox.RdfFormat.TURTLE),
            format=chosen.oxigraph,
            prefixes=SD_PREFIXES,
        )
        return Response(data, media_type=chosen.content_type, headers=headers)
    if isinstance(operation, QueryOperation):
        data, chosen = await engine.query(
            operation, accept=accept, format=format, base_iri=endpoint
        )
        return Response(data, media_type=chosen.content_type, headers=headers)
    engine.authorize(request.headers.get("authorization"))
    await engine.update(operation, base_iri=endpoint)
    return Response(status_code=204)


# One route per method, so that each has its own OpenAPI operation id.
for _method in ["GET", "POST"]:
    router.add_api_route(
        "/sparql",
        summary="SPARQL 1.1 Protocol endpoint",
        response_class=Response,
        endpoint=sparql,
        methods=[_method],
        operation_id=f"sparql_{_method.lower()}",
    )
