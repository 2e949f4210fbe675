"""The HTML views of the linked-data resources: view models for the Jinja2 templates.

The templates (``api/templates/``) only lay out what these classes prepare:

- :class:`Linker` rewrites the project's IRIs to paths on this server (``{base}id/x`` →
  ``/id/x``, ``{base}ontology#T`` → ``/ontology#T``, ``{base}shapes#S`` → ``/shapes#S``), so that
  browsing works on any deployment; other IRIs stay as they are (external links);
- :class:`Labeller` picks a label in the interface language (``en`` or ``es``), then English,
  then Spanish, then any, else a prefixed name;
- :func:`resource_view` turns a :class:`~api.ld.describe.Description` into a
  :class:`ResourceView`: title, types, the verbatim text (``ocsea:text``, ``ocsea:quote``) shown
  first, the asserted properties, the inferred ones, and the incoming links ordered by position;
- :func:`ontology_view` lists the ontology's classes and properties with labels, definitions,
  super-terms, domains and ranges (each with an ``id`` anchor named after its local name, so
  ``{base}ontology#Term`` lands on it); :func:`shapes_view` lists the SHACL shapes.

Interface strings come in English and Spanish (:data:`UI`); :func:`interface_language` picks
one from ``?lang=`` or ``Accept-Language``.

Example::

    >>> linker = Linker("https://w3id.org/ocsea/")
    >>> linker.href("https://w3id.org/ocsea/id/unga-res-74-174/para_5")
    '/id/unga-res-74-174/para_5'
    >>> linker.href("https://w3id.org/ocsea/ontology#Provision")
    '/ontology#Provision'
    >>> interface_language(None, "es-ES,es;q=0.9,en;q=0.8")
    'es'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from api.ld.describe import Description
from api.namespaces import BASE_IRI, OCSEA

LANGUAGES = ("en", "es")

UI: dict[str, dict[str, str]] = {
    "en": {
        "site": "OCSEA Obligations Graph",
        "home": "Home",
        "sparql": "SPARQL",
        "ontology": "Ontology",
        "shapes": "Shapes",
        "void": "Dataset (VoID)",
        "dump": "Download",
        "docs": "API",
        "other_language": "Español",
        "iri": "IRI",
        "types": "Types",
        "text": "Verbatim text",
        "properties": "Properties",
        "inferred": "Inferred by the reasoner",
        "incoming": "Referenced by",
        "formats": "This resource as",
        "labels": "Labels",
        "external": "external",
        "blank": "blank node",
        "not_found": "Not found",
        "instruments": "Instruments",
        "entry_points": "Entry points",
        "classes": "Classes",
        "object_properties": "Object properties",
        "datatype_properties": "Datatype properties",
        "annotation_properties": "Annotation properties",
        "external_terms": "External terms declared by the alignment module",
        "subclass_of": "Subclass of",
        "subproperty_of": "Subproperty of",
        "domain": "Domain",
        "range": "Range",
        "inverse_of": "Inverse of",
        "characteristics": "Characteristics",
        "equivalent": "Matches",
        "version": "Version",
        "license": "Licence",
        "node_shapes": "Node shapes",
        "targets": "Targets",
        "severity": "Severity",
        "message": "Message",
        "path": "Path",
        "property_shapes": "Property shapes",
        "definition": "Turtle",
        "download": "Download this graph",
        "triples": "triples",
        "search": "Search",
        "matrix": "Coverage matrix",
        "network": "Cross-references",
        "editor": "SPARQL editor",
        "actors": "Actors",
        "themes": "Themes",
        "skip": "Skip to content",
        "main_nav": "Main",
        "language_switch": "Language",
        "in_context": "Read it in its instrument",
    },
    "es": {
        "site": "Grafo de Obligaciones OCSEA",
        "home": "Inicio",
        "sparql": "SPARQL",
        "ontology": "Ontología",
        "shapes": "Formas",
        "void": "Conjunto de datos (VoID)",
        "dump": "Descarga",
        "docs": "API",
        "other_language": "English",
        "iri": "IRI",
        "types": "Tipos",
        "text": "Texto literal",
        "properties": "Propiedades",
        "inferred": "Inferido por el razonador",
        "incoming": "Referenciado por",
        "formats": "Este recurso en",
        "labels": "Etiquetas",
        "external": "externo",
        "blank": "nodo anónimo",
        "not_found": "No encontrado",
        "instruments": "Instrumentos",
        "entry_points": "Puntos de acceso",
        "classes": "Clases",
        "object_properties": "Propiedades de objeto",
        "datatype_properties": "Propiedades de datos",
        "annotation_properties": "Propiedades de anotación",
        "external_terms": "Términos externos declarados por el módulo de alineaciones",
        "subclass_of": "Subclase de",
        "subproperty_of": "Subpropiedad de",
        "domain": "Dominio",
        "range": "Rango",
        "inverse_of": "Inversa de",
        "characteristics": "Características",
        "equivalent": "Correspondencias",
        "version": "Versión",
        "license": "Licencia",
        "node_shapes": "Formas de nodo",
        "targets": "Objetivos",
        "severity": "Gravedad",
        "message": "Mensaje",
        "path": "Ruta",
        "property_shapes": "Formas de propiedad",
        "definition": "Turtle",
        "download": "Descargar este grafo",
        "triples": "tripletas",
        "search": "Buscar",
        "matrix": "Matriz de cobertura",
        "network": "Referencias cruzadas",
        "editor": "Editor SPARQL",
        "actors": "Actores",
        "themes": "Temas",
        "skip": "Saltar al contenido",
        "main_nav": "Principal",
        "language_switch": "Idioma",
        "in_context": "Leerlo en su instrumento",
    },
}

PROMINENT = (OCSEA.text, OCSEA.quote)
"""Properties whose values are the verbatim words of an instrument: shown first, as quotes."""

FIRST = (RDFS.label, DCTERMS.title, SKOS.prefLabel)
"""Properties listed before the others (then alphabetically by label)."""

_LANGUAGE_RANGE = re.compile(
    r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?"
)


def interface_language(requested: str | None, accept_language: str | None) -> str:
    """``en`` or ``es``: ``?lang=`` if valid, else the best of ``Accept-Language``, else en."""
    if requested in LANGUAGES:
        return requested
    best, best_q = "en", 0.0
    for part in (accept_language or "").split(","):
        match = _LANGUAGE_RANGE.match(part)
        if not match:
            continue
        language = match.group(1).lower()
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if language in LANGUAGES and quality > best_q:
            best, best_q = language, quality
    return best


class Linker:
    """Turns IRIs into links on this server (project IRIs) or leaves them external."""

    def __init__(
        self, base_iri: str, root_path: str = "", overrides: dict[str, str] | None = None
    ) -> None:
        self.base_iri = base_iri
        self.root = root_path.rstrip("/")
        self.overrides = overrides or {}
        """IRI → link, for IRIs defined on the page itself (e.g. external terms the ontology
        declares, linked to their ``#anchor``)."""

    def local_path(self, iri: str) -> str | None:
        """The path on this server for a project IRI, else ``None``.

        The ontology and shapes namespaces are fixed (:data:`api.namespaces.BASE_IRI`), so they
        are recognised under that base as well as under the configured one.
        """
        for base in dict.fromkeys((self.base_iri, BASE_IRI)):
            if not iri.startswith(base):
                continue
            rest = iri[len(base) :]
            for document in ("ontology", "shapes", "void"):
                if rest == document or rest.startswith(document + "#"):
                    return f"{self.root}/{rest}"
                if rest.startswith(document + "/"):
                    return f"{self.root}/{document}"
            if rest.startswith("id/") and base == self.base_iri:
                return f"{self.root}/{rest}"
        return None

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` goes: this server for the project's IRIs, else ``iri``."""
        return self.overrides.get(iri) or self.local_path(iri) or iri

    def is_local(self, iri: str) -> bool:
        """True when ``iri`` is served here."""
        return iri in self.overrides or self.local_path(iri) is not None


class Labeller:
    """Labels for IRIs, from graphs of ``rdfs:label`` triples, in a preferred language."""

    def __init__(self, language: str, graphs: Iterable[Graph], prefixes: dict[str, str]) -> None:
        self.language = language
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.labels: dict[Node, list[Literal]] = {}
        for graph in graphs:
            for subject, label in graph.subject_objects(RDFS.label):
                if isinstance(label, Literal):
                    self.labels.setdefault(subject, []).append(label)

    def best(self, literals: Iterable[Literal]) -> Literal | None:
        """The literal in the interface language, else English, else Spanish, else any."""
        ranked = sorted(
            literals,
            key=lambda lit: (
                (lit.language or "") != self.language,
                (lit.language or "") != "en",
                (lit.language or "") != "es",
                str(lit),
            ),
        )
        return ranked[0] if ranked else None

    def compact(self, iri: str) -> str:
        """``prefix:local`` when a known namespace fits, else the IRI."""
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def label(self, node: Node) -> str:
        """The best label of ``node``, or its prefixed name."""
        found = self.best(self.labels.get(node, []))
        if found is not None:
            return str(found)
        return self.compact(str(node))


@dataclass
class ValueView:
    """One value of a property: a literal, a link, or a blank node with its own properties."""

    text: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None
    datatype: str | None = None
    external: bool = False
    nested: list[PropertyView] = field(default_factory=list)
    is_blank: bool = False


@dataclass
class PropertyView:
    """A property (label, link to its definition) and its values."""

    iri: str
    label: str
    href: str
    values: list[ValueView]


@dataclass
class ResourceView:
    """Everything the resource page shows."""

    iri: str
    title: str
    labels: list[ValueView]
    types: list[ValueView]
    texts: list[PropertyView]
    properties: list[PropertyView]
    inferred: list[PropertyView]
    incoming: list[PropertyView]


class _Builder:
    """Builds property and value views with one labeller, linker and position table."""

    def __init__(
        self, labeller: Labeller, linker: Linker, positions: dict[URIRef, int] | None = None
    ) -> None:
        self.labeller = labeller
        self.linker = linker
        self.positions = positions or {}

    def value(self, node: Node, graph: Graph | None = None, depth: int = 0) -> ValueView:
        """``node`` for display; a blank node shows its own properties from ``graph``."""
        if isinstance(node, Literal):
            datatype = None
            if node.datatype is not None and node.datatype != XSD.string:
                datatype = self.labeller.compact(str(node.datatype))
            return ValueView(text=str(node), lang=node.language, datatype=datatype)
        if isinstance(node, BNode):
            nested = (
                self.properties(graph, node, depth=depth + 1)
                if graph is not None and depth < 8
                else []
            )
            return ValueView(text="", nested=nested, is_blank=True)
        iri = str(node)
        return ValueView(
            text=self.labeller.label(node),
            href=self.linker.href(iri),
            iri=iri,
            external=not self.linker.is_local(iri),
        )

    def value_key(self, node: Node) -> tuple[int, int, str]:
        """Literals first (the interface language first), then IRIs by position and label."""
        if isinstance(node, Literal):
            return (0, 0 if node.language == self.labeller.language else 1, str(node))
        position = self.positions.get(node, 0) if isinstance(node, URIRef) else 0
        return (1, position, self.labeller.label(node).casefold())

    def property(self, predicate: Node, values: list[ValueView]) -> PropertyView:
        """A property with its label and the link to its definition."""
        return PropertyView(
            iri=str(predicate),
            label=self.labeller.label(predicate),
            href=self.linker.href(str(predicate)),
            values=values,
        )

    def properties(
        self,
        graph: Graph,
        subject: Node,
        *,
        skip: Iterable[Node] = (),
        depth: int = 0,
    ) -> list[PropertyView]:
        """The properties of ``subject`` in ``graph`` (but ``skip``), values sorted."""
        skipped = set(skip)
        by_predicate: dict[Node, list[Node]] = {}
        for predicate, obj in graph.predicate_objects(subject):
            if predicate not in skipped:
                by_predicate.setdefault(predicate, []).append(obj)
        return self._sorted(
            self.property(
                p, [self.value(o, graph, depth) for o in sorted(objs, key=self.value_key)]
            )
            for p, objs in by_predicate.items()
        )

    def incoming(self, graph: Graph, subject: Node) -> list[PropertyView]:
        """The links to ``subject`` in ``graph``, by property, sources by position and label."""
        by_predicate: dict[Node, list[Node]] = {}
        for source, predicate in graph.subject_predicates(subject):
            by_predicate.setdefault(predicate, []).append(source)
        return self._sorted(
            self.property(p, [self.value(s) for s in sorted(sources, key=self.value_key)])
            for p, sources in by_predicate.items()
        )

    def _sorted(self, views: Iterable[PropertyView]) -> list[PropertyView]:
        first = [str(p) for p in FIRST]

        def key(view: PropertyView) -> tuple[int, str]:
            rank = first.index(view.iri) if view.iri in first else len(first)
            return (rank, view.label.casefold())

        return sorted(views, key=key)


def resource_view(
    description: Description, language: str, linker: Linker, prefixes: dict[str, str]
) -> ResourceView:
    """The page of a described resource (see the module documentation)."""
    subject = description.subject
    labeller = Labeller(
        language,
        [description.labels, description.predicate_labels, description.asserted],
        prefixes,
    )
    builder = _Builder(labeller, linker, description.positions())
    asserted, inferred = description.asserted, description.inferred
    own_labels = [o for o in asserted.objects(subject, RDFS.label) if isinstance(o, Literal)]
    title_literal = labeller.best(own_labels)
    asserted_types = set(asserted.objects(subject, RDF.type))
    types = sorted(
        asserted_types | set(inferred.objects(subject, RDF.type)),
        key=lambda t: (t not in asserted_types, labeller.label(t)),
    )
    texts = [
        view for view in builder.properties(asserted, subject) if URIRef(view.iri) in PROMINENT
    ]
    return ResourceView(
        iri=str(subject),
        title=str(title_literal) if title_literal is not None else labeller.compact(str(subject)),
        labels=[builder.value(label) for label in sorted(own_labels, key=builder.value_key)],
        types=[builder.value(t) for t in types],
        texts=texts,
        properties=builder.properties(asserted, subject, skip=(RDF.type, RDFS.label, *PROMINENT)),
        inferred=builder.properties(inferred, subject, skip=(RDF.type,)),
        incoming=builder.incoming(description.incoming, subject),
    )


# -- the ontology -------------------------------------------------------------------------------


@dataclass
class TermView:
    """A class or property of the ontology."""

    iri: str
    anchor: str
    name: str
    labels: list[ValueView]
    definitions: list[ValueView]
    facts: list[PropertyView]


@dataclass
class OntologyView:
    """The ontology page: header facts and the terms by kind."""

    iri: str
    title: str
    header: list[PropertyView]
    sections: list[tuple[str, list[TermView]]]


TERM_FACTS = (
    ("subclass_of", RDFS.subClassOf),
    ("subproperty_of", RDFS.subPropertyOf),
    ("domain", RDFS.domain),
    ("range", RDFS.range),
    ("inverse_of", OWL.inverseOf),
    ("equivalent", SKOS.closeMatch),
    ("equivalent", SKOS.exactMatch),
    ("equivalent", OWL.equivalentClass),
    ("equivalent", OWL.equivalentProperty),
)
CHARACTERISTICS = (
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty,
)
DEFINITIONS = (SKOS.definition, RDFS.comment)


def _anchor(iri: str) -> str:
    """The fragment of a hash IRI, else the last path segment (an HTML id)."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def _term_view(
    graph: Graph, term: URIRef, builder: _Builder, ui: dict[str, str], anchor: str
) -> TermView:
    labeller = builder.labeller
    labels = sorted(
        (o for o in graph.objects(term, RDFS.label) if isinstance(o, Literal)),
        key=builder.value_key,
    )
    definitions = sorted(
        (
            o
            for predicate in DEFINITIONS
            for o in graph.objects(term, predicate)
            if isinstance(o, Literal)
        ),
        key=builder.value_key,
    )
    facts: list[PropertyView] = []
    merged: dict[str, list[ValueView]] = {}
    for key, predicate in TERM_FACTS:
        values = [builder.value(o, graph) for o in sorted(graph.objects(term, predicate), key=str)]
        if values:
            merged.setdefault(key, []).extend(values)
    for key, values in merged.items():
        facts.append(PropertyView(iri="", label=ui[key], href="", values=values))
    characteristics = [
        builder.value(kind) for kind in CHARACTERISTICS if (term, RDF.type, kind) in graph
    ]
    if characteristics:
        facts.append(
            PropertyView(iri="", label=ui["characteristics"], href="", values=characteristics)
        )
    return TermView(
        iri=str(term),
        anchor=anchor,
        name=labeller.compact(str(term)),
        labels=[builder.value(label) for label in labels],
        definitions=[builder.value(d) for d in definitions],
        facts=facts,
    )


def ontology_view(
    graph: Graph, language: str, linker: Linker, prefixes: dict[str, str]
) -> OntologyView:
    """The ontology page from the ontology graph (core and alignment modules)."""
    ui = UI[language]
    labeller = Labeller(language, [graph], prefixes)
    namespace = str(OCSEA)
    declared = {
        str(term)
        for term in graph.subjects(RDF.type, None)
        if isinstance(term, URIRef) and not str(term).startswith(namespace)
    }
    # external terms the alignment module declares have their own section: link there
    anchors = {iri: labeller.compact(iri) for iri in declared}
    page_linker = Linker(
        linker.base_iri, linker.root, {iri: f"#{anchor}" for iri, anchor in anchors.items()}
    )
    builder = _Builder(labeller, page_linker)
    kinds = (
        ("classes", OWL.Class),
        ("object_properties", OWL.ObjectProperty),
        ("datatype_properties", OWL.DatatypeProperty),
        ("annotation_properties", OWL.AnnotationProperty),
    )
    sections: list[tuple[str, list[TermView]]] = []
    external: list[TermView] = []
    for key, kind in kinds:
        terms = sorted(
            (t for t in set(graph.subjects(RDF.type, kind)) if isinstance(t, URIRef)), key=str
        )
        own = [t for t in terms if str(t).startswith(namespace)]
        sections.append(
            (ui[key], [_term_view(graph, t, builder, ui, _anchor(str(t))) for t in own])
        )
        external.extend(
            _term_view(graph, t, builder, ui, anchors[str(t)])
            for t in terms
            if not str(t).startswith(namespace)
        )
    if external:
        sections.append((ui["external_terms"], external))
    ontologies = sorted(
        (o for o in set(graph.subjects(RDF.type, OWL.Ontology)) if isinstance(o, URIRef)),
        key=lambda o: (len(str(o)), str(o)),
    )
    core = ontologies[0] if ontologies else URIRef(namespace.rstrip("#"))
    titles = [o for o in graph.objects(core, DCTERMS.title) if isinstance(o, Literal)]
    title = labeller.best(titles)
    header = [
        view
        for ontology in ontologies
        for view in [
            PropertyView(
                iri=str(ontology),
                label=labeller.compact(str(ontology)),
                href=linker.href(str(ontology)),
                values=[],
            ),
            *builder.properties(graph, ontology, skip=(RDF.type,)),
        ]
    ]
    return OntologyView(
        iri=str(core),
        title=str(title) if title is not None else labeller.compact(str(core)),
        header=header,
        sections=sections,
    )


# -- the shapes ---------------------------------------------------------------------------------


@dataclass
class ShapeView:
    """A named SHACL shape: what it checks, and its Turtle."""

    iri: str
    anchor: str
    name: str
    facts: list[PropertyView]
    turtle: str


@dataclass
class ShapesView:
    """The shapes page."""

    title: str
    header: list[PropertyView]
    node_shapes: list[ShapeView]
    property_shapes: list[ShapeView]


SHAPE_FACTS = (
    SH.name,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.targetNode,
    SH.path,
    SH.severity,
    SH.message,
)


def _shape_turtle(graph: Graph, shape: URIRef, prefixes: dict[str, str]) -> str:
    """The shape with its blank nodes (its concise bounded description), as Turtle."""
    description = Graph()
    for prefix, namespace in prefixes.items():
        description.bind(prefix, namespace, override=True, replace=True)
    description.bind("osh", str(shape).rsplit("#", 1)[0] + "#", override=True, replace=True)
    for triple in graph.cbd(shape):
        description.add(triple)
    text = description.serialize(format="turtle")
    return "\n".join(line for line in text.splitlines() if not line.startswith("@prefix")).strip()


def shapes_view(
    graph: Graph, language: str, linker: Linker, prefixes: dict[str, str]
) -> ShapesView:
    """The shapes page from the shapes graph: node shapes and named property shapes."""
    labeller = Labeller(language, [graph], prefixes)
    builder = _Builder(labeller, linker)

    def view(shape: URIRef) -> ShapeView:
        facts = [
            builder.property(
                p, [builder.value(o, graph) for o in sorted(graph.objects(shape, p), key=str)]
            )
            for p in SHAPE_FACTS
            if (shape, p, None) in graph
        ]
        return ShapeView(
            iri=str(shape),
            anchor=_anchor(str(shape)),
            name=labeller.compact(str(shape)),
            facts=facts,
            turtle=_shape_turtle(graph, shape, prefixes),
        )

    def named(kind: URIRef) -> list[URIRef]:
        return sorted(
            (s for s in set(graph.subjects(RDF.type, kind)) if isinstance(s, URIRef)), key=str
        )

    ontologies = [o for o in graph.subjects(RDF.type, OWL.Ontology) if isinstance(o, URIRef)]
    header = [
        view_
        for ontology in ontologies
        for view_ in builder.properties(graph, ontology, skip=(RDF.type, SH.declare))
    ]
    title_literal = labeller.best(
        [o for s in ontologies for o in graph.objects(s, RDFS.label) if isinstance(o, Literal)]
    )
    return ShapesView(
        title=str(title_literal) if title_literal is not None else "SHACL shapes",
        header=header,
        node_shapes=[view(s) for s in named(SH.NodeShape)],
        property_shapes=[view(s) for s in named(SH.PropertyShape)],
    )
