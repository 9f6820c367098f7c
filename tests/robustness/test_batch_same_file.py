"""batch never writes over its own input (finding m5): not by the same path, a symbolic link, a
hard link, standard input redirected from the output file, or standard output redirected to the
input file. Exit status 2, one line on stderr, and the input is left as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from livertriage.cli import cli

INPUT = b'{"fever": "yes"}\n{"jaundice": "yes"}\n'


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_bytes(INPUT)
    return path


def refused(stderr: str, output: str) -> None:
    [line] = stderr.strip().splitlines()
    assert line == f"livertriage: error: --output {output!r} is the input file; choose another"


@pytest.mark.parametrize("link", ["same path", "symbolic link", "hard link"])
def test_an_output_that_is_the_input_is_refused(
    runner: CliRunner, source: Path, tmp_path: Path, link: str
) -> None:
    output = source
    if link == "symbolic link":
        output = tmp_path / "link.jsonl"
        output.symlink_to(source)
    elif link == "hard link":
        output = tmp_path / "hard.jsonl"
        os.link(source, output)
    result = runner.invoke(cli, ["batch", str(source), "-o", str(output), "--workers", "1"])
    assert result.exit_code == 2
    refused(result.stderr, str(output))
    assert source.read_bytes() == INPUT


def run(args: list[str], stdin: int, stdout: int) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "livertriage", "batch", *args, "--workers", "1"],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_standard_input_redirected_from_the_output_file_is_refused(source: Path) -> None:
    with source.open("rb") as stdin:
        done = run(["-", "-o", str(source)], stdin.fileno(), subprocess.DEVNULL)
    assert done.returncode == 2
    refused(done.stderr.decode(), str(source))
    assert source.read_bytes() == INPUT


@pytest.mark.slow
def test_standard_output_appending_to_the_input_file_is_refused(source: Path) -> None:
    # As in "livertriage batch in.jsonl >> in.jsonl": it would read its own records back.
    with source.open("ab") as stdout:
        done = run([str(source)], subprocess.DEVNULL, stdout.fileno())
    assert done.returncode == 2
    [line] = done.stderr.decode().strip().splitlines()
    assert line == (
        "livertriage: error: --output '-' (standard output) is the input file; choose another"
    )
    assert source.read_bytes() == INPUT


@pytest.mark.slow
def test_the_same_device_for_input_and_output_is_not_the_same_file() -> None:
    # /dev/null in and out (or a terminal) is no file to protect: the batch runs.
    with open(os.devnull, "rb") as stdin, open(os.devnull, "wb") as stdout:
        done = run(["-"], stdin.fileno(), stdout.fileno())
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().strip() == (
        "0 lines: 0 emergency, 0 urgent, 0 soon, 0 routine; 0 errors"
    )


def test_a_different_file_is_written(runner: CliRunner, source: Path, tmp_path: Path) -> None:
    other = tmp_path / "out.jsonl"
    other.write_bytes(b"old\n")
    result = runner.invoke(cli, ["batch", str(source), "-o", str(other), "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    assert len(other.read_bytes().splitlines()) == 2
    assert source.read_bytes() == INPUT
