"""The ``ocsea validate`` command: exit codes, report formats, and the line of each focus node."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.validation import locate_in_jsonld, locate_in_turtle

runner = CliRunner()


def line_of(path: Path, start: str) -> int:
    """1-based number of the first line of ``path`` that starts with ``start``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(start):
            return number
    raise AssertionError(f"{start!r} not in {path}")


def validate(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_conforming_file_exits_0(fixtures_dir: Path, test_shapes: Path) -> None:
    code, out, _ = validate(
        str(fixtures_dir / "valid-instrument.ttl"), "--shapes", str(test_shapes)
    )
    assert code == 0, out
    assert out.startswith("Conforms: no violations")


def test_conforming_jsonld_exits_0(fixtures_dir: Path, test_shapes: Path) -> None:
    code, out, _ = validate(
        str(fixtures_dir / "valid-provision.jsonld"), "--shapes", str(test_shapes)
    )
    assert code == 0, out


def test_non_conforming_file_exits_1_and_names_the_line(
    fixtures_dir: Path, test_shapes: Path
) -> None:
    invalid = fixtures_dir / "invalid-instrument.ttl"
    code, out, _ = validate(str(invalid), "--shapes", str(test_shapes))
    assert code == 1
    assert out.startswith("Does not conform: 6 violations, 1 warning")
    op1 = line_of(invalid, "bad:op-1 a")
    op2 = line_of(invalid, "bad:op-2 a")
    statement = line_of(invalid, "bad:op-1-s1 a")
    iri = "https://w3id.org/ocsea/id/test-invalid/"
    where = "(tests/fixtures/invalid-instrument.ttl)"
    assert f"Violation at line {op1} {where}: <{iri}op-1> ocsea:position" in out
    assert f"Violation at line {op2} {where}: <{iri}op-2> ocsea:partOf" in out
    assert f"<{iri}op-1-s1> ocsea:deonticForce" in out
    assert f"Violation at line {statement} " in out
    assert "The quote is not a substring" in out  # the SPARQL-based constraint ran
    assert f"Warning at line {op2} " in out
    # Violations are listed before warnings.
    assert out.index("Violations (6):") < out.index("Warnings (1):")


def test_json_format_parses(fixtures_dir: Path, test_shapes: Path) -> None:
    invalid = fixtures_dir / "invalid-instrument.ttl"
    code, out, _ = validate(str(invalid), "--shapes", str(test_shapes), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["conforms"] is False
    assert report["counts"] == {"Violation": 6, "Warning": 1, "Info": 0}
    by_path = {(r["focusNode"].rsplit("/", 1)[-1], r["path"]): r for r in report["results"]}
    position = by_path[("op-1", "https://w3id.org/ocsea/ontology#position")]
    assert position["severity"] == "Violation"
    assert position["line"] == line_of(invalid, "bad:op-1 a")
    assert position["file"] == "tests/fixtures/invalid-instrument.ttl"
    assert position["value"] == '"first"'
    assert {r["severity"] for r in report["results"]} == {"Violation", "Warning"}


def test_turtle_format_is_a_shacl_report(fixtures_dir: Path, test_shapes: Path) -> None:
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    code, out, _ = validate(
        str(fixtures_dir / "invalid-instrument.ttl"), "--shapes", str(test_shapes), "-f", "turtle"
    )
    assert code == 1
    graph = Graph().parse(data=out, format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 7


def test_unparsable_turtle_exits_2_with_line_and_column(
    fixtures_dir: Path, test_shapes: Path
) -> None:
    code, out, err = validate(str(fixtures_dir / "broken.ttl"), "--shapes", str(test_shapes))
    assert code == 2
    assert "tests/fixtures/broken.ttl:6:24: invalid Turtle" in err
    assert "Traceback" not in out + err


def test_unparsable_jsonld_exits_2_with_line_and_column(
    fixtures_dir: Path, test_shapes: Path
) -> None:
    code, _, err = validate(str(fixtures_dir / "broken.jsonld"), "--shapes", str(test_shapes))
    assert code == 2
    assert "broken.jsonld:4:23: invalid JSON" in err


def test_missing_file_exits_2(tmp_path: Path, test_shapes: Path) -> None:
    missing = tmp_path / "nope.ttl"
    code, out, err = validate(str(missing), "--shapes", str(test_shapes))
    assert code == 2
    assert f"{missing}: no such file" in err
    assert "Traceback" not in out + err


def test_unknown_suffix_exits_2(tmp_path: Path, test_shapes: Path) -> None:
    other = tmp_path / "data.xml"
    other.write_text("<rdf/>", encoding="utf-8")
    code, _, err = validate(str(other), "--shapes", str(test_shapes))
    assert code == 2
    assert "unknown file type '.xml'" in err


def test_console_script_runs_without_traceback(fixtures_dir: Path, test_shapes: Path) -> None:
    """The real process (not the in-process runner): exit code and clean stderr."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "validate",
            str(fixtures_dir / "broken.ttl"),
            "--shapes",
            str(test_shapes),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "broken.ttl:6:24" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@prefix ex: <http://ex.org/> .\n\nex:a ex:p ex:b .\n", 3),
        ("PREFIX ex: <http://ex.org/>\nex:b ex:p ex:a .\nex:a ex:p 1 .\n", 3),
        ("<http://ex.org/a> <http://ex.org/p> 1 .\n", 1),
        ("@base <http://ex.org/> .\n<b> <p> <a> .\n<a> <p> 1 .\n", 3),
        ("@prefix ex: <http://ex.org/> .\nex:ab ex:p 1 .\nex:a-b ex:p 1 .\n", None),
        ("@prefix ex: <http://ex.org/> .\nex:b ex:p ex:a .\n", 2),  # only mentioned: first mention
    ],
)
def test_locate_in_turtle(text: str, expected: int | None) -> None:
    assert locate_in_turtle(text, "http://ex.org/a") == expected


def test_locate_in_jsonld() -> None:
    text = (
        '{\n "@context": {"ex": "http://ex.org/"},\n'
        ' "@graph": [\n  {"@id": "ex:b"},\n  {"@id": "ex:a"}\n ]\n}\n'
    )
    assert locate_in_jsonld(text, "http://ex.org/a") == 5
    assert locate_in_jsonld(text, "http://ex.org/zzz") is None


REAL_SHAPES = Path(__file__).resolve().parent.parent / "shapes"


@pytest.mark.skipif(not any(REAL_SHAPES.glob("*.ttl")), reason="shapes/*.ttl not written yet")
def test_fixtures_against_the_real_shapes(fixtures_dir: Path) -> None:
    """With the project's own shapes: the valid fixture conforms, the invalid one does not."""
    code, out, _ = validate(str(fixtures_dir / "valid-instrument.ttl"))
    assert code == 0, out
    code, out, _ = validate(str(fixtures_dir / "invalid-instrument.ttl"))
    assert code == 1, out
    assert "Violation at line " in out
