"""When steps: livertriage assesses the answers, through the library or the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result
from pytest_bdd import parsers, when

from livertriage import Assessment, KnowledgeBase, assess
from livertriage.cli import cli


@when("livertriage assesses my answers", target_fixture="assessment")
def assess_answers(answers: dict[str, object], knowledge_base: KnowledgeBase) -> Assessment:
    return assess(answers, knowledge_base=knowledge_base)


@when(parsers.parse("I ask for the {fmt} report"), target_fixture="cli_result")
def ask_for_report(answers: dict[str, object], runner: CliRunner, fmt: str) -> Result:
    formats = {"text": "text", "Markdown": "markdown", "JSON": "json"}
    return runner.invoke(
        cli, ["assess", "--answers", "-", "--format", formats[fmt]], input=json.dumps(answers)
    )


@when(parsers.parse("I give the answers file {content}"), target_fixture="cli_result")
def give_answers_file(runner: CliRunner, content: str) -> Result:
    return runner.invoke(cli, ["assess", "--answers", "-", "--format", "json"], input=content)
