"""Shared fixtures: temporary copies of the small fixture list, and one built site per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_LIST = Path(__file__).parent / "fixtures" / "small-list"
REPO = Path(__file__).resolve().parent.parent


def copy_fixture_list(destination: Path) -> Path:
    """A private copy of tests/fixtures/small-list that a test may change."""
    target = destination / "list"
    shutil.copytree(FIXTURE_LIST, target, ignore=shutil.ignore_patterns("build", "site"))
    return target


@pytest.fixture
def fixture_project(tmp_path: Path) -> Path:
    return copy_fixture_list(tmp_path)


@pytest.fixture(scope="session")
def built_fixture_site(tmp_path_factory) -> Path:
    """The fixture list built once with the real pipeline (MkDocs included); do not modify."""
    from generator.build import build
    from generator.project import Project

    root = copy_fixture_list(tmp_path_factory.mktemp("built"))
    build(Project(root))
    return root
