"""The wheel ships the top-level rules/ inside the package, and the installed copy is used."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from livertriage.knowledge import RULES_FILES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    [built] = out.glob("livertriage-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_contains_the_rules(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for rules_file in RULES_FILES:
        assert f"livertriage/rules/{rules_file}" in names
    assert "livertriage/py.typed" in names
    assert not any(name.startswith(("tests/", "features/")) for name in names)


@pytest.mark.slow
def test_the_installed_package_reads_its_own_rules(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    code = (
        "import livertriage; kb = livertriage.load_knowledge_base(); print(kb.directory);"
        "print(livertriage.assess({'confusion': 'yes'}).urgency.level)"
    )
    # Run outside the checkout, so only the installed copy can be found.
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    directory, level = result.stdout.split()
    assert Path(directory) == target / "livertriage" / "rules"
    assert level == "emergency"
