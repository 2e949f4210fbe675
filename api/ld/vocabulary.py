"""Prefixes for RDF output, and the JSON-LD context of the project's vocabulary.

- :func:`output_prefixes`: the project prefixes (:data:`api.namespaces.PREFIXES`) plus the data
  namespaces of ``docs/encoding-conventions.md`` (``actor:``, ``theme:``, ``force:`` …) under the
  configured base IRI, so that Turtle and TriG output reads like the source files;
- :func:`json_ld_context`: the context served at ``/context.jsonld`` and embedded in every
  JSON-LD answer. It is computed from the ontology graph of the store, so it follows the
  ontology: every ``ocsea:`` property gets a term named after its local name, with
  ``"@type": "@id"`` for object properties, ``"@container": "@language"`` for properties whose
  range is ``rdf:langString``, the datatype for other typed datatype properties (``xsd:date``,
  ``xsd:positiveInteger`` …) and a plain mapping for strings. A few RDFS/SKOS/DCTERMS terms the
  data uses (``label``, ``prefLabel``, ``inScheme`` …) are added the same way. A prefix whose name
  is also a term (``theme``: the property ``ocsea:theme`` and the namespace ``theme:``) is left out
  of the context, because JSON-LD would read ``theme:cap-1`` through the term.

Example::

    >>> from rdflib import Graph
    >>> ontology = Graph().parse(data='''
    ...     @prefix ocsea: <https://w3id.org/ocsea/ontology#> .
    ...     @prefix owl: <http://www.w3.org/2002/07/owl#> .
    ...     ocsea:partOf a owl:ObjectProperty .''', format="turtle")
    >>> json_ld_context(ontology)["@context"]["partOf"]
    {'@id': 'ocsea:partOf', '@type': '@id'}
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from api.namespaces import BASE_IRI, OCSEA, PREFIXES, project_prefixes

EXTRA_PREFIXES: dict[str, str] = {
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vann": "http://purl.org/vocab/vann/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "formats": "http://www.w3.org/ns/formats/",
}
"""Namespaces the ontology, the shapes or the VoID description use beyond the project's."""

LANGUAGE_MAPPED = {
    "label": RDFS.label,
    "comment": RDFS.comment,
    "prefLabel": SKOS.prefLabel,
    "altLabel": SKOS.altLabel,
    "definition": SKOS.definition,
    "title": DCTERMS.title,
}
"""Terms for lang-tagged text outside the ontology (values given as language maps)."""

IRI_VALUED = {
    "inScheme": SKOS.inScheme,
    "topConceptOf": SKOS.topConceptOf,
    "hasTopConcept": SKOS.hasTopConcept,
    "broader": SKOS.broader,
    "narrower": SKOS.narrower,
    "related": SKOS.related,
    "source": DCTERMS.source,
    "seeAlso": RDFS.seeAlso,
}
"""Terms outside the ontology whose values are IRIs."""

PLAIN = {"notation": SKOS.notation}


def output_prefixes(base_iri: str = BASE_IRI) -> dict[str, str]:
    """Prefix → namespace for RDF output: project, data vocabularies and a few others."""
    return {**project_prefixes(base_iri), **EXTRA_PREFIXES}


def _compact(iri: URIRef) -> str:
    for prefix in ("xsd", "rdf", "rdfs", "skos", "dcterms", "ocsea"):
        namespace = str(PREFIXES[prefix])
        if str(iri).startswith(namespace):
            return f"{prefix}:{str(iri)[len(namespace) :]}"
    return str(iri)


def _datatype_term(ontology: Graph, prop: URIRef, name: str) -> dict[str, str]:
    ranges = set(ontology.objects(prop, RDFS.range))
    term = {"@id": f"ocsea:{name}"}
    if RDF.langString in ranges:
        term["@container"] = "@language"
    elif len(ranges) == 1:
        datatype = next(iter(ranges))
        if isinstance(datatype, URIRef) and datatype != XSD.string and datatype in XSD:
            term["@type"] = _compact(datatype)
    return term


def json_ld_context(ontology: Graph, base_iri: str = BASE_IRI) -> dict[str, Any]:
    """The ``{"@context": {...}}`` document for the vocabulary of ``ontology`` (see module doc)."""
    terms: dict[str, Any] = {}
    namespace = str(OCSEA)
    properties = [
        (prop, kind)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for prop in ontology.subjects(RDF.type, kind)
        if isinstance(prop, URIRef) and str(prop).startswith(namespace)
    ]
    for prop, kind in sorted(properties):
        name = str(prop)[len(namespace) :]
        if kind == OWL.ObjectProperty:
            terms[name] = {"@id": f"ocsea:{name}", "@type": "@id"}
        elif kind == OWL.DatatypeProperty:
            terms[name] = _datatype_term(ontology, prop, name)
        else:
            terms.setdefault(name, {"@id": f"ocsea:{name}"})
    for name, iri in LANGUAGE_MAPPED.items():
        terms.setdefault(name, {"@id": _compact(iri), "@container": "@language"})
    for name, iri in IRI_VALUED.items():
        terms.setdefault(name, {"@id": _compact(iri), "@type": "@id"})
    for name, iri in PLAIN.items():
        terms.setdefault(name, {"@id": _compact(iri)})
    prefixes = {p: ns for p, ns in output_prefixes(base_iri).items() if p not in terms}
    return {"@context": {**dict(sorted(prefixes.items())), **terms}}
