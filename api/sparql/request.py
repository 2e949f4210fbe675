"""Turn an HTTP request into a SPARQL operation, as the SPARQL 1.1 Protocol says.

Queries:

- ``GET ?query=…`` (exactly one ``query``);
- ``POST`` with ``application/x-www-form-urlencoded`` and ``query=…`` in the body;
- ``POST`` with ``application/sparql-query`` and the query as the (UTF-8) body.

Updates (``POST`` only):

- ``application/x-www-form-urlencoded`` with ``update=…`` in the body;
- ``application/sparql-update`` with the update as the (UTF-8) body.

Dataset parameters, repeatable, in the URL or (for forms) in the body: ``default-graph-uri`` and
``named-graph-uri`` for queries, ``using-graph-uri`` and ``using-named-graph-uri`` for updates.
A ``GET`` without ``query`` asks for the service description.

Errors (:class:`~api.sparql.errors.ProtocolError`): 400 for several ``query``/``update``
values, an update by ``GET``, a body that is not UTF-8 (or declares another charset), a missing
query, an invalid graph IRI; 415 for any other media type (or none) on ``POST``.

Example::

    >>> op = parse_request("GET", [("query", "ASK {}"), ("named-graph-uri", "urn:g")], None, b"")
    >>> op.query, op.named_graphs
    ('ASK {}', ['urn:g'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph as ox

from api.sparql.errors import ProtocolError

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass
class QueryOperation:
    """A query, with the protocol's dataset (``None``: not given, use the store's union)."""

    query: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        """True when the request gave ``default-graph-uri`` or ``named-graph-uri``."""
        return bool(self.default_graphs or self.named_graphs)


@dataclass
class UpdateOperation:
    """An update, with the protocol's ``using-graph-uri`` / ``using-named-graph-uri``."""

    update: str
    using_graphs: list[str] = field(default_factory=list)
    using_named_graphs: list[str] = field(default_factory=list)


@dataclass
class DescribeService:
    """A request without a query: answer with the service description."""


Operation = QueryOperation | UpdateOperation | DescribeService


def _media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """``text/plain; charset=UTF-8`` → ``("text/plain", {"charset": "UTF-8"})``."""
    if not content_type:
        return "", {}
    main, *params = content_type.split(";")
    parameters: dict[str, str] = {}
    for param in params:
        name, _, value = param.partition("=")
        parameters[name.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), parameters


def _utf8(body: bytes, parameters: dict[str, str]) -> str:
    charset = parameters.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(400, f"the body must be UTF-8, not {parameters['charset']}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the body is not valid UTF-8: {exc}") from None


def _iris(params: Sequence[tuple[str, str]], name: str) -> list[str]:
    values = [v for k, v in params if k == name]
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise ProtocolError(400, f"{name}: not a valid IRI {value!r} ({exc})") from None
    return values


def _single(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} '{name}' parameters; give one")
    return values[0] if values else None


def _operation(params: Sequence[tuple[str, str]], text: str | None, is_update: bool) -> Operation:
    if is_update:
        if text is None or not text.strip():
            raise ProtocolError(400, "the update is empty")
        return UpdateOperation(
            text, _iris(params, "using-graph-uri"), _iris(params, "using-named-graph-uri")
        )
    if text is None or not text.strip():
        raise ProtocolError(400, "the query is empty")
    return QueryOperation(
        text, _iris(params, "default-graph-uri"), _iris(params, "named-graph-uri")
    )


def parse_request(
    method: str,
    url_params: Sequence[tuple[str, str]],
    content_type: str | None,
    body: bytes,
) -> Operation:
    """The operation asked for by a request to the endpoint (or :class:`ProtocolError`)."""
    method = method.upper()
    if method in ("GET", "HEAD"):
        if any(k == "update" for k, _ in url_params):
            raise ProtocolError(400, "updates must be sent with POST, not GET")
        query = _single(url_params, "query")
        if query is None:
            return DescribeService()
        return _operation(url_params, query, is_update=False)
    if method != "POST":
        raise ProtocolError(405, f"method {method} is not allowed: use GET or POST")

    in_url = {k for k, _ in url_params} & {"query", "update"}
    if in_url:
        raise ProtocolError(
            400, f"with POST, send '{sorted(in_url)[0]}' in the body, not in the URL"
        )
    media_type, parameters = _media_type(content_type)
    if media_type == FORM:
        try:
            form = parse_qsl(_utf8(body, parameters), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, f"the form is not valid UTF-8: {exc}") from None
        query = _single(form, "query")
        update = _single(form, "update")
        params = [*url_params, *form]
        if query is not None and update is not None:
            raise ProtocolError(400, "the form has both 'query' and 'update'; give one")
        if update is not None:
            return _operation(params, update, is_update=True)
        if query is None:
            raise ProtocolError(400, "the form has neither a 'query' nor an 'update' field")
        return _operation(params, query, is_update=False)
    if media_type == SPARQL_QUERY:
        return _operation(url_params, _utf8(body, parameters), is_update=False)
    if media_type == SPARQL_UPDATE:
        return _operation(url_params, _utf8(body, parameters), is_update=True)
    shown = media_type or "no Content-Type"
    raise ProtocolError(
        415,
        f"unsupported media type ({shown}): POST a query as {SPARQL_QUERY} or {FORM} "
        f"(query=…), an update as {SPARQL_UPDATE} or {FORM} (update=…)",
    )
