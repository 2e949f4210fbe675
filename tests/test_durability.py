"""Writes are atomic and durable: a real server killed (SIGKILL) mid-write, and concurrent writers.

A real ``ocsea serve`` runs on a free port of 127.0.0.1 over a copy of the built store (with its
shapes graph), with ``OCSEA_WRITE_TOKEN`` set. Each trial starts it on the same store, has a
writer thread ``PUT`` one version after another of a graph, and kills the server with SIGKILL at
a random moment while a request is in flight. The next start must succeed on the same store, and
the graph must then be exactly one version (the triple sets are compared, so a half-written graph
cannot pass): the last acknowledged one, or the one that was in flight when the server died (it
may have been committed without its answer being sent). Never an older one: acknowledged writes
survive.

The kill comes during the first or the second request (at a random moment after it is sent).
Trials alternate between the fictitious fixture instrument (each write goes through the SHACL
gate first, ~1 s) and a graph outside the project of 10,000 triples (no gate: the kill lands in
the transaction itself more often). ``OCSEA_DURABILITY_TRIALS`` sets the number of trials
(default 15); ``OCSEA_DURABILITY_SEED`` the random seed (printed in a failure).

Then 8 threads write at once: 4 ``PUT`` versions of one new instrument graph, 2 of another, 2
``POST`` different triples into one graph outside the project. Each instrument graph must end as
exactly one of the versions written to it, with exactly one 201 (the writes are serial, so only
the first one created it), and the merged graph must hold both POSTs (no lost update).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from api.settings import DEFAULT_ROOT
from tests.gate_support import TOKEN, fixture_text, gated_copy, graph_name, triples

TRIALS = int(os.environ.get("OCSEA_DURABILITY_TRIALS") or 15)
SEED = int(os.environ.get("OCSEA_DURABILITY_SEED") or time.time_ns() % 1_000_000)
OCSEA = Path(sys.executable).with_name("ocsea")
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BIG = "urn:ocsea-test:durability"
BIG_SIZE = 10_000
START_TIMEOUT = 30.0

pytestmark = pytest.mark.skipif(not OCSEA.is_file(), reason=f"no {OCSEA} (install the package)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``ocsea serve`` over ``store``, started and killed by the test."""

    def __init__(self, store: Path, log: Path) -> None:
        self.store = store
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        port = _free_port()
        env = {**os.environ, "OCSEA_WRITE_TOKEN": TOKEN, "OCSEA_ROOT": str(DEFAULT_ROOT)}
        env.pop("OCSEA_WRITE_TOKEN_FILE", None)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(OCSEA), "serve", "--port", str(port), "--store", str(self.store)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}: {self.tail()}")
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        pytest.fail(f"the server did not start within {START_TIMEOUT:g} s: {self.tail()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("durability")
    running = Server(gated_copy(built_store, root / "store"), root / "server.log")
    try:
        yield running
    finally:
        running.kill()
        shutil.rmtree(root / "store", ignore_errors=True)


def _instrument_version(k: int, slug: str = "test-fixture-instrument") -> str:
    text = fixture_text(slug)
    marker = "Test fixture: the invented text prints"
    assert marker in text
    return text.replace(marker, f"Test fixture (version {k}): the invented text prints")


def _big_version(k: int) -> str:
    return "".join(f'<{BIG}/s{i}> <{BIG}/p> "version {k}, triple {i}" .\n' for i in range(BIG_SIZE))


@dataclass
class Target:
    """A graph the trials write, its versions and what the store is known to hold."""

    graph: str
    versions: list[str]
    content_type: str
    kill_within: float  # seconds after a request is sent
    sets: list[set[tuple[str, str, str]]] = field(default_factory=list)
    current: int | None = None  # the version stored (None: no graph)

    def __post_init__(self) -> None:
        fmt = "nt" if self.content_type == "application/n-triples" else "turtle"
        self.sets = [triples(v, fmt) for v in self.versions]

    def stored(self, base_url: str) -> int | None:
        """Which version the server holds now (fails on anything else)."""
        response = httpx.get(
            base_url + "/rdf-graph-store",
            params={"graph": self.graph},
            headers={"Accept": "application/n-triples"},
            timeout=30,
        )
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        found = triples(response.text, "nt")
        matches = [k for k, expected in enumerate(self.sets) if expected == found]
        assert matches, f"<{self.graph}> holds {len(found)} triples that are no version of it"
        return matches[0]


class Writer:
    """PUTs versions (in the given order) until the server dies; records what was acknowledged."""

    def __init__(self, base_url: str, target: Target, order: list[int]) -> None:
        self.base_url = base_url
        self.target = target
        self.order = order
        self.sent = threading.Semaphore(0)  # released as each request is sent
        self.acknowledged: list[int] = []
        self.in_flight: int | None = None
        self.failure: str | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=60) as client:
            for k in self.order:
                self.in_flight = k
                self.sent.release()
                try:
                    response = client.put(
                        "/rdf-graph-store",
                        params={"graph": self.target.graph},
                        content=self.target.versions[k],
                        headers={"Content-Type": self.target.content_type, **AUTH},
                    )
                except httpx.TransportError:
                    return  # the server was killed during this request
                if response.status_code not in (201, 204):
                    self.failure = f"version {k}: {response.status_code} {response.text[:500]}"
                    return
                self.acknowledged.append(k)
                self.in_flight = None


def test_acknowledged_writes_survive_a_kill_and_none_is_half_done(server: Server) -> None:
    rng = random.Random(SEED)
    targets = [
        Target(graph_name(), [_instrument_version(k) for k in range(4)], "text/turtle", 0.6),
        Target(BIG, [_big_version(k) for k in range(3)], "application/n-triples", 0.9),
    ]
    outcomes = {"acknowledged then killed": 0, "in-flight write committed": 0}
    server.start()
    for trial in range(TRIALS):
        target = targets[trial % len(targets)]
        order = [rng.randrange(len(target.versions)) for _ in range(6)]
        writer = Writer(server.url, target, order)
        writer.thread.start()
        # kill during the first or the second request, at a random moment
        for _ in range(1 + rng.randrange(2)):
            assert writer.sent.acquire(timeout=30), f"trial {trial}: no request was sent"
        time.sleep(rng.uniform(0, target.kill_within))
        server.kill()
        writer.thread.join(30)
        assert not writer.thread.is_alive(), "the writer did not stop after the kill"
        context = f"trial {trial} (seed {SEED}), {target.graph}"
        assert writer.failure is None, f"{context}: {writer.failure}"
        server.start()
        stored = target.stored(server.url)
        allowed = {writer.acknowledged[-1] if writer.acknowledged else target.current}
        if writer.in_flight is not None:
            allowed.add(writer.in_flight)
        assert stored in allowed, (
            f"{context}: the store holds version {stored}; acknowledged {writer.acknowledged}, "
            f"in flight {writer.in_flight}, before the trial {target.current}"
        )
        if writer.acknowledged:
            outcomes["acknowledged then killed"] += 1
        if writer.in_flight is not None and stored == writer.in_flight != target.current:
            outcomes["in-flight write committed"] += 1
        target.current = stored
    assert outcomes["acknowledged then killed"] > 0, outcomes  # the trials did write something
    print(f"\n{TRIALS} kill trials (seed {SEED}): {outcomes}")


def test_concurrent_writers(server: Server) -> None:
    if server.process is None:
        server.start()
    first, second = "test-fixture-concurrent-a", "test-fixture-concurrent-b"
    jobs: list[tuple[str, str, str]] = []  # (method, graph, body)
    jobs += [("PUT", graph_name(first), _instrument_version(k, first)) for k in range(4)]
    jobs += [("PUT", graph_name(second), _instrument_version(k, second)) for k in range(2)]
    merged = "urn:ocsea-test:merged"
    posts = [f"<urn:ocsea-test:s{k}> <urn:ocsea-test:p> {k} .\n" for k in range(2)]
    jobs += [("POST", merged, body) for body in posts]
    barrier = threading.Barrier(len(jobs))
    statuses: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def write(method: str, graph: str, body: str) -> None:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            barrier.wait(30)
            response = client.request(
                method,
                "/rdf-graph-store",
                params={"graph": graph},
                content=body,
                headers={"Content-Type": "text/turtle", **AUTH},
            )
        with lock:
            statuses.append((graph, response.status_code, response.text[:300]))

    threads = [threading.Thread(target=write, args=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(statuses) == len(jobs), "a writer did not finish"
    assert all(status in (201, 204) for _, status, _ in statuses), statuses
    for slug, count in ((first, 4), (second, 2)):
        codes = sorted(status for graph, status, _ in statuses if graph == graph_name(slug))
        assert codes == [201] + [204] * (count - 1), (slug, codes)
        versions = [_instrument_version(k, slug) for k in range(count)]
        target = Target(graph_name(slug), versions, "text/turtle", 0)
        assert target.stored(server.url) is not None
    union = set().union(*(triples(body) for body in posts))
    response = httpx.get(
        server.url + "/rdf-graph-store",
        params={"graph": merged},
        headers={"Accept": "application/n-triples"},
    )
    assert triples(response.text, "nt") == union
