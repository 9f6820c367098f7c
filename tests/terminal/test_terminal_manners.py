"""The questionnaire in a real pseudo-terminal at 60 and at 100 columns, as a person sees it.

The whole interview, then the report: lines fit the terminal (at most 88 columns), no word is
broken, the urgency is on the last screen, the offer to save comes, and the saved page is
there, readable by its owner only. And every command the program prints for the person to type
works as typed after "make run".
"""

from __future__ import annotations

import io
import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pexpect
import pyte
import pytest

from livertriage import load_knowledge_base

pytestmark = pytest.mark.slow

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ROWS = 24


def run_interview(tmp_path: Path, columns: int) -> tuple[str, pyte.Screen]:
    """A whole interview: no to every yes/no question, 45 for the age, yes to the offer."""
    env = {**os.environ, "TERM": "xterm", "LIVERTRIAGE_SESSION_DIR": str(tmp_path / "s")}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "livertriage"],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=60,
        dimensions=(ROWS, columns),
    )
    transcript = io.StringIO()  # everything the program wrote to the terminal
    child.logfile_read = transcript
    try:
        while True:
            index = child.expect([r"How old", r"\(y = yes", r"\[Y/n\]: "])
            if index == 2:
                child.sendline("")  # Enter: yes, save the page
                break
            child.expect_exact("> ")
            child.sendline("45" if index == 0 else "n")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    output = transcript.getvalue()
    assert child.exitstatus == 0, output[-2000:]
    screen = pyte.Screen(columns, ROWS)
    pyte.Stream(screen).feed(output.replace("\r\n", "\n").replace("\n", "\r\n"))
    return output, screen


@pytest.mark.parametrize("columns", [60, 100])
def test_the_questionnaire_fits_the_terminal_and_ends_with_the_urgency(
    tmp_path: Path, columns: int
) -> None:
    output, screen = run_interview(tmp_path, columns)
    plain = _ANSI.sub("", output).replace("\r\n", "\n")
    width = min(columns, 88)
    # Every line fits: the report, the why/help texts, the questions.
    too_long = [line for line in plain.splitlines() if len(line) > width and " " in line.strip()]
    assert too_long == []
    # No word broken: every question asked reads whole once the lines are joined.
    joined = " ".join(plain.split())
    asked = [q.text for q in load_knowledge_base().questions if q.text in joined]
    assert len(asked) > 20
    # The last screen shows how soon to see a doctor, the offer, and where the page went.
    last = " ".join(" ".join(screen.display).split())
    assert "Routine." in last
    offer = last.index("Save this report as a page to print for your doctor?")
    # ... and the physician recommendation is the last thing on it.
    recommendation = last.rindex("Book an appointment with a physician in the next few weeks")
    assert offer < recommendation
    assert last.endswith("take this report with you.")
    [page] = tmp_path.glob("livertriage-report-*.html")
    assert f"Saved as {page.name}, in this folder." in joined
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    assert "<!doctype html>" in page.read_text(encoding="utf-8").lower()


def test_a_second_report_on_the_same_day_gets_its_own_name(tmp_path: Path) -> None:
    run_interview(tmp_path, 100)
    run_interview(tmp_path, 100)
    assert len(list(tmp_path.glob("livertriage-report-*.html"))) == 2


def _repository() -> Path | None:
    """The checkout whose .venv runs these tests, where "make run" works; None elsewhere."""
    venv_bin = Path(sys.executable).parent
    root = venv_bin.parent.parent
    if (root / "Makefile").is_file() and (venv_bin / "livertriage").is_file():
        return root
    return None


def test_the_printed_command_to_carry_on_works_as_typed_after_make_run(tmp_path: Path) -> None:
    root = _repository()
    if root is None:
        pytest.skip("not a checkout with .venv and a Makefile: make run cannot be tried here")
    # The shell of a person who ran "make run": the virtual environment is not on PATH.
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin)
    env = {**os.environ, "PATH": path, "LIVERTRIAGE_SESSION_DIR": str(tmp_path / "s")}
    env.pop("VIRTUAL_ENV", None)
    child = pexpect.spawn(
        "make", ["run"], env=env, cwd=str(root), encoding="utf-8", timeout=120,
        dimensions=(ROWS, 100),
    )  # fmt: skip
    try:
        child.expect_exact("> ")
        child.sendline("n")
        child.expect_exact("> ")
        child.sendline("quit")
        child.expect(r"Carry on later with:\r\n  ([^\r\n]+)")
        printed = str(child.match.group(1))
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert "ask --resume" in printed
    # Typed as printed, in the same folder and shell: it resumes (here without prompting).
    result = subprocess.run(
        ["bash", "-c", f"{printed} --no-input --format json"],
        cwd=str(root), env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, (printed, result.stderr)
    assert '"vomiting_blood": "no"' in result.stdout
    for session in (tmp_path / "s").glob("*.json"):
        session.unlink()
    assert shlex.split(printed)[0] != "livertriage" or _on_path("livertriage", path)


def _on_path(program: str, path: str) -> bool:
    return any((Path(folder) / program).is_file() for folder in path.split(os.pathsep) if folder)
