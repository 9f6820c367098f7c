"""Every way an answers file can be wrong: exit status 2, one clear line on stderr, no traceback.

Then fuzzing (hypothesis) over raw bytes and over JSON values: no input ever produces a traceback
or an exit status other than 0 or 2.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from livertriage import load_knowledge_base
from livertriage.cli import cli

CASES: list[tuple[str, bytes, list[str]]] = [
    ("not JSON", b"fever: yes", ["not valid JSON"]),
    ("JSON that is not an object", b'["fever"]', ["expected a JSON object", "a list"]),
    ("a JSON string", b'"yes"', ["expected a JSON object", "a string"]),
    ("a JSON number", b"42", ["expected a JSON object", "a number"]),
    ("JSON null", b"null", ["expected a JSON object", "null"]),
    ("empty input", b"", ["empty"]),
    ("only white space", b" \n\t ", ["empty"]),
    ("non-UTF-8 bytes", b'{"fever": "\xff"}', ["not UTF-8"]),
    ("Latin-1 text", '{"fever": "sí"}'.encode("latin-1"), ["not UTF-8"]),
    ("an unknown id", b'{"fevre": "yes"}', ['"fevre"', 'did you mean "fever"']),
    (
        "an id with double underscores",
        b'{"fever__value": "yes"}',
        ['"fever__value"', "not a question id"],
    ),
    ("a dunder id", b'{"__class__": "yes"}', ['"__class__"', "not a question id"]),
    ("a wrong type", b'{"fever": 1}', ['"fever"', "1", '"yes", "no", "unknown" or null']),
    ("a wrong word", b'{"fever": "maybe"}', ['"fever"', '"maybe"', "not allowed"]),
    ("a nested object", b'{"fever": {"value": "yes"}}', ['"fever"', '{"value": "yes"}']),
    ("a nested list", b'{"fever": ["yes"]}', ['"fever"', '["yes"]']),
    ("an age out of range", b'{"age": 121}', ['"age"', "121", "0 to 120"]),
    ("a negative age", b'{"age": -5}', ['"age"', "-5", "out of range"]),
    ("an age that is not whole", b'{"age": 30.5}', ['"age"', "30.5", "whole number"]),
    ("an age as text", b'{"age": "30"}', ['"age"', '"30"', "whole number"]),
    ("an age as true", b'{"age": true}', ['"age"', "true"]),
    ("NaN", b'{"age": NaN}', ["NaN"]),
    ("Infinity", b'{"fever": Infinity}', ["Infinity"]),
    ("a huge number", b'{"age": 1e999}', ['"age"', "Infinity"]),
    ("a number with 5,000 digits", b'{"age": ' + b"7" * 5000 + b"}", ["too large"]),
    ("deep nesting", b'{"fever": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", ["nested too deeply"]),
    ("a key given twice", b'{"fever": "yes", "fever": 3}', ['"fever"', "given twice"]),
    (
        "a red flag given twice",
        b'{"vomiting_blood": "yes", "vomiting_blood": "no"}',
        ['"vomiting_blood" is given twice'],
    ),
]


def run(data: bytes) -> Result:
    return CliRunner().invoke(cli, ["assess", "--answers", "-", "--format", "json"], input=data)


def assert_one_clear_line(result: Result) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("livertriage: error: ")
    return lines[0]


@pytest.mark.parametrize(("case", "data", "words"), CASES, ids=[case[0] for case in CASES])
def test_bad_answers_exit_2_with_one_clear_line(case: str, data: bytes, words: list[str]) -> None:
    result = run(data)
    assert result.exit_code == 2, (case, result.stderr)
    line = assert_one_clear_line(result)
    for word in words:
        assert word in line, (case, line)


@pytest.mark.slow
def test_a_50_megabyte_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    big = tmp_path / "answers.json"
    with big.open("wb") as stream:
        stream.write(b'{"fever": "yes", "padding": "')
        stream.write(b"x" * (50 * 1024 * 1024))
        stream.write(b'"}')
    result = subprocess.run(
        [sys.executable, "-m", "livertriage", "assess", "--answers", str(big)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == b""
    [line] = result.stderr.decode().splitlines()
    assert "larger than 1024 KiB" in line
    assert "Traceback" not in result.stderr.decode()


def assert_0_or_2(result: Result) -> None:
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        json.loads(result.stdout)  # pure JSON
    else:
        assert_one_clear_line(result)


@pytest.mark.properties
@given(st.binary(max_size=512))
def test_fuzz_raw_bytes(data: bytes) -> None:
    assert_0_or_2(run(data))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.properties
@given(JSON_VALUES)
def test_fuzz_json_values(value: object) -> None:
    assert_0_or_2(run(json.dumps(value).encode()))


@pytest.mark.properties
@given(
    st.dictionaries(
        st.sampled_from(sorted(load_knowledge_base().catalogue)) | st.text(max_size=12),
        JSON_VALUES,
        max_size=6,
    )
)
def test_fuzz_answer_objects(answers: dict[str, object]) -> None:
    assert_0_or_2(run(json.dumps(answers).encode()))
