"""Linked data: every project IRI dereferences here, with the ontology, shapes, dumps and VoID.

Routes (``{base}`` = ``settings.base_iri``, default ``https://w3id.org/ocsea/``; the w3id
redirects are expected to map ``{base}X`` to ``{server}/X``):

- ``GET /id/{rest}``: the description of ``{base}id/{rest}`` (see :mod:`api.ld.describe`) in
  Turtle (default), JSON-LD, N-Triples, RDF/XML or HTML. The HTML of an instrument, an actor or
  a theme is its page for people (:func:`api.pages.views.html_face`; ``?view=generic`` gives the
  generic page of its triples instead); other resources get the generic page, which links
  provisions and statements to their place on their instrument's page; the IRIs of named graphs
  (``{base}id/graph/X``) are described as VoID subsets with a link to their dump; 404 for an IRI
  the store knows nothing about (HTML or text, as negotiated);
- ``GET /ontology``: the ontology graph (core and alignment modules); HTML lists the classes and
  properties with an anchor per term (``{base}ontology#Term`` → ``/ontology#Term``);
  ``GET /ontology/{rest}`` (the alignment module's and the version's IRIs) → 303 to ``/ontology``;
- ``GET /shapes``: the SHACL shapes graph (``{base}id/graph/shapes``), anchors per shape;
- ``GET /dump``: all named graphs as N-Quads (default) or TriG, streamed graph by graph;
  ``GET /dump/{name}`` (or ``/dump?graph=IRI``): one graph in Turtle, N-Triples, JSON-LD, RDF/XML;
- ``GET /void`` (and ``/.well-known/void`` → 302): the VoID description (:mod:`api.ld.void`);
- ``GET /context.jsonld``: the JSON-LD context (:mod:`api.ld.vocabulary`), also embedded in every
  JSON-LD answer;
- ``GET /``: the instruments and the entry points as JSON (default) for machines; browsers get
  the home page (:func:`api.pages.views.home`);
- ``/static/…``: the CSS and script of the HTML pages (and ``/static/vendor/``: the editor's
  CodeMirror, installed from npm by ``make install``).

Formats are chosen by ``Accept`` or ``format=`` (:mod:`api.ld.negotiation`; 406 when nothing
fits). Answers carry ``Vary: Accept`` (and ``Accept-Language`` where there is HTML, whose
interface is English or Spanish: ``?lang=en|es``), ``Cache-Control`` and an ``ETag`` made of
``repository.version()`` and the representation; ``If-None-Match`` with it gives 304. All store
access goes through ``engine.call`` (time limit, 503 when the store cannot answer).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from rdflib import Graph, Literal, URIRef

from api.deps import get_engine, get_settings
from api.head import is_head
from api.ld.describe import (
    Description,
    GraphNames,
    describe,
    graph_description,
    is_valid_iri,
    sparql_iri,
)
from api.ld.dump import graph_dump_url, graph_ntriples, serialize_ntriples, short_name
from api.ld.html import UI, Linker, interface_language, ontology_view, resource_view, shapes_view
from api.ld.negotiation import (
    DATASET_FORMATS,
    GRAPH_FORMATS,
    HTML,
    JSONLD,
    LANDING_FORMATS,
    NQUADS,
    RESOURCE_FORMATS,
    TRIG,
    Representation,
    choose,
)
from api.ld.rdf import ntriples_to_graph_chunk, serialize_graph
from api.ld.vocabulary import json_ld_context, output_prefixes
from api.ld.void import DESCRIPTION_EN, dataset_iri, void_description
from api.namespaces import ONTOLOGY_GRAPH, SHAPES_GRAPH, graph_iri
from api.pages import views as pages
from api.settings import Settings
from api.sparql.engine import SparqlEngine
from api.store.base import Repository

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"

CACHE_CONTROL = "public, max-age=300"
"""Read-only resources: caches may keep them 5 minutes, then revalidate with the ETag."""

DUMP_FILE_NAMES = {
    NQUADS.name: "ocsea-obligations-graph.nq",
    TRIG.name: "ocsea-obligations-graph.trig",
}

router = APIRouter()
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
templates = Jinja2Templates(directory=TEMPLATES_DIR)

EngineDep = Annotated[SparqlEngine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FormatParam = Annotated[
    str | None,
    Query(description="Format, overriding Accept: html, turtle, jsonld, ntriples, rdfxml …"),
]
LangParam = Annotated[str | None, Query(description="Interface language of HTML pages: en, es")]
ViewParam = Annotated[
    str | None,
    Query(
        alias="view",
        description="generic: for an instrument, actor or theme, the generic HTML page of its "
        "triples instead of its page for people",
    ),
]

ALTERNATE_LABELS = {
    "turtle": "Turtle",
    "jsonld": "JSON-LD",
    "ntriples": "N-Triples",
    "rdfxml": "RDF/XML",
}


# -- helpers ------------------------------------------------------------------------------------


class _Page:
    """What every negotiated answer needs: the representation, the language, the headers."""

    def __init__(
        self,
        request: Request,
        offered: tuple[Representation, ...],
        format: str | None,
        lang: str | None,
    ) -> None:
        self.request = request
        self.representation = choose(offered, request.headers.get("accept"), format)
        self.language = interface_language(lang, request.headers.get("accept-language"))
        self.has_html = HTML in offered
        self.root_path = str(request.scope.get("root_path", "")).rstrip("/")
        self.server = str(request.base_url)

    @property
    def is_html(self) -> bool:
        """True when the answer is an HTML page."""
        return self.representation == HTML

    def headers(self, etag: str | None = None) -> dict[str, str]:
        """``Vary``, and with an ETag, ``ETag`` and ``Cache-Control``."""
        headers = {"Vary": "Accept, Accept-Language" if self.has_html else "Accept"}
        if etag is not None:
            headers["ETag"] = etag
            headers["Cache-Control"] = CACHE_CONTROL
        return headers

    def etag(self, version: str) -> str:
        """The ETag of this representation of the store's ``version``."""
        tag = f"{version}-{self.representation.name}"
        if self.is_html:
            tag += f"-{self.language}"
        return f'"{tag}"'

    def not_modified(self, etag: str) -> Response | None:
        """A 304 when the client's ``If-None-Match`` matches ``etag``, else ``None``."""
        if _matches(self.request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=self.headers(etag))
        return None

    def linker(self, settings: Settings) -> Linker:
        """Links to project IRIs on this server (under the app's mount prefix)."""
        return Linker(settings.base_iri, self.root_path)

    def alternates(self, offered: tuple[Representation, ...]) -> list[tuple[str, str, str]]:
        """(label, href, media type) of the other representations of this URL."""
        path = self.request.url.path
        return [
            (ALTERNATE_LABELS[r.name], f"{path}?{urlencode({'format': r.name})}", r.media_type)
            for r in offered
            if r.name in ALTERNATE_LABELS
        ]

    def template_context(self, **values: Any) -> dict[str, Any]:
        """What ``base.html`` needs (language, interface strings, links), plus ``values``."""
        other = "en" if self.language == "es" else "es"
        return {
            "lang": self.language,
            "ui": UI[self.language],
            "root_path": self.root_path,
            "other_language_href": f"{self.request.url.path}?{urlencode({'lang': other})}",
            **values,
        }

    def html(self, template: str, etag: str | None, status: int = 200, **values: Any) -> Response:
        """``template`` rendered with ``values``."""
        return templates.TemplateResponse(
            self.request,
            template,
            self.template_context(**values),
            status_code=status,
            headers=self.headers(etag),
        )

    def not_found(self, message: str) -> Response:
        """A 404 with ``message``: an HTML page if HTML was negotiated, else plain text."""
        if self.is_html:
            return self.html("not_found.html", None, status=404, message=message)
        return PlainTextResponse(message + "\n", status_code=404, headers=self.headers())


def _matches(if_none_match: str | None, etag: str) -> bool:
    """True when an ``If-None-Match`` header names ``etag`` (weak comparison) or is ``*``."""
    if not if_none_match:
        return False
    wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in wanted or etag in wanted


async def _version(engine: SparqlEngine) -> str:
    return await engine.call(engine.repository.version)


def _context_cache(request: Request) -> dict[str, dict[str, Any]]:
    cache: dict[str, dict[str, Any]] | None = getattr(
        request.app.state, "linked_data_contexts", None
    )
    if cache is None:
        cache = {}
        request.app.state.linked_data_contexts = cache
    return cache


async def _json_ld_context(
    request: Request, engine: SparqlEngine, settings: Settings, version: str
) -> dict[str, Any]:
    """The JSON-LD context of the store's ontology, computed once per store version."""
    cache = _context_cache(request)
    if version not in cache:
        ontology = graph_iri(ONTOLOGY_GRAPH, base=settings.base_iri)
        graph = await engine.call(lambda: engine.repository.get_graph(ontology))
        cache.clear()
        cache[version] = json_ld_context(graph, settings.base_iri)
    return cache[version]


async def _rdf(
    engine: SparqlEngine,
    graph: Graph,
    page: _Page,
    settings: Settings,
    context: dict[str, Any],
    etag: str,
    first: URIRef | None = None,
) -> Response:
    prefixes = output_prefixes(settings.base_iri)

    def write() -> bytes:
        return serialize_graph(
            graph, page.representation, prefixes=prefixes, context=context, first=first
        )

    data = await engine.call(write)
    return Response(data, media_type=page.representation.content_type, headers=page.headers(etag))


# -- resources ----------------------------------------------------------------------------------


def _graph_subset(
    repository: Repository, graph: URIRef, settings: Settings, server: str
) -> Graph | None:
    """The VoID description of named graph ``graph``, or ``None`` when there is no such graph."""
    if graph not in repository.graphs():
        return None
    name = short_name(settings.base_iri, graph)
    root: URIRef | None = None
    if name is not None:
        candidate = URIRef(settings.base_iri + "id/" + name)
        if repository.query("ASK { ?i a ocsea:EncodedInstrument }", {"i": candidate}) is True:
            root = candidate
    return graph_description(
        graph,
        triples=repository.count(graph),
        dump_url=graph_dump_url(server, settings.base_iri, graph),
        dataset=dataset_iri(settings.base_iri),
        root_resource=root,
        label=name,
    )


@router.get(
    "/id/{rest:path}",
    summary="Dereference a project IRI",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/turtle": {},
                "application/ld+json": {},
                "application/n-triples": {},
                "application/rdf+xml": {},
                "text/html": {},
            },
            "description": "The description of the resource.",
        },
        404: {"description": "The store knows nothing about this IRI."},
        406: {"description": "None of the accepted formats is available."},
    },
)
async def resource(
    rest: str,
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    format: FormatParam = None,
    lang: LangParam = None,
    view_name: ViewParam = None,
) -> Response:
    """Describe ``{base}id/{rest}``: what it says, what the reasoner adds, what links to it."""
    page = _Page(request, RESOURCE_FORMATS, format, lang)
    iri = settings.base_iri + "id/" + rest
    unknown = f"{iri} is not known to this server: no triple has it as subject or object."
    if not rest or not is_valid_iri(iri):
        return page.not_found(unknown)
    subject = URIRef(iri)
    version = await _version(engine)
    etag = page.etag(version)
    if (cached := page.not_modified(etag)) is not None:
        return cached
    context_href: str | None = None
    if page.is_html:
        face = await pages.html_face(request, engine, settings, iri, lang, version)
        if face.response is not None and view_name != "generic":
            return face.response
        context_href = face.context_href
    repository = engine.repository
    names = GraphNames.for_base(settings.base_iri)

    def build() -> tuple[Description, Graph | None]:
        description = describe(repository, subject, names, for_people=page.is_html)
        subset = None
        if rest.startswith("graph/"):
            subset = _graph_subset(repository, subject, settings, page.server)
        return description, subset

    description, subset = await engine.call(build)
    if subset is not None:
        description.asserted += subset
    if not description.exists:
        return page.not_found(unknown)
    if page.is_html:
        view = resource_view(
            description, page.language, page.linker(settings), output_prefixes(settings.base_iri)
        )
        downloads: list[tuple[str, str]] = []
        if subset is not None:
            dump = graph_dump_url(page.server, settings.base_iri, subject)
            separator = "&" if "?" in dump else "?"
            downloads = [
                (label, f"{dump}{separator}{urlencode({'format': r.name})}")
                for label, r in (
                    ("Turtle", GRAPH_FORMATS[0]),
                    ("JSON-LD", GRAPH_FORMATS[1]),
                    ("N-Triples", GRAPH_FORMATS[2]),
                    ("RDF/XML", GRAPH_FORMATS[3]),
                )
            ]
        return page.html(
            "resource.html",
            etag,
            view=view,
            downloads=downloads,
            context_href=context_href,
            alternates=page.alternates(RESOURCE_FORMATS),
        )
    context = await _json_ld_context(request, engine, settings, version)
    return await _rdf(engine, description.graph(), page, settings, context, etag, subject)


async def _named_graph_document(
    request: Request,
    engine: SparqlEngine,
    settings: Settings,
    page: _Page,
    graph_name: URIRef,
    missing: str,
    view: str,
) -> Response:
    """``/ontology`` and ``/shapes``: a whole named graph, as RDF or as its HTML page."""
    version = await _version(engine)
    etag = page.etag(version)
    if (cached := page.not_modified(etag)) is not None:
        return cached
    graph = await engine.call(lambda: engine.repository.get_graph(graph_name))
    if not len(graph):
        return page.not_found(missing)
    prefixes = output_prefixes(settings.base_iri)
    if page.is_html:
        builder = ontology_view if view == "ontology.html" else shapes_view
        page_view = builder(graph, page.language, page.linker(settings), prefixes)
        return page.html(view, etag, view=page_view, alternates=page.alternates(RESOURCE_FORMATS))
    context = await _json_ld_context(request, engine, settings, version)
    return await _rdf(engine, graph, page, settings, context, etag)


@router.get(
    "/ontology", summary="The ontology (core and alignment modules)", response_class=Response
)
async def ontology(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    format: FormatParam = None,
    lang: LangParam = None,
) -> Response:
    """The ontology graph: Turtle, JSON-LD, N-Triples, RDF/XML, or an HTML list of its terms."""
    page = _Page(request, RESOURCE_FORMATS, format, lang)
    return await _named_graph_document(
        request,
        engine,
        settings,
        page,
        graph_iri(ONTOLOGY_GRAPH, base=settings.base_iri),
        "The store has no ontology graph: build it with `ocsea build`.",
        "ontology.html",
    )


@router.get(
    "/ontology/{rest:path}",
    summary="Other IRIs of the ontology (module, version): redirect to /ontology",
    response_class=Response,
)
async def ontology_part(
    rest: str, request: Request, engine: EngineDep, settings: SettingsDep
) -> Response:
    """303 to ``/ontology`` for an IRI ``{base}ontology/{rest}`` the ontology graph mentions."""
    iri = settings.base_iri + "ontology/" + rest
    ontology_graph = graph_iri(ONTOLOGY_GRAPH, base=settings.base_iri)
    query = (
        "ASK { GRAPH " + sparql_iri(ontology_graph) + " { { ?iri ?p ?o } UNION { ?s ?p ?iri } } }"
    )
    known = (
        is_valid_iri(iri)
        and (await engine.call(lambda: engine.repository.query(query, {"iri": URIRef(iri)})))
        is True
    )
    if not known:
        return PlainTextResponse(
            f"{iri} is not an IRI of the ontology; the ontology is at /ontology.\n",
            status_code=404,
        )
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return RedirectResponse(f"{root}/ontology", status_code=303, headers={"Vary": "Accept"})


@router.get("/shapes", summary="The SHACL shapes the data must satisfy", response_class=Response)
async def shapes(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    format: FormatParam = None,
    lang: LangParam = None,
) -> Response:
    """The shapes graph of the store, as RDF or as an HTML list of the shapes."""
    page = _Page(request, RESOURCE_FORMATS, format, lang)
    return await _named_graph_document(
        request,
        engine,
        settings,
        page,
        graph_iri(SHAPES_GRAPH, base=settings.base_iri),
        "The store has no shapes graph: `ocsea build` puts shapes/*.ttl there.",
        "shapes.html",
    )


# -- dataset ------------------------------------------------------------------------------------


@router.get("/void", summary="VoID description of the dataset", response_class=Response)
async def void(
    request: Request, engine: EngineDep, settings: SettingsDep, format: FormatParam = None
) -> Response:
    """The dataset, its named graphs as subsets, counts, vocabularies, endpoint and dumps."""
    page = _Page(request, GRAPH_FORMATS, format, None)
    version = await _version(engine)
    etag = page.etag(version)
    if (cached := page.not_modified(etag)) is not None:
        return cached
    graph = await engine.call(
        lambda: void_description(engine.repository, settings.base_iri, page.server)
    )
    context = await _json_ld_context(request, engine, settings, version)
    return await _rdf(engine, graph, page, settings, context, etag)


@router.get("/.well-known/void", summary="Redirect to /void", response_class=Response)
async def well_known_void(request: Request) -> Response:
    """The well-known VoID location (RFC 5785) points to ``/void``."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return RedirectResponse(f"{root}/void", status_code=302)


@router.get(
    "/context.jsonld",
    summary="JSON-LD context of the project's vocabulary",
    response_class=Response,
)
async def context_document(request: Request, engine: EngineDep, settings: SettingsDep) -> Response:
    """Prefixes and one term per ``ocsea:`` property (``@type``/``@container`` as fits)."""
    version = await _version(engine)
    etag = f'"{version}-context"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    context = await _json_ld_context(request, engine, settings, version)
    return JSONResponse(context, media_type="application/ld+json", headers=headers)


def _graph_from_name(settings: Settings, name: str) -> URIRef | None:
    try:
        return graph_iri(name, base=settings.base_iri)
    except ValueError:
        return None


async def _graph_dump(
    request: Request, engine: EngineDep, settings: Settings, graph: URIRef, format: str | None
) -> Response:
    page = _Page(request, GRAPH_FORMATS, format, None)
    missing = f"there is no named graph {graph} in the store; the graphs are listed in /void."
    if not is_valid_iri(str(graph)):
        return page.not_found(missing)
    version = await _version(engine)
    etag = page.etag(version)
    if (cached := page.not_modified(etag)) is not None:
        return cached
    if graph not in await engine.call(engine.repository.graphs):
        return page.not_found(missing)
    context = (
        await _json_ld_context(request, engine, settings, version)
        if page.representation == JSONLD
        else {}
    )
    prefixes = output_prefixes(settings.base_iri)

    def write() -> bytes:
        return serialize_ntriples(
            graph_ntriples(engine.repository, graph),
            page.representation,
            prefixes=prefixes,
            context=context,
        )

    data = await engine.call(write)
    return Response(data, media_type=page.representation.content_type, headers=page.headers(etag))


@router.get(
    "/dump", summary="The whole dataset (N-Quads or TriG), or one graph", response_class=Response
)
async def dump(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    format: FormatParam = None,
    graph: Annotated[str | None, Query(description="Only this named graph (its IRI)")] = None,
) -> Response:
    """Every named graph, streamed one after the other; ``graph=IRI`` for a single graph."""
    if graph is not None:
        return await _graph_dump(request, engine, settings, URIRef(graph), format)
    page = _Page(request, DATASET_FORMATS, format, None)
    version = await _version(engine)
    etag = page.etag(version)
    if (cached := page.not_modified(etag)) is not None:
        return cached
    repository = engine.repository
    head = is_head(request.scope)  # the same headers, without reading the store for a body
    names = [] if head else await engine.call(repository.graphs)
    prefixes = output_prefixes(settings.base_iri)
    representation = page.representation

    async def chunks() -> AsyncIterator[bytes]:
        if head:
            yield b""  # an answer still to come, as the GET's: compression headers stay the same
        for name in names:

            def chunk(name: URIRef = name) -> bytes:
                ntriples = graph_ntriples(repository, name)
                return ntriples_to_graph_chunk(ntriples, name, representation, prefixes)

            data = await engine.call(chunk)
            if data:
                yield data

    headers = page.headers(etag)
    headers["Content-Disposition"] = f'inline; filename="{DUMP_FILE_NAMES[representation.name]}"'
    return StreamingResponse(chunks(), media_type=representation.content_type, headers=headers)


@router.get("/dump/{name}", summary="One named graph of the store", response_class=Response)
async def dump_graph(
    name: str,
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    format: FormatParam = None,
) -> Response:
    """Named graph ``{base}id/graph/{name}`` in Turtle, N-Triples, JSON-LD or RDF/XML."""
    graph = _graph_from_name(settings, name)
    if graph is None:
        page = _Page(request, GRAPH_FORMATS, format, None)
        return page.not_found(f"{name!r} is not a graph name; the graphs are listed in /void.")
    return await _graph_dump(request, engine, settings, graph, format)


# -- landing ------------------------------------------------------------------------------------

INSTRUMENTS_QUERY = """
SELECT ?instrument ?label WHERE {
  ?instrument a ocsea:EncodedInstrument .
  OPTIONAL { ?instrument rdfs:label ?label }
} ORDER BY ?instrument"""


@router.get("/", summary="Landing: the instruments and the entry points", response_class=Response)
async def landing(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    format: Annotated[str | None, Query(description="json or html, overriding Accept")] = None,
    lang: LangParam = None,
) -> Response:
    """JSON for machines (default); browsers get the home page."""
    page = _Page(request, LANDING_FORMATS, format, lang)
    if page.is_html:
        return await pages.home(request, engine, settings, lang)
    version = await _version(engine)
    etag = page.etag(version)
    if (cached := page.not_modified(etag)) is not None:
        return cached
    rows = (await engine.call(lambda: engine.repository.select(INSTRUMENTS_QUERY))).rows
    labels: dict[str, dict[str, str]] = {}
    for row in rows:
        instrument, label = row.get("instrument"), row.get("label")
        if isinstance(instrument, URIRef):
            entry = labels.setdefault(str(instrument), {})
            if isinstance(label, Literal):
                entry.setdefault(label.language or "", str(label))
    absolute = Linker(settings.base_iri)  # paths without the mount prefix: server has it
    server = page.server.rstrip("/")
    entry_points = {
        "sparql": ("/sparql", "SPARQL 1.1 endpoint (queries; service description without one)"),
        "docs": ("/docs", "OpenAPI documentation of the HTTP API"),
        "ontology": ("/ontology", "The ontology: classes and properties"),
        "shapes": ("/shapes", "The SHACL shapes the data satisfies"),
        "void": ("/void", "VoID description of the dataset"),
        "dump": ("/dump", "The whole dataset as N-Quads or TriG"),
        "context": ("/context.jsonld", "JSON-LD context of the vocabulary"),
        "health": ("/health", "Is the store open, and how big is it"),
        "matrix": ("/matrix", "Coverage matrix, capabilities by instruments (HTML, .csv, .svg)"),
        "network": ("/network", "Citation and correspondence network (HTML, .svg)"),
        "editor": ("/editor", "SPARQL editor with the catalogue's queries (HTML)"),
    }
    body = {
        "name": UI["en"]["site"],
        "description": DESCRIPTION_EN,
        "instruments": [
            {
                "iri": iri,
                "href": server + absolute.href(iri) if absolute.is_local(iri) else iri,
                "label": {lang_: text for lang_, text in entry.items() if lang_},
            }
            for iri, entry in labels.items()
        ],
        "links": {key: server + path for key, (path, _text) in entry_points.items()},
    }
    return JSONResponse(body, headers=page.headers(etag))
