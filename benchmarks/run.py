"""The benchmark harness: the same data and queries on four systems, printed as tables.

``python -m benchmarks.run --triples 100000`` (or ``make bench``):

1. builds the real graph once (``ocsea build``, with the reasoner) into ``var/bench/real-store``
   and generates a synthetic graph of about ``--triples`` quads from it
   (:mod:`benchmarks.generate`, ``--seed``);
2. starts, one after the other, this project's server (``ocsea serve`` on its embedded store,
   with its response cache, and again without: ``ours-nocache``), Oxigraph's server,
   rdflib-endpoint and pyoxigraph in-process, each on the same data, and drives each from a
   separate client process (:mod:`benchmarks.client`) on 127.0.0.1 at each ``--concurrency``
   level, with a warm-up and at most ``--requests`` requests or ``--max-seconds`` per query;
3. the workloads: every catalogue query (``queries/*.rq`` with its example arguments, as SPARQL
   text with the arguments in a ``VALUES`` block) and the keys queries of the REST resources
   (:mod:`api.rest.queries`), as SPARQL on every system; plus, on this project's server only,
   the same catalogue queries at ``/queries/{name}`` and the REST resources at ``/api/...``;
4. prints requests/s, p50, p99 per query and system, the ratios (ours ÷ each peer), load time,
   time from start to first answer and memory (the peak of the server's whole process tree,
   sampled every 20 ms, and the sum of each process's own peak, an upper bound), how long each
   server stayed busy after its first answer (measured once it is idle: ours hashes its store
   for the ETags meanwhile; :func:`benchmarks.systems.wait_until_idle`), the time to
   reopen the on-disk store and start on the real data, and the SHACL gate's cost
   (:mod:`benchmarks.gate`, unless ``--no-gate``).

Results are also written as JSON and Markdown to ``var/bench/``. Figures taken while the machine
is busy with other work say little; the tables record the load average at start and end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import URIRef

from api.build import build
from api.catalogue import load_catalogue
from api.namespaces import ID, graph_iri
from api.rest import queries as rest_queries
from api.settings import Settings
from api.store.remote import bind_values, sparql_prologue
from benchmarks import systems
from benchmarks.generate import Template, write_nquads

ROOT = systems.ROOT
SPARQL_JSON = {"Accept": "application/sparql-results+json"}
ACCEPT_GZIP = {"Accept-Encoding": "gzip"}
"""Sent by the client to every server, as browsers, ``requests`` and ``httpx`` do (each server
then answers as it does: ours compressed, Oxigraph's and rdflib-endpoint's as they are);
``--identity`` leaves it out."""
SYSTEMS = ("ours", "ours-nocache", "oxigraph", "rdflib", "pyoxigraph")
OURS = ("ours", "ours-nocache")
"""This project's server with its response cache (the default) and without it
(``OCSEA_RESPONSE_CACHE_MB=0``: every request reaches the store)."""
PEERS = ("oxigraph", "rdflib", "pyoxigraph")


@dataclass
class Workload:
    """One query: its SPARQL text (all systems) or, for ours only, an HTTP path."""

    name: str
    group: str
    sparql: str | None = None
    path: str | None = None
    params: dict[str, str] | None = None


def sparql_workloads(settings: Settings) -> list[Workload]:
    """The catalogue queries with their example arguments and the REST resources' keys queries."""
    prologue = sparql_prologue()
    found: list[Workload] = []
    for query in load_catalogue(settings):
        bindings = query.bind(query.example_arguments())
        found.append(
            Workload(query.name, "catalogue", prologue + bind_values(query.text, bindings))
        )
    osce = URIRef(ID + "osce-mc-dec-9-07")
    rest: dict[str, tuple[tuple[str, list[str]], dict[str, URIRef]]] = {
        "rest:instruments": (rest_queries.instrument_keys(), {}),
        "rest:provisions": (rest_queries.provision_keys(), {"instrument": osce}),
        "rest:statements": (rest_queries.statement_keys(), {}),
        "rest:themes": (rest_queries.theme_coverage(), {}),
        "rest:citations": (rest_queries.citation_keys(), {}),
        "rest:correspondences": (rest_queries.correspondence_keys(), {}),
    }
    known = {"inferredGraph": graph_iri("inferred")}
    for name, ((text, variables), given) in rest.items():
        bindings = {v: given.get(v) or known[v] for v in variables}
        found.append(Workload(name, "rest-sparql", prologue + bind_values(text, bindings)))
    return found


def http_workloads(settings: Settings) -> list[Workload]:
    """This project's own routes: the catalogue over HTTP and the REST resources."""
    found = [
        Workload(
            f"/queries/{q.name}",
            "catalogue-http",
            path=f"/queries/{q.name}",
            params=q.example_arguments(),
        )
        for q in load_catalogue(settings)
    ]
    for path in (
        "/api/instruments",
        "/api/instruments/osce-mc-dec-9-07/provisions",
        "/api/statements",
        "/api/actors",
        "/api/themes",
        "/api/citations",
        "/api/correspondences",
        "/api/forces",
    ):
        found.append(Workload(path, "rest-http", path=path))
    return found


def _client(job: dict[str, Any]) -> dict[str, Any]:
    """Run :mod:`benchmarks.client` in its own process on ``job``."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.client"],
        input=json.dumps(job).encode(),
        capture_output=True,
        check=False,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the client failed: {completed.stderr.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def _http_job(
    started: systems.Started, loads: list[Workload], options: argparse.Namespace
) -> dict[str, Any]:
    encoding = {} if options.identity else ACCEPT_GZIP
    items: list[dict[str, Any]] = []
    for w in loads:
        if w.sparql is not None:
            items.append(
                {
                    "name": w.name,
                    "path": started.sparql_path,
                    "params": {"query": w.sparql},
                    "headers": {**SPARQL_JSON, **encoding},
                }
            )
        else:
            accept = SPARQL_JSON if w.group == "catalogue-http" else {"Accept": "application/json"}
            headers = {**accept, **encoding}
            items.append({"name": w.name, "path": w.path, "params": w.params, "headers": headers})
    return {
        "target": {"kind": "http", "base": started.base_url},
        "workloads": items,
        **_limits(options),
    }


def _limits(options: argparse.Namespace) -> dict[str, Any]:
    return {
        "concurrency": options.concurrency,
        "warmup": options.warmup,
        "requests": options.requests,
        "max_seconds": options.max_seconds,
        "timeout": options.timeout,
    }


def run_system(
    name: str,
    nquads: Path,
    workdir: Path,
    loads: list[Workload],
    extra: list[Workload],
    options: argparse.Namespace,
) -> dict[str, Any]:
    """Start one system, measure it, stop it; its figures."""
    say(f"· {name}")
    if name == "pyoxigraph":
        job = {
            "target": {"kind": "pyoxigraph", "nquads": str(nquads)},
            "workloads": [{"name": w.name, "sparql": w.sparql} for w in loads],
            **_limits(options),
        }
        out = _client(job)
        return {
            "load_seconds": out["load_seconds"],
            "first_answer_seconds": out["first_answer_seconds"],
            "peak_rss_mib": out["peak_rss_mib"],
            "workloads": out["workloads"],
        }
    starters: dict[str, Callable[[], AbstractContextManager[systems.Started]]] = {
        "ours": lambda: systems.ours(nquads, workdir),
        "ours-nocache": lambda: systems.ours(nquads, workdir, response_cache=False),
        "oxigraph": lambda: systems.oxigraph_server(nquads, workdir),
        "rdflib": lambda: systems.rdflib_endpoint(nquads, workdir),
    }
    with starters[name]() as started:
        settled = systems.wait_until_idle(started.process.pid)
        with systems.MemorySampler(started.process.pid) as sampler:
            out = _client(_http_job(started, loads + (extra if name in OURS else []), options))
        rss = systems.peak_rss_mib(started.process.pid)
    return {
        "load_seconds": started.load_seconds,
        "first_answer_seconds": started.first_answer_seconds,
        "peak_rss_mib": sampler.peak_mib,
        "sum_of_peaks_mib": rss,
        "settled_seconds": settled,
        "workloads": out["workloads"],
    }


def reopen_seconds(store: Path) -> float:
    """Seconds for a new process to open ``store`` read-only and answer a count (timed inside)."""
    code = (
        "import time, pyoxigraph as ox; t = time.perf_counter(); "
        f"s = ox.Store.read_only({str(store)!r}); "
        "list(s.query('SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }', "
        "use_default_graph_as_union=True)); "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True)
    return float(out.stdout.strip())


def once(nquads: Path, workload: Workload, timeout: float) -> str:
    """Seconds one run of ``workload`` takes in pyoxigraph (in-memory, in a new process)."""
    code = (
        "import sys, time, pyoxigraph as ox; s = ox.Store(); "
        "s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS); t = time.perf_counter(); "
        "list(s.query(sys.stdin.read(), use_default_graph_as_union=True)); "
        "print(round(time.perf_counter() - t, 3))"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code, str(nquads)], input=workload.sparql, text=True,
            capture_output=True, check=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"> {timeout:g}"
    return out.stdout.strip()


# -- tables --------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:.1f}"


def _cell(results: dict[str, Any], system: str, workload: str, level: int) -> dict[str, Any] | None:
    for cell in results["systems"].get(system, {}).get("workloads", {}).get(workload, []):
        if cell["concurrency"] == level:
            return dict(cell)
    return None


def tables(results: dict[str, Any]) -> str:
    """The results as Markdown tables."""
    lines: list[str] = []
    meta = results["meta"]
    lines.append(
        f"Data: {meta['quads']:,} quads ({meta['instruments']} instruments), seed {meta['seed']}; "
        f"load average {meta['load_before']} before, {meta['load_after']} after; "
        f"{meta['cpus']} CPUs. Requests per cell ≤ {meta['requests']} "
        f"or ≤ {meta['max_seconds']} s; Accept-Encoding: {meta.get('accept_encoding', 'identity')}."
    )
    lines.append("")
    lines.append(
        "| system | load s | start → first answer s | busy after it s "
        "| peak RSS MiB | Σ per-process peaks MiB |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|")
    for system, figures in results["systems"].items():
        # one process (pyoxigraph in the client): its own peak is both figures
        summed = figures.get("sum_of_peaks_mib", figures["peak_rss_mib"])
        settled = figures.get("settled_seconds")  # none in-process
        lines.append(
            f"| {system} | {figures['load_seconds']:.2f} | {figures['first_answer_seconds']:.2f} "
            f"| {'n/a' if settled is None else f'{settled:.1f}'} "
            f"| {figures['peak_rss_mib']:.0f} | {summed:.0f} |"
        )
    lines.append("")
    for level in meta["concurrency"]:
        present = [s for s in SYSTEMS if s in results["systems"]]
        peers = [p for p in PEERS if p in present]
        ratios = [(o, p) for o in OURS if o in present for p in peers]
        lines.append(
            f"**Concurrency {level}** — requests/s (p50 ms / p99 ms of the answered requests, "
            "then the failed ones, e.g. 503 past the time limit); ratio = ours ÷ peer "
            "(nocache: ours without the response cache ÷ peer)"
        )
        lines.append("")
        names = [f"÷ {p}" if o == "ours" else f"nocache ÷ {p}" for o, p in ratios]
        header = "| query | " + " | ".join(present) + " | " + " | ".join(names) + " | results |"
        lines.append(header)
        lines.append("|---|" + "---:|" * (len(present) + len(ratios)) + "---|")
        for workload in results["workloads"]:
            cells = {s: _cell(results, s, workload, level) for s in present}
            row = [workload]
            for s in present:
                c = cells[s]
                if c is None:
                    row.append("")
                elif not c["count"]:
                    row.append(f"failed ({c['errors']} errors)")
                else:
                    errors = f", {c['errors']} errors" if c["errors"] else ""
                    row.append(f"{c['rps']:.1f} ({_ms(c['p50'])} / {_ms(c['p99'])}{errors})")
            for o, p in ratios:
                mine, c = cells[o], cells[p]
                if mine and c and mine["count"] and c["count"]:
                    row.append(f"{mine['rps'] / c['rps']:.2f}")
                else:
                    row.append("")
            counts = {c["results"] for c in cells.values() if c and c["count"]}
            row.append("same" if len(counts) == 1 else ", ".join(map(str, sorted(counts, key=str))))
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    lines.extend(tail_ratios(results))
    for name, value in results.get("extra", {}).items():
        lines.append(f"- {name}: {value}")
    if "gate" in results:
        lines.append("")
        lines.append("SHACL write gate (PUT of one instrument graph through `WriteGate.put`):")
        lines.append("")
        lines.append(
            "| store quads | instrument triples | first put s | next puts s (median) "
            "| shacl only s |"
        )
        lines.append("|---:|---:|---:|---:|---:|")
        for row in results["gate"]:
            lines.append(
                f"| {row['store_quads']:,} | {row['instrument_triples']} | {row['first']:.2f} "
                f"| {row['median']:.2f} | {row['shacl']:.2f} |"
            )
    return "\n".join(lines) + "\n"


TAIL_TARGET = 3.0
"""The target: p99 at most this many times p50 at the highest concurrency."""


def tail_ratios(results: dict[str, Any]) -> list[str]:
    """Per system, p99 ÷ p50 at the highest concurrency: the largest, and the cells over target."""
    level = max(results["meta"]["concurrency"])
    lines = [f"p99 ÷ p50 at concurrency {level} (target ≤ {TAIL_TARGET:g}):", ""]
    for system in results["systems"]:
        ratios = []
        for workload in results["workloads"]:
            c = _cell(results, system, workload, level)
            if c and c["count"] and c["p50"]:
                ratios.append((c["p99"] / c["p50"], workload))
        if not ratios:
            continue
        worst, where = max(ratios)
        over = [w for r, w in ratios if r > TAIL_TARGET]
        listed = f": {', '.join(over)}" if over else ""
        lines.append(
            f"- {system}: largest {worst:.2f} ({where}); {len(over)} of {len(ratios)} "
            f"workloads over{listed}"
        )
    lines.append("")
    return lines


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def real_store(workdir: Path) -> Path:
    """The real data built once (with the reasoner) into ``workdir/real-store``."""
    store = workdir / "real-store"
    if not store.exists():
        say("building the real graph (ocsea build) …")
        build(store, Settings.from_env())
    return store


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument(
        "--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8]
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=4000,
        help="measured requests per workload and concurrency, at most (4000: the p99 is read "
        "from the slowest 40 answers; with 400 one pause of a few ms made it)",
    )
    parser.add_argument("--max-seconds", type=float, default=3.0)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--queries", default="", help="only these workloads (comma-separated)")
    parser.add_argument(
        "--exclude",
        default="",
        help="catalogue queries left out of the load runs (also at /queries/…), each timed once "
        "in pyoxigraph instead (for queries too slow to repeat; none by default)",
    )
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument(
        "--template",
        choices=["store", "sources"],
        default="store",
        help="the built store (with inferences) or the sources (no reasoner)",
    )
    parser.add_argument(
        "--identity",
        action="store_true",
        help="no Accept-Encoding: gzip (answers sent uncompressed by every server)",
    )
    parser.add_argument("--no-gate", action="store_true")
    parser.add_argument("--gate-sizes", default="0,100000,1000000")
    options = parser.parse_args(argv)
    settings = Settings.from_env()
    options.workdir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]

    template = (
        Template.from_store(real_store(options.workdir))
        if options.template == "store"
        else Template.from_sources(settings)
    )
    nquads = options.workdir / f"synthetic-{options.triples}-{options.seed}.nq"
    stats = write_nquads(template, nquads, triples=options.triples, seed=options.seed)
    say(f"generated {stats.quads:,} quads ({stats.instruments} instruments) → {nquads}")

    loads = sparql_workloads(settings)
    extra = http_workloads(settings)
    if options.queries:
        wanted = set(options.queries.split(","))
        loads = [w for w in loads if w.name in wanted]
        extra = [w for w in extra if w.name in wanted]
    left_out = {name for name in options.exclude.split(",") if name}
    excluded = [w for w in loads if w.name in left_out]
    loads = [w for w in loads if w not in excluded]
    extra = [w for w in extra if w.name.removeprefix("/queries/") not in left_out]
    results: dict[str, Any] = {"systems": {}, "workloads": [w.name for w in loads + extra]}
    run_dir = options.workdir / f"run-{options.triples}"
    for system in options.systems.split(","):
        workdir = run_dir / system
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        results["systems"][system] = run_system(system, nquads, workdir, loads, extra, options)
        partial = options.workdir / f"results-{options.triples}.partial.json"
        partial.write_text(json.dumps(results, indent=1))  # a long run can be read as it goes
    results["extra"] = {}
    for workload in excluded:
        results["extra"][f"{workload.name} (left out), one run in pyoxigraph (s)"] = once(
            nquads, workload, options.timeout * 4
        )
    if (run_dir / "ours" / "store").exists():
        results["extra"]["reopen the on-disk store and count (s)"] = round(
            reopen_seconds(run_dir / "ours" / "store"), 3
        )
        if options.template == "store":
            with systems.ours(nquads, run_dir / "ours", store=real_store(options.workdir)) as real:
                results["extra"]["ours on the real data: start → first answer (s)"] = round(
                    real.first_answer_seconds, 3
                )
    if not options.no_gate:
        from benchmarks.gate import measure_gate

        sizes = [int(s) for s in options.gate_sizes.split(",") if s]
        results["gate"] = measure_gate(template, sizes, options.workdir, options.seed)
    results["meta"] = {
        "quads": stats.quads,
        "instruments": stats.instruments,
        "seed": options.seed,
        "concurrency": options.concurrency,
        "requests": options.requests,
        "max_seconds": options.max_seconds,
        "cpus": os.cpu_count(),
        "accept_encoding": "identity" if options.identity else "gzip",
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    report = tables(results)
    print(report)
    (options.workdir / f"results-{options.triples}.json").write_text(json.dumps(results, indent=1))
    (options.workdir / f"results-{options.triples}.md").write_text(report)
    return results


if __name__ == "__main__":
    main()
