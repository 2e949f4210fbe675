"""SHACL validation: what pySHACL is given, and the ValidationReport built from its result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from api.loading import SourceNotFoundError
from api.settings import Settings
from api.validation import (
    ResultItem,
    ShapesError,
    ShapesNotFoundError,
    ValidationReport,
    validate,
    validate_files,
)

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ocsea: <https://w3id.org/ocsea/ontology#> .
<urn:shape:Statement> a sh:NodeShape ; sh:targetClass ocsea:NormativeStatement ;
    sh:property [ sh:path ocsea:expressedIn ; sh:class ocsea:Provision ; sh:minCount 1 ] ,
                [ sh:path ocsea:deonticForce ; sh:class ocsea:DeonticForce ] .
"""


def statement_file(tmp_path: Path, force: str) -> Path:
    path = tmp_path / "statement.ttl"
    path.write_text(
        f"""@prefix ocsea: <https://w3id.org/ocsea/ontology#> .
@prefix force: <https://w3id.org/ocsea/id/force/> .
@prefix ex: <https://w3id.org/ocsea/id/test-x/> .

ex:op-1 a ocsea:OperativeParagraph .

ex:s1 a ocsea:NormativeStatement ;
    ocsea:expressedIn ex:op-1 ;
    ocsea:deonticForce {force} .
""",
        encoding="utf-8",
    )
    return path


def shapes_file(tmp_path: Path) -> Path:
    path = tmp_path / "shapes.ttl"
    path.write_text(SHAPES, encoding="utf-8")
    return path


def test_class_hierarchy_and_vocabularies_are_mixed_in(tmp_path: Path, settings: Settings) -> None:
    """sh:class ocsea:Provision accepts an OperativeParagraph (ontology), and force:urges is a
    DeonticForce only because the vocabularies are part of the data."""
    report = validate_files(
        [statement_file(tmp_path, "force:urges")], settings, [shapes_file(tmp_path)]
    )
    assert report.conforms, report.to_text()
    assert report.results == []


def test_unknown_concept_is_a_violation_with_its_line(tmp_path: Path, settings: Settings) -> None:
    report = validate_files(
        [statement_file(tmp_path, "force:shouts")], settings, [shapes_file(tmp_path)]
    )
    assert not report.conforms
    assert report.counts() == {"Violation": 1, "Warning": 0, "Info": 0}
    (item,) = report.results
    assert item.focus_node == "https://w3id.org/ocsea/id/test-x/s1"
    assert item.path == "https://w3id.org/ocsea/ontology#deonticForce"
    assert item.value == "https://w3id.org/ocsea/id/force/shouts"
    assert item.constraint == str(SH.ClassConstraintComponent)
    assert item.line == 7
    assert item.file is not None and item.file.endswith("statement.ttl")
    text = report.to_text()
    assert "Violation at line 7 " in text
    assert "<https://w3id.org/ocsea/id/test-x/s1> ocsea:deonticForce — " in text


def test_no_shapes_is_an_error(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(ShapesNotFoundError):
        validate_files([statement_file(tmp_path, "force:urges")], settings, [])


def test_missing_shapes_file_is_an_error(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(SourceNotFoundError):
        validate_files([statement_file(tmp_path, "force:urges")], settings, [tmp_path / "none.ttl"])


def test_warnings_do_not_break_conformance() -> None:
    data = Graph().parse(
        data="<urn:a> a <https://w3id.org/ocsea/ontology#Provision> .", format="turtle"
    )
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <https://w3id.org/ocsea/ontology#Provision> ;
            sh:property [ sh:path <urn:p> ; sh:minCount 1 ; sh:severity sh:Warning ] ;
            sh:property [ sh:path <urn:q> ; sh:minCount 1 ; sh:severity sh:Info ] .""",
        format="turtle",
    )
    report = validate(data, shapes)
    assert report.conforms
    assert report.counts() == {"Violation": 0, "Warning": 1, "Info": 1}
    assert report.results[0].line is None  # no source text given
    assert "unknown line" in report.to_text()


def test_report_renderers() -> None:
    report_graph = Graph()
    report_graph.add((URIRef("urn:report"), RDF.type, SH.ValidationReport))
    items = [
        ResultItem("urn:b", "urn:p", "second", "Warning", None, None, line=9, file="f.ttl"),
        ResultItem(
            "urn:a", "urn:p", "first", "Violation", '"v"', "urn:shape", line=3, file="f.ttl"
        ),
    ]
    report = ValidationReport(conforms=False, results=items, graph=report_graph)
    text = report.to_text()
    assert text.splitlines()[0] == "Does not conform: 1 violation, 1 warning, no infos."
    assert text.index("Violation at line 3 (f.ttl): <urn:a>") < text.index(
        "Warning at line 9 (f.ttl)"
    )
    as_json = report.to_json()
    json.dumps(as_json)
    assert as_json["counts"] == {"Violation": 1, "Warning": 1, "Info": 0}
    assert as_json["results"][0]["focusNode"] == "urn:a"
    assert report.to_graph() is report_graph
    assert "sh:ValidationReport" in report.to_turtle()


def test_unusable_shapes_raise_shapes_error() -> None:
    """pySHACL rejects a SPARQL constraint with VALUES; that is an error, not a report."""
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ;
            sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] .""",
        format="turtle",
    )
    data = Graph().parse(data="<urn:a> <urn:p> 1 .", format="turtle")
    with pytest.raises(ShapesError, match="VALUES"):
        validate(data, shapes)
