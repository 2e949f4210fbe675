"""Shared fixtures: project paths, a temporary store, a small temporary project, the real store.

``fixture_project`` is a copy of the real ontology and vocabularies with one fixture instrument
file and the test-only shapes, so build and reasoning can be tested on known data whatever the
state of ``data/instruments``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.build import build
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


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real ontology and data built once (with the reasoner) into a temporary directory.

    The shapes are left out: SHACL is not what is tested with it, and the shapes and data may be
    mid-edit; the store is otherwise what ``ocsea build`` makes. Treat it as read-only (copy it
    with ``shutil.copytree`` to write).
    """
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(DEFAULT_ROOT / "ontology", root / "ontology")
    shutil.copytree(DEFAULT_ROOT / "data", root / "data")
    (root / "shapes").mkdir()
    store = root / "var" / "store"
    build(store, Settings.from_env({"OCSEA_ROOT": str(root)}))
    return store


@pytest.fixture(scope="session")
def real_settings(built_store: Path) -> Settings:
    """Settings of the real project over the shared built store (read-only, no write token)."""
    return Settings.from_env({"OCSEA_ROOT": str(DEFAULT_ROOT)}).with_store(built_store)


@pytest.fixture(scope="session")
def real_client(real_settings: Settings) -> Iterator[TestClient]:
    """A read-only app over the real built store, shared by the whole session."""
    from api.app import create_app

    with TestClient(create_app(real_settings)) as test_client:
        yield test_client


@contextmanager
def writable_app(built_store: Path, directory: Path, token: str) -> Iterator[TestClient]:
    """A read-write app with the write token ``token`` over a copy of the built store."""
    copy = directory / "store"
    shutil.copytree(built_store, copy)
    settings = Settings.from_env(
        {"OCSEA_ROOT": str(DEFAULT_ROOT), "OCSEA_WRITE_TOKEN": token}
    ).with_store(copy)
    from api.app import create_app

    with TestClient(create_app(settings)) as test_client:
        yield test_client
