"""The load client of the benchmarks: runs in its own process, reads a job, prints measurements.

A job (JSON on stdin) names a target and workloads:

- ``{"kind": "http", "base": "http://127.0.0.1:8123"}``: each workload is an HTTP ``GET`` of
  ``path`` with ``params`` and ``headers``;
- ``{"kind": "pyoxigraph", "nquads": "/tmp/g.nq"}``: the N-Quads are loaded into an in-memory
  pyoxigraph store in this process (the load is timed) and each workload's ``sparql`` runs on it
  with the union of the graphs as default graph, its solutions serialised as SPARQL JSON (what
  a server would have to do too).

For each workload and each concurrency level (threads, one HTTP connection each) it makes
``warmup`` requests (fewer if they take more than ``max_seconds``); when those were quick, each
thread then makes one unmeasured request on its own connection; then, all threads starting
together, requests until ``requests`` are done or ``max_seconds`` have passed (each thread
finishes its request),
and reports the count, errors, requests per second and the 50th/99th percentile latencies, plus
the number of results of the first answer (to check that all systems answer the same).

``python -m benchmarks.client < job.json > result.json``
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

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


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(
    make_call: Callable[[], Call], concurrency: int, warmup: int, requests: int, max_seconds: float
) -> dict[str, Any]:
    """Run one workload at one concurrency (``make_call`` gives each thread its caller)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = 0
    first: list[int | None] = []

    def worker() -> None:
        nonlocal issued
        call = make_call()
        if warm_each:
            with contextlib.suppress(Exception):  # the measured requests will record it
                call()  # the connection's own warm-up, not measured
        ready.wait()
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
                    first.append(_results_count(body))

    warm = make_call()  # warm-up on a connection of its own, before the clock starts
    warm_until = time.perf_counter() + max_seconds
    warmed = 0
    for _ in range(warmup):
        try:
            warm()
        except Exception:  # the measured requests will record it
            break
        warmed += 1
        if time.perf_counter() > warm_until:
            break  # a slow system: one warm-up request is enough
    # a quick answer: each measured connection makes one request of its own first (the first
    # megabytes on a new TCP connection go slower while its windows grow: measured cold, those
    # first answers were the slowest 1-2 % of a run)
    warm_each = warmed == warmup and time.perf_counter() <= warm_until
    ready = threading.Barrier(concurrency + 1)
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + max_seconds + 3600  # set again once all are ready
    ready.wait()
    deadline = time.perf_counter() + max_seconds
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "count": len(latencies),
        "errors": len(errors),
        "error": errors[0] if errors else None,
        "rps": len(latencies) / wall if wall > 0 else 0.0,
        "p50": statistics.median(latencies) if latencies else None,
        "p99": percentile(latencies, 0.99) if latencies else None,
        "results": first[0] if first else None,
    }


def _http_caller(base: str, workload: dict[str, Any], timeout: float) -> Callable[[], Call]:
    """Callers of ``GET path?params`` on a kept-alive connection of their own.

    The standard library's ``http.client``, not httpx: with eight threads sharing the GIL on a
    small machine, httpx's own work per request (about four times that of ``http.client``)
    showed up in the latencies measured, most of all in the slowest ones.
    """
    address = urlsplit(base)
    params = workload.get("params")
    target = workload["path"] + ("?" + urlencode(params) if params else "")
    headers = dict(workload.get("headers") or {})

    def make() -> Call:
        connection = http.client.HTTPConnection(
            address.hostname or "127.0.0.1", address.port, timeout=timeout
        )

        def call() -> bytes:
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                connection.close()  # reconnects at the next request
                raise
            if response.getheader("Content-Encoding") == "gzip":
                body = Gzipped(body)
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {_decoded(body)[:150]!r}")
            return body

        return call

    return make


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
    for workload in job["workloads"]:
        if target["kind"] == "http":
            make = _http_caller(target["base"], workload, job.get("timeout", 60.0))
        else:
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
