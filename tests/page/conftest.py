"""The page tests' marker, registered here so that pyproject.toml stays as it is."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: prints the HTML page with a real browser (headless Chromium); skipped, "
        "saying so, when no Chromium is installed (.ci/install-browser installs it)",
    )
