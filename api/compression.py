"""Compressed answers: ``gzip`` for clients that ask for it, with validators that stay correct.

:class:`CompressionMiddleware` is Starlette's :class:`~starlette.middleware.gzip.GZipMiddleware`
(answers of at least :data:`MINIMUM_SIZE` bytes to requests with ``Accept-Encoding: gzip``;
``Vary: Accept-Encoding``; large bodies compressed in a worker thread, not in the event loop)
with one correction: the **ETags are made weak** in answers to requests that accept gzip
(``"v1-jsonld"`` becomes ``W/"v1-jsonld"``), the 304s included, so that a 304 carries the tag
its 200 carried. A strong ETag promises the same bytes, and the gzip bytes differ from the
identity ones (RFC 9110, 8.8.1); ``If-None-Match`` compares weakly, so a client that revalidates
with the weak tag still gets its 304 (the routes ignore the ``W/`` prefix). nginx does the same.

It sits inside the response cache (:mod:`api.response_cache`, whose key includes
``Accept-Encoding``): an answer is compressed once when it is computed, and every later request
from a client that accepts gzip is sent the kept compressed bytes (JSON answers of the catalogue
shrink 18 to 30 times: an 8.7 MB answer is sent as 0.3 MB).

Example::

    app.add_middleware(CompressionMiddleware)
    # GET /api/themes  Accept-Encoding: gzip  →  Content-Encoding: gzip, Vary: Accept-Encoding
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MINIMUM_SIZE = 1024
"""Smaller answers are sent as they are: compressing them saves little and costs a round of CPU."""

COMPRESS_LEVEL = 5
"""zlib level: 8.7 MB of JSON in ~25 ms to 0.3 MB (level 1: ~11 ms to 0.35 MB; 9: slower,
hardly smaller). Paid once per answer when the response cache keeps it."""


class CompressionMiddleware:
    """gzip for clients that accept it; weak ETags on compressed answers (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = GZipMiddleware(app, minimum_size=MINIMUM_SIZE, compresslevel=COMPRESS_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _accepts_gzip(scope):
            await self.app(scope, receive, send)
            return

        async def send_with_weak_etag(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [_weakened(k, v) for k, v in message.get("headers", [])]
            await send(message)

        await self.app(scope, receive, send_with_weak_etag)


def _accepts_gzip(scope: Scope) -> bool:
    """The test GZipMiddleware makes: ``gzip`` anywhere in ``Accept-Encoding``."""
    return any(k == b"accept-encoding" and b"gzip" in v for k, v in scope.get("headers", []))


def _weakened(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    if name.lower() == b"etag" and not value.startswith(b"W/"):
        return name, b"W/" + value
    return name, value
