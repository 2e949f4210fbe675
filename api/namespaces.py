"""RDF namespaces of the project, and the one place that mints IRIs.

Every IRI the code creates comes from a function here, so the IRI policy lives in one module:

- ontology terms: ``https://w3id.org/ocsea/ontology#Term``;
- an instrument: ``https://w3id.org/ocsea/id/{slug}``;
- a part of it (provision, statement, note): ``https://w3id.org/ocsea/id/{slug}/{part}``;
- a named graph of the store: ``https://w3id.org/ocsea/id/graph/{name}``.

Example::

    >>> from api.namespaces import instrument_iri, part_iri, graph_iri
    >>> str(instrument_iri("unga-res-74-174"))
    'https://w3id.org/ocsea/id/unga-res-74-174'
    >>> str(part_iri("unga-res-74-174", "op-5"))
    'https://w3id.org/ocsea/id/unga-res-74-174/op-5'
    >>> str(graph_iri("inferred"))
    'https://w3id.org/ocsea/id/graph/inferred'
"""

from __future__ import annotations

import re
from functools import cache

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

BASE_IRI = "https://w3id.org/ocsea/"

OCSEA = Namespace(BASE_IRI + "ontology#")
ID = Namespace(BASE_IRI + "id/")
GRAPH = Namespace(BASE_IRI + "id/graph/")
SHAPES = Namespace(BASE_IRI + "shapes#")

ELI = Namespace("http://data.europa.eu/eli/ontology#")
CITO = Namespace("http://purl.org/spar/cito/")
DPV = Namespace("https://w3id.org/dpv#")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES: dict[str, Namespace] = {
    "ocsea": OCSEA,
    "id": ID,
    "graph": GRAPH,
    "osh": SHAPES,
    "eli": ELI,
    "cito": CITO,
    "dpv": DPV,
    "odrl": ODRL,
    "org": ORG,
    "prov": Namespace(str(PROV)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "oa": OA,
    "void": Namespace(str(VOID)),
    "sh": Namespace(str(SH)),
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
}
"""Prefix → namespace, as bound by :func:`bind_prefixes` and used in SPARQL prologues."""

DATA_SPACES: dict[str, str] = {
    "actor": "actor/",
    "theme": "theme/",
    "topic": "topic/",
    "q": "qualifier/",
    "force": "force/",
    "work": "work/",
    "prog": "programme/",
    "event": "event/",
    "ln": "legal-nature/",
    "cert": "certainty/",
    "corr": "correspondence/",
    "ctype": "correspondence-type/",
}
"""The prefixes of the data files (``docs/encoding-conventions.md``): prefix → path under
``{base}id/`` of the reference vocabularies and correspondences."""


# Graph names of the store.
ONTOLOGY_GRAPH = "ontology"
VOCABULARIES_GRAPH = "vocabularies"
CORRESPONDENCES_GRAPH = "correspondences"
INFERRED_GRAPH = "inferred"
SHAPES_GRAPH = "shapes"
BUILD_GRAPH_NAMES = (
    ONTOLOGY_GRAPH,
    VOCABULARIES_GRAPH,
    CORRESPONDENCES_GRAPH,
    INFERRED_GRAPH,
    SHAPES_GRAPH,
)
"""The graphs ``ocsea build`` makes (never written over HTTP); the others hold instruments."""

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*$")


def bind_prefixes(graph: Graph) -> Graph:
    """Bind all project prefixes on ``graph`` (replacing clashing bindings) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """``PREFIX`` lines for every project prefix, to put before a SPARQL query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def id_namespace(base: str = BASE_IRI) -> str:
    """Where the data's IRIs are minted under ``base``: ``{base}id/``."""
    return (base if base.endswith(("/", "#")) else base + "/") + "id/"


@cache
def data_prefixes(base: str = BASE_IRI) -> dict[str, Namespace]:
    """The data prefixes (:data:`DATA_SPACES`) for data minted under ``base``."""
    return {prefix: Namespace(id_namespace(base) + space) for prefix, space in DATA_SPACES.items()}


@cache
def project_prefixes(base: str = BASE_IRI) -> dict[str, str]:
    """The project's prefixes (:data:`PREFIXES`, ``id:`` and ``graph:`` under ``base``; the
    ontology and shapes namespaces are fixed) and the data's (:func:`data_prefixes`)."""
    rebased = {"id": id_namespace(base), "graph": id_namespace(base) + "graph/"}
    return {
        **{prefix: rebased.get(prefix, str(namespace)) for prefix, namespace in PREFIXES.items()},
        **{prefix: str(namespace) for prefix, namespace in data_prefixes(base).items()},
    }


SPARQL_PREFIXES: dict[str, str] = project_prefixes()
"""The prefixes predeclared for SPARQL queries and updates: the project's and the data's
(``actor:``, ``theme:``, ``q:`` …, under the default base), so that a CURIE copied from a result
works in a query."""


def _check(value: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.match(value):
        raise ValueError(f"not a valid {what} for an IRI: {value!r}")
    return value


def instrument_iri(slug: str, *, base: str = BASE_IRI) -> URIRef:
    """The IRI of the instrument ``slug`` (letters, digits, ``.``, ``_``, ``-``)."""
    return URIRef(id_namespace(base) + _check(slug, _SLUG, "instrument slug"))


def part_iri(slug: str, part: str, *, base: str = BASE_IRI) -> URIRef:
    """The IRI of a part (provision, statement, note) of instrument ``slug``."""
    return URIRef(str(instrument_iri(slug, base=base)) + "/" + _check(part, _PART, "part name"))


def graph_iri(name: str, *, base: str = BASE_IRI) -> URIRef:
    """The IRI of the store's named graph ``name`` (an instrument slug or a fixed graph name)."""
    return URIRef(id_namespace(base) + "graph/" + _check(name, _SLUG, "graph name"))


def graph_namespace(*, base: str = BASE_IRI) -> str:
    """The namespace of the store's named graphs (every project graph IRI starts with it)."""
    return id_namespace(base) + "graph/"
