"""Run SPARQL on the store: queries with a time limit, updates under a lock and a token.

:class:`SparqlEngine` wraps any :class:`~api.store.base.Repository`:

- **queries** from ``/sparql``: the form (``SELECT``/``ASK``/``CONSTRUCT``/``DESCRIBE``) is read
  from the text and the result format negotiated (406 before any work). On the embedded on-disk
  store the query runs in a worker process of :class:`~api.sparql.isolation.QueryProcessPool`,
  killed when it passes ``timeout`` (so the query really stops; 503). Without a pool (in-memory
  or remote store, or ``OCSEA_QUERY_WORKERS=0``) it runs in a daemon thread (at most ``workers``
  at once) and is only abandoned at the limit. Either way results are serialised by the engine
  itself (:meth:`Repository.raw_query`). :meth:`SparqlEngine.call` runs the project's own
  queries (REST, catalogue, pages) in threads with the same limit.
- **dataset**: the protocol's ``default-graph-uri``/``named-graph-uri`` become pyoxigraph's
  ``default_graph``/``named_graphs`` (and replace any ``FROM``/``FROM NAMED`` of the query, as
  the protocol says). Without them, a query without ``FROM`` sees the union of all named graphs
  as its default graph; a query with ``FROM`` gets the dataset it names.
- **SERVICE is refused** (400): pyoxigraph has no hook for ``SERVICE`` calls, so the query text
  is checked by :func:`api.sparql_lexer.has_keyword` (conservative: a bare ``SERVICE`` word
  anywhere outside strings, IRIs and names is refused).
- **writes** (SPARQL Update here, the Graph Store Protocol in :mod:`api.routes.graph_store`)
  need ``Authorization: Bearer <token>`` matching ``OCSEA_WRITE_TOKEN`` (or the file of
  ``OCSEA_WRITE_TOKEN_FILE``), compared with :func:`hmac.compare_digest` (:meth:`authorize`);
  they go through the engine's :class:`~api.writes.WriteGate` (:attr:`SparqlEngine.gate`), one
  at a time, without a time limit: an update is tried on a copy of the store, and applied only
  when every graph it changes passes the gate (SHACL for instrument graphs, no writes to the
  build graphs, no project IRIs in graphs outside the project; 403/422 with the reasons
  otherwise). ``LOAD`` is refused (400): the server fetches nothing for a client.
  ``using-graph-uri``/``using-named-graph-uri`` are applied by adding ``USING`` clauses to the
  text (see :func:`api.sparql_lexer.add_using`); with ``USING``/``WITH`` already in the update
  that is a 400. Updates see the store's own default graph (not the union), as SPARQL Update
  defines.

The project's and the data's prefixes (:data:`api.namespaces.SPARQL_PREFIXES`: ``ocsea:``,
``actor:``, ``theme:`` …) are predeclared for queries and updates; relative IRIs resolve against
the endpoint's URL.
"""

from __future__ import annotations

import asyncio
import hmac
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from api.memory import LONG_QUERY_SECONDS, release_free_memory
from api.namespaces import BASE_IRI
from api.sparql.errors import ProtocolError
from api.sparql.isolation import QueryFailed, QueryProcessPool, QueryTask, QueryTimeout
from api.sparql.negotiation import ResultFormat, ResultKind, negotiate
from api.sparql.request import QueryOperation, UpdateOperation
from api.sparql_lexer import add_using, first_keyword, has_keyword
from api.store.base import Bindings, Dataset, ReadOnlyError, Repository, RepositoryError
from api.store.oxigraph import OxigraphRepository
from api.writes import WriteGate

T = TypeVar("T")

UPDATE_FORMS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
}
SERVICE_REFUSED = "SERVICE federation is disabled on this endpoint"
LOAD_REFUSED = (
    "LOAD is disabled on this endpoint (the server fetches nothing on behalf of a client): "
    "send the data with INSERT DATA, or PUT/POST it to /rdf-graph-store?graph=…"
)


QUERY_KINDS = {
    "SELECT": ResultKind.SELECT,
    "ASK": ResultKind.ASK,
    "CONSTRUCT": ResultKind.GRAPH,
    "DESCRIBE": ResultKind.GRAPH,
}


def query_kind(text: str) -> ResultKind:
    """What the query returns, from its form (an unknown form is left to the parser to refuse)."""
    return QUERY_KINDS.get(first_keyword(text) or "", ResultKind.SELECT)


def _syntax_error(kind: str, exc: SyntaxError, text: str) -> ProtocolError:
    message = f"{kind} syntax error: {exc}"
    if kind == "query" and first_keyword(text) in UPDATE_FORMS:
        message = (
            "this is a SPARQL Update, not a query: POST it as application/sparql-update or as "
            f"the form field update= (with the write token). {message}"
        )
    return ProtocolError(400, message)


class SparqlEngine:
    """Queries and updates over one repository, shared by all requests of the app."""

    def __init__(
        self,
        repository: Repository,
        *,
        timeout: float,
        write_token: str | None = None,
        workers: int = 4,
        base_iri: str = BASE_IRI,
        pool: QueryProcessPool | None = None,
    ) -> None:
        self.repository = repository
        self.pool = pool
        """Worker processes for ``/sparql`` queries (``None``: threads, see the module doc)."""
        self.timeout = timeout
        self._write_token = write_token
        self._slots = threading.BoundedSemaphore(workers)
        self.gate = WriteGate(repository, base_iri=base_iri)
        """Every write goes through it (it also serialises them)."""
        self._write_lock = threading.Lock()
        self.generation = 0
        """Moves on after every write through :meth:`write` (keys the response cache)."""

    @property
    def cacheable(self) -> bool:
        """True when answers may be kept until the next write: only this process writes the store
        (the embedded one; a remote store may be changed by others)."""
        return isinstance(self.repository, OxigraphRepository)

    @property
    def writable(self) -> bool:
        """True when updates are possible: a token is configured and the store is read-write."""
        return bool(self._write_token) and not self.repository.read_only

    def close(self) -> None:
        """Stop the query workers and close the store."""
        if self.pool is not None:
            self.pool.close()
        self.repository.close()

    async def call(self, function: Callable[[], T]) -> T:
        """Run ``function`` (e.g. a repository query) in a worker with the query time limit.

        For routes other than ``/sparql`` (REST, catalogue, linked data): 503 past the limit,
        503 when the store cannot answer; a ``SyntaxError`` is a bug of the caller's query and
        is left to propagate.
        """
        try:
            return await self._run(function, self.timeout)
        except TimeoutError:
            raise ProtocolError(
                503, f"the request took longer than the limit of {self.timeout:g} s"
            ) from None
        except RepositoryError as exc:
            raise ProtocolError(503, f"the store could not answer: {exc}") from None

    async def _run(self, function: Callable[[], T], timeout: float | None) -> T:
        """Run ``function`` in a daemon thread (at most ``workers`` at once), wait ``timeout``.

        ``workers`` bounds memory as much as CPU: each heavy query over a large store holds its
        own evaluation (see :mod:`api.memory`).

        Daemon threads, not a ``ThreadPoolExecutor``: an abandoned query must not keep the
        process from exiting (the executor's threads are joined at exit).
        """
        future: Future[T] = Future()

        def work() -> None:
            with self._slots:
                if not future.set_running_or_notify_cancel():
                    return  # given up on while waiting for a free slot
                started = time.monotonic()
                try:
                    future.set_result(function())
                except BaseException as exc:
                    future.set_exception(exc)
                if time.monotonic() - started >= LONG_QUERY_SECONDS:
                    release_free_memory()  # a long query's memory, back to the system

        threading.Thread(target=work, name="sparql", daemon=True).start()
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout)

    # -- queries ----------------------------------------------------------------------------

    async def query(
        self,
        op: QueryOperation,
        *,
        accept: str | None = None,
        format: str | None = None,
        base_iri: str | None = None,
        bindings: Bindings | None = None,
        isolated: bool = True,
    ) -> tuple[bytes, ResultFormat]:
        """Run ``op`` and serialise its result in the negotiated format.

        ``bindings`` (variable → term) are bound by the engine, never pasted into the text.
        ``isolated=False`` for the project's own queries (the catalogue): they run in threads and
        do not queue behind strangers' queries in the worker processes.
        """
        if has_keyword(op.query, "SERVICE"):
            raise ProtocolError(400, SERVICE_REFUSED)
        chosen = negotiate(query_kind(op.query), accept, format)
        if self.pool is not None and isolated:
            return await self._query_in_process(op, chosen, base_iri, bindings), chosen
        dataset = Dataset(op.default_graphs, op.named_graphs) if op.has_dataset else None
        repository = self.repository

        def run() -> bytes:
            try:
                return repository.raw_query(
                    op.query,
                    chosen.media_type,
                    dataset=dataset,
                    base_iri=base_iri,
                    bindings=bindings,
                )
            except SyntaxError as exc:
                raise _syntax_error("query", exc, op.query) from None
            except RepositoryError as exc:
                raise ProtocolError(503, f"the store could not answer: {exc}") from None

        try:
            return await self._run(run, self.timeout), chosen
        except TimeoutError:
            raise ProtocolError(
                503,
                f"the query took longer than the limit of {self.timeout:g} s and was abandoned "
                "(simplify it, or add LIMIT)",
            ) from None

    async def _query_in_process(
        self,
        op: QueryOperation,
        chosen: ResultFormat,
        base_iri: str | None,
        bindings: Bindings | None,
    ) -> bytes:
        """Run ``op`` in a worker process, which is killed if the query passes the limit."""
        assert self.pool is not None
        task = QueryTask(
            op.query,
            chosen.media_type,
            default_graphs=tuple(op.default_graphs) if op.has_dataset else None,
            named_graphs=tuple(op.named_graphs),
            base_iri=base_iri,
            bindings=dict(bindings or {}),
        )
        if self.pool.stale:  # a checkpoint failed after a write: try again first
            await asyncio.to_thread(self._refresh_pool)
        try:
            return await asyncio.to_thread(self.pool.run, task, self.timeout)
        except QueryTimeout:
            raise ProtocolError(
                503,
                f"the query took longer than the limit of {self.timeout:g} s and was stopped "
                "(simplify it, or add LIMIT)",
            ) from None
        except QueryFailed as exc:
            if exc.kind == "syntax":
                raise _syntax_error("query", SyntaxError(str(exc)), op.query) from None
            raise ProtocolError(503, f"the store could not answer: {exc}") from None

    def _refresh_pool(self) -> None:
        with self._write_lock:
            if self.pool is not None and self.pool.stale:
                self.pool.refresh()

    def graph_names(self) -> list[str]:
        """The IRIs of the store's named graphs."""
        return [str(g) for g in self.repository.graphs()]

    # -- updates ----------------------------------------------------------------------------

    def authorize(self, authorization: str | None) -> None:
        """Check the ``Authorization`` header of a write: 403 or 401 when not allowed."""
        if not self.writable:
            raise ProtocolError(
                403,
                "writes are disabled on this endpoint (no OCSEA_WRITE_TOKEN or "
                "OCSEA_WRITE_TOKEN_FILE is configured)",
            )
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ProtocolError(
                401,
                "writes (SPARQL Update, Graph Store Protocol PUT/POST/DELETE) need an "
                "'Authorization: Bearer <token>' header",
                {"WWW-Authenticate": 'Bearer realm="ocsea"'},
            )
        expected = self._write_token or ""
        if not hmac.compare_digest(token.strip().encode("utf-8"), expected.encode("utf-8")):
            raise ProtocolError(403, "the write token is not valid")

    async def write(self, function: Callable[[], T]) -> T:
        """Run a write (e.g. a :attr:`gate` call) in a worker, without a time limit.

        The caller has checked the token with :meth:`authorize`. Store errors: 400 for an
        invalid update, 403 for a read-only store, 503 when it cannot be written.
        """

        def run() -> T:
            with self._write_lock:  # the write and the workers' new checkpoint, one at a time
                return write_and_refresh()

        def write_and_refresh() -> T:
            try:
                return function()
            except SyntaxError as exc:
                raise ProtocolError(400, f"update syntax error: {exc}") from None
            except ReadOnlyError:
                raise ProtocolError(403, "the store is read-only") from None
            except RepositoryError as exc:
                raise ProtocolError(503, f"the store could not apply it: {exc}") from None
            finally:
                if self.pool is not None:
                    self.pool.refresh()  # the query workers read a checkpoint: take a new one
                self.generation += 1

        return await self._run(run, None)

    async def update(self, op: UpdateOperation, *, base_iri: str | None = None) -> None:
        """Run the update ``op`` through the gate (the caller has checked the token)."""
        if has_keyword(op.update, "SERVICE"):
            raise ProtocolError(400, SERVICE_REFUSED)
        if has_keyword(op.update, "LOAD"):
            raise ProtocolError(400, LOAD_REFUSED)
        text = op.update
        if op.using_graphs or op.using_named_graphs:
            if has_keyword(text, "USING", "WITH"):
                raise ProtocolError(
                    400,
                    "the request gives using-graph-uri/using-named-graph-uri and the update has "
                    "USING or WITH: give the dataset in one place only",
                )
            try:
                text = add_using(text, op.using_graphs, op.using_named_graphs)
            except ValueError as exc:
                raise ProtocolError(400, str(exc)) from None
        gate = self.gate
        await self.write(lambda: gate.update(text, base_iri=base_iri))
