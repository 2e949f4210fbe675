"""Web pages for people (HTML), besides the home page and the ``/id/…`` pages.

- ``GET /matrix``: the coverage matrix (capabilities by instruments, strongest force per cell);
  ``GET /matrix.csv`` and ``GET /matrix.svg``: the same as a file;
- ``GET /network``: the citation and correspondence network; ``GET /network.svg``;
- ``GET /editor``: the SPARQL editor (``?example=NAME`` opens a catalogue query, ``?query=``
  any text); it runs queries on ``/sparql``;
- ``GET /search?q=``: provisions, actors and themes matching every word (case and accents
  ignored);
- ``GET /actors``, ``GET /themes``: the lists.

Every page takes ``?lang=en|es`` (else ``Accept-Language``). The home page (``GET /`` for a
browser) and the pages of instruments, actors and themes (``GET /id/…`` for a browser) are
served by :mod:`api.routes.linked_data`, which hands the HTML to :mod:`api.pages.views`.
``docs/pages.md`` describes the pages.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.catalogue import Catalogue
from api.deps import get_engine, get_settings
from api.pages import views
from api.routes.catalogue import get_catalogue
from api.settings import Settings
from api.sparql.engine import SparqlEngine

router = APIRouter(tags=["pages"])

EngineDep = Annotated[SparqlEngine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LangParam = Annotated[
    str | None, Query(description="Interface language: en or es (default: Accept-Language).")
]
HTML_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "The page."}
}


@router.get(
    "/matrix", summary="Coverage matrix (HTML)", response_class=Response, responses=HTML_RESPONSE
)
async def matrix_page(
    request: Request, engine: EngineDep, settings: SettingsDep, lang: LangParam = None
) -> Response:
    """The strategic response's capabilities by the instruments: the strongest force per cell."""
    return await views.matrix(request, engine, settings, lang)


@router.get(
    "/matrix.csv",
    summary="Coverage matrix as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "One row per capability."}},
)
async def matrix_csv(
    request: Request, engine: EngineDep, settings: SettingsDep, lang: LangParam = None
) -> Response:
    """Per capability and instrument: strongest strength, its force(s), the statements."""
    return await views.matrix_file(request, engine, settings, lang, "csv")


@router.get(
    "/matrix.svg",
    summary="Coverage matrix as an SVG image",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "The picture."}},
)
async def matrix_svg(
    request: Request, engine: EngineDep, settings: SettingsDep, lang: LangParam = None
) -> Response:
    """The matrix picture as a file (links are absolute)."""
    return await views.matrix_file(request, engine, settings, lang, "svg")


@router.get(
    "/network",
    summary="Cross-reference network (HTML)",
    response_class=Response,
    responses=HTML_RESPONSE,
)
async def network_page(
    request: Request, engine: EngineDep, settings: SettingsDep, lang: LangParam = None
) -> Response:
    """Works cited by each instrument, and correspondences between instruments."""
    return await views.network(request, engine, settings, lang)


@router.get(
    "/network.svg",
    summary="Cross-reference network as an SVG image",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "The picture."}},
)
async def network_svg(
    request: Request, engine: EngineDep, settings: SettingsDep, lang: LangParam = None
) -> Response:
    """The network picture as a file (links are absolute)."""
    return await views.network_file(request, engine, settings, lang)


@router.get(
    "/editor", summary="SPARQL editor (HTML)", response_class=Response, responses=HTML_RESPONSE
)
def editor_page(
    request: Request,
    catalogue: Annotated[Catalogue, Depends(get_catalogue)],
    settings: SettingsDep,
    lang: LangParam = None,
    example: Annotated[
        str | None, Query(description="Open this catalogue query (see /queries).")
    ] = None,
    query: Annotated[str | None, Query(description="Open this query text.")] = None,
) -> Response:
    """A SPARQL editor with the catalogue's queries as examples; results as a table."""
    return views.editor(request, catalogue, settings.base_iri, lang, example, query)


@router.get(
    "/search",
    summary="Search the texts, actors and themes (HTML)",
    response_class=Response,
    responses=HTML_RESPONSE,
)
async def search_page(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    lang: LangParam = None,
    q: Annotated[str | None, Query(description="Words that must all appear.")] = None,
) -> Response:
    """Provisions (verbatim text and summaries), actors and themes matching every word."""
    return await views.search(request, engine, settings, lang, q)


@router.get("/actors", summary="Actors (HTML)", response_class=Response, responses=HTML_RESPONSE)
async def actors_page(
    request: Request, engine: EngineDep, settings: SettingsDep, lang: LangParam = None
) -> Response:
    """Every actor, most concerned first."""
    return await views.actors(request, engine, settings, lang)


@router.get("/themes", summary="Themes (HTML)", response_class=Response, responses=HTML_RESPONSE)
async def themes_page(
    request: Request, engine: EngineDep, settings: SettingsDep, lang: LangParam = None
) -> Response:
    """The themes and capabilities of the backbone, and the finer topics."""
    return await views.themes(request, engine, settings, lang)
