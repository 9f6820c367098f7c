"""Non-interactive use through a real pipe: `yes n | livertriage` works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from livertriage import Assessment

pytestmark = pytest.mark.slow


def test_yes_n_piped_into_livertriage(tmp_path: Path) -> None:
    env = {**os.environ, "LIVERTRIAGE_SESSION_DIR": str(tmp_path / "sessions")}
    result = subprocess.run(
        [sys.executable, "-m", "livertriage", "ask", "--format", "json"],
        input=b"n\n" * 500,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assessment = Assessment.model_validate_json(result.stdout)
    assert assessment.answers["age"] == "unknown"  # "n" is not an age
    assert all(value in ("no", "unknown") for value in assessment.answers.values())
    assert assessment.urgency.level == "routine"
    assert not (tmp_path / "sessions").exists()
