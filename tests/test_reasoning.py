"""The OWL reasoner (Pellet through owlready2): consistency, inconsistency, and what it infers."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from api.namespaces import ID, OCSEA
from api.reasoning import InconsistentOntologyError, ReasoningResult, reason, reasoner_input
from api.settings import Settings

T = "https://w3id.org/ocsea/id/test-decision/"
U = "https://w3id.org/ocsea/id/test-resolution/"


def project_graph(settings: Settings, *extra: Path) -> Graph:
    graph = Graph()
    for path in [
        *sorted(settings.ontology_dir.glob("*.ttl")),
        *sorted(settings.vocabularies_dir.glob("*.ttl")),
        *extra,
    ]:
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def fixture_result(fixtures_dir: Path, project_root: Path) -> tuple[Graph, ReasoningResult]:
    settings = Settings.from_env({"OCSEA_ROOT": str(project_root)})
    graph = project_graph(settings, fixtures_dir / "valid-instrument.ttl")
    return graph, reason(graph)


def test_ontology_and_vocabularies_are_consistent(project_root: Path) -> None:
    settings = Settings.from_env({"OCSEA_ROOT": str(project_root)})
    result = reason(project_graph(settings))
    assert result.reasoner == "Pellet", result.notes
    assert result.seconds > 0
    # Vocabulary concepts get the superclass skos:Concept of their ocsea class.
    assert (ID["force/urges"], RDF.type, SKOS.Concept) in result.inferred


def test_transitive_part_of_reaches_the_instrument(
    fixture_result: tuple[Graph, ReasoningResult],
) -> None:
    _, result = fixture_result
    op1, decision = URIRef(T + "op-1"), ID["test-decision"]
    assert (op1, OCSEA.partOf, decision) in result.inferred
    assert (decision, OCSEA.hasPart, op1) in result.inferred
    # the inverse of an asserted value too (owlready2 drops it; the module restores it)
    assert (URIRef(T + "sec-1"), OCSEA.hasPart, op1) in result.inferred


def test_superclass_types(fixture_result: tuple[Graph, ReasoningResult]) -> None:
    _, result = fixture_result
    op1 = URIRef(T + "op-1")
    assert (op1, RDF.type, OCSEA.Provision) in result.inferred
    assert (op1, RDF.type, OCSEA.OperativeProvision) in result.inferred
    assert (ID["test-decision"], RDF.type, OCSEA.Work) in result.inferred
    assert (ID["actor/test-states"], RDF.type, OCSEA.Actor) in result.inferred
    assert (op1, RDF.type, OWL.Thing) not in result.inferred


def test_inverse_super_and_chain_properties(fixture_result: tuple[Graph, ReasoningResult]) -> None:
    _, result = fixture_result
    inferred = result.inferred
    t_op, u_op = URIRef(T + "op-1"), URIRef(U + "op-1")
    statement = URIRef(T + "op-1-s1")
    assert (t_op, OCSEA.expresses, statement) in inferred
    assert (statement, OCSEA.concerns, ID["actor/test-states"]) in inferred
    assert (ID["actor/test-states"], OCSEA.concernedBy, statement) in inferred
    # property chain over the ocsea:Correspondence node, and symmetry
    assert (t_op, OCSEA.correspondsTo, u_op) in inferred
    assert (u_op, OCSEA.correspondsTo, t_op) in inferred


def test_only_new_triples_are_returned(fixture_result: tuple[Graph, ReasoningResult]) -> None:
    graph, result = fixture_result
    assert len(result.inferred) > 0
    assert not [t for t in result.inferred if t in graph]


def test_disjoint_classes_make_it_inconsistent(fixtures_dir: Path, project_root: Path) -> None:
    settings = Settings.from_env({"OCSEA_ROOT": str(project_root)})
    graph = project_graph(settings, fixtures_dir / "valid-instrument.ttl")
    # A test-only axiom: sections and operative paragraphs are disjoint; then type one as both.
    graph.add((OCSEA.Section, OWL.disjointWith, OCSEA.OperativeParagraph))
    graph.add((URIRef(T + "op-1"), RDF.type, OCSEA.Section))
    with pytest.raises(InconsistentOntologyError) as info:
        reason(graph)
    assert info.value.reasoner == "Pellet"
    assert info.value.reason is not None and T + "op-1" in info.value.reason
    assert "inconsistent" in str(info.value)


def test_two_positions_make_it_inconsistent(project_root: Path) -> None:
    """ocsea:position is functional: two different values on one provision cannot both hold."""
    settings = Settings.from_env({"OCSEA_ROOT": str(project_root)})
    graph = project_graph(settings)
    graph.parse(
        data="""
        @prefix ocsea: <https://w3id.org/ocsea/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://w3id.org/ocsea/id/x/p1> a ocsea:Provision ;
            ocsea:position "1"^^xsd:positiveInteger , "2"^^xsd:positiveInteger .
        """,
        format="turtle",
    )
    with pytest.raises(InconsistentOntologyError, match="functional property"):
        reason(graph)


def test_reasoner_input_replaces_lang_string() -> None:
    graph = Graph()
    graph.add((OCSEA.text, URIRef("http://www.w3.org/2000/01/rdf-schema#range"), RDF.langString))
    graph.add((URIRef("https://w3id.org/ocsea/ontology"), OWL.imports, URIRef("http://ex.org/o")))
    prepared = reasoner_input(graph)
    assert (None, None, RDF.langString) not in prepared
    assert (None, OWL.imports, None) not in prepared
    assert (OCSEA.text, None, RDF.PlainLiteral) in prepared


def test_hermit_is_the_fallback_when_pellet_cannot_run(
    fixtures_dir: Path, project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pellet failing to start (as with owlready2 0.50/0.51 on Java 17) falls back to HermiT."""
    import owlready2.reasoning

    monkeypatch.setattr(owlready2.reasoning, "_PELLET_CLASSPATH", "/nonexistent/pellet.jar")
    settings = Settings.from_env({"OCSEA_ROOT": str(project_root)})
    result = reason(project_graph(settings, fixtures_dir / "valid-instrument.ttl"))
    assert result.reasoner == "HermiT"
    assert any(note.startswith("Pellet failed") for note in result.notes)
    op1 = URIRef(T + "op-1")
    assert (op1, OCSEA.partOf, ID["test-decision"]) in result.inferred
    assert (op1, RDF.type, OCSEA.Provision) in result.inferred
    assert (URIRef(T + "sec-1"), OCSEA.hasPart, op1) in result.inferred
