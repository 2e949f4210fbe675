"""``/api``: REST resources over the graph (JSON, and RDF by content negotiation).

Collections (paged with ``page``/``per_page``, ``Link`` header):

- ``GET /api/instruments``, ``GET /api/instruments/{slug}``;
- ``GET /api/instruments/{slug}/provisions``, ``GET /api/instruments/{slug}/provisions/{part}``;
- ``GET /api/statements`` (filters ``actor``, ``role``, ``theme``, ``min_strength``,
  ``instrument``, ``qualifier``, ``q``);
- ``GET /api/actors``, ``GET /api/actors/{id}``; ``GET /api/themes``, ``GET /api/themes/{id}``;
- ``GET /api/qualifiers``, ``GET /api/forces``, ``GET /api/citations``,
  ``GET /api/correspondences``.

Every route answers JSON (:mod:`api.rest.models`) or, with ``Accept`` or ``format=``, the RDF the
JSON was read from (:mod:`api.rest.formats`). The resources themselves are built by
:mod:`api.rest.resources` inside :meth:`~api.sparql.engine.SparqlEngine.call` (the query time
limit applies to each request as a whole). Errors are ``{"detail": "..."}`` with a 4xx status;
``docs/rest-api.md`` describes the API for its users.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from rdflib import URIRef

from api.deps import get_engine, get_settings
from api.namespaces import INFERRED_GRAPH, graph_iri
from api.rest import models as m
from api.rest import resources
from api.rest.errors import RestError
from api.rest.formats import JSON, choose, serialize
from api.rest.pagination import PageLinks, PageNotFound, PageRequest, page_params
from api.settings import Settings
from api.sparql.engine import SparqlEngine
from api.sparql.negotiation import ResultFormat

router = APIRouter(prefix="/api", tags=["REST resources"])

T = TypeVar("T")

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.Problem, "description": "A parameter is malformed or names nothing known."},
    404: {"model": m.Problem, "description": "No such resource, or a page past the last one."},
    406: {"model": m.Problem, "description": "None of the offered formats is acceptable."},
    422: {"description": "A parameter is out of range (FastAPI's validation message)."},
    503: {"description": "The store did not answer within the time limit."},
}
_RDF_CONTENT = {
    media: {"schema": {"type": "string"}}
    for media in (
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
    )
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The resource as JSON, or as RDF (the same facts) by content negotiation.",
        "content": _RDF_CONTENT,
    },
    **_ERRORS,
}

FormatParam = Annotated[
    str | None,
    Query(
        description="Response format, overriding Accept: json (default), turtle, ntriples, "
        "jsonld or rdfxml (or a media type).",
        examples=["turtle"],
    ),
]
Pages = Annotated[PageRequest, Depends(page_params)]
Engine = Annotated[SparqlEngine, Depends(get_engine)]
AppSettings = Annotated[Settings, Depends(get_settings)]
Slug = Annotated[
    str,
    Path(
        description="The instrument's slug (see /api/instruments).",
        examples=["osce-mc-dec-9-07"],
    ),
]
InstrumentFilter = Annotated[
    str | None,
    Query(
        description="Only this instrument: its slug or IRI.",
        examples=["unga-res-74-174"],
        max_length=500,
    ),
]
ThemeFilter = Annotated[
    str | None,
    Query(
        description="Only statements on this theme or a narrower one: a name (cap-6), a compact "
        "IRI (theme:criminal-justice, topic:encryption) or a full IRI.",
        examples=["cap-6"],
    ),
]


# -- plumbing ------------------------------------------------------------------------------------


def _format(request: Request, format: str | None) -> ResultFormat:
    try:
        return choose(request.headers.get("accept"), format)
    except RestError as exc:
        raise HTTPException(exc.status, exc.message) from None


def _context(request: Request, engine: SparqlEngine, settings: Settings) -> resources.Context:
    return resources.Context(
        repository=engine.repository,
        base_url=str(request.base_url),
        inferred_graph=URIRef(graph_iri(INFERRED_GRAPH, base=settings.base_iri)),
        base_iri=settings.base_iri,
    )


async def _run(engine: SparqlEngine, function: Callable[[], T]) -> T:
    try:
        return await engine.call(function)
    except RestError as exc:
        raise HTTPException(exc.status, exc.message) from None
    except PageNotFound as exc:
        raise HTTPException(404, str(exc)) from None


def _rdf(
    answer: resources.Listing[Any] | resources.Item[Any],
    chosen: ResultFormat,
    headers: dict[str, str],
) -> Response:
    data = serialize(answer.facts.graph(answer.subjects), chosen)
    return Response(data, media_type=chosen.content_type, headers=headers)


def _page(
    request: Request,
    chosen: ResultFormat,
    pages: PageRequest,
    listing: resources.Listing[Any],
    page_model: type[m.Page[Any]],
) -> Response:
    links = PageLinks.of(request.url, pages, listing.total)
    headers = {"Vary": "Accept", "Link": links.header()}
    if chosen is not JSON:
        return _rdf(listing, chosen, headers)
    body = page_model(
        items=listing.items,
        page=pages.page,
        per_page=pages.per_page,
        total=listing.total,
        next=links.next,
        prev=links.prev,
    )
    return JSONResponse(body.model_dump(mode="json"), headers=headers)


def _item(chosen: ResultFormat, item: resources.Item[Any]) -> Response:
    headers = {"Vary": "Accept"}
    if chosen is not JSON:
        return _rdf(item, chosen, headers)
    return JSONResponse(item.item.model_dump(mode="json"), headers=headers)


@dataclass(frozen=True)
class Answer:
    """What every route does once FastAPI has read its parameters: the format chosen (406
    before any query), the resource built inside the engine (its time limit applies), the
    answer in JSON or RDF. Routes get one as the dependency :data:`Answering`."""

    request: Request
    engine: SparqlEngine
    chosen: ResultFormat
    context: resources.Context

    async def page(
        self,
        pages: PageRequest,
        page_model: type[m.Page[Any]],
        build: Callable[[resources.Context], resources.Listing[Any]],
    ) -> Response:
        """A page of a collection, with its ``Link`` header."""
        listing = await _run(self.engine, lambda: build(self.context))
        return _page(self.request, self.chosen, pages, listing, page_model)

    async def item(self, build: Callable[[resources.Context], resources.Item[Any]]) -> Response:
        """One resource."""
        return _item(self.chosen, await _run(self.engine, lambda: build(self.context)))


def _answer(
    request: Request, engine: Engine, settings: AppSettings, format: FormatParam = None
) -> Answer:
    return Answer(request, engine, _format(request, format), _context(request, engine, settings))


Answering = Annotated[Answer, Depends(_answer)]


# -- index ---------------------------------------------------------------------------------------


class Index(BaseModel):
    """The REST resources, with their URLs."""

    resources: dict[str, str]
    documentation: str


@router.get(
    "",
    summary="The REST resources",
    description="Links to every collection of the REST API and to its OpenAPI documentation.",
    response_model=Index,
)
async def index(request: Request) -> Index:
    base = str(request.base_url)
    names = (
        "instruments",
        "statements",
        "actors",
        "themes",
        "qualifiers",
        "forces",
        "citations",
        "correspondences",
    )
    return Index(
        resources={name: f"{base}api/{name}" for name in names}, documentation=f"{base}docs"
    )


# -- instruments ---------------------------------------------------------------------------------


@router.get(
    "/instruments",
    summary="The encoded instruments",
    description="The five encoded instruments, by adoption date (undated last), with type, "
    "title (es/en), symbol, date, issuers, legal nature and counts of provisions and "
    "normative statements.",
    response_model=m.InstrumentPage,
    responses=RESPONSES,
)
async def list_instruments(
    answer: Answering,
    pages: Pages,
) -> Response:
    return await answer.page(
        pages, m.InstrumentPage, lambda ctx: resources.list_instruments(ctx, pages)
    )


@router.get(
    "/instruments/{slug}",
    summary="One instrument",
    description="An instrument's metadata (titles, symbol, date, issuers, legal nature, "
    "meeting, source file and checksum, works cited) and the encoders' editorial notes: "
    "errata, ambiguities, extraction artefacts and metadata notes with their certainty.",
    response_model=m.InstrumentDetail,
    responses=RESPONSES,
)
async def get_instrument(answer: Answering, slug: Slug) -> Response:
    return await answer.item(lambda ctx: resources.get_instrument(ctx, slug))


@router.get(
    "/instruments/{slug}/provisions",
    summary="The provisions of an instrument",
    description="Every unit of the instrument's text (preface lines, preambular and operative "
    "paragraphs, sections, points, capabilities, footnotes …) in reading order, with number, "
    "type, verbatim text, position and the sections it belongs to.",
    response_model=m.ProvisionPage,
    responses=RESPONSES,
)
async def list_provisions(
    answer: Answering,
    slug: Slug,
    pages: Pages,
    type: Annotated[
        str | None,
        Query(
            description="Only provisions of this class or a subclass of it: a name "
            "(OperativeParagraph), ocsea:OperativeProvision or a full IRI.",
            examples=["OperativeParagraph"],
            max_length=500,
        ),
    ] = None,
) -> Response:
    return await answer.page(
        pages, m.ProvisionPage, lambda ctx: resources.list_provisions(ctx, slug, pages, type)
    )


@router.get(
    "/instruments/{slug}/provisions/{part:path}",
    summary="One provision and its normative statements",
    description="A provision with its text and its normative statements (verbatim verb, "
    "deontic force and strength, addressees and other actors by role, qualifiers and their "
    "words, themes), footnotes, citations, the editorial notes about it and the "
    "correspondences that link it to other instruments.",
    response_model=m.ProvisionDetail,
    responses=RESPONSES,
)
async def get_provision(
    answer: Answering,
    slug: Slug,
    part: Annotated[
        str,
        Path(
            description="The provision's part name (see the provisions list).", examples=["para_4"]
        ),
    ],
) -> Response:
    return await answer.item(lambda ctx: resources.get_provision(ctx, slug, part))


# -- statements ----------------------------------------------------------------------------------


@router.get(
    "/statements",
    summary="Normative statements, filtered",
    description="Normative statements of all instruments. Filters combine (all must hold). "
    "Order: strongest force first; then the instrument's adoption date (undated last); then "
    "the provision's position; then the statement's number in its provision.",
    response_model=m.StatementPage,
    responses=RESPONSES,
)
async def list_statements(
    answer: Answering,
    pages: Pages,
    actor: Annotated[
        str | None,
        Query(
            description="Only statements concerning this actor (any role unless role= is "
            "given): a name, actor:name or a full IRI.",
            examples=["osce-secretariat"],
        ),
    ] = None,
    role: Annotated[
        Literal["addressee", "partner", "indirect_target", "beneficiary", "concerned"] | None,
        Query(description="With actor=: only statements where the actor has this role."),
    ] = None,
    theme: ThemeFilter = None,
    min_strength: Annotated[
        int | None,
        Query(
            ge=0,
            le=6,
            description="Only forces at least this strong (0 expected capability … 6 decides).",
            examples=[4],
        ),
    ] = None,
    instrument: InstrumentFilter = None,
    qualifier: Annotated[
        str | None,
        Query(
            description="Only statements with this qualifier or a narrower one: a name, "
            "q:name or a full IRI (see /api/qualifiers).",
            examples=["domestic-law"],
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            description="Only statements whose provision's text contains these words "
            "(case-insensitive substring; accents matter).",
            examples=["Internet"],
            max_length=1000,
        ),
    ] = None,
) -> Response:
    filters = resources.StatementFilters(
        actor=actor,
        role=role,
        theme=theme,
        min_strength=min_strength,
        instrument=instrument,
        qualifier=qualifier,
        q=q,
    )
    return await answer.page(
        pages, m.StatementPage, lambda ctx: resources.list_statements(ctx, pages, filters)
    )


# -- actors --------------------------------------------------------------------------------------

ActorId = Annotated[
    str,
    Path(
        description="The actor: a name (osce-secretariat), actor:name or a full IRI.",
        examples=["osce-secretariat"],
    ),
]


@router.get(
    "/actors",
    summary="The actors, with counts",
    description="Every actor of the vocabulary with the number of statements that concern it, "
    "by role and by instrument; most concerned first, then by English label.",
    response_model=m.ActorPage,
    responses=RESPONSES,
)
async def list_actors(
    answer: Answering,
    pages: Pages,
) -> Response:
    return await answer.page(pages, m.ActorPage, lambda ctx: resources.list_actors(ctx, pages))


@router.get(
    "/actors/{identifier:path}",
    summary="One actor and everything that concerns it",
    description="The actor and every statement, across instruments, that addresses it, names "
    "it as partner, beneficiary or concerned actor, or targets it indirectly (flagged "
    "indirect_target): strongest force first, then instrument date, then document order.",
    response_model=m.ActorDetail,
    responses=RESPONSES,
)
async def get_actor(
    answer: Answering,
    identifier: ActorId,
) -> Response:
    return await answer.item(lambda ctx: resources.get_actor(ctx, identifier))


# -- themes, qualifiers, forces ------------------------------------------------------------------


@router.get(
    "/themes",
    summary="The themes, with coverage per instrument",
    description="The WeProtect Global Strategic Response's 6 themes and 26 capabilities (the "
    "backbone every statement is placed on) and the finer topics. For each, per instrument: "
    "how many statements are on it (or on a narrower concept) and the strongest force among "
    "them. Themes, then capabilities (by number), then topics (by label).",
    response_model=m.ThemePage,
    responses=RESPONSES,
)
async def list_themes(
    answer: Answering,
    pages: Pages,
    kind: Annotated[
        Literal["theme", "capability", "topic"] | None,
        Query(description="Only concepts of this kind."),
    ] = None,
) -> Response:
    return await answer.page(
        pages, m.ThemePage, lambda ctx: resources.list_themes(ctx, pages, kind)
    )


@router.get(
    "/themes/{identifier:path}",
    summary="One theme and the statements on it",
    description="A theme, capability or topic: its definition, broader, narrower and related "
    "concepts, its coverage per instrument and every statement placed on it or on a narrower "
    "concept (strongest first). A bare name found both as a theme and as a topic "
    "(victim-support) must be given with its prefix.",
    response_model=m.ThemeDetail,
    responses=RESPONSES,
)
async def get_theme(
    answer: Answering,
    identifier: Annotated[
        str,
        Path(
            description="A name (cap-6), a compact IRI (theme:cap-6, topic:encryption) or a "
            "full IRI.",
            examples=["cap-6"],
        ),
    ],
) -> Response:
    return await answer.item(lambda ctx: resources.get_theme(ctx, identifier))


@router.get(
    "/qualifiers",
    summary="The qualifiers",
    description="The conditions and limits instruments attach to what they ask, with the "
    "number of statements that carry each (or a narrower one); most used first.",
    response_model=m.QualifierPage,
    responses=RESPONSES,
)
async def list_qualifiers(
    answer: Answering,
    pages: Pages,
) -> Response:
    return await answer.page(
        pages, m.QualifierPage, lambda ctx: resources.list_qualifiers(ctx, pages)
    )


@router.get(
    "/forces",
    summary="The deontic forces and their strength",
    description="The project's ordinal scale of operative verbs (0 expected capability … "
    "6 decides; an analytic convention, not an official ranking), with the number of "
    "statements of each force; strongest first.",
    response_model=m.ForcePage,
    responses=RESPONSES,
)
async def list_forces(
    answer: Answering,
    pages: Pages,
) -> Response:
    return await answer.page(pages, m.ForcePage, lambda ctx: resources.list_forces(ctx, pages))


# -- citations and correspondences ---------------------------------------------------------------


@router.get(
    "/citations",
    summary="Provisions citing works",
    description="Each provision that cites a work (treaty, resolution, report …), with the "
    "CiTO relations asserted and the work's metadata; instruments by date, provisions in "
    "reading order.",
    response_model=m.CitationPage,
    responses=RESPONSES,
)
async def list_citations(
    answer: Answering,
    pages: Pages,
    instrument: InstrumentFilter = None,
    work: Annotated[
        str | None,
        Query(
            description="Only citations of this work: a name, work:name or a full IRI.",
            examples=["crc"],
        ),
    ] = None,
) -> Response:
    return await answer.page(
        pages, m.CitationPage, lambda ctx: resources.list_citations(ctx, pages, instrument, work)
    )


@router.get(
    "/correspondences",
    summary="Cross-instrument correspondences",
    description="Provisions of different instruments that ask the same thing, typed (same "
    "substance, strengthens, weakens, elaborates, broadens, shifts the addressee), with both "
    "provisions and the capabilities on which they meet; by the earlier instrument's date.",
    response_model=m.CorrespondencePage,
    responses=RESPONSES,
)
async def list_correspondences(
    answer: Answering,
    pages: Pages,
    instrument: InstrumentFilter = None,
    type: Annotated[
        str | None,
        Query(
            description="Only this type: a name (weakens), ctype:name or a full IRI.",
            examples=["weakens"],
        ),
    ] = None,
    theme: ThemeFilter = None,
) -> Response:
    return await answer.page(
        pages,
        m.CorrespondencePage,
        lambda ctx: resources.list_correspondences(ctx, pages, instrument, type, theme),
    )
