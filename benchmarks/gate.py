"""The SHACL write gate's cost: one instrument written through ``WriteGate.put`` into stores of
several sizes.

The instrument is a synthetic copy of the joint call (about 1,100 triples, family ``bench`` of
:mod:`benchmarks.generate`), new to every store. For each size the store is bulk-loaded from a
synthetic graph of that size, then the instrument is put six times: the first put creates the
graph and reads the gate's reference graphs (ontology, vocabularies, shapes) once; the next
five replace it (their median is reported); ``WriteGate.shacl`` alone is timed too (median of
five).

``python -m benchmarks.gate --sizes 0,100000`` (size 0 = the real data only).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from api.namespaces import graph_iri
from api.store import OxigraphRepository
from api.writes import WriteGate
from benchmarks.generate import DATE, FAMILY, WORDS, Template, write_nquads
from benchmarks.systems import load_store

INSTRUMENT = "joint-call-2024"


def bench_instrument(template: Template) -> tuple[URIRef, Graph]:
    """The graph name and content of the synthetic instrument written by the gate benchmark."""
    unit = next(u for u in template.instruments if u.name == INSTRUMENT)
    slug = f"{INSTRUMENT}-syn-bench"
    name = str(graph_iri(slug))
    lines = "".join(
        line.replace(FAMILY, "bench").replace(WORDS, "Texto sintético ").replace(DATE, "")
        for line in unit.lines
    )
    content = Graph()
    triples = [
        f"{q.subject} {q.predicate} {q.object} .\n"
        for q in ox.parse(lines, format=ox.RdfFormat.N_QUADS)
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == name
    ]
    content.parse(data="".join(triples), format="nt")
    return URIRef(name), content


def measure_gate(
    template: Template, sizes: list[int], workdir: Path, seed: int, puts: int = 6
) -> list[dict[str, Any]]:
    """Time the gate on stores of ``sizes`` quads (0: the real data only)."""
    graph, content = bench_instrument(template)
    rows = []
    for size in sizes:
        nquads = workdir / f"synthetic-{size}-{seed}.nq"
        # always anew (about a second per million quads): a file left by an earlier run may
        # come from other sources or shapes
        write_nquads(template, nquads, triples=size, seed=seed)
        store_dir = workdir / f"gate-store-{size}"
        shutil.rmtree(store_dir, ignore_errors=True)
        load_store(nquads, store_dir)
        try:
            repository = OxigraphRepository(store_dir)
            quads = repository.count()
            gate = WriteGate(repository)
            times = []
            for _ in range(puts):
                started = time.perf_counter()
                gate.put(graph, content)
                times.append(time.perf_counter() - started)
            shacl = []
            for _ in range(5):
                started = time.perf_counter()
                report = gate.shacl(content)
                shacl.append(time.perf_counter() - started)
            if not report.conforms:
                raise RuntimeError(f"the benchmark instrument does not conform: {report.results}")
            repository.close()
        finally:
            shutil.rmtree(store_dir, ignore_errors=True)
        rows.append(
            {
                "store_quads": quads,
                "instrument_triples": len(content),
                "first": times[0],
                "median": statistics.median(times[1:]),
                "shacl": statistics.median(shacl),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="0,100000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("var/bench"))
    parser.add_argument("--store", type=Path, default=Path("var/bench/real-store"))
    arguments = parser.parse_args()
    template = Template.from_store(arguments.store)
    sizes = [int(s) for s in arguments.sizes.split(",")]
    for row in measure_gate(template, sizes, arguments.workdir, arguments.seed):
        print(row)


if __name__ == "__main__":
    main()
