"""The benchmark runs (a smoke test: it asserts nothing about speed; see docs/performance.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.slow
def test_the_benchmark_runs_and_reports_every_measure() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "livertriage.bench", "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for measure in ("cold start", "`assess()` per answer set", "interview", "`batch`"):
        assert measure in result.stdout
    assert "Machine: " in result.stdout
