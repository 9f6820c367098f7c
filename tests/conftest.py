"""Shared fixtures, the hypothesis profiles, and the BDD step modules (jrnl's layout)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from livertriage import KnowledgeBase, load_knowledge_base
from livertriage.knowledge import default_rules_dir

# Tests keep their own cache of checked knowledge bases (livertriage.cache), never the user's.
os.environ["LIVERTRIAGE_CACHE_DIR"] = tempfile.mkdtemp(prefix="livertriage-test-cache-")
os.environ.pop("LIVERTRIAGE_NO_CACHE", None)

pytest_plugins = [
    "tests.bdd.steps.given",
    "tests.bdd.steps.when",
    "tests.bdd.steps.then",
    "tests.bdd.steps.fhir",
]

# "ci" is what .ci/run uses: the property tests' full strength. "dev" keeps local runs quick.
settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Both suppress the too-slow health check: answer sets are large, and a loaded machine must not
# turn a slow draw into a failure.
settings.register_profile(
    "dev", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent
_SEED_STATEMENT_TAG = re.compile(r"seed-((?:intro|advice|[1-5])\.\d+)")


def pytest_bdd_apply_tag(tag: str, function: Callable[..., Any]) -> bool | None:
    """@seed-3.3 (a seed statement, see features/seed_statements.toml) -> seed_statement("3.3")."""
    match = _SEED_STATEMENT_TAG.fullmatch(tag)
    if match is None:
        return None  # every other tag becomes a registered marker of the same name
    pytest.mark.seed_statement(match[1])(function)
    return True


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


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the vignette figures (top-1, top-3, triage, safety) when the suite ran."""
    from tests.vignettes import LAST

    if LAST:
        terminalreporter.section("clinical vignettes")
        for line in LAST[0].lines():
            terminalreporter.write_line(line)
