"""The build: a fresh store with every source in its named graph and the inferred triples."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS
from typer.testing import CliRunner

from api.build import BuildError, build
from api.cli import app
from api.namespaces import ID, OCSEA, graph_iri
from api.settings import Settings
from api.store import OxigraphRepository
from api.write_log import record_writes, written_graphs
from api.writes import WriteGate
from tests.conftest import FIXTURES, make_project

T = "https://w3id.org/ocsea/id/test-decision/"


def test_build_fixture_project(fixture_project: Settings) -> None:
    summary = build(fixture_project.store_path, fixture_project)
    assert summary.instruments == 2
    assert summary.provisions == 4  # formula, section, two operative paragraphs
    assert summary.statements == 2
    assert summary.actors >= 3
    assert summary.violations == 0
    assert summary.reasoner.startswith("Pellet")
    assert set(summary.timings) == {"load", "validate", "reason", "store", "total"}
    graphs = set(summary.graphs)
    for name in ("ontology", "vocabularies", "test-decision", "inferred"):
        assert str(graph_iri(name)) in graphs
    assert summary.graphs[str(graph_iri("inferred"))] == summary.inferred > 0
    table = summary.to_table()
    assert "test-decision" in table and "reason" in table and "provisions 4" in table

    with OxigraphRepository(fixture_project.store_path, read_only=True) as repo:
        inferred = repo.get_graph(graph_iri("inferred"))
        op1 = URIRef(T + "op-1")
        # a paragraph in a section is directly part of its instrument, in the inferred graph
        assert (op1, OCSEA.partOf, ID["test-decision"]) in inferred
        assert (op1, RDF.type, OCSEA.Provision) in inferred
        # the source graph keeps only what the file says
        source = repo.get_graph(graph_iri("test-decision"))
        assert (op1, OCSEA.partOf, ID["test-decision"]) not in source
        assert (op1, OCSEA.partOf, URIRef(T + "sec-1")) in source
        # SPARQL sees the union of the graphs
        assert repo.query(
            f"ASK {{ <{op1}> ocsea:partOf <{ID['test-decision']}> ; a ocsea:Provision }}"
        )
        assert repo.version() == summary.version


def test_rebuild_replaces_the_store_atomically(fixture_project: Settings) -> None:
    first = build(fixture_project.store_path, fixture_project)
    (fixture_project.instruments_dir / "test-decision.ttl").unlink()
    second = build(fixture_project.store_path, fixture_project)
    assert second.instruments == 0 and first.instruments == 2
    assert second.version != first.version
    leftovers = [
        p.name for p in fixture_project.store_path.parent.iterdir() if p.name.startswith(".")
    ]
    assert leftovers == []
    with OxigraphRepository(fixture_project.store_path, read_only=True) as repo:
        assert graph_iri("test-decision") not in repo.graphs()


def test_rebuild_saves_what_was_written_over_http(fixture_project: Settings) -> None:
    store = fixture_project.store_path
    build(store, fixture_project)
    instrument = graph_iri("test-decision")
    outside, kept_then_deleted = URIRef("http://example.org/g"), URIRef("http://example.org/gone")
    with OxigraphRepository(store) as repository:
        gate = WriteGate(repository)
        content = repository.get_graph(instrument)
        note = Graph()
        note.add((URIRef("http://example.org/s"), RDFS.comment, Literal("kept", lang="en")))
        gate.put(outside, note)
        gate.put(kept_then_deleted, note)
        gate.delete(kept_then_deleted)
        gate.update('INSERT DATA { <http://example.org/a> <http://example.org/b> "c" }')
    record_writes(store, [str(instrument)])  # as a PUT of the instrument would (test_graph_store)
    assert written_graphs(store) == [
        str(outside),
        str(kept_then_deleted),
        "default",
        str(instrument),
    ]

    summary = build(store, fixture_project)
    saved = [p for p in store.parent.iterdir() if p.name.startswith(f"{store.name}-http-writes-")]
    assert len(saved) == 1
    assert any(str(saved[0]) in line and "3 graph(s)" in line for line in summary.notes)
    files = sorted(p.name for p in saved[0].iterdir())
    assert files == [
        "README.txt",
        "default-graph.ttl",
        "http_example.org_g.ttl",
        "test-decision.ttl",
    ]
    assert isomorphic(Graph().parse(saved[0] / "test-decision.ttl"), content)
    assert isomorphic(Graph().parse(saved[0] / "http_example.org_g.ttl"), note)
    default = Graph().parse(saved[0] / "default-graph.ttl")
    assert (URIRef("http://example.org/a"), URIRef("http://example.org/b"), Literal("c")) in default
    assert (
        f"deleted over HTTP (nothing to save): {kept_then_deleted}"
        in (saved[0] / "README.txt").read_text()
    )
    assert written_graphs(store) == []  # a new record for the new store

    again = build(store, fixture_project)  # nothing written since: nothing saved
    assert not any("http-writes" in line for line in again.notes)
    assert len([p for p in store.parent.iterdir() if "-http-writes-" in p.name]) == 1


def test_invalid_data_stops_the_build(
    tmp_path: Path, project_root: Path, test_shapes: Path
) -> None:
    settings = make_project(
        tmp_path / "project",
        project_root,
        {"bad.ttl": FIXTURES / "invalid-instrument.ttl"},
        test_shapes,
    )
    with pytest.raises(BuildError) as info:
        build(settings.store_path, settings)
    assert info.value.report is not None
    assert info.value.report.violations == 6
    assert not settings.store_path.exists()


def test_refuses_to_replace_something_that_is_not_a_store(fixture_project: Settings) -> None:
    target = fixture_project.root / "precious"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(BuildError, match="not a triple store"):
        build(target, fixture_project)
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_cli_build_exit_codes(tmp_path: Path, fixture_project: Settings) -> None:
    runner = CliRunner()
    env = {"OCSEA_ROOT": str(fixture_project.root), "OCSEA_STORE": str(tmp_path / "cli-store")}
    ok = runner.invoke(app, ["build"], env=env)
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    assert "provisions 4" in ok.stdout

    shutil.copy(FIXTURES / "invalid-instrument.ttl", fixture_project.instruments_dir / "bad.ttl")
    invalid = runner.invoke(app, ["build"], env=env)
    assert invalid.exit_code == 1
    assert "Violation at line " in invalid.stdout and "data/instruments/bad.ttl" in invalid.stdout

    (fixture_project.instruments_dir / "bad.ttl").unlink()
    disjoint = fixture_project.ontology_dir / "test-disjoint.ttl"
    disjoint.write_text(
        """@prefix ocsea: <https://w3id.org/ocsea/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        ocsea:Section owl:disjointWith ocsea:OperativeProvision .
        <https://w3id.org/ocsea/id/test-decision/sec-1> a ocsea:OperativeParagraph .""",
        encoding="utf-8",
    )
    inconsistent = runner.invoke(app, ["build"], env=env)
    assert inconsistent.exit_code == 1
    assert "inconsistent" in inconsistent.stderr
    assert "https://w3id.org/ocsea/id/test-decision/sec-1" in inconsistent.stderr
    disjoint.unlink()

    shutil.copy(FIXTURES / "broken.ttl", fixture_project.instruments_dir / "bad.ttl")
    broken = runner.invoke(app, ["build", "--store", str(tmp_path / "other")], env=env)
    assert broken.exit_code == 2
    assert "bad.ttl:6:24: invalid Turtle" in broken.stderr
    assert "Traceback" not in broken.stdout + broken.stderr


REAL_INSTRUMENTS = sorted(
    (Path(__file__).resolve().parent.parent / "data" / "instruments").glob("*.ttl")
)


@pytest.mark.skipif(not REAL_INSTRUMENTS, reason="data/instruments has no .ttl files yet")
def test_build_real_data(settings: Settings) -> None:
    failure = None
    try:
        summary = build(settings.store_path, settings)
    except BuildError as exc:  # show the SHACL report, not a traceback into the build
        failure = f"{exc}\n{exc.report.to_text() if exc.report is not None else ''}"
    if failure is not None:
        pytest.fail(failure, pytrace=False)
    assert summary.instruments == len(REAL_INSTRUMENTS)  # one encoded instrument per file
    assert summary.provisions > 0 and summary.statements > 0 and summary.actors > 0
    assert summary.violations == 0
    inferred = graph_iri("inferred")
    with OxigraphRepository(settings.store_path, read_only=True) as repo:
        for path in REAL_INSTRUMENTS:
            graph = graph_iri(path.stem)
            # every provision of the file is part of the file's instrument, after reasoning
            orphans = repo.select(
                f"""SELECT DISTINCT ?p WHERE {{
                      GRAPH <{graph}> {{ ?i a ocsea:EncodedInstrument . ?p ocsea:partOf ?x }}
                      FILTER NOT EXISTS {{ ?p ocsea:partOf ?i }}
                    }}"""
            )
            assert orphans.rows == [], f"{path.name}: provisions not part of the instrument"
            # a provision nested in another one is directly part of the instrument only by inference
            nested = repo.select(
                f"""SELECT ?p ?i WHERE {{
                      GRAPH <{graph}> {{ ?i a ocsea:EncodedInstrument . ?p ocsea:partOf ?s .
                                         ?s ocsea:partOf ?i }}
                      FILTER NOT EXISTS {{ GRAPH <{graph}> {{ ?p ocsea:partOf ?i }} }}
                    }} LIMIT 1"""
            )
            for row in nested.rows:
                assert repo.query(
                    f"ASK {{ GRAPH <{inferred}> {{ <{row['p']}> ocsea:partOf <{row['i']}> }} }}"
                )
        # superclass types are in the inferred graph
        untyped = repo.select(
            f"""SELECT ?p WHERE {{
                  ?p a ocsea:OperativeParagraph .
                  FILTER NOT EXISTS {{ GRAPH <{inferred}> {{ ?p a ocsea:Provision }} }}
                }}"""
        )
        assert untyped.rows == []
