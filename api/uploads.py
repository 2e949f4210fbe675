"""RDF in request bodies: size limit, media type, UTF-8, and parsing with line and column.

Used by ``POST /validate`` and the Graph Store Protocol (``PUT``/``POST /rdf-graph-store``):

- :func:`read_body` reads at most ``limit`` bytes: a larger body (by ``Content-Length`` or once
  read) is a **413** whose message states the limit (``OCSEA_MAX_UPLOAD_BYTES``);
- :func:`read_rdf` takes the body as Turtle (``text/turtle``, ``application/x-turtle``;
  ``application/n-triples`` too, which is a subset of Turtle) or JSON-LD (``application/ld+json``,
  ``application/json``), or, where allowed, a ``multipart/form-data`` form with one file field
  (preferably named ``file``; its format from the part's media type or else its file name:
  ``.ttl``, ``.nt``, ``.jsonld``, ``.json``). Anything else is a **415** that lists what is
  accepted. The text must be UTF-8 (**400** with the line and column of the first bad byte);
- :func:`parse_rdf` parses it with Oxigraph's parsers, the same as the store's: a syntax error is a
  **400** ``name:line:column: invalid Turtle: …``. Remote JSON-LD contexts are never fetched (the
  server makes no request on behalf of a client): such a document is a 400 that says to inline
  the ``@context``.

Errors are :class:`~api.sparql.errors.ProtocolError`, answered as plain text by the app.

Example::

    >>> upload = RdfUpload(text="<urn:a> <urn:b> 1 .", format=TURTLE, name="body.ttl")
    >>> len(parse_rdf(upload, base_iri="urn:base").graph)
    1
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import PurePath

import pyoxigraph as ox
from fastapi import Request
from rdflib import Graph
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from api.namespaces import bind_prefixes
from api.sparql.errors import ProtocolError
from api.store.oxigraph import to_rdflib
from api.validation import turtle_prefixes

TURTLE = "turtle"
JSON_LD = "json-ld"

MEDIA_TYPES: dict[str, str] = {
    "text/turtle": TURTLE,
    "application/x-turtle": TURTLE,
    "application/n-triples": TURTLE,
    "application/ld+json": JSON_LD,
    "application/json": JSON_LD,
}
"""Accepted media types → format (N-Triples is read as the Turtle it is a subset of)."""

SUFFIXES: dict[str, str] = {".ttl": TURTLE, ".nt": TURTLE, ".jsonld": JSON_LD, ".json": JSON_LD}
"""File name suffixes of multipart uploads → format."""

_OXIGRAPH_FORMATS = {TURTLE: ox.RdfFormat.TURTLE, JSON_LD: ox.RdfFormat.JSON_LD}
_FORMAT_NAMES = {TURTLE: "Turtle", JSON_LD: "JSON-LD"}
_DEFAULT_NAMES = {TURTLE: "body.ttl", JSON_LD: "body.jsonld"}
_LINE_SUFFIX = re.compile(r" \(line \d+\)$")


@dataclass(frozen=True)
class RdfUpload:
    """An RDF document received in a request: its text, format and a name for messages."""

    text: str
    format: str  # TURTLE or JSON_LD
    name: str  # "body.ttl", or the uploaded file's name; the suffix tells the format


@dataclass
class ParsedRdf:
    """A parsed upload: its triples (all graphs merged) and whether it had named graphs."""

    graph: Graph
    had_named_graphs: bool


def _accepted(multipart: bool) -> str:
    types = ", ".join(MEDIA_TYPES)
    if multipart:
        types += ", or multipart/form-data with one file field (file=@instrument.ttl)"
    return types


def too_large(limit: int, size: int | None = None) -> ProtocolError:
    """The 413 for a body over ``limit`` bytes."""
    got = f" ({size} bytes)" if size is not None else ""
    return ProtocolError(
        413,
        f"the request body is too large{got}: the limit is {limit} bytes "
        "(OCSEA_MAX_UPLOAD_BYTES on the server)",
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with a 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise too_large(limit, int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    if not content_type:
        return "", {}
    main, *params = content_type.split(";")
    parameters: dict[str, str] = {}
    for param in params:
        key, _, value = param.partition("=")
        parameters[key.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), parameters


def decode_utf8(data: bytes, name: str) -> str:
    """``data`` as text (a UTF-8 byte-order mark is dropped); 400 with line and column if not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise ProtocolError(
            400, f"{name}:{line}:{column}: the body is not UTF-8 text ({exc.reason})"
        ) from None


def _name_for(filename: str | None, fmt: str) -> str:
    """A name for messages whose suffix matches ``fmt`` (report lines are found by suffix)."""
    if filename:
        base = PurePath(filename.replace("\\", "/")).name
        if base and SUFFIXES.get(PurePath(base).suffix.lower()) == fmt:
            return base
        if base:
            return base + (".ttl" if fmt == TURTLE else ".jsonld")
    return _DEFAULT_NAMES[fmt]


async def _single_stream(data: bytes) -> AsyncGenerator[bytes, None]:
    yield data


async def _from_multipart(request: Request, data: bytes) -> RdfUpload:
    parser = MultiPartParser(
        request.headers, _single_stream(data), max_files=10, max_part_size=max(len(data), 1)
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise ProtocolError(400, f"invalid multipart/form-data body: {exc.message}") from None
    try:
        files = [(k, v) for k, v in form.multi_items() if isinstance(v, UploadFile)]
        chosen = [value for key, value in files if key == "file"] or [v for _, v in files]
        if len(chosen) != 1:
            raise ProtocolError(
                400,
                f"the multipart form must hold exactly one file (field 'file'), not {len(chosen)}",
            )
        return await _read_part(chosen[0])
    finally:
        await form.close()


async def _read_part(upload: UploadFile) -> RdfUpload:
    part_type, _ = _media_type(upload.content_type)
    fmt = MEDIA_TYPES.get(part_type)
    if fmt is None and upload.filename:
        fmt = SUFFIXES.get(PurePath(upload.filename).suffix.lower())
    if fmt is None:
        raise ProtocolError(
            415,
            f"cannot tell the format of the uploaded file {upload.filename!r} "
            f"(type {upload.content_type!r}): name it .ttl, .nt, .jsonld or .json, "
            f"or send it as one of {', '.join(MEDIA_TYPES)}",
        )
    content = await upload.read()
    name = _name_for(upload.filename, fmt)
    return RdfUpload(decode_utf8(content, name), fmt, name)


async def read_rdf(request: Request, limit: int, *, multipart: bool = False) -> RdfUpload:
    """The RDF document of the request (see the module's documentation for the rules)."""
    media_type, parameters = _media_type(request.headers.get("content-type"))
    if media_type == "multipart/form-data" and multipart:
        return await _from_multipart(request, await read_body(request, limit))
    fmt = MEDIA_TYPES.get(media_type)
    if fmt is None:
        given = f"Content-Type {media_type!r}" if media_type else "no Content-Type"
        raise ProtocolError(
            415, f"cannot read a body with {given}: send one of {_accepted(multipart)}"
        )
    charset = parameters.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"the body must be UTF-8, not charset={charset}")
    name = _DEFAULT_NAMES[fmt]
    return RdfUpload(decode_utf8(await read_body(request, limit), name), fmt, name)


def _syntax_message(exc: SyntaxError) -> str:
    """Oxigraph's message without its position, which the caller writes as ``line:column``."""
    message = str(exc.msg or exc)
    if message.startswith("Parser error") and ": " in message:
        message = message.split(": ", 1)[1]
    return _LINE_SUFFIX.sub("", message).strip()


def parse_rdf(upload: RdfUpload, *, base_iri: str | None = None) -> ParsedRdf:
    """Parse ``upload`` (relative IRIs against ``base_iri``); 400 with line and column."""
    kind = _FORMAT_NAMES[upload.format]
    try:
        quads = list(
            ox.parse(
                upload.text.encode("utf-8"),
                format=_OXIGRAPH_FORMATS[upload.format],
                base_iri=base_iri,
            )
        )
    except SyntaxError as exc:
        message = _syntax_message(exc)
        if "remote context" in message:
            raise ProtocolError(
                400,
                f"{upload.name}: invalid {kind}: the document loads a remote @context, which "
                "this server does not fetch: put the context in the document itself",
            ) from None
        where = f"{exc.lineno}:{exc.offset}: " if exc.lineno is not None else ""
        raise ProtocolError(400, f"{upload.name}:{where}invalid {kind}: {message}") from None
    graph = bind_prefixes(Graph())
    if upload.format == TURTLE:
        for prefix, namespace in turtle_prefixes(upload.text).items():
            if prefix and namespace:
                graph.bind(prefix, namespace, override=False)
    named = False
    for quad in quads:
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            named = True
        try:
            triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
        except TypeError:
            raise ProtocolError(
                400, f"{upload.name}: quoted triples (RDF-star) are not supported here"
            ) from None
        graph.add(triple)
    return ParsedRdf(graph, named)
