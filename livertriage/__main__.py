"""``python -m livertriage``: the same as the ``livertriage`` command."""

from __future__ import annotations

from livertriage.cli import main

if __name__ == "__main__":
    main()
