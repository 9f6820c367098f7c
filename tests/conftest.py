"""Shared fixtures, the hypothesis profiles, and the BDD step modules (jrnl's layout)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from livertriage import KnowledgeBase, load_knowledge_base
from livertriage.knowledge import default_rules_dir

pytest_plugins = [
    "tests.bdd.steps.given",
    "tests.bdd.steps.when",
    "tests.bdd.steps.then",
]

# "ci" is what .ci/run uses: the property tests' full strength. "dev" keeps local runs quick.
settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def knowledge_base() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped rules, for tests that break it on purpose."""
    target = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), target)
    return target
