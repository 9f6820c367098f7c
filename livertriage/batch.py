"""Batch triage: one answers object per input line, one record per output line, in input order.

Each output line is ``{"line": N, "assessment": {...}}``, or ``{"line": N, "error": "..."}``
for a line that could not be assessed (its message is the one the command line would print).
Nothing is skipped: a blank line is an error record too. A compact record keeps what bulk
triage needs: ``{"line": N, "urgency": ..., "reasons": [rule ids], "candidates": [{"id", "score"}],
"unanswered_red_flags": [...], "recommendation": ...}``.

The input is read in chunks and assessed by worker processes, each with the knowledge base
loaded and compiled once. At most a few chunks per worker are in flight, so memory does not grow
with the size of the input. No I/O of its own: the caller gives the lines and takes the records.
"""

from __future__ import annotations

import json
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from livertriage.answers import parse_answers_json
from livertriage.errors import LiverTriageError
from livertriage.knowledge import KnowledgeBase
from livertriage.triage import evaluate, load_knowledge_base

__all__ = ["CHUNK_LINES", "Summary", "assess_lines", "default_workers"]

#: Lines per task sent to a worker: large enough that the cost of sending is small.
CHUNK_LINES = 200
#: Chunks in flight per worker: enough to keep every worker busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 4

Line = tuple[int, bytes]  # (line number, counting from 1; the line's bytes)


@dataclass
class Summary:
    """What a batch found: records written, counts per urgency level, and errors."""

    records: int = 0
    errors: int = 0
    urgency: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> bool:
        return self.errors > 0


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --- in each worker ------------------------------------------------------------------------------

_worker_knowledge_base: KnowledgeBase | None = None


def _start_worker(rules_dir: str | None) -> None:
    global _worker_knowledge_base
    _worker_knowledge_base = load_knowledge_base(rules_dir)


def _assess_chunk(chunk: list[Line], compact: bool) -> list[tuple[str, str | None]]:
    """(the record's JSON, its urgency level or None for an error) for each line of a chunk."""
    knowledge_base = _worker_knowledge_base or load_knowledge_base()
    return [_record(number, data, knowledge_base, compact) for number, data in chunk]


def _record(
    number: int, data: bytes, knowledge_base: KnowledgeBase, compact: bool
) -> tuple[str, str | None]:
    try:
        if not data.strip():
            return _error(number, "answers: the line is empty; expected a JSON object"), None
        answers = parse_answers_json(data, knowledge_base.catalogue)
        evaluation = evaluate(answers, knowledge_base)
        if compact:  # the essentials only: no explanations to assemble
            triage = evaluation.triage()
            record = {
                "line": number,
                "urgency": triage.level,
                "reasons": [r.id for r in triage.reasons if r.level == triage.level],
                "candidates": [{"id": cause.id, "score": score} for cause, score in triage.ranking],
                "unanswered_red_flags": list(triage.unanswered_red_flags),
                "recommendation": triage.recommendation,
            }
            return json.dumps(record, ensure_ascii=False), triage.level
        result = evaluation.assessment()
    except LiverTriageError as error:
        return _error(number, str(error)), None
    except Exception as error:  # noqa: BLE001  (a bug must not stop the rest of the batch)
        return _error(number, f"internal error: {type(error).__name__}: {error}"), None
    return f'{{"line": {number}, "assessment": {result.model_dump_json()}}}', result.urgency.level


def _error(number: int, message: str) -> str:
    return json.dumps({"line": number, "error": message}, ensure_ascii=False)


# --- in the calling process ----------------------------------------------------------------------


def _chunks(lines: Iterable[bytes]) -> Iterator[list[Line]]:
    chunk: list[Line] = []
    for number, data in enumerate(lines, start=1):
        chunk.append((number, data))
        if len(chunk) == CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def assess_lines(
    lines: Iterable[bytes],
    write: Callable[[str], object],
    *,
    workers: int,
    compact: bool = False,
    rules_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Assess every line with ``workers`` processes; ``write`` each record in input order.

    ``progress`` is told how many lines have been written so far, after each chunk.
    """
    summary = Summary()

    def take(records: list[tuple[str, str | None]]) -> None:
        for record, level in records:
            write(record)
            summary.records += 1
            if level is None:
                summary.errors += 1
            else:
                summary.urgency[level] += 1
        if progress is not None:
            progress(summary.records)

    rules = str(rules_dir) if rules_dir else None
    if workers <= 1:
        _start_worker(rules)
        for chunk in _chunks(lines):
            take(_assess_chunk(chunk, compact))
        return summary

    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(rules,)) as pool:
        in_flight: deque[Future[list[tuple[str, str | None]]]] = deque()
        for chunk in _chunks(lines):
            in_flight.append(pool.submit(_assess_chunk, chunk, compact))
            if len(in_flight) >= workers * IN_FLIGHT_PER_WORKER:
                take(in_flight.popleft().result())  # the oldest first: input order
        while in_flight:
            take(in_flight.popleft().result())
    return summary
