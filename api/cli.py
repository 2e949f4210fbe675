"""The ``ocsea`` command.

``ocsea build [--store PATH]``
    Load, validate, reason and write the store; print a summary. Exit 0 on success, 1 when the
    data does not conform to the shapes (the SHACL report is printed) or is inconsistent (the
    reasoner's reason is printed), 2 when a file is missing or unreadable (``file:line:column:``)
    or the shapes cannot be used,
    3 when the reasoner cannot run (e.g. no Java).

``ocsea serve [--host 127.0.0.1] [--port 8000] [--store PATH]``
    Serve the store over the SPARQL 1.1 Protocol (``/sparql``, ``/health``; see
    :mod:`api.app`), building it first when there is none. Updates are enabled only when
    ``OCSEA_WRITE_TOKEN`` is set; queries are limited to ``OCSEA_QUERY_TIMEOUT`` seconds.

``ocsea validate FILE... [--format text|json|turtle] [--shapes FILE]...``
    Validate Turtle/JSON-LD files together with the ontology and the reference vocabularies
    against ``shapes/*.ttl``. Exit 0 when they conform, 1 when they do not, 2 when a file is
    missing or unreadable, or the shapes cannot be used.

``ocsea queries [--format text|json|markdown]``
    List the query catalogue (``queries/*.rq``, see :mod:`api.catalogue`): names and titles;
    ``json`` adds descriptions and parameters, ``markdown`` is ``docs/query-catalogue.md``.

``ocsea query NAME [--param KEY=VALUE]... [--format table|json|csv|tsv|xml] [--store PATH]``
    Run a catalogue query on the store (read-only). The default format is a table for the
    terminal (IRIs as CURIEs; one block per row when the table is too wide); the others are the
    SPARQL results formats. Exit 2 for an unknown query or parameter or a bad value, 3 when there
    is no store (run ``ocsea build`` first) or it cannot be read.

Errors in the user's input never print a Python traceback.

Example::

    $ ocsea validate data/instruments/osce-mc-dec-9-07.ttl
    Conforms: no violations, no warnings, no infos.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api import __version__
from api.build import BuildError, build
from api.catalogue import (
    Catalogue,
    CatalogueError,
    ParameterError,
    UnknownQueryError,
    catalogue_markdown,
    format_table,
    load_catalogue,
)
from api.loading import SourceError
from api.reasoning import InconsistentOntologyError, ReasonerError
from api.settings import Settings
from api.sparql.negotiation import CSV, JSON, TSV, XML
from api.store.base import RepositoryError
from api.validation import ShapesError, validate_files

app = typer.Typer(
    name="ocsea",
    help="OCSEA Obligations Graph: build and check the knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_INVALID = 1
EXIT_UNREADABLE = 2
EXIT_ENVIRONMENT = 3
EXIT_USAGE = 2


class ReportFormat(StrEnum):
    """Output formats of ``ocsea validate``."""

    text = "text"
    json = "json"
    turtle = "turtle"


def _error(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"ocsea {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """OCSEA Obligations Graph: build and check the knowledge graph."""


def _settings(store: Path | None) -> Settings:
    """The environment's settings, with ``--store`` applied; exit 3 when they are invalid."""
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_ENVIRONMENT) from None
    return settings if store is None else settings.with_store(store)


@app.command("build")
def build_command(
    store: Annotated[
        Path | None,
        typer.Option(help="Where to write the store (default: var/store, or $OCSEA_STORE)."),
    ] = None,
) -> None:
    """Load all sources, validate them, run the reasoner and write a fresh store."""
    _build(_settings(store))


def _build(settings: Settings) -> None:
    """Build the store of ``settings`` and print the summary (exit 1-3 on failure)."""

    def progress(message: str) -> None:
        typer.echo(message, err=True)

    try:
        summary = build(settings.store_path, settings, progress=progress)
    except (SourceError, ShapesError) as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_UNREADABLE) from None
    except BuildError as exc:
        if exc.report is not None:
            typer.echo(exc.report.to_text())
        _error(str(exc))
        raise typer.Exit(EXIT_INVALID) from None
    except InconsistentOntologyError as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_INVALID) from None
    except (ReasonerError, RepositoryError) as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_ENVIRONMENT) from None
    typer.echo(summary.to_table(), nl=False)


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    store: Annotated[
        Path | None,
        typer.Option(help="The store to serve (default: var/store, or $OCSEA_STORE)."),
    ] = None,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol at /sparql (building it first if needed)."""
    import uvicorn

    from api.app import create_app
    from api.memory import limit_malloc_arenas
    from api.store import store_exists

    limit_malloc_arenas()  # before uvicorn's threads: see api.memory
    settings = _settings(store)
    if settings.remote is None and not store_exists(settings):
        typer.echo(f"no store at {settings.store_path}: building it first", err=True)
        _build(settings)
    # access_log off: api.middleware writes one structured line per request instead
    uvicorn.run(
        create_app(settings, freeze_startup_objects=True),
        host=host,
        port=port,
        access_log=False,
        timeout_graceful_shutdown=30,
    )


@app.command("validate")
def validate_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Turtle (.ttl) or JSON-LD (.jsonld, .json) files to validate."),
    ],
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.text,
    shapes: Annotated[
        list[Path] | None,
        typer.Option("--shapes", help="SHACL shapes file(s) to use instead of shapes/*.ttl."),
    ] = None,
) -> None:
    """Validate files against the SHACL shapes, with the ontology and the vocabularies."""
    try:
        report = validate_files(files, Settings.from_env(), shapes or None)
    except (SourceError, ShapesError) as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_UNREADABLE) from None
    except ValueError as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_ENVIRONMENT) from None
    if format is ReportFormat.json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif format is ReportFormat.turtle:
        typer.echo(report.to_turtle(), nl=False)
    else:
        typer.echo(report.to_text(), nl=False)
    raise typer.Exit(0 if report.conforms else EXIT_INVALID)


class CatalogueListFormat(StrEnum):
    """Output formats of ``ocsea queries``."""

    text = "text"
    json = "json"
    markdown = "markdown"


class QueryResultFormat(StrEnum):
    """Output formats of ``ocsea query``: a terminal table or a SPARQL results format."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    xml = "xml"


def _catalogue(settings: Settings) -> Catalogue:
    """The project's query catalogue; exit 3 when it cannot be loaded."""
    try:
        return load_catalogue(settings)
    except CatalogueError as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_ENVIRONMENT) from None


@app.command("queries")
def queries_command(
    format: Annotated[
        CatalogueListFormat, typer.Option("--format", "-f", help="Listing format.")
    ] = CatalogueListFormat.text,
) -> None:
    """List the query catalogue (queries/*.rq): names and titles."""
    catalogue = _catalogue(_settings(None))
    if format is CatalogueListFormat.json:
        listing = [query.describe() for query in catalogue]
        typer.echo(json.dumps(listing, indent=2, ensure_ascii=False))
    elif format is CatalogueListFormat.markdown:
        typer.echo(catalogue_markdown(catalogue), nl=False)
    else:
        width = max(len(name) for name in catalogue.names())
        for query in catalogue:
            typer.echo(f"{query.name:<{width}}  {query.title}")


@app.command("query")
def query_command(
    name: Annotated[str, typer.Argument(help="The query's name (see 'ocsea queries').")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter as KEY=VALUE (repeat for several)."),
    ] = None,
    format: Annotated[
        QueryResultFormat, typer.Option("--format", "-f", help="Output format.")
    ] = QueryResultFormat.table,
    store: Annotated[
        Path | None,
        typer.Option(help="The store to query (default: var/store, or $OCSEA_STORE)."),
    ] = None,
) -> None:
    """Run a query of the catalogue on the store and print its results."""
    from api.store import RepositoryError, open_repository

    settings = _settings(store)
    catalogue = _catalogue(settings)
    values: dict[str, list[str]] = {}
    for item in param or []:
        key, equals, value = item.partition("=")
        if not equals or not key:
            _error(f"--param {item!r}: give it as KEY=VALUE")
            raise typer.Exit(EXIT_USAGE)
        values.setdefault(key.strip(), []).append(value)
    try:
        query = catalogue.get(name)
        bindings = query.bind(values)
    except (UnknownQueryError, ParameterError) as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    try:
        repository = open_repository(settings)
    except RepositoryError as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_ENVIRONMENT) from None
    try:
        if format is QueryResultFormat.table:
            result = repository.select(query.text, bindings)
            typer.echo(format_table(result, query.prefixes), nl=False)
        else:
            media_type = RESULT_MEDIA_TYPES[format]
            data = repository.raw_query(query.text, media_type, bindings=bindings)
            typer.echo(data.decode("utf-8"), nl=False)
    except RepositoryError as exc:
        _error(str(exc))
        raise typer.Exit(EXIT_ENVIRONMENT) from None
    finally:
        repository.close()


RESULT_MEDIA_TYPES = {
    QueryResultFormat.json: JSON.media_type,
    QueryResultFormat.xml: XML.media_type,
    QueryResultFormat.csv: CSV.media_type,
    QueryResultFormat.tsv: TSV.media_type,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
