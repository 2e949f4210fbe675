"""Shared fixtures: project paths, a temporary store, and a small temporary project.

``fixture_project`` is a copy of the real ontology and vocabularies with one fixture instrument
file and the test-only shapes, so build and reasoning can be tested on known data whatever the
state of ``data/instruments``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.settings import DEFAULT_ROOT, Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return DEFAULT_ROOT


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def test_shapes() -> Path:
    return FIXTURES / "test-shapes.ttl"


@pytest.fixture
def settings(project_root: Path, tmp_path: Path) -> Settings:
    """The real project, with the store in a temporary directory and no environment overrides."""
    return Settings.from_env({"OCSEA_ROOT": str(project_root)}).with_store(tmp_path / "store")


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A store path that does not exist yet, in a temporary directory."""
    return tmp_path / "var" / "store"


def make_project(
    root: Path, project_root: Path, instruments: dict[str, Path], shapes: Path
) -> Settings:
    """A project at ``root``: the real ontology and vocabularies, given instruments and shapes."""
    shutil.copytree(project_root / "ontology", root / "ontology")
    shutil.copytree(project_root / "data" / "vocabularies", root / "data" / "vocabularies")
    (root / "data" / "instruments").mkdir(parents=True)
    for name, source in instruments.items():
        shutil.copy(source, root / "data" / "instruments" / name)
    (root / "shapes").mkdir()
    shutil.copy(shapes, root / "shapes" / shapes.name)
    return Settings.from_env({"OCSEA_ROOT": str(root), "OCSEA_STORE": str(root / "var" / "store")})


@pytest.fixture
def fixture_project(tmp_path: Path, project_root: Path, test_shapes: Path) -> Settings:
    """A temporary project whose only instrument is ``test-decision.ttl`` (the valid fixture)."""
    return make_project(
        tmp_path / "project",
        project_root,
        {"test-decision.ttl": FIXTURES / "valid-instrument.ttl"},
        test_shapes,
    )
