"""When steps: livertriage at work, through the library or the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from pytest_bdd import parsers, when

from livertriage import Assessment, KnowledgeBase, KnowledgeBaseError, assess, load_knowledge_base
from livertriage.cli import cli
from tests.bdd.steps.given import answer_value, question_id
from tests.vignettes import Figures, Vignette, score

#: Answers every question without knowing their order: a yes/no question refuses "45" and
#: takes "n"; the age question refuses "n" and takes "45".
NO_TO_EVERYTHING = "n\n45\n" * 40


@when("livertriage assesses my answers", target_fixture="assessment")
def assess_answers(answers: dict[str, object], knowledge_base: KnowledgeBase) -> Assessment:
    return assess(answers, knowledge_base=knowledge_base)


@when(
    parsers.parse('I change my answer about "{name}" to "{spoken}"'),
    target_fixture="assessment",
)
def change_answer(
    answers: dict[str, object],
    knowledge_base: KnowledgeBase,
    name: str,
    spoken: str,
    before: dict[str, Assessment],
) -> Assessment:
    before["assessment"] = assess(answers, knowledge_base=knowledge_base)
    answers[question_id(knowledge_base, name)] = answer_value(spoken)
    return assess(answers, knowledge_base=knowledge_base)


# --- the command line ------------------------------------------------------------------------


@when(parsers.parse("I ask for the {fmt} report"), target_fixture="cli_result")
def ask_for_report(answers: dict[str, object], runner: CliRunner, fmt: str) -> Result:
    formats = {"text": "text", "Markdown": "markdown", "JSON": "json"}
    return runner.invoke(
        cli, ["assess", "--answers", "-", "--format", formats[fmt]], input=json.dumps(answers)
    )


@when(parsers.parse("I give the answers file {content}"), target_fixture="cli_result")
def give_answers_file(runner: CliRunner, content: str) -> Result:
    return runner.invoke(cli, ["assess", "--answers", "-", "--format", "json"], input=content)


def questionnaire(runner: CliRunner, session_dir: Path, typed: str, *args: str) -> Result:
    return runner.invoke(
        cli,
        ["ask", *args],
        input=typed,
        env={"LIVERTRIAGE_SESSION_DIR": str(session_dir), "NO_COLOR": "1"},
    )


def replies(datatable: list[list[str]]) -> str:
    header, *rows = datatable
    assert header == ["reply"], header
    return "".join(f"{row[0]}\n" for row in rows)


@when("I answer the questionnaire with no to everything", target_fixture="cli_result")
def answer_no_to_everything(runner: CliRunner, session_dir: Path) -> Result:
    return questionnaire(runner, session_dir, NO_TO_EVERYTHING)


@when("I reply to the questionnaire:", target_fixture="cli_result")
def reply_to_questionnaire(
    runner: CliRunner, session_dir: Path, datatable: list[list[str]]
) -> Result:
    return questionnaire(runner, session_dir, replies(datatable))


@when(
    "I reply to the questionnaire, then answer no to everything else:",
    target_fixture="cli_result",
)
def reply_then_no(runner: CliRunner, session_dir: Path, datatable: list[list[str]]) -> Result:
    return questionnaire(runner, session_dir, replies(datatable) + NO_TO_EVERYTHING)


@when("I carry on later and answer no to everything else", target_fixture="cli_result")
def carry_on(runner: CliRunner, session_dir: Path, stopped_session: Path) -> Result:
    return questionnaire(runner, session_dir, NO_TO_EVERYTHING, "--resume", str(stopped_session))


# --- the knowledge base ----------------------------------------------------------------------


@when("livertriage loads its own knowledge base", target_fixture="loaded")
def load_own() -> KnowledgeBase | KnowledgeBaseError:
    return load_knowledge_base()


@when("livertriage loads the copy", target_fixture="loaded")
def load_copy(rules_directory: Path) -> KnowledgeBase | KnowledgeBaseError:
    try:
        return load_knowledge_base(rules_directory)
    except KnowledgeBaseError as error:
        return error


# --- the vignettes ---------------------------------------------------------------------------


@when("livertriage assesses every vignette", target_fixture="figures")
def assess_vignettes(vignettes: list[Vignette], knowledge_base: KnowledgeBase) -> Figures:
    return score(vignettes, knowledge_base)
