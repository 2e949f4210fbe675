"""Rendering the pages: templates, the interface language, links, ETags and the cached data.

A :class:`Page` is one request for a page: it knows the interface language (``?lang=en|es``,
else ``Accept-Language``, else English; :func:`api.ld.html.interface_language`), writes links
that keep an explicit ``?lang=`` (:meth:`Page.href`), and renders a template with what
``base.html`` needs. Pages are ``text/html`` with ``Vary: Accept, Accept-Language``, an ETag made
of the store's version, the page and the language, and ``Cache-Control: public, max-age=300``;
``If-None-Match`` gives 304.

:func:`site_data` gives the :class:`~api.pages.data.SiteData` of the store's current version
(built inside ``engine.call``, so the query time limit applies).

Example::

    page = Page(request, lang=None)
    page.href("/id/unga-res-74-174#para_5")   # '/id/unga-res-74-174?lang=es#para_5' with ?lang=es
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from api.ld.html import LANGUAGES, interface_language
from api.pages.data import PageCache, SiteData, inferred_graph_iri
from api.pages.highlight import anchor_of
from api.pages.i18n import counted, pick, strings
from api.rest.resources import Context
from api.settings import Settings
from api.sparql.engine import SparqlEngine

T = TypeVar("T")

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
CODEMIRROR_FILES = (
    "codemirror/lib/codemirror.js",
    "codemirror/lib/codemirror.css",
    "codemirror/mode/sparql/sparql.js",
    "codemirror/addon/edit/matchbrackets.js",
)
"""The CodeMirror 5 files the editor loads (copied from npm by ``make install``)."""

CACHE_CONTROL = "public, max-age=300"

templates = Jinja2Templates(directory=TEMPLATES_DIR)


class Texts:
    """Picks the interface language's variant of a language-tagged value, for templates."""

    def __init__(self, language: str) -> None:
        self.language = language

    def text(self, texts: dict[str, str] | None) -> str:
        """The text in the interface language (else English, Spanish, any)."""
        return pick(texts or {}, self.language)[0]

    def lang(self, texts: dict[str, str] | None) -> str:
        """The language tag of :meth:`text` (``""`` when unknown)."""
        return pick(texts or {}, self.language)[1]


class Page:
    """One request for a page: language, links, rendering."""

    def __init__(self, request: Request, lang: str | None) -> None:
        self.request = request
        self.language = interface_language(lang, request.headers.get("accept-language"))
        self.explicit = lang in LANGUAGES
        self.root = str(request.scope.get("root_path", "")).rstrip("/")
        self.ui = strings(self.language)

    def href(self, path: str | None) -> str:
        """A link to a path of this server, keeping an explicit ``?lang=``."""
        if not path:
            return ""
        if not self.explicit or not path.startswith("/"):
            return path
        parts = urlsplit(path)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
        query.append(("lang", self.language))
        return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))

    def path(self, path: str) -> str:
        """A path of this server under the app's mount prefix, with :meth:`href`'s language."""
        return self.href(self.root + path)

    def other_language_href(self) -> str:
        """This page in the other interface language."""
        other = "en" if self.language == "es" else "es"
        query = [(k, v) for k, v in self.request.query_params.multi_items() if k not in ("lang",)]
        query.append(("lang", other))
        return f"{self.request.url.path}?{urlencode(query)}"

    def etag(self, version: str, name: str) -> str:
        """The ETag of page ``name`` of the store's ``version`` in this language."""
        explicit = "-explicit" if self.explicit else ""
        return f'"{version}-page-{name}-{self.language}{explicit}"'

    def headers(self, etag: str | None) -> dict[str, str]:
        """``Vary``, and with an ETag, ``ETag`` and ``Cache-Control``."""
        headers = {"Vary": "Accept, Accept-Language"}
        if etag is not None:
            headers["ETag"] = etag
            headers["Cache-Control"] = CACHE_CONTROL
        return headers

    def not_modified(self, etag: str) -> Response | None:
        """A 304 when ``If-None-Match`` names ``etag``, else ``None``."""
        wanted = self.request.headers.get("if-none-match")
        if not wanted:
            return None
        tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
        if "*" in tags or etag in tags:
            return Response(status_code=304, headers=self.headers(etag))
        return None

    def context(self, **values: Any) -> dict[str, Any]:
        """What the templates need, plus ``values``."""
        return {
            "lang": self.language,
            "ui": self.ui,
            "root_path": self.root,
            "nav_query": f"?lang={self.language}" if self.explicit else "",
            "other_language_href": self.other_language_href(),
            "href": self.href,
            "path": self.path,
            "tx": Texts(self.language),
            "anchor_of": anchor_of,
            "count": lambda key, n: counted(self.ui, key, n),
            **values,
        }

    def render(self, template: str, etag: str | None, status: int = 200, **values: Any) -> Response:
        """``template`` rendered as the answer."""
        return templates.TemplateResponse(
            self.request,
            template,
            self.context(**values),
            status_code=status,
            headers=self.headers(etag),
        )


def vendor_available() -> bool:
    """True when the editor's CodeMirror files are installed under ``/static/vendor/``."""
    return all((VENDOR_DIR / name).is_file() for name in CODEMIRROR_FILES)


def _cache(request: Request) -> PageCache:
    cache: PageCache | None = getattr(request.app.state, "page_cache", None)
    if cache is None:
        cache = PageCache()
        request.app.state.page_cache = cache
    return cache


async def store_version(engine: SparqlEngine) -> str:
    """The store's version (cached by the embedded store until a write)."""
    return await engine.call(engine.repository.version)


async def site_data(
    request: Request,
    engine: SparqlEngine,
    settings: Settings,
    version: str,
    use: Callable[[SiteData], T],
) -> T:
    """``use(site)`` run inside ``engine.call`` on the site data of the store's ``version``."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    cache = _cache(request)

    def context() -> Context:
        return Context(
            repository=engine.repository,
            base_url=root + "/",
            inferred_graph=inferred_graph_iri(settings.base_iri),
            base_iri=settings.base_iri,
        )

    def run() -> T:
        return use(cache.site(version, root, context))

    return await engine.call(run)
