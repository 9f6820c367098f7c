"""livertriage batch: order, error records, exit status, compact records, stdin and stdout."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from livertriage import Assessment, assess
from livertriage.batch import CHUNK_LINES, assess_lines
from livertriage.cli import cli

STORIES = [
    {"vomiting_blood": "yes"},
    {"jaundice": "yes"},
    {"fever": "yes", "night_sweats": "yes"},
    {},
]


def jsonl(rows: Sequence[object]) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_one_record_per_line_in_input_order(
    runner: CliRunner, tmp_path: Path, workers: str
) -> None:
    lines = STORIES * 150  # more than one chunk per worker
    source = tmp_path / "in.jsonl"
    source.write_text(jsonl(lines), encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(source), "--workers", workers, "--full"])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == list(range(1, len(lines) + 1))
    for record, answers in zip(records, lines, strict=True):
        assessment = Assessment.model_validate(record["assessment"])
        assert assessment.model_dump() == assess(answers).model_dump()
    assert len(lines) > 2 * CHUNK_LINES


def test_bad_lines_become_error_records_and_the_batch_goes_on(runner: CliRunner) -> None:
    typed = jsonl([{"fever": "yes"}, "", '{"fever": "maybe"}', "not json", [1], {"jaundice": True}])
    result = runner.invoke(cli, ["batch", "-", "--workers", "1", "--full"], input=typed)
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert "assessment" in records[0]
    assert "assessment" in records[5]
    assert records[1]["error"] == "answers: the line is empty; expected a JSON object"
    assert '"fever" is "maybe"' in records[2]["error"]
    assert "not valid JSON" in records[3]["error"]
    assert "expected a JSON object" in records[4]["error"]
    assert result.stderr.strip().splitlines()[-1].endswith("; 4 errors")


def test_the_summary_counts_each_urgency_level(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["batch", "-", "--workers", "1"], input=jsonl(STORIES))
    assert result.exit_code == 0
    assert result.stderr.strip() == "4 lines: 1 emergency, 1 urgent, 1 soon, 1 routine; 0 errors"


def test_compact_records(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["batch", "-", "--compact", "--workers", "1"], input=jsonl([{"jaundice": "yes"}])
    )
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    full = assess({"jaundice": "yes"})
    assert record["urgency"] == "urgent"
    assert record["reasons"] == ["urgency.jaundice"]
    assert record["candidates"] == [{"id": c.id, "score": c.score} for c in full.candidates]
    assert record["unanswered_red_flags"] == full.urgency.unanswered_red_flags
    assert record["recommendation"] == full.recommendation


def test_output_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", "-", "-o", str(target)], input=jsonl(STORIES))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(target.read_text(encoding="utf-8").splitlines()) == len(STORIES)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["batch", "/no/such/file.jsonl"], "cannot read"),
        (["batch", "-", "-o", "/no/such/dir/out.jsonl"], "--output: cannot write"),
        (["batch", "-", "--workers", "0"], "--workers"),
    ],
)
def test_bad_usage_exits_2(runner: CliRunner, args: list[str], words: str) -> None:
    result = runner.invoke(cli, args, input="{}\n")
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_memory_stays_bounded_while_streaming() -> None:
    # The reader must not run ahead of the workers: count lines taken against records written.
    taken = 0
    most_ahead = 0

    def lines() -> Iterator[bytes]:
        nonlocal taken
        for _ in range(20 * CHUNK_LINES):
            taken += 1
            yield b"{}"

    written = 0

    def write(record: str) -> None:
        nonlocal written, most_ahead
        written += 1
        most_ahead = max(most_ahead, taken - written)

    summary = assess_lines(lines(), write, workers=2)
    assert summary.records == 20 * CHUNK_LINES
    assert most_ahead <= (2 * 4 + 1) * CHUNK_LINES  # the in-flight window, never the whole input


def test_the_input_is_never_overwritten(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(jsonl(STORIES), encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert "is the input file" in result.stderr
    assert source.read_text(encoding="utf-8") == jsonl(STORIES)


def test_progress_counts_every_line_written() -> None:
    seen: list[int] = []
    lines = [b"{}"] * (2 * CHUNK_LINES + 7)
    summary = assess_lines(lines, lambda record: None, workers=1, progress=seen.append)
    assert seen == [CHUNK_LINES, 2 * CHUNK_LINES, 2 * CHUNK_LINES + 7]
    assert summary.records == seen[-1]


def test_compact_is_the_default_and_full_gives_whole_assessments(runner: CliRunner) -> None:
    typed = jsonl([{"jaundice": "yes"}])
    default = runner.invoke(cli, ["batch", "-", "--workers", "1"], input=typed)
    full = runner.invoke(cli, ["batch", "-", "--workers", "1", "--full"], input=typed)
    [compact_record] = [json.loads(line) for line in default.stdout.splitlines()]
    [full_record] = [json.loads(line) for line in full.stdout.splitlines()]
    assert compact_record["urgency"] == "urgent"
    assert "assessment" not in compact_record
    assert full_record["assessment"]["urgency"]["level"] == "urgent"
    both = runner.invoke(cli, ["batch", "-", "--full", "--compact"], input=typed)
    assert both.exit_code == 2


def test_shards_numbered_from_their_first_line_join_into_one_run(
    runner: CliRunner, tmp_path: Path
) -> None:
    stories = [{"fever": "yes"}, {}, {"jaundice": "yes"}, {"smoking": "yes"}, {"age": 30}] * 9
    whole = runner.invoke(cli, ["batch", "-", "--workers", "1"], input=jsonl(stories))
    assert whole.exit_code == 0
    joined = ""
    for first in range(0, len(stories), 17):  # three shards, as split -l 17 would make them
        shard = runner.invoke(
            cli,
            ["batch", "-", "--workers", "2", "--first-line", str(first + 1)],
            input=jsonl(stories[first : first + 17]),
        )
        assert shard.exit_code == 0, shard.stderr
        joined += shard.stdout
    assert joined == whole.stdout
