"""Every feature file runs as tests: one line per file, as jrnl does."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("causes.feature")
scenarios("urgency.feature")
