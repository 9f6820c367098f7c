"""Where session files go: folders readable by their owner only, and the XDG rules (m12)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from livertriage import KnowledgeBase
from livertriage.session import default_session_path, save_session


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The common umask 022, under which a folder made without a mode is 0755."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.mark.usefixtures("usual_umask")
def test_the_folders_made_for_a_session_are_private(
    knowledge_base: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIVERTRIAGE_SESSION_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = save_session(default_session_path(), {"fever": "yes"}, knowledge_base)
    assert path.parent == tmp_path / "state" / "livertriage"
    for folder in (tmp_path / "state", tmp_path / "state" / "livertriage"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.mark.usefixtures("usual_umask")
def test_a_named_session_file_in_new_folders_gets_private_folders(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    save_session(tmp_path / "a" / "b" / "s.json", {"fever": "yes"}, knowledge_base)
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700


@pytest.mark.usefixtures("usual_umask")
def test_an_existing_folder_keeps_its_mode(knowledge_base: KnowledgeBase, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    save_session(shared / "s.json", {"fever": "yes"}, knowledge_base)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # not ours to change


@pytest.mark.parametrize("relative", ["state", "./state", "state/../other"])
def test_a_relative_xdg_state_home_is_ignored(
    monkeypatch: pytest.MonkeyPatch, relative: str
) -> None:
    # The XDG Base Directory spec: "If an implementation encounters a relative path in any of
    # these variables it should consider the path invalid and ignore it."
    monkeypatch.delenv("LIVERTRIAGE_SESSION_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", relative)
    monkeypatch.setenv("HOME", "/home/someone")
    assert default_session_path().parent == Path("/home/someone/.local/state/livertriage")
