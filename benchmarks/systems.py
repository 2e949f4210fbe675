"""The systems compared by the benchmarks, each started on a free 127.0.0.1 port with one data set.

Each is a context manager that loads the N-Quads (timed), starts the server (timed until its
first answer) and yields a :class:`Started`; :class:`MemorySampler` follows the resident memory
of the server's process tree while it is measured and :func:`peak_rss_mib` reads each process's
own peak before it is stopped.

- :func:`ours`: ``ocsea serve`` over an on-disk store bulk-loaded with pyoxigraph (what
  ``ocsea build`` writes), ``/sparql`` through its query worker processes;
- :func:`oxigraph_server`: ``oxigraph load`` then ``oxigraph serve-read-only
  --union-default-graph --timeout-s 10`` (the binary of the ``oxigraph`` pip package, with the
  same query time limit as ours);
- :func:`rdflib_endpoint`: :mod:`benchmarks.rdflib_server` (rdflib-endpoint, in-memory rdflib).

pyoxigraph in-process needs no server: :mod:`benchmarks.client` loads and queries it itself.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

from api.memory import resident_kib
from tests.servers import free_port, oxigraph_binary, stop

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
OCSEA = str(Path(sys.executable).parent / "ocsea")


@dataclass
class Started:
    """A running system: where to send SPARQL, how long loading and starting took."""

    name: str
    base_url: str
    sparql_path: str
    process: subprocess.Popen[bytes]
    load_seconds: float
    first_answer_seconds: float
    notes: list[str] = field(default_factory=list)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _status_kib(pid: int, field: str) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # the process has ended
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else 0


def peak_rss_mib(pid: int) -> float:
    """Sum of the peak resident memory (VmHWM) of ``pid`` and its descendants, in MiB.

    An upper bound of what the tree held at once: each process's peak counts, whenever it was.
    """
    return sum(_status_kib(p, "VmHWM") for p in _descendants(pid)) / 1024


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by ``pid`` and its descendants."""
    ticks = 0
    for process in _descendants(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it has ended
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until_idle(
    pid: int, *, busy_fraction: float = 0.05, window: float = 0.5, timeout: float = 60.0
) -> float:
    """Wait until the process tree of ``pid`` uses under ``busy_fraction`` of one CPU over
    ``window`` seconds (at most ``timeout``); the seconds waited.

    A server may go on working after its first answer (ours hashes its store for the ETags,
    ~7 s per million quads): measured meanwhile, its latencies would be those of a machine with
    one core less. Every system gets the same wait.
    """
    started = time.monotonic()
    used = _cpu_seconds(pid)
    while time.monotonic() - started < timeout:
        time.sleep(window)
        now = _cpu_seconds(pid)
        if now - used < busy_fraction * window:
            break
        used = now
    return time.monotonic() - started


class MemorySampler:
    """The largest resident memory of a process tree, read every ``interval`` seconds.

    What the tree held at once (unlike :func:`peak_rss_mib`); a peak shorter than the interval
    can be missed, so the interval is short (20 ms: a heavy query holds its memory for seconds).

    >>> with MemorySampler(os.getpid()) as sampler:                      # doctest: +SKIP
    ...     work()
    >>> sampler.peak_mib
    """

    RESCAN_SECONDS = 0.5
    """How often the tree is looked up again (a scan of ``/proc`` costs ~1 ms; reading the known
    processes, microseconds): new processes (a replaced worker) start small."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _sample(self, processes: list[int]) -> None:
        now = sum(resident_kib(p) for p in processes) / 1024
        self.peak_mib = max(self.peak_mib, now)

    def _run(self) -> None:
        processes: list[int] = []
        scanned = 0.0
        while not self._stop.is_set():
            if time.monotonic() - scanned >= self.RESCAN_SECONDS:
                processes, scanned = _descendants(self.pid), time.monotonic()
            self._sample(processes)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample(_descendants(self.pid))


def wait_for_answer(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll ``ASK {}`` at ``url`` every 20 ms until a 200 (``RuntimeError`` on exit/timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=5.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"no answer from {url} within {timeout:g} s")


def load_store(nquads: Path, directory: Path) -> float:
    """Bulk-load ``nquads`` into a new on-disk pyoxigraph store; the seconds it took."""
    started = time.perf_counter()
    store = ox.Store(str(directory))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    return time.perf_counter() - started


RDFLIB_MEMORY_LIMIT_MIB = 4096
"""Address-space limit of the rdflib server: a query that blows up fails there instead of
taking the machine's memory (one did: 24 GB before the kernel killed it)."""


def _memory_limit(mib: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (mib * 1024 * 1024, mib * 1024 * 1024))

    return apply


@contextmanager
def _serving(
    name: str,
    command: list[str],
    port: int,
    sparql_path: str,
    log: Path,
    load: float,
    timeout: float,
    env: dict[str, str] | None = None,
    memory_limit_mib: int | None = None,
) -> Iterator[Started]:
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
            preexec_fn=_memory_limit(memory_limit_mib) if memory_limit_mib else None,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_answer(base + sparql_path, process, timeout)
        yield Started(name, base, sparql_path, process, load, time.perf_counter() - started)
    finally:
        stop(process)


@contextmanager
def ours(
    nquads: Path,
    workdir: Path,
    *,
    store: Path | None = None,
    timeout: float = 120.0,
    response_cache: bool = True,
) -> Iterator[Started]:
    """``ocsea serve`` over ``store`` (default: ``nquads`` bulk-loaded into ``workdir/store``).

    ``response_cache=False`` serves with ``OCSEA_RESPONSE_CACHE_MB=0``.
    """
    load = 0.0
    if store is None:
        store = workdir / "store"
        if not store.exists():
            load = load_store(nquads, store)
    port = free_port()
    command = [OCSEA, "serve", "--store", str(store), "--port", str(port)]
    name = "ours" if response_cache else "ours-nocache"
    env = None if response_cache else {"OCSEA_RESPONSE_CACHE_MB": "0"}
    log = workdir / f"{name}.log"
    with _serving(name, command, port, "/sparql", log, load, timeout, env=env) as s:
        yield s


@contextmanager
def oxigraph_server(nquads: Path, workdir: Path, *, timeout: float = 120.0) -> Iterator[Started]:
    """``oxigraph serve-read-only --union-default-graph`` over ``nquads`` loaded by the CLI."""
    location = workdir / "oxigraph"
    started = time.perf_counter()
    subprocess.run(
        [str(oxigraph_binary()), "load", "--location", str(location), "--file", str(nquads)],
        check=True,
        capture_output=True,
    )
    load = time.perf_counter() - started
    port = free_port()
    command = [
        str(oxigraph_binary()),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
        "--timeout-s",
        "10",
    ]
    with _serving(
        "oxigraph", command, port, "/query", workdir / "oxigraph.log", load, timeout
    ) as s:
        yield s


@contextmanager
def rdflib_endpoint(nquads: Path, workdir: Path, *, timeout: float = 1800.0) -> Iterator[Started]:
    """:mod:`benchmarks.rdflib_server` over ``nquads`` (its load time is read from its log)."""
    port = free_port()
    log = workdir / "rdflib.log"
    command = [PYTHON, "-m", "benchmarks.rdflib_server", str(nquads), str(port)]
    with _serving(
        "rdflib", command, port, "/sparql", log, 0.0, timeout,
        memory_limit_mib=RDFLIB_MEMORY_LIMIT_MIB,
    ) as running:  # fmt: skip
        found = re.search(r"loaded in ([0-9.]+) s", log.read_text(errors="replace"))
        running.load_seconds = float(found.group(1)) if found else float("nan")
        yield running
