"""Editing a copy of the rules in tests: the smallest text changes that break one thing."""

from __future__ import annotations

import re
from pathlib import Path


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a rules file with ``new``; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def drop_entry(path: Path, entry_id: str) -> None:
    """Remove the [[...]] table whose id is ``entry_id``."""
    text = path.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\[\[)", text)
    kept = [block for block in blocks if f'id = "{entry_id}"\n' not in block]
    assert len(kept) == len(blocks) - 1, entry_id
    path.write_text("".join(kept), encoding="utf-8")
