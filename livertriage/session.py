"""Session files: the answers of an unfinished interview, so nothing said is lost.

A session file is written only when an interview stops before its end (quit, Ctrl-C, end of
input), or when the person asks for it. It is JSON::

    {"livertriage_session": 1, "knowledge_base": {"version": ..., "fingerprint": ...},
     "saved_at": "2026-11-25T21:37:00+00:00", "answers": {"vomiting_blood": "no", ...}}

The answers keep the order they were given in. Unless ``--session-file`` names a file, it goes to
``$LIVERTRIAGE_SESSION_DIR``, else ``$XDG_STATE_HOME/livertriage``, else
``~/.local/state/livertriage``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from livertriage.answers import AnswerValue, unique_keys
from livertriage.errors import AnswersError, SessionError
from livertriage.knowledge import KnowledgeBase

__all__ = ["FORMAT_VERSION", "Session", "default_session_path", "load_session", "save_session"]

FORMAT_VERSION = 1
#: A session file holds a few dozen answers; anything larger is not one.
MAX_SESSION_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Session:
    """Answers read back from a session file."""

    answers: dict[str, object]
    #: Saved answers whose questions the current knowledge base no longer has; they are left out.
    dropped: tuple[str, ...] = field(default=())


def default_session_path(now: datetime | None = None) -> Path:
    """Where an interrupted interview's answers go when no file is named."""
    base = os.environ.get("LIVERTRIAGE_SESSION_DIR")
    if base:
        directory = Path(base)
    else:
        state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        directory = Path(state) / "livertriage"
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    # The process id keeps two interviews stopped in the same second apart.
    return directory / f"session-{stamp}-{os.getpid()}.json"


def save_session(
    path: Path, answers: Mapping[str, AnswerValue], knowledge_base: KnowledgeBase
) -> Path:
    """Write the answers to ``path`` atomically; raise :class:`SessionError` if it fails."""
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
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target, then rename: a failure never leaves half a file behind.
        handle, temporary = tempfile.mkstemp(prefix=".session-", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)  # health answers: readable by their owner only
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise SessionError(
            f"could not save the answers to {str(path)!r}: {error.strerror}"
        ) from None
    return path


def load_session(path: Path, knowledge_base: KnowledgeBase) -> Session:
    """Read a session file written by :func:`save_session`."""
    where = repr(str(path))
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_SESSION_BYTES + 1)
    except OSError as error:
        raise SessionError(f"--resume: cannot read {where}: {error.strerror}") from None
    if len(data) > MAX_SESSION_BYTES:
        raise SessionError(f"--resume: {where} is too large to be a livertriage session file")
    try:
        document = json.loads(data.decode("utf-8"), object_pairs_hook=unique_keys)
    except AnswersError as error:
        raise SessionError(f"--resume: {where}: {error}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SessionError(
            f"--resume: {where} is not a livertriage session file (not JSON)"
        ) from None
    if (
        not isinstance(document, dict)
        or document.get("livertriage_session") != FORMAT_VERSION
        or not isinstance(document.get("answers"), dict)
    ):
        raise SessionError(
            f"--resume: {where} is not a livertriage session file "
            f'(expected "livertriage_session": {FORMAT_VERSION} and an "answers" object)'
        )
    answers: dict[str, object] = document["answers"]
    dropped = tuple(qid for qid in answers if qid not in knowledge_base.catalogue)
    kept = {qid: value for qid, value in answers.items() if qid in knowledge_base.catalogue}
    return Session(answers=kept, dropped=dropped)
