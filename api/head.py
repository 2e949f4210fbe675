"""``HEAD`` on every resource that answers ``GET`` (RFC 9110, 9.3.2).

"All general-purpose servers MUST support the methods GET and HEAD" (RFC 9110, 9.1): link
checkers, linked-data crawlers and caches ask ``HEAD`` to learn a resource's type, size, ETag or
existence without its body. FastAPI routes declared with ``@router.get`` answer ``HEAD`` with 405,
and declaring ``HEAD`` on each of them would double every operation in the OpenAPI document.

:class:`HeadMiddleware` answers a ``HEAD`` as the same request with ``GET`` would be answered —
same status, same headers (``Content-Type``, ``Content-Length``, ``ETag``, ``Vary``, ``Link`` …),
content negotiation and conditional requests included — without the body. Installed just outside
the response cache (:mod:`api.response_cache`), so that a ``HEAD`` is answered from the kept
``GET`` answer when there is one; the access log, outside it, still says ``HEAD``.

Why hand-written: Starlette does this for its plain ``Route``, not for FastAPI's ``APIRoute``; no
maintained middleware does it. The body is dropped here, so routes need not know about ``HEAD``;
a route whose body is costly to produce (``/dump`` streams the whole store) asks
:func:`is_head` and sends the same headers with an empty stream instead. An answer to a ``HEAD``
is never kept by the response cache (its body is not the ``GET``'s), though it may be served
from one kept for a ``GET``.

Example::

    app.add_middleware(HeadMiddleware)
    # HEAD /id/osce-mc-dec-9-07 → 200, Content-Type: text/turtle, Content-Length: 1709, no body
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEAD_SCOPE_KEY = "ocsea.head"
"""Set in the ``GET`` scope that answers a ``HEAD``."""


def is_head(scope: Mapping[str, Any]) -> bool:
    """True if this ``GET`` is answering a ``HEAD`` (its body will be dropped)."""
    return bool(scope.get(HEAD_SCOPE_KEY, False))


class HeadMiddleware:
    """Answer ``HEAD`` as ``GET``, without the body (see the module's documentation)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        body_ended = False

        async def send_without_body(message: Message) -> None:
            nonlocal body_ended
            if message["type"] != "http.response.body":
                await send(message)
            elif not body_ended:
                body_ended = True  # one empty body ends the answer; the rest is dropped
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET", HEAD_SCOPE_KEY: True}, receive, send_without_body)
