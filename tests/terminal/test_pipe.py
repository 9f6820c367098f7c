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


def test_a_closed_pipe_ends_batch_quietly(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"fever": "yes"}\n' * 3000, encoding="utf-8")
    # Like "livertriage batch in.jsonl | head -c 100": the reader stops early.
    result = subprocess.run(
        f"{sys.executable} -m livertriage batch {source} --workers 1 | head -c 100",
        shell=True,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert len(result.stdout) == 100
    assert b"Traceback" not in result.stderr
    assert b"internal error" not in result.stderr
