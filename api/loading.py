"""Parse the project's Turtle and JSON-LD files into named graphs, with exact error positions.

Where each source goes (``G`` = ``https://w3id.org/ocsea/id/graph/``):

=====================================  =============================
file                                   named graph
=====================================  =============================
``ontology/*.ttl`` (core, alignments)  ``G ontology``
``data/vocabularies/*.ttl``            ``G vocabularies``
``data/instruments/X.ttl``             ``G X``
``data/correspondences.ttl``           ``G correspondences``
(reasoner output, see api.build)       ``G inferred``
``shapes/*.ttl`` (added by api.build)  ``G shapes``
=====================================  =============================

Files may be Turtle (``.ttl``) or JSON-LD (``.jsonld``, ``.json``). A file that cannot be read
raises :class:`SourceSyntaxError` with the file, line and column (from rdflib's ``BadSyntax`` for
Turtle, from :class:`json.JSONDecodeError` for JSON-LD); a missing file raises
:class:`SourceNotFoundError`. Both are :class:`SourceError`, the error a command reports and exits
on with status 2.

Example::

    >>> from api.settings import Settings
    >>> from api.loading import load_sources
    >>> sources = load_sources(Settings.from_env())          # doctest: +SKIP
    >>> sorted(str(g) for g in sources.graph_names())          # doctest: +SKIP
    ['https://w3id.org/ocsea/id/graph/ontology', ...]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from api.namespaces import (
    BASE_IRI,
    CORRESPONDENCES_GRAPH,
    ONTOLOGY_GRAPH,
    VOCABULARIES_GRAPH,
    bind_prefixes,
    graph_iri,
)
from api.settings import Settings

SourceKind = Literal["ontology", "vocabularies", "instrument", "correspondences", "data"]

RDF_FORMATS: dict[str, str] = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld"}
"""File suffix → rdflib parser name."""


class SourceError(Exception):
    """An input file cannot be used: missing, unreadable or not valid Turtle/JSON-LD."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class SourceNotFoundError(SourceError):
    """The file does not exist (or is not a file)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "no such file")


class SourceSyntaxError(SourceError):
    """The file is not valid in its format. ``line`` and ``column`` are 1-based, when known."""

    def __init__(self, path: Path, line: int | None, column: int | None, detail: str) -> None:
        super().__init__(path, detail)
        self.line = line
        self.column = column
        self.detail = detail

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.detail}"
        return f"{self.path}:{self.line}:{self.column}: {self.detail}"


@dataclass(frozen=True)
class SourceFile:
    """One input file and the named graph it belongs to."""

    path: Path
    graph: URIRef
    kind: SourceKind


@dataclass
class LoadedSources:
    """The parsed sources: a dataset with one named graph per source group, and the file texts."""

    dataset: Dataset
    files: list[SourceFile]
    texts: dict[Path, str] = field(default_factory=dict)

    def graph_names(self) -> list[URIRef]:
        """The named graphs that received at least one file, in load order."""
        seen: dict[URIRef, None] = {}
        for f in self.files:
            seen.setdefault(f.graph, None)
        return list(seen)

    def graph(self, name: URIRef) -> Graph:
        """The named graph ``name`` (a live view into the dataset)."""
        return self.dataset.graph(name)

    def merged(self, kinds: Iterable[SourceKind] | None = None) -> Graph:
        """A new plain graph holding the union of the named graphs of the given kinds (or all)."""
        wanted = set(kinds) if kinds is not None else None
        out = bind_prefixes(Graph())
        for name in dict.fromkeys(
            f.graph for f in self.files if wanted is None or f.kind in wanted
        ):
            out += self.dataset.graph(name)
        return out

    def triple_counts(self) -> dict[str, int]:
        """Triples per named graph, keyed by graph IRI."""
        return {str(name): len(self.dataset.graph(name)) for name in self.graph_names()}


def rdf_format(path: Path) -> str:
    """The rdflib format name for ``path`` from its suffix; :class:`SourceError` if unknown."""
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(RDF_FORMATS))
        raise SourceError(path, f"unknown file type {path.suffix!r} (expected one of {known})")
    return fmt


def read_text(path: Path) -> str:
    """The file's text as UTF-8; :class:`SourceNotFoundError` or :class:`SourceSyntaxError`."""
    if path.is_dir():
        raise SourceError(path, "is a directory, not a file")
    if not path.is_file():
        raise SourceNotFoundError(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data[: exc.start].decode("utf-8", errors="replace"))
        raise SourceSyntaxError(path, line, column, f"not UTF-8 text ({exc.reason})") from None


def _position(prefix: str) -> tuple[int, int]:
    """1-based (line, column) of the character that follows ``prefix``."""
    line = prefix.count("\n") + 1
    column = len(prefix) - (prefix.rfind("\n") + 1) + 1
    return line, column


def _bad_syntax_position(exc: BadSyntax) -> tuple[int | None, int | None]:
    """Line and column of a ``BadSyntax``: it keeps the whole document and the failing offset."""
    document = getattr(exc, "_str", None)
    offset = getattr(exc, "_i", None)
    if isinstance(document, bytes) and isinstance(offset, int):
        return _position(document.decode("utf-8", errors="replace")[:offset])
    lines = getattr(exc, "lines", None)
    return (lines + 1 if isinstance(lines, int) else None), None


def parse_text(text: str, path: Path, into: Graph | None = None, fmt: str | None = None) -> Graph:
    """Parse ``text`` (the content of ``path``) into ``into`` (or a new graph) and return it."""
    fmt = fmt or rdf_format(path)
    graph = into if into is not None else bind_prefixes(Graph())
    public_id = path.resolve().as_uri()
    if fmt == "json-ld":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceSyntaxError(
                path, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}"
            ) from None
    try:
        graph.parse(data=text, format=fmt, publicID=public_id)
    except BadSyntax as exc:
        line, column = _bad_syntax_position(exc)
        reason = getattr(exc, "_why", None) or "bad syntax"
        raise SourceSyntaxError(path, line, column, f"invalid Turtle: {reason}") from None
    except Exception as exc:  # any other parser complaint is also a problem of the file
        raise SourceSyntaxError(path, None, None, f"cannot parse as {fmt}: {exc}") from None
    return graph


def parse_file(path: Path, into: Graph | None = None) -> Graph:
    """Read and parse one Turtle/JSON-LD file (see :func:`parse_text`)."""
    fmt = rdf_format(path)
    return parse_text(read_text(path), path, into, fmt)


def _rdf_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in RDF_FORMATS)


def discover(settings: Settings) -> list[SourceFile]:
    """All source files of the project, each with its named graph, in load order."""
    base = settings.base_iri or BASE_IRI
    files: list[SourceFile] = []
    for p in _rdf_files(settings.ontology_dir):
        files.append(SourceFile(p, graph_iri(ONTOLOGY_GRAPH, base=base), "ontology"))
    for p in _rdf_files(settings.vocabularies_dir):
        files.append(SourceFile(p, graph_iri(VOCABULARIES_GRAPH, base=base), "vocabularies"))
    for p in _rdf_files(settings.instruments_dir):
        files.append(SourceFile(p, graph_iri(p.stem, base=base), "instrument"))
    if settings.correspondences_file.is_file():
        corr = settings.correspondences_file
        files.append(
            SourceFile(corr, graph_iri(CORRESPONDENCES_GRAPH, base=base), "correspondences")
        )
    return files


def load_files(files: Sequence[SourceFile]) -> LoadedSources:
    """Parse ``files`` into one dataset, each into its named graph."""
    dataset = Dataset()
    bind_prefixes(dataset)
    loaded = LoadedSources(dataset=dataset, files=list(files))
    for source in files:
        text = read_text(source.path)
        parsed = parse_text(text, source.path)
        loaded.texts[source.path] = text
        target = dataset.graph(source.graph)
        target += parsed
    return loaded


def load_sources(settings: Settings) -> LoadedSources:
    """Parse every source of the project (see :func:`discover`)."""
    return load_files(discover(settings))


def load_paths(paths: Sequence[Path], kind: SourceKind = "data") -> LoadedSources:
    """Parse arbitrary files (e.g. those given to ``ocsea validate``), each in its own graph."""
    return load_files([SourceFile(p, URIRef(p.resolve().as_uri()), kind) for p in paths])
