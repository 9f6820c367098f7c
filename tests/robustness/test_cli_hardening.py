"""The command line under hostile conditions (the adversary's M3, m1, m3, m6, m8, m9 and m12).

Each test failed on the code before its fix; the closing note of the change says how.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from livertriage import AnswersError, Interview, assess, load_knowledge_base
from livertriage.cli import cli
from livertriage.report import render
from livertriage.triage import evaluate

LIVERTRIAGE = [sys.executable, "-m", "livertriage"]


def run_closed(args: list[str], closed: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run livertriage with standard input (``<&-``) or output (``>&-``) closed."""
    command = " ".join(f"'{part}'" for part in [*LIVERTRIAGE, *args])
    return subprocess.run(
        ["sh", "-c", f"exec {command} {closed}"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LIVERTRIAGE_SESSION_DIR": str(tmp_path / "sessions")},
        check=False,
    )


# --- M3: a signal while an answer is being worked out --------------------------------------------


def test_a_signal_while_an_answer_is_worked_out_leaves_answers_and_evaluation_consistent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    knowledge_base = load_knowledge_base()
    interview = Interview(knowledge_base, {"vomiting_blood": "no"})
    real = evaluate

    def interrupted(answers: Any, *args: Any, **kwargs: Any) -> Any:
        if dict(answers).get("black_stools") == "yes":
            raise KeyboardInterrupt  # the signal arrives in the middle of the rules' run
        return real(answers, *args, **kwargs)

    monkeypatch.setattr("livertriage.interview.evaluate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        interview.answer("black_stools", "yes")
    # What would be saved, and what the stop message says, come from one state.
    assert interview.answers == {"vomiting_blood": "no"}
    assert interview.assessment().answers == interview.answers


def test_an_emergency_answer_that_is_saved_is_reported_as_such(
    runner: CliRunner, tmp_path: Path
) -> None:
    session = tmp_path / "s.json"
    result = runner.invoke(cli, ["ask", "--session-file", str(session)], input="y\n")
    assert result.exit_code == 0
    assert "Emergency" in result.stdout
    # Stopping right after the emergency answer: the saved answer and the message agree.
    result = runner.invoke(cli, ["ask", "--session-file", str(session)], input="n\ny\n")
    assert "Emergency" in result.stdout


# --- m6: a hang-up between the last answer and the report ----------------------------------------


def test_a_hang_up_while_the_report_is_written_keeps_the_answers(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_render = render

    def hung_up(*args: Any, **kwargs: Any) -> str:
        os.kill(os.getpid(), signal.SIGHUP)  # the terminal closes just as the report is made
        return real_render(*args, **kwargs)

    monkeypatch.setattr("livertriage.cli.render", hung_up)
    session = tmp_path / "s.json"
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"fever": "yes", "age": 40}), encoding="utf-8")
    result = runner.invoke(
        cli, ["ask", "--answers", str(answers), "--session-file", str(session)], input="n\n" * 80
    )
    assert result.exit_code == 1
    saved = json.loads(session.read_text(encoding="utf-8"))
    assert saved["answers"]["fever"] == "yes"
    assert len(saved["answers"]) > 2  # the answers given in the questionnaire too


# --- m1: nesting deep enough to exhaust the recursion limit --------------------------------------


DEPTHS = """
import sys
from livertriage.cli import main
failures = []
for depth in range(900, 1100):
    path = sys.argv[1]
    with open(path, "w") as answers:
        answers.write('{"fever":' + "[" * depth + "]" * depth + "}")
    try:
        main(["assess", "--answers", path])
    except SystemExit as exit:
        if exit.code != 2:
            failures.append((depth, exit.code))
print(failures)
"""


@pytest.mark.slow
def test_deep_nesting_is_bad_input_not_an_internal_error(tmp_path: Path) -> None:
    # The depth at which the recursion limit bites depends on the stack, so every depth around
    # it is tried, in a process of its own as the command line runs.
    result = subprocess.run(
        [sys.executable, "-c", DEPTHS, str(tmp_path / "deep.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.strip() == "[]", result.stdout
    assert "internal error" not in result.stderr


def test_the_library_refuses_deep_nesting_with_an_answers_error() -> None:
    value: list[Any] = []
    for _ in range(3000):
        value = [value]
    with pytest.raises(AnswersError, match="fever"):
        assess({"fever": value})


# --- m3: closed standard streams -----------------------------------------------------------------


@pytest.mark.slow
def test_no_input_never_needs_standard_input(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text('{"fever": "no"}', encoding="utf-8")
    result = run_closed(["ask", "--answers", str(answers), "--no-input"], "<&-", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "physician" in result.stdout.splitlines()[-1]


@pytest.mark.slow
def test_reading_a_closed_standard_input_is_bad_input(tmp_path: Path) -> None:
    result = run_closed(["assess", "--answers", "-"], "<&-", tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "livertriage: error: --answers: cannot read '-': standard input is closed"
    ]


@pytest.mark.slow
def test_a_batch_from_a_closed_standard_input_is_bad_input(tmp_path: Path) -> None:
    result = run_closed(["batch", "-"], "<&-", tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "livertriage: error: cannot read '-': standard input is closed"
    ]


@pytest.mark.slow
def test_a_questionnaire_on_a_closed_standard_input_ends_as_at_end_of_input(
    tmp_path: Path,
) -> None:
    result = run_closed(["ask"], "<&-", tmp_path)
    assert result.returncode == 1
    assert "nothing was saved" in result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.slow
def test_a_closed_standard_output_is_said_in_one_line(tmp_path: Path) -> None:
    result = run_closed(["assess", "--answers", "/dev/null"], ">&-", tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "livertriage: error: standard output is closed; nothing could be shown"
    ]


# --- m9: one line for every bad usage ------------------------------------------------------------


def test_the_rules_group_alone_says_what_to_type_in_one_line(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["rules"])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "livertriage rules check" in line


def test_a_bad_session_is_one_line_even_with_answers_no_longer_asked(
    runner: CliRunner, tmp_path: Path
) -> None:
    session = tmp_path / "s.json"
    session.write_text(
        json.dumps(
            {"livertriage_session": 1, "answers": {"retired_question": "yes", "fever": "maybe"}}
        ),
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["ask", "--resume", str(session), "--no-input"])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr


# --- m8: nothing from a rules folder reaches the terminal as a control sequence ------------------


def test_rules_check_escapes_control_characters(runner: CliRunner, rules_copy: Path) -> None:
    (rules_copy / "\x1b[32mok\x1b[0m.toml").write_text("x = 1\n", encoding="utf-8")
    with (rules_copy / "report.toml").open("a", encoding="utf-8") as report:
        report.write('"\\u001b]0;PWNED\\u0007\\u001b[2J" = 1\n')
    result = runner.invoke(cli, ["rules", "check", str(rules_copy)])
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    assert "\\x1b" in result.output


# --- m12: reports are private, and name a modified knowledge base --------------------------------


def test_a_saved_report_is_readable_by_its_owner_only(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text('{"fever": "no"}', encoding="utf-8")
    report = tmp_path / "report.md"
    result = runner.invoke(
        cli, ["ask", "--answers", str(answers), "--no-input", "--save", str(report)]
    )
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert "physician" in report.read_text(encoding="utf-8")


def test_a_saved_report_never_replaces_a_file(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text('{"fever": "no"}', encoding="utf-8")
    report = tmp_path / "report.html"
    report.write_text("old", encoding="utf-8")
    for args in (
        ["ask", "--answers", str(answers), "--no-input", "--save", str(report)],
        ["--save", str(report), "assess", "--answers", str(answers)],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2
        [line] = result.stderr.splitlines()
        assert "already exists" in line
        assert report.read_text(encoding="utf-8") == "old"


def test_a_modified_knowledge_base_is_named_in_every_report(
    runner: CliRunner, rules_copy: Path
) -> None:
    for fmt in ("text", "markdown", "json"):
        result = runner.invoke(
            cli,
            ["--rules-dir", str(rules_copy), "assess", "--answers", "-", "--format", fmt],
            input='{"fever": "no"}',
        )
        assert result.exit_code == 0, result.stderr
        assert str(rules_copy) in "".join(result.stdout.split()), fmt  # wrapped at hyphens
    shipped = runner.invoke(cli, ["assess", "--answers", "-"], input='{"fever": "no"}')
    assert "modified knowledge base" not in shipped.stdout
