"""The pages, one function each: read the (cached) data, render the template, answer.

Called by :mod:`api.routes.pages` (``/matrix``, ``/network``, ``/editor``, ``/search``,
``/actors``, ``/themes``) and by :mod:`api.routes.linked_data` for the HTML of ``GET /`` (the
home page) and of ``GET /id/…`` (:func:`html_face`: the specialised page of an instrument, an
actor or a theme; for other IRIs, the link to where they stand in their instrument).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from api.catalogue import Catalogue, CatalogueQuery, ParameterError, compact
from api.namespaces import id_namespace, project_prefixes
from api.pages.data import MAX_QUERY_LENGTH, SiteData
from api.pages.i18n import pick
from api.pages.rendering import (
    Page,
    site_data,
    store_version,
    vendor_available,
)
from api.pages.svg import instrument_caption, matrix_svg, network_svg, serialise
from api.rest.errors import RestError
from api.settings import Settings
from api.sparql.engine import SparqlEngine
from api.sparql.negotiation import ResultKind
from api.store.remote import bind_values

MAX_EDITOR_QUERY = 20_000
"""The longest query the editor page takes from ``?query=`` (characters)."""

DEFAULT_EXAMPLE = "overview"
"""The catalogue query shown in the editor when none is asked for."""


async def _render(
    request: Request,
    engine: SparqlEngine,
    settings: Settings,
    lang: str | None,
    name: str,
    template: str,
    build: Callable[[SiteData, Page], dict[str, Any]],
) -> Response:
    """The common path of a page: ETag, 304, data (in ``engine.call``), rendering."""
    page = Page(request, lang)
    version = await store_version(engine)
    etag = page.etag(version, name)
    if (cached := page.not_modified(etag)) is not None:
        return cached
    values = await site_data(request, engine, settings, version, lambda site: build(site, page))
    return page.render(template, etag, **values)


# -- home, instruments, actors, themes -----------------------------------------------------------


async def home(
    request: Request, engine: SparqlEngine, settings: Settings, lang: str | None
) -> Response:
    """The home page: the instruments, the strength scale, where to go next, a search box."""

    def build(site: SiteData, page: Page) -> dict[str, Any]:
        return {
            "instruments": site.instruments(),
            "forces": site.forces(),
            "actors": site.actors()[:12],
            "themes": [t for t in site.themes() if t.kind == "theme"],
        }

    return await _render(request, engine, settings, lang, "home", "home.html", build)


@dataclass
class Face:
    """What ``GET /id/…`` shows a browser: a page of its own, or the generic page (with a link
    to where the resource stands in its instrument, for provisions and statements)."""

    response: Response | None = None
    context_href: str | None = None


async def html_face(
    request: Request,
    engine: SparqlEngine,
    settings: Settings,
    iri: str,
    lang: str | None,
    version: str,
) -> Face:
    """The HTML face of ``iri``: the instrument, actor or theme page, or ``Face()``."""
    page = Page(request, lang)

    def find(site: SiteData) -> tuple[str | None, str | None]:
        return site.kinds().get(iri), site.context_href(iri)

    kind, context_href = await site_data(request, engine, settings, version, find)
    if kind is None:
        return Face(context_href=page.href(context_href) if context_href else None)
    etag = page.etag(version, f"{kind}-{iri}")
    if (cached := page.not_modified(etag)) is not None:
        return Face(cached)
    slug = iri.rstrip("/").rsplit("/", 1)[-1]

    def build(site: SiteData) -> dict[str, Any]:
        common = {"forces": site.forces(), "alternates": _alternates(request)}
        if kind == "instrument":
            return {"data": site.instrument_page(slug), **common}
        if kind == "actor":
            return {"data": site.actor_page(iri), **common}
        theme = site.theme_page(iri)
        source = theme.theme.source
        source_href = site.context_href(source.id) if source else None
        return {"data": theme, "source_href": source_href, **common}

    try:
        values = await site_data(request, engine, settings, version, build)
    except RestError:
        # the REST functions could not resolve it after all (another base IRI?): generic page
        return Face(context_href=None)
    return Face(page.render(f"{kind}.html", etag, **values))


def _alternates(request: Request) -> list[tuple[str, str, str]]:
    path = request.url.path
    return [
        ("Turtle", f"{path}?format=turtle", "text/turtle"),
        ("JSON-LD", f"{path}?format=jsonld", "application/ld+json"),
        ("N-Triples", f"{path}?format=ntriples", "application/n-triples"),
        ("RDF/XML", f"{path}?format=rdfxml", "application/rdf+xml"),
    ]


async def actors(
    request: Request, engine: SparqlEngine, settings: Settings, lang: str | None
) -> Response:
    """Every actor, most concerned first, with counts per role and instrument."""

    def build(site: SiteData, page: Page) -> dict[str, Any]:
        return {"actors": site.actors(), "instruments": site.instruments()}

    return await _render(request, engine, settings, lang, "actors", "actors.html", build)


async def themes(
    request: Request, engine: SparqlEngine, settings: Settings, lang: str | None
) -> Response:
    """The backbone (themes and capabilities) and the finer topics."""

    def build(site: SiteData, page: Page) -> dict[str, Any]:
        every = site.themes()
        backbone = [
            (
                theme,
                [
                    c
                    for c in every
                    if c.kind == "capability" and theme.id in {b.id for b in c.broader}
                ],
            )
            for theme in every
            if theme.kind == "theme"
        ]
        return {
            "backbone": backbone,
            "topics": [t for t in every if t.kind == "topic"],
            "instruments": site.instruments(),
        }

    return await _render(request, engine, settings, lang, "themes", "themes.html", build)


# -- matrix and network --------------------------------------------------------------------------


def _server(request: Request) -> str:
    """``scheme://host`` of the request (the data's links already carry the mount prefix)."""
    return str(request.url.replace(path="", query="", fragment="")).rstrip("/")


async def matrix(
    request: Request, engine: SparqlEngine, settings: Settings, lang: str | None
) -> Response:
    """The coverage matrix page: the picture, the same as a table, the downloads."""

    def build(site: SiteData, page: Page) -> dict[str, Any]:
        data = site.matrix()
        svg = site.remember(
            ("matrix.svg", page.language, str(page.explicit)),
            lambda: serialise(matrix_svg(data, site.forces(), page.language, page.ui, page.href)),
        )
        return {"matrix": data, "svg": svg, "forces": site.forces()}

    return await _render(request, engine, settings, lang, "matrix", "matrix.html", build)


async def matrix_file(
    request: Request, engine: SparqlEngine, settings: Settings, lang: str | None, kind: str
) -> Response:
    """``/matrix.csv`` or ``/matrix.svg`` (labels in the interface language)."""
    page = Page(request, lang)
    version = await store_version(engine)
    etag = page.etag(version, f"matrix-{kind}")
    if (cached := page.not_modified(etag)) is not None:
        return cached
    server = _server(request)

    def build(site: SiteData) -> str:
        data = site.matrix()
        if kind == "svg":
            picture = matrix_svg(
                data, site.forces(), page.language, page.ui, lambda path: server + path
            )
            return serialise(picture, standalone=True)
        return matrix_csv(site, page.language)

    body = await site_data(request, engine, settings, version, build)
    headers = page.headers(etag)
    headers["Content-Disposition"] = f'attachment; filename="ocsea-coverage-matrix.{kind}"'
    media_type = "image/svg+xml" if kind == "svg" else "text/csv"
    return Response(body, media_type=f"{media_type}; charset=utf-8", headers=headers)


def matrix_csv(site: SiteData, language: str) -> str:
    """The matrix as CSV: a row per capability; per instrument its strongest strength, the
    force(s) of that strength and the number of statements (empty where there is none)."""
    data = site.matrix()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["theme", "theme_label", "capability", "capability_label", "capability_iri"]
    for instrument in data.instruments:
        header += [
            f"{instrument.slug}_strength",
            f"{instrument.slug}_force",
            f"{instrument.slug}_statements",
        ]
    writer.writerow(header)
    for group in data.groups:
        for row in group.rows:
            theme = group.theme
            line = [
                theme.notation or "" if theme else "",
                pick(theme.label, language)[0] if theme else "",
                row.capability.notation or "",
                pick(row.capability.label, language)[0],
                row.capability.id,
            ]
            for cell in row.cells:
                forces = cell.coverage.strongest_forces if cell.coverage else []
                line += [
                    "" if cell.strength is None else str(cell.strength),
                    " / ".join(pick(f.label, language)[0] for f in forces),
                    str(cell.statements),
                ]
            writer.writerow(line)
    return out.getvalue()


async def network(
    request: Request, engine: SparqlEngine, settings: Settings, lang: str | None
) -> Response:
    """The cross-reference page: the picture and the same as tables."""

    def build(site: SiteData, page: Page) -> dict[str, Any]:
        data = site.network()
        svg = site.remember(
            ("network.svg", page.language, str(page.explicit)),
            lambda: serialise(network_svg(data, page.language, page.ui, page.href)),
        )
        return {"network": data, "svg": svg, "caption": instrument_caption}

    return await _render(request, engine, settings, lang, "network", "network.html", build)


async def network_file(
    request: Request, engine: SparqlEngine, settings: Settings, lang: str | None
) -> Response:
    """``/network.svg``."""
    page = Page(request, lang)
    version = await store_version(engine)
    etag = page.etag(version, "network-svg")
    if (cached := page.not_modified(etag)) is not None:
        return cached
    server = _server(request)

    def build(site: SiteData) -> str:
        picture = network_svg(site.network(), page.language, page.ui, lambda p: server + p)
        return serialise(picture, standalone=True)

    body = await site_data(request, engine, settings, version, build)
    headers = page.headers(etag)
    headers["Content-Disposition"] = 'attachment; filename="ocsea-cross-references.svg"'
    return Response(body, media_type="image/svg+xml; charset=utf-8", headers=headers)


# -- search --------------------------------------------------------------------------------------


async def search(
    request: Request, engine: SparqlEngine, settings: Settings, lang: str | None, q: str | None
) -> Response:
    """Provisions, actors and themes matching every word of ``q``."""
    text = (q or "").strip()
    page = Page(request, lang)
    if len(text) > MAX_QUERY_LENGTH:
        message = page.ui["search_too_long"].format(n=MAX_QUERY_LENGTH)
        return page.render(
            "search.html",
            None,
            status=400,
            query=text[:MAX_QUERY_LENGTH],
            results=None,
            message=message,
        )
    version = await store_version(engine)
    results = (
        await site_data(request, engine, settings, version, lambda site: site.search(text))
        if text
        else None
    )
    return page.render("search.html", None, query=text, results=results, message=None)


# -- the SPARQL editor ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """A catalogue query as an editor example: its text with its parameters bound."""

    name: str
    title: str
    description: str
    text: str
    parameters: tuple[tuple[str, str], ...]
    """(name, example value) of the parameters set in the text's VALUES block."""


def example_text(query: CatalogueQuery) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The query without its ``#+`` header, its parameters bound to the catalogue's examples
    (required ones) and defaults in a ``VALUES`` block opening the WHERE group."""
    body = "\n".join(
        line for line in query.text.splitlines() if not line.lstrip().startswith("#+")
    ).strip()
    text = f"# {query.title}\n{body}\n"
    try:
        bindings = query.bind(query.example_arguments())
    except ParameterError:
        return text, ()
    if not bindings:
        return text, ()
    try:
        bound = bind_values(text, bindings)
    except (SyntaxError, ValueError):
        return text, ()
    inserted = len(bound) - len(text)
    start = bound.find(" VALUES (?_")
    if start >= 0 and bound[:start] + bound[start + inserted :] == text:
        block = bound[start : start + inserted].strip()
        note = "# parameters, set to the catalogue's examples: change them here"
        bound = f"{bound[:start]}\n  {note}\n  {block}\n{bound[start + inserted :].lstrip(' ')}"
    shown = tuple(
        (p.name, compact(bindings[p.variable], query.prefixes))
        for p in query.params
        if p.variable in bindings
    )
    return bound, shown


def examples_of(request: Request, catalogue: Catalogue) -> list[Example]:
    """The catalogue's queries as editor examples (computed once per app)."""
    cached: list[Example] | None = getattr(request.app.state, "page_examples", None)
    if cached is None:
        cached = []
        for query in catalogue:
            if query.kind is ResultKind.GRAPH:
                continue  # the editor shows tables; the catalogue holds SELECT queries only
            text, parameters = example_text(query)
            cached.append(Example(query.name, query.title, query.description, text, parameters))
        request.app.state.page_examples = cached
    return cached


def editor(
    request: Request,
    catalogue: Catalogue,
    base_iri: str,
    lang: str | None,
    example: str | None,
    query: str | None,
) -> Response:
    """The editor page, with ``query`` (or the catalogue query ``example``) in the editor;
    results' IRIs are shortened with the prefixes of data minted under ``base_iri``."""
    page = Page(request, lang)
    examples = examples_of(request, catalogue)
    by_name = {e.name: e for e in examples}
    status, message = 200, None
    selected = by_name.get(example or "") if example else None
    if example and selected is None:
        status = 404
        known = ", ".join(sorted(by_name))
        message = f"no catalogue query {example[:80]!r}; the known ones: {known}"
    if query is not None and len(query) > MAX_EDITOR_QUERY:
        status = 400
        message = f"the query is too long for this page: at most {MAX_EDITOR_QUERY} characters"
        query = None
    if query is not None:
        text = query
    elif selected is not None:
        text = selected.text
    else:
        default = by_name.get(DEFAULT_EXAMPLE) or (examples[0] if examples else None)
        text = default.text if default else "SELECT * WHERE { ?s ?p ?o } LIMIT 10\n"
    return page.render(
        "editor.html",
        None,
        status=status,
        examples=examples,
        selected=selected.name if selected else None,
        query_text=text,
        message=message,
        vendor=vendor_available(),
        prefixes=json.dumps(project_prefixes(base_iri), sort_keys=True),
        base_iri=id_namespace(base_iri),
    )
