"""The query catalogue: named, documented, parameterised SPARQL queries in ``queries/*.rq``.

Each ``.rq`` file is one query (its name is the file name without ``.rq``). It opens with a header
in grlc's decorator style — comment lines starting with ``#+`` that together are one YAML mapping —
followed by the SPARQL text of a ``SELECT`` query::

    #+ summary: Everything an instrument asks of a given actor
    #+ description: >
    #+   The normative statements that involve an actor, and in which role …
    #+ tags:
    #+   - actors
    #+ params:
    #+   - name: actor
    #+     type: iri              # iri | string | integer
    #+     required: true
    #+     namespace: https://w3id.org/ocsea/id/actor/   # optional: bare local names resolve here
    #+     description: An actor, or an actor class.
    #+     example: ocsea:ServiceProvider
    #+   - name: role
    #+     type: string
    #+     required: false
    #+     enum: [addressee, partner]                      # optional: the allowed values
    #+     description: Only this role.
    #+     example: addressee

Optional keys of a parameter: ``default`` (bound when the parameter is not given), ``enum``,
``namespace`` (IRIs), ``minimum``/``maximum`` (integers). ``format`` is reserved (the output
format of the HTTP and command-line interfaces) and cannot be a parameter name.

**Parameters are bound, never pasted.** A parameter ``name`` is the variable ``?_name`` of the
query; :meth:`CatalogueQuery.bind` checks and types the values given as text and returns the rdflib
terms to pass as ``bindings`` to :meth:`~api.store.base.Repository.select` or
:meth:`~api.sparql.engine.SparqlEngine.query`. An optional parameter that is not given stays
unbound, so queries test it with ``COALESCE(?x = ?_x, true)`` or inside ``EXISTS`` (pyoxigraph
substitutes a bound parameter as a constant, so ``BOUND(?_x)`` cannot tell). pyoxigraph also binds
only variables of the ``SELECT`` projection: every query projects its parameter variables, and the
results carry them as ``_name`` columns.

Values of IRI parameters may be a full IRI (``https://…``, ``urn:…``, optionally in ``<…>``), a
CURIE whose prefix the project uses (``actor:tech-industry``, ``theme:cap-13``, ``q:domestic-law``;
see :func:`project_prefixes`) or, for parameters with a ``namespace``, a bare local name
(``tech-industry``). Every value is checked (:class:`ParameterError`, a 400 for the web API).

Example::

    >>> catalogue = load_catalogue(Settings.from_env())             # doctest: +SKIP
    >>> query = catalogue.get("addressed-to-actor")                 # doctest: +SKIP
    >>> query.bind({"actor": "actor:tech-industry"})                # doctest: +SKIP
    {'_actor': rdflib.term.URIRef('https://w3id.org/ocsea/id/actor/tech-industry')}
    >>> repository.select(query.text, query.bind({"actor": "tech-industry"}))  # doctest: +SKIP
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node
from rich.console import Console
from rich.table import Table

from api.namespaces import PREFIXES
from api.settings import Settings
from api.sparql.engine import query_kind
from api.sparql.negotiation import ResultKind
from api.store.base import SelectResult

QUERIES_DIRNAME = "queries"
"""The catalogue's folder, at the project root."""

MAX_VALUE_LENGTH = 1000
"""The longest parameter value accepted, in characters."""

RESERVED_NAMES = frozenset({"format"})
"""Names that cannot be parameters: the HTTP and command-line interfaces use them."""

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_QUERY_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_FULL_IRI_SCHEMES = ("http", "https", "urn")
_HEADER_KEYS = {"summary", "description", "tags", "params"}
_PARAM_KEYS = {
    "name",
    "type",
    "required",
    "description",
    "example",
    "default",
    "enum",
    "namespace",
    "minimum",
    "maximum",
}


class CatalogueError(Exception):
    """A catalogue file is malformed (a bug of the catalogue, reported with the file's name)."""


class UnknownQueryError(LookupError):
    """No query of that name; ``known`` lists the names there are."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = list(known)
        super().__init__(f"no query named {name!r}; the catalogue has: {', '.join(self.known)}")


class ParameterError(ValueError):
    """A parameter value that cannot be used: unknown, missing, repeated or of the wrong type."""


class ParamType(StrEnum):
    """The types a parameter may have."""

    iri = "iri"
    string = "string"
    integer = "integer"


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a query (the variable ``?_name``)."""

    name: str
    type: ParamType
    required: bool
    description: str
    example: str | None = None
    default: str | None = None
    enum: tuple[str, ...] = ()
    namespace: str | None = None
    minimum: int | None = None
    maximum: int | None = None

    @property
    def variable(self) -> str:
        """The query variable (without ``?``) the parameter binds."""
        return "_" + self.name

    @classmethod
    def from_header(cls, entry: object, source: str, prefixes: Mapping[str, str]) -> Parameter:
        """The parameter declared by ``entry`` (one item of ``params``); ``CatalogueError``.

        Its example and default must be valid values (CURIEs with ``prefixes``).
        """
        if not isinstance(entry, dict):
            raise CatalogueError(f"{source}: each item of 'params' must be a mapping")
        unknown = set(entry) - _PARAM_KEYS
        if unknown:
            raise CatalogueError(f"{source}: unknown parameter keys {sorted(unknown)}")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name) or name in RESERVED_NAMES:
            raise CatalogueError(
                f"{source}: parameter name {name!r} must be lower-case letters, digits and '_' "
                f"(and not {', '.join(sorted(RESERVED_NAMES))})"
            )
        where = f"{source}: parameter {name!r}"
        try:
            kind = ParamType(str(entry.get("type")))
        except ValueError:
            raise CatalogueError(
                f"{where}: type must be one of {', '.join(t.value for t in ParamType)}"
            ) from None
        required = entry.get("required")
        description = entry.get("description")
        if not isinstance(required, bool):
            raise CatalogueError(f"{where}: 'required' must be true or false")
        if not isinstance(description, str) or not description.strip():
            raise CatalogueError(f"{where}: a description is needed")
        enum = entry.get("enum", [])
        if not isinstance(enum, list) or not all(isinstance(v, str) for v in enum):
            raise CatalogueError(f"{where}: 'enum' must be a list of strings")
        namespace = entry.get("namespace")
        if namespace is not None and (kind is not ParamType.iri or not isinstance(namespace, str)):
            raise CatalogueError(f"{where}: 'namespace' is an IRI, for iri parameters only")
        bounds = {key: entry.get(key) for key in ("minimum", "maximum")}
        for key, bound in bounds.items():
            if bound is not None and (kind is not ParamType.integer or type(bound) is not int):
                raise CatalogueError(f"{where}: '{key}' is an integer, for integer parameters")
        parameter = cls(
            name=name,
            type=kind,
            required=required,
            description=" ".join(description.split()),
            example=_optional_text(entry.get("example"), where, "example"),
            default=_optional_text(entry.get("default"), where, "default"),
            enum=tuple(enum),
            namespace=namespace,
            minimum=bounds["minimum"],
            maximum=bounds["maximum"],
        )
        if parameter.example is None:
            raise CatalogueError(f"{where}: an example is needed")
        if parameter.required and parameter.default is not None:
            raise CatalogueError(f"{where}: a required parameter cannot have a default")
        for value in (parameter.example, parameter.default):
            if value is not None:
                try:
                    parameter.term(value, prefixes)
                except ParameterError as exc:
                    raise CatalogueError(f"{source}: {exc}") from None
        return parameter

    def term(self, value: str, prefixes: Mapping[str, str]) -> Node:
        """``value`` (text) as the rdflib term to bind; ``ParameterError`` when it does not fit."""
        where = f"parameter {self.name!r}"
        if len(value) > MAX_VALUE_LENGTH:
            raise ParameterError(
                f"{where}: the value is {len(value)} characters long; at most "
                f"{MAX_VALUE_LENGTH} are accepted"
            )
        if self.enum and value not in self.enum:
            raise ParameterError(
                f"{where}: {value!r} is not one of the allowed values: {', '.join(self.enum)}"
            )
        if self.type is ParamType.integer:
            return self._integer(value.strip(), where)
        if self.type is ParamType.iri:
            return self._iri(value.strip(), prefixes, where)
        return Literal(value)

    def _integer(self, value: str, where: str) -> Literal:
        if not _INTEGER.fullmatch(value):
            raise ParameterError(f"{where}: {value!r} is not an integer (e.g. {self.example})")
        number = int(value)
        if self.minimum is not None and number < self.minimum:
            raise ParameterError(f"{where}: {number} is less than the minimum, {self.minimum}")
        if self.maximum is not None and number > self.maximum:
            raise ParameterError(f"{where}: {number} is more than the maximum, {self.maximum}")
        return Literal(number, datatype=XSD.integer)

    def _iri(self, value: str, prefixes: Mapping[str, str], where: str) -> URIRef:
        text = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        prefix, colon, local = text.partition(":")
        if colon and prefix in prefixes:
            iri = prefixes[prefix] + local
        elif colon and prefix.lower() in _FULL_IRI_SCHEMES:
            iri = text
        elif not colon and self.namespace and text:
            iri = self.namespace + text
        else:
            shapes = "a full IRI (https://…), a CURIE with a known prefix"
            if self.namespace:
                shapes += f", or a local name in {self.namespace}"
            unknown = f" (unknown prefix {prefix!r})" if colon else ""
            raise ParameterError(
                f"{where}: {value!r} is not an IRI{unknown}: give {shapes}. Known prefixes: "
                f"{', '.join(sorted(prefixes))}"
            )
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise ParameterError(f"{where}: {value!r} is not a valid IRI ({exc})") from None
        return URIRef(iri)

    def describe(self) -> dict[str, Any]:
        """The parameter as JSON (for listings)."""
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type.value,
            "required": self.required,
            "description": self.description,
            "example": self.example,
        }
        if self.default is not None:
            out["default"] = self.default
        if self.enum:
            out["enum"] = list(self.enum)
        if self.namespace:
            out["namespace"] = self.namespace
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


def _optional_text(value: object, where: str, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise CatalogueError(f"{where}: '{key}' must be a string or a number")
    return str(value)


@dataclass(frozen=True)
class CatalogueQuery:
    """One query of the catalogue: its header and its SPARQL text."""

    name: str
    path: Path
    text: str
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Parameter, ...]
    prefixes: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def title(self) -> str:
        """The query's title (its ``summary``)."""
        return self.summary

    @property
    def kind(self) -> ResultKind:
        """What the query returns (solutions, a boolean or a graph)."""
        return query_kind(self.text)

    def parameter(self, name: str) -> Parameter | None:
        """The declared parameter ``name``, if any."""
        return next((p for p in self.params if p.name == name), None)

    def bind(self, values: Mapping[str, str | Sequence[str]]) -> dict[str, Node]:
        """Check ``values`` (name → text, or list of texts) and return the bindings to pass.

        An empty value counts as not given; a parameter not given takes its ``default`` or stays
        unbound. ``ParameterError`` for an unknown or repeated parameter, a missing required one
        or a value of the wrong type.
        """
        given: dict[str, str] = {}
        for name, raw in values.items():
            parameter = self.parameter(name)
            if parameter is None:
                accepted = ", ".join(p.name for p in self.params) or "none"
                raise ParameterError(
                    f"query {self.name!r} has no parameter {name!r}; its parameters: {accepted}"
                )
            texts = [v for v in ([raw] if isinstance(raw, str) else raw) if v != ""]
            if len(texts) > 1:
                raise ParameterError(
                    f"parameter {name!r} is given {len(texts)} times; give it once"
                )
            if texts:
                given[name] = texts[0]
        bindings: dict[str, Node] = {}
        for parameter in self.params:
            value = given.get(parameter.name, parameter.default)
            if value is None:
                if parameter.required:
                    raise ParameterError(
                        f"query {self.name!r} needs the parameter {parameter.name!r}, e.g. "
                        f"{parameter.name}={parameter.example}: {parameter.description}"
                    )
                continue
            bindings[parameter.variable] = parameter.term(value, self.prefixes)
        return bindings

    def example_arguments(self) -> dict[str, str]:
        """The examples of the required parameters: arguments that make a valid call."""
        return {p.name: p.example for p in self.params if p.required and p.example is not None}

    def describe(self) -> dict[str, Any]:
        """The query as JSON (name, title, description, tags, params)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "tags": list(self.tags),
            "form": self.kind.name,
            "params": [p.describe() for p in self.params],
        }


def parse_header(text: str, source: str) -> dict[str, Any]:
    """The YAML mapping of the ``#+`` lines that open ``text``; ``CatalogueError`` if malformed."""
    lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    if not lines:
        raise CatalogueError(f"{source}: no '#+' header (summary, description, tags, params)")
    try:
        header = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{source}: the header is not valid YAML: {exc}") from None
    if not isinstance(header, dict):
        raise CatalogueError(f"{source}: the header must be a YAML mapping")
    return header


def parse_query(path: Path, prefixes: Mapping[str, str]) -> CatalogueQuery:
    """The query in ``path``, with its header checked and its text tried on an empty store."""
    source = str(path)
    name = path.stem
    if not _QUERY_NAME.fullmatch(name):
        raise CatalogueError(f"{source}: a query name is lower-case letters, digits and '-'")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{source}: cannot read it: {exc}") from None
    header = parse_header(text, source)
    missing = _HEADER_KEYS - set(header)
    if missing:
        raise CatalogueError(f"{source}: the header lacks {', '.join(sorted(missing))}")
    summary, description, tags = header["summary"], header["description"], header["tags"]
    if not isinstance(summary, str) or not isinstance(description, str):
        raise CatalogueError(f"{source}: summary and description must be text")
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
        raise CatalogueError(f"{source}: tags must be a non-empty list of words")
    raw_params = header["params"] or []
    if not isinstance(raw_params, list):
        raise CatalogueError(f"{source}: params must be a list")
    params = tuple(Parameter.from_header(entry, source, prefixes) for entry in raw_params)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise CatalogueError(f"{source}: a parameter is declared twice")
    query = CatalogueQuery(
        name=name,
        path=path,
        text=text,
        summary=" ".join(summary.split()),
        description=" ".join(description.split()),
        tags=tuple(tags),
        params=params,
        prefixes=prefixes,
    )
    if query.kind is not ResultKind.SELECT:
        raise CatalogueError(f"{source}: catalogue queries are SELECT queries")
    _try_on_empty_store(query)
    return query


def _try_on_empty_store(query: CatalogueQuery) -> None:
    """Parse and run the query on an empty store with every parameter bound.

    pyoxigraph refuses a binding for a variable that is not projected, with a ``RuntimeError``
    the web API would turn into a 500: catch that (and syntax errors) when the file is loaded.
    """
    substitutions: dict[ox.Variable, Any] = {
        ox.Variable(p.variable): ox.Literal("0") for p in query.params
    }
    try:
        result = ox.Store().query(query.text, substitutions=substitutions or None)
        if isinstance(result, ox.QuerySolutions):
            list(result)
    except SyntaxError as exc:
        raise CatalogueError(f"{query.path}: SPARQL syntax error: {exc}") from None
    except RuntimeError as exc:
        raise CatalogueError(
            f"{query.path}: {exc} (project every ?_parameter in the SELECT clause)"
        ) from None


def parameter_variables(text: str) -> set[str]:
    """The parameter names a query uses: its variables ``?_name``/``$_name``, found by parsing.

    Uses rdflib's SPARQL parser (slower than pyoxigraph's, but it exposes the algebra), so comments,
    strings and IRIs never count. For the catalogue's checks and tests.
    """
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.algebra import traverse
    from rdflib.term import Variable

    found: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, Variable) and re.match(r"^_[a-z]", str(node)):
            found.add(str(node)[1:])

    traverse(prepareQuery(text).algebra, visitPost=visit)
    return found


class Catalogue:
    """The queries of a folder, by name."""

    def __init__(self, queries: Mapping[str, CatalogueQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    @classmethod
    def load(cls, directory: Path, prefixes: Mapping[str, str]) -> Catalogue:
        """Every ``*.rq`` of ``directory``; ``CatalogueError`` for the first malformed one."""
        if not directory.is_dir():
            raise CatalogueError(f"{directory}: the query catalogue folder does not exist")
        return cls({p.stem: parse_query(p, prefixes) for p in sorted(directory.glob("*.rq"))})

    def names(self) -> list[str]:
        """The query names, sorted."""
        return list(self._queries)

    def get(self, name: str) -> CatalogueQuery:
        """The query ``name``; ``UnknownQueryError`` (with the known names) when there is none."""
        try:
            return self._queries[name]
        except KeyError:
            raise UnknownQueryError(name, self.names()) from None

    def __iter__(self) -> Iterator[CatalogueQuery]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)


def queries_dir(settings: Settings) -> Path:
    """The catalogue folder of the project of ``settings``."""
    return settings.root / QUERIES_DIRNAME


def project_prefixes(settings: Settings) -> dict[str, str]:
    """The prefixes accepted in CURIE parameter values.

    The API's own (:data:`api.namespaces.PREFIXES`) plus every prefix the project's Turtle files
    declare (``actor:``, ``theme:``, ``topic:``, ``q:``, ``work:``, ``ctype:``, the instruments'
    ``unga:``, ``gsr:`` …). A prefix that two files bind to different namespaces is ambiguous and
    left out, unless the API defines it.
    """
    seen: dict[str, set[str]] = {}
    folders = (settings.ontology_dir, settings.vocabularies_dir, settings.instruments_dir)
    files = [f for folder in folders for f in sorted(folder.glob("*.ttl"))]
    files += [settings.correspondences_file]
    for path in files:
        if not path.is_file():
            continue
        graph = Graph(bind_namespaces="none")
        graph.parse(path, format="turtle")
        for prefix, namespace in graph.namespaces():
            if prefix:
                seen.setdefault(prefix, set()).add(str(namespace))
    prefixes = {p: next(iter(ns)) for p, ns in seen.items() if len(ns) == 1}
    prefixes.update({p: str(ns) for p, ns in PREFIXES.items()})
    return dict(sorted(prefixes.items()))


def load_catalogue(settings: Settings) -> Catalogue:
    """The catalogue of the project of ``settings``, with the project's prefixes."""
    return Catalogue.load(queries_dir(settings), project_prefixes(settings))


# -- rendering --------------------------------------------------------------------------------


def compact(term: Node | None, prefixes: Mapping[str, str]) -> str:
    """``term`` for people: an IRI as a CURIE where a prefix fits, a literal as its text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        best = max(
            ((p, ns) for p, ns in prefixes.items() if str(term).startswith(ns)),
            key=lambda item: len(item[1]),
            default=None,
        )
        if best is not None:
            local = str(term)[len(best[1]) :]
            if local and re.fullmatch(r"[\w.-]*", local):
                return f"{best[0]}:{local}"
        return str(term)
    return str(term)


def format_table(
    result: SelectResult, prefixes: Mapping[str, str], width: int | None = None
) -> str:
    """``result`` as text for a terminal: a table when it fits ``width``, else one block per row.

    Parameter echo columns (``_name``) are left out; IRIs are shown as CURIEs.
    """
    width = width or shutil.get_terminal_size().columns
    columns = [v for v in result.variables if not v.startswith("_")]
    rows = [[compact(row.get(c), prefixes) for c in columns] for row in result.rows]
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    natural = sum(max([len(c), *(len(r[i]) for r in rows)]) + 3 for i, c in enumerate(columns))
    if natural <= width:
        table = Table(*columns, show_lines=False, header_style="bold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    else:
        for number, row in enumerate(rows, start=1):
            record = Table(title=f"row {number}", show_header=False, title_justify="left")
            record.add_column(style="bold", no_wrap=True)
            record.add_column(overflow="fold")
            for column, value in zip(columns, row, strict=True):
                record.add_row(column, value)
            console.print(record)
    count = len(rows)
    console.print(f"({count} row{'s' if count != 1 else ''})")
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()


def catalogue_markdown(catalogue: Catalogue) -> str:
    """The catalogue as Markdown (``docs/query-catalogue.md`` is this, generated)."""
    out = [
        "# Query catalogue",
        "",
        "<!-- Generated from queries/*.rq by `ocsea queries --format markdown`; do not edit. -->",
        "",
        "Named SPARQL queries for the questions scholars ask of the graph. Each is a file",
        "`queries/NAME.rq` with a header (summary, description, tags, params) and runs:",
        "",
        "- over HTTP: `GET /queries/NAME?param=value` (results as SPARQL JSON, XML, CSV or TSV,",
        "  by `Accept` or `format=`); `GET /queries` lists them, `GET /queries/NAME.rq` gives the",
        "  text;",
        "- on the command line: `ocsea query NAME --param key=value`",
        "  (`--format table|json|csv|tsv|xml`, default a table).",
        "",
        "IRI parameters take a full IRI, a CURIE with a project prefix (`actor:`, `theme:`,",
        "`topic:`, `q:`, `work:`, `ctype:`, `id:`, `ocsea:` …) or, where a namespace is given, a",
        "bare local name. Results repeat the parameters given as `_name` columns.",
        "",
        "| query | question |",
        "|---|---|",
    ]
    out += [f"| [`{q.name}`](#{q.name}) | {q.title} |" for q in catalogue]
    for query in catalogue:
        out += ["", f"## {query.name}", "", f"**{query.title}**", "", query.description, ""]
        out.append(
            f"Tags: {', '.join(query.tags)}. Text: [`queries/{query.name}.rq`]"
            f"(../queries/{query.name}.rq)."
        )
        out.append("")
        if query.params:
            out += [
                "| parameter | type | required | description | example |",
                "|---|---|---|---|---|",
            ]
            for p in query.params:
                kind = p.type.value
                if p.enum:
                    kind += " (" + " \\| ".join(f"`{v}`" for v in p.enum) + ")"
                if p.default is not None:
                    kind += f", default `{p.default}`"
                out.append(
                    f"| `{p.name}` | {kind} | {'yes' if p.required else 'no'} | "
                    f"{p.description} | `{p.example}` |"
                )
        else:
            out.append("No parameters.")
        examples = {p.name: p.example for p in query.params if p.example is not None}
        query_string = urlencode(examples, safe=":/")
        cli = "".join(f" --param {k}={_shell_quote(v)}" for k, v in examples.items())
        out += [
            "",
            "Example:",
            "",
            "```",
            f"GET /queries/{query.name}" + (f"?{query_string}" if query_string else ""),
            f"ocsea query {query.name}{cli}",
            "```",
        ]
    out += [
        "",
        "## Writing a query",
        "",
        "Add `queries/NAME.rq` (lower-case name with `-`): a `#+` YAML header with `summary`,",
        "`description`, `tags` and `params` (each with `name`, `type` iri|string|integer,",
        "`required`, `description`, `example`; optional `default`, `enum`, `namespace`,",
        "`minimum`, `maximum`), then one `SELECT` query. A parameter `name` is the variable",
        "`?_name`:",
        "",
        "- project it in the `SELECT` clause (pyoxigraph binds only projected variables) and use",
        "  it in the top-level group, not inside a subquery;",
        "- test an optional one with `FILTER(COALESCE(?x = ?_name, true))` or inside `EXISTS`,",
        "  never with `BOUND(?_name)` (a bound parameter is substituted by a constant);",
        "- a property path such as `skos:broader*` to an unbound parameter runs over every node:",
        "  guard it with `IF(COALESCE(?_name = ?_name, false), EXISTS { … }, true)`.",
        "",
        "Then regenerate this page: `ocsea queries --format markdown > docs/query-catalogue.md`.",
        "`tests/test_catalogue.py` checks the header, the parameters and this page.",
    ]
    return "\n".join(out) + "\n"


def _shell_quote(value: str) -> str:
    return value if re.fullmatch(r"[\w.:/-]+", value) else "'" + value.replace("'", "'\\''") + "'"
