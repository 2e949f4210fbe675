"""Where things are: project paths, the store location, the base IRI, reasoner memory.

The project root is found from the package's own location (``api/`` sits at the root of the
repository), so commands work from any working directory. Environment variables override:

- ``OCSEA_ROOT``: the project root (default: the directory above ``api/``);
- ``OCSEA_STORE``: the on-disk store (default: ``<root>/var/store``);
- ``OCSEA_BASE_IRI``: the base of all project IRIs (default ``https://w3id.org/ocsea/``);
- ``OCSEA_JAVA_MEMORY``: the Java heap, in MiB, given to the reasoner (default 2000);
- ``OCSEA_QUERY_TIMEOUT``: seconds a SPARQL query may run in the server (default 10);
- ``OCSEA_QUERY_WORKERS``: worker processes that run ``/sparql`` queries on the embedded store,
  each killed when its query passes the limit (default 1; 0 runs them in threads, which cannot be
  stopped), and the number of the project's own queries (REST, catalogue, pages) that run at
  once in the server's threads (at least 1). It bounds memory as much as CPU: at 1 M quads a
  heavy query holds 150 to 200 MiB while it runs (see BENCHMARKS.md); raise it on machines with
  more cores and memory;
- ``OCSEA_WRITE_TOKEN``: the bearer token that allows writes on the server (SPARQL Update and
  the Graph Store Protocol; default: none, writes disabled);
- ``OCSEA_WRITE_TOKEN_FILE``: a file holding that token instead (its first line; for secrets
  mounted as files). Setting both is an error;
- ``OCSEA_MAX_UPLOAD_BYTES``: the largest request body accepted by ``POST /validate`` and the
  Graph Store Protocol (default 10 MiB; larger bodies get a 413 that states the limit);
- ``OCSEA_MAX_RESULT_BYTES``: the largest ``/sparql`` answer (default 50 MiB; a larger one is
  replaced by a 422 that says to add ``LIMIT``, see :mod:`api.middleware`);
- ``OCSEA_RESPONSE_CACHE_MB``: memory for answers kept until the next write (default 32; 0 turns
  the cache off; the embedded store only, see :mod:`api.response_cache`);
- ``OCSEA_SPARQL_ENDPOINT``: serve a remote SPARQL 1.1 server instead of the embedded store (its
  query URL); with ``OCSEA_SPARQL_UPDATE_ENDPOINT`` (default: the query URL),
  ``OCSEA_GRAPH_STORE_ENDPOINT`` (Graph Store Protocol URL; default: none, graphs are then written
  with SPARQL Update) and ``OCSEA_REMOTE_USER``/``OCSEA_REMOTE_PASSWORD`` (HTTP basic or digest
  authentication, see :mod:`api.store.remote`).

Example::

    >>> from api.settings import Settings
    >>> s = Settings.from_env({"OCSEA_STORE": "/tmp/ocsea-store"})
    >>> str(s.store_path)
    '/tmp/ocsea-store'
    >>> s.instruments_dir.name
    'instruments'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
"""The directory of the ``api`` package."""

DEFAULT_ROOT = PACKAGE_DIR.parent
"""The project root: the directory that holds ``api/``, ``ontology/``, ``data/``, ``shapes/``."""

DEFAULT_BASE_IRI = "https://w3id.org/ocsea/"
DEFAULT_JAVA_MEMORY_MB = 2000
DEFAULT_QUERY_TIMEOUT = 10.0
DEFAULT_QUERY_WORKERS = 1
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_RESULT_BYTES = 50 * 1024 * 1024
DEFAULT_RESPONSE_CACHE_MB = 32


@dataclass(frozen=True)
class RemoteEndpoint:
    """Where a remote SPARQL 1.1 server answers (see :mod:`api.store.remote`)."""

    query_url: str
    update_url: str
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RemoteEndpoint | None:
        """The remote endpoint configured in ``env``, or ``None`` (embedded store)."""
        query_url = env.get("OCSEA_SPARQL_ENDPOINT")
        if not query_url:
            return None
        for name in (
            "OCSEA_SPARQL_ENDPOINT",
            "OCSEA_SPARQL_UPDATE_ENDPOINT",
            "OCSEA_GRAPH_STORE_ENDPOINT",
        ):
            value = env.get(name)
            if value and not value.startswith(("http://", "https://")):
                raise ValueError(f"{name} must be an http(s) URL, not {value!r}")
        return cls(
            query_url=query_url,
            update_url=env.get("OCSEA_SPARQL_UPDATE_ENDPOINT") or query_url,
            graph_store_url=env.get("OCSEA_GRAPH_STORE_ENDPOINT") or None,
            user=env.get("OCSEA_REMOTE_USER") or None,
            password=env.get("OCSEA_REMOTE_PASSWORD") or None,
        )


def _write_token(env: Mapping[str, str]) -> str | None:
    """The write token of ``OCSEA_WRITE_TOKEN`` or of the file ``OCSEA_WRITE_TOKEN_FILE``."""
    token = env.get("OCSEA_WRITE_TOKEN") or None
    token_file = env.get("OCSEA_WRITE_TOKEN_FILE") or None
    if token_file is None:
        return token
    if token is not None:
        raise ValueError("set OCSEA_WRITE_TOKEN or OCSEA_WRITE_TOKEN_FILE, not both")
    path = Path(token_file).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"OCSEA_WRITE_TOKEN_FILE: cannot read {path}: {exc}") from None
    lines = text.splitlines()
    first = lines[0].strip() if lines else ""
    if not first:
        raise ValueError(f"OCSEA_WRITE_TOKEN_FILE: {path} is empty (the token is its first line)")
    return first


def _int_setting(
    env: Mapping[str, str],
    name: str,
    default: int,
    low: int,
    high: int | None,
    what: str,
) -> int:
    """The integer of ``env[name]`` (``default`` when unset); ``ValueError`` out of range."""
    value = env.get(name)
    try:
        number = int(value) if value else default
    except ValueError:
        number = low - 1
    if number < low or (high is not None and number > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ValueError(f"{name} must be {what} {bounds}, not {value!r}")
    return number


@dataclass(frozen=True)
class Settings:
    """Paths and options of one run. Build it with :meth:`from_env` (or directly in tests)."""

    root: Path
    store_path: Path
    base_iri: str = DEFAULT_BASE_IRI
    java_memory_mb: int = DEFAULT_JAVA_MEMORY_MB
    query_timeout: float = DEFAULT_QUERY_TIMEOUT
    write_token: str | None = field(default=None, repr=False)
    remote: RemoteEndpoint | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES
    query_workers: int = DEFAULT_QUERY_WORKERS
    response_cache_mb: int = DEFAULT_RESPONSE_CACHE_MB

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (default: ``os.environ``), with the defaults above."""
        env = os.environ if environ is None else environ
        root = (
            Path(env["OCSEA_ROOT"]).expanduser().resolve()
            if env.get("OCSEA_ROOT")
            else DEFAULT_ROOT
        )
        store = env.get("OCSEA_STORE")
        store_path = Path(store).expanduser().absolute() if store else root / "var" / "store"
        base_iri = env.get("OCSEA_BASE_IRI") or DEFAULT_BASE_IRI
        if not base_iri.endswith(("/", "#")):
            base_iri += "/"
        memory = env.get("OCSEA_JAVA_MEMORY")
        try:
            java_memory_mb = int(memory) if memory else DEFAULT_JAVA_MEMORY_MB
        except ValueError:
            raise ValueError(f"OCSEA_JAVA_MEMORY must be a number of MiB, not {memory!r}") from None
        timeout = env.get("OCSEA_QUERY_TIMEOUT")
        try:
            query_timeout = float(timeout) if timeout else DEFAULT_QUERY_TIMEOUT
        except ValueError:
            query_timeout = -1.0
        if not query_timeout > 0:
            raise ValueError(
                f"OCSEA_QUERY_TIMEOUT must be a positive number of seconds, not {timeout!r}"
            )
        max_upload_bytes = _int_setting(
            env, "OCSEA_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, 1, None, "a number of bytes"
        )
        max_result_bytes = _int_setting(
            env, "OCSEA_MAX_RESULT_BYTES", DEFAULT_MAX_RESULT_BYTES, 1, None, "a number of bytes"
        )
        query_workers = _int_setting(
            env, "OCSEA_QUERY_WORKERS", DEFAULT_QUERY_WORKERS, 0, 64, "a number of processes"
        )
        response_cache_mb = _int_setting(
            env, "OCSEA_RESPONSE_CACHE_MB", DEFAULT_RESPONSE_CACHE_MB, 0, 65536, "a number of MiB"
        )
        return cls(
            root=root,
            store_path=store_path,
            base_iri=base_iri,
            java_memory_mb=java_memory_mb,
            query_timeout=query_timeout,
            write_token=_write_token(env),
            remote=RemoteEndpoint.from_env(env),
            max_upload_bytes=max_upload_bytes,
            max_result_bytes=max_result_bytes,
            query_workers=query_workers,
            response_cache_mb=response_cache_mb,
        )

    def with_store(self, store_path: Path) -> Settings:
        """The same settings with another store path (for ``--store``)."""
        return replace(self, store_path=store_path.expanduser().absolute())

    @property
    def ontology_dir(self) -> Path:
        """``ontology/``: the core ontology and its alignments."""
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        """``data/``: vocabularies, instruments, correspondences and source texts."""
        return self.root / "data"

    @property
    def vocabularies_dir(self) -> Path:
        """``data/vocabularies/``: the SKOS schemes (forces, themes, qualifiers, small schemes)."""
        return self.data_dir / "vocabularies"

    @property
    def instruments_dir(self) -> Path:
        """``data/instruments/``: one file per encoded instrument."""
        return self.data_dir / "instruments"

    @property
    def correspondences_file(self) -> Path:
        """``data/correspondences.ttl``: the cross-instrument correspondences."""
        return self.data_dir / "correspondences.ttl"

    @property
    def shapes_dir(self) -> Path:
        """``shapes/``: the SHACL shapes."""
        return self.root / "shapes"
