"""Operations middleware: request ids, a JSON access log, security headers, body and result limits.

:class:`OperationsMiddleware` is a plain ASGI middleware (no ``BaseHTTPMiddleware``: it must not
buffer streamed responses such as ``/dump``) installed outermost by :func:`api.app.create_app`;
:class:`ResultSizeLimitMiddleware` is installed innermost, so that it sees the answer as the
route made it (before compression, :mod:`api.compression`). For every HTTP request they:

- **request id**: keeps a sane incoming ``X-Request-ID`` (1 to 128 characters of ``A-Za-z0-9._:-``)
  or makes one (32 hex digits); it is answered in ``X-Request-ID`` and put in the log line
  (and on ``scope["state"]["request_id"]`` for routes);
- **access log**: one JSON line per request on the ``ocsea.access`` logger: ``request_id``,
  ``method``, ``path``, ``query`` (the query string, with the values of parameters whose name
  looks like a secret — ``token``, ``password``, ``secret``, ``key``, ``auth`` … — replaced by
  ``***``, cut at 2,000 characters), ``status``, ``duration_ms``, ``bytes`` (response body),
  ``client``. Request headers are never logged, so neither is ``Authorization``;
- **security headers** on every answer (unless the route set its own): ``X-Content-Type-Options:
  nosniff``, ``Referrer-Policy: strict-origin-when-cross-origin``, ``X-Frame-Options: DENY`` and a
  ``Content-Security-Policy`` that allows scripts and styles from the server itself only
  (:data:`CONTENT_SECURITY_POLICY`; the inline ``<style>`` of the validation page is allowed by
  its hash, :func:`inline_style_hashes`), no framing (``frame-ancestors 'none'``). FastAPI's
  ``/docs`` and ``/redoc`` load Swagger UI/ReDoc from a CDN and need an inline script: they get
  :data:`DOCS_CONTENT_SECURITY_POLICY` instead;
- **request-body limit**: a body larger than ``max_body_bytes`` (``OCSEA_MAX_UPLOAD_BYTES``) is a
  **413** stating the limit, on every route (``/sparql`` included) — at once from
  ``Content-Length``, or as soon as a streamed (chunked) body passes the limit;
- **result-size limit** (:class:`ResultSizeLimitMiddleware`): a ``/sparql`` answer larger than
  ``max_result_bytes`` (``OCSEA_MAX_RESULT_BYTES``, default 50 MiB, see :mod:`api.settings`),
  uncompressed, is replaced by a **422** that says to add ``LIMIT`` or page with ``OFFSET``.

Example::

    app.add_middleware(ResultSizeLimitMiddleware, max_result_bytes=52_428_800)  # innermost
    app.add_middleware(OperationsMiddleware, max_body_bytes=10_485_760)  # outermost
    # → X-Request-ID: 3f2a…  and on stderr:
    # {"event": "request", "request_id": "3f2a…", "method": "GET", "path": "/health", ...}
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.settings import DEFAULT_MAX_RESULT_BYTES, PACKAGE_DIR
from api.sparql.errors import ProtocolError

access_log = logging.getLogger("ocsea.access")
"""The access log: one JSON object per line (see the module's documentation)."""

REQUEST_ID_HEADER = "x-request-id"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_SECRET_NAMES = re.compile(r"token|passw|secret|key|auth|session|cookie|credential", re.I)
MAX_LOGGED_QUERY = 2000
RESULT_LIMITED_PATHS = ("/sparql",)
DOCS_PATHS = ("/docs", "/redoc")


def inline_style_hashes(templates: Path = PACKAGE_DIR / "templates") -> list[str]:
    """CSP ``'sha256-…'`` sources of the static inline ``<style>`` blocks of the templates.

    Only blocks without template syntax are hashed (their rendered text equals their source).
    """
    hashes: list[str] = []
    for template in sorted(templates.glob("*.html")):
        for block in re.findall(r"<style>(.*?)</style>", template.read_text("utf-8"), re.S):
            if "{{" in block or "{%" in block or "{#" in block:
                continue
            digest = hashlib.sha256(block.encode("utf-8")).digest()
            hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        " ".join(["style-src 'self'", *inline_style_hashes()]),
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""The policy of every page: scripts and styles from this server only, no framing."""

DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
        "font-src 'self' https://fonts.gstatic.com",
        "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)
"""The policy of FastAPI's ``/docs`` and ``/redoc``, which load their UI from a CDN."""

SECURITY_HEADERS: dict[str, str] = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
}


def configure_access_log(level: int = logging.INFO) -> None:
    """Print the access log on stderr, unless logging was already configured for it."""
    if access_log.handlers or logging.getLogger().handlers:
        access_log.setLevel(min(access_log.level or level, level))
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(handler)
    access_log.setLevel(level)
    access_log.propagate = False


def request_id_of(incoming: str | None) -> str:
    """The incoming id if it is sane (1 to 128 of ``A-Za-z0-9._:-``), else a new random one."""
    if incoming and _SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def redacted_query(query_string: str) -> str:
    """The query string with the values of secret-looking parameters replaced by ``***``."""
    if not query_string:
        return ""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if any(_SECRET_NAMES.search(name) for name, _ in pairs):
        pairs = [(n, "***" if _SECRET_NAMES.search(n) else v) for n, v in pairs]
        query_string = urlencode(pairs)
    if len(query_string) > MAX_LOGGED_QUERY:
        return query_string[:MAX_LOGGED_QUERY] + "…"
    return query_string


def body_too_large(limit: int, size: int | None = None) -> ProtocolError:
    """The 413 for a request body over ``limit`` bytes."""
    got = f" ({size} bytes)" if size is not None else ""
    return ProtocolError(
        413,
        f"the request body is too large{got}: the limit is {limit} bytes "
        "(OCSEA_MAX_UPLOAD_BYTES on the server)",
    )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def send_plain(
    send: Send,
    status: int,
    text: str,
    headers: Callable[[list[tuple[bytes, bytes]]], list[tuple[bytes, bytes]]] | None = None,
) -> int:
    """Answer ``text`` (one line) as ``text/plain`` with ``status``; the body's size.

    ``headers`` may add to the response's headers (the operations middleware's own)."""
    body = (text + "\n").encode("utf-8")
    raw = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode("ascii")),
    ]
    start = {"type": "http.response.start", "status": status}
    await send({**start, "headers": headers(raw) if headers else raw})
    await send({"type": "http.response.body", "body": body})
    return len(body)


class ResultSizeLimitMiddleware:
    """A ``/sparql`` answer larger than ``max_result_bytes`` becomes a 422 (see the module)."""

    def __init__(self, app: ASGIApp, *, max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES) -> None:
        self.app = app
        self.max_result_bytes = max_result_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "") not in RESULT_LIMITED_PATHS:
            await self.app(scope, receive, send)
            return
        replaced = False

        async def limited_send(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                status = int(message["status"])
                size = next(
                    (
                        int(v)
                        for k, v in message.get("headers", [])
                        if k == b"content-length" and v.isdigit()
                    ),
                    0,
                )
                if 200 <= status < 300 and size > self.max_result_bytes:
                    replaced = True
                    text = (
                        f"the result is too large ({size} bytes): the limit is "
                        f"{self.max_result_bytes} bytes (OCSEA_MAX_RESULT_BYTES on the "
                        "server); add LIMIT, or page with LIMIT and OFFSET"
                    )
                    await send_plain(send, 422, text)
                    return
            elif replaced:
                return
            await send(message)

        await self.app(scope, receive, limited_send)


class OperationsMiddleware:
    """Request ids, access log, security headers and the body limit (see the module)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(_header(scope, b"x-request-id"))
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope.get("path", "")
        outcome: dict[str, Any] = {"status": 500, "bytes": 0}

        declared = _header(scope, b"content-length")
        if (
            declared is not None
            and declared.strip().isdigit()
            and int(declared) > self.max_body_bytes
        ):
            error = body_too_large(self.max_body_bytes, int(declared))
            await self._plain(send, error.status, error.message, request_id, outcome)
            self._log(scope, request_id, outcome, started)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # raised inside the route's body read: the app answers it as a 413
                    raise body_too_large(self.max_body_bytes)
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"] = int(message["status"])
                headers = list(message.get("headers", []))
                message["headers"] = self._with_security_headers(headers, path, request_id)
            elif message["type"] == "http.response.body":
                outcome["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        finally:
            self._log(scope, request_id, outcome, started)

    def _with_security_headers(
        self, headers: list[tuple[bytes, bytes]], path: str, request_id: str
    ) -> list[tuple[bytes, bytes]]:
        present = {k.lower() for k, _ in headers}
        added: dict[str, str] = dict(SECURITY_HEADERS)
        added["content-security-policy"] = (
            DOCS_CONTENT_SECURITY_POLICY
            if path in DOCS_PATHS or path.startswith("/docs/")
            else CONTENT_SECURITY_POLICY
        )
        added[REQUEST_ID_HEADER] = request_id
        for name, value in added.items():
            if name.encode("latin-1") not in present:
                headers.append((name.encode("latin-1"), value.encode("latin-1")))
        return headers

    async def _plain(
        self, send: Send, status: int, text: str, request_id: str, outcome: dict[str, Any]
    ) -> None:
        def with_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
            return self._with_security_headers(headers, "", request_id)

        outcome["bytes"] = await send_plain(send, status, text, with_headers)
        outcome["status"] = status

    def _log(self, scope: Scope, request_id: str, outcome: dict[str, Any], started: float) -> None:
        if not access_log.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        line = {
            "event": "request",
            "request_id": request_id,
            "method": scope.get("method", ""),
            "path": scope.get("path", ""),
            "query": redacted_query(bytes(scope.get("query_string", b"")).decode("latin-1")),
            "status": outcome["status"],
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "bytes": outcome["bytes"],
            "client": client[0] if client else None,
        }
        access_log.info(json.dumps(line, ensure_ascii=False))
