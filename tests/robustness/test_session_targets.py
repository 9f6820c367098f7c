"""Session files are saved only as regular files, and read only from them (m10).

A device, a named pipe (FIFO), a socket or a symbolic link at the path is never written over, and a
FIFO is never opened in a way that waits for a writer. No real device is written: a device is
either /dev/null, only read or looked at, or a plain file that os.lstat reports as a device.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from livertriage import KnowledgeBase, SessionError
from livertriage.session import check_session_path, load_session, save_session

VALID = (json.dumps({"livertriage_session": 1, "answers": {"fever": "yes"}}) + "\n").encode()


def looks_like_a_device(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make os.lstat and os.stat report ``path`` (a plain file) as a character device."""
    for name in ("lstat", "stat"):
        real: Callable[..., os.stat_result] = getattr(os, name)

        def fake(
            target: object, *args: object, real: Callable[..., os.stat_result] = real, **kw: object
        ) -> os.stat_result:
            found = real(target, *args, **kw)
            if isinstance(target, (str, os.PathLike)) and os.fspath(target) == str(path):
                fields = list(found)
                fields[0] = stat.S_IFCHR | 0o666
                return os.stat_result(fields)
            return found

        monkeypatch.setattr(os, name, fake)


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A named pipe; a writer offers a valid session to whoever opens it for reading."""
    path = tmp_path / "pipe.json"
    os.mkfifo(path)

    def offer() -> None:
        try:
            with path.open("wb") as writer:  # waits for a reader
                writer.write(VALID)
        except BrokenPipeError:
            pass  # the reader looked and went away: right

    feeder = threading.Thread(target=offer, daemon=True)
    feeder.start()
    yield path
    if stat.S_ISFIFO(os.lstat(path).st_mode):  # (else it was written over: the test failed)
        # Release the writer if nobody opened the pipe, so that no thread is left waiting.
        reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        feeder.join()
        os.close(reader)


def test_saving_never_replaces_a_fifo(
    knowledge_base: KnowledgeBase, tmp_path: Path, fifo: Path
) -> None:
    with pytest.raises(SessionError, match="named pipe") as caught:
        save_session(fifo, {"fever": "yes"}, knowledge_base)
    assert repr(str(fifo)) in str(caught.value)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.json"]  # no temporary left


def test_saving_never_replaces_a_device(
    knowledge_base: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = tmp_path / "full"
    device.write_bytes(b"stands for /dev/full")
    looks_like_a_device(monkeypatch, device)
    with pytest.raises(SessionError, match="character device") as caught:
        save_session(device, {"fever": "yes"}, knowledge_base)
    assert repr(str(device)) in str(caught.value)
    assert device.read_bytes() == b"stands for /dev/full"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_saving_never_replaces_a_symbolic_link(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("someone's file", encoding="utf-8")
    link = tmp_path / "s.json"
    link.symlink_to(target)
    with pytest.raises(SessionError, match="symbolic link") as caught:
        save_session(link, {"fever": "yes"}, knowledge_base)
    assert repr(str(link)) in str(caught.value)
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "someone's file"


def test_a_session_file_option_that_is_not_a_regular_file_is_named(
    tmp_path: Path, fifo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "nowhere.json")
    device = tmp_path / "device"
    device.write_bytes(b"")
    looks_like_a_device(monkeypatch, device)
    for path, kind in ((fifo, "named pipe"), (link, "symbolic link"), (device, "device")):
        with pytest.raises(SessionError, match=kind) as caught:
            check_session_path(path)
        message = str(caught.value)
        assert message.startswith("--session-file: ")
        assert repr(str(path)) in message
        assert "\n" not in message
    check_session_path(tmp_path / "new.json")  # a new name, or a regular file, will do
    (tmp_path / "old.json").write_bytes(VALID)
    check_session_path(tmp_path / "old.json")


def test_resuming_from_a_fifo_is_refused_without_waiting(
    knowledge_base: KnowledgeBase, fifo: Path
) -> None:
    with pytest.raises(SessionError, match="named pipe") as caught:
        load_session(fifo, knowledge_base)
    assert str(caught.value).startswith("--resume: ")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_resuming_from_a_device_is_refused(knowledge_base: KnowledgeBase) -> None:
    with pytest.raises(SessionError, match="'/dev/null' is a character device"):
        load_session(Path("/dev/null"), knowledge_base)


def test_resuming_through_a_symbolic_link_still_works(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(VALID)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert load_session(link, knowledge_base).answers == {"fever": "yes"}
