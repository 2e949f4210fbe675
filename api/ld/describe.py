"""What ``GET /id/{rest}`` says about a resource: the description and how it is queried.

The description of a resource ``R`` (``{base}id/{rest}``) is the union of:

1. **asserted** — every triple with ``R`` as subject in the data graphs (every named graph but
   ``inferred`` and ``shapes``), with the triples of the blank nodes ``R`` leads to, up to
   :data:`BNODE_DEPTH` levels (none of the data's resources has blank nodes today);
2. **inferred** — from the reasoner's graph, ``R``'s types and its ``ocsea:`` properties (the
   inverse properties ``hasPart``, ``expresses``, ``concernedBy``, ``citedBy``, and
   ``correspondsTo``, ``concerns`` …). The restatements of ``ocsea:`` triples in aligned
   vocabularies (``eli:is_part_of``, ``dcterms:isPartOf``, ``cito:cites``, ``prov:`` …) are
   left out to keep descriptions readable; they are in the dump and the SPARQL endpoint;
3. **incoming** — every triple ``?x ?p R`` of the data graphs with an IRI ``?x``: the provisions
   of an instrument (``ocsea:partOf``), the statements addressed to an actor, the provisions on a
   theme …;
4. **labels** — the ``rdfs:label`` of every IRI mentioned in 1-3 (types included), so a client
   can show names without more requests.

A resource exists when 1-3 are not all empty. The IRIs of named graphs (``{base}id/graph/X``)
are described as :func:`graph_description` says. Every query binds ``R`` and the graph names
(``bindings=``), nothing is pasted into the query text.

Example::

    >>> from api.store import OxigraphRepository                     # doctest: +SKIP
    >>> d = describe(repo, URIRef("https://w3id.org/ocsea/id/osce-mc-dec-9-07/para_1"),
    ...              GraphNames.for_base("https://w3id.org/ocsea/"))  # doctest: +SKIP
    >>> d.exists                                                     # doctest: +SKIP
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from string import Template

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID

from api.namespaces import (
    INFERRED_GRAPH,
    OCSEA,
    ONTOLOGY_GRAPH,
    SHAPES_GRAPH,
    bind_prefixes,
    graph_iri,
)
from api.store.base import Repository

BNODE_DEPTH = 3
"""How many levels of blank nodes a description follows from the resource."""


def _bnode_branch(depth: int) -> str:
    """A ``UNION`` branch binding ``?s`` to a blank node ``depth`` steps away from ``?r``."""
    steps = ["?r ?p1 ?b1 . FILTER(isBlank(?b1))"]
    for level in range(2, depth + 1):
        steps.append(f"?b{level - 1} ?p{level} ?b{level} . FILTER(isBlank(?b{level}))")
    steps.append(f"?b{depth} ?p ?o . BIND(?b{depth} AS ?s)")
    return "{ " + " ".join(steps) + " }"


ASSERTED_QUERY = Template(
    "CONSTRUCT { ?s ?p ?o } WHERE {\n"
    "  GRAPH ?g {\n"
    "    { ?r ?p ?o . BIND(?r AS ?s) }\n"
    + "".join(f"    UNION {_bnode_branch(d)}\n" for d in range(1, BNODE_DEPTH + 1))
    + "  }\n"
    "  FILTER(?g != $inferred && ?g != $shapes)\n"
    "}"
)

INFERRED_QUERY = Template("""
CONSTRUCT { ?r ?p ?o } WHERE {
  GRAPH $inferred { ?r ?p ?o }
  FILTER(?p = rdf:type || STRSTARTS(STR(?p), STR(ocsea:)))
}""")

INCOMING_QUERY = Template("""
CONSTRUCT { ?s ?p ?r } WHERE {
  GRAPH ?g { ?s ?p ?r }
  FILTER(isIRI(?s) && ?g != $inferred && ?g != $shapes)
}""")

LABELS_QUERY = Template("""
CONSTRUCT { ?x rdfs:label ?label . ?x ocsea:position ?position } WHERE {
  {
    { GRAPH ?g { ?r ?p ?x } FILTER(?g != $shapes && (?g != $inferred
        || ?p = rdf:type || STRSTARTS(STR(?p), STR(ocsea:)))) }
    UNION
    { GRAPH ?g { ?x ?p ?r } FILTER(isIRI(?x) && ?g != $inferred && ?g != $shapes) }
  }
  FILTER(isIRI(?x) && ?x != ?r)
  ?x rdfs:label ?label .
  OPTIONAL { ?x ocsea:position ?position }
}""")
"""Labels (and, for ordering pages, positions) of the IRIs the description mentions."""

PREDICATE_LABELS_QUERY = Template("""
CONSTRUCT { ?p rdfs:label ?label } WHERE {
  { GRAPH ?g { ?r ?p ?o } } UNION { GRAPH ?g { ?s ?p ?r } }
  GRAPH $ontology { ?p rdfs:label ?label }
}""")
"""Labels of the properties the description uses, from the ontology graph (for the HTML view)."""


_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def is_valid_iri(iri: str) -> bool:
    """False when ``iri`` is not an IRI pyoxigraph accepts (space, ``<``, ``"``, no scheme …)."""
    if not iri or _NOT_IN_IRI.search(iri):
        return False
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def sparql_iri(iri: URIRef) -> str:
    """``<iri>`` for a query text; ``ValueError`` if it holds a character an IRI cannot."""
    if not is_valid_iri(str(iri)):
        raise ValueError(f"not a valid IRI: {str(iri)!r}")
    return f"<{iri}>"


@dataclass(frozen=True)
class GraphNames:
    """The IRIs of the store's special graphs under a base IRI."""

    inferred: URIRef
    shapes: URIRef
    ontology: URIRef

    def sparql(self) -> dict[str, str]:
        """``$inferred``, ``$shapes``, ``$ontology`` as SPARQL IRIs, for the query templates.

        The graph names come from the configuration (the base IRI), not from a request, so
        they are written into the query; what the client asks for is always bound.
        """
        return {
            "inferred": sparql_iri(self.inferred),
            "shapes": sparql_iri(self.shapes),
            "ontology": sparql_iri(self.ontology),
        }

    @classmethod
    def for_base(cls, base_iri: str) -> GraphNames:
        """The graph names of ``base_iri`` (see :func:`api.namespaces.graph_iri`)."""
        return cls(
            inferred=graph_iri(INFERRED_GRAPH, base=base_iri),
            shapes=graph_iri(SHAPES_GRAPH, base=base_iri),
            ontology=graph_iri(ONTOLOGY_GRAPH, base=base_iri),
        )


@dataclass
class Description:
    """What is known about ``subject``, in parts (see the module documentation)."""

    subject: URIRef
    asserted: Graph = field(default_factory=Graph)
    inferred: Graph = field(default_factory=Graph)
    incoming: Graph = field(default_factory=Graph)
    labels: Graph = field(default_factory=Graph)
    """``rdfs:label`` (and ``ocsea:position``) of linked IRIs; positions stay out of the RDF."""
    predicate_labels: Graph = field(default_factory=Graph)

    @property
    def exists(self) -> bool:
        """True when the store says anything about the subject."""
        return bool(len(self.asserted) or len(self.inferred) or len(self.incoming))

    def graph(self) -> Graph:
        """The description as one RDF graph: parts 1-4 (labels without positions)."""
        merged = bind_prefixes(Graph())
        for part in (self.asserted, self.inferred, self.incoming):
            for triple in part:
                merged.add(triple)
        for triple in self.labels.triples((None, RDFS.label, None)):
            merged.add(triple)
        return merged

    def positions(self) -> dict[URIRef, int]:
        """``ocsea:position`` of the linked resources that have one (to order them)."""
        found: dict[URIRef, int] = {}
        for subject, value in self.labels.subject_objects(OCSEA.position):
            if isinstance(subject, URIRef) and isinstance(value, Literal):
                try:
                    found[subject] = int(value)
                except ValueError:
                    continue
        return found


def describe(
    repository: Repository, subject: URIRef, names: GraphNames, *, for_people: bool = False
) -> Description:
    """The description of ``subject`` (runs 4 or 5 queries: call it through ``engine.call``)."""
    bindings = {"r": subject}
    graphs = names.sparql()

    def run(query: Template) -> Graph:
        return repository.construct(query.substitute(graphs), bindings)

    description = Description(subject)
    description.asserted = run(ASSERTED_QUERY)
    description.inferred = run(INFERRED_QUERY)
    for triple in description.asserted:
        description.inferred.remove(triple)  # already said: not inferred
    description.incoming = run(INCOMING_QUERY)
    if description.exists:
        description.labels = run(LABELS_QUERY)
        if for_people:
            description.predicate_labels = run(PREDICATE_LABELS_QUERY)
    return description


def graph_description(
    graph_name: URIRef,
    *,
    triples: int,
    dump_url: str,
    dataset: URIRef,
    root_resource: URIRef | None = None,
    label: str | None = None,
) -> Graph:
    """A named graph as a VoID subset: its size, where to download it, what it is part of.

    Used both for ``GET /id/graph/X`` and for the subsets of ``GET /void``; ``label`` is the
    graph's short name (default: its IRI).
    """
    graph = bind_prefixes(Graph())
    name = label or str(graph_name)
    graph.add((graph_name, RDF.type, VOID.Dataset))
    graph.add((graph_name, RDFS.label, Literal(f"Named graph {name}", lang="en")))
    graph.add((graph_name, RDFS.label, Literal(f"Grafo con nombre {name}", lang="es")))
    graph.add((graph_name, VOID.triples, Literal(triples)))
    graph.add((graph_name, VOID.dataDump, URIRef(dump_url)))
    graph.add((graph_name, DCTERMS.isPartOf, dataset))
    if root_resource is not None:
        graph.add((graph_name, VOID.rootResource, root_resource))
    return graph
