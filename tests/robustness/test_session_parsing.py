"""Reading a session file back: the adversary's parsing nits (m13)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from livertriage import KnowledgeBase, SessionError
from livertriage.session import load_session, save_session


def write(path: Path, document: object, *, prefix: bytes = b"", mode: int = 0o600) -> Path:
    path.write_bytes(prefix + json.dumps(document).encode("utf-8"))
    path.chmod(mode)
    return path


def test_a_session_file_with_a_byte_order_mark_is_read(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "s.json",
        {"livertriage_session": 1, "answers": {"fever": "yes"}},
        prefix="\ufeff".encode(),
    )
    assert load_session(path, knowledge_base).answers == {"fever": "yes"}


@pytest.mark.parametrize("version", [True, 1.0, "1"])
def test_the_format_version_must_be_the_integer_1(
    knowledge_base: KnowledgeBase, tmp_path: Path, version: object
) -> None:
    path = write(tmp_path / "s.json", {"livertriage_session": version, "answers": {}})
    with pytest.raises(SessionError, match="not a livertriage session file"):
        load_session(path, knowledge_base)


def test_a_session_saved_under_the_same_rules_says_so(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = save_session(tmp_path / "s.json", {"fever": "yes"}, knowledge_base)
    session = load_session(path, knowledge_base)
    assert session.rules_changed is False
    assert session.saved_fingerprint == knowledge_base.fingerprint
    assert session.saved_version == knowledge_base.version


def test_a_session_saved_under_other_rules_is_resumed_and_says_so(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "s.json",
        {
            "livertriage_session": 1,
            "knowledge_base": {"version": "0.9 (old)", "fingerprint": "0" * 64},
            "answers": {"fever": "yes"},
        },
    )
    session = load_session(path, knowledge_base)
    assert session.answers == {"fever": "yes"}
    assert session.rules_changed is True
    assert session.saved_fingerprint == "0" * 64
    assert session.saved_version == "0.9 (old)"


@pytest.mark.parametrize(
    "saved",
    [None, "not an object", {"version": 3, "fingerprint": None}, {"fingerprint": "\x1b[2J" * 3}],
    ids=["missing", "not an object", "not strings", "control characters"],
)
def test_a_session_that_does_not_say_its_rules_counts_as_other_rules(
    knowledge_base: KnowledgeBase, tmp_path: Path, saved: object
) -> None:
    document: dict[str, object] = {"livertriage_session": 1, "answers": {"fever": "yes"}}
    if saved is not None:
        document["knowledge_base"] = saved
    session = load_session(write(tmp_path / "s.json", document), knowledge_base)
    assert session.answers == {"fever": "yes"}
    assert session.rules_changed is True
    # What the file says is shown to a person: only printable text of a sensible length.
    assert session.saved_fingerprint is None
    assert session.saved_version is None


@pytest.mark.parametrize("mode", [0o666, 0o602, 0o777])
def test_a_session_file_anyone_can_change_is_refused(
    knowledge_base: KnowledgeBase, tmp_path: Path, mode: int
) -> None:
    # Anyone on the machine could have turned a "yes" to a warning sign into a "no".
    path = write(
        tmp_path / "s.json", {"livertriage_session": 1, "answers": {"fever": "yes"}}, mode=mode
    )
    with pytest.raises(SessionError, match="can be changed by anyone") as caught:
        load_session(path, knowledge_base)
    message = str(caught.value)
    assert message.startswith(f"--resume: {str(path)!r}")
    assert f"{mode:04o}" in message
    assert "chmod 600" in message
    assert "\n" not in message


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o660])
def test_a_session_file_only_its_owner_or_group_can_change_is_read(
    knowledge_base: KnowledgeBase, tmp_path: Path, mode: int
) -> None:
    path = write(
        tmp_path / "s.json", {"livertriage_session": 1, "answers": {"fever": "yes"}}, mode=mode
    )
    assert load_session(path, knowledge_base).answers == {"fever": "yes"}
    assert os.stat(path).st_mode & 0o777 == mode  # reading changes nothing
