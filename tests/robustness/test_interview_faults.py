"""Faults during the questionnaire: the answers survive, or the person is shown them."""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
import time
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from livertriage.cli import cli


def start(tmp_path: Path) -> pexpect.spawn:
    env = {**os.environ, "LIVERTRIAGE_SESSION_DIR": str(tmp_path / "sessions"), "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable, ["-m", "livertriage", "ask"], env=env, encoding="utf-8", timeout=30
    )
    for reply in ("n", "?"):
        child.expect_exact("> ")
        child.sendline(reply)
    child.expect_exact("Question 3")
    child.expect_exact("> ")
    return child


def saved(tmp_path: Path, timeout: float = 20) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = list((tmp_path / "sessions").glob("session-*.json"))
        if files:
            answers: dict[str, object] = json.loads(files[0].read_text(encoding="utf-8"))["answers"]
            return answers
        time.sleep(0.05)
    raise AssertionError("the answers were not saved")


EXPECTED = {"vomiting_blood": "no", "black_stools": "unknown"}


@pytest.mark.slow
@pytest.mark.parametrize("signal_name", ["SIGHUP", "SIGTERM"])
def test_a_hang_up_or_termination_saves_the_answers(tmp_path: Path, signal_name: str) -> None:
    child = start(tmp_path)
    child.kill(getattr(signal, signal_name))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "Traceback" not in str(child.before)
    assert saved(tmp_path) == EXPECTED


@pytest.mark.slow
def test_closing_the_terminal_saves_the_answers(tmp_path: Path) -> None:
    child = start(tmp_path)
    pid = child.pid
    os.close(child.child_fd)  # the terminal window goes away; writes to it now fail
    assert saved(tmp_path) == EXPECTED
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("livertriage did not end after its terminal closed")


def test_a_full_disk_shows_the_answers_instead(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("livertriage.session.os.fsync", disk_full)
    result = runner.invoke(
        cli,
        ["ask", "--session-file", str(tmp_path / "s.json")],
        input="n\n?\nquit\n",
    )
    assert result.exit_code == 1
    assert "could not save the answers" in result.stderr
    assert os.strerror(errno.ENOSPC) in result.stderr
    assert json.dumps(EXPECTED) in result.stderr
    assert not (tmp_path / "s.json").exists()
    assert list(tmp_path.iterdir()) == []  # no half-written file left behind
    assert "physician" in result.stderr.splitlines()[-1]
