"""The benchmark runs (a smoke test: it asserts nothing about speed; see docs/performance.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.long  # about 20 s: make test-long (and .ci/run) runs it
def test_the_benchmark_runs_and_reports_every_measure() -> None:
    result = subprocess.run(
        # Against this very tree: the comparison runs; its figure means nothing here.
        [sys.executable, "-m", "livertriage.bench", "--quick", "--against", str(HERE)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for measure in ("cold start", "`assess()` per answer set", "interview", "`batch`"):
        assert measure in result.stdout
    assert f"`assess()` median against `{HERE}`, 3 alternating runs" in result.stdout
    assert "of the ideal" in result.stdout  # compact batch, against twice the assess() rate
    assert "Machine: " in result.stdout
