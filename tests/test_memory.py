"""Freed memory handed back to the system (api.memory), on glibc."""

from __future__ import annotations

import subprocess
import sys

import pytest

from api.memory import _glibc, release_free_memory, resident_kib

pytestmark = pytest.mark.skipif(_glibc() is None, reason="the C library is not glibc")


def _rss_mib() -> float:
    return resident_kib() / 1024


def test_freed_memory_goes_back_to_the_system() -> None:
    # 200 MiB in 4 KiB blocks (malloc's heap, not Python's small-object allocator), then every
    # block freed but one in 64: the heap cannot shrink from its top, only a trim returns it
    blocks = [bytearray(4096) for _ in range(50_000)]
    kept = blocks[::64]
    del blocks
    before = _rss_mib()
    assert release_free_memory() is True
    after = _rss_mib()
    assert len(kept) == 782
    assert before - after > 50, (before, after)


def test_arena_limit_is_accepted() -> None:
    code = "from api.memory import limit_malloc_arenas; print(limit_malloc_arenas(2))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "True"
