"""The VoID description of the dataset (``GET /void``), computed from the store.

The dataset ``{base}void#dataset`` is described with:

- ``dcterms:title``/``dcterms:description`` (from the README's summary), ``foaf:homepage`` = this
  server, ``void:sparqlEndpoint`` = ``{server}/sparql``, ``void:dataDump`` = ``{server}/dump``
  (N-Quads; TriG by negotiation), ``void:uriSpace`` = ``{base}id/``, ``void:feature`` = the dump
  and RDF formats served, ``void:exampleResource`` = the encoded instruments;
- counts over the union of the named graphs (what a SPARQL query without ``FROM`` sees):
  ``void:triples`` (distinct triples), ``void:distinctSubjects``, ``void:distinctObjects``,
  ``void:properties``, ``void:classes``;
- ``void:vocabulary``: the namespace of every predicate and class used;
- ``void:subset``: one per named graph (its IRI, ``{base}id/graph/X``), with its own
  ``void:triples`` and ``void:dataDump`` ``{server}/dump/X`` (see
  :func:`api.ld.describe.graph_description`); an instrument's graph has the instrument as
  ``void:rootResource``;
- licence: no ``dcterms:license`` is given for the dataset, because neither the README nor
  ``data/sources/METADATA.md`` declares one; an ``rdfs:comment`` says so. A licence the ontology
  declares on itself (``dcterms:license`` of its ``owl:Ontology``) is reported on the ontology
  subset only.

Example::

    >>> void = void_description(repo, base_iri, "http://127.0.0.1:8000/")  # doctest: +SKIP
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID

from api.ld.describe import GraphNames, graph_description, sparql_iri
from api.ld.dump import graph_dump_url, short_name
from api.namespaces import bind_prefixes, graph_iri
from api.store.base import Repository

FORMATS = Namespace("http://www.w3.org/ns/formats/")

TITLE_EN = "OCSEA Obligations Graph"
DESCRIPTION_EN = (
    "A linked-data knowledge graph of five international instruments on online child sexual "
    "exploitation and abuse (OCSEA): each instrument is encoded paragraph by paragraph "
    "(verbatim Spanish text), with the normative statements its provisions express (verb as "
    "written, deontic force, addressees, qualifiers, themes), the actors, citations and "
    "correspondences between provisions of different instruments."
)
NO_LICENSE = (
    "No licence is declared for this dataset: neither the project's README nor "
    "data/sources/METADATA.md gives one. Licences declared by parts of the data (such as the "
    "ontology) are stated on those subsets."
)

SERVED_FORMATS = (
    FORMATS["N-Quads"],
    FORMATS.TriG,
    FORMATS.Turtle,
    FORMATS["N-Triples"],
    FORMATS["JSON-LD"],
    FORMATS.RDF_XML,
)

COUNTS_QUERY = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
       (COUNT(DISTINCT ?o) AS ?objects) (COUNT(DISTINCT ?p) AS ?properties)
WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"""

CLASSES_QUERY = "SELECT DISTINCT ?class WHERE { GRAPH ?g { ?x a ?class } }"
PREDICATES_QUERY = "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?x ?p ?y } }"
INSTRUMENTS_QUERY = "SELECT DISTINCT ?i WHERE { ?i a ocsea:EncodedInstrument } ORDER BY ?i"


def dataset_iri(base_iri: str) -> URIRef:
    """The IRI of the dataset (``{base}void#dataset``, served by ``/void``)."""
    return URIRef(base_iri + "void#dataset")


def namespace_of(iri: str) -> str:
    """The namespace of a term: up to the last ``#``, else up to the last ``/``."""
    if "#" in iri:
        return iri.rsplit("#", 1)[0] + "#"
    return iri.rsplit("/", 1)[0] + "/"


def _int(value: object) -> int:
    return int(value) if isinstance(value, Literal) else 0


def void_description(repository: Repository, base_iri: str, server: str) -> Graph:
    """The VoID graph of the store (see the module documentation). Runs several queries."""
    server = server.rstrip("/") + "/"
    dataset = dataset_iri(base_iri)
    graph = bind_prefixes(Graph())
    graph.bind("foaf", FOAF)
    graph.bind("formats", FORMATS)
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(TITLE_EN, lang="en")))
    graph.add((dataset, DCTERMS.description, Literal(DESCRIPTION_EN, lang="en")))
    graph.add((dataset, RDFS.comment, Literal(NO_LICENSE, lang="en")))
    graph.add((dataset, FOAF.homepage, URIRef(server)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(server + "sparql")))
    graph.add((dataset, VOID.dataDump, URIRef(server + "dump")))
    graph.add((dataset, VOID.uriSpace, Literal(base_iri + "id/")))
    for served in SERVED_FORMATS:
        graph.add((dataset, VOID.feature, served))

    counts = repository.select(COUNTS_QUERY).rows[0]
    graph.add((dataset, VOID.triples, Literal(_int(counts.get("triples")))))
    graph.add((dataset, VOID.distinctSubjects, Literal(_int(counts.get("subjects")))))
    graph.add((dataset, VOID.distinctObjects, Literal(_int(counts.get("objects")))))
    graph.add((dataset, VOID.properties, Literal(_int(counts.get("properties")))))
    classes = [row["class"] for row in repository.select(CLASSES_QUERY).rows if "class" in row]
    graph.add((dataset, VOID.classes, Literal(len(classes))))

    predicates = [row["p"] for row in repository.select(PREDICATES_QUERY).rows if "p" in row]
    vocabularies = {namespace_of(str(term)) for term in [*predicates, *classes]}
    for vocabulary in sorted(vocabularies):
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))

    rows = repository.select(INSTRUMENTS_QUERY).rows
    instruments = [iri for row in rows if isinstance(iri := row.get("i"), URIRef)]
    for instrument in instruments:
        graph.add((dataset, VOID.exampleResource, instrument))
    by_graph: dict[URIRef, URIRef] = {}
    for instrument in instruments:
        if (instrument_graph := graph_iri_for(base_iri, str(instrument))) is not None:
            by_graph[instrument_graph] = instrument

    ontology_graph = GraphNames.for_base(base_iri).ontology
    for name in repository.graphs():
        graph.add((dataset, VOID.subset, name))
        graph += graph_description(
            name,
            triples=repository.count(name),
            dump_url=graph_dump_url(server, base_iri, name),
            dataset=dataset,
            root_resource=by_graph.get(name),
            label=short_name(base_iri, name),
        )
        if name == ontology_graph:
            for licence in _ontology_licences(repository, ontology_graph):
                graph.add((name, DCTERMS.license, licence))
    return graph


def graph_iri_for(base_iri: str, instrument: str) -> URIRef | None:
    """The named graph of an instrument IRI ``{base}id/{slug}`` (``None`` for other IRIs)."""
    prefix = base_iri + "id/"
    slug = instrument[len(prefix) :] if instrument.startswith(prefix) else ""
    try:
        return graph_iri(slug, base=base_iri) if slug else None
    except ValueError:
        return None


def _ontology_licences(repository: Repository, ontology_graph: URIRef) -> list[URIRef]:
    query = (
        "SELECT DISTINCT ?licence WHERE { GRAPH "
        + sparql_iri(ontology_graph)
        + " { ?o a owl:Ontology ; dcterms:license ?licence } } ORDER BY ?licence"
    )
    rows = repository.select(query).rows
    return [licence for row in rows if isinstance(licence := row.get("licence"), URIRef)]
