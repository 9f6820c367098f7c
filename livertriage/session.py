"""Session files: the answers of an unfinished interview, so nothing said is lost.

A session file is written only when an interview stops before its end (quit, Ctrl-C, end of
input), or when the person asks for it. It is JSON::

    {"livertriage_session": 1, "knowledge_base": {"version": ..., "fingerprint": ...},
     "saved_at": "2026-11-25T21:37:00+00:00", "answers": {"vomiting_blood": "no", ...}}

The answers keep the order they were given in. Unless ``--session-file`` names a file, it goes to
``$LIVERTRIAGE_SESSION_DIR``, else ``$XDG_STATE_HOME/livertriage`` (if that is an absolute path:
the XDG spec says to ignore a relative one), else ``~/.local/state/livertriage``. Folders made
for it are readable by their owner only (0700), and so is the file (0600).

What a save never does:

* write over another interview's answers. A file is written only if nothing is at its path, or
  if it is still the very file this thread last read (``--resume``) or wrote there. Else the file
  is left as it is, and the answers go to ``fallback`` when one is given, or
  :class:`SessionError` says why. Saves into one folder take turns (a lock on the folder), so
  interviews stopping at the same moment cannot overwrite each other either.
* write over, or through, anything but a regular file: a device, a named pipe, a socket, a folder
  or a symbolic link at the path is refused (as root, renaming over ``/dev/full`` would replace
  the device).

What a read refuses: anything but a regular file (opening a named pipe would wait for a writer
forever), and a file that anyone may change (mode o+w). Such a file's answers cannot be trusted:
anyone on the machine could have turned a "yes" to a warning sign into a "no", so it is refused
rather than read with a warning. A session saved under other rules is still read; ``Session``
says so (``rules_changed``), and the caller checks the answers against the current rules.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from livertriage.answers import AnswerValue, unique_keys
from livertriage.errors import AnswersError, SessionError
from livertriage.knowledge import KnowledgeBase

if sys.platform != "win32":
    import fcntl

__all__ = [
    "FORMAT_VERSION",
    "Session",
    "check_session_path",
    "default_session_path",
    "load_session",
    "save_session",
]

FORMAT_VERSION = 1
#: A session file holds a few dozen answers; anything larger is not one.
MAX_SESSION_BYTES = 1024 * 1024
#: Saves into one folder take turns; one takes milliseconds. A folder locked for longer than
#: this is held by something else, and waiting longer must not keep an interview from ending.
LOCK_WAIT_SECONDS = 10.0
#: Longest saved rules version or fingerprint shown back to a person (a fingerprint is 64).
_MAX_SHOWN = 100

# Opening a named pipe for reading waits for a writer unless it is non-blocking.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


@dataclass(frozen=True)
class Session:
    """Answers read back from a session file."""

    answers: dict[str, object]
    #: Saved answers whose questions the current knowledge base no longer has; they are left out.
    dropped: tuple[str, ...] = field(default=())
    #: The rules the answers were saved under, as the file says; ``None`` if it does not say, or
    #: says it in something other than short printable text (it is meant to be shown).
    saved_version: str | None = None
    saved_fingerprint: str | None = None
    #: The file does not name the current rules' fingerprint: the answers may have been given to
    #: other questions, or to questions worded otherwise (the caller checks them again).
    rules_changed: bool = False


# --- what a file at a path is ---------------------------------------------------------------------

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str | None:
    """What a file of this mode is, in words, if it is not a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


#: (device, inode, size, modification time): a save renames a new file into place, so a file
#: saved by anyone else since has another inode; an edit in place changes the size or the time.
_Identity = tuple[int, int, int, int]


def _identity(status: os.stat_result) -> _Identity:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


class _Seen(threading.local):
    """The session files this thread read or wrote, as they were then: the only files a save may
    write over. Per thread, so that interviews run in threads guard against each other too."""

    def __init__(self) -> None:
        self.files: dict[str, _Identity] = {}


_seen = _Seen()


def _key(path: Path) -> str:
    return os.path.abspath(path)


def check_session_path(path: Path) -> None:
    """Refuse, before any question is asked, a ``--session-file`` that answers cannot be saved in:
    anything but a regular file or a new name. Raise :class:`SessionError` naming it."""
    try:
        status = os.lstat(path)
    except OSError:
        return  # nothing there, or a folder that cannot be read: saving will say what is wrong
    kind = _not_regular(status.st_mode)
    if kind is not None:
        raise SessionError(
            f"--session-file: {str(path)!r} is {kind}; answers are saved only in a regular "
            "file: give the name of a new file"
        )


# --- the default place ----------------------------------------------------------------------------


def default_session_path(now: datetime | None = None) -> Path:
    """Where an interrupted interview's answers go when no file is named."""
    base = os.environ.get("LIVERTRIAGE_SESSION_DIR")
    if base:
        directory = Path(base)
    else:
        state = os.environ.get("XDG_STATE_HOME", "")
        if not os.path.isabs(state):  # unset, empty or relative: the XDG spec's default
            state = str(Path.home() / ".local" / "state")
        directory = Path(state) / "livertriage"
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    # The process id keeps two interviews stopped in the same second apart.
    return directory / f"session-{stamp}-{os.getpid()}.json"


# --- saving ---------------------------------------------------------------------------------------


def save_session(
    path: Path,
    answers: Mapping[str, AnswerValue],
    knowledge_base: KnowledgeBase,
    *,
    fallback: Path | None = None,
) -> Path:
    """Write the answers to ``path`` atomically, and return where they went.

    If ``path`` holds anything but answers this thread read or wrote (another interview's
    answers, another file, a device, a named pipe, a link), it is left as it is, and the answers
    go to ``fallback`` instead when it is given. Raise :class:`SessionError` if they cannot be
    saved.
    """
    document = {
        "livertriage_session": FORMAT_VERSION,
        "knowledge_base": {
            "version": knowledge_base.version,
            "fingerprint": knowledge_base.fingerprint,
        },
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "answers": dict(answers),
    }
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    taken = _write(path, data)
    if taken is None:
        return path
    if fallback is not None and _write(fallback, data) is None:
        return fallback
    raise SessionError(f"could not save the answers to {str(path)!r}: {taken}")


def _write(path: Path, data: bytes) -> str | None:
    """Put ``data`` at ``path``, unless something else is there: then say what."""
    where = repr(str(path))
    temporary: str | None = None
    try:
        taken = _not_a_regular_file(path)  # before anything is written beside a device
        if taken is not None:
            return taken
        _make_private_folders(path.parent)
        # Write beside the target, then rename: a failure never leaves half a file behind.
        handle, temporary = tempfile.mkstemp(prefix=".session-", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            written = _identity(os.fstat(stream.fileno()))  # a rename keeps all four
        os.chmod(temporary, 0o600)  # health answers: readable by their owner only
        with _folder_locked(path):
            taken = _taken(path)
            if taken is not None:
                return taken
            os.replace(temporary, path)
            temporary = None
        _seen.files[_key(path)] = written
        return None
    except OSError as error:
        raise SessionError(f"could not save the answers to {where}: {error.strerror}") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _not_a_regular_file(path: Path) -> str | None:
    """What is at ``path``, if it is anything but a regular file or nothing."""
    try:
        kind = _not_regular(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None
    return None if kind is None else f"it is {kind}, not a regular file"


def _taken(path: Path) -> str | None:
    """Why ``path`` may not be written over, if it may not (with the folder locked)."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    kind = _not_regular(status.st_mode)
    if kind is not None:
        return f"it is {kind}, not a regular file"
    seen = _seen.files.get(_key(path))
    if seen is None:
        return "a file this interview did not start from is already there; it is left as it is"
    if seen != _identity(status):
        return (
            "it was changed after this interview read it, by another interview or program; "
            "it is left as it is"
        )
    return None


def _make_private_folders(folder: Path) -> None:
    """Make ``folder`` and any missing parents, readable by their owner only (the XDG spec's
    0700): even a session file's name tells that someone is being assessed, and when."""
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        return
    except FileNotFoundError:
        if folder.parent == folder:
            raise
        _make_private_folders(folder.parent)
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            return  # made meanwhile by another interview


@contextmanager
def _folder_locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder of ``path`` while a save checks what is there and
    renames its file into place: two interviews saving to one file take turns. The folder, not
    a lock file beside it: nothing is left behind, and nothing can go stale."""
    if sys.platform == "win32":
        yield
        return
    try:
        folder = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield  # a folder we may write but not read: save as before, without the lock
        return
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise SessionError(
                        f"could not save the answers to {str(path)!r}: its folder has been "
                        f"locked by another program for {LOCK_WAIT_SECONDS:.0f} seconds"
                    ) from None
                time.sleep(0.01)
            except OSError:
                break  # a file system without locks: save as before, without the lock
        yield
    finally:
        os.close(folder)  # releases the lock


# --- reading --------------------------------------------------------------------------------------


def load_session(path: Path, knowledge_base: KnowledgeBase) -> Session:
    """Read a session file written by :func:`save_session`."""
    where = repr(str(path))
    try:
        # Look before opening: opening a device can have effects of its own.
        _refuse_to_read(where, os.stat(path))
        with os.fdopen(os.open(path, _OPEN_FLAGS), "rb") as stream:
            status = os.fstat(stream.fileno())  # what was opened, if it changed meanwhile
            _refuse_to_read(where, status)
            data = stream.read(MAX_SESSION_BYTES + 1)
    except OSError as error:
        raise SessionError(f"--resume: cannot read {where}: {error.strerror}") from None
    if len(data) > MAX_SESSION_BYTES:
        raise SessionError(f"--resume: {where} is too large to be a livertriage session file")
    try:
        # utf-8-sig: an editor may have added a byte order mark; answers files may have one too.
        document = json.loads(data.decode("utf-8-sig"), object_pairs_hook=unique_keys)
    except AnswersError as error:
        raise SessionError(f"--resume: {where}: {error}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SessionError(
            f"--resume: {where} is not a livertriage session file (not JSON)"
        ) from None
    if (
        not isinstance(document, dict)
        or not _is_format_version(document.get("livertriage_session"))
        or not isinstance(document.get("answers"), dict)
    ):
        raise SessionError(
            f"--resume: {where} is not a livertriage session file "
            f'(expected "livertriage_session": {FORMAT_VERSION} and an "answers" object)'
        )
    _seen.files[_key(path)] = _identity(status)  # saving back may write over what was read
    answers: dict[str, object] = document["answers"]
    dropped = tuple(qid for qid in answers if qid not in knowledge_base.catalogue)
    kept = {qid: value for qid, value in answers.items() if qid in knowledge_base.catalogue}
    rules = document.get("knowledge_base")
    rules = rules if isinstance(rules, dict) else {}
    return Session(
        answers=kept,
        dropped=dropped,
        saved_version=_shown(rules.get("version")),
        saved_fingerprint=_shown(rules.get("fingerprint")),
        rules_changed=rules.get("fingerprint") != knowledge_base.fingerprint,
    )


def _refuse_to_read(where: str, status: os.stat_result) -> None:
    kind = _not_regular(status.st_mode)
    if kind is not None:
        raise SessionError(f"--resume: {where} is {kind}, not a livertriage session file")
    if status.st_mode & stat.S_IWOTH:
        raise SessionError(
            f"--resume: {where} can be changed by anyone (mode "
            f"{stat.S_IMODE(status.st_mode):04o}), so its answers cannot be trusted; if it is "
            "yours and unchanged, make it private (chmod 600) and resume again"
        )


def _is_format_version(value: object) -> bool:
    # JSON true and 1.0 equal 1 in Python, but they are not the format's version number.
    return type(value) is int and value == FORMAT_VERSION


def _shown(value: object) -> str | None:
    """``value`` if it is text fit to show a person on one line, else ``None``."""
    if isinstance(value, str) and value.isprintable() and 0 < len(value) <= _MAX_SHOWN:
        return value
    return None
