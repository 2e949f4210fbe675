"""Loading sources: named graphs per file, and error positions for unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.loading import (
    SourceError,
    SourceNotFoundError,
    SourceSyntaxError,
    discover,
    load_sources,
    parse_file,
)
from api.namespaces import graph_iri, instrument_iri, part_iri
from api.settings import Settings


def test_named_graphs_of_a_project(fixture_project: Settings) -> None:
    (fixture_project.data_dir / "correspondences.ttl").write_text(
        "<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8"
    )
    files = discover(fixture_project)
    kinds = {f.path.name: (f.kind, str(f.graph)) for f in files}
    assert kinds["ocsea.ttl"] == ("ontology", str(graph_iri("ontology")))
    assert kinds["themes.ttl"] == ("vocabularies", str(graph_iri("vocabularies")))
    assert kinds["test-decision.ttl"] == ("instrument", str(graph_iri("test-decision")))
    assert kinds["correspondences.ttl"] == ("correspondences", str(graph_iri("correspondences")))
    loaded = load_sources(fixture_project)
    counts = loaded.triple_counts()
    assert counts[str(graph_iri("correspondences"))] == 1
    assert counts[str(graph_iri("test-decision"))] > 10
    assert len(loaded.merged(["instrument"])) == counts[str(graph_iri("test-decision"))]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("@prefix ex: <http://ex.org/> .\nex:a ex:b ex:c\nex:d ex:e ex:f .\n", 3, 1),
        ('@prefix ex: <http://ex.org/> .\n\n\nex:a ex:b "unterminated .\n', 4, 26),
        ("ex:a ex:b ex:c .\n", 1, 1),
    ],
)
def test_turtle_error_positions(tmp_path: Path, text: str, line: int, column: int) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceSyntaxError) as info:
        parse_file(path)
    assert (info.value.line, info.value.column) == (line, column), str(info.value)
    assert str(info.value).startswith(f"{path}:{line}:{column}: invalid Turtle")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes(b'<urn:a> <urn:b> "ok" .\n<urn:a> <urn:b> "caf\xe9" .\n')
    with pytest.raises(SourceSyntaxError) as info:
        parse_file(path)
    assert (info.value.line, info.value.column) == (2, 21)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError):
        parse_file(tmp_path / "absent.ttl")


def test_minted_iris() -> None:
    assert str(instrument_iri("osce-mc-dec-9-07")) == "https://w3id.org/ocsea/id/osce-mc-dec-9-07"
    assert (
        str(part_iri("osce-mc-dec-9-07", "op-1"))
        == "https://w3id.org/ocsea/id/osce-mc-dec-9-07/op-1"
    )
    assert str(graph_iri("inferred", base="http://localhost:8000/")) == (
        "http://localhost:8000/id/graph/inferred"
    )
    with pytest.raises(ValueError):
        instrument_iri("not a slug")
    with pytest.raises(ValueError):
        part_iri("x", "../y")


def test_settings_from_env(tmp_path: Path) -> None:
    s = Settings.from_env(
        {
            "OCSEA_ROOT": str(tmp_path),
            "OCSEA_BASE_IRI": "http://example.org/x",
            "OCSEA_JAVA_MEMORY": "512",
        }
    )
    assert s.root == tmp_path.resolve()
    assert s.store_path == tmp_path.resolve() / "var" / "store"
    assert s.base_iri == "http://example.org/x/"
    assert s.java_memory_mb == 512
    assert s.shapes_dir == tmp_path.resolve() / "shapes"
    with pytest.raises(ValueError, match="OCSEA_JAVA_MEMORY"):
        Settings.from_env({"OCSEA_JAVA_MEMORY": "lots"})


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    with pytest.raises(SourceError, match="is a directory"):
        parse_file(folder)
