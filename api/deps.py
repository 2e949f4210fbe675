"""FastAPI dependencies shared by the routers: the settings, the repository and the engine.

The app opens one :class:`~api.store.base.Repository` at startup (see :func:`api.app.create_app`)
and keeps it, with its :class:`~api.sparql.engine.SparqlEngine`, on ``app.state``. Routers never
open stores themselves; they declare what they need::

    @router.get("/x")
    async def x(repository: Annotated[Repository, Depends(get_repository)]) -> ...
"""

from __future__ import annotations

from fastapi import Request

from api.settings import Settings
from api.sparql.engine import SparqlEngine
from api.store.base import Repository


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> SparqlEngine:
    """The app's SPARQL engine (opened once, at startup)."""
    engine: SparqlEngine = request.app.state.engine
    return engine


def get_repository(request: Request) -> Repository:
    """The app's repository (the engine's)."""
    return get_engine(request).repository
