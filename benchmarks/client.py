"""The load client of the benchmarks: runs in its own process, reads a job, prints measurements.

A job (JSON on stdin) names a target and workloads:

- ``{"kind": "http", "base": "http://127.0.0.1:8123"}``: each workload is an HTTP ``GET`` of
  ``path`` with ``params`` and ``headers``;
- ``{"kind": "pyoxigraph", "nquads": "/tmp/g.nq"}``: the N-Quads are loaded into an in-memory
  pyoxigraph store in this process (the load is timed) and each workload's ``sparql`` runs on it
  with the union of the graphs as default graph, its solutions serialised as SPARQL JSON (what
  a server would have to do too).

For each workload and each concurrency level it makes ``warmup`` requests (fewer if they take
more than ``max_seconds``); when those were quick, each measured connection (or thread) then
makes one unmeasured request of its own; then, all starting together, requests until
``requests`` are done or ``max_seconds`` have passed (each finishes its request), and reports
the count, errors, requests per second and the 50th/99th percentile latencies, plus the number
of results of the first answer (to check that all systems answer the same).

HTTP is measured from one event loop (uvloop, httptools) with one kept-alive connection per
concurrent client, as ``wrk`` does (see :func:`_measure_http` for why); pyoxigraph in-process
from one thread per concurrent client (its queries let go of the GIL).

``python -m benchmarks.client < job.json > result.json``
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import gzip
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

import httptools
import uvloop

Call = Callable[[], bytes]


class Gzipped(bytes):
    """An answer sent with ``Content-Encoding: gzip``, decoded only when it is read (the first
    answer, to count its results): decoding every answer would measure the client."""


def _decoded(body: bytes) -> bytes:
    return gzip.decompress(body) if isinstance(body, Gzipped) else body


def _results_count(body: bytes) -> int | None:
    """Solutions in a SPARQL JSON answer, items of a REST page; ``None`` if neither."""
    try:
        data = json.loads(_decoded(body))
    except ValueError:
        return None
    if isinstance(data, dict):
        if "results" in data:
            return len(data["results"].get("bindings", []))
        if "items" in data:
            return int(data.get("total", len(data["items"])))
    return None


@contextlib.contextmanager
def quiet_collector() -> Iterator[None]:
    """No garbage collection of this process inside the block (collected just before)."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(
    make_call: Callable[[], Call], concurrency: int, warmup: int, requests: int, max_seconds: float
) -> dict[str, Any]:
    """Run one workload in-process at one concurrency (``make_call`` gives each thread its
    caller); HTTP is measured by :func:`_measure_http`."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = 0
    first: list[bytes] = []  # the first answer, counted once the clock has stopped

    def worker() -> None:
        nonlocal issued
        call = make_call()
        while True:
            with lock:
                if issued >= requests or time.perf_counter() > deadline:
                    return
                issued += 1
            started = time.perf_counter()
            try:
                body = call()
            except Exception as exc:  # recorded, the run goes on
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not first:
                    first.append(body)

    warm = make_call()  # warm-up before the clock starts (in-process: no connection to warm)
    warm_until = time.perf_counter() + max_seconds
    for _ in range(warmup):
        try:
            warm()
        except Exception:  # the measured requests will record it
            break
        if time.perf_counter() > warm_until:
            break  # a slow system: one warm-up request is enough
    with quiet_collector():
        deadline = time.perf_counter() + max_seconds
        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return _cell(concurrency, latencies, errors, time.perf_counter() - started, first)


def _cell(
    concurrency: int,
    latencies: list[float],
    errors: list[str],
    wall: float,
    first: list[bytes],
) -> dict[str, Any]:
    """The figures of one workload at one concurrency.

    The first answer's results are counted here, after the clock: decoding and parsing a 15 MB
    answer takes ~150 ms, which during the run held up the other connections' answers.
    """
    return {
        "concurrency": concurrency,
        "count": len(latencies),
        "errors": len(errors),
        "error": errors[0] if errors else None,
        "rps": len(latencies) / wall if wall > 0 else 0.0,
        "p50": statistics.median(latencies) if latencies else None,
        "p99": percentile(latencies, 0.99) if latencies else None,
        "results": _results_count(first[0]) if first else None,
    }


class _Connection(asyncio.BufferedProtocol):
    """One kept-alive HTTP/1.1 connection of the event-loop client: a request, then its answer.

    httptools (uvicorn's parser) reads the answer; the body is kept only when asked (the first
    answer, whose results are counted, and errors) and otherwise only parsed and dropped.
    """

    def __init__(self) -> None:
        self._buffer = memoryview(bytearray(256 * 1024))
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self._keep_body = False
        self._parts: list[bytes] = []
        self._gzip = False
        self.transport: asyncio.Transport | None = None
        self.reusable = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._buffer

    def buffer_updated(self, nbytes: int) -> None:
        try:
            self._parser.feed_data(self._buffer[:nbytes])
        except httptools.HttpParserError as exc:
            self._fail(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        self._fail(exc or ConnectionError("the server closed the connection"))

    def _fail(self, exc: Exception) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc)

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"content-encoding" and value.strip().lower() == b"gzip":
            self._gzip = True

    def on_body(self, body: bytes) -> None:
        if self._keep_body or self._parser.get_status_code() != 200:
            self._parts.append(body)

    def on_message_complete(self) -> None:
        self.reusable = self._parser.should_keep_alive()
        body = b"".join(self._parts)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(
                (self._parser.get_status_code(), Gzipped(body) if self._gzip else body)
            )

    async def exchange(self, request: bytes, keep_body: bool) -> tuple[int, bytes]:
        """Send ``request`` and wait for its answer: status and (kept) body."""
        assert self.transport is not None
        self._keep_body, self._parts, self._gzip = keep_body, [], False
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self._waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def _request(base: str, workload: dict[str, Any]) -> tuple[str, int, bytes]:
    """Host, port and the bytes of ``GET path?params`` with the workload's headers."""
    address = urlsplit(base)
    params = workload.get("params")
    target = workload["path"] + ("?" + urlencode(params) if params else "")
    headers = {"Host": address.netloc, **(workload.get("headers") or {})}
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (
        address.hostname or "127.0.0.1",
        address.port or 80,
        f"GET {target} HTTP/1.1\r\n{head}\r\n".encode(),
    )


async def _measure_http(
    base: str, workload: dict[str, Any], concurrency: int, job: dict[str, Any]
) -> dict[str, Any]:
    """:func:`measure` for HTTP, on one event loop: ``concurrency`` kept-alive connections.

    One thread, as ``wrk`` does: with one thread per connection, the client's own threads
    (the GIL, the scheduling of nine busy threads on two cores) made most of the tail of
    sub-millisecond answers (``/api/forces`` at 8 clients: p99 1.8-2.8 ms with threads,
    1.1 ms on one loop, 0.74 ms with ``wrk``).
    """
    host, port, request = _request(base, workload)
    timeout: float = job.get("timeout", 60.0)
    warmup, requests, max_seconds = job["warmup"], job["requests"], job["max_seconds"]
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    errors: list[str] = []
    first: list[bytes] = []  # the first answer, counted once the clock has stopped
    issued = 0

    async def connect() -> _Connection:
        _, connection = await loop.create_connection(_Connection, host, port)
        return connection

    async def ask(connection: _Connection, keep_body: bool) -> bytes:
        status, body = await asyncio.wait_for(connection.exchange(request, keep_body), timeout)
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {_decoded(body)[:150]!r}")
        return body

    warmed = 0
    warm_until = time.perf_counter() + max_seconds
    try:
        warm = await connect()  # warm-up on a connection of its own, before the clock starts
        for _ in range(warmup):
            await ask(warm, False)
            warmed += 1
            if time.perf_counter() > warm_until:
                break  # a slow system: one warm-up request is enough
        warm.close()
    except Exception:  # the measured requests will record it
        pass
    warm_each = warmed == warmup and time.perf_counter() <= warm_until
    all_ready = asyncio.Event()
    ready = 0
    started = deadline = 0.0

    async def worker() -> None:
        nonlocal issued, ready, started, deadline
        connection: _Connection | None = None
        with contextlib.suppress(Exception):  # the measured requests will record it
            connection = await connect()
            if warm_each:
                await ask(connection, False)  # the connection's own warm-up, not measured
        ready += 1
        if ready == concurrency:  # the last one ready starts the clock
            started = time.perf_counter()
            deadline = started + max_seconds
            all_ready.set()
        await all_ready.wait()
        while issued < requests and time.perf_counter() <= deadline:
            issued += 1
            sent = time.perf_counter()
            try:
                if connection is None or not connection.reusable:
                    connection = await connect()
                body = await ask(connection, not first)
            except Exception as exc:  # recorded, the run goes on
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                if connection is not None:
                    connection.close()
                connection = None
                continue
            latencies.append(time.perf_counter() - sent)
            if not first:
                first.append(body)
        if connection is not None:
            connection.close()

    with quiet_collector():
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return _cell(concurrency, latencies, errors, time.perf_counter() - started, first)


def _measure_all_http(job: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every HTTP workload of ``job`` at every concurrency, on one event loop (uvloop's)."""

    async def everything() -> dict[str, list[dict[str, Any]]]:
        base = job["target"]["base"]
        return {
            workload["name"]: [
                await _measure_http(base, workload, level, job) for level in job["concurrency"]
            ]
            for workload in job["workloads"]
        }

    return uvloop.run(everything())


def _pyoxigraph_caller(store: Any, workload: dict[str, Any]) -> Callable[[], Call]:
    import pyoxigraph as ox

    def make() -> Call:
        def call() -> bytes:
            result = store.query(workload["sparql"], use_default_graph_as_union=True)
            data: bytes = result.serialize(format=ox.QueryResultsFormat.JSON)
            return data

        return call

    return make


def run(job: dict[str, Any]) -> dict[str, Any]:
    """Measure every workload of ``job`` at every concurrency; see the module docstring."""
    target = job["target"]
    out: dict[str, Any] = {"workloads": {}}
    store: Any = None
    if target["kind"] == "pyoxigraph":
        import pyoxigraph as ox

        started = time.perf_counter()
        store = ox.Store()
        store.bulk_load(path=target["nquads"], format=ox.RdfFormat.N_QUADS)
        out["load_seconds"] = time.perf_counter() - started
        first = job["workloads"][0]["sparql"] if job["workloads"] else "ASK {}"
        store.query(first, use_default_graph_as_union=True).serialize(
            format=ox.QueryResultsFormat.JSON
        )
        out["first_answer_seconds"] = time.perf_counter() - started
    if target["kind"] == "http":
        out["workloads"] = _measure_all_http(job)
    for workload in job["workloads"] if store is not None else []:
        make = _pyoxigraph_caller(store, workload)
        out["workloads"][workload["name"]] = [
            measure(make, level, job["warmup"], job["requests"], job["max_seconds"])
            for level in job["concurrency"]
        ]
    if store is not None:
        out["peak_rss_mib"] = _own_peak_rss_mib()
    return out


def _own_peak_rss_mib() -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:
    job = json.load(sys.stdin)
    json.dump(run(job), sys.stdout)


if __name__ == "__main__":
    main()
