"""Session files through ``livertriage ask`` (m7, m10, m13): refusals in one line, exit status 2,
nothing asked before; a taken file keeps its answers and the new ones go to the default place."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from livertriage import KnowledgeBase
from livertriage.cli import cli
from tests.robustness.test_session_targets import VALID, looks_like_a_device

ALL_NO = "n\n45\n" * 70


@pytest.fixture
def sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "sessions"
    monkeypatch.setenv("LIVERTRIAGE_SESSION_DIR", str(directory))
    return directory


def ask(runner: CliRunner, args: list[str], typed: str) -> Result:
    return runner.invoke(cli, ["ask", *args], input=typed)


def refused_in_one_line(result: Result, path: Path, words: str) -> str:
    assert result.exit_code == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert repr(str(path)) in line
    assert words in line
    return line


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A named pipe; a writer offers a valid session to whoever opens it for reading."""
    path = tmp_path / "pipe.json"
    os.mkfifo(path)

    def offer() -> None:
        try:
            with path.open("wb") as writer:
                writer.write(VALID)
        except BrokenPipeError:
            pass

    feeder = threading.Thread(target=offer, daemon=True)
    feeder.start()
    yield path
    if stat.S_ISFIFO(os.lstat(path).st_mode):  # (else it was written over: the test failed)
        # Release the writer if nobody opened the pipe, so that no thread is left waiting.
        reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        feeder.join()
        os.close(reader)


@pytest.mark.usefixtures("sessions")
def test_a_fifo_as_session_file_is_refused_before_any_question(
    runner: CliRunner, fifo: Path
) -> None:
    result = ask(runner, ["--session-file", str(fifo)], "n\nquit\n")
    line = refused_in_one_line(result, fifo, "named pipe")
    assert line.startswith("livertriage: error: --session-file: ")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.usefixtures("sessions")
def test_a_device_as_session_file_is_refused_before_any_question(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = tmp_path / "full"
    device.write_bytes(b"stands for /dev/full")
    looks_like_a_device(monkeypatch, device)
    result = ask(runner, ["--session-file", str(device)], "n\nquit\n")
    refused_in_one_line(result, device, "character device")
    assert device.read_bytes() == b"stands for /dev/full"


@pytest.mark.usefixtures("sessions")
def test_a_symbolic_link_as_session_file_is_refused_before_any_question(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("someone's notes", encoding="utf-8")
    link = tmp_path / "s.json"
    link.symlink_to(target)
    result = ask(runner, ["--session-file", str(link)], "n\nquit\n")
    refused_in_one_line(result, link, "symbolic link")
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "someone's notes"


@pytest.mark.usefixtures("sessions")
def test_resuming_from_a_fifo_is_refused_in_one_line(runner: CliRunner, fifo: Path) -> None:
    result = ask(runner, ["--resume", str(fifo)], "")
    line = refused_in_one_line(result, fifo, "named pipe")
    assert "--resume" in line
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.usefixtures("sessions")
def test_resuming_a_file_anyone_can_change_is_refused_in_one_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(VALID)
    path.chmod(0o666)
    result = ask(runner, ["--resume", str(path)], ALL_NO)
    refused_in_one_line(result, path, "can be changed by anyone")


def test_a_session_file_that_is_taken_keeps_its_answers_and_yours_go_elsewhere(
    runner: CliRunner, tmp_path: Path, sessions: Path
) -> None:
    taken = tmp_path / "taken.json"
    taken.write_bytes(VALID)  # another interview's answers, which this one did not start from
    result = ask(runner, ["--session-file", str(taken)], "n\nquit\n")
    assert result.exit_code == 1
    assert taken.read_bytes() == VALID
    [saved] = sessions.glob("session-*.json")
    assert json.loads(saved.read_text(encoding="utf-8"))["answers"] == {"vomiting_blood": "no"}
    [notice] = [line for line in result.stderr.splitlines() if str(saved) in line][:1]
    assert repr(str(taken)) in notice
    assert notice.endswith(f"saved in {saved}")
    assert f"livertriage ask --resume {saved}" in result.stderr


def test_resuming_under_other_rules_carries_on_and_says_so(
    runner: CliRunner, tmp_path: Path, knowledge_base: KnowledgeBase, sessions: Path
) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps(
            {
                "livertriage_session": 1,
                "knowledge_base": {"version": "0.9 (old)", "fingerprint": "0" * 64},
                "answers": {"vomiting_blood": "no"},
            }
        ),
        encoding="utf-8",
    )
    path.chmod(0o600)
    result = ask(runner, ["--resume", str(path), "--format", "json"], ALL_NO)
    assert result.exit_code == 0, result.stderr
    [notice] = [line for line in result.stderr.splitlines() if "different rules" in line]
    assert "0.9 (old)" in notice
    assert "checked against the current ones" in notice
    assert json.loads(result.stdout)["answers"]["vomiting_blood"] == "no"


def test_resuming_under_the_same_rules_says_nothing_about_rules(
    runner: CliRunner, sessions: Path
) -> None:
    ask(runner, [], "n\nquit\n")
    [path] = sessions.glob("session-*.json")
    result = ask(runner, ["--resume", str(path), "--format", "json"], ALL_NO)
    assert result.exit_code == 0, result.stderr
    assert "rules" not in result.stderr
