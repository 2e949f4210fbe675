"""Keep the server's resident memory close to what it is using, on glibc (Linux).

A query over a large store allocates a lot for a short while (at 1 M quads a catalogue query's
evaluation takes 150 to 200 MiB in pyoxigraph) and frees it at the end. glibc's ``malloc`` keeps
freed memory inside the process, and by default gives every thread that allocates its own
*arena* (up to 8 per core), each keeping its own freed memory: a server that ran four heavy
queries in four threads stayed at 1.6 GB after they finished (measured, see BENCHMARKS.md).
Two calls fix that, and nothing else is needed:

- :func:`limit_malloc_arenas` caps the arenas (``mallopt(M_ARENA_MAX, n)``), called once by
  ``ocsea serve`` before the server starts its threads;
- :func:`release_free_memory` hands freed memory back to the system (``malloc_trim(0)``: about
  10 ms after a 200 MiB query), called after the long queries of the server's threads and of the
  query workers.

Why hand-written: no maintained library wraps these two glibc calls; ``ctypes`` reaches them.
Both do nothing (and say so by returning ``False``) where the C library is not glibc.

Example::

    >>> from api.memory import release_free_memory
    >>> release_free_memory() in (True, False)
    True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
from typing import Any

M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter number for the arena limit (``<malloc.h>``)."""

_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4

LONG_QUERY_SECONDS = 0.1
"""Queries that ran at least this long are followed by :func:`release_free_memory` (short ones
allocate little, and trimming after each of them would cost more than it gives back)."""


@functools.cache
def _glibc() -> Any | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:  # glibc has both functions; musl and macOS do not
        library = ctypes.CDLL(name)
        if not (hasattr(library, "mallopt") and hasattr(library, "malloc_trim")):
            return None
    except OSError:
        return None
    return library


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Let at most ``arenas`` malloc arenas exist in this process; ``False`` if not glibc."""
    library = _glibc()
    return bool(library is not None and library.mallopt(M_ARENA_MAX, arenas) == 1)


def release_free_memory() -> bool:
    """Return the memory this process has freed to the system; ``False`` if not glibc."""
    library = _glibc()
    if library is None:
        return False
    library.malloc_trim(0)
    return True


def resident_kib(pid: int | str = "self") -> int:
    """Resident memory of process ``pid`` now, in KiB (0 when it cannot be read, e.g. it ended)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE_KIB
    except (OSError, ValueError, IndexError):
        return 0
