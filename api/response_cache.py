"""Answers kept in memory until the graph changes: the graph is read-mostly, so most are reused.

:class:`ResponseCacheMiddleware` (pure ASGI, innermost, inside CORS and the operations
middleware, so request ids, CORS and security headers stay per request) keeps the complete
``200`` answers of read requests in a :class:`ResponseCache` and replays them, byte for byte,
to the same request. An answer is kept under the **store generation** it was computed at
(:attr:`api.sparql.engine.SparqlEngine.generation`, moved on by every write this process makes),
and the whole cache is emptied when the generation moves: no answer outlives the data it was
computed from. Only the embedded store is cached: a remote store may be written by others.

What is cached:

- ``GET`` requests, and ``POST /sparql`` queries (``application/sparql-query`` or a form with a
  ``query`` field and no ``update``), keyed by method, path, query string, ``Host``, ``Accept``,
  ``Accept-Encoding``, ``Accept-Language``, ``Content-Type`` and the body (answers are kept
  as sent: compressed for clients that accept gzip, :mod:`api.compression`);
- only ``200`` answers of at most :attr:`ResponseCache.max_entry_bytes` (half of the cache)
  without ``Cache-Control: no-store``/``private`` or ``Set-Cookie``; larger answers (``/dump``)
  pass through as they stream.

Never cached: requests with ``Authorization`` (writes and their answers), conditional or range
requests (``If-None-Match``, ``If-Modified-Since``, ``Range``: the route answers them, with
304 where it can), ``Cache-Control: no-cache`` requests, ``/health`` and ``/ready``. Queries
whose answer changes from one call to the next (``RAND``, ``NOW``, ``UUID``, ``STRUUID``,
``BNODE``) are not cached either. A replayed answer says ``X-Cache: hit``; a cacheable
request answered by the app says ``X-Cache: miss``.

**Collapsed requests**: a cacheable request that arrives while the same one (same key and
generation) is being answered waits for that answer and replays it, instead of running the same
query again (eight clients asking for the same catalogue page at once cost one evaluation).
When the first answer is not kept (not a ``200``, too big), each waiting request is then
answered by the app itself.

Why hand-written: HTTP caches (Varnish, nginx) sit in front of the server and cannot see the
store's writes; this one is emptied by them.

Example::

    >>> cache = ResponseCache(max_bytes=1024 * 1024)
    >>> cache.put(("GET", "/api/actors"), 0, CachedResponse(200, [], b"{}"))
    True
    >>> cache.get(("GET", "/api/actors"), 0).body, cache.get(("GET", "/api/actors"), 1)
    (b'{}', None)
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.head import is_head
from api.sparql_lexer import has_keyword

MAX_KEYED_BODY = 64 * 1024
"""Bodies of ``POST /sparql`` larger than this are not cached (nor kept in the key)."""

UNCACHED_PATHS = frozenset({"/health", "/ready"})
VOLATILE_FUNCTIONS = ("RAND", "NOW", "UUID", "STRUUID", "BNODE")
_KEY_HEADERS = (b"host", b"accept", b"accept-encoding", b"accept-language", b"content-type")
_BYPASS_HEADERS = (b"authorization", b"if-none-match", b"if-modified-since", b"range")


@dataclass(frozen=True)
class CachedResponse:
    """A complete answer: status, raw headers and body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64


class ResponseCache:
    """An LRU map of answers of one store generation, bounded in bytes. Thread-safe."""

    def __init__(self, max_bytes: int, max_entry_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes or max(1, max_bytes // 2)
        self._entries: OrderedDict[Hashable, CachedResponse] = OrderedDict()
        self._generation: int | None = None
        self._bytes = 0
        self._lock = threading.Lock()

    def _current(self, generation: int) -> bool:
        """Move on to ``generation`` if it is newer (emptying the cache); False if it is older.

        Generations only grow: an older one is a request that started before a write.
        """
        if self._generation is None or generation > self._generation:
            self._entries.clear()
            self._bytes = 0
            self._generation = generation
        return generation == self._generation

    def get(self, key: Hashable, generation: int) -> CachedResponse | None:
        """The answer kept for ``key`` at ``generation``, or ``None``."""
        with self._lock:
            found = self._entries.get(key) if self._current(generation) else None
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, generation: int, response: CachedResponse) -> bool:
        """Keep ``response``, dropping the least recently used; ``False`` if it is too big."""
        size = response.size
        if size > self.max_entry_bytes:
            return False
        with self._lock:
            if not self._current(generation):
                return False  # computed before a write: the cache has moved on
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= previous.size
            self._entries[key] = response
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size
            return True

    @property
    def size_bytes(self) -> int:
        """Bytes of the answers held."""
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def _volatile(text: str) -> bool:
    return has_keyword(text, *VOLATILE_FUNCTIONS)


def _volatile_query_parameter(query_string: bytes) -> bool:
    """True when a ``query=`` parameter of the URL calls a function that varies (``RAND()``)."""
    fields = parse_qs(query_string.decode("latin-1"), keep_blank_values=True)
    return any(_volatile(text) for text in fields.get("query", []))


def _post_is_cacheable_query(content_type: str, body: bytes) -> bool:
    """A ``POST /sparql`` query (never an update) whose answer depends only on the store."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if media_type == "application/sparql-query":
        return not _volatile(text)
    if media_type == "application/x-www-form-urlencoded":
        fields = parse_qs(text, keep_blank_values=True)
        return "update" not in fields and all(not _volatile(q) for q in fields.get("query", []))
    return False


class ResponseCacheMiddleware:
    """Replay kept answers of read requests (see the module doc).

    ``generation`` returns the store generation of the app (``None``: do not cache, e.g. the
    app has no store open or serves a remote one).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        cache: ResponseCache,
        generation: Callable[[Scope], int | None],
    ) -> None:
        self.app = app
        self.cache = cache
        self.generation = generation
        self._in_flight: dict[Hashable, asyncio.Event] = {}
        """Requests being answered, by key: the same request arriving meanwhile waits for it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = dict(scope["headers"])
        if (
            path in UNCACHED_PATHS
            or any(name in headers for name in _BYPASS_HEADERS)
            or b"no-cache" in headers.get(b"cache-control", b"").lower()
            or (scope["method"] == "POST" and path != "/sparql")
        ):
            await self.app(scope, receive, send)
            return
        generation = self.generation(scope)
        if generation is None:
            await self.app(scope, receive, send)
            return
        body = b""
        if scope["method"] == "POST":
            messages, body, complete, error = await _read_body(receive, MAX_KEYED_BODY)
            replay = _replaying(messages, error, receive)
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            if not complete or not _post_is_cacheable_query(content_type, body):
                await self.app(scope, replay, send)
                return
            receive = replay
        elif _volatile_query_parameter(scope.get("query_string", b"")):
            await self.app(scope, receive, send)
            return
        key = (
            scope["method"],
            path,
            scope.get("query_string", b""),
            tuple(headers.get(name, b"") for name in _KEY_HEADERS),
            body,
        )
        if await self._replay(key, generation, send):
            return
        # one loop per key: an event belongs to the event loop that waits on it
        flight_key = (id(asyncio.get_running_loop()), generation, key)
        leader = self._in_flight.get(flight_key)
        if leader is not None:  # the same request is being answered: wait for its answer
            await leader.wait()
            if await self._replay(key, generation, send):
                return
            await self._answer_and_keep(scope, receive, send, key, generation)
            return
        done = self._in_flight[flight_key] = asyncio.Event()
        try:
            await self._answer_and_keep(scope, receive, send, key, generation)
        finally:
            del self._in_flight[flight_key]
            done.set()

    async def _replay(self, key: Hashable, generation: int, send: Send) -> bool:
        """Send the answer kept for ``key``; ``False`` when there is none."""
        kept = self.cache.get(key, generation)
        if kept is None:
            return False
        await send(
            {
                "type": "http.response.start",
                "status": kept.status,
                "headers": [*kept.headers, (b"x-cache", b"hit")],
            }
        )
        await send({"type": "http.response.body", "body": kept.body})
        return True

    async def _answer_and_keep(
        self, scope: Scope, receive: Receive, send: Send, key: Hashable, generation: int
    ) -> None:
        """Let the app answer, passing every message on at once, and keep a small 200."""
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, size, keep
            if message["type"] == "http.response.start":
                start = message
                response_headers = message.get("headers", [])
                keep = (
                    message["status"] == 200
                    and _storable(response_headers)
                    and not is_head(scope)  # its body is empty or cut short
                )
                message = {**message, "headers": [*response_headers, (b"x-cache", b"miss")]}
            elif message["type"] == "http.response.body" and keep:
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.cache.max_entry_bytes:
                    keep = False
                    chunks.clear()
                else:
                    chunks.append(chunk)
                if not message.get("more_body", False) and keep and start is not None:
                    self.cache.put(
                        key,
                        generation,
                        CachedResponse(start["status"], list(start["headers"]), b"".join(chunks)),
                    )
            await send(message)

        await self.app(scope, receive, capture)


def _storable(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"set-cookie":
            return False
        if lowered == b"cache-control" and (b"no-store" in value or b"private" in value):
            return False
    return True


async def _read_body(
    receive: Receive, limit: int
) -> tuple[list[Message], bytes, bool, Exception | None]:
    """The request's first messages, up to ``limit`` bytes of body.

    Returns the messages read (to be replayed to the app), the body they hold, whether that is
    the complete body, and the error reading raised (e.g. the operations middleware's 413), to
    be raised again where the app reads the body, so that the app answers it as usual.
    """
    messages: list[Message] = []
    size = 0
    error: Exception | None = None
    while True:
        try:
            message = await receive()
        except Exception as exc:  # given back to the app, see above
            error = exc
            break
        messages.append(message)
        if message["type"] != "http.request":  # the client went away
            break
        size += len(message.get("body", b""))
        if not message.get("more_body", False) or size > limit:
            break
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    complete = (
        error is None
        and bool(messages)
        and messages[-1]["type"] == "http.request"
        and not messages[-1].get("more_body", False)
    )
    return messages, body, complete, error


def _replaying(messages: list[Message], error: Exception | None, receive: Receive) -> Receive:
    """A ``receive`` that gives ``messages`` (then raises ``error``), then what ``receive`` has."""
    pending = list(messages)

    async def replay() -> Message:
        nonlocal error
        if pending:
            return pending.pop(0)
        if error is not None:
            raised, error = error, None
            raise raised
        return await receive()

    return replay
