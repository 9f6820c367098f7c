"""Given steps: the person's answers, written in their words.

A question may be named by its label (as reports show it, "drenching night sweats") or by its id.
Answers are "yes", "no", "don't know", or a number for the age.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_bdd import given, parsers

from livertriage import Assessment, KnowledgeBase
from livertriage.cli import cli
from tests.rules_edits import edit
from tests.vignettes import Vignette, load_vignettes

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


@pytest.fixture
def before() -> dict[str, Assessment]:
    """The assessment before an answer was changed."""
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


# --- the questionnaire -----------------------------------------------------------------------


@pytest.fixture
def session_dir(tmp_path: Path) -> Path:
    """Where the questionnaire keeps answers in these scenarios."""
    return tmp_path / "sessions"


@given(
    "I stopped the questionnaire after answering no to the first two questions",
    target_fixture="stopped_session",
)
def stopped_questionnaire(runner: CliRunner, session_dir: Path) -> Path:
    result = runner.invoke(
        cli, ["ask"], input="n\nn\nquit\n", env={"LIVERTRIAGE_SESSION_DIR": str(session_dir)}
    )
    assert result.exit_code == 1, result.stderr
    [path] = session_dir.glob("session-*.json")
    return path


# --- the knowledge base ----------------------------------------------------------------------


@given(
    parsers.parse('a copy of the knowledge base with this change to "{file}":'),
    target_fixture="rules_directory",
)
def changed_copy(rules_copy: Path, file: str, datatable: list[list[str]]) -> Path:
    header, *rows = datatable
    assert header == ["instead of", "it reads"], header
    for old, new in rows:
        edit(rules_copy / file, old, new)
    return rules_copy


# --- the vignettes ---------------------------------------------------------------------------


@given("the clinical vignettes", target_fixture="vignettes")
def clinical_vignettes() -> list[Vignette]:
    return load_vignettes()
