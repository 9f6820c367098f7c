"""The command line: commands, formats, exit codes, and one-line errors on stderr."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import livertriage
from livertriage import Assessment
from livertriage.cli import MAX_ANSWERS_BYTES, cli


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    knowledge_base = livertriage.load_knowledge_base()
    assert result.stdout.strip() == (
        f"livertriage {livertriage.__version__}, knowledge base {knowledge_base.version}"
    )


@pytest.mark.parametrize("command", [[], ["assess"], ["questions"], ["schema"]])
def test_help_on_every_command(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.stdout
    assert "Exit status" in result.stdout


def test_assess_json_is_pure_json_of_the_assessment(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["assess", "--answers", "-", "--format", "json"], input='{"fever": true}'
    )
    assert result.exit_code == 0, result.stderr
    assessment = Assessment.model_validate_json(result.stdout)
    assert assessment.urgency.level == "soon"
    assert result.stderr == ""


def test_assess_reads_a_file(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"jaundice": "yes"}), encoding="utf-8")
    result = runner.invoke(cli, ["assess", "--answers", str(answers), "--format", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert "Urgent: today" in result.stdout


def test_the_default_format_is_text(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["assess", "--answers", "-"], input="{}")
    assert result.exit_code == 0
    assert result.stdout.startswith("livertriage report")


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ('{"fever": "maybe"}', ['"fever"', '"maybe"', '"yes"', '"no"', '"unknown"']),
        ('{"fevr": "yes"}', ['did you mean "fever"']),
        ('{"age": 200}', ['"age"', "200", "0 to 120"]),
        ("[]", ["expected a JSON object"]),
        ("", ["empty"]),
        ("{not json", ["not valid JSON"]),
    ],
)
def test_bad_answers_exit_2_with_one_line(runner: CliRunner, given: str, words: list[str]) -> None:
    result = runner.invoke(cli, ["assess", "--answers", "-", "--format", "json"], input=given)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("livertriage: error: ")
    for word in words:
        assert word in line
    assert "Traceback" not in result.stderr


def test_a_missing_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["assess", "--answers", str(tmp_path / "none.json")])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "cannot read" in line
    assert "No such file" in line


def test_an_oversized_file_exits_2_without_reading_it_all(
    runner: CliRunner, tmp_path: Path
) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_ANSWERS_BYTES + 10))
    result = runner.invoke(cli, ["assess", "--answers", str(big)])
    assert result.exit_code == 2
    assert "larger than 1024 KiB" in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["assess", "--answers", "-", "--format", "pdf"], "'pdf' is not one of"),
        (["assess"], "Missing option '--answers'"),
        (["assess", "--answers", "-", "--colour"], "No such option '--colour'"),
        (["nonsense"], "No such command 'nonsense'"),
    ],
)
def test_usage_errors_are_one_line_too(runner: CliRunner, args: list[str], words: str) -> None:
    result = runner.invoke(cli, args, input="{}")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("livertriage: error: ")
    assert words in line
    assert '(see "livertriage' in line


def test_an_unexpected_failure_exits_1_in_one_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("livertriage.cli.assess", broken)
    result = runner.invoke(cli, ["assess", "--answers", "-"], input="{}")
    assert result.exit_code == 1
    assert result.stderr == "livertriage: error: internal error: ZeroDivisionError: boom\n"


def test_questions_lists_the_catalogue(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["questions"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(livertriage.load_knowledge_base().questions)
    assert lines[0].split()[0] == "vomiting_blood"


def test_questions_as_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["questions", "--format", "json"])
    listing = json.loads(result.stdout)
    fever = next(q for q in listing if q["id"] == "fever")
    assert fever["kind"] == "yes_no"
    assert fever["source"][0] == "seed §4"


@pytest.mark.parametrize("which", ["answers", "assessment"])
def test_schema_prints_json_schema(runner: CliRunner, which: str) -> None:
    result = runner.invoke(cli, ["schema", which])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    if which == "assessment":
        assert {"candidates", "urgency", "advice", "recommendation"} <= set(schema["properties"])


def test_schema_without_argument_prints_both(runner: CliRunner) -> None:
    assert set(json.loads(runner.invoke(cli, ["schema"]).stdout)) == {"answers", "assessment"}


COMMANDS = [
    [],
    ["ask"],
    ["assess"],
    ["questions"],
    ["schema"],
    ["batch"],
    ["rules"],
    ["rules", "check"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "livertriage")
def test_h_is_help_and_every_help_has_examples(runner: CliRunner, command: list[str]) -> None:
    short = runner.invoke(cli, [*command, "-h"])
    long = runner.invoke(cli, [*command, "--help"])
    assert short.exit_code == long.exit_code == 0
    assert short.stdout == long.stdout
    assert "Examples:" in long.stdout
    examples = long.stdout[long.stdout.index("Examples:") :].splitlines()[1:4]
    assert any(
        line.strip().startswith("livertriage") or "| livertriage" in line for line in examples
    )
    assert max(len(line) for line in long.stdout.splitlines()) <= 88


def test_save_is_accepted_before_the_command_word(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text('{"fever": "yes"}', encoding="utf-8")
    page = tmp_path / "report.html"
    result = runner.invoke(cli, ["--save", str(page), "assess", "--answers", str(answers)])
    assert result.exit_code == 0, result.stderr
    assert page.read_text(encoding="utf-8").lower().startswith("<!doctype html>")
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    result = runner.invoke(cli, ["--save", str(tmp_path / "r.html"), "questions"])
    assert result.exit_code == 2
