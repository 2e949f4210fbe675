"""What the graph asserts about a set of resources, fetched in one query and indexed.

Every REST resource is built the same way: a *keys* query (:mod:`api.rest.queries`) finds which
resources to show and in what order, then :meth:`Facts.fetch` loads the **asserted** triples of
those resources (every named graph but the reasoner's ``inferred`` one, so that superclass types,
inverse and super-properties do not show up twice) together with the labels and force strengths
of the things they point to. The JSON models are read from this index, and the RDF variant of a
response is :meth:`Facts.graph`, the same triples: JSON and RDF always say the same thing.

The resources are given to the query as a ``VALUES`` block. Its IRIs come from the store's own
answers (never from a request), and are checked against the SPARQL ``IRIREF`` grammar anyway.

Example (``repository`` is any :class:`~api.store.base.Repository`)::

    facts = Facts(inferred_graph=URIRef("https://w3id.org/ocsea/id/graph/inferred"))
    statement = URIRef("https://w3id.org/ocsea/id/osce-mc-dec-9-07/para_4_st_1")
    facts.fetch(repository, [statement])
    facts.lang(statement, OCSEA.verbatimVerb)              # {'es': 'Instar'}
    facts.strength(facts.iri(statement, OCSEA.deonticForce))   # 4
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from api.namespaces import BASE_IRI, OCSEA, bind_prefixes, data_prefixes
from api.store.base import Repository

_IRIREF = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')

FACTS_QUERY = """
SELECT ?s ?p ?o ?label ?strength WHERE {{
  VALUES ?s {{ {subjects} }}
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(?g != <{inferred}>)
  OPTIONAL {{ ?o rdfs:label ?label }}
  OPTIONAL {{ ?o ocsea:strength ?strength }}
}}
"""

LangText = dict[str, str]


def values_block(iris: Iterable[URIRef]) -> str:
    """``<iri> <iri> …`` for a ``VALUES`` block (``ValueError`` for a malformed IRI)."""
    parts = []
    for iri in iris:
        if not isinstance(iri, URIRef) or not _IRIREF.fullmatch(str(iri)):
            raise ValueError(f"not an IRI that can be written in a query: {iri!r}")
        parts.append(f"<{iri}>")
    return " ".join(parts)


class Facts:
    """Asserted triples of some subjects, with labels and strengths of their objects."""

    def __init__(self, inferred_graph: URIRef, base_iri: str = BASE_IRI) -> None:
        self.inferred_graph = inferred_graph
        self.base_iri = base_iri
        self._triples: dict[URIRef, dict[URIRef, list[Node]]] = {}
        self._labels: dict[Node, LangText] = {}
        self._strengths: dict[Node, int] = {}
        self._fetched: set[URIRef] = set()

    def fetch(self, repository: Repository, subjects: Iterable[URIRef]) -> Facts:
        """Load the facts of ``subjects`` not loaded yet (one query); returns ``self``."""
        wanted = list(dict.fromkeys(s for s in subjects if s not in self._fetched))
        if not wanted:
            return self
        self._fetched.update(wanted)
        query = FACTS_QUERY.format(subjects=values_block(wanted), inferred=self.inferred_graph)
        for row in repository.select(query).rows:
            subject, predicate, obj = row["s"], row["p"], row["o"]
            if not isinstance(subject, URIRef) or not isinstance(predicate, URIRef):
                continue
            objects = self._triples.setdefault(subject, {}).setdefault(predicate, [])
            if obj not in objects:
                objects.append(obj)
            label = row.get("label")
            if isinstance(label, Literal):
                self._labels.setdefault(obj, {}).setdefault(label.language or "", str(label))
            strength = row.get("strength")
            if isinstance(strength, Literal):
                self._strengths[obj] = int(strength.toPython())
        for subject in wanted:
            # a subject's own label, for references to it
            for label in self.objects(subject, RDFS.label):
                if isinstance(label, Literal):
                    self._labels.setdefault(subject, {}).setdefault(
                        label.language or "", str(label)
                    )
        return self

    def has(self, subject: URIRef) -> bool:
        """True if anything is asserted about ``subject``."""
        return subject in self._triples

    def objects(self, subject: URIRef, predicate: URIRef) -> list[Node]:
        """The objects of ``subject predicate ?``, in the order first seen."""
        return list(self._triples.get(subject, {}).get(predicate, []))

    def iris(self, subject: URIRef, predicate: URIRef) -> list[URIRef]:
        """The IRI objects of ``subject predicate ?``."""
        return [o for o in self.objects(subject, predicate) if isinstance(o, URIRef)]

    def iri(self, subject: URIRef, predicate: URIRef) -> URIRef | None:
        """The first IRI object of ``subject predicate ?``, or ``None``."""
        found = self.iris(subject, predicate)
        return found[0] if found else None

    def predicates(self, subject: URIRef) -> list[URIRef]:
        """The predicates asserted of ``subject``."""
        return list(self._triples.get(subject, {}))

    def literal(self, subject: URIRef, predicate: URIRef) -> Any:
        """The Python value of the first literal object (``None`` if there is none)."""
        for obj in self.objects(subject, predicate):
            if isinstance(obj, Literal):
                return obj.toPython()
        return None

    def text(self, subject: URIRef, predicate: URIRef) -> str | None:
        """The lexical form of the first literal object, or ``None``."""
        for obj in self.objects(subject, predicate):
            if isinstance(obj, Literal):
                return str(obj)
        return None

    def texts(self, subject: URIRef, predicate: URIRef) -> list[str]:
        """The lexical forms of all literal objects."""
        return [str(o) for o in self.objects(subject, predicate) if isinstance(o, Literal)]

    def lang(self, subject: URIRef, predicate: URIRef) -> LangText:
        """Language tag → text for the literal objects (``""`` for an untagged one)."""
        found: LangText = {}
        for obj in self.objects(subject, predicate):
            if isinstance(obj, Literal):
                found.setdefault(obj.language or "", str(obj))
        return found

    def lang_all(self, subject: URIRef, predicate: URIRef) -> list[LangText]:
        """Each literal object as its own ``{language: text}``, by language then text."""
        found = [
            (obj.language or "", str(obj))
            for obj in self.objects(subject, predicate)
            if isinstance(obj, Literal)
        ]
        return [{language: text} for language, text in sorted(found)]

    def label(self, node: Node) -> LangText:
        """The ``rdfs:label`` of ``node`` by language (empty if unknown)."""
        return dict(self._labels.get(node, {}))

    def strength(self, node: Node) -> int | None:
        """The ``ocsea:strength`` of a deontic force, if known."""
        return self._strengths.get(node)

    def types(self, subject: URIRef) -> list[URIRef]:
        """The asserted ``rdf:type`` IRIs of ``subject``."""
        return self.iris(subject, RDF.type)

    def graph(self, subjects: Iterable[URIRef] | None = None) -> Graph:
        """The facts of ``subjects`` (default: all fetched) as RDF, with objects' labels."""
        graph = bind_prefixes(Graph(bind_namespaces="core"))
        for prefix, namespace in data_prefixes(self.base_iri).items():
            graph.bind(prefix, namespace)
        chosen = self._triples if subjects is None else dict.fromkeys(subjects)
        for subject in chosen:
            for predicate, objects in self._triples.get(subject, {}).items():
                for obj in objects:
                    graph.add((subject, predicate, obj))
                    for language, text in self._labels.get(obj, {}).items():
                        graph.add((obj, RDFS.label, Literal(text, lang=language or None)))
                    if obj in self._strengths and predicate == OCSEA.deonticForce:
                        graph.add((obj, OCSEA.strength, Literal(self._strengths[obj])))
        return graph
