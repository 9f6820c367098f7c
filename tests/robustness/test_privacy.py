"""Privacy: livertriage makes no network connection and writes nothing about anyone unless asked.

Each run is a real process whose sockets fail at the first use (a sitecustomize module installed
before anything else loads), with a read-only home directory. Before and after, every file under
the home and the working directory is listed with its size and time: nothing may change, apart
from the cache of the checked rules (livertriage.cache), whose entries are named by the rules and
the code alone, so they hold nothing of the answers; with the cache off, nothing at all.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

GUARD = """
import os, socket

def _refuse(*args, **kwargs):
    with open(os.environ["NETWORK_LOG"], "a") as log:
        log.write("network use attempted\\n")
    raise OSError("network use is not allowed in this test")

class _NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        _refuse()

socket.socket = _NoSocket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


def snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``roots``, but the rules cache, with its size and time."""
    found = {}
    for root in roots:
        for path in root.rglob("*"):
            if ".cache" in path.relative_to(root).parts:
                continue
            info = path.lstat()
            found[str(path)] = (info.st_size, info.st_mtime_ns)
    return found


def cache_entries(sandbox: dict[str, Path]) -> set[str]:
    folder = sandbox["home"] / ".cache"
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def rules_cache_key() -> str:
    from livertriage.cache import cache_key
    from livertriage.knowledge import default_rules_dir

    key = cache_key(default_rules_dir())
    assert key is not None
    return key


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[dict[str, Path]]:
    places = {name: tmp_path / name for name in ("home", "work", "guard", "outside")}
    for place in places.values():
        place.mkdir()
    (places["guard"] / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    (places["outside"] / "answers.json").write_text(
        json.dumps({"fever": "yes", "night_sweats": "yes", "age": 40}), encoding="utf-8"
    )
    places["home"].chmod(stat.S_IRUSR | stat.S_IXUSR)  # read-only home
    yield places
    places["home"].chmod(stat.S_IRWXU)


def run(
    sandbox: dict[str, Path], args: list[str], typed: str = "", *, cache: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {
        **({} if cache else {"LIVERTRIAGE_NO_CACHE": "1"}),
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(sandbox["home"]),
        "PYTHONPATH": os.pathsep.join([str(sandbox["guard"]), *sys.path]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "NETWORK_LOG": str(sandbox["outside"] / "network.log"),
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=sandbox["work"],
        env=env,
        input=typed,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_guard_really_blocks_the_network(sandbox: dict[str, Path]) -> None:
    result = run(sandbox, ["-c", "import socket; socket.create_connection(('example.org', 80))"])
    assert result.returncode != 0
    assert (sandbox["outside"] / "network.log").exists()


def test_the_snapshot_really_sees_a_written_file(sandbox: dict[str, Path]) -> None:
    before = snapshot(sandbox["home"], sandbox["work"])
    assert run(sandbox, ["-c", "open('note.txt', 'w').write('x')"]).returncode == 0
    assert snapshot(sandbox["home"], sandbox["work"]) != before


@pytest.mark.parametrize("cache", [True, False], ids=["rules cache on", "rules cache off"])
@pytest.mark.parametrize(
    ("args", "typed"),
    [
        (["-m", "livertriage", "assess", "--answers", "{answers}", "--format", "json"], ""),
        (
            ["-m", "livertriage", "ask", "--answers", "{answers}", "--format", "markdown"],
            "n\n45\n" * 40,
        ),
        (["-m", "livertriage"], "n\n45\n" * 40),
        (
            [
                "-c",
                "import livertriage; print(livertriage.assess({'jaundice': 'yes'}).urgency.level)",
            ],
            "",
        ),
    ],
    ids=["assess", "ask with answers", "the whole questionnaire", "the library"],
)
def test_a_full_assessment_uses_no_network_and_writes_nothing(
    sandbox: dict[str, Path], args: list[str], typed: str, cache: bool
) -> None:
    args = [arg.replace("{answers}", str(sandbox["outside"] / "answers.json")) for arg in args]
    before = snapshot(sandbox["home"], sandbox["work"])
    result = run(sandbox, args, typed, cache=cache)
    assert result.returncode == 0, result.stderr
    assert not (sandbox["outside"] / "network.log").exists()
    assert snapshot(sandbox["home"], sandbox["work"]) == before
    # The one file it may write on its own: the checked rules, named by rules and code alone.
    assert cache_entries(sandbox) <= ({f"{rules_cache_key()}.pickle"} if cache else set())


def test_only_an_interrupted_questionnaire_writes_where_it_says(sandbox: dict[str, Path]) -> None:
    target = sandbox["outside"] / "kept.json"
    before = snapshot(sandbox["home"], sandbox["work"])
    result = run(sandbox, ["-m", "livertriage", "ask", "--session-file", str(target)], "n\nquit\n")
    assert result.returncode == 1
    assert str(target) in result.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["answers"] == {"vomiting_blood": "no"}
    assert snapshot(sandbox["home"], sandbox["work"]) == before
