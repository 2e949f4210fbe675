"""Load test of a real ``ocsea serve``: many clients mixing SPARQL, REST, catalogue, pages and /id.

Two measurements, each against a server started by this script on a free port of 127.0.0.1 over a
built store (read-only; it is stopped with SIGTERM at the end):

- **mixed load** (:func:`mixed_load`): ``clients`` concurrent clients (default 50), each with its
  own connection, send requests one after another for ``seconds`` (default 60), drawn with a
  fixed seed from :data:`MIX` (SPARQL queries on ``/sparql``, REST resources under ``/api``,
  catalogue queries under ``/queries``, HTML pages and ``/id`` descriptions in several formats).
  Any answer other than 2xx/3xx, and any transport error, is an error;
- **runaway isolation** (:func:`runaway_isolation`): two runaway SPARQL queries (a triple cross
  product of the store, far past the time limit) are kept in flight — re-sent as soon as the
  server stops one — while ``clients`` clients (default 20) run catalogue queries; the catalogue
  latencies are reported.

Both print the number of requests, the throughput, p50/p90/p99/max latency (overall and per kind)
and the errors, and can write them as JSON (``--json``). Everything stays on 127.0.0.1 and every
loop is bounded in time.

Example::

    .venv/bin/python -m benchmarks.load --store var/store --clients 50 --seconds 60
    .venv/bin/python -m benchmarks.load --runaway --clients 20 --seconds 20
    .venv/bin/python -m benchmarks.load --runaway --no-cache   # every request reaches the store

``tests/test_load.py`` runs short versions of both (and imports :func:`running_server`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.servers import free_port, stop

OCSEA = Path(sys.executable).with_name("ocsea")
START_TIMEOUT = 60.0

SPARQL_JSON = {"Accept": "application/sparql-results+json"}
MIX: list[tuple[str, str, dict[str, str], dict[str, str], int]] = [
    # (kind, path, params, headers, weight)
    ("sparql", "/sparql", {"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}, SPARQL_JSON, 2),
    (
        "sparql",
        "/sparql",
        {
            "query": "PREFIX ocsea: <https://w3id.org/ocsea/ontology#> "
            "SELECT ?s ?f { ?s a ocsea:NormativeStatement ; ocsea:force ?f } LIMIT 50"
        },
        SPARQL_JSON,
        2,
    ),
    ("sparql", "/sparql", {"query": "ASK { ?s ?p ?o }"}, SPARQL_JSON, 1),
    ("rest", "/api/instruments", {}, {"Accept": "application/json"}, 2),
    ("rest", "/api/instruments/unga-res-74-174", {}, {"Accept": "application/json"}, 1),
    ("rest", "/api/statements", {"min_strength": "3"}, {"Accept": "application/json"}, 2),
    ("rest", "/api/actors", {}, {"Accept": "application/json"}, 1),
    ("catalogue", "/queries/overview", {}, SPARQL_JSON, 2),
    ("catalogue", "/queries/search-provisions", {"text": "cifrado"}, SPARQL_JSON, 2),
    ("catalogue", "/queries/who-must-do-what", {"instrument": "wpga-gsr"}, SPARQL_JSON, 1),
    ("page", "/", {}, {"Accept": "text/html"}, 1),
    ("page", "/id/joint-call-2024", {}, {"Accept": "text/html"}, 2),
    ("id", "/id/osce-mc-dec-9-07", {}, {"Accept": "text/turtle"}, 1),
    ("id", "/id/unga-res-74-174/pp_3", {}, {"Accept": "application/ld+json"}, 1),
]
"""What the mixed-load clients ask for, with relative weights."""

CATALOGUE_MIX = [entry for entry in MIX if entry[0] == "catalogue"]

RUNAWAY_QUERY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""About (store size)³ solutions: never ends within any sane time limit."""


# -- the server ------------------------------------------------------------------------------


@dataclass
class Server:
    """A running ``ocsea serve``: its process, base URL and log file."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def tail(self, lines: int = 30) -> str:
        """The end of the server's log (for failure messages)."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def running_server(
    store: Path, log: Path, *, env: dict[str, str] | None = None, timeout: float = START_TIMEOUT
) -> Iterator[Server]:
    """``ocsea serve`` over ``store`` on a free port, ready (``/ready`` 200); SIGTERM on exit."""
    port = free_port()
    environment = {**os.environ, **(env or {})}
    environment.pop("OCSEA_WRITE_TOKEN", None)
    environment.pop("OCSEA_WRITE_TOKEN_FILE", None)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(OCSEA),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--store",
                str(store),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}:\n{server.tail()}")
            try:
                if httpx.get(server.url + "/ready", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the server was not ready within {timeout:g} s:\n{server.tail()}"
                )
            time.sleep(0.2)
        yield server
    finally:
        stop(process, grace=20)


# -- measuring -------------------------------------------------------------------------------


@dataclass
class Results:
    """Latencies (seconds) per kind of request, errors, and the measured wall time."""

    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many requests were answered (errors included)."""
        return sum(len(values) for values in self.latencies.values())

    def summary(self) -> dict[str, Any]:
        """Figures for printing or JSON: throughput, percentiles in ms, per kind, errors."""
        every = [value for values in self.latencies.values() for value in values]
        return {
            "requests": self.count,
            "seconds": round(self.seconds, 2),
            "throughput_rps": round(self.count / self.seconds, 1) if self.seconds else 0.0,
            "errors": len(self.errors),
            "error_examples": self.errors[:10],
            "all": percentiles(every),
            "by_kind": {
                kind: percentiles(values) for kind, values in sorted(self.latencies.items())
            },
        }


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p90/p99/max of ``values`` (seconds) in milliseconds."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    if len(ordered) == 1:
        cuts = [ordered[0]] * 99
    else:
        cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "n": len(ordered),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p90_ms": round(cuts[89] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def _client(
    base_url: str,
    mix: list[tuple[str, str, dict[str, str], dict[str, str], int]],
    deadline: float,
    rng: random.Random,
    results: Results,
    think: float = 0.0,
) -> None:
    weights = [entry[4] for entry in mix]
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as client:
        while time.monotonic() < deadline:
            kind, path, params, headers, _ = rng.choices(mix, weights)[0]
            started = time.perf_counter()
            try:
                response = await client.get(path, params=params, headers=headers)
                await response.aread()
                failed = (
                    f"{response.status_code} {path}: {response.text[:200]}"
                    if response.status_code >= 400
                    else None
                )
            except httpx.HTTPError as exc:
                failed = f"{type(exc).__name__} {path}: {exc}"
            results.latencies.setdefault(kind, []).append(time.perf_counter() - started)
            if failed:
                results.errors.append(failed)
            if think:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))


async def _warm_up(
    base_url: str,
    mix: list[tuple[str, str, dict[str, str], dict[str, str], int]],
    results: Results,
) -> None:
    """Each request of ``mix`` once, untimed (first uses load the catalogue, templates …).

    Its failures are errors of the run all the same.
    """
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as client:
        for _, path, params, headers, _ in mix:
            try:
                response = await client.get(path, params=params, headers=headers)
                if response.status_code >= 400:
                    results.errors.append(f"{response.status_code} {path}: {response.text[:200]}")
            except httpx.HTTPError as exc:
                results.errors.append(f"{type(exc).__name__} {path}: {exc}")


async def _drive(
    base_url: str,
    clients: int,
    seconds: float,
    mix: list[tuple[str, str, dict[str, str], dict[str, str], int]],
    seed: int,
    think: float = 0.0,
) -> Results:
    results = Results()
    await _warm_up(base_url, mix, results)
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(
            _client(base_url, mix, deadline, random.Random(seed * 1000 + number), results, think)
            for number in range(clients)
        )
    )
    results.seconds = time.monotonic() - started
    return results


def mixed_load(
    base_url: str, *, clients: int = 50, seconds: float = 60.0, seed: int = 7, think: float = 0.0
) -> Results:
    """``clients`` clients sending :data:`MIX` requests for ``seconds`` seconds.

    ``think``: each client waits about that many seconds between requests (0: back to back).
    """
    return asyncio.run(_drive(base_url, clients, seconds, MIX, seed, think))


@dataclass
class RunawayResults:
    """The catalogue clients' results, and what happened to the runaway queries."""

    catalogue: Results
    runaway_answers: list[int]
    """Statuses of the runaway queries that ended during the measurement (503 expected)."""
    runaway_messages: list[str]


def runaway_isolation(
    base_url: str,
    *,
    clients: int = 20,
    seconds: float = 20.0,
    runaways: int = 2,
    seed: int = 7,
    settle: float = 1.0,
    think: float = 0.0,
) -> RunawayResults:
    """Catalogue clients measured while ``runaways`` runaway queries are kept in flight.

    ``think``: each client waits about that many seconds between requests (0: back to back).
    """
    stop = threading.Event()
    statuses: list[int] = []
    messages: list[str] = []

    def keep_running() -> None:
        with httpx.Client(base_url=base_url, timeout=120.0) as client:
            while not stop.is_set():
                try:
                    answer = client.get(
                        "/sparql", params={"query": RUNAWAY_QUERY}, headers=SPARQL_JSON
                    )
                except httpx.HTTPError as exc:
                    messages.append(f"{type(exc).__name__}: {exc}")
                    continue
                if stop.is_set():
                    return
                statuses.append(answer.status_code)
                messages.append(answer.text.strip()[:200])

    threads = [threading.Thread(target=keep_running, daemon=True) for _ in range(runaways)]
    for thread in threads:
        thread.start()
    time.sleep(settle)  # let the runaway queries reach their workers
    try:
        catalogue = asyncio.run(_drive(base_url, clients, seconds, CATALOGUE_MIX, seed, think))
    finally:
        stop.set()
    for thread in threads:
        thread.join(timeout=130)
    return RunawayResults(catalogue, statuses, messages)


def _print(title: str, summary: dict[str, Any]) -> None:
    print(f"== {title}")
    print(
        f"requests {summary['requests']} in {summary['seconds']} s: "
        f"{summary['throughput_rps']} req/s, errors {summary['errors']}"
    )
    overall = summary["all"]
    if overall.get("n"):
        print(
            f"latency: p50 {overall['p50_ms']} ms, p90 {overall['p90_ms']} ms, "
            f"p99 {overall['p99_ms']} ms, max {overall['max_ms']} ms"
        )
    for kind, figures in summary["by_kind"].items():
        if figures.get("n"):
            print(
                f"  {kind:<10} n={figures['n']:<6} p50 {figures['p50_ms']} ms  "
                f"p99 {figures['p99_ms']} ms  max {figures['max_ms']} ms"
            )
    for example in summary["error_examples"]:
        print(f"  error: {example}")


def main(argv: list[str] | None = None) -> int:
    """Command line: start a server, run the chosen measurement, print (and save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=Path("var/store"), help="a built store")
    parser.add_argument("--clients", type=int, default=None, help="50 (mixed) or 20 (runaway)")
    parser.add_argument("--seconds", type=float, default=None, help="60 (mixed) or 20 (runaway)")
    parser.add_argument("--runaway", action="store_true", help="the runaway-isolation measurement")
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=None,
        help="OCSEA_QUERY_TIMEOUT of the server (default: 10 s mixed, 5 s runaway)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a client waits between requests"
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="serve with OCSEA_RESPONSE_CACHE_MB=0 (every request reaches the store)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--log", type=Path, default=Path("/tmp/ocsea-load-server.log"))
    args = parser.parse_args(argv)
    if not (args.store / "CURRENT").exists():
        parser.error(f"{args.store} is not a built store (run `ocsea build` first)")
    timeout = args.query_timeout or (5.0 if args.runaway else 10.0)
    env = {"OCSEA_QUERY_TIMEOUT": str(timeout)}
    if args.no_cache:
        env["OCSEA_RESPONSE_CACHE_MB"] = "0"
    figures: dict[str, Any]
    with running_server(args.store.absolute(), args.log, env=env) as server:
        if args.runaway:
            result = runaway_isolation(
                server.url,
                clients=args.clients or 20,
                seconds=args.seconds or 20.0,
                seed=args.seed,
                think=args.think,
            )
            figures = {
                "catalogue_under_runaways": result.catalogue.summary(),
                "runaway_statuses": result.runaway_answers,
                "runaway_messages": sorted(set(result.runaway_messages))[:5],
            }
            _print(
                "catalogue queries while 2 runaway queries run", figures["catalogue_under_runaways"]
            )
            print(f"runaway queries stopped: {result.runaway_answers}")
            for message in figures["runaway_messages"]:
                print(f"  {message}")
        else:
            figures = {
                "mixed": mixed_load(
                    server.url,
                    clients=args.clients or 50,
                    seconds=args.seconds or 60.0,
                    seed=args.seed,
                    think=args.think,
                ).summary()
            }
            _print(f"mixed load, {args.clients or 50} clients", figures["mixed"])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    failed = any(summary.get("errors") for summary in figures.values() if isinstance(summary, dict))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
