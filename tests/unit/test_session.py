"""Session files: answers kept safely, read back, and every bad file reported clearly."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from livertriage import KnowledgeBase, SessionError
from livertriage.session import default_session_path, load_session, save_session


def test_save_and_load_round_trip_in_order(knowledge_base: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "deep" / "session.json"
    answers = {"smoking": "no", "fever": "yes", "age": 51}
    save_session(path, answers, knowledge_base)  # type: ignore[arg-type]
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["knowledge_base"]["fingerprint"] == knowledge_base.fingerprint
    session = load_session(path, knowledge_base)
    assert session.answers == answers
    assert list(session.answers) == ["smoking", "fever", "age"]
    assert session.dropped == ()


def test_a_session_file_is_private(knowledge_base: KnowledgeBase, tmp_path: Path) -> None:
    path = save_session(tmp_path / "s.json", {"fever": "yes"}, knowledge_base)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temporary file left


def test_a_path_under_a_file_raises_a_clear_error(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(SessionError, match="could not save the answers to"):
        save_session(blocker / "s.json", {"fever": "yes"}, knowledge_base)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[]", "not a livertriage session file"),
        (b'{"answers": {}}', "not a livertriage session file"),
        (b'{"livertriage_session": 1, "answers": []}', "not a livertriage session file"),
        (b'{"livertriage_session": 99, "answers": {}}', "not a livertriage session file"),
        (
            b'{"livertriage_session": 1, "answers": {"fever": "no", "fever": "yes"}}',
            '"fever" is given twice',
        ),
    ],
)
def test_a_corrupt_session_is_reported(
    knowledge_base: KnowledgeBase, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(content)
    with pytest.raises(SessionError, match=words) as caught:
        load_session(path, knowledge_base)
    assert "\n" not in str(caught.value)


def test_a_missing_session_is_reported(knowledge_base: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(SessionError, match="cannot read"):
        load_session(tmp_path / "none.json", knowledge_base)


def test_questions_the_knowledge_base_no_longer_has_are_dropped_and_named(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps({"livertriage_session": 1, "answers": {"fever": "yes", "old_question": "no"}}),
        encoding="utf-8",
    )
    session = load_session(path, knowledge_base)
    assert session.answers == {"fever": "yes"}
    assert session.dropped == ("old_question",)


def test_the_default_place_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVERTRIAGE_SESSION_DIR", "/somewhere")
    assert default_session_path().parent == Path("/somewhere")
    monkeypatch.delenv("LIVERTRIAGE_SESSION_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", "/state")
    assert default_session_path().parent == Path("/state/livertriage")
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", "/home/someone")
    assert default_session_path().parent == Path("/home/someone/.local/state/livertriage")
