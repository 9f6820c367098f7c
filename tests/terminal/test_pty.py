"""The real program in a real pseudo-terminal (pexpect): what a person at a terminal sees."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest

pytestmark = pytest.mark.slow

Spawn = Callable[..., Any]


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    children: list[pexpect.spawn] = []

    def start(*args: str) -> pexpect.spawn:
        env = {
            **os.environ,
            "TERM": "xterm",
            "LIVERTRIAGE_SESSION_DIR": str(tmp_path / "sessions"),
        }
        env.pop("NO_COLOR", None)
        child = pexpect.spawn(
            sys.executable,
            ["-m", "livertriage", *args],
            env=env,
            cwd=str(tmp_path),
            encoding="utf-8",
            timeout=30,
            dimensions=(50, 200),
        )
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)


def answer(child: pexpect.spawn, typed: str) -> None:
    child.expect_exact("> ")
    child.sendline(typed)


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return str(child.before)


def test_a_full_interview_with_why_and_back(spawn: Spawn, tmp_path: Path) -> None:
    child = spawn("ask", "--save", str(tmp_path / "report.md"))
    child.expect_exact("Question 1, about")
    child.expect_exact("Have you vomited blood")
    answer(child, "why")
    child.expect_exact("Why this question: Vomiting blood")
    child.expect_exact("If yes: how soon to see a doctor becomes: emergency")
    answer(child, "n")
    child.expect_exact("Question 2")
    answer(child, "back")
    child.expect_exact("Going back to: vomiting blood or coffee-ground material.")
    child.expect_exact("Have you vomited blood")
    answer(child, "no")
    # The rest: "n" for every yes/no question, 45 for the age, until the report arrives.
    while True:
        index = child.expect([r"How old", r"\(y = yes", r"livertriage report"])
        if index == 2:
            break
        answer(child, "45" if index == 0 else "n")
    output = finish(child)
    assert child.exitstatus == 0
    assert "Routine" in output
    lines = [line for line in output.splitlines() if line.strip()]
    # The recommendation, wrapped to the terminal, ends the output.
    assert "physician" in " ".join(lines[-3:])
    assert lines[-1].rstrip("\x1b[0m").endswith("report with you.")
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# livertriage report")


def test_a_red_flag_ends_the_interview_early(spawn: Spawn) -> None:
    child = spawn()  # no command: the questionnaire
    answer(child, "n")
    child.expect_exact("Have your stools")
    answer(child, "y")
    child.expect_exact("EMERGENCY: Call your emergency number")
    child.expect_exact("Save this report as a page to print for your doctor? [Y/n]")
    child.sendline("n")
    output = finish(child)
    assert child.exitstatus == 0
    assert "Question 3" not in output
    assert "\x1b[" in output  # colour on a terminal
    assert "Emergency" in output


def test_ctrl_c_saves_the_answers(spawn: Spawn, tmp_path: Path) -> None:
    child = spawn("ask")
    answer(child, "n")
    answer(child, "?")
    child.expect_exact("Question 3")
    child.expect_exact("> ")
    child.sendintr()
    child.expect_exact("Your answers so far are saved in")
    output = finish(child)
    assert child.exitstatus == 130  # interrupted, as the shell expects of Ctrl-C
    assert "Traceback" not in output
    [session] = (tmp_path / "sessions").glob("session-*.json")
    saved = json.loads(session.read_text(encoding="utf-8"))
    assert saved["answers"] == {"vomiting_blood": "no", "black_stools": "unknown"}
    assert "livertriage ask --resume" in output


def test_the_prompt_has_line_editing(spawn: Spawn) -> None:
    """readline: "o", the left arrow, then "n" reads as "no"; without line editing the arrow's
    escape code would be part of the reply, and the question would be asked again."""
    child = spawn("ask")
    child.expect_exact("> ")
    child.send("o\x1b[Dn\r")
    child.expect_exact("Question 2")
    # At the prompt, as a person would: a Ctrl-C sent in the instant before the prompt was
    # once lost on a busy machine (the program then waited at the prompt).
    child.expect_exact("> ")
    child.sendintr()
    finish(child)
    assert child.exitstatus == 130


def test_batch_shows_a_bar_with_the_total_and_percent_on_a_terminal(
    spawn: Spawn, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"fever": "yes"}\n' * 300, encoding="utf-8")
    child = spawn("batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--workers", "1")
    output = finish(child)
    assert child.exitstatus == 0, output
    assert "Assessing" in output
    assert "100%" in output
    assert "300/300" in output
    assert "300 lines: 0 emergency, 0 urgent, 300 soon, 0 routine; 0 errors" in output
