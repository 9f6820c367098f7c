"""Several interviews saving to one session file: no set of answers is ever lost silently (m7).

Only one interview's answers may end up in the file; every other interview must learn that the
file was taken, and keep its answers somewhere else or show them. The outcome must not depend on
which process runs first, so nothing here waits for a time.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from livertriage import KnowledgeBase, SessionError
from livertriage.session import load_session, save_session

pytestmark = pytest.mark.slow

LIVERTRIAGE = [sys.executable, "-m", "livertriage"]
WRITERS = 6


def _save_in_a_process(
    path: Path,
    number: int,
    knowledge_base: KnowledgeBase,
    start: Any,
    results: Any,
    fallback: Path | None,
) -> None:
    start.wait()  # every process is ready before any saves
    try:
        if fallback is None:
            saved = save_session(path, {"age": number}, knowledge_base)
        else:
            saved = save_session(path, {"age": number}, knowledge_base, fallback=fallback)
    except SessionError as error:
        results.put((number, "refused", str(error)))
    except Exception as error:  # noqa: BLE001  (reported: a silent death would leave the test waiting)
        results.put((number, "crashed", repr(error)))
    else:
        results.put((number, "saved", str(saved)))


def _race(
    path: Path, knowledge_base: KnowledgeBase, fallbacks: dict[int, Path] | None
) -> dict[int, tuple[str, str]]:
    context = multiprocessing.get_context("fork")
    start = context.Barrier(WRITERS)
    results = context.Queue()
    workers = [
        context.Process(
            target=_save_in_a_process,
            args=(
                path,
                n,
                knowledge_base,
                start,
                results,
                None if fallbacks is None else fallbacks[n],
            ),
        )
        for n in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    outcome = {}
    for _ in workers:
        number, what, detail = results.get(timeout=120)  # a guard against a hang, not a check
        outcome[number] = (what, detail)
        assert what != "crashed", detail
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    return outcome


def test_processes_saving_to_one_file_at_once_are_told_it_was_taken(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    shared = tmp_path / "shared.json"
    outcome = _race(shared, knowledge_base, None)
    winners = [n for n, (what, _) in outcome.items() if what == "saved"]
    assert len(winners) == 1, outcome  # only one may say "saved"; the others were overwritten
    assert json.loads(shared.read_text(encoding="utf-8"))["answers"] == {"age": winners[0]}
    for number, (what, detail) in outcome.items():
        if number != winners[0]:
            assert what == "refused"
            assert repr(str(shared)) in detail
            assert "\n" not in detail
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.json"]  # no temporary left


def test_processes_that_find_the_file_taken_save_elsewhere(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    shared = tmp_path / "shared.json"
    fallbacks = {n: tmp_path / f"elsewhere-{n}.json" for n in range(WRITERS)}
    outcome = _race(shared, knowledge_base, fallbacks)
    assert all(what == "saved" for what, _ in outcome.values()), outcome
    for number, (_, where) in outcome.items():
        document = json.loads(Path(where).read_text(encoding="utf-8"))
        assert document["answers"] == {"age": number}  # every set survives, where it was said
    assert sum(where == str(shared) for _, where in outcome.values()) == 1


def test_threads_saving_to_one_file_at_once_are_told_it_was_taken(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    """Interviews run in threads of one process (a library user's server) guard each other too."""
    shared = tmp_path / "shared.json"
    start = threading.Barrier(WRITERS)
    outcome: dict[int, str] = {}

    def save(number: int) -> None:
        start.wait()
        try:
            save_session(shared, {"age": number}, knowledge_base)
        except SessionError:
            outcome[number] = "refused"
        else:
            outcome[number] = "saved"

    threads = [threading.Thread(target=save, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [n for n, what in outcome.items() if what == "saved"]
    assert len(winners) == 1, outcome
    assert len(outcome) == WRITERS
    assert json.loads(shared.read_text(encoding="utf-8"))["answers"] == {"age": winners[0]}


def test_a_file_this_process_did_not_read_or_write_is_not_written_over(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    shared = tmp_path / "shared.json"
    save_session(shared, {"fever": "yes"}, knowledge_base)
    save_session(shared, {"fever": "no"}, knowledge_base)  # its own file: may be updated
    before = shared.read_bytes()
    other = (tmp_path / "other.json").resolve()
    other.write_bytes(before)  # another interview's file, never read here
    with pytest.raises(SessionError, match="did not start from") as caught:
        save_session(other, {"fever": "unknown"}, knowledge_base)
    assert repr(str(other)) in str(caught.value)
    assert other.read_bytes() == before


def test_a_file_changed_since_it_was_read_is_not_written_over(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = save_session(tmp_path / "s.json", {"fever": "yes"}, knowledge_base)
    load_session(path, knowledge_base)
    # Another interview (another process) saves its answers there meanwhile: a new file is
    # renamed over the path, as save_session does.
    replacement = tmp_path / "replacement.json"
    replacement.write_text(path.read_text(encoding="utf-8").replace('"yes"', '"no"'), "utf-8")
    os.replace(replacement, path)
    changed = path.read_bytes()
    elsewhere = tmp_path / "elsewhere.json"
    saved = save_session(path, {"fever": "unknown"}, knowledge_base, fallback=elsewhere)
    assert saved == elsewhere
    assert path.read_bytes() == changed
    assert load_session(elsewhere, knowledge_base).answers == {"fever": "unknown"}


def _answers_kept(stderr: str) -> tuple[str, dict[str, object]] | None:
    """Where a stopped interview says its answers are, and what they are there."""
    said = re.search(r"saved in (\S+)$", stderr, re.MULTILINE)
    if said:
        document = json.loads(Path(said[1]).read_text(encoding="utf-8"))
        return said[1], document["answers"]
    shown = [line for line in stderr.splitlines() if line.startswith("{")]
    if shown:
        return "shown", json.loads(shown[-1])
    return None


def test_interviews_stopped_at_once_on_one_session_file_lose_no_answers(tmp_path: Path) -> None:
    """The adversary's loop: eight interviews, one --session-file, all ended by end of input."""
    shared = tmp_path / "shared.json"
    env = {**os.environ, "LIVERTRIAGE_SESSION_DIR": str(tmp_path / "sessions")}
    children = {
        count: subprocess.Popen(
            [*LIVERTRIAGE, "ask", "--session-file", str(shared)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for count in range(1, WRITERS + 1)
    }
    for count, child in children.items():
        assert child.stdin is not None
        child.stdin.write("n\n" * count)  # then end of input: all of them stop at about once
        child.stdin.close()
    told: dict[int, tuple[str, dict[str, object]] | None] = {}
    for count, child in children.items():
        assert child.stderr is not None
        with child.stderr:
            stderr = child.stderr.read()  # until it ends
        child.wait(timeout=120)
        assert child.returncode == 1, stderr
        assert "Traceback" not in stderr
        told[count] = _answers_kept(stderr)
    for count, kept in told.items():
        # Each interview answered "no" to its first `count` questions; they are where it says.
        assert kept is not None, count
        where, answers = kept
        assert len(answers) == count, (count, where)
        assert set(answers.values()) == {"no"}, (count, where)
    assert sum(where == str(shared) for where, _ in filter(None, told.values())) == 1


def _wait_for_the_first_question(child: subprocess.Popen[bytes]) -> None:
    assert child.stderr is not None
    seen = b""
    while not seen.endswith(b"> "):
        chunk = os.read(child.stderr.fileno(), 4096)
        assert chunk, seen.decode()  # it ended before asking
        seen += chunk


def test_one_session_resumed_in_two_windows_keeps_both_sets(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps({"livertriage_session": 1, "answers": {"age": 50}}) + "\n", encoding="utf-8"
    )
    path.chmod(0o600)
    env = {**os.environ, "LIVERTRIAGE_SESSION_DIR": str(tmp_path / "sessions")}
    first, second = (
        subprocess.Popen(
            [*LIVERTRIAGE, "ask", "--resume", str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(2)
    )
    _wait_for_the_first_question(first)
    _wait_for_the_first_question(second)  # both have read the file now
    _, rest = first.communicate(b"n\n", timeout=120)  # then end of input: it stops and saves
    assert first.returncode == 1, rest
    first_set = {"age": 50, "vomiting_blood": "no"}
    assert json.loads(path.read_text(encoding="utf-8"))["answers"] == first_set
    _, rest = second.communicate(b"n\nn\n", timeout=120)
    assert second.returncode == 1, rest
    # The first window's answers stay in the file; the second's are kept and their place said.
    assert json.loads(path.read_text(encoding="utf-8"))["answers"] == first_set
    kept = _answers_kept(rest.decode())
    assert kept is not None, rest
    assert kept[1] == {**first_set, "black_stools": "no"}
