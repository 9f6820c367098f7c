"""The public face of the library: an explicit __all__, and a docstring that runs."""

from __future__ import annotations

import doctest
import types

import livertriage


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(livertriage).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    } - {"annotations", "TYPE_CHECKING", "Any"}
    # The interview and the rules checks are imported when first used (a faster start).
    public |= set(livertriage._LATER)
    assert set(livertriage.__all__) - {"__version__"} == public
    for name in livertriage.__all__:
        assert getattr(livertriage, name) is not None
    assert livertriage.Interview.__module__ == "livertriage.interview"


def test_the_package_docstring_example_runs() -> None:
    result = doctest.testmod(livertriage, raise_on_error=False, verbose=False)
    assert result.attempted >= 3
    assert result.failed == 0


def test_errors_share_one_base() -> None:
    assert issubclass(livertriage.AnswersError, livertriage.LiverTriageError)
    assert issubclass(livertriage.KnowledgeBaseError, livertriage.LiverTriageError)
    assert livertriage.AnswersError("x").exit_code == 2
