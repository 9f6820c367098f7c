"""The checked knowledge base, kept between runs, so a start does not redo work whose inputs have
not changed.

Loading a rules directory reads every file, checks it and proves the urgency floor. The result
depends only on the rules files and on livertriage's own code, so it is kept in the user's cache
folder under a key that is the SHA-256 of both (every file's name and bytes), of the Python
version, and of pydantic's. Any edit to any rules file, or a new release, gives a new key: the
edited rules are then read, fully checked and their floor proved before any use, as without a
cache. ``livertriage rules check`` never reads it.

The folder is ``$LIVERTRIAGE_CACHE_DIR``, else ``$XDG_CACHE_HOME/livertriage`` (an absolute
path only), else ``~/.cache/livertriage``; ``LIVERTRIAGE_NO_CACHE=1`` turns the cache off. The
folder and its files are the user's own (0700 and 0600); an entry that is not a regular file of
the user's, writable by nobody else, is never read, because reading it runs what it holds.
Anything wrong with the cache (unreadable, corrupt, a full disk) only means a full load.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path

import pydantic

from livertriage.knowledge import KnowledgeBase

__all__ = ["cache_key", "cached", "keep"]

_PACKAGE = Path(__file__).parent
_FORMAT = 1  # changes when what is pickled changes shape in a way the code hash would not show


def cache_folder() -> Path | None:
    """Where checked knowledge bases are kept, or None when the cache is off."""
    if os.environ.get("LIVERTRIAGE_NO_CACHE"):
        return None
    base = os.environ.get("LIVERTRIAGE_CACHE_DIR")
    if base:
        return Path(base)
    cache = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(cache):  # unset, empty or relative: the XDG spec's default
        cache = str(Path.home() / ".cache")
    return Path(cache) / "livertriage"


def cache_key(directory: Path) -> str | None:
    """The key of a rules directory with this code, or None if a file cannot be read."""
    digest = hashlib.sha256()
    digest.update(f"{_FORMAT} {sys.version} {pydantic.VERSION}\n".encode())
    try:
        for folder in (directory, _PACKAGE):
            pattern = "*.toml" if folder == directory else "*.py"
            for path in sorted(folder.glob(pattern)):
                if not path.is_file():
                    return None  # a FIFO or a device: let the reader say what is wrong
                digest.update(f"{folder == directory} {path.name}\n".encode())
                digest.update(path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _owned(path: Path, kind: int) -> bool:
    """``path`` is of ``kind`` (a regular file, a folder; never a link), this user's, and
    nobody else can write it."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return (
        stat.S_IFMT(info.st_mode) == kind
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def cached(directory: Path) -> KnowledgeBase | None:
    """The knowledge base checked earlier from exactly these rules with this code, or None."""
    folder, key = cache_folder(), cache_key(directory)
    if folder is None or key is None:
        return None
    path = folder / f"{key}.pickle"
    if not (_owned(folder, stat.S_IFDIR) and _owned(path, stat.S_IFREG)):
        return None
    try:
        with path.open("rb") as handle:
            knowledge_base = pickle.load(handle)
    except Exception:  # noqa: BLE001  (corrupt, truncated, or from other code: just reload)
        return None
    if not isinstance(knowledge_base, KnowledgeBase) or knowledge_base.directory != str(directory):
        return None
    return knowledge_base


def keep(directory: Path, knowledge_base: KnowledgeBase) -> None:
    """Keep a knowledge base that has just been checked and proven; quietly, or not at all."""
    folder, key = cache_folder(), cache_key(directory)
    if folder is None or key is None:
        return
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                pickle.dump(knowledge_base, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, folder / f"{key}.pickle")  # whole, or not at all
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
