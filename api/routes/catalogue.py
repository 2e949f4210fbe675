"""The query catalogue (``queries/*.rq``) as parameterised HTTP endpoints, in the spirit of grlc.

- ``GET /queries``: the catalogue as JSON — each query's name, title, description, tags, parameters
  (type, required, description, example …), the URL that runs it, an example URL and the URL of
  its text;
- ``GET /queries/{name}?param=value…``: run it. Parameters come from the query string and are
  checked and typed (:meth:`api.catalogue.CatalogueQuery.bind`), then bound by the engine, never
  pasted into the text. Results as in ``/sparql``: SPARQL JSON (default), XML, CSV or TSV, chosen
  by ``Accept`` or ``format=``;
- ``GET /queries/{name}.rq``: the query's SPARQL text, header included
  (``application/sparql-query``, or ``text/plain`` when asked for).

Errors are plain text: 404 for an unknown query (listing the known names), 400 for an unknown,
repeated or missing parameter or a value of the wrong type, 406 for a format that does not fit,
503 past the time limit.

Example::

    GET /queries/addressed-to-actor?actor=actor:internet-service-providers&format=csv
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import mimeparse
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from api.catalogue import (
    Catalogue,
    CatalogueError,
    CatalogueQuery,
    ParameterError,
    UnknownQueryError,
    load_catalogue,
)
from api.deps import get_engine, get_settings
from api.sparql.engine import SparqlEngine
from api.sparql.errors import ProtocolError
from api.sparql.request import QueryOperation

router = APIRouter(tags=["query catalogue"])

SPARQL_QUERY_TYPE = "application/sparql-query"
FORMAT_PARAMETER = "format"

NAME_EXAMPLES: dict[str, Any] = {
    "who": {"summary": "Who must do what", "value": "who-must-do-what"},
    "actor": {"summary": "Everything about an actor", "value": "addressed-to-actor"},
    "trend": {"summary": "Strengthened or weakened", "value": "force-trend-by-capability"},
}


def get_catalogue(request: Request) -> Catalogue:
    """The app's catalogue, loaded on first use and kept (restart to see edited queries)."""
    catalogue: Catalogue | None = getattr(request.app.state, "catalogue", None)
    if catalogue is None:
        try:
            catalogue = load_catalogue(get_settings(request))
        except CatalogueError as exc:
            raise ProtocolError(500, f"the query catalogue cannot be loaded: {exc}") from None
        request.app.state.catalogue = catalogue
    return catalogue


def _query(catalogue: Catalogue, name: str) -> CatalogueQuery:
    try:
        return catalogue.get(name)
    except UnknownQueryError as exc:
        raise ProtocolError(404, str(exc)) from None


def _links(request: Request, query: CatalogueQuery) -> dict[str, str]:
    run = str(request.url_for("run_catalogue_query", name=query.name))
    example = query.example_arguments()
    return {
        "url": run,
        "example_url": run + ("?" + urlencode(example, safe=":/") if example else ""),
        "text_url": str(request.url_for("catalogue_query_text", name=query.name)),
    }


@router.get(
    "/queries",
    summary="List the query catalogue",
    description=(
        "The named queries that answer the questions scholars ask of the graph (who must do "
        "what, everything about an actor, where the language strengthened or weakened, gaps, "
        "citations, correspondences, errata …), each with its parameters and the URLs that run "
        "it and give its SPARQL text."
    ),
    responses={
        200: {
            "description": "The catalogue",
            "content": {
                "application/json": {
                    "example": {
                        "count": 1,
                        "queries": [
                            {
                                "name": "search-provisions",
                                "title": "Full-text search in the provisions",
                                "description": "The provisions whose verbatim Spanish text …",
                                "tags": ["provisions", "search"],
                                "form": "SELECT",
                                "params": [
                                    {
                                        "name": "text",
                                        "type": "string",
                                        "required": True,
                                        "description": "The words to look for …",
                                        "example": "cifrado",
                                    }
                                ],
                                "url": "http://localhost:8000/queries/search-provisions",
                                "example_url": "http://localhost:8000/queries/search-provisions"
                                "?text=cifrado",
                                "text_url": "http://localhost:8000/queries/search-provisions.rq",
                            }
                        ],
                    }
                }
            },
        }
    },
)
def list_queries(
    request: Request, catalogue: Annotated[Catalogue, Depends(get_catalogue)]
) -> JSONResponse:
    """The catalogue as JSON."""
    queries = [query.describe() | _links(request, query) for query in catalogue]
    return JSONResponse({"count": len(queries), "queries": queries})


# Declared before /queries/{name}: "{name}" would otherwise also match "x.rq".
@router.get(
    "/queries/{name}.rq",
    name="catalogue_query_text",
    summary="The SPARQL text of a catalogue query",
    description=(
        "The query file as it is: its `#+` header (summary, description, tags, params) and the "
        "SPARQL, with parameters as `?_name` variables. `application/sparql-query`, or "
        "`text/plain` when the `Accept` header prefers it."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "The query text",
            "content": {
                SPARQL_QUERY_TYPE: {"example": "#+ summary: …\nSELECT ?instrument … WHERE { … }"},
                "text/plain": {},
            },
        },
        404: {"description": "No such query (the known names are listed)"},
    },
)
def catalogue_query_text(
    request: Request,
    name: Annotated[str, Path(description="The query's name", openapi_examples=NAME_EXAMPLES)],
    catalogue: Annotated[Catalogue, Depends(get_catalogue)],
) -> Response:
    """The query's text."""
    query = _query(catalogue, name)
    media_type = SPARQL_QUERY_TYPE
    accept = request.headers.get("accept")
    if accept:
        try:
            media_type = mimeparse.best_match(["text/plain", SPARQL_QUERY_TYPE], accept) or (
                SPARQL_QUERY_TYPE
            )
        except (mimeparse.MimeTypeParseException, ValueError):
            media_type = SPARQL_QUERY_TYPE
    return Response(query.text, media_type=f"{media_type}; charset=utf-8")


@router.get(
    "/queries/{name}",
    name="run_catalogue_query",
    summary="Run a catalogue query",
    description=(
        "Runs the named query with the parameters given in the query string (see `GET /queries` "
        "for each query's parameters, types and examples). IRI parameters take a full IRI, a "
        "CURIE with a project prefix (`actor:tech-industry`, `theme:cap-13`, `q:domestic-law`) "
        "or, where the parameter has a namespace, a bare local name. Values are bound by the "
        "engine, never pasted into the query. The results are SPARQL results in JSON (default), "
        "XML, CSV or TSV, by `Accept` or `format=`, and repeat the parameters given as `_name` "
        "columns."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "The query's results",
            "content": {
                "application/sparql-results+json": {
                    "example": {
                        "head": {"vars": ["instrument", "provision", "text", "_text"]},
                        "results": {"bindings": []},
                    }
                },
                "application/sparql-results+xml": {},
                "text/csv": {"example": "instrument,provision,text,_text\n"},
                "text/tab-separated-values": {},
            },
        },
        400: {
            "description": "Unknown, repeated or missing parameter, or a value of the wrong type",
            "content": {
                "text/plain": {
                    "example": "query 'search-provisions' needs the parameter 'text', e.g. "
                    "text=cifrado: The words to look for …"
                }
            },
        },
        404: {"description": "No such query (the known names are listed)"},
        406: {"description": "The requested format does not fit the query's results"},
        503: {"description": "The query took longer than the time limit"},
    },
)
async def run_catalogue_query(
    request: Request,
    name: Annotated[str, Path(description="The query's name", openapi_examples=NAME_EXAMPLES)],
    catalogue: Annotated[Catalogue, Depends(get_catalogue)],
    engine: Annotated[SparqlEngine, Depends(get_engine)],
    format: Annotated[
        str | None,
        Query(
            description="Result format: json, xml, csv, tsv or a media type (wins over Accept)",
            examples=["csv"],
        ),
    ] = None,
) -> Response:
    """Run the query ``name`` with the request's parameters."""
    query = _query(catalogue, name)
    values: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key != FORMAT_PARAMETER:
            values.setdefault(key, []).append(value)
    try:
        bindings = query.bind(values)
    except ParameterError as exc:
        raise ProtocolError(400, str(exc)) from None
    data, chosen = await engine.query(
        QueryOperation(query.text),
        accept=request.headers.get("accept"),
        format=format,
        bindings=bindings,
        isolated=False,  # our own queries: not queued behind strangers' in the workers
    )
    text_url = request.url_for("catalogue_query_text", name=query.name)
    headers = {"Vary": "Accept", "Link": f'<{text_url}>; rel="describedby"'}
    return Response(data, media_type=chosen.content_type, headers=headers)
