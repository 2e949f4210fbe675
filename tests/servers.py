"""Real SPARQL servers for tests: Oxigraph's own server and Virtuoso, on free 127.0.0.1 ports.

Each helper is a context manager that starts the server with its data in a given (temporary)
directory, waits until its SPARQL endpoint answers (at most ``timeout`` seconds), yields a
:class:`RunningServer` and stops the process (SIGTERM, then SIGKILL) on exit::

    with oxigraph_server(tmp_path / "oxigraph") as server:
        repo = RemoteRepository(server.endpoint(), read_only=False)

- :func:`oxigraph_server`: ``oxigraph serve`` from the ``oxigraph`` pip package (the binary next
  to ``sys.executable``), in-place data directory, no authentication;
- :func:`virtuoso_server`: ``virtuoso-t`` (Debian's ``virtuoso-opensource``) with a private
  ``virtuoso.ini`` bound to 127.0.0.1 (SQL and HTTP ports), a fresh database (user ``dba``,
  password ``dba``) and a chosen ``ResultSetMaxRows``. Reads go to ``/sparql`` (anonymous),
  writes to ``/sparql-auth`` and ``/sparql-graph-crud-auth`` with HTTP Digest authentication.
  :func:`virtuoso_binary` is ``None`` when it is not installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.settings import RemoteEndpoint

START_TIMEOUT = 30.0
"""Seconds a server may take to answer its first query."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class RunningServer:
    """A started server: its process, base URL, log and the URLs of its services."""

    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path
    query_path: str
    update_path: str
    graph_store_path: str
    user: str | None = None
    password: str | None = None

    def endpoint(self, *, graph_store: bool = False) -> RemoteEndpoint:
        """The settings that point the API at this server (with its Graph Store if asked)."""
        return RemoteEndpoint(
            query_url=self.base_url + self.query_path,
            update_url=self.base_url + self.update_path,
            graph_store_url=self.base_url + self.graph_store_path if graph_store else None,
            user=self.user,
            password=self.password,
        )

    def log_tail(self, lines: int = 20) -> str:
        """The end of the server's output, for failure messages."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def wait_until_answers(server: RunningServer, timeout: float = START_TIMEOUT) -> None:
    """Poll ``ASK {}`` on the query URL until it answers 200 (``RuntimeError`` otherwise)."""
    deadline = time.monotonic() + timeout
    url = server.base_url + server.query_path
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer within {timeout:g} s:\n{server.log_tail()}")


def stop(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if the process has not exited after ``grace`` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def _running(server: RunningServer, timeout: float) -> Iterator[RunningServer]:
    try:
        wait_until_answers(server, timeout)
        yield server
    finally:
        stop(server.process)


def oxigraph_binary() -> Path:
    """The ``oxigraph`` server binary installed with the pip package, next to the interpreter."""
    return Path(sys.executable).parent / "oxigraph"


@contextmanager
def oxigraph_server(directory: Path, *, timeout: float = START_TIMEOUT) -> Iterator[RunningServer]:
    """``oxigraph serve`` with its data in ``directory`` on a free port."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = directory / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(oxigraph_binary()),
                "serve",
                "--location",
                str(directory / "data"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = RunningServer(
        name="oxigraph server",
        process=process,
        base_url=f"http://127.0.0.1:{port}",
        log=log,
        query_path="/query",
        update_path="/update",
        graph_store_path="/store",
    )
    with _running(server, timeout) as running:
        yield running


def virtuoso_binary() -> str | None:
    """The path of ``virtuoso-t``, or ``None`` when Virtuoso is not installed."""
    return shutil.which("virtuoso-t")


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


@contextmanager
def virtuoso_server(
    directory: Path, *, max_rows: int = 10_000, timeout: float = START_TIMEOUT
) -> Iterator[RunningServer]:
    """``virtuoso-t`` with a fresh database in ``directory`` on free 127.0.0.1 ports."""
    binary = virtuoso_binary()
    if binary is None:
        raise RuntimeError("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    directory.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            dir=directory, sql_port=sql_port, http_port=http_port, max_rows=max_rows
        )
    )
    log = directory / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            cwd=directory,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
    server = RunningServer(
        name="virtuoso",
        process=process,
        base_url=f"http://127.0.0.1:{http_port}",
        log=log,
        query_path="/sparql",
        update_path="/sparql-auth",
        graph_store_path="/sparql-graph-crud-auth",
        user="dba",
        password="dba",
    )
    with _running(server, timeout) as running:
        yield running
