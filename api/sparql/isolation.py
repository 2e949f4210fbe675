"""Run user SPARQL queries in worker processes, so that a query past its time limit is stopped.

pyoxigraph evaluates a query in Rust and offers no way to interrupt it: a thread running a
runaway query keeps a core busy until the query ends, whatever the caller does. A process can be
killed. :class:`QueryProcessPool` keeps a few worker processes, each with its own read-only
handle on the on-disk store; a query that passes the limit gets its worker killed (SIGKILL) and a
fresh worker is started in the background. The main process and the other workers go on
serving.

What the workers read:

- a **read-only** store (no write token): the store directory itself — several processes may
  open a RocksDB store read-only at once;
- a **writable** store: a *checkpoint* of it (``Store.backup``: hard links to RocksDB's immutable
  files, a few milliseconds), taken at start and after every write (:meth:`refresh`). Opening the
  live directory read-only while this process writes it would be undefined behaviour; a
  checkpoint is a consistent snapshot nobody writes to. Workers move to the newest checkpoint
  before their next query; checkpoints no worker uses any more are deleted.

**Memory**: a worker gives freed memory back after each long query (:mod:`api.memory`); one
that still holds :data:`RECYCLE_AFTER_MIB` more than when it started (RocksDB's caches,
fragmentation) is replaced once it has been idle for :data:`RECYCLE_IDLE_SECONDS`, the old one
serving until the new one is ready. Under load nothing is replaced.

Only ``/sparql`` queries (text from strangers) go through the pool; the REST resources, the
catalogue and the linked-data pages run the project's own queries in threads.

Why hand-written: ``concurrent.futures.ProcessPoolExecutor`` cannot kill one busy worker (only
the whole pool) and pickles a callable per task; this module needs exactly "kill the worker that
overran, keep the rest".

Example::

    >>> pool = QueryProcessPool(Path("var/store"), workers=2)          # doctest: +SKIP
    >>> pool.run(QueryTask("ASK {}", "application/sparql-results+json"), timeout=5)
    b'{"head":{},"boolean":true}'
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib.term import Node

from api.memory import resident_kib

log = logging.getLogger("ocsea.queries")

WORKER_NICENESS = 10
"""How much lower the query workers' CPU priority (``nice``) is than the server's."""

RECYCLE_AFTER_MIB = 64
"""A worker holding this much more memory than when it started is replaced once idle for
:data:`RECYCLE_IDLE_SECONDS`: what a heavy query leaves behind that ``malloc_trim`` cannot give
back (RocksDB's caches, fragmentation; about 70 MiB after a heavy query at 1 M quads)."""

RECYCLE_IDLE_SECONDS = 1.0
"""How long a grown worker must have been idle before it is replaced (never under load)."""


@dataclass(frozen=True)
class QueryTask:
    """One query for a worker: what :meth:`Repository.raw_query` takes."""

    sparql: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None
    bindings: dict[str, Node] = field(default_factory=dict)


class QueryTimeout(Exception):
    """The query passed its limit; its worker was killed."""


class QueryFailed(Exception):
    """The query could not be answered (``kind``: ``syntax`` or ``store``)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _worker_main(connection: Connection) -> None:
    """A worker's loop: receive ``(snapshot path, task)``, answer ``(status, payload)``."""
    from api.memory import LONG_QUERY_SECONDS, release_free_memory
    from api.store.base import Dataset, RepositoryError
    from api.store.oxigraph import OxigraphRepository

    repository: OxigraphRepository | None = None
    opened: str | None = None
    connection.send(("ready", None))
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        path, task = message
        started = time.monotonic()
        try:
            if opened != path:
                if repository is not None:
                    repository.close()
                repository = OxigraphRepository(Path(path), read_only=True)
                opened = path
            assert repository is not None
            dataset = (
                Dataset(task.default_graphs, task.named_graphs)
                if task.default_graphs is not None
                else None
            )
            data = repository.raw_query(
                task.sparql,
                task.media_type,
                dataset=dataset,
                base_iri=task.base_iri,
                bindings=task.bindings or None,
            )
            connection.send(("ok", data))
        except SyntaxError as exc:
            connection.send(("syntax", str(exc)))
        except (RepositoryError, OSError, ValueError, RuntimeError) as exc:
            connection.send(("store", str(exc)))
        if time.monotonic() - started >= LONG_QUERY_SECONDS:
            release_free_memory()  # idle workers hold their baseline, not their last peak


class _Worker:
    def __init__(self, context: Any) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child,), name="ocsea-query", daemon=True
        )
        self.process.start()
        # strangers' queries yield the CPU to the server's own work; set from here, at once, so
        # that the new process's start (imports: a few hundred ms of CPU) yields too
        if self.process.pid is not None:  # (0 would mean this process)
            with contextlib.suppress(OSError):
                niceness = min(19, os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS)
                os.setpriority(os.PRIO_PROCESS, self.process.pid, niceness)
        child.close()
        self.ready = False
        self._killed = False
        self.started_kib = 0
        """Resident memory when it became ready."""
        self.releases = 0
        """How many times it was set free (tells a recycling check whether it was used since)."""
        self.replacing = False
        """A replacement is starting for it."""
        self.retiring = False
        """Its replacement is in: it leaves when its query ends."""

    def wait_ready(self, timeout: float) -> bool:
        try:
            if self.connection.poll(timeout):
                self.ready = bool(self.connection.recv()[0] == "ready")
                self.started_kib = self.resident_kib()
                return self.ready
        except (EOFError, OSError):  # killed while starting (the pool closed)
            pass
        return False

    def resident_kib(self) -> int:
        """Its resident memory now (0 when it cannot be read)."""
        return resident_kib(self.process.pid) if self.process.pid else 0

    def kill(self) -> None:
        if self._killed:
            return
        self._killed = True
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class _Waiter:
    """A caller waiting for a worker (see :meth:`QueryProcessPool._acquire`)."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.worker: _Worker | None = None


class QueryProcessPool:
    """Worker processes answering queries on an on-disk store, each killable on overrun.

    ``source`` is the store directory. With ``snapshots`` (a directory of this pool's own), the
    workers read checkpoints taken by :meth:`refresh` from ``store`` (the writable
    ``pyoxigraph.Store``); without, they open ``source`` read-only directly.
    """

    def __init__(
        self,
        source: Path,
        *,
        workers: int = 2,
        store: Any = None,
        snapshots: Path | None = None,
        recycle_after_mib: float | None = RECYCLE_AFTER_MIB,
        recycle_idle_seconds: float = RECYCLE_IDLE_SECONDS,
    ) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._source = source
        self._store = store
        self._snapshots = snapshots
        self._generation = 0
        self._current = str(source)
        self._lock = threading.Lock()
        self._idle: deque[_Worker] = deque()
        self._waiting: deque[_Waiter] = deque()
        self._workers: set[_Worker] = set()
        self._size = workers
        self._closed = False
        self._stale = False
        self._recycle_after_kib = None if recycle_after_mib is None else recycle_after_mib * 1024
        self._recycle_idle_seconds = recycle_idle_seconds
        self.recycled = 0
        """How many grown workers were replaced (for tests)."""
        self.killed = 0
        """How many workers were killed for overrunning (for tests and /health)."""
        if snapshots is not None:
            shutil.rmtree(snapshots, ignore_errors=True)
            snapshots.mkdir(parents=True)
            self.refresh()
        for _ in range(workers):
            self._start_worker_in_background()

    # -- workers ----------------------------------------------------------------------------

    def _start_worker_in_background(self, replacing: _Worker | None = None) -> None:
        """Start a worker; with ``replacing``, that one leaves once the new one is ready."""

        def start() -> None:
            worker = _Worker(self._context)
            with self._lock:
                self._workers.add(worker)
            if not worker.wait_ready(60) or self._closed:
                self._discard(worker)
                if replacing is not None:
                    replacing.replacing = False  # may be tried again
                return
            if replacing is not None:
                with self._lock:
                    gone = replacing not in self._workers  # killed meanwhile, already replaced
                    idle = replacing in self._idle
                    if idle:
                        self._idle.remove(replacing)
                    elif not gone:
                        replacing.retiring = True
                if gone:
                    self._discard(worker)
                    return
                if idle:
                    self._discard(replacing)
                self.recycled += 1
            self._release(worker)

        threading.Thread(target=start, name="ocsea-query-start", daemon=True).start()

    def _recycle_when_idle(self, worker: _Worker) -> None:
        """Replace ``worker`` if it has grown and stays idle (see :data:`RECYCLE_AFTER_MIB`)."""
        if self._recycle_after_kib is None or worker.replacing:
            return
        if worker.resident_kib() - worker.started_kib <= self._recycle_after_kib:
            return
        releases = worker.releases

        def check() -> None:
            with self._lock:
                if (
                    self._closed
                    or worker.replacing
                    or worker.releases != releases
                    or worker not in self._idle
                ):
                    return  # used since (it will be checked again), or already on its way
                worker.replacing = True
            # the old worker keeps serving until the new one is ready
            self._start_worker_in_background(replacing=worker)

        timer = threading.Timer(self._recycle_idle_seconds, check)
        timer.daemon = True
        timer.start()

    @property
    def size(self) -> int:
        """How many workers the pool keeps."""
        return self._size

    @property
    def ready_workers(self) -> int:
        """Workers started, ready and alive (busy ones included)."""
        with self._lock:
            return sum(1 for w in self._workers if w.ready and w.process.is_alive())

    @property
    def stale(self) -> bool:
        """True when the last checkpoint failed: the workers read an older state of the store."""
        return self._stale

    @property
    def idle_workers(self) -> int:
        """Workers ready and waiting for a query."""
        with self._lock:
            return len(self._idle)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def _acquire(self, timeout: float) -> _Worker | None:
        """The longest-waiting caller gets the next free worker (``None`` after ``timeout``).

        First come, first served: a worker set free goes straight to the oldest waiter, so a
        request arriving later cannot take it first (with a plain ``queue.Queue`` it can, and
        the one it overtook waits again at the back: a long tail at high concurrency).
        """
        with self._lock:
            if self._idle and not self._waiting:
                return self._idle.popleft()
            waiter = _Waiter()
            self._waiting.append(waiter)
        if waiter.ready.wait(max(0.0, timeout)):
            return waiter.worker
        with self._lock:
            if waiter.worker is None:  # nobody handed it one: give up the place in line
                self._waiting.remove(waiter)
                return None
        return waiter.worker  # handed over just as the wait ended

    def _release(self, worker: _Worker) -> None:
        """Hand ``worker`` to the oldest waiter, or keep it idle (a retiring one leaves)."""
        with self._lock:
            retiring = worker.retiring  # set under this lock by its replacement
            if not retiring:
                worker.releases += 1
                if self._waiting:
                    waiter = self._waiting.popleft()
                    waiter.worker = worker
                    waiter.ready.set()
                    return
                self._idle.append(worker)
        if retiring:
            self._discard(worker)
        else:
            self._recycle_when_idle(worker)

    def refresh(self) -> None:
        """After a write: take a new checkpoint for the workers' next queries.

        The caller makes sure no write runs meanwhile (:meth:`SparqlEngine.write` holds its
        write lock). A checkpoint that fails (RocksDB moving files under it) is tried again;
        if it keeps failing, the error is logged and :attr:`stale` says so (the engine tries
        again before the next query), so the write, already durable, is not reported as failed.
        """
        if self._snapshots is None or self._store is None:
            return
        for attempt in range(3):
            with self._lock:
                self._generation += 1
                target = self._snapshots / f"gen-{self._generation}"
                try:
                    self._store.backup(str(target))
                except OSError as exc:
                    shutil.rmtree(target, ignore_errors=True)
                    self._stale = True
                    log.warning(
                        "checkpoint for the query workers failed (try %d): %s", attempt, exc
                    )
                    continue
                self._current = str(target)
                self._stale = False
            self._prune()
            return

    def _prune(self) -> None:
        """Delete checkpoints that are neither current nor possibly open in a worker."""
        if self._snapshots is None:
            return
        with self._lock:
            keep = {self._current}
            # workers not idle may still hold older ones: keep the last few generations
            keep.update(
                str(self._snapshots / f"gen-{g}")
                for g in range(max(1, self._generation - self._size - 1), self._generation + 1)
            )
        for child in self._snapshots.iterdir():
            if str(child) not in keep:
                shutil.rmtree(child, ignore_errors=True)

    # -- queries ----------------------------------------------------------------------------

    def run(self, task: QueryTask, timeout: float) -> bytes:
        """Answer ``task`` within ``timeout`` seconds (waiting for a free worker included).

        Raises :class:`QueryTimeout` (the worker is killed and replaced) or
        :class:`QueryFailed`.
        """
        deadline = time.monotonic() + timeout
        worker = self._acquire(timeout)
        if worker is None:
            raise QueryTimeout()
        with self._lock:
            path = self._current
        try:
            worker.connection.send((path, task))
            remaining = deadline - time.monotonic()
            if not worker.connection.poll(max(0.0, remaining)):
                self.killed += 1
                self._discard(worker)
                if not worker.retiring:  # (a retiring one is replaced already)
                    self._start_worker_in_background()
                raise QueryTimeout()
            status, payload = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            # the worker died (e.g. out of memory): replace it and report a store failure
            self._discard(worker)
            if not worker.retiring:
                self._start_worker_in_background()
            raise QueryFailed("store", f"the query worker stopped unexpectedly ({exc})") from None
        self._release(worker)
        if status == "ok":
            return bytes(payload)
        raise QueryFailed(status, str(payload))

    def close(self) -> None:
        """Stop every worker and delete the checkpoints."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.kill()
        if self._snapshots is not None:
            shutil.rmtree(self._snapshots, ignore_errors=True)
