"""batch stopped by a signal to its own process only (finding M4), as ``kill PID``, ``docker
stop`` or a supervisor send it: the workers end with it, nothing hangs, the output holds whole
records only, and the exit status is 128 + the signal's number.

Every wait is bounded, and whatever the outcome, no process this test started outlives it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

_SCRIPT = Path(sys.executable).with_name("livertriage")
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "livertriage"]
LINES = 100_000  # minutes of work for two workers: the signal always comes first
STORIES = [
    '{"vomiting_blood": "yes"}',
    '{"jaundice": "yes"}',
    '{"fever": "yes", "night_sweats": "yes"}',
    "{}",
    "not json",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc"),
]


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the name (state first), or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def alive(pid: int, started: str) -> bool:
    """Whether the process that started at ``started`` still runs (not gone, not a zombie)."""
    fields = _stat(pid)
    return fields is not None and fields[19] == started and fields[0] not in ("Z", "X")


def children(parent: int) -> dict[int, str]:
    """The live children of ``parent``: pid -> start time (which tells a reused pid apart)."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and fields[1] == str(parent) and fields[0] not in ("Z", "X"):
                found[int(entry.name)] = fields[19]
    return found


def survivors(processes: dict[int, str], within: float) -> dict[int, str]:
    """Those of ``processes`` still alive after waiting up to ``within`` seconds for them to end."""
    deadline = time.monotonic() + within
    while True:
        left = {pid: start for pid, start in processes.items() if alive(pid, start)}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGTERM, 128 + 15), (signal.SIGINT, 128 + 2)]
)
def test_a_signal_to_the_batch_process_alone_stops_it_and_its_workers(
    tmp_path: Path, signum: signal.Signals, status: int
) -> None:
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as stream:
        stream.writelines(STORIES[n % len(STORIES)] + "\n" for n in range(LINES))
    out = tmp_path / "out.jsonl"
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:  # files, not pipes: a leaked worker cannot hold them open
        process = subprocess.Popen(
            [*COMMAND, "batch", str(big), "--workers", "2", "-o", str(out)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    workers: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 120
        while not (len(workers) >= 2 and out.exists() and out.stat().st_size > 0):
            assert process.poll() is None, errors.read_text(encoding="utf-8", errors="replace")
            assert time.monotonic() < deadline, "the batch never started writing"
            time.sleep(0.05)
            workers = children(process.pid)
        os.kill(process.pid, signum)  # the parent only, not its process group
        try:
            returncode = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the batch still runs 60 s after {signum.name}")
        left = survivors(workers, within=30)
        assert not left, f"workers still alive after the batch ended: {sorted(left)}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        for pid in survivors(workers, within=0):
            os.kill(pid, signal.SIGKILL)

    stderr_text = errors.read_text(encoding="utf-8", errors="replace")
    assert returncode == status, stderr_text
    assert "Traceback" not in stderr_text
    assert f"stopped by {signum.name}" in stderr_text.strip().splitlines()[-1]
    data = out.read_bytes()
    assert data.endswith(b"\n"), "the last record is cut short"
    records = [json.loads(line) for line in data.splitlines()]
    assert [r["line"] for r in records] == list(range(1, len(records) + 1))
    assert 0 < len(records) < LINES
