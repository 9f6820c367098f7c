"""The one error hierarchy of livertriage.

::

    LiverTriageError              every error livertriage raises on purpose
     ├── AnswersError             answers that do not fit the catalogue (CLI exit status 2)
     ├── KnowledgeBaseError       a rules directory that cannot be loaded (CLI exit status 2)
     ├── SessionError             a session file that cannot be read or written (CLI exit status 2)
     └── MissingExtraError        an optional extra a command needs is not installed (exit status 1)

Each error's ``str()`` is one line, fit to show a person as it is.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AnswersError",
    "KnowledgeBaseError",
    "LiverTriageError",
    "MissingExtraError",
    "Problem",
    "SessionError",
    "printable",
    "shortened",
]


def printable(text: str) -> str:
    """``text`` with control characters written as escapes, so that nothing read from a file (a
    rules file someone else wrote, a file name) can clear the screen or rewrite a line."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in ("Cc", "Cs") or 0x202A <= ord(char) <= 0x202E
        else char
        for char in text
    )


def shortened(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with "..." where it was cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


class LiverTriageError(Exception):
    """Base class of every error livertriage raises on purpose."""

    #: The exit status the command line uses for this error (docs/contract.md §3).
    exit_code: int = 1


class AnswersError(LiverTriageError, ValueError):
    """Answers that do not fit the question catalogue.

    ``field`` is the question id at fault (``None`` when the whole input is at fault, for example
    when it is not a JSON object); ``value`` is what was given. The message says what is allowed.
    """

    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


@dataclass(frozen=True)
class Problem:
    """One problem found in a rules directory: the file, the entry's id, and what is wrong."""

    file: str
    entry_id: str | None
    message: str
    #: "error" stops the knowledge base from loading; "warning" is reported but allowed.
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file if self.entry_id is None else f"{self.file} [{self.entry_id}]"
        return f"{where}: {self.message}"


class KnowledgeBaseError(LiverTriageError):
    """A rules directory that cannot be loaded. ``problems`` lists every problem found."""

    exit_code = 2

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        first = str(self.problems[0]) if self.problems else "unknown problem"
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
        super().__init__(f"knowledge base: {first}{suffix}")


class SessionError(LiverTriageError):
    """A saved interview (session file) that cannot be read back, or cannot be written."""

    exit_code = 2


class MissingExtraError(LiverTriageError):
    """An optional extra (such as ``livertriage[fhir]``) that is needed and not installed. The
    message says how to install it. Not bad input: the same input works once it is installed."""

    exit_code = 1
