"""Which graphs of an embedded store were written over HTTP since ``ocsea build`` made it.

``ocsea build`` makes the store from ``data/`` again and replaces the old one; a graph written
with the Graph Store Protocol or SPARQL Update lives only in the store. So that a rebuild loses
nothing, the write gate (:mod:`api.writes`) records the name of every graph it is about to
change in a small text file beside the store (``.{store name}.http-writes``, one
``time<TAB>graph`` line per graph and write), and the build (:mod:`api.build`) saves the current
content of those graphs as Turtle files before it replaces the store, then starts a new record.

The line is written, and flushed to disk, *before* the store's transaction: a crash in between
leaves a graph recorded that did not change (saved for nothing), never a change unrecorded.
The file sits beside the store, not inside RocksDB's directory, which the build replaces whole.

Why hand-written: a few lines of text; no library needed.

Example::

    >>> from pathlib import Path
    >>> import tempfile
    >>> store = Path(tempfile.mkdtemp()) / "store"
    >>> record_writes(store, ["https://w3id.org/ocsea/id/graph/my-law"])
    >>> written_graphs(store)
    ['https://w3id.org/ocsea/id/graph/my-law']
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_GRAPH = "default"
"""How the store's default graph is named in the record (it has no IRI)."""


def log_path(store: Path) -> Path:
    """The record of the store at ``store``: a hidden file beside it."""
    return store.parent / f".{store.name}.http-writes"


def record_writes(store: Path, graphs: Iterable[str | None]) -> None:
    """Add ``graphs`` (``None``: the default graph) to the record, on disk before returning."""
    names = [DEFAULT_GRAPH if graph is None else graph for graph in graphs]
    if not names:
        return
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with open(log_path(store), "a", encoding="utf-8") as log:
        log.write("".join(f"{now}\t{name}\n" for name in names))
        log.flush()
        os.fsync(log.fileno())


def written_graphs(store: Path) -> list[str]:
    """The graphs recorded for ``store``, each once, in the order first written."""
    try:
        lines = log_path(store).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    names = (line.split("\t", 1)[-1].strip() for line in lines)
    return list(dict.fromkeys(name for name in names if name))


def forget_writes(store: Path) -> None:
    """Start a new record (the build has saved what the old one named)."""
    log_path(store).unlink(missing_ok=True)
