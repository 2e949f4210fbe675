"""Helpers of the write tests (validation, Graph Store Protocol, durability).

The session's ``built_store`` (tests/conftest.py) is built without shapes; the write gate reads the
shapes from the store, as ``ocsea build`` puts them there. :func:`gated_copy` copies the built
store and adds the ``shapes`` graph from ``shapes/*.ttl``, exactly as the build does.

The instrument written is the fictitious fixture of the shapes tests,
``tests/fixtures/shapes/valid.ttl`` (slug ``test-fixture-instrument``, marked as not a real text);
:func:`fixture_text` renames it to another slug when a second instrument is needed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from api.namespaces import SHAPES_GRAPH, graph_iri
from api.settings import DEFAULT_ROOT, Settings
from api.store.oxigraph import OxigraphRepository
from api.validation import load_shapes, shape_files

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "shapes" / "valid.ttl"
FIXTURE_SLUG = "test-fixture-instrument"
TOKEN = "gate-test-token"
TURTLE = {"Content-Type": "text/turtle"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def add_shapes(store: Path) -> None:
    """Put ``shapes/*.ttl`` into the store's shapes graph (what ``ocsea build`` does)."""
    settings = Settings.from_env({"OCSEA_ROOT": str(DEFAULT_ROOT)})
    shapes = load_shapes(shape_files(settings), settings.shapes_dir)
    repository = OxigraphRepository(store)
    try:
        repository.put_graph(graph_iri(SHAPES_GRAPH), shapes)
    finally:
        repository.close()


def gated_copy(built_store: Path, target: Path) -> Path:
    """A copy of ``built_store`` at ``target`` with its shapes graph."""
    shutil.copytree(built_store, target)
    add_shapes(target)
    return target


def fixture_text(slug: str = FIXTURE_SLUG) -> str:
    """The fixture instrument in Turtle, renamed to ``slug``."""
    return FIXTURE.read_text(encoding="utf-8").replace(FIXTURE_SLUG, slug)


def fixture_graph(slug: str = FIXTURE_SLUG) -> Graph:
    """The fixture instrument as a graph, renamed to ``slug``."""
    return Graph().parse(data=fixture_text(slug), format="turtle")


def graph_name(slug: str = FIXTURE_SLUG) -> str:
    """The instrument graph IRI of ``slug``."""
    return str(graph_iri(slug))


def instrument(slug: str = FIXTURE_SLUG) -> URIRef:
    """The instrument IRI of ``slug``."""
    return URIRef(f"https://w3id.org/ocsea/id/{slug}")


_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "json-ld": ox.RdfFormat.JSON_LD,
}


def triples(text: str, format: str = "turtle") -> set[tuple[str, str, str]]:
    """The triples of an RDF text as N-Triples strings (the fixtures have no blank nodes)."""
    parsed = ox.parse(text.encode("utf-8"), format=_FORMATS[format])
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in parsed}
