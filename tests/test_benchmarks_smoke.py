"""A tiny run of the benchmark harness, so that it cannot rot (the figures are not checked).

It generates a small synthetic graph from the sources (no reasoner), checks that a generated
instrument still satisfies the project's shapes, and runs the whole harness on all four systems
with one query, two requests per cell and no gate.
"""

from __future__ import annotations

import gc
import gzip
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from api.settings import DEFAULT_ROOT, Settings
from api.validation import load_shapes, shape_files, validate
from benchmarks.client import Gzipped, _results_count, quiet_collector
from benchmarks.generate import GRAPH, Template, write_nquads
from benchmarks.run import main as run_benchmarks
from benchmarks.run import tables
from benchmarks.systems import wait_until_idle

SETTINGS = Settings.from_env({"OCSEA_ROOT": str(DEFAULT_ROOT)})


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.from_sources(SETTINGS)


def _graph(store: ox.Store, name: str) -> Graph:
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(GRAPH + name))
    return Graph().parse(data=data, format="nt")


def test_generated_graph_is_deterministic_sized_and_valid(
    template: Template, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.nq", tmp_path / "b.nq"
    stats = write_nquads(template, first, triples=25_000, seed=3)
    write_nquads(template, second, triples=25_000, seed=3)
    assert first.read_bytes() == second.read_bytes()
    assert write_nquads(template, tmp_path / "c.nq", triples=25_000, seed=4).quads == stats.quads
    assert (tmp_path / "c.nq").read_bytes() != first.read_bytes()
    assert 25_000 <= stats.quads < 25_000 + 2_000  # stops within one instrument of the target
    assert stats.instruments > 5 and stats.families >= 1

    store = ox.Store()
    store.bulk_load(path=str(first), format=ox.RdfFormat.N_QUADS)
    slug = "interpol-ga-2021-89-res-09"
    synthetic = _graph(store, f"{slug}-syn-1")
    original = _graph(store, slug)
    assert len(synthetic) == len(original)
    texts = {str(o) for o in synthetic.objects(None, None) if "syn-1" not in str(o)}
    assert texts != {str(o) for o in original.objects(None, None)}

    data = synthetic + _graph(store, "vocabularies")
    report = validate(
        data, load_shapes(shape_files(SETTINGS), SETTINGS.shapes_dir), _graph(store, "ontology")
    )
    assert report.conforms, [r.message for r in report.results if r.severity == "Violation"]


def test_harness_runs_every_system(tmp_path: Path) -> None:
    results = run_benchmarks(
        [
            "--triples", "20000", "--template", "sources", "--workdir", str(tmp_path),
            "--requests", "2", "--max-seconds", "1", "--warmup", "1", "--concurrency", "1,2",
            "--queries", "actors,rest:instruments,/api/forces", "--no-gate",
        ]
    )  # fmt: skip
    assert set(results["systems"]) == {"ours", "ours-nocache", "oxigraph", "rdflib", "pyoxigraph"}
    for system, figures in results["systems"].items():
        assert figures["peak_rss_mib"] > 0 and figures["first_answer_seconds"] > 0
        for workload, cells in figures["workloads"].items():
            for cell in cells:
                assert cell["errors"] == 0, (system, workload, cell["error"])
                assert cell["count"] >= 1
    actors = [
        cells[0]["results"]
        for figures in results["systems"].values()
        for name, cells in figures["workloads"].items()
        if name == "actors"
    ]
    assert len(actors) == 5 and len(set(actors)) == 1 and actors[0] > 10
    assert "/api/forces" in results["systems"]["ours"]["workloads"]
    report = tables(results)
    assert "| actors |" in report and "nocache ÷ oxigraph" in report
    assert results["meta"]["accept_encoding"] == "gzip" and "Accept-Encoding: gzip" in report
    assert "p99 ÷ p50 at concurrency 2 (target ≤ 3):" in report
    assert "- ours: largest " in report


def test_compressed_answers_are_counted_once_decoded() -> None:
    answer = b'{"results": {"bindings": [{}, {}, {}]}}'
    assert _results_count(Gzipped(gzip.compress(answer))) == 3 == _results_count(answer)
    assert _results_count(Gzipped(gzip.compress(b"<html>"))) is None


def test_the_client_collects_no_garbage_while_the_clock_runs() -> None:
    assert gc.isenabled()
    with quiet_collector():
        assert not gc.isenabled()
        before = gc.get_count()[0]
        junk = [[i] for i in range(5_000)]  # would start a collection, were it enabled
        assert gc.get_count()[0] >= before + len(junk)
    assert gc.isenabled()
    gc.disable()  # a caller that had turned it off keeps it off
    try:
        with quiet_collector():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_measuring_waits_until_the_server_is_idle() -> None:
    busy_then_idle = (
        "import time\nt = time.monotonic()\nwhile time.monotonic() - t < 1.5: pass\ntime.sleep(30)"
    )
    process = subprocess.Popen([sys.executable, "-c", busy_then_idle])
    try:
        waited = wait_until_idle(process.pid, window=0.25, timeout=20)
        assert 1.0 <= waited < 10
        assert wait_until_idle(process.pid, window=0.25, timeout=20) < 0.5  # idle: one window
    finally:
        process.kill()
        process.wait()
