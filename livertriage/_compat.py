"""The one shim livertriage needs to run experta on Python >= 3.10.

experta 1.9.4, its newest release, pins frozendict 1.2, whose class statement reads
``collections.Mapping``. That alias was removed in Python 3.10 (it lives in ``collections.abc``),
so importing experta fails with ``AttributeError``. Restoring the alias before experta is first
imported is enough; nothing else in experta needs it. Upstream: nilp0inter/experta#34.

This module must be imported before anything imports experta. ``livertriage/__init__.py`` and
``livertriage/engine.py`` both import it first.
"""

from __future__ import annotations

import collections
import collections.abc

__all__ = ["apply"]


def apply() -> None:
    """Restore ``collections.Mapping`` if this Python removed it. Safe to call again."""
    if not hasattr(collections, "Mapping"):
        collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]


apply()
