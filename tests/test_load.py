"""Short, bounded versions of ``benchmarks/load.py`` against a real ``ocsea serve`` on 127.0.0.1.

- mixed load: 20 clients for 3 s mixing SPARQL, REST, catalogue, pages and ``/id``: no error;
- runaway isolation: two runaway SPARQL queries kept in flight (the server's limit is 3 s) while
  10 clients run catalogue queries for 5 s: the runaways are stopped with a 503 that says so, and
  the catalogue clients get no error and a p99 under a generous 1 s (2 shared cores). The full
  measurement (20 clients, figures in SECURITY.md) is ``python -m benchmarks.load --runaway``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.load import OCSEA, Server, mixed_load, runaway_isolation, running_server

pytestmark = pytest.mark.skipif(not OCSEA.is_file(), reason=f"no {OCSEA} (install the package)")


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("load") / "server.log"
    with running_server(built_store, log, env={"OCSEA_QUERY_TIMEOUT": "3"}) as running:
        yield running


def test_mixed_load_has_no_error(server: Server) -> None:
    results = mixed_load(server.url, clients=20, seconds=3.0, seed=11)
    summary = results.summary()
    assert summary["errors"] == 0, summary["error_examples"]
    assert set(summary["by_kind"]) == {"sparql", "rest", "catalogue", "page", "id"}
    assert summary["requests"] >= 40, summary  # every client got answers, not one each


def test_catalogue_stays_fast_while_two_runaway_queries_run(server: Server) -> None:
    result = runaway_isolation(server.url, clients=10, seconds=5.0, seed=3)
    summary = result.catalogue.summary()
    assert result.runaway_answers, "no runaway query was stopped within the measurement"
    assert set(result.runaway_answers) == {503}
    assert any("was stopped" in message for message in result.runaway_messages)
    assert summary["errors"] == 0, summary["error_examples"]
    assert summary["all"]["p99_ms"] < 1000, summary
