"""The experta shim: applied before anything imports experta, proven in fresh interpreters."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.skipif(sys.version_info < (3, 10), reason="collections.Mapping exists before 3.10")
def test_experta_alone_fails_on_this_python() -> None:
    # The reason the shim exists: without it, experta cannot even be imported.
    result = run_python("import experta")
    assert result.returncode != 0
    assert "collections" in result.stderr
    assert "Mapping" in result.stderr


def test_importing_livertriage_first_makes_experta_importable() -> None:
    result = run_python(
        "import livertriage, experta, collections, collections.abc;"
        "assert collections.Mapping is collections.abc.Mapping;"
        "print(experta.__version__)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1.9.4"


def test_the_engine_module_works_when_imported_first() -> None:
    result = run_python(
        "from livertriage.engine import fired; from livertriage import assess;"
        "print(assess({'fever': 'yes'}).urgency.level)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "soon"


def test_apply_is_idempotent() -> None:
    import collections
    import collections.abc

    from livertriage import _compat

    _compat.apply()
    _compat.apply()
    assert collections.Mapping is collections.abc.Mapping  # type: ignore[attr-defined]
