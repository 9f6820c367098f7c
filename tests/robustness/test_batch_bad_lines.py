"""batch: no line stops the batch, whatever its bytes; every record is one line of UTF-8 JSON.

Findings M2 (a lone surrogate stopped the run), m1 (deep nesting became an internal error) and
m4 (no per-line size limit; memory grew with line length) of the adversary review.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import livertriage.batch
from livertriage.answers import parse_answers_json
from livertriage.batch import (
    IN_FLIGHT_PER_WORKER,
    MAX_LINE_BYTES,
    LineTooLong,
    assess_lines,
    read_lines,
)
from livertriage.cli import MAX_ANSWERS_BYTES, cli
from livertriage.errors import AnswersError


def records_of(data: bytes) -> list[dict[str, Any]]:
    """The records of a JSONL output: strict UTF-8, only "\\n" ends a record, each one object."""
    lines = data.split(b"\n")
    assert lines[-1] == b"", "the last record has no end of line"
    return [json.loads(line.decode("utf-8")) for line in lines[:-1]]


def strictly_utf8(value: object) -> None:
    """Raises if any string in ``value`` (a JSON document) holds a lone surrogate."""
    json.dumps(value, ensure_ascii=False).encode("utf-8")


def batch(
    runner: CliRunner, tmp_path: Path, data: bytes, *args: str
) -> tuple[int, list[dict[str, Any]], str]:
    source = tmp_path / "in.jsonl"
    target = tmp_path / "out.jsonl"
    source.write_bytes(data)
    result = runner.invoke(cli, ["batch", str(source), "-o", str(target), *args])
    assert "Traceback" not in result.output
    return result.exit_code, records_of(target.read_bytes()), result.stderr


# --- M2: a lone surrogate ------------------------------------------------------------------------


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("compact", [["--full"], ["--compact"]])
@pytest.mark.parametrize(
    "bad_line",
    [rb'{"\ud800":"yes"}', rb'{"fever":"\udfff"}', rb'{"fever":"yes","\udbff\ud800x":1}'],
)
def test_a_lone_surrogate_is_one_error_record_and_the_batch_goes_on(
    runner: CliRunner, tmp_path: Path, workers: str, compact: list[str], bad_line: bytes
) -> None:
    data = b'{"fever":"yes"}\n' + bad_line + b'\n{"jaundice":"yes"}\n'
    status, records, stderr = batch(runner, tmp_path, data, "--workers", workers, *compact)
    assert status == 1, stderr
    assert [r["line"] for r in records] == [1, 2, 3]
    assert "error" in records[1]
    assert "\\ud" in records[1]["error"]  # the lone surrogate, shown escaped
    strictly_utf8(records)
    full = compact == ["--full"]
    last = records[2]["assessment"]["urgency"]["level"] if full else records[2]["urgency"]
    assert last == "urgent"
    assert stderr.strip().splitlines()[-1].endswith("; 1 error")


def test_an_error_message_that_cannot_be_utf8_still_makes_a_record(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever a message quotes from the line, the record must still be written as UTF-8.
    def parse(data: bytes, catalogue: Any) -> Any:
        if data == b'{"odd": 1}':
            raise AnswersError('answers: "\udfff\ud800" is odd')
        return parse_answers_json(data, catalogue)

    monkeypatch.setattr(livertriage.batch, "parse_answers_json", parse)
    data = b'{"fever":"yes"}\n{"odd": 1}\n{"jaundice":"yes"}\n'
    status, records, stderr = batch(runner, tmp_path, data, "--workers", "1", "--compact")
    assert status == 1, stderr
    assert [r["line"] for r in records] == [1, 2, 3]
    assert records[1]["error"] == 'answers: "\\udfff\\ud800" is odd'
    assert records[2]["urgency"] == "urgent"


def test_a_line_break_inside_a_message_never_splits_a_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Readers that split on every Unicode line break (str.splitlines) must see one record too.
    def parse(data: bytes, catalogue: Any) -> Any:
        raise AnswersError("answers: a\x85b\u2028c\u2029d\nend")

    monkeypatch.setattr(livertriage.batch, "parse_answers_json", parse)
    written: list[str] = []
    assess_lines([b"{}"], written.append, workers=1)
    [record] = written
    assert record.splitlines() == [record]
    assert json.loads(record)["error"] == "answers: a\x85b\u2028c\u2029d\nend"


# --- m1: deep nesting ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_json_nested_near_the_recursion_limit_is_an_error_record(
    tmp_path: Path, workers: str
) -> None:
    # The depths around Python's recursion limit, where parsing succeeds and quoting used not to.
    depths = range(900, 1100)
    source = tmp_path / "deep.jsonl"
    source.write_text(
        "".join('{"fever": ' + "[" * d + "]" * d + "}\n" for d in depths), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "livertriage", "batch", str(source), "--workers", workers],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    records = records_of(done.stdout)
    assert [r["line"] for r in records] == list(range(1, len(depths) + 1))
    for record in records:
        assert not record["error"].startswith("internal error"), record
        assert "nested too deeply" in record["error"] or '"fever"' in record["error"]


def test_a_recursion_error_while_checking_a_line_names_the_nesting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def parse(data: bytes, catalogue: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded while encoding a JSON object")

    monkeypatch.setattr(livertriage.batch, "parse_answers_json", parse)
    written: list[str] = []
    summary = assess_lines([b'{"fever": [[[]]]}', b"{}"], written.append, workers=1)
    assert summary.errors == 2
    for record in map(json.loads, written):
        assert record["error"].startswith("answers: the line is nested too deeply"), record


# --- m4: a size limit per line -------------------------------------------------------------------


def test_the_line_limit_is_the_limit_of_assess_answers() -> None:
    assert MAX_LINE_BYTES == MAX_ANSWERS_BYTES


def padded(size: int, answers: bytes = b'{"fever": "yes"') -> bytes:
    """A valid answers object of exactly ``size`` bytes."""
    return answers + b" " * (size - len(answers) - 1) + b"}"


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_a_line_over_the_limit_is_an_error_record(
    runner: CliRunner, tmp_path: Path, newline: bytes
) -> None:
    lines = [padded(MAX_LINE_BYTES), padded(MAX_LINE_BYTES + 1), b'{"jaundice": "yes"}']
    status, records, stderr = batch(
        runner, tmp_path, newline.join(lines) + newline, "--workers", "1", "--compact"
    )
    assert status == 1, stderr
    assert [r["line"] for r in records] == [1, 2, 3]
    assert records[0]["urgency"] == "soon"  # at the limit: still assessed
    assert records[1]["error"] == (
        f"answers: the line is {MAX_LINE_BYTES + 1:,} bytes long; "
        "the most a line may hold is 1024 KiB (one answers object)"
    )
    assert records[2]["urgency"] == "urgent"


@pytest.mark.properties
@given(
    st.lists(st.sampled_from([b"a", b"b", b"\r", b"\n"]), max_size=60).map(b"".join),
    st.integers(0, 6),
    st.integers(1, 4),
)
def test_lines_are_read_as_a_file_iterates_them(data: bytes, limit: int, piece: int) -> None:
    # The same lines as "for line in file: line.rstrip(b'\\r\\n')", the long ones measured.
    with mock.patch.object(livertriage.batch, "_SKIP_BYTES", piece):
        lines = list(read_lines(io.BytesIO(data), limit))
    expected = [line.rstrip(b"\r\n") for line in io.BytesIO(data)]
    assert lines == [line if len(line) <= limit else LineTooLong(len(line)) for line in expected]


class EndlessLine(io.RawIOBase):
    """One very long line of "x", then a short line, without ever holding the long one."""

    def __init__(self, length: int) -> None:
        self.left = length
        self.tail = b'\n{"fever": "yes"}\n'

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.left > 0:
            size = min(len(buffer), self.left)
            buffer[:size] = b"x" * size
            self.left -= size
        else:
            size = min(len(buffer), len(self.tail))
            buffer[:size] = self.tail[:size]
            self.tail = self.tail[size:]
        return size


class Watched(io.BufferedReader):
    """Notes the most bytes one read ever handed over."""

    most = 0

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.most = max(self.most, len(line))
        return line


def test_an_over_long_line_is_never_held_whole() -> None:
    stream = Watched(EndlessLine(64 * MAX_LINE_BYTES))
    lines = list(read_lines(stream))
    assert lines == [LineTooLong(64 * MAX_LINE_BYTES), b'{"fever": "yes"}']
    assert stream.most <= MAX_LINE_BYTES + 2


def test_bytes_in_flight_stay_bounded_whatever_the_line_length() -> None:
    # 20 KB lines: 200 to a chunk would hold 9 x 4 MB in flight; a chunk holds about 1 MiB.
    line = padded(20_000)
    taken = 0
    most_ahead = 0

    def lines() -> Iterator[bytes]:
        nonlocal taken
        for _ in range(2_000):
            taken += len(line)
            yield line

    written = 0

    def write(record: str) -> None:
        nonlocal written, most_ahead
        written += len(line)
        most_ahead = max(most_ahead, taken - written)

    summary = assess_lines(lines(), write, workers=2, compact=True)
    assert summary.records == 2_000
    assert most_ahead <= (2 * IN_FLIGHT_PER_WORKER + 1) * (1024 * 1024 + len(line))
