"""The web app: the built graph over the SPARQL 1.1 Protocol.

:func:`create_app` builds a FastAPI app for given :class:`~api.settings.Settings`. At startup
(the lifespan) it opens the on-disk store made by ``ocsea build`` once:

- read-only when no write token is configured (``OCSEA_WRITE_TOKEN`` unset): other processes may
  read the same store;
- read-write when a write token is configured, so that SPARQL Update can change it; only one
  process may then open it.

Routes:

- ``GET /health``: ``{"status": "ok", "triples": N, "store": "/path/to/store"}``;
- ``GET /ready``: 200 when the store answers and the query workers are up, else 503 with the
  reasons (:mod:`api.readiness`);
- ``GET|POST /sparql``: queries, updates and the service description (:mod:`api.routes.sparql`).

Answers of read requests are kept until the next write (:mod:`api.response_cache`,
``OCSEA_RESPONSE_CACHE_MB``); ``HEAD`` is answered as ``GET`` without the body
(:mod:`api.head`). CORS allows ``GET``/``HEAD``/``POST`` from any origin, without
credentials and without the ``Authorization`` header (so no cross-origin writes).
:class:`~api.middleware.OperationsMiddleware` adds request ids, a JSON access log, security
headers and the body/result size limits. On SIGTERM/SIGINT uvicorn stops accepting connections,
lets running requests finish, then the lifespan closes the query workers and the store. Run it
with ``ocsea serve``.

Example::

    >>> from fastapi.testclient import TestClient                    # doctest: +SKIP
    >>> with TestClient(create_app(Settings.from_env())) as client:  # doctest: +SKIP
    ...     client.get("/sparql", params={"query": "ASK {}"}).json()
    {'head': {}, 'boolean': True}
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse
from starlette.types import Scope

from api import __version__
from api.compression import CompressionMiddleware
from api.head import HeadMiddleware
from api.middleware import OperationsMiddleware, ResultSizeLimitMiddleware, configure_access_log
from api.readiness import router as readiness_router
from api.response_cache import ResponseCache, ResponseCacheMiddleware
from api.routes import catalogue, graph_store, linked_data, pages, rest, sparql, validate
from api.settings import Settings
from api.sparql.engine import SparqlEngine
from api.sparql.errors import ProtocolError
from api.sparql.isolation import QueryProcessPool
from api.store import OxigraphRepository, open_repository


def open_engine(settings: Settings) -> SparqlEngine:
    """The repository of ``settings`` (read-write only if writes are enabled) and its engine."""
    writable = bool(settings.write_token)
    repository = open_repository(settings, writable=writable)
    pool: QueryProcessPool | None = None
    if isinstance(repository, OxigraphRepository) and settings.query_workers > 0:
        path = settings.store_path
        pool = QueryProcessPool(
            path,
            workers=settings.query_workers,
            store=None if repository.read_only else repository.store,
            # checkpoints for the workers of a writable store, beside the store, one per process
            snapshots=None
            if repository.read_only
            else path.parent / f".{path.name}.snapshots-{os.getpid()}",
        )
    return SparqlEngine(
        repository,
        timeout=settings.query_timeout,
        workers=max(1, settings.query_workers),
        write_token=settings.write_token,
        base_iri=settings.base_iri,
        pool=pool,
    )


def _store_generation(scope: Scope) -> int | None:
    """The app's store generation, or ``None`` when its answers must not be kept."""
    engine: SparqlEngine | None = getattr(scope["app"].state, "engine", None)
    if engine is None or not engine.cacheable:
        return None
    return engine.generation


def create_app(
    settings: Settings | None = None, *, freeze_startup_objects: bool = False
) -> FastAPI:
    """A new app serving the store of ``settings`` (default: from the environment).

    ``freeze_startup_objects`` is for the one app of a server process (``ocsea serve``): once
    started, the objects made so far are moved out of the garbage collector's generations
    (:func:`gc.freeze`), which cut the time of full collections by two thirds (BENCHMARKS.md,
    session 6). Apps made and dropped in one process (tests) leave it off: frozen cycles are
    never freed.
    """
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = open_engine(settings)
        app.state.engine = engine
        if engine.cacheable:
            # the ETags of pages and linked data need the store's version (a pass over every
            # quad, ~7 s per million, mostly without the GIL): compute it now, not in a request
            threading.Thread(
                target=engine.repository.version, name="ocsea-version", daemon=True
            ).start()
        if freeze_startup_objects:
            # what start-up made lives as long as the server: out of the collector's sight, a
            # full collection walks only what requests made since (BENCHMARKS.md, session 6)
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            engine.close()

    app = FastAPI(
        title="OCSEA Obligations Graph",
        version=__version__,
        description="The OCSEA Obligations Graph over the SPARQL 1.1 Protocol.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    # innermost: the /sparql result limit, on the answer as the route made it; then gzip for
    # clients that ask (api.compression); then the answers kept until the next write
    # (api.response_cache: compressed once, replayed as they are); request ids, CORS and
    # security headers are added around them, per request
    app.add_middleware(ResultSizeLimitMiddleware, max_result_bytes=settings.max_result_bytes)
    app.add_middleware(CompressionMiddleware)
    if settings.response_cache_mb > 0:
        app.add_middleware(
            ResponseCacheMiddleware,
            cache=ResponseCache(settings.response_cache_mb * 1024 * 1024),
            generation=_store_generation,
        )
    # HEAD answered as GET without the body, from the kept answer when there is one (api.head)
    app.add_middleware(HeadMiddleware)
    # CORS for reads: any origin may GET/HEAD and POST queries and /validate; writes need the
    # Authorization header, which is not allowed cross-origin (the preflight refuses it).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=[
            "Accept",
            "Accept-Language",
            "Content-Type",
            "If-None-Match",
            "X-Request-ID",
        ],
        expose_headers=["X-Request-ID", "ETag", "Link", "Content-Location"],
        max_age=600,
    )
    # outermost: request ids, access log, security headers, body/result limits (api.middleware)
    app.add_middleware(OperationsMiddleware, max_body_bytes=settings.max_upload_bytes)
    configure_access_log()

    @app.exception_handler(ProtocolError)
    async def protocol_error(request: Request, exc: ProtocolError) -> PlainTextResponse:
        return PlainTextResponse(exc.message + "\n", status_code=exc.status, headers=exc.headers)

    @app.get("/health", summary="Is the store open, and how big is it")
    async def health(request: Request) -> dict[str, Any]:
        engine: SparqlEngine = request.app.state.engine
        return {
            "status": "ok",
            "triples": engine.repository.count(),
            "store": engine.repository.describe(),
        }

    app.include_router(readiness_router)
    app.include_router(sparql.router)
    app.include_router(rest.router)
    app.include_router(catalogue.router)
    app.include_router(linked_data.router)
    app.include_router(pages.router)
    app.include_router(validate.router)
    app.include_router(graph_store.router)
    return app


def create_app_from_env() -> FastAPI:
    """The app of the environment (``uvicorn --factory api.app:create_app_from_env``)."""
    return create_app(Settings.from_env())
