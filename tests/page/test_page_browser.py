"""The printable page in a real browser: headless Chromium prints it to PDF (at most two A4 pages
for a typical answer set) and takes a screenshot of it.

Skipped, saying so, when no Chromium is installed (.ci/install-browser installs it).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from livertriage import KnowledgeBase, assess
from livertriage.page import render_page
from tests.page.browser import (
    PNG_SIGNATURE,
    SKIP_REASON,
    find_chromium,
    pdf_page_count,
    png_size,
    print_to_pdf,
    screenshot,
)
from tests.vignettes import load_vignettes

pytestmark = pytest.mark.browser

GENERATED = datetime(2026, 12, 1, 14, 5)
#: Typical answer sets of varied urgency, from features/vignettes.toml; the last two are the
#: longest pages of the suite (five "yes" answers each, and conditions a doctor already found).
TYPICAL = (
    "treated-lung-tb-twenty-years-ago",  # routine
    "philippines-fever-night-sweats-weight-loss",  # soon
    "newborn-spots-yellow-skin",  # urgent, for the parent or carer
    "endemic-upbringing-fever-sweats-right-rib-ache",  # urgent
    "mixed-hep-c-cirrhosis-new-lump-black-stools",  # emergency, two known conditions
    "mixed-hepatitis-b-vietnam-new-calcified-lump",  # soon, the longest page
)
VIGNETTES = {vignette.id: vignette for vignette in load_vignettes()}


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip(SKIP_REASON)
    return found


def write_page(vignette_id: str, knowledge_base: KnowledgeBase, folder: Path) -> Path:
    assessment = assess(VIGNETTES[vignette_id].answers, knowledge_base=knowledge_base)
    page = folder / f"{vignette_id}.html"
    page.write_text(render_page(assessment, knowledge_base, generated=GENERATED), encoding="utf-8")
    return page


def test_pdf_pages_are_counted_by_page_object_and_by_the_page_tree() -> None:
    """The counting the print test relies on, on a PDF written the way Chromium writes them."""
    pdf = (
        b"%PDF-1.4\n2 0 obj\n<</Type /Page\n/Parent 12 0 R>>\nendobj\n"
        b"9 0 obj\n<</Type/Page/Parent 12 0 R>>\nendobj\n"
        b"12 0 obj\n<</Type /Pages\n/Count 2\n/Kids [2 0 R 9 0 R]>>\nendobj\n"
        b"17 0 obj\n<</Type /StructElem\n/Pg 2 0 R\n/K 11>>\nendobj\n%%EOF\n"
    )
    assert pdf_page_count(pdf) == (2, 2)
    assert pdf_page_count(b"%PDF-1.7\n<</Type /ObjStm /N 40>>stream\nx\x9c...") == (0, None)


@pytest.mark.parametrize("vignette_id", TYPICAL)
def test_the_page_prints_on_at_most_two_a4_pages(
    vignette_id: str, chromium: str, knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    page = write_page(vignette_id, knowledge_base, tmp_path)
    pdf = tmp_path / "page.pdf"
    run = print_to_pdf(chromium, page, pdf)
    assert run.returncode == 0, run.stderr
    assert pdf.is_file(), f"Chromium wrote no PDF: {run.stderr}"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages, tree_count = pdf_page_count(data)
    if tree_count is not None:
        assert pages in (0, tree_count), "both ways of counting agree"
    count = tree_count if tree_count is not None else pages
    assert 1 <= count <= 2, f"{vignette_id} printed on {count} pages"
    # A4 is 595 x 842 points; Chromium writes each page's MediaBox.
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes, "the PDF names its page size"
    for width, height in boxes:
        assert (round(float(width)), round(float(height))) == (595, 842), (width, height)


def test_a_screenshot_of_the_page(
    chromium: str, knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    page = write_page(TYPICAL[0], knowledge_base, tmp_path)
    png = tmp_path / "page.png"
    run = screenshot(chromium, page, png, size=(1000, 1400))
    assert run.returncode == 0, run.stderr
    assert png.is_file(), f"Chromium wrote no screenshot: {run.stderr}"
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert png_size(data) == (1000, 1400)
    # A blank or near-blank window compresses to a few kilobytes; the page is text and colour.
    assert len(data) > 30_000, len(data)
