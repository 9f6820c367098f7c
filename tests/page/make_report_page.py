"""Regenerate docs/report-page.png, the screenshot of the printable HTML page in the README.

From the checkout, with Chromium installed (.ci/install-browser)::

    .venv/bin/python -m tests.page.make_report_page [OUT.png]

It renders the page of one short, typical vignette of features/vignettes.toml (an adult whose TB
was treated twenty years ago, with no symptoms now: routine, three explanations in full) and
takes a screenshot of the whole page, 1000 pixels wide, with the Chromium command the browser
test uses (tests/page/browser.py).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

from livertriage import assess, load_knowledge_base
from livertriage.page import render_page
from tests.page.browser import SKIP_REASON, find_chromium, page_height, screenshot
from tests.vignettes import load_vignettes

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "report-page.png"
VIGNETTE = "treated-lung-tb-twenty-years-ago"
#: A fixed date, so that the picture changes only when the page does.
GENERATED = datetime(2026, 12, 1, 14, 5)
WIDTH = 1000
#: The README's picture should stay small.
MAX_BYTES = 400_000


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    chromium = find_chromium()
    if chromium is None:
        print(SKIP_REASON.replace("the browser check", "docs/report-page.png"), file=sys.stderr)
        return 1
    knowledge_base = load_knowledge_base()
    [vignette] = [v for v in load_vignettes() if v.id == VIGNETTE]
    assessment = assess(vignette.answers, knowledge_base=knowledge_base)
    with tempfile.TemporaryDirectory(prefix="livertriage-page-") as folder:
        page = Path(folder) / "report-page.html"
        page.write_text(
            render_page(assessment, knowledge_base, generated=GENERATED), encoding="utf-8"
        )
        height = page_height(chromium, page, WIDTH)
        run = screenshot(chromium, page, out, size=(WIDTH, height))
    if run.returncode != 0 or not out.is_file():
        print(f"Chromium failed:\n{run.stderr}", file=sys.stderr)
        return 1
    size = out.stat().st_size
    print(f"wrote {out}: {WIDTH} x {height} pixels, {size:,} bytes")
    if size > MAX_BYTES:
        print(f"warning: more than {MAX_BYTES:,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
