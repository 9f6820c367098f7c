"""The questionnaire on the command line, through click's CliRunner: every command word and path.

Input that alternates "n" and "45" answers every question without knowing the order: a yes/no
question refuses "45" and takes "n"; the age refuses "n" and takes "45".
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from livertriage import Assessment, load_knowledge_base
from livertriage.cli import _use_colour, cli

ALL_NO = "n\n45\n" * 70
RED_FLAGS_NO = "n\n" * 8  # the eight red-flag questions asked first


@pytest.fixture
def sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "sessions"
    monkeypatch.setenv("LIVERTRIAGE_SESSION_DIR", str(directory))
    return directory


def ask(runner: CliRunner, args: list[str], typed: str) -> Result:
    return runner.invoke(cli, ["ask", *args], input=typed)


def saved_session(sessions: Path) -> dict[str, object]:
    [path] = sessions.glob("session-*.json")
    document: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return document


def test_a_full_interview_ends_with_the_report(runner: CliRunner, sessions: Path) -> None:
    result = ask(runner, [], ALL_NO)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("livertriage report")
    assert "physician" in result.stdout.rstrip().splitlines()[-1]
    assert not sessions.exists()  # a finished interview writes nothing


def test_prompts_go_to_stderr_and_json_stays_pure(runner: CliRunner, sessions: Path) -> None:
    result = ask(runner, ["--format", "json"], ALL_NO)
    assert result.exit_code == 0
    assessment = Assessment.model_validate_json(result.stdout)
    assert assessment.urgency.level == "routine"
    assert "Question 1, about" in result.stderr
    assert "Have you vomited blood" in result.stderr


def test_no_arguments_starts_the_questionnaire(runner: CliRunner, sessions: Path) -> None:
    result = runner.invoke(cli, [], input=ALL_NO)
    assert result.exit_code == 0
    assert "Question 1" in result.stderr
    assert result.stdout.startswith("livertriage report")


@pytest.mark.parametrize("word", ["y", "yes", "Y", "YES"])
def test_yes_in_any_form_to_an_emergency_sign_ends_at_once(
    runner: CliRunner, sessions: Path, word: str
) -> None:
    result = ask(runner, [], f"{word}\n")
    assert result.exit_code == 0, result.stderr
    assert "EMERGENCY: Call your emergency number" in result.stderr
    assert "Question 2" not in result.stderr
    assert "Emergency\nCall your emergency number" in result.stdout


@pytest.mark.parametrize("word", ["?", "don't know", "dk", "not sure"])
def test_don_t_know_is_an_answer(runner: CliRunner, sessions: Path, word: str) -> None:
    result = ask(runner, ["--format", "json"], f"{word}\n" + ALL_NO)
    assert result.exit_code == 0
    assessment = Assessment.model_validate_json(result.stdout)
    assert assessment.answers["vomiting_blood"] == "unknown"
    assert assessment.urgency.level == "urgent"


def test_why_explains_and_asks_again(runner: CliRunner, sessions: Path) -> None:
    result = ask(runner, [], "why\n" + ALL_NO)
    assert result.exit_code == 0
    assert "Why this question: Vomiting blood" in result.stderr
    assert "Asked of everyone (rule ask.vomiting_blood)." in result.stderr
    assert "If yes: how soon to see a doctor becomes: emergency" in result.stderr
    assert result.stderr.count("Have you vomited blood") == 1  # asked once, not skipped


def test_why_names_the_answer_that_opened_a_follow_up(
    runner: CliRunner, sessions: Path, tmp_path: Path
) -> None:
    core = [q.id for q in load_knowledge_base().questions if q.stage in ("special_group", "core")]
    core.remove("age")
    answers = tmp_path / "a.json"
    answers.write_text(
        json.dumps({"age": 40, "fever": "yes", **dict.fromkeys(core, "no")}), encoding="utf-8"
    )
    # The red flags, then the first follow-up that fever opened.
    result = ask(runner, ["--answers", str(answers)], RED_FLAGS_NO + "why\n" + ALL_NO)
    assert result.exit_code == 0
    assert "Asked now because of your answer: fever now or recently: yes" in result.stderr


def test_help_explains_in_plain_words(runner: CliRunner, sessions: Path) -> None:
    result = ask(runner, [], "help\n" + ALL_NO)
    assert "Vomit that is bright red" in result.stderr


def test_back_changes_the_previous_answer(runner: CliRunner, sessions: Path) -> None:
    # Answer no, go back, answer yes: the emergency then ends the interview.
    result = ask(runner, ["--format", "json"], "n\nback\ny\n")
    assert result.exit_code == 0
    assert "Going back to: vomiting blood or coffee-ground material." in result.stderr
    assert Assessment.model_validate_json(result.stdout).urgency.level == "emergency"


def test_back_at_the_first_question(runner: CliRunner, sessions: Path) -> None:
    result = ask(runner, [], "back\n" + ALL_NO)
    assert "There is no earlier answer to change." in result.stderr
    assert result.exit_code == 0


def test_anything_else_is_asked_again_with_a_hint(runner: CliRunner, sessions: Path) -> None:
    result = ask(runner, [], "maybe\n" + ALL_NO)
    assert result.exit_code == 0
    assert (
        "Please type y = yes, n = no, ? = don't know · why · help · back · quit." in result.stderr
    )
    assert "Traceback" not in result.output


def test_quit_saves_the_answers_and_exits_non_zero(runner: CliRunner, sessions: Path) -> None:
    result = ask(runner, [], "n\nn\nquit\n")
    assert result.exit_code == 1
    assert saved_session(sessions)["answers"] == {"vomiting_blood": "no", "black_stools": "no"}
    assert "Your answers so far are saved in" in result.stderr
    assert "livertriage ask --resume" in result.stderr
    assert "physician" in result.stderr.rstrip().splitlines()[-1]
    assert result.stdout == ""


def test_end_of_input_saves_the_answers(runner: CliRunner, sessions: Path) -> None:
    result = ask(runner, [], "n\n")
    assert result.exit_code == 1
    assert saved_session(sessions)["answers"] == {"vomiting_blood": "no"}
    assert "Warning signs not yet answered" in result.stderr


def test_quit_before_any_answer_saves_nothing(runner: CliRunner, sessions: Path) -> None:
    result = ask(runner, [], "q\n")
    assert result.exit_code == 1
    assert "No answers were given, so nothing was saved." in result.stderr
    assert not sessions.exists()


def test_a_session_file_can_be_named(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "mine.json"
    result = ask(runner, ["--session-file", str(target)], "n\nquit\n")
    assert result.exit_code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["answers"] == {"vomiting_blood": "no"}


def test_when_saving_fails_the_answers_are_shown(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = ask(runner, ["--session-file", str(blocker / "s.json")], "n\nquit\n")
    assert result.exit_code == 1
    assert "could not save the answers" in result.stderr
    assert '{"vomiting_blood": "no"}' in result.stderr


def test_resume_carries_on_from_the_saved_answers(runner: CliRunner, sessions: Path) -> None:
    ask(runner, [], "n\nn\nquit\n")
    [path] = sessions.glob("session-*.json")
    result = ask(runner, ["--resume", str(path), "--format", "json"], ALL_NO)
    assert result.exit_code == 0, result.stderr
    assert "Have you vomited blood" not in result.stderr
    assert "Question 3, about" in result.stderr
    assessment = Assessment.model_validate_json(result.stdout)
    assert assessment.answers["vomiting_blood"] == "no"
    assert f"Your saved answers remain in {path}" in result.stderr


def test_stopping_a_resumed_interview_updates_its_file(runner: CliRunner, sessions: Path) -> None:
    ask(runner, [], "n\nquit\n")
    [path] = sessions.glob("session-*.json")
    ask(runner, ["--resume", str(path)], "n\nquit\n")
    assert json.loads(path.read_text(encoding="utf-8"))["answers"] == {
        "vomiting_blood": "no",
        "black_stools": "no",
    }


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("not json", "not a livertriage session file"),
        ('{"livertriage_session": 1, "answers": {"fever": "maybe"}}', '"fever" is "maybe"'),
    ],
)
def test_a_corrupt_session_exits_2_in_one_line(
    runner: CliRunner, tmp_path: Path, content: str, words: str
) -> None:
    path = tmp_path / "s.json"
    path.write_text(content, encoding="utf-8")
    result = ask(runner, ["--resume", str(path)], "")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert words in line
    assert "--resume" in line


def test_a_session_with_retired_questions_carries_on(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps({"livertriage_session": 1, "answers": {"vomiting_blood": "no", "gone": "yes"}}),
        encoding="utf-8",
    )
    result = ask(runner, ["--resume", str(path), "--format", "json"], ALL_NO)
    assert result.exit_code == 0
    assert "These saved answers are no longer asked, and are left out: gone" in result.stderr


def test_answers_pre_fill_and_only_the_rest_is_asked(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"vomiting_blood": "no", "age": 60}), encoding="utf-8")
    result = ask(runner, ["--answers", str(answers)], ALL_NO)
    assert result.exit_code == 0
    assert "Have you vomited blood" not in result.stderr
    assert "How old" not in result.stderr
    assert "Have your stools" in result.stderr


def test_no_input_never_prompts(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"jaundice": "yes"}), encoding="utf-8")
    result = ask(runner, ["--answers", str(answers), "--no-input", "--format", "json"], "")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert Assessment.model_validate_json(result.stdout).urgency.level == "urgent"


def test_no_input_without_answers_is_a_usage_error(runner: CliRunner) -> None:
    result = ask(runner, ["--no-input"], "")
    assert result.exit_code == 2
    assert "--no-input needs the answers" in result.stderr


def test_answers_from_standard_input_need_no_input(runner: CliRunner, sessions: Path) -> None:
    # Standard input cannot hold both the answers file and the replies to the questions.
    result = ask(runner, ["--answers", "-"], "{}")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "add --no-input" in line
    assert not sessions.exists()
    result = ask(runner, ["--answers", "-", "--no-input", "--format", "json"], '{"jaundice": true}')
    assert Assessment.model_validate_json(result.stdout).urgency.level == "urgent"


def test_save_to_a_folder_that_does_not_exist_fails_before_any_question(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = ask(runner, ["--save", str(tmp_path / "none" / "report.md")], "y\n")
    assert result.exit_code == 2
    assert "Question 1" not in result.stderr
    [line] = result.stderr.splitlines()
    assert "--save" in line


def test_a_report_that_cannot_be_saved_is_still_shown(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def full_disk(path: str, *args: object, **kwargs: object) -> int:
        if str(path).endswith(".md"):
            raise OSError(28, "No space left on device")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("livertriage.cli.os.open", full_disk)
    result = ask(runner, ["--save", str(tmp_path / "report.md")], "y\n")
    assert result.exit_code == 1
    assert "could not write" in result.stderr
    assert "No space left on device" in result.stderr
    assert result.stdout.splitlines()[1] == "Emergency"
    assert "physician" in result.stdout.rstrip().splitlines()[-1]


def test_answers_and_resume_together_are_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = ask(runner, ["--answers", "-", "--resume", str(tmp_path / "x.json")], "{}")
    assert result.exit_code == 2
    assert "not both" in result.stderr


def test_bad_prefilled_answers_exit_2(runner: CliRunner) -> None:
    result = ask(runner, ["--answers", "-", "--no-input"], '{"fever": "maybe"}')
    assert result.exit_code == 2
    assert '"fever" is "maybe"' in result.stderr


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("report.md", lambda text: text.startswith("# livertriage report")),
        ("report.json", lambda text: Assessment.model_validate_json(text) is not None),
        ("report.txt", lambda text: text.startswith("livertriage report")),
    ],
)
def test_save_writes_the_report_by_extension(
    runner: CliRunner, tmp_path: Path, sessions: Path, name: str, check: object
) -> None:
    target = tmp_path / name
    result = ask(runner, ["--save", str(target)], ALL_NO)
    assert result.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert check(text)  # type: ignore[operator]
    assert "\x1b[" not in text
    assert f"The report is saved in {target}" in result.stderr


def test_save_with_an_unknown_extension_fails_before_any_question(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = ask(runner, ["--save", str(tmp_path / "report.pdf")], ALL_NO)
    assert result.exit_code == 2
    assert "Question 1" not in result.stderr
    assert ".md" in result.stderr


def test_colour_only_when_asked_or_on_a_terminal(runner: CliRunner, sessions: Path) -> None:
    assert "\x1b[" not in ask(runner, [], ALL_NO).stdout  # not a terminal: plain
    assert "\x1b[" in ask(runner, ["--color"], ALL_NO).stdout
    assert "\x1b[" not in ask(runner, ["--no-color"], ALL_NO).stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("flag", "environment", "expected"),
    [
        (None, {}, True),
        (None, {"NO_COLOR": "1"}, False),
        (None, {"TERM": "dumb"}, False),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, True),
    ],
)
def test_colour_on_a_terminal_honours_no_color_and_term(
    monkeypatch: pytest.MonkeyPatch, flag: bool | None, environment: dict[str, str], expected: bool
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdout", _Terminal())
    assert _use_colour(flag) is expected


def test_ask_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["ask", "--help"])
    assert result.exit_code == 0
    for option in ("--answers", "--resume", "--no-input", "--save", "--format", "--no-color"):
        assert option in result.stdout


def test_piped_input_takes_three_non_answers_as_don_t_know(
    runner: CliRunner, sessions: Path
) -> None:
    result = ask(runner, ["--format", "json"], "maybe\nperhaps\nhmm\n" + ALL_NO)
    assert result.exit_code == 0
    assert "Taken as don't know after 3 replies that are not answers." in result.stderr
    assessment = Assessment.model_validate_json(result.stdout)
    assert assessment.answers["vomiting_blood"] == "unknown"
    assert assessment.urgency.level == "urgent"  # unknown never lowers urgency
