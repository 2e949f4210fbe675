"""SHACL validation with pySHACL, and a report that people (and programs) can read.

:func:`validate` runs pySHACL with ``inference="none"``: the ontology is passed as ``ont_graph``
so its class and property axioms are mixed into the data (an ``ocsea:OperativeParagraph``
satisfies ``sh:class ocsea:Provision``), and ``advanced=True`` enables SHACL-AF and SPARQL-based
constraints. Only ``sh:Violation`` results make the data non-conforming; warnings and infos are
reported but do not fail it.

The reference vocabularies (``data/vocabularies/*.ttl``) belong in the *data* graph, not the
ontology graph: pySHACL copies only RDFS/OWL axioms from ``ont_graph``, so concept memberships
(``force:urges a ocsea:DeonticForce``) would otherwise be lost and ``sh:class`` checks on them fail.

Each result carries the file and line where its focus node is first written as a subject (found
by scanning the source text for ``<iri>`` or a ``prefix:local`` name built from the file's own
``@prefix`` declarations; for JSON-LD, the first ``"@id"`` naming it).

Example::

    >>> report = validate_files([Path("tests/fixtures/valid-instrument.ttl")])   # doctest: +SKIP
    >>> report.conforms, report.counts()                                        # doctest: +SKIP
    (True, {'Violation': 0, 'Warning': 0, 'Info': 0})
    >>> print(report.to_text())                                                  # doctest: +SKIP
    Conforms: no violations, no warnings, no infos.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyshacl import validate as pyshacl_validate
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from api.loading import SourceError, discover, load_files, load_paths, parse_file
from api.namespaces import bind_prefixes
from api.settings import Settings
from api.sparql_parse_cache import install as install_sparql_parse_cache

# pySHACL hands rdflib the same SPARQL texts on every run: parse them once (see the module)
install_sparql_parse_cache()

SEVERITIES = ("Violation", "Warning", "Info")


class ShapesNotFoundError(SourceError):
    """There are no SHACL shapes to validate against."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "no SHACL shapes found (expected *.ttl files)")


class ShapesError(Exception):
    """The shapes cannot be used: pySHACL rejected them (e.g. a malformed SPARQL constraint)."""


@dataclass(frozen=True)
class ResultItem:
    """One SHACL result: what is wrong, where, and how bad."""

    focus_node: str
    path: str | None
    message: str
    severity: str
    value: str | None
    source_shape: str | None
    constraint: str | None = None
    file: str | None = None
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        """This result as a JSON-ready dict."""
        return {
            "severity": self.severity,
            "focusNode": self.focus_node,
            "path": self.path,
            "message": self.message,
            "value": self.value,
            "sourceShape": self.source_shape,
            "constraint": self.constraint,
            "file": self.file,
            "line": self.line,
        }


@dataclass
class ValidationReport:
    """The outcome of a validation: conforms or not, the results, and the SHACL report graph."""

    conforms: bool
    results: list[ResultItem]
    graph: Graph = field(default_factory=Graph, repr=False)
    prefixes: Mapping[str, str] = field(default_factory=dict, repr=False)

    def counts(self) -> dict[str, int]:
        """Number of results per severity (all three keys always present)."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for r in self.results:
            counts[r.severity] = counts.get(r.severity, 0) + 1
        return counts

    @property
    def violations(self) -> int:
        return self.counts()["Violation"]

    @property
    def warnings(self) -> int:
        return self.counts()["Warning"]

    def _short(self, iri: str | None) -> str:
        if iri is None:
            return ""
        for prefix, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if prefix and iri.startswith(ns) and _LOCAL.match(iri[len(ns) :]):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri if iri.startswith(("_:", "(", "^", "[")) else f"<{iri}>"

    def to_text(self) -> str:
        """A readable report grouped by severity, each result with the line of its focus node."""
        counts = self.counts()
        summary = ", ".join(_plural(counts[s], s.lower()) for s in SEVERITIES)
        head = "Conforms" if self.conforms else "Does not conform"
        lines = [f"{head}: {summary}."]
        for severity in SEVERITIES:
            items = [r for r in self.results if r.severity == severity]
            if not items:
                continue
            lines.append("")
            lines.append(f"{severity}s ({len(items)}):")
            for r in sorted(items, key=_sort_key):
                where = f"line {r.line}" if r.line is not None else "unknown line"
                if r.file:
                    where += f" ({r.file})"
                focus = r.focus_node if r.focus_node.startswith("_:") else f"<{r.focus_node}>"
                path = f" {self._short(r.path)}" if r.path else ""
                lines.append(f"  {severity} at {where}: {focus}{path} — {r.message}")
                details = []
                if r.value is not None:
                    value = r.value if r.value.startswith(('"', "_:")) else self._short(r.value)
                    details.append(f"value: {_clip(value)}")
                if r.constraint:
                    details.append(f"constraint: {self._short(r.constraint)}")
                if r.source_shape and not r.source_shape.startswith("_:"):
                    details.append(f"shape: {self._short(r.source_shape)}")
                if details:
                    lines.append("      " + "; ".join(details))
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict: ``conforms``, ``counts`` and ``results``."""
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [r.to_json() for r in sorted(self.results, key=_sort_key)],
        }

    def to_graph(self) -> Graph:
        """The SHACL validation report graph (``sh:ValidationReport``) as pySHACL made it."""
        return self.graph

    def to_turtle(self) -> str:
        """The SHACL validation report graph in Turtle."""
        return bind_prefixes(self.graph).serialize(format="turtle")


_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*(?<!\.)$")


def _plural(n: int, word: str) -> str:
    if n == 0:
        return f"no {word}s"
    return f"{n} {word}" + ("" if n == 1 else "s")


def _clip(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _sort_key(r: ResultItem) -> tuple[str, int, str, str]:
    return (
        r.file or "\uffff",
        r.line if r.line is not None else 1 << 30,
        r.focus_node,
        r.path or "",
    )


# --------------------------------------------------------------------------- locating focus nodes

_TTL_PREFIX = re.compile(
    r"^\s*(?:@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.|PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>)",
    re.IGNORECASE | re.MULTILINE,
)
_TTL_BASE = re.compile(
    r"^\s*(?:@base\s+<([^>]*)>\s*\.|BASE\s+<([^>]*)>)", re.IGNORECASE | re.MULTILINE
)
# What may follow a term: whitespace, punctuation of Turtle, or a final '.' (never part of a name).
_AFTER_TERM = r"(?=\s|[;,\[\]()]|\.(?:\s|$)|$)"


def turtle_prefixes(text: str) -> dict[str, str]:
    """The ``@prefix``/``PREFIX`` declarations of a Turtle text (prefix → namespace)."""
    found: dict[str, str] = {}
    for m in _TTL_PREFIX.finditer(text):
        prefix = m.group(1) if m.group(2) is not None else m.group(3)
        ns = m.group(2) if m.group(2) is not None else m.group(4)
        found[prefix or ""] = ns
    return found


def _turtle_spellings(text: str, iri: str) -> list[str]:
    spellings = [f"<{iri}>"]
    for m in _TTL_BASE.finditer(text):
        base = m.group(1) or m.group(2) or ""
        if base and iri.startswith(base) and len(iri) > len(base):
            spellings.append(f"<{iri[len(base) :]}>")
    for prefix, ns in turtle_prefixes(text).items():
        if iri.startswith(ns):
            local = iri[len(ns) :]
            if re.fullmatch(r"[\w-][\w.-]*(?<!\.)|", local):
                spellings.append(f"{prefix}:{local}")
    return spellings


def locate_in_turtle(text: str, iri: str) -> int | None:
    """1-based line where ``iri`` is first written as a subject (starting a statement).

    Falls back to the first line that mentions it at all; ``None`` if the text never does.
    """
    spellings = [re.escape(s) for s in _turtle_spellings(text, iri)]
    alternatives = "|".join(spellings)
    subject = re.compile(rf"^[ \t]*(?:{alternatives}){_AFTER_TERM}", re.MULTILINE)
    m = subject.search(text)
    if m is None:
        anywhere = re.compile(rf"(?<![\w:<-])(?:{alternatives}){_AFTER_TERM}", re.MULTILINE)
        m = anywhere.search(text)
    if m is None:
        return None
    return text.count("\n", 0, m.start()) + 1


def locate_in_jsonld(text: str, iri: str) -> int | None:
    """1-based line of the first ``"@id"`` (or ``"id"`` alias) that names ``iri``."""
    spellings = {iri}
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None
    contexts: list[Any] = []
    if isinstance(doc, dict):
        contexts.append(doc.get("@context"))
    elif isinstance(doc, list):
        contexts.extend(d.get("@context") for d in doc if isinstance(d, dict))
    for ctx in contexts:
        for entry in ctx if isinstance(ctx, list) else [ctx]:
            if not isinstance(entry, dict):
                continue
            base = entry.get("@base")
            if isinstance(base, str) and iri.startswith(base) and len(iri) > len(base):
                spellings.add(iri[len(base) :])
            for prefix, ns in entry.items():
                if isinstance(ns, dict):
                    ns = ns.get("@id")
                if isinstance(ns, str) and not prefix.startswith("@") and iri.startswith(ns):
                    spellings.add(f"{prefix}:{iri[len(ns) :]}")
    alternatives = "|".join(re.escape(json.dumps(s)) for s in spellings)
    m = re.search(rf'"@?id"\s*:\s*(?:{alternatives})', text)
    if m is None:
        return None
    return text.count("\n", 0, m.start()) + 1


def locate(texts: Mapping[Path, str], node: Node) -> tuple[Path | None, int | None]:
    """The first file (in order) and line where ``node`` is defined; (None, None) if nowhere."""
    if not isinstance(node, URIRef):
        return None, None
    fallback: tuple[Path | None, int | None] = (None, None)
    for path, text in texts.items():
        if path.suffix.lower() in (".jsonld", ".json"):
            line = locate_in_jsonld(text, str(node))
        else:
            line = locate_in_turtle(text, str(node))
            # Prefer a file that defines it as a subject over one that only mentions it.
            if line is not None and not _is_subject_line(text, line, str(node)):
                if fallback == (None, None):
                    fallback = (path, line)
                continue
        if line is not None:
            return path, line
    return fallback


def _is_subject_line(text: str, line: int, iri: str) -> bool:
    row = text.splitlines()[line - 1].lstrip()
    return any(row.startswith(s) for s in _turtle_spellings(text, iri))


# --------------------------------------------------------------------------- running pySHACL


def _term(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        return node.n3()
    return str(node)


def render_path(graph: Graph, path: Node | None) -> str | None:
    """A SHACL property path as text: an IRI, ``^p``, ``p1/p2``, ``(p1|p2)``, ``p*`` …"""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    if (path, RDF.first, None) in graph:
        return "/".join(render_path(graph, p) or "?" for p in Collection(graph, path))
    for predicate, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return fmt.format(render_path(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return (
            "("
            + "|".join(render_path(graph, p) or "?" for p in Collection(graph, alternatives))
            + ")"
        )
    return f"_:{path}"


def _results(report: Graph, texts: Mapping[Path, str], root: Path | None) -> list[ResultItem]:
    items: list[ResultItem] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        severity_node = report.value(result, SH.resultSeverity)
        severity = str(severity_node).rsplit("#", 1)[-1] if severity_node else "Violation"
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        constraint = report.value(result, SH.sourceConstraintComponent)
        file, line = locate(texts, focus) if focus is not None else (None, None)
        shown_file: str | None = None
        if file is not None:
            shown_file = str(file)
            if root is not None:
                with contextlib.suppress(ValueError):
                    shown_file = str(file.resolve().relative_to(root.resolve()))
        items.append(
            ResultItem(
                focus_node=_term(focus) or "?",
                path=render_path(report, report.value(result, SH.resultPath)),
                message="; ".join(messages)
                or (str(constraint).rsplit("#", 1)[-1] if constraint else "constraint not met"),
                severity=severity,
                value=_term(report.value(result, SH.value)),
                source_shape=_term(report.value(result, SH.sourceShape)),
                constraint=_term(constraint),
                file=shown_file,
                line=line,
            )
        )
    return sorted(items, key=_sort_key)


def validate(
    data_graph: Graph,
    shapes_graph: Graph,
    ontology_graph: Graph | None = None,
    *,
    texts: Mapping[Path, str] | None = None,
    root: Path | None = None,
) -> ValidationReport:
    """Validate ``data_graph`` against ``shapes_graph``, with ``ontology_graph`` mixed in.

    Raises :class:`ShapesError` when pySHACL cannot use the shapes.

    ``texts`` maps source files to their text, to find the line of each focus node; file names
    in the report are shown relative to ``root`` when they are under it.
    """
    try:
        conforms, report_graph, _ = pyshacl_validate(
            data_graph,
            shacl_graph=shapes_graph,
            ont_graph=ontology_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            abort_on_first=False,
        )
    except ReportableRuntimeError as exc:
        raise ShapesError(f"pySHACL cannot use the shapes: {exc}") from None
    if not isinstance(report_graph, Graph):  # pySHACL returns a ValidationFailure on bad shapes
        raise ShapesError(f"pySHACL cannot use the shapes: {report_graph}")
    prefixes = {p: str(ns) for p, ns in data_graph.namespace_manager.namespaces()}
    prefixes.update({p: str(ns) for p, ns in bind_prefixes(Graph()).namespace_manager.namespaces()})
    results = _results(report_graph, texts or {}, root)
    violations = sum(1 for r in results if r.severity == "Violation")
    return ValidationReport(
        conforms=bool(conforms) and violations == 0,
        results=results,
        graph=report_graph,
        prefixes=prefixes,
    )


def shape_files(settings: Settings) -> list[Path]:
    """The SHACL files of ``shapes/`` (Turtle), sorted."""
    if not settings.shapes_dir.is_dir():
        return []
    return sorted(p for p in settings.shapes_dir.glob("*.ttl") if p.is_file())


def load_shapes(paths: Iterable[Path], where: Path) -> Graph:
    """Parse shapes files into one graph; :class:`ShapesNotFoundError` if there are none."""
    graph = bind_prefixes(Graph())
    count = 0
    for path in paths:
        parse_file(path, graph)
        count += 1
    if count == 0:
        raise ShapesNotFoundError(where)
    return graph


def validate_files(
    paths: Sequence[Path],
    settings: Settings | None = None,
    shapes: Sequence[Path] | None = None,
) -> ValidationReport:
    """Validate files (Turtle or JSON-LD) together with the ontology and the vocabularies.

    ``shapes`` defaults to ``shapes/*.ttl``. Raises :class:`~api.loading.SourceError` when a file
    (given, ontology, vocabulary or shapes) is missing or unreadable.
    """
    settings = settings or Settings.from_env()
    given = load_paths(paths)
    project = [f for f in discover(settings) if f.kind in ("ontology", "vocabularies")]
    given_set = {p.resolve() for p in paths}
    reference = load_files([f for f in project if f.path.resolve() not in given_set])
    shapes_graph = load_shapes(
        shapes if shapes is not None else shape_files(settings), settings.shapes_dir
    )

    data = given.merged()
    data += reference.merged(["vocabularies"])
    ontology = reference.merged(["ontology"])
    texts = dict(given.texts)
    texts.update({p: t for p, t in reference.texts.items() if p not in texts})
    return validate(data, shapes_graph, ontology, texts=texts, root=settings.root)
