"""Writes to the store, behind a gate: which graphs may change, and only into valid content.

Every write of the web app goes through one :class:`WriteGate`, one write at a time: the Graph
Store Protocol (``PUT``/``POST``/``DELETE /rdf-graph-store?graph=…``, :meth:`WriteGate.put`,
:meth:`~WriteGate.post`, :meth:`~WriteGate.delete`) and SPARQL Update (``/sparql``,
:meth:`WriteGate.update`). ``POST /validate`` runs the same checks without writing
(:meth:`WriteGate.validate`).

**Which graphs** (``G`` = ``{base}id/graph/``, by default ``https://w3id.org/ocsea/id/graph/``):

- **instrument graphs** ``G{slug}`` (slug: letters, digits, ``.``, ``_``, ``-``): written only
  when the graph that results passes the gate below;
- **build graphs** ``G ontology``, ``vocabularies``, ``correspondences``, ``inferred`` and
  ``shapes``: made by ``ocsea build`` from the sources, read-only over HTTP (403);
- any other IRI under the project's base IRI: refused (403), it names no graph of the project;
- **graphs outside the project** (any other IRI, and the store's default graph): not project
  data, so not validated (the W3C protocol tests write such graphs), but they may not mention
  any IRI under the project's base (422): every triple that says something in the project's
  vocabulary is in a build graph or in a gated instrument graph, so the pages and queries that
  read the union of the graphs never see unchecked project data.

**The gate** for an instrument graph ``G{slug}`` (results in one SHACL-style report; only
violations refuse a write, warnings and infos are reported):

1. the graph describes its instrument: ``<{base}id/{slug}> a ocsea:EncodedInstrument``;
2. every IRI subject is the instrument or one of its parts (``<{base}id/{slug}/…>``): actors,
   works, themes and correspondences are not written through the API (they live in the
   vocabularies and the correspondences, which ``ocsea build`` makes from ``data/``);
3. SHACL: the shapes of the store's ``shapes`` graph, the store's ``ontology`` graph mixed in
   (``sh:class`` follows the class hierarchy) and, in the data graph, only the part of the
   ``vocabularies`` graph the new graph needs: the descriptions of the terms it mentions,
   followed transitively (a force's scheme, a capability's broader theme …). Never the whole
   store, nor other instruments: the cost depends on the new graph, not on the store (a put of
   a ~1,200-triple instrument takes about 0.4 s on a store of 16 k, 100 k or 1 M quads alike,
   see BENCHMARKS.md; the shapes' SPARQL is parsed once per process, see
   :mod:`api.sparql_parse_cache`);
4. what other graphs refer to is kept: a resource of the old graph that another graph mentions
   (a correspondence's provision, say) must still be described by the new one. The inferred
   graph does not count (see below). A ``DELETE`` of such a graph is refused (409).

The ontology, vocabularies and shapes are read from the store once and cached for the life of
the gate: the gate refuses every write to them, and the embedded store is held by this process
alone, so they cannot change under it (a rebuild makes a new store, served by a new process).
A remote store can be changed by others: restart the server after rebuilding it.

**Inferred facts**: the ``inferred`` graph holds what the reasoner derived at build time. When an
instrument graph is written, every inferred triple whose subject or object is a resource of the
instrument (old or new) is removed in the same transaction, so the store never serves inferences
from a version of the instrument that is gone. The new version has no inferred facts (superclass
types, inverse properties, transitive ``partOf``) until the store is rebuilt: copy the graph to
``data/instruments/{slug}.ttl`` (``GET /rdf-graph-store?graph=…``) and run ``ocsea build``, which
makes the store from the sources again. So that the rebuild loses nothing, each write first
records the graphs it changes beside an on-disk store (:mod:`api.write_log`), and ``ocsea build``
saves those graphs as Turtle files before it replaces the store.

**Atomicity**: on the embedded store each write is one SPARQL Update (one Oxigraph transaction,
written to RocksDB's log before it is acknowledged): after a crash the graph is the old one or
the new one, never a mix, and an acknowledged write is there after a restart. On a remote store
the graph is replaced as :meth:`RemoteRepository.put_graph <api.store.remote.RemoteRepository>`
does (atomically when the server is), and the stale inferences are removed by a second request.

**SPARQL Update** is run first on an in-memory copy of the store; the graphs whose content
differs afterwards are the ones it changes. Each is checked as above (the resulting instrument
graphs with the resulting store as the state), and only then are those graphs replaced in the
store with their new content, in one transaction, so what is stored is exactly what was checked.
The copy and the comparison cost time in proportion to the store (about 0.2 s for the ~16,000
triples of the built store, 7.6 s for 500,000); the Graph Store Protocol has no such cost.
``LOAD`` is refused (the server fetches nothing on behalf of a client). A remote store
(``OCSEA_SPARQL_ENDPOINT``) cannot be copied: there SPARQL Update is refused and the Graph Store
Protocol is the way to write.

Example::

    >>> gate = WriteGate(OxigraphRepository(built_store_path))        # doctest: +SKIP
    >>> gate.put(graph_iri("my-instrument"), parsed_graph)            # doctest: +SKIP
    True
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from api.namespaces import (
    BASE_IRI,
    BUILD_GRAPH_NAMES,
    CORRESPONDENCES_GRAPH,
    INFERRED_GRAPH,
    OCSEA,
    ONTOLOGY_GRAPH,
    SHAPES_GRAPH,
    VOCABULARIES_GRAPH,
    bind_prefixes,
    graph_iri,
    instrument_iri,
)
from api.sparql.errors import ProtocolError
from api.store.base import Repository
from api.store.oxigraph import OxigraphRepository, to_oxigraph, to_rdflib
from api.validation import ResultItem, ShapesError, ValidationReport, locate, validate
from api.write_log import record_writes

_MADE_FROM = {
    ONTOLOGY_GRAPH: "ontology/*.ttl",
    VOCABULARIES_GRAPH: "data/vocabularies/*.ttl",
    CORRESPONDENCES_GRAPH: "data/correspondences.ttl",
    INFERRED_GRAPH: "the reasoner's output over all sources",
    SHAPES_GRAPH: "shapes/*.ttl",
}
BUILD_GRAPHS: dict[str, str] = {name: _MADE_FROM[name] for name in BUILD_GRAPH_NAMES}
"""Graphs made by ``ocsea build`` (:data:`api.namespaces.BUILD_GRAPH_NAMES`), and what each is
made from."""

Triple = tuple[Node, Node, Node]


class GraphKind(Enum):
    """What a graph IRI names, for writes."""

    INSTRUMENT = "instrument"
    BUILD = "build"
    RESERVED = "reserved"  # under the project's base IRI, but no graph the project writes
    OUTSIDE = "outside"  # not project data (and the store's default graph)


class WriteRefused(ProtocolError):
    """A write (or validation) the gate refuses: a status, a message and maybe a report."""

    def __init__(
        self,
        status: int,
        message: str,
        report: ValidationReport | None = None,
        graph: URIRef | None = None,
    ) -> None:
        super().__init__(status, message)
        self.report = report
        self.graph = graph


@dataclass(frozen=True)
class GraphPolicy:
    """Which graph IRIs are instrument graphs, build graphs, or outside the project."""

    base_iri: str = BASE_IRI

    @property
    def graph_prefix(self) -> str:
        """``{base}id/graph/``: the namespace of the store's graphs."""
        return str(graph_iri("x", base=self.base_iri))[:-1]

    def classify(self, graph: str) -> GraphKind:
        """The kind of graph ``graph`` names."""
        if not graph.startswith(self.base_iri):
            return GraphKind.OUTSIDE
        name = graph.removeprefix(self.graph_prefix)
        if name == graph:
            return GraphKind.RESERVED
        if name in BUILD_GRAPHS:
            return GraphKind.BUILD
        try:
            valid = str(graph_iri(name, base=self.base_iri)) == graph
        except ValueError:
            valid = False
        return GraphKind.INSTRUMENT if valid else GraphKind.RESERVED

    def instrument(self, graph: str) -> URIRef:
        """The instrument an instrument graph holds: ``G{slug}`` → ``{base}id/{slug}``."""
        return instrument_iri(graph.removeprefix(self.graph_prefix), base=self.base_iri)

    def in_instrument(self, node: Node, instrument: URIRef) -> bool:
        """True for the instrument's IRI and the IRIs of its parts (``{instrument}/…``)."""
        return isinstance(node, URIRef) and (
            node == instrument or str(node).startswith(str(instrument) + "/")
        )

    def refusal_reason(self, graph: str, kind: GraphKind) -> str:
        """Why a build graph, or an IRI that names no project graph, cannot be written."""
        if kind is GraphKind.BUILD:
            name = graph.removeprefix(self.graph_prefix)
            return (
                f"graph <{graph}> is made by 'ocsea build' from {BUILD_GRAPHS[name]} and is "
                "read-only over HTTP: change the sources and rebuild the store"
            )
        return (
            f"<{graph}> is under the project's base IRI but names no graph that can be written: "
            f"an instrument graph is {self.graph_prefix}{{slug}} (letters, digits, '.', '_', "
            f"'-'), and graphs outside the project use IRIs outside {self.base_iri}"
        )

    def refusal(self, graph: str, kind: GraphKind) -> WriteRefused:
        """The 403 for a write to a build graph or to an IRI that names no project graph."""
        return WriteRefused(403, self.refusal_reason(graph, kind), graph=URIRef(graph))


@dataclass(frozen=True)
class ReferenceGraphs:
    """What the gate validates against, read from the store: ontology, vocabularies, shapes."""

    ontology: Graph
    vocabularies: Graph
    shapes: Graph

    @classmethod
    def load(cls, repository: Repository, base_iri: str) -> ReferenceGraphs:
        """The three graphs of ``repository``; 503 when it has no shapes."""
        shapes_graph = graph_iri(SHAPES_GRAPH, base=base_iri)
        shapes = repository.get_graph(shapes_graph)
        if len(shapes) == 0:
            raise WriteRefused(
                503,
                f"the store has no SHACL shapes (graph <{shapes_graph}>), so nothing can be "
                "validated or written to an instrument graph: rebuild it with 'ocsea build', "
                "which stores shapes/*.ttl there",
            )
        return cls(
            ontology=repository.get_graph(graph_iri(ONTOLOGY_GRAPH, base=base_iri)),
            vocabularies=repository.get_graph(graph_iri(VOCABULARIES_GRAPH, base=base_iri)),
            shapes=shapes,
        )


def needed_reference(content: Graph, vocabularies: Graph) -> Graph:
    """The part of ``vocabularies`` that ``content`` needs to be validated.

    Starting from every IRI ``content`` mentions, the triples about it are taken from
    ``vocabularies``, and so on for the nodes those triples point to (IRIs and blank nodes).
    The shapes' checks on ``content`` follow paths forwards from its nodes (``skos:inScheme``,
    ``skos:broader/skos:inScheme`` …), so this is all they can reach.
    """
    needed = Graph()
    seen: set[Node] = set()
    todo: list[Node] = [
        node for triple in content for node in (triple[0], triple[2]) if isinstance(node, URIRef)
    ]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in vocabularies.triples((node, None, None)):
            needed.add(triple)
            value = triple[2]
            if isinstance(value, URIRef | BNode) and value not in seen:
                todo.append(value)
    return needed


@dataclass(frozen=True)
class Finding:
    """A violation found by the gate itself (not by a SHACL shape)."""

    focus: Node
    message: str
    path: URIRef | None = None
    value: Node | None = None


def _report_node(graph: Graph) -> Node:
    for node in graph.subjects(RDF.type, SH.ValidationReport):
        return node
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(True)))
    return node


def with_findings(
    report: ValidationReport, findings: list[Finding], texts: Mapping[Path, str] | None = None
) -> ValidationReport:
    """``report`` with the gate's ``findings`` added as violations (to the results and graph)."""
    if not findings:
        return report
    graph = report.graph
    root = _report_node(graph)
    graph.set((root, SH.conforms, Literal(False)))
    items = list(report.results)
    for finding in findings:
        result = BNode()
        graph.add((root, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, finding.focus))
        graph.add((result, SH.resultSeverity, SH.Violation))
        graph.add((result, SH.resultMessage, Literal(finding.message, lang="en")))
        if finding.path is not None:
            graph.add((result, SH.resultPath, finding.path))
        if finding.value is not None:
            graph.add((result, SH.value, finding.value))
        file, line = locate(texts or {}, finding.focus)
        items.append(
            ResultItem(
                focus_node=_text(finding.focus),
                path=str(finding.path) if finding.path is not None else None,
                message=finding.message,
                severity="Violation",
                value=_text(finding.value) if finding.value is not None else None,
                source_shape=None,
                file=str(file) if file is not None else None,
                line=line,
            )
        )
    return ValidationReport(conforms=False, results=items, graph=graph, prefixes=report.prefixes)


def _text(node: Node) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        return node.n3()
    return str(node)


def empty_report() -> ValidationReport:
    """A conforming report with no result (to which findings can be added)."""
    graph = bind_prefixes(Graph())
    _report_node(graph)
    return ValidationReport(conforms=True, results=[], graph=graph)


def ntriples(graph: Graph) -> str:
    """``graph`` as N-Triples, every term checked by Oxigraph (an invalid IRI is a ValueError)."""
    triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return data.decode("utf-8") if data else ""


def _name(graph: str) -> str:
    """``<graph>`` for an update, checked by Oxigraph (ValueError for an invalid IRI)."""
    return str(ox.NamedNode(graph))


def _graph_state(store: Any, node: Any) -> tuple[bool, bytes]:
    """Whether graph ``node`` exists in the pyoxigraph ``store``, and its N-Triples."""
    exists = isinstance(node, ox.DefaultGraph) or bool(store.contains_named_graph(node))
    dump: bytes = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node) if exists else b""
    return exists, dump


@dataclass
class GraphChange:
    """A graph an update changes: its name (``None`` = default graph) and new N-Triples."""

    name: str | None
    exists: bool
    ntriples: str
    quads: list[Any] = field(default_factory=list, repr=False)


class WriteGate:
    """The only way the app writes: checks, then one transaction, one write at a time."""

    def __init__(self, repository: Repository, *, base_iri: str = BASE_IRI) -> None:
        self.repository = repository
        self.policy = GraphPolicy(base_iri)
        self.lock = threading.Lock()
        """Held for the whole of each write (check and transaction), so writes are serial."""
        self._reference: ReferenceGraphs | None = None
        self._reference_lock = threading.Lock()

    # -- what the gate validates against -----------------------------------------------------

    def reference(self) -> ReferenceGraphs:
        """The store's ontology, vocabularies and shapes (read once, see the module's notes)."""
        with self._reference_lock:
            if self._reference is None:
                self._reference = ReferenceGraphs.load(self.repository, self.policy.base_iri)
            return self._reference

    def _graph(self, name: str) -> URIRef:
        return graph_iri(name, base=self.policy.base_iri)

    # -- checks ------------------------------------------------------------------------------

    def shacl(self, content: Graph, *, texts: Mapping[Path, str] | None = None) -> ValidationReport:
        """SHACL-validate ``content`` with the ontology and the vocabulary terms it needs.

        Other instruments are not added: their resources would become focus nodes too, and
        be reported as incomplete. Instruments do not refer to each other's resources (the
        correspondences between them are a build graph of their own).
        """
        reference = self.reference()
        data = Graph()
        for prefix, namespace in content.namespace_manager.namespaces():
            data.bind(prefix, namespace, override=False)
        bind_prefixes(data)
        data += content
        data += needed_reference(content, reference.vocabularies)
        try:
            return validate(data, reference.shapes, reference.ontology, texts=texts)
        except ShapesError as exc:
            raise WriteRefused(503, f"the store's shapes cannot be used: {exc}") from None

    def _structure(self, graph: URIRef, content: Graph) -> list[Finding]:
        """Findings 1 and 2: the graph describes its instrument, and only it and its parts."""
        instrument = self.policy.instrument(str(graph))
        findings: list[Finding] = []
        if (instrument, RDF.type, OCSEA.EncodedInstrument) not in content:
            findings.append(
                Finding(
                    instrument,
                    f"Graph <{graph}> must describe its instrument: add <{instrument}> a "
                    "ocsea:EncodedInstrument (the graph's last segment is the instrument's slug).",
                    RDF.type,
                    OCSEA.EncodedInstrument,
                )
            )
        outside = sorted(
            {
                s
                for s in content.subjects()
                if isinstance(s, URIRef) and not self.policy.in_instrument(s, instrument)
            }
        )
        for subject in outside:
            findings.append(
                Finding(
                    subject,
                    f"<{subject}> is not the instrument <{instrument}> or one of its parts "
                    f"(<{instrument}/…>): an instrument graph describes only its instrument. "
                    "Actors, works, themes and topics belong in data/vocabularies/, "
                    "correspondences in data/correspondences.ttl (then run 'ocsea build').",
                )
            )
        return findings

    def _subjects(self, repository: Repository, graph: URIRef) -> set[URIRef]:
        """The IRIs described in ``graph`` of ``repository``."""
        rows = repository.select(
            "SELECT DISTINCT ?s ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (isIRI(?s)) }",
            bindings={"g": graph},
        )
        return {s for s in rows.column("s") if isinstance(s, URIRef)}

    def _removed_references(
        self, graph: URIRef, old: set[URIRef], content: Graph | None, state: Repository
    ) -> list[Finding]:
        """Finding 4: resources other graphs of ``state`` mention must stay described."""
        kept = {s for s in content.subjects() if isinstance(s, URIRef)} if content else set()
        inferred = self._graph(INFERRED_GRAPH)
        findings: list[Finding] = []
        for resource in sorted(old - kept):
            rows = state.select(
                "SELECT ?g ?s ?p ?r ?target ?inferred WHERE { GRAPH ?g { ?s ?p ?r } "
                "FILTER (?g != ?target && ?g != ?inferred) } ORDER BY ?g ?s ?p LIMIT 5",
                bindings={"r": resource, "target": graph, "inferred": inferred},
            )
            for row in rows.rows:
                referrer = str(row["g"])
                if self.policy.classify(referrer) is GraphKind.BUILD:
                    source = BUILD_GRAPHS[referrer.removeprefix(self.policy.graph_prefix)]
                    change = f"change {source} and rebuild first"
                else:
                    change = "change the graph that refers to it first"
                findings.append(
                    Finding(
                        row["s"],
                        f"<{row['s']}> in graph <{referrer}> refers to <{resource}>, which this "
                        f"write removes from <{graph}>: keep <{resource}> in the graph, or "
                        f"{change}.",
                        row["p"] if isinstance(row["p"], URIRef) else None,
                        resource,
                    )
                )
        return findings

    def check_instrument(
        self,
        graph: URIRef,
        content: Graph,
        *,
        state: Repository,
        old: set[URIRef],
        texts: Mapping[Path, str] | None = None,
    ) -> ValidationReport:
        """The whole gate for instrument graph ``graph`` becoming ``content`` (see above).

        ``old`` are the IRIs the graph described before; ``state`` is the store as it will be
        (for references between graphs).
        """
        findings = self._structure(graph, content)
        report = self.shacl(content, texts=texts)
        findings += self._removed_references(graph, old, content, state)
        return with_findings(report, findings, texts)

    def _check_outside(self, graph: str | None, triples: Iterable[Triple]) -> None:
        """Graphs outside the project may not mention the project's IRIs (422)."""
        base = self.policy.base_iri
        examples: list[str] = []
        for triple in triples:
            if any(isinstance(t, URIRef) and str(t).startswith(base) for t in triple):
                examples.append(" ".join(t.n3() for t in triple))
                if len(examples) == 3:
                    break
        if examples:
            where = f"graph <{graph}>" if graph is not None else "the default graph"
            raise WriteRefused(
                422,
                f"{where} is outside the project's graphs, so it is not validated and may not "
                f"mention the project's IRIs ({base}…); instrument data goes to an instrument "
                f"graph {self.policy.graph_prefix}{{slug}}. For example: " + "; ".join(examples),
                graph=URIRef(graph) if graph is not None else None,
            )

    def _refuse_report(self, graph: URIRef, report: ValidationReport, status: int = 422) -> None:
        if report.conforms:
            return
        violations = report.violations
        raise WriteRefused(
            status,
            f"graph <{graph}> was not written: it does not pass the gate "
            f"({violations} violation{'s' if violations != 1 else ''}); nothing was changed",
            report,
            graph,
        )

    # -- validation without writing (POST /validate) ------------------------------------------

    def validate(
        self,
        content: Graph,
        *,
        texts: Mapping[Path, str] | None = None,
        graph: URIRef | None = None,
    ) -> ValidationReport:
        """SHACL report of ``content``; with ``graph``, the whole gate for writing it there."""
        if graph is None:
            return self.shacl(content, texts=texts)
        kind = self.policy.classify(str(graph))
        if kind is not GraphKind.INSTRUMENT:
            raise WriteRefused(
                400,
                f"graph={graph} is not an instrument graph ({self.policy.graph_prefix}{{slug}}): "
                "only writes to instrument graphs are validated",
            )
        old = self._subjects(self.repository, graph)
        return self.check_instrument(graph, content, state=self.repository, old=old, texts=texts)

    # -- the Graph Store Protocol --------------------------------------------------------------

    def _writable_kind(self, graph: URIRef) -> GraphKind:
        """The kind of ``graph``, when the Graph Store Protocol may write it (403 otherwise)."""
        kind = self.policy.classify(str(graph))
        if kind in (GraphKind.BUILD, GraphKind.RESERVED):
            raise self.policy.refusal(str(graph), kind)
        if kind is GraphKind.OUTSIDE and not isinstance(self.repository, OxigraphRepository):
            raise WriteRefused(
                403,
                f"<{graph}> is not a project graph: on a remote store only the project's graphs "
                f"({self.policy.graph_prefix}…) are written",
                graph=graph,
            )
        return kind

    def _record(self, graphs: Iterable[str | None]) -> None:
        """Note the graphs about to change beside an on-disk store, so that ``ocsea build``
        saves them before it replaces the store (:mod:`api.write_log`)."""
        repository = self.repository
        if isinstance(repository, OxigraphRepository) and repository.path is not None:
            record_writes(repository.path, graphs)

    def exists(self, graph: URIRef) -> bool:
        """True when the store has a named graph ``graph`` (empty or not)."""
        return graph in self.repository.graphs()

    def put(
        self, graph: URIRef, content: Graph, *, texts: Mapping[Path, str] | None = None
    ) -> bool:
        """Replace ``graph`` with ``content`` (if it passes). True when the graph is new."""
        kind = self._writable_kind(graph)
        with self.lock:
            return self._replace(graph, kind, content, texts)

    def post(
        self, graph: URIRef, content: Graph, *, texts: Mapping[Path, str] | None = None
    ) -> bool:
        """Add ``content`` to ``graph`` (the merged graph must pass). True when it is new."""
        kind = self._writable_kind(graph)
        with self.lock:
            merged = self.repository.get_graph(graph)
            for prefix, namespace in content.namespace_manager.namespaces():
                merged.bind(prefix, namespace, override=False)
            merged += content
            return self._replace(graph, kind, merged, texts)

    def _replace(
        self,
        graph: URIRef,
        kind: GraphKind,
        content: Graph,
        texts: Mapping[Path, str] | None,
    ) -> bool:
        existed = self.exists(graph)
        cleanup: set[URIRef] = set()
        if kind is GraphKind.INSTRUMENT:
            old = self._subjects(self.repository, graph) if existed else set()
            report = self.check_instrument(
                graph, content, state=self.repository, old=old, texts=texts
            )
            self._refuse_report(graph, report)
            cleanup = self._resources(graph, old, content)
        else:
            self._check_outside(str(graph), content)
        if not isinstance(self.repository, OxigraphRepository):
            # a remote store replaces a graph its own way (api.store.remote); the stale
            # inferences go in a second request
            self.repository.put_graph(graph, content)
            self._run_cleanup(cleanup)
            return not existed
        name = _name(str(graph))
        triples = ntriples(content)
        operations = [f"DROP SILENT GRAPH {name}"]
        operations += self._cleanup(cleanup)
        if triples:
            operations.append(f"INSERT DATA {{ GRAPH {name} {{\n{triples}}} }}")
        else:
            operations.append(f"CREATE SILENT GRAPH {name}")
        self._record([str(graph)])
        self.repository.update(" ;\n".join(operations))
        return not existed

    def _run_cleanup(self, resources: set[URIRef]) -> None:
        operations = self._cleanup(resources)
        if operations:
            self.repository.update(" ;\n".join(operations))

    def delete(self, graph: URIRef) -> None:
        """Remove ``graph`` (404 when absent; 409 when other graphs refer to its resources)."""
        kind = self._writable_kind(graph)
        with self.lock:
            if not self.exists(graph):
                raise WriteRefused(404, f"there is no graph <{graph}> in the store", graph=graph)
            cleanup: set[URIRef] = set()
            if kind is GraphKind.INSTRUMENT:
                old = self._subjects(self.repository, graph)
                findings = self._removed_references(graph, old, None, self.repository)
                self._refuse_report(graph, with_findings(empty_report(), findings), status=409)
                cleanup = self._resources(graph, old, None)
            if not isinstance(self.repository, OxigraphRepository):
                self.repository.delete_graph(graph)
                self._run_cleanup(cleanup)
                return
            operations = [f"DROP GRAPH {_name(str(graph))}", *self._cleanup(cleanup)]
            self._record([str(graph)])
            self.repository.update(" ;\n".join(operations))

    def _resources(self, graph: URIRef, old: set[URIRef], content: Graph | None) -> set[URIRef]:
        """The instrument's resources, old and new: whose inferred facts become stale."""
        instrument = self.policy.instrument(str(graph))
        new = {s for s in content.subjects() if isinstance(s, URIRef)} if content else set()
        return {r for r in old | new | {instrument} if self.policy.in_instrument(r, instrument)}

    def _cleanup(self, resources: set[URIRef]) -> list[str]:
        """Update operations removing inferred triples about ``resources`` (either side)."""
        if not resources:
            return []
        inferred = _name(str(self._graph(INFERRED_GRAPH)))
        values = " ".join(_name(str(r)) for r in sorted(resources))
        return [
            f"DELETE {{ GRAPH {inferred} {{ ?r ?p ?o }} }} "
            f"WHERE {{ VALUES ?r {{ {values} }} GRAPH {inferred} {{ ?r ?p ?o }} }}",
            f"DELETE {{ GRAPH {inferred} {{ ?s ?p ?r }} }} "
            f"WHERE {{ VALUES ?r {{ {values} }} GRAPH {inferred} {{ ?s ?p ?r }} }}",
        ]

    # -- SPARQL Update -------------------------------------------------------------------------

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update if every graph it changes passes (see the module's notes).

        ``SyntaxError`` for an invalid update; :class:`WriteRefused` when refused.
        """
        live = self.repository
        if not isinstance(live, OxigraphRepository):
            raise WriteRefused(
                501,
                "SPARQL Update is not available on a remote store (it cannot be checked "
                "before it runs): write graphs with the Graph Store Protocol at /rdf-graph-store",
            )
        with self.lock:
            sandbox = OxigraphRepository()
            try:
                for name in live.store.named_graphs():
                    sandbox.store.add_graph(name)
                sandbox.store.bulk_extend(live.store.quads_for_pattern(None, None, None, None))
                sandbox.update(sparql, base_iri=base_iri)
                changes = self._changes(live, sandbox)
                if not changes:
                    return
                cleanup = self._check_changes(changes, live, sandbox)
            finally:
                sandbox.close()
            self._record(change.name for change in changes)
            live.update(self._apply(changes, cleanup))

    def _changes(self, live: OxigraphRepository, sandbox: OxigraphRepository) -> list[GraphChange]:
        """The graphs whose content (or existence) differs between ``live`` and ``sandbox``."""
        names = {g.value for g in live.store.named_graphs() if isinstance(g, ox.NamedNode)}
        names |= {g.value for g in sandbox.store.named_graphs() if isinstance(g, ox.NamedNode)}
        changes: list[GraphChange] = []
        for name in [None, *sorted(names)]:
            node: Any = ox.DefaultGraph() if name is None else ox.NamedNode(name)
            before_exists, before = _graph_state(live.store, node)
            after_exists, after = _graph_state(sandbox.store, node)
            if before_exists == after_exists and (
                before == after or sorted(before.splitlines()) == sorted(after.splitlines())
            ):
                continue
            quads = list(sandbox.store.quads_for_pattern(None, None, None, node))
            changes.append(GraphChange(name, after_exists, after.decode("utf-8"), quads))
        return changes

    def _check_changes(
        self, changes: list[GraphChange], live: OxigraphRepository, sandbox: OxigraphRepository
    ) -> set[URIRef]:
        """Check each changed graph; the instrument resources whose inferences go stale."""
        cleanup: set[URIRef] = set()
        kinds = {
            c.name: self.policy.classify(c.name) if c.name is not None else GraphKind.OUTSIDE
            for c in changes
        }
        for change in changes:
            kind = kinds[change.name]
            if change.name is not None and kind in (GraphKind.BUILD, GraphKind.RESERVED):
                raise WriteRefused(
                    403,
                    "the update was refused, nothing was changed ("
                    + self.policy.refusal_reason(change.name, kind)
                    + "; an update with GRAPH ?g reaches every graph: name the graph instead)",
                    graph=URIRef(change.name),
                )
        for change in changes:
            triples = [
                (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
                for q in change.quads
            ]
            if kinds[change.name] is GraphKind.OUTSIDE:
                self._check_outside(change.name, triples)
                continue
            graph = URIRef(str(change.name))
            old = self._subjects(live, graph)
            if change.exists:
                content = bind_prefixes(Graph())
                for triple in triples:
                    content.add(triple)
                report = self.check_instrument(graph, content, state=sandbox, old=old)
            else:
                content = None
                findings = self._removed_references(graph, old, None, sandbox)
                report = with_findings(empty_report(), findings)
            if not report.conforms:
                raise WriteRefused(
                    422,
                    f"the update was refused, nothing was changed: it leaves graph <{graph}> in "
                    f"a state that does not pass the gate ({report.violations} violations)\n\n"
                    + report.to_text(),
                    report,
                    graph,
                )
            cleanup |= self._resources(graph, old, content)
        return cleanup

    def _apply(self, changes: list[GraphChange], cleanup: set[URIRef]) -> str:
        """One update that gives each changed graph its new content (and drops stale facts)."""
        operations: list[str] = []
        inserts: list[str] = []
        for change in changes:
            if change.name is None:
                operations.append("CLEAR SILENT DEFAULT")
                inserts.append(change.ntriples)
                continue
            name = _name(change.name)
            operations.append(f"DROP SILENT GRAPH {name}")
            if change.exists and change.ntriples:
                inserts.append(f"GRAPH {name} {{\n{change.ntriples}}}")
            elif change.exists:
                operations.append(f"CREATE SILENT GRAPH {name}")
        operations += self._cleanup(cleanup)
        if any(text.strip() for text in inserts):
            operations.append("INSERT DATA {\n" + "\n".join(inserts) + "}")
        return " ;\n".join(operations)
