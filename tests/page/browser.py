"""Headless Chromium, for printing the HTML page to PDF and taking screenshots of it.

Shared by tests/page/test_page_browser.py and tests/page/make_report_page.py. Chromium runs with
a new, throwaway profile and every background service off: the page must need no network, and
the network may well be closed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Seconds one Chromium run may take.
TIMEOUT = 120
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SKIP_REASON = (
    "no Chromium installed: the browser check of the printed page was skipped "
    "(apt-get install chromium)"
)

#: A page object: "/Type /Page", not "/Type /Pages".
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
#: The page tree's "/Count N" (each /Pages node has one; the root's is the largest).
_PAGES_COUNT = re.compile(rb"/Type\s*/Pages\b(?:(?!endobj).)*?/Count\s+(\d+)", re.DOTALL)


def find_chromium() -> str | None:
    return shutil.which("chromium")


def run_chromium(chromium: str, page: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on ``page`` with ``options`` (such as ``--print-to-pdf=...``), in a
    new profile directory and with HOME there too, so that nothing outside it is written."""
    with tempfile.TemporaryDirectory(prefix="livertriage-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",  # we may run as root, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *options,
            page.resolve().as_uri(),
        ]
        env = {**os.environ, "HOME": profile}
        return subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
        )


def print_to_pdf(chromium: str, page: Path, pdf: Path) -> subprocess.CompletedProcess[str]:
    return run_chromium(chromium, page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")


def screenshot(
    chromium: str, page: Path, png: Path, size: tuple[int, int] = (1000, 1400)
) -> subprocess.CompletedProcess[str]:
    return run_chromium(
        chromium,
        page,
        "--hide-scrollbars",
        f"--window-size={size[0]},{size[1]}",
        f"--screenshot={png}",
    )


def page_height(chromium: str, page: Path, width: int = 1000) -> int:
    """The height in pixels of ``page`` laid out ``width`` pixels wide, measured by a copy of it
    that writes its own height into its title (the page itself has no script)."""
    probe = page.with_name(f"{page.stem}.height-probe.html")
    script = (
        "<script>document.title = 'height=' + "
        "Math.ceil(document.documentElement.getBoundingClientRect().height)</script>"
    )
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", f"{script}</body>"))
    try:
        run = run_chromium(chromium, probe, f"--window-size={width},800", "--dump-dom")
    finally:
        probe.unlink()
    found = re.search(r"<title>height=(\d+)</title>", run.stdout)
    assert found, f"Chromium did not measure the page: {run.stderr}"
    return int(found[1])


def pdf_page_count(data: bytes) -> tuple[int, int | None]:
    """The pages of a PDF, counted twice: the page objects, and the page tree's ``/Count`` (None
    when it is not found, as when the PDF keeps its objects in compressed object streams)."""
    counts = [int(found) for found in _PAGES_COUNT.findall(data)]
    return len(_PAGE.findall(data)), max(counts, default=None)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height, from the PNG's IHDR chunk."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR", "a PNG starts with its IHDR chunk"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
