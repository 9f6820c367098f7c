"""Behaviour is unchanged by the refactoring (issue 12): byte-identical assessments for 10,000
seeded answer sets, the same questions in the same order for 2,000 seeded interviews.

make test checks the first 1,000 and 200; make test-long (marker ``long``) checks them all.
"""

from __future__ import annotations

import itertools

import pytest

from livertriage import load_knowledge_base
from tests.golden.snapshot import (
    ANSWER_SETS,
    ASSESSMENTS,
    INTERVIEWS,
    SIMULATED_INTERVIEWS,
    VIEWS,
    answer_sets,
    assessment_digest,
    hidden_answer_sets,
    interview_digest,
    read,
    view_digests,
)


def check_assessments(count: int) -> None:
    knowledge_base = load_knowledge_base()
    expected = read(ASSESSMENTS)
    assert len(expected) == ANSWER_SETS
    changed = [
        number
        for number, answers in enumerate(
            itertools.islice(answer_sets(knowledge_base, count), count)
        )
        if assessment_digest(knowledge_base, answers) != expected[number]
    ]
    assert changed == [], f"{len(changed)} of {count} assessments changed, first: {changed[:5]}"


def check_interviews(count: int) -> None:
    knowledge_base = load_knowledge_base()
    expected = read(INTERVIEWS)
    assert len(expected) == SIMULATED_INTERVIEWS
    changed = [
        number
        for number, hidden in enumerate(hidden_answer_sets(knowledge_base, count))
        if interview_digest(knowledge_base, hidden) != expected[number]
    ]
    assert changed == [], f"{len(changed)} of {count} interviews changed, first: {changed[:5]}"


def test_the_first_thousand_assessments_are_unchanged() -> None:
    check_assessments(1_000)


def test_the_first_two_hundred_interviews_are_unchanged() -> None:
    check_interviews(200)


@pytest.mark.long
def test_all_ten_thousand_assessments_are_unchanged() -> None:
    check_assessments(ANSWER_SETS)


@pytest.mark.long
def test_all_two_thousand_interviews_are_unchanged() -> None:
    check_interviews(SIMULATED_INTERVIEWS)


def test_every_vignettes_reports_read_as_before() -> None:
    """The person's and the clinician's view of each public vignette, word for word. A change
    of wording that is meant: regenerate with ``python -m tests.golden.snapshot``."""
    expected = VIEWS.read_text(encoding="utf-8").splitlines()
    changed = [
        line.split()[:2]
        for line, now in zip(expected, view_digests(load_knowledge_base()), strict=True)
        if line != now
    ]
    assert changed == []
