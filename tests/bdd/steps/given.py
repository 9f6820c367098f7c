"""Given steps: the person's answers, written in their words.

A question may be named by its label (as reports show it, "drenching night sweats") or by its id.
Answers are "yes", "no", "don't know", or a number for the age.
"""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers

from livertriage import KnowledgeBase

SPOKEN_ANSWERS = {"yes": "yes", "no": "no", "don't know": "unknown", "unknown": "unknown"}


def question_id(knowledge_base: KnowledgeBase, name: str) -> str:
    """The id of the question a scenario names by its label or its id."""
    for question in knowledge_base.questions:
        if name in (question.id, question.label):
            return question.id
    raise AssertionError(f"no question is labelled or named {name!r}")


def answer_value(spoken: str) -> str | int:
    spoken = spoken.strip()
    if spoken.isdigit():
        return int(spoken)
    if spoken not in SPOKEN_ANSWERS:
        raise AssertionError(
            f"answers in scenarios are yes, no, don't know or a number: {spoken!r}"
        )
    return SPOKEN_ANSWERS[spoken]


@pytest.fixture
def answers() -> dict[str, object]:
    return {}


@given("I have answered no questions")
def no_answers(answers: dict[str, object]) -> None:
    answers.clear()


@given("my answers are:")
def answers_from_table(
    answers: dict[str, object], knowledge_base: KnowledgeBase, datatable: list[list[str]]
) -> None:
    header, *rows = datatable
    assert [cell.strip() for cell in header] == ["question", "answer"], header
    for name, spoken in rows:
        answers[question_id(knowledge_base, name.strip())] = answer_value(spoken)


@given(parsers.parse('I answer "{spoken}" to "{name}"'))
def one_answer(
    answers: dict[str, object], knowledge_base: KnowledgeBase, spoken: str, name: str
) -> None:
    answers[question_id(knowledge_base, name)] = answer_value(spoken)
