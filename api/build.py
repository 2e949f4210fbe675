"""The build: load all sources → SHACL-validate → reason → write a fresh store, atomically.

1. **load**: every file of ``ontology/``, ``data/vocabularies/``, ``data/instruments/`` and
   ``data/correspondences.ttl`` into its named graph (see :mod:`api.loading`);
2. **validate**: instruments + vocabularies + correspondences against ``shapes/*.ttl`` with the
   ontology mixed in; a violation stops the build with :class:`BuildError` carrying the report;
3. **reason**: Pellet over everything (see :mod:`api.reasoning`); the new triples go to the
   named graph ``…/id/graph/inferred``;
4. **store**: a new pyoxigraph store is written in a temporary directory next to the target and
   then renamed over the old one, so a failed build never leaves a half-written store behind.
   Graphs written over HTTP into the old store since it was built (recorded by the write gate,
   :mod:`api.write_log`) are first saved as Turtle files in ``{store}-http-writes-{time}/``
   beside it, and the build's notes say so: a rebuild loses nothing.
   With a remote SPARQL server configured (``OCSEA_SPARQL_ENDPOINT``, ``settings.remote``) the
   graphs are uploaded there instead, nothing is written on disk: each graph is replaced in one
   request (see :mod:`api.store.remote`), then the project's graphs the build no longer makes
   (e.g. of a removed instrument) are deleted. First, every instrument graph there that the
   upload would remove or change (one written over HTTP, or edited since the last build) is saved
   as Turtle in ``{store}-remote-graphs-{time}/`` on this machine, and the notes say so
   (:func:`save_remote_graphs`): no record of writes is needed, since the remote graphs are
   compared with what the build makes. Readers may see old and new graphs side by side
   while the upload runs; a failed upload (:class:`~api.store.base.RepositoryError`) leaves
   some graphs replaced and others not, and is mended by building again.

:class:`BuildSummary` reports triples per graph, the number of instruments, provisions,
statements and actors (counted by SPARQL on the new store, so inferred types count), SHACL
results, and the time of each step.

Example::

    >>> from api.build import build
    >>> summary = build(Path("var/store"), Settings.from_env())   # doctest: +SKIP
    >>> print(summary.to_table())                                 # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from api.loading import LoadedSources, load_sources
from api.namespaces import (
    BUILD_GRAPH_NAMES,
    INFERRED_GRAPH,
    OCSEA,
    SHAPES_GRAPH,
    bind_prefixes,
    graph_iri,
    graph_namespace,
)
from api.reasoning import ReasoningResult, reason
from api.settings import Settings
from api.store.base import Repository
from api.store.oxigraph import OxigraphRepository
from api.validation import ValidationReport, load_shapes, shape_files, validate
from api.write_log import DEFAULT_GRAPH, forget_writes, written_graphs


class BuildError(Exception):
    """The build stopped. ``report`` is set when the data does not conform to the shapes."""

    def __init__(self, message: str, report: ValidationReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class BuildSummary:
    """What a build produced; ``to_table()`` prints it."""

    store_path: Path
    graphs: dict[str, int]
    instruments: int
    provisions: int
    statements: int
    actors: int
    violations: int
    warnings: int
    infos: int
    shapes_files: int
    reasoner: str
    inferred: int
    version: str
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    remote: str | None = None
    """The query URL of the remote SPARQL server the graphs went to (``None``: on disk)."""

    def to_table(self) -> str:
        """The summary as aligned plain-text tables."""
        prefix = graph_namespace()
        rows = [(g.removeprefix(prefix), n) for g, n in self.graphs.items()]
        width = max([len("graph"), *(len(name) for name, _ in rows)])
        where = f"remote SPARQL server {self.remote}" if self.remote else str(self.store_path)
        out = [f"Store: {where} (version {self.version})", ""]
        out.append(f"{'graph':<{width}}  {'triples':>8}")
        out.append(f"{'-' * width}  {'-' * 8}")
        out.extend(f"{name:<{width}}  {n:>8}" for name, n in rows)
        out.append(f"{'total':<{width}}  {sum(self.graphs.values()):>8}")
        out.append("")
        out.append(
            f"instruments {self.instruments}   provisions {self.provisions}   "
            f"statements {self.statements}   actors {self.actors}"
        )
        if self.shapes_files:
            out.append(
                f"SHACL: {self.violations} violations, {self.warnings} warnings, "
                f"{self.infos} infos "
                f"({self.shapes_files} shapes file{'s' if self.shapes_files != 1 else ''})"
            )
        else:
            out.append("SHACL: no shapes in shapes/, validation skipped")
        out.append(f"reasoner: {self.reasoner}, {self.inferred} inferred triples")
        out.append("")
        out.append(f"{'step':<10}  {'seconds':>8}")
        out.append(f"{'-' * 10}  {'-' * 8}")
        out.extend(f"{step:<10}  {secs:>8.2f}" for step, secs in self.timings.items())
        out.extend(f"note: {n}" for n in self.notes)
        return "\n".join(out) + "\n"


def _looks_like_store(path: Path) -> bool:
    """True for an empty directory or a RocksDB directory (what pyoxigraph writes)."""
    if not path.is_dir():
        return False
    names = {p.name for p in path.iterdir()}
    return not names or ("CURRENT" in names and any(n.startswith("OPTIONS-") for n in names))


def _swap_into_place(built: Path, target: Path) -> None:
    """Rename ``built`` to ``target``, moving the old store aside first and deleting it after."""
    old: Path | None = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(target, old)
    try:
        os.rename(built, target)
    except OSError:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _file_name(graph: str, prefix: str) -> str:
    """A file name for a saved graph: the slug of an instrument graph, else the IRI made safe."""
    if graph == DEFAULT_GRAPH:
        return "default-graph.ttl"
    name = graph.removeprefix(prefix) if graph.startswith(prefix) else graph
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:150] + ".ttl"


def save_http_writes(store: Path, base_iri: str) -> str | None:
    """Save, as Turtle files beside ``store``, the graphs written into it over HTTP since it was
    built (:mod:`api.write_log`), before a build replaces it. A note saying where, or ``None``.

    Each graph is saved as it is now; one deleted since is listed in ``README.txt``.
    """
    names = written_graphs(store)
    if not names or not _looks_like_store(store) or not any(store.iterdir()):
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = store.parent / f"{store.name}-http-writes-{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    prefix = graph_namespace(base=base_iri)
    saved: list[str] = []
    deleted: list[str] = []
    repository = OxigraphRepository(store, read_only=True)
    try:
        named = {str(g) for g in repository.graphs()}
        for name in names:
            if name != DEFAULT_GRAPH and name not in named:
                deleted.append(name)
                continue
            node: ox.NamedNode | ox.DefaultGraph = (
                ox.DefaultGraph() if name == DEFAULT_GRAPH else ox.NamedNode(name)
            )
            graph = bind_prefixes(Graph())
            data = repository.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
            if data.strip():
                graph.parse(data=data.decode("utf-8"), format="nt")
            file = folder / _file_name(name, prefix)
            graph.serialize(destination=file, format="turtle", encoding="utf-8")
            saved.append(file.name)
    finally:
        repository.close()
    lines = [
        f"Graphs written over HTTP into {store} since it was built, saved on "
        f"{stamp} before `ocsea build` replaced the store with one made from data/.",
        "Copy an instrument graph to data/instruments/ and build again to keep it.",
        "",
        *(f"saved: {file}" for file in saved),
        *(f"deleted over HTTP (nothing to save): {name}" for name in deleted),
    ]
    _write_readme(folder, lines)
    what = f"{len(saved)} graph(s) written over HTTP since the last build were saved to {folder}"
    if deleted:
        what += f" ({len(deleted)} deleted over HTTP: listed in README.txt there)"
    return what + "; copy instrument graphs to data/instruments/ to keep them in the graph"


def _write_readme(folder: Path, lines: list[str]) -> None:
    (folder / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _term_key(term: Node) -> object:
    """A literal by its value where it has one: a server that stores
    ``"5"^^xsd:positiveInteger`` as ``"5"^^xsd:integer`` (Oxigraph), or a literal in another
    lexical form of the same value, has not changed it."""
    if isinstance(term, Literal) and term.value is not None and term.language is None:
        value = term.value
        family = "number" if isinstance(value, (int, float, Decimal)) else type(value).__name__
        return ("value", family, value)
    return term


def _same_content(a: Graph, b: Graph) -> bool:
    """The same triples, literals compared by value (:func:`_term_key`); blank nodes by
    isomorphism."""
    if len(a) != len(b):
        return False
    if any(isinstance(t, BNode) for triple in a for t in triple):
        return a.isomorphic(b)
    keys = {tuple(_term_key(t) for t in triple) for triple in a}
    return keys == {tuple(_term_key(t) for t in triple) for triple in b}


def save_remote_graphs(
    repo: Repository, new: dict[URIRef, Graph], store: Path, base_iri: str
) -> str | None:
    """Save, as Turtle files in ``{store}-remote-graphs-{time}/``, the instrument graphs of the
    remote store ``repo`` that uploading ``new`` would remove or change. A note, or ``None``.

    Only instrument graphs can be written over HTTP (the build's own graphs are refused by the
    write gate), so those are compared: one that ``new`` lacks, or whose content differs from it,
    holds something only the remote store has. Literals are compared by value (servers store
    integer subtypes or canonical forms of their own); a server that rewrites them in other ways
    makes more graphs differ than were written: more is saved, nothing lost.
    """
    prefix = graph_namespace(base=base_iri)
    own = {graph_iri(name, base=base_iri) for name in BUILD_GRAPH_NAMES}
    losing: dict[str, Graph] = {}
    for name in repo.graphs():
        if not str(name).startswith(prefix) or name in own:
            continue
        current = repo.get_graph(name)
        replacement = new.get(name)
        if len(current) and (replacement is None or not _same_content(current, replacement)):
            losing[str(name)] = current
    if not losing:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = store.parent / f"{store.name}-remote-graphs-{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for iri, graph in losing.items():
        file = folder / _file_name(iri, prefix)
        bind_prefixes(graph).serialize(destination=file, format="turtle", encoding="utf-8")
        saved.append(f"{'changed' if URIRef(iri) in new else 'removed'}: {file.name} ({iri})")
    _write_readme(
        folder,
        [
            f"Instrument graphs of the remote store that `ocsea build` replaced or removed on "
            f"{stamp}, saved as they were: their content was not made from data/ (written over "
            "HTTP, or changed on the server since the last build).",
            "Copy an instrument graph to data/instruments/ and build again to keep it.",
            "",
            *saved,
        ],
    )
    return (
        f"{len(losing)} instrument graph(s) on the remote store that differed from data/ were "
        f"saved to {folder} before the upload; copy them to data/instruments/ to keep them"
    )


def _write_store(
    target: Path, sources: LoadedSources, extra: dict[URIRef, Graph], *, base_iri: str
) -> tuple[dict[str, int], dict[str, int], str, str | None]:
    """Write all graphs into a new store at ``target`` (atomically), after saving what was
    written over HTTP into the old one (:func:`save_http_writes`). Counts, version, that note."""
    target = target.absolute()
    if target.exists() and not _looks_like_store(target):
        raise BuildError(f"refusing to replace {target}: it exists and is not a triple store")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    try:
        repo = OxigraphRepository(tmp)
        try:
            for name in sources.graph_names():
                repo.put_graph(name, sources.graph(name))
            for name, graph in extra.items():
                repo.put_graph(name, graph)
            graphs = {str(g): repo.count(g) for g in [*sources.graph_names(), *extra]}
            counts = {
                "instruments": repo.types(OCSEA.EncodedInstrument),
                "provisions": repo.types(OCSEA.Provision),
                "statements": repo.types(OCSEA.NormativeStatement),
                "actors": repo.types(OCSEA.Actor),
            }
            version = repo.version()
        finally:
            repo.close()
            del repo
        saved = save_http_writes(target, base_iri) if target.exists() else None
        _swap_into_place(tmp, target)
        forget_writes(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return graphs, counts, version, saved


def _upload(
    settings: Settings, store: Path, sources: LoadedSources, extra: dict[URIRef, Graph]
) -> tuple[dict[str, int], dict[str, int], str, str | None]:
    """Replace the project's graphs on the remote server of ``settings``, after saving beside
    ``store`` what only the server has (:func:`save_remote_graphs`). Counts, version, that note."""
    from api.store.remote import RemoteRepository

    assert settings.remote is not None
    names = [*sources.graph_names(), *extra]
    namespace = graph_namespace(base=settings.base_iri)
    with RemoteRepository(settings.remote, read_only=False, graph_namespace=namespace) as repo:
        new = {name: extra[name] if name in extra else sources.graph(name) for name in names}
        saved = save_remote_graphs(repo, new, store.absolute(), settings.base_iri)
        for name in names:
            repo.put_graph(name, new[name])
        for stale in set(repo.graphs()) - set(names):
            repo.delete_graph(stale)
        graphs = {str(g): repo.count(g) for g in names}
        counts = {
            "instruments": _instances(repo, OCSEA.EncodedInstrument),
            "provisions": _instances(repo, OCSEA.Provision),
            "statements": _instances(repo, OCSEA.NormativeStatement),
            "actors": _instances(repo, OCSEA.Actor),
        }
        return graphs, counts, repo.version(), saved


def _instances(repo: Repository, cls: URIRef) -> int:
    """Number of distinct resources of type ``cls`` (inferred types included)."""
    result = repo.select("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?class }", {"class": cls})
    return int(str(result.rows[0]["n"])) if result.rows else 0


def build(
    store_path: Path | None = None,
    settings: Settings | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Run the whole build into ``store_path`` (default: the settings' store path).

    With ``settings.remote`` set, the graphs are uploaded to that server instead of being written
    to ``store_path`` (:class:`~api.store.base.RepositoryError` when it cannot take them).

    Raises :class:`~api.loading.SourceError` for unreadable files,
    :class:`~api.validation.ShapesError` for shapes pySHACL cannot use, :class:`BuildError` for data
    that does not conform (with ``report``), :class:`~api.reasoning.InconsistentOntologyError`
    when the reasoner finds the data inconsistent, :class:`~api.reasoning.ReasonerError` when it
    cannot run.
    """
    settings = settings or Settings.from_env()
    target = store_path or settings.store_path
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    notes: list[str] = []
    started = time.perf_counter()

    t = time.perf_counter()
    say("loading sources …")
    sources = load_sources(settings)
    if not any(f.kind == "ontology" for f in sources.files):
        raise BuildError(f"no ontology found in {settings.ontology_dir}")
    if not any(f.kind == "instrument" for f in sources.files):
        notes.append(f"no instrument files in {settings.instruments_dir}")
    timings["load"] = time.perf_counter() - t

    t = time.perf_counter()
    shapes = shape_files(settings)
    report: ValidationReport | None = None
    shapes_graph = Graph()
    if shapes:
        say(f"validating with {len(shapes)} shapes file(s) …")
        shapes_graph = load_shapes(shapes, settings.shapes_dir)
        data = sources.merged(["instrument", "vocabularies", "correspondences"])
        report = validate(
            data,
            shapes_graph,
            sources.merged(["ontology"]),
            texts=sources.texts,
            root=settings.root,
        )
        if not report.conforms:
            raise BuildError(
                f"the data does not conform to the shapes ({report.violations} violations)", report
            )
    else:
        notes.append(f"no SHACL shapes in {settings.shapes_dir}: validation skipped")
    timings["validate"] = time.perf_counter() - t

    t = time.perf_counter()
    say("reasoning …")
    reasoning: ReasoningResult = reason(sources.merged(), java_memory_mb=settings.java_memory_mb)
    notes.extend(reasoning.notes)
    timings["reason"] = time.perf_counter() - t

    t = time.perf_counter()
    # the shapes are served (and used by the write gate) from the store, not from shapes/
    extra = {graph_iri(INFERRED_GRAPH, base=settings.base_iri): reasoning.inferred}
    if shapes:
        extra[graph_iri(SHAPES_GRAPH, base=settings.base_iri)] = shapes_graph
    if settings.remote is not None:
        say(f"uploading the graphs to {settings.remote.query_url} …")
        graphs, counts, version, saved = _upload(settings, target, sources, extra)
        if saved:
            notes.append(saved)
    else:
        say(f"writing the store {target} …")
        graphs, counts, version, saved = _write_store(
            target, sources, extra, base_iri=settings.base_iri
        )
        if saved:
            notes.append(saved)
    timings["store"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - started

    counts_by_severity = report.counts() if report else {}
    return BuildSummary(
        store_path=target,
        graphs=graphs,
        instruments=counts["instruments"],
        provisions=counts["provisions"],
        statements=counts["statements"],
        actors=counts["actors"],
        violations=counts_by_severity.get("Violation", 0),
        warnings=counts_by_severity.get("Warning", 0),
        infos=counts_by_severity.get("Info", 0),
        shapes_files=len(shapes),
        reasoner=f"{reasoning.reasoner} ({reasoning.seconds:.1f} s)",
        inferred=len(reasoning.inferred),
        version=version,
        timings=timings,
        notes=notes,
        remote=settings.remote.query_url if settings.remote is not None else None,
    )
