r"""``RemoteRepository``: the :class:`~api.store.base.Repository` over a remote SPARQL 1.1 server.

Set ``OCSEA_SPARQL_ENDPOINT`` (and, as needed, ``OCSEA_SPARQL_UPDATE_ENDPOINT``,
``OCSEA_GRAPH_STORE_ENDPOINT``, ``OCSEA_REMOTE_USER``/``OCSEA_REMOTE_PASSWORD``) and the API, the
``/sparql`` endpoint and ``ocsea build`` work over Virtuoso, Fuseki, GraphDB, Oxigraph server …
instead of the embedded store. ``docs/remote-store.md`` says how to set up each engine.

How the remote store is made to behave like the embedded one:

- **the project's graphs only.** The repository manages the named graphs whose IRIs start with
  its graph namespace (``https://w3id.org/ocsea/id/graph/``); other graphs of the server are
  neither listed nor counted nor written (``ValueError``). A query without a protocol dataset and
  without ``FROM`` is sent with ``default-graph-uri`` *and* ``named-graph-uri`` set to each
  project graph, so its default graph is their union and ``GRAPH ?g`` ranges over them whatever
  the server's own default (Virtuoso's default graph holds ~2,500 system triples). A protocol
  dataset is kept to the project's graphs. With no project graph yet, the namespace IRI itself
  (never a graph) stands in, so the dataset is empty rather than the server's default. The
  list of project graphs is cached for ``cache_seconds`` (2 s), refreshed at once after this
  repository's own writes: a graph created by another client is seen at most that late. A
  query's own ``FROM``/``FROM NAMED`` is sent as written (like any client of that server).
- **prefixes**: the ``PREFIX`` prologue of :data:`api.namespaces.SPARQL_PREFIXES` (and ``BASE``)
  is put before every query and update, on the same line as the text's first line so that line
  numbers in the server's error messages stay right (Oxigraph's ``error at 1:N`` column is
  shifted back by the prologue's length). A query's own ``PREFIX`` wins (SPARQL lets a later
  declaration replace an earlier one).
- **queries only**: a text given as a query must be ``SELECT``/``ASK``/``CONSTRUCT``/``DESCRIBE``
  and contain no update keyword (Virtuoso's ``/sparql`` would otherwise run an update sent as
  ``query=``): else ``SyntaxError``, before anything is sent.
- **bindings** (:func:`bind_values`): a ``VALUES`` block inserted right after the ``{`` that opens
  the outermost ``WHERE`` group, located by :func:`api.sparql_lexer.tokens` (which skips strings,
  IRIs and comments). Each value is the N-Triples form written by pyoxigraph, which first
  validates it: an IRI with a space, ``<``, ``>``, ``"``, ``{``, ``}``, ``|``, ``^``, a backtick
  or a backslash is refused (``ValueError``); in a literal ``"``, ``\`` and line breaks are
  escaped (``\"``, ``\\``, ``\n``), so the string cannot end before its closing quote; a
  language tag must be letters, digits and ``-``; variable names must be word characters. No
  value can therefore add a token of its own to the query. Unicode escapes are not used for
  printable characters (Virtuoso decodes ``\uXXXX`` in strings as Latin-1), and a value's own
  backslash is doubled, so a ``\u0022`` in a value stays text even on an engine that decodes
  escapes before parsing. Blank nodes cannot be bound (``VALUES`` has no syntax for them), nor
  can the short form ``CONSTRUCT WHERE { … }`` take bindings (its group is also its template).
- **answers**: ``raw_query`` asks the server for the negotiated media type and passes its
  answer through when it is that type, else parses what came and writes the wanted type with
  pyoxigraph. CSV, TSV and JSON-LD are always made here, from the server's SPARQL JSON or
  N-Triples: Virtuoso 7.2 writes IRIs in TSV as quoted strings and numbers in JSON-LD as JSON
  numbers (an ``xsd:decimal`` would come back as a double). Results with blank nodes are
  rewritten too, as Virtuoso labels them ``nodeID://b10001``, which strict parsers (pyoxigraph)
  refuse: such labels become ``b`` + a hash of the label (the same node, the same label).
- **truncated answers** (Virtuoso's ``ResultSetMaxRows``, 10,000 by default): a ``SELECT``
  answer with Virtuoso's ``X-SPARQL-MaxRows`` header, and a ``CONSTRUCT`` answer with as many
  triples as that limit (probed once, on Virtuoso only), raise :class:`RowLimitError` rather
  than return part of the result; :meth:`RemoteRepository.get_graph` compares what it got with
  the graph's count and, if the server cut it, reads the graph in pages of a sorted sub-select.
- **graphs**: with a Graph Store Protocol URL, ``PUT``/``GET``/``DELETE`` of N-Triples (one
  request per graph); without, SPARQL Update: ``DROP SILENT GRAPH`` + ``INSERT DATA`` in one
  request, the triples with blank nodes in an ``INSERT { … } WHERE {}`` of the same request
  (Virtuoso refuses blank nodes in ``INSERT DATA``). Virtuoso's SPARQL compiler runs out of
  memory on an ``INSERT DATA`` of ~5,000 triples, so a graph of more than ``update_batch``
  (2,000) triples is written into a staging graph (``urn:uuid:…``) in batches and swapped in
  with one ``MOVE``: still all or nothing for readers. Empty graphs are not kept by every
  engine: they are not listed.
- **version**: SHA-256 of, per project graph, its triple count and the sum of a 16-bit hash
  (the first four hex digits of the MD5 of each triple, blank nodes counted by position only)
  computed by the server in one aggregate query. It changes with any added or removed triple and
  with nearly any edit (a same-count edit goes unseen with odds of 1 in 65,536); it costs a scan of
  the project's triples (~0.2 s for 15,000 triples on Virtuoso and Oxigraph server), so it is cached
  like the graph list.
- **errors**: unreachable server, timeout, 5xx and unexpected answers → :class:`RepositoryError`
  with the URL and the server's message; ``400`` → ``SyntaxError`` with the server's message;
  a write on a read-only repository → :class:`ReadOnlyError`.
- **authentication**: with ``OCSEA_REMOTE_USER``, requests go without credentials first and
  answer the server's ``401`` challenge with Digest (Virtuoso's ``/sparql-auth``) or Basic
  (Fuseki, GraphDB) as it asks, so the password is never sent to a server that does not ask.

Example::

    >>> from api.settings import RemoteEndpoint
    >>> repo = RemoteRepository(RemoteEndpoint("http://127.0.0.1:7878/query",
    ...                                        "http://127.0.0.1:7878/update"))  # doctest: +SKIP
    >>> repo.select("SELECT (COUNT(*) AS ?n) WHERE { ?s a ocsea:Provision }").rows  # doctest: +SKIP
    [{'n': rdflib.term.Literal('222', datatype=...)}]
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
import time
import uuid
from collections.abc import Generator, Iterable, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from api.namespaces import GRAPH, SPARQL_PREFIXES, bind_prefixes
from api.settings import RemoteEndpoint
from api.sparql_lexer import first_keyword, has_keyword, tokens
from api.store.base import (
    Bindings,
    Dataset,
    QueryResult,
    ReadOnlyError,
    RepositoryError,
    SelectResult,
)
from api.store.oxigraph import to_oxigraph, to_rdflib

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD")
"""Words of SPARQL Update that the query grammar never uses as keywords."""

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"

# Asked of the server instead of the negotiated type (see the module docstring for why).
_MADE_HERE = {
    "text/csv": RESULTS_JSON,
    "text/tab-separated-values": RESULTS_JSON,
    "application/ld+json": NTRIPLES,
}

_VIRTUOSO_MAX_ROWS = "x-sparql-maxrows"
_PROBE_ROWS = "SELECT ?a WHERE { " + "".join(
    f"VALUES ?{v} {{ 0 1 2 3 4 5 6 7 8 9 }} " for v in "abcde"
)  # 100,000 one-digit rows: enough to meet any ResultSetMaxRows up to that
_PROBE_ROWS += "}"

_VARIABLE = re.compile(r"\w+")
_XML_BNODE = re.compile(rb"<bnode>([^<]*)</bnode>")
_BNODE_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_VIRTUOSO_QUERY_ECHO = re.compile(r"\n\s*SPARQL query:.*", re.DOTALL)
_OXIGRAPH_FIRST_LINE = re.compile(r"\berror at 1:(\d+)")


class RowLimitError(RepositoryError):
    """The server returned only part of the result (e.g. Virtuoso's ``ResultSetMaxRows``)."""


def sparql_prologue(base_iri: str | None = None) -> str:
    """``BASE`` and the project's ``PREFIX`` declarations on one line (no line break)."""
    parts = [f"BASE {ox.NamedNode(base_iri)}"] if base_iri else []
    parts.extend(f"PREFIX {p}: <{ns}>" for p, ns in SPARQL_PREFIXES.items())
    return " ".join(parts) + " "


def _without_prologue(error: SyntaxError, prologue: str) -> SyntaxError:
    """The server's message, with a column on the first line counted from the text's start."""
    return SyntaxError(
        _OXIGRAPH_FIRST_LINE.sub(
            lambda m: f"error at 1:{max(int(m.group(1)) - len(prologue), 1)}", str(error)
        )
    )


def sparql_term(term: Node) -> str:
    """``term`` in N-Triples syntax, as pyoxigraph validates and writes it (``ValueError``)."""
    if isinstance(term, BNode):
        raise ValueError(
            f"cannot bind the blank node {term.n3()}: a query can only name IRIs and literals"
        )
    try:
        return str(to_oxigraph(term))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"cannot bind {term!r}: {exc}") from None


def _values_block(bindings: Bindings) -> str:
    names = list(bindings)
    for name in names:
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    variables = " ".join(f"?{name}" for name in names)
    row = " ".join(sparql_term(bindings[name]) for name in names)
    return f" VALUES ({variables}) {{ ({row}) }} "


def bind_values(query: str, bindings: Bindings | None) -> str:
    """``query`` with ``bindings`` as a ``VALUES`` block opening its outermost WHERE group.

    >>> bind_values('SELECT ?l WHERE { ?x rdfs:label ?l }', {"x": URIRef("urn:a")})
    'SELECT ?l WHERE { VALUES (?x) { (<urn:a>) }  ?x rdfs:label ?l }'
    >>> bind_values('ASK { ?x ?p ?v }', {"v": Literal('say "}" # no')})
    'ASK { VALUES (?v) { ("say \\\\"}\\\\" # no") }  ?x ?p ?v }'
    """
    if not bindings:
        return query
    toks = tokens(query)
    form_index = next(
        (i for i, t in enumerate(toks) if t.kind == "word" and t.value not in ("PREFIX", "BASE")),
        None,
    )
    if form_index is None or toks[form_index].value not in QUERY_FORMS:
        raise SyntaxError("a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE")
    form = toks[form_index].value
    after_form = toks[form_index + 1 :]
    where = next(
        (
            i
            for i, t in enumerate(after_form)
            if t.kind == "word" and t.value == "WHERE" and not t.depth
        ),
        None,
    )
    if form == "CONSTRUCT" and where == 0:
        raise ValueError(
            "bindings cannot be used with the short form CONSTRUCT WHERE { … }: "
            "write CONSTRUCT { … } WHERE { … }"
        )
    candidates = after_form[where + 1 :] if where is not None else after_form
    if form == "CONSTRUCT" and where is None:
        candidates = []  # the first group is the template
    brace = next(
        (t for t in candidates if t.kind == "brace" and t.value == "{" and not t.depth), None
    )
    if brace is None:
        raise ValueError(f"bindings need a WHERE group in the {form} query")
    return query[: brace.end] + _values_block(bindings) + query[brace.end :]


def query_form(query: str) -> str:
    """The form of ``query`` (``SELECT`` …); ``SyntaxError`` for an update or anything else."""
    if has_keyword(query, *UPDATE_KEYWORDS):
        found = next(t.value for t in tokens(query) if t.value in UPDATE_KEYWORDS)
        raise SyntaxError(
            f"this is a SPARQL Update ({found}), not a query: a query cannot change the store"
        )
    form = first_keyword(query)
    if form not in QUERY_FORMS:
        raise SyntaxError(
            f"a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after PREFIX/BASE), "
            f"not {form or 'nothing'}"
        )
    return form


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _bnode_label(label: str) -> str:
    """A label pyoxigraph accepts, the same for the same server label (``nodeID://b1`` …)."""
    if _BNODE_LABEL.fullmatch(label):
        return label
    return "b" + hashlib.sha256(label.encode("utf-8")).hexdigest()[:24]


def _fix_json_bnodes(data: bytes) -> bytes:
    """SPARQL JSON results with blank node labels pyoxigraph can read."""
    document = json.loads(data)
    for solution in document.get("results", {}).get("bindings", []):
        for value in solution.values():
            if value.get("type") == "bnode":
                value["value"] = _bnode_label(str(value.get("value", "")))
    return json.dumps(document).encode("utf-8")


def _fix_xml_bnodes(data: bytes) -> bytes:
    """SPARQL XML results with blank node labels pyoxigraph can read."""
    return _XML_BNODE.sub(
        lambda m: b"<bnode>" + _bnode_label(m.group(1).decode("utf-8")).encode() + b"</bnode>",
        data,
    )


def _has_blank_nodes(data: bytes, results_format: Any) -> bool:
    if results_format == ox.QueryResultsFormat.JSON:
        return b'"bnode"' in data
    return results_format == ox.QueryResultsFormat.XML and b"<bnode>" in data


def _parse_results(data: bytes, content_type: str) -> Any:
    """The pyoxigraph solutions or boolean of a SPARQL results document."""
    source = ox.QueryResultsFormat.from_media_type(content_type)
    if source is None:
        raise RepositoryError(f"the server answered {content_type!r}, not SPARQL results")
    if _has_blank_nodes(data, source):
        fix = _fix_json_bnodes if source == ox.QueryResultsFormat.JSON else _fix_xml_bnodes
        data = fix(data)
    try:
        return ox.parse_query_results(data, format=source)
    except (SyntaxError, ValueError) as exc:
        raise RepositoryError(
            f"the server's {content_type} answer could not be read: {exc}"
        ) from None


def _parse_triples(data: bytes, content_type: str) -> list[Any]:
    """The pyoxigraph triples of an RDF document."""
    source = ox.RdfFormat.from_media_type(content_type)
    if source is None:
        raise RepositoryError(f"the server answered {content_type!r}, not RDF")
    try:
        return [quad.triple for quad in ox.parse(data, format=source)]
    except (SyntaxError, ValueError) as exc:
        raise RepositoryError(
            f"the server's {content_type} answer could not be read: {exc}"
        ) from None


def _rdflib_graph(triples: Iterable[Any]) -> Graph:
    graph = bind_prefixes(Graph())
    for triple in triples:
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return graph


def _solutions(results: Any) -> SelectResult:
    variables = [v.value for v in results.variables]
    rows: list[dict[str, Node]] = []
    for solution in results:
        row: dict[str, Node] = {}
        for name in variables:
            value = solution[name]
            if value is not None:
                row[name] = to_rdflib(value)
        rows.append(row)
    return SelectResult(variables=variables, rows=rows)


def _ntriples(graph: Iterable[tuple[Node, Node, Node]]) -> str:
    """``graph`` as N-Triples, blank nodes relabelled ``_:b0`` …"""
    labels: dict[BNode, str] = {}

    def term(node: Node) -> str:
        if isinstance(node, BNode):
            return labels.setdefault(node, f"_:b{len(labels)}")
        return sparql_term(node)

    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in graph)


class _ChallengeAuth(httpx.Auth):
    """Basic or Digest, whichever the server's ``401`` challenge asks for."""

    def __init__(self, user: str, password: str) -> None:
        self._digest = httpx.DigestAuth(user, password)
        self._basic = httpx.BasicAuth(user, password)
        self._use_basic = False

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._use_basic:
            yield from self._basic.auth_flow(request)
            return
        flow = self._digest.auth_flow(request)
        outgoing = next(flow)
        while True:
            response = yield outgoing
            challenges = [c.lower() for c in response.headers.get_list("www-authenticate")]
            if (
                response.status_code == 401
                and challenges
                and not any(c.startswith("digest") for c in challenges)
            ):
                if any(c.startswith("basic") for c in challenges):
                    self._use_basic = True
                    yield from self._basic.auth_flow(request)
                return
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return


class RemoteRepository:
    """The project's named graphs on a SPARQL 1.1 Protocol (+ Graph Store Protocol) server."""

    def __init__(
        self,
        endpoint: RemoteEndpoint,
        *,
        read_only: bool = True,
        graph_namespace: str = str(GRAPH),
        timeout: float = 60.0,
        cache_seconds: float = 2.0,
        update_batch: int = 2000,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.read_only = read_only
        self.graph_namespace = graph_namespace
        self.cache_seconds = cache_seconds
        self.update_batch = update_batch
        auth = (
            _ChallengeAuth(endpoint.user, endpoint.password or "")
            if endpoint.user is not None
            else None
        )
        self._client = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            follow_redirects=True,
            headers={"User-Agent": "ocsea-obligations-graph"},
        )
        self._lock = threading.Lock()
        self._graphs_cache: tuple[float, list[str]] | None = None
        self._version_cache: tuple[float, str] | None = None
        self._server: str | None = None
        self._row_limit: int | None = None
        self._row_limit_known = False

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> RemoteRepository:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def describe(self) -> str:
        """The query URL (without any credentials in it)."""
        return _without_credentials(self.endpoint.query_url)

    # -- HTTP -------------------------------------------------------------------------------

    def _send(
        self, method: str, url: str, *, sparql: bool = True, **arguments: Any
    ) -> httpx.Response:
        """One request; transport errors and error statuses become the protocol's errors.

        A ``400`` answer to a SPARQL request (``sparql``) is the text's ``SyntaxError``; a 404
        answer to a Graph Store Protocol request means no such graph and is returned.
        """
        try:
            response = self._client.request(method, url, **arguments)
        except httpx.HTTPError as exc:
            raise self._transport_error(url, exc) from None
        url = _without_credentials(url)
        if self._server is None:
            self._server = response.headers.get("server", "")
        if response.status_code < 400 or (not sparql and response.status_code == 404):
            return response
        message = _VIRTUOSO_QUERY_ECHO.sub("", response.text).strip()[:2000]
        if response.status_code == 400 and sparql:
            raise SyntaxError(message or "the server refused the request as invalid (400)")
        if response.status_code in (401, 403):
            raise RepositoryError(
                f"the SPARQL server at {url} refused access ({response.status_code}): "
                "check OCSEA_REMOTE_USER and OCSEA_REMOTE_PASSWORD"
                + (f": {message}" if message else "")
            )
        if "SR186" in message:  # Virtuoso: the anonymous SPARQL user may not write
            raise RepositoryError(
                f"the SPARQL server at {url} does not let this user write: grant it with "
                'GRANT SPARQL_UPDATE TO "SPARQL" or use /sparql-auth with OCSEA_REMOTE_USER '
                f"({message.splitlines()[0]})"
            )
        raise RepositoryError(
            f"the SPARQL server at {url} failed ({response.status_code}): {message or 'no message'}"
        )

    @staticmethod
    def _transport_error(url: str, exc: httpx.HTTPError) -> RepositoryError:
        url = _without_credentials(url)
        if isinstance(exc, httpx.TimeoutException):
            return RepositoryError(f"the SPARQL server at {url} did not answer in time ({exc})")
        return RepositoryError(f"cannot reach the SPARQL server at {url}: {exc}")

    def _is_virtuoso(self) -> bool:
        return "virtuoso" in (self._server or "").lower()

    def _post_query(
        self,
        text: str,
        accept: str,
        *,
        dataset: Dataset | None = None,
        scoped: bool = True,
        base_iri: str | None = None,
    ) -> httpx.Response:
        """POST ``text`` (with the prologue) to the query URL, with the project's dataset."""
        prologue = sparql_prologue(base_iri)
        form: dict[str, Any] = {"query": prologue + text}
        if dataset is not None:
            form["default-graph-uri"] = self._keep_project(dataset.default_graphs)
            form["named-graph-uri"] = self._keep_project(dataset.named_graphs)
        elif scoped and not has_keyword(text, "FROM"):
            graphs = self._project_graphs()
            form["default-graph-uri"] = form["named-graph-uri"] = graphs or [self.graph_namespace]
        try:
            response = self._send(
                "POST", self.endpoint.query_url, data=form, headers={"Accept": accept}
            )
        except SyntaxError as exc:
            raise _without_prologue(exc, prologue) from None
        limit = response.headers.get(_VIRTUOSO_MAX_ROWS)
        if limit is not None:
            self._row_limit = int(limit) if limit.strip().isdigit() else None
            self._row_limit_known = True
            raise RowLimitError(
                f"the SPARQL server returned at most {limit} rows (its ResultSetMaxRows) and "
                "may have cut the result: add LIMIT or raise the server's limit"
            )
        return response

    def _keep_project(self, graphs: Sequence[str]) -> list[str]:
        kept = [g for g in graphs if g.startswith(self.graph_namespace)]
        return kept or [self.graph_namespace]

    def _internal_select(self, text: str) -> SelectResult:
        """A SELECT of this module's own, over the server's whole dataset."""
        response = self._post_query(text, RESULTS_JSON, scoped=False)
        return _solutions(_parse_results(response.content, _content_type(response)))

    # -- queries ----------------------------------------------------------------------------

    def query(self, sparql: str, bindings: Bindings | None = None) -> QueryResult:
        form = query_form(sparql)
        text = bind_values(sparql, bindings)
        if form in ("SELECT", "ASK"):
            response = self._post_query(text, RESULTS_JSON)
            results = _parse_results(response.content, _content_type(response))
            if isinstance(results, ox.QueryBoolean):
                return bool(results)
            return _solutions(results)
        response = self._post_query(text, GRAPH_ACCEPT)
        triples = _parse_triples(response.content, _content_type(response))
        self._check_graph_size(form, len(triples))
        return _rdflib_graph(triples)

    def select(self, sparql: str, bindings: Bindings | None = None) -> SelectResult:
        if query_form(sparql) != "SELECT":
            raise ValueError("select() needs a SELECT query")
        result = self.query(sparql, bindings)
        assert isinstance(result, SelectResult)
        return result

    def construct(self, sparql: str, bindings: Bindings | None = None) -> Graph:
        if query_form(sparql) not in ("CONSTRUCT", "DESCRIBE"):
            raise ValueError("construct() needs a CONSTRUCT or DESCRIBE query")
        result = self.query(sparql, bindings)
        assert isinstance(result, Graph)
        return result

    def raw_query(
        self,
        sparql: str,
        media_type: str,
        *,
        dataset: Dataset | None = None,
        base_iri: str | None = None,
        bindings: Bindings | None = None,
    ) -> bytes:
        form = query_form(sparql)
        wanted = _media_type(media_type)
        results_format = ox.QueryResultsFormat.from_media_type(wanted)
        rdf_format = None if results_format else ox.RdfFormat.from_media_type(wanted)
        if results_format is None and rdf_format is None:
            raise ValueError(f"no serialiser for {media_type!r}")
        fallback = RESULTS_JSON if results_format is not None else NTRIPLES
        asked = _MADE_HERE.get(wanted, wanted)
        accept = asked if asked == fallback else f"{asked}, {fallback};q=0.5"
        response = self._post_query(
            bind_values(sparql, bindings), accept, dataset=dataset, base_iri=base_iri
        )
        answered = _content_type(response)
        if results_format is not None:
            # pass through, unless blank node labels need rewriting (Virtuoso's nodeID://…)
            if answered == wanted and not _has_blank_nodes(response.content, results_format):
                return response.content
            results = _parse_results(response.content, answered)
            converted: bytes = results.serialize(format=results_format)
            return converted
        if answered == wanted and not (form == "CONSTRUCT" and self._is_virtuoso()):
            return response.content
        triples = _parse_triples(response.content, answered)
        self._check_graph_size(form, len(triples))
        if answered == wanted:
            return response.content
        serialised = ox.serialize(triples, format=rdf_format)
        assert serialised is not None  # no output file given: the bytes are returned
        return serialised

    def _check_graph_size(self, form: str, size: int) -> None:
        """``RowLimitError`` when a CONSTRUCT answer is as large as Virtuoso's row limit."""
        if form != "CONSTRUCT" or not self._is_virtuoso():
            return
        limit = self._virtuoso_row_limit()
        if limit is not None and size >= limit:
            raise RowLimitError(
                f"the SPARQL server returned {size} triples, its ResultSetMaxRows ({limit}): "
                "the result may have been cut; add LIMIT or raise the server's limit"
            )

    def _virtuoso_row_limit(self) -> int | None:
        """Virtuoso's ``ResultSetMaxRows``, learned once from a query with 100,000 rows."""
        if not self._row_limit_known:
            with contextlib.suppress(RowLimitError):
                self._post_query(_PROBE_ROWS, "text/csv", scoped=False)
            self._row_limit_known = True
        return self._row_limit

    # -- updates ----------------------------------------------------------------------------

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update on the update URL (one request: one transaction on most engines)."""
        self._check_writable()
        prologue = sparql_prologue(base_iri)
        try:
            self._send("POST", self.endpoint.update_url, data={"update": prologue + sparql})
        except SyntaxError as exc:
            raise _without_prologue(exc, prologue) from None
        finally:
            self._forget()

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyError("the repository is open read-only")

    def _forget(self) -> None:
        with self._lock:
            self._graphs_cache = self._version_cache = None

    # -- graphs -----------------------------------------------------------------------------

    def _check_graph(self, graph: URIRef) -> ox.NamedNode:
        if not str(graph).startswith(self.graph_namespace) or str(graph) == self.graph_namespace:
            raise ValueError(
                f"{graph} is not one of the project's graphs (they start with "
                f"{self.graph_namespace})"
            )
        return ox.NamedNode(str(graph))

    def _project_graphs(self, *, fresh: bool = False) -> list[str]:
        """The project's non-empty named graphs, cached for ``cache_seconds``."""
        with self._lock:
            cached = self._graphs_cache
        if not fresh and cached and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        namespace = sparql_term(Literal(self.graph_namespace))
        result = self._internal_select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(STRSTARTS(STR(?g), {namespace})) }}"
        )
        graphs = sorted(str(g) for g in result.column("g") if isinstance(g, URIRef))
        with self._lock:
            self._graphs_cache = (time.monotonic(), graphs)
        return graphs

    def graphs(self) -> list[URIRef]:
        """The project's named graphs that hold triples, sorted (read afresh)."""
        return [URIRef(g) for g in self._project_graphs(fresh=True)]

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            namespace = sparql_term(Literal(self.graph_namespace))
            pattern = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {namespace}))"
        else:
            pattern = f"GRAPH {self._check_graph(graph)} {{ ?s ?p ?o }}"
        value = self._internal_select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}").rows
        number = value[0].get("n") if value else None
        return int(number) if isinstance(number, Literal) else 0

    def get_graph(self, graph: URIRef) -> Graph:
        """A copy of ``graph``, read whole, or in pages if the server cut the whole answer."""
        name = self._check_graph(graph)
        expected = self.count(graph)
        if expected == 0:
            return bind_prefixes(Graph())
        if self.endpoint.graph_store_url:
            response = self._send(
                "GET",
                self.endpoint.graph_store_url,
                sparql=False,
                params={"graph": str(graph)},
                headers={"Accept": GRAPH_ACCEPT},
            )
            if response.status_code == 404:  # deleted since it was counted
                return bind_prefixes(Graph())
        else:
            response = self._post_query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}",
                GRAPH_ACCEPT,
                scoped=False,
            )
        triples = _parse_triples(response.content, _content_type(response))
        if len(triples) >= expected:
            return _rdflib_graph(triples)
        # cut by the server (Virtuoso's ResultSetMaxRows): read it in pages
        return self._graph_in_pages(name, expected, page=max(len(triples) // 2, 1))

    def _graph_in_pages(self, name: ox.NamedNode, expected: int, page: int) -> Graph:
        # a sorted sub-select: Virtuoso refuses ORDER BY with OFFSET past ResultSetMaxRows
        graph = bind_prefixes(Graph())
        offset = 0
        while offset < expected:
            try:
                rows = self._internal_select(
                    f"SELECT ?s ?p ?o WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ GRAPH {name} "
                    f"{{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o }} }} LIMIT {page} OFFSET {offset}"
                ).rows
            except RowLimitError:
                if page == 1:
                    raise
                page //= 2  # still too long for the server: halve the page and ask again
                continue
            if not rows:
                break
            for row in rows:
                graph.add((row["s"], row["p"], row["o"]))
            offset += len(rows)
        if len(graph) != expected:
            raise RepositoryError(
                f"read {len(graph)} of the {expected} triples of {name.value}: the graph "
                "changed while it was being read, or the server cuts its answers"
            )
        return graph

    def put_graph(self, graph: URIRef, content: Graph) -> None:
        """Replace ``graph`` with ``content`` in one request (GSP ``PUT`` or one update)."""
        self._check_writable()
        name = self._check_graph(graph)
        try:
            if not self.endpoint.graph_store_url:
                self._put_by_update(name, content)
            elif len(content):
                self._send(
                    "PUT",
                    self.endpoint.graph_store_url,
                    sparql=False,
                    params={"graph": str(graph)},
                    content=_ntriples(content).encode("utf-8"),
                    headers={"Content-Type": NTRIPLES},
                )
            else:
                self._delete_by_graph_store(graph)
        finally:
            self._forget()

    def _put_by_update(self, name: ox.NamedNode, content: Graph) -> None:
        """Replace ``name`` by SPARQL Update, in one request or through a staging graph.

        Up to ``update_batch`` triples: ``DROP SILENT GRAPH`` and the inserts in one request
        (one transaction). More: the triples go into a staging graph (outside the project's
        namespace) in batches, then one ``MOVE`` request swaps it in, so readers never see a
        half-written graph; a failure drops the staging graph.
        """
        ground: list[tuple[Node, Node, Node]] = []
        with_blank_nodes = Graph()
        for triple in content:
            if any(isinstance(term, BNode) for term in triple):
                with_blank_nodes.add(triple)
            else:
                ground.append(triple)

        def inserts(target: ox.NamedNode, batch: Sequence[tuple[Node, Node, Node]]) -> str:
            return f"INSERT DATA {{ GRAPH {target} {{\n{_ntriples(batch)}}} }}"

        def template(target: ox.NamedNode) -> str:
            # Virtuoso refuses blank nodes in INSERT DATA; one template keeps their sharing
            triples = _ntriples(with_blank_nodes)
            return f"INSERT {{ GRAPH {target} {{\n{triples}}} }} WHERE {{}}"

        try:
            if len(content) <= self.update_batch:
                operations = [f"DROP SILENT GRAPH {name}"]
                if ground:
                    operations.append(inserts(name, ground))
                if with_blank_nodes:
                    operations.append(template(name))
                self.update(" ;\n".join(operations))
                return
            staging = ox.NamedNode(f"urn:uuid:{uuid.uuid4()}")
            try:
                for start in range(0, len(ground), self.update_batch):
                    self.update(inserts(staging, ground[start : start + self.update_batch]))
                if with_blank_nodes:
                    self.update(template(staging))
                self.update(f"MOVE SILENT GRAPH {staging} TO GRAPH {name}")
            except BaseException:
                with contextlib.suppress(RepositoryError, SyntaxError):
                    self.update(f"DROP SILENT GRAPH {staging}")
                raise
        except SyntaxError as exc:  # the server could not take the update we wrote
            raise RepositoryError(
                f"the SPARQL server refused the update writing {name.value} ({exc}); "
                "configure its Graph Store Protocol (OCSEA_GRAPH_STORE_ENDPOINT)"
            ) from None

    def _delete_by_graph_store(self, graph: URIRef) -> None:
        url = self.endpoint.graph_store_url or ""
        self._send("DELETE", url, sparql=False, params={"graph": str(graph)})

    def delete_graph(self, graph: URIRef) -> None:
        self._check_writable()
        name = self._check_graph(graph)
        try:
            if self.endpoint.graph_store_url:
                self._delete_by_graph_store(graph)
            else:
                self.update(f"DROP SILENT GRAPH {name}")
        finally:
            self._forget()

    def version(self) -> str:
        """Per-graph counts and 16-bit hash sums (see the module docstring), cached briefly."""
        with self._lock:
            cached = self._version_cache
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        namespace = sparql_term(Literal(self.graph_namespace))
        digits = " + ".join(
            f'{16 ** (3 - i)} * STRLEN(STRBEFORE("0123456789abcdef", SUBSTR(?h, {i + 1}, 1)))'
            for i in range(4)
        )
        result = self._internal_select(
            "SELECT ?g (COUNT(*) AS ?n) (SUM(?x) AS ?sum) WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(STRSTARTS(STR(?g), {namespace})) "
            'BIND(MD5(CONCAT(COALESCE(STR(?s), "_:"), " ", STR(?p), " ", '
            'COALESCE(STR(?o), "_:"), " ", COALESCE(LANG(?o), ""), " ", '
            'COALESCE(STR(DATATYPE(?o)), ""))) AS ?h) '
            f"BIND(({digits}) AS ?x) }} GROUP BY ?g"
        )
        lines = sorted(f"{row.get('g')} {row.get('n')} {row.get('sum')}" for row in result.rows)
        version = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]
        with self._lock:
            self._version_cache = (time.monotonic(), version)
        return version


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2], fragment=""))


def _content_type(response: httpx.Response) -> str:
    return _media_type(response.headers.get("content-type"))
