"""Every term the ontology modules declare has English and Spanish labels and a definition."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parents[1]
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def declared_terms(path: Path) -> tuple[Graph, list[URIRef]]:
    graph = Graph().parse(path)
    terms = sorted({URIRef(s) for kind in KINDS for s in graph.subjects(RDF.type, kind)})
    return graph, [t for t in terms if isinstance(t, URIRef)]


@pytest.mark.parametrize("module", ["ocsea.ttl", "ocsea-alignments.ttl"])
def test_every_term_has_labels_in_english_and_spanish_and_a_definition(module: str) -> None:
    graph, terms = declared_terms(ROOT / "ontology" / module)
    assert terms, f"{module} declares no terms"
    problems = []
    for term in terms:
        languages = {getattr(label, "language", None) for label in graph.objects(term, RDFS.label)}
        for language in ("en", "es"):
            if language not in languages:
                problems.append(f"{term}: no rdfs:label@{language}")
        if not any(graph.objects(term, SKOS.definition)) and not any(
            graph.objects(term, RDFS.comment)
        ):
            problems.append(f"{term}: no skos:definition or rdfs:comment")
    assert not problems, "\n".join(problems)


def test_core_namespace_terms_named_by_the_contract_exist() -> None:
    _graph, terms = declared_terms(ROOT / "ontology" / "ocsea.ttl")
    names = {str(t).rsplit("#", 1)[1] for t in terms}
    for name in ("Instrument", "OperativeParagraph", "NormativeStatement", "addressee", "partOf"):
        assert name in names
