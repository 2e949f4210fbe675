"""``/validate``: SHACL validation of uploaded Turtle or JSON-LD, nothing stored.

- ``POST /validate``: the body is a Turtle (``text/turtle``) or JSON-LD (``application/ld+json``)
  document, or a ``multipart/form-data`` form with one file (see :mod:`api.uploads`). It is
  validated as ``ocsea validate`` does, with the store's ontology, vocabularies and shapes (only
  the vocabulary terms it mentions are added to the data graph, see :mod:`api.writes`). With
  ``?graph=IRI`` (an instrument graph) the whole write gate runs instead, as a dry run of
  ``PUT /rdf-graph-store?graph=IRI``: the graph must describe its instrument and only it, and
  resources other graphs refer to must stay.

  The answer is **200** with the report, whether or not the data conforms: JSON by default (as
  ``ocsea validate --format json``: ``conforms``, ``counts``, ``results`` with the ``line`` of
  each focus node in the upload), Turtle (the ``sh:ValidationReport`` graph), plain text or an
  HTML page, chosen by ``Accept`` or by ``format=json|turtle|text|html``. Errors: 400 for
  unparsable input (``name:line:column: …``), 413 over ``OCSEA_MAX_UPLOAD_BYTES``, 415 for
  another media type, 503 when the store has no shapes or validation exceeds the time limit.
- ``GET /validate``: an HTML page with an upload form (its report comes back as HTML).

:func:`report_response` renders a report for any route (the Graph Store Protocol uses it for the
422 of a refused write).

Example::

    curl -H 'Content-Type: text/turtle' --data-binary @my-instrument.ttl \\
         'http://127.0.0.1:8000/validate?format=text'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import URIRef

from api.accept import best_offer
from api.deps import get_engine, get_settings
from api.settings import PACKAGE_DIR, Settings
from api.sparql.engine import SparqlEngine
from api.sparql.errors import ProtocolError
from api.uploads import parse_rdf, read_rdf
from api.validation import SEVERITIES, ValidationReport

router = APIRouter()

REPORT_TYPES: dict[str, str] = {
    "json": "application/json",
    "turtle": "text/turtle",
    "text": "text/plain",
    "html": "text/html",
}
"""Report formats (short name → media type); the first is the default."""

_ALIASES: dict[str, tuple[str, ...]] = {"turtle": ("text/n3",), "html": ("application/xhtml+xml",)}

_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*(?<!\.)")
_templates = Environment(
    loader=FileSystemLoader(PACKAGE_DIR / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def report_format(accept: str | None, format: str | None = None) -> str:
    """The report format to answer with: ``format=`` if given, else from ``Accept`` (406)."""
    if format:
        wanted = format.strip().lower()
        for name, media_type in REPORT_TYPES.items():
            if wanted in (name, media_type):
                return name
        raise ProtocolError(
            400, f"unknown report format {format!r}: use one of {', '.join(REPORT_TYPES)}"
        )
    names = list(REPORT_TYPES)
    chosen = best_offer([(REPORT_TYPES[name], _ALIASES.get(name, ())) for name in names], accept)
    if chosen is None:
        raise ProtocolError(
            406,
            f"cannot answer a validation report as Accept: {accept}; available: "
            + ", ".join(REPORT_TYPES.values()),
        )
    return names[chosen]


def render_html(
    report: ValidationReport | None,
    *,
    title: str,
    message: str | None = None,
    source: str | None = None,
) -> str:
    """The HTML page of ``report`` (``None``: the upload form alone)."""
    groups: list[dict[str, Any]] = []
    if report is not None:
        items = report.to_json()["results"]
        for severity in SEVERITIES:
            rows = [_row(r, report.prefixes) for r in items if r["severity"] == severity]
            if rows:
                groups.append({"severity": severity, "results": rows})
    return _templates.get_template("validation-report.html").render(
        title=title,
        report=report,
        counts=report.counts() if report is not None else None,
        groups=groups,
        message=message,
        source=source,
    )


def _short(term: str | None, prefixes: Mapping[str, str]) -> str:
    """``prefix:local`` for an IRI in a known namespace, else the term as it is."""
    if not term:
        return ""
    for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        local = term[len(namespace) :]
        if prefix and namespace and term.startswith(namespace) and _LOCAL.fullmatch(local):
            return f"{prefix}:{local}"
    return term


def _row(result: Mapping[str, Any], prefixes: Mapping[str, str]) -> dict[str, Any]:
    """One result of :meth:`ValidationReport.to_json`, with short names for the page."""
    shape = result.get("sourceShape")
    return {
        "line": result.get("line"),
        "file": result.get("file"),
        "focus": _short(result.get("focusNode"), prefixes),
        "focus_iri": result.get("focusNode"),
        "path": _short(result.get("path"), prefixes),
        "message": result.get("message") or "",
        "value": _short(result.get("value"), prefixes),
        "shape": "" if not shape or shape.startswith("_:") else _short(shape, prefixes),
    }


def report_response(
    report: ValidationReport,
    *,
    accept: str | None,
    format: str | None = None,
    status: int = 200,
    message: str | None = None,
    source: str | None = None,
) -> Response:
    """``report`` in the negotiated format, with ``status`` (and ``message`` in JSON/HTML)."""
    chosen = report_format(accept, format)
    headers = {"Vary": "Accept"}
    if chosen == "turtle":
        return Response(
            report.to_turtle(),
            status_code=status,
            media_type="text/turtle; charset=utf-8",
            headers=headers,
        )
    if chosen == "text":
        text = (message + "\n\n" if message else "") + report.to_text()
        return Response(
            text, status_code=status, media_type="text/plain; charset=utf-8", headers=headers
        )
    if chosen == "html":
        title = "Validation report" + (f": {source}" if source else "")
        page = render_html(report, title=title, message=message, source=source)
        return HTMLResponse(page, status_code=status, headers=headers)
    body = report.to_json()
    if message:
        body = {"message": message, **body}
    return Response(
        json.dumps(body, ensure_ascii=False, indent=2),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def graph_parameter(value: str | None) -> URIRef | None:
    """The ``graph`` parameter as an IRI (400 unless absolute and valid)."""
    if value is None:
        return None
    try:
        ox.NamedNode(value)
    except ValueError:
        raise ProtocolError(
            400, f"graph={value!r} is not a valid absolute IRI (e.g. https://…/id/graph/slug)"
        ) from None
    return URIRef(value)


@router.post(
    "/validate",
    summary="Validate Turtle or JSON-LD against the shapes (nothing is stored)",
    response_class=Response,
)
async def validate_upload(
    request: Request,
    engine: Annotated[SparqlEngine, Depends(get_engine)],
    settings: Annotated[Settings, Depends(get_settings)],
    graph: Annotated[
        str | None,
        Query(description="An instrument graph IRI: run the whole write gate for it (dry run)."),
    ] = None,
    format: Annotated[
        str | None, Query(description="Report format: json, turtle, text or html.")
    ] = None,
) -> Response:
    """Validate the uploaded document; the SHACL report with the line of each result."""
    accept = request.headers.get("accept")
    report_format(accept, format)  # 406/400 before any work
    target = graph_parameter(graph)
    upload = await read_rdf(request, settings.max_upload_bytes, multipart=True)
    base = str(target) if target is not None else str(request.url.replace(query=""))
    parsed = parse_rdf(upload, base_iri=base)
    texts = {Path(upload.name): upload.text}
    gate = engine.gate
    report = await engine.call(lambda: gate.validate(parsed.graph, texts=texts, graph=target))
    return report_response(report, accept=accept, format=format, source=upload.name)


@router.get(
    "/validate", summary="A page to validate a file in the browser", response_class=HTMLResponse
)
async def validate_form() -> HTMLResponse:
    """The upload form."""
    return HTMLResponse(render_html(None, title="Validate an encoding"))
