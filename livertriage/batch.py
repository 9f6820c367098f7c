"""Batch triage: one answers object per input line, one record per output line, in input order.

Each output line is ``{"line": N, "assessment": {...}}``, or ``{"line": N, "error": "..."}``
for a line that could not be assessed (its message is the one the command line would print).
Nothing is skipped: a blank line is an error record too, and so is a line longer than
:data:`MAX_LINE_BYTES`, whatever its bytes. Every record is one line of UTF-8 JSON. A compact
record keeps what bulk triage needs: ``{"line": N, "urgency": ..., "reasons": [rule ids],
"candidates": [{"id", "score"}], "unanswered_red_flags": [...], "recommendation": ...}``.

The input is read in chunks and assessed by worker processes, each with the knowledge base
loaded and compiled once. At most a few chunks per worker are in flight, each of a bounded number
of lines and bytes, so memory does not grow with the size of the input or the length of its lines.
No I/O of its own: the caller gives the lines (:func:`read_lines` reads them from a file) and
takes the records.

SIGINT and SIGTERM stop a batch run in the main thread between two records: the workers are
ended, and :attr:`Summary.stopped_by` names the signal. Workers never outlive the batch.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import multiprocessing
import os
import queue
import signal
import stat
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import IO, Any

from livertriage.answers import parse_answers_json
from livertriage.errors import LiverTriageError
from livertriage.knowledge import KnowledgeBase
from livertriage.triage import evaluate, load_knowledge_base

__all__ = [
    "CHUNK_LINES",
    "MAX_LINE_BYTES",
    "LineTooLong",
    "Summary",
    "assess_lines",
    "default_workers",
    "read_lines",
    "writes_over_input",
]

#: Lines per task sent to a worker: large enough that the cost of sending is small.
CHUNK_LINES = 200
#: Bytes of input per task, at most (give or take one line): long lines make short chunks.
CHUNK_BYTES = 1024 * 1024
#: Chunks in flight per worker: enough to keep every worker busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 4
#: The longest line assessed: the limit ``assess --answers`` puts on one answers document.
MAX_LINE_BYTES = 1024 * 1024
#: A line over the limit is read past in pieces of this many bytes, never held whole.
_SKIP_BYTES = 64 * 1024
#: The signals that stop a batch; by convention the exit status is then 128 + their number.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass(frozen=True)
class LineTooLong:
    """A line longer than :data:`MAX_LINE_BYTES`, read past and not kept: only its length."""

    size: int


Line = tuple[int, bytes | LineTooLong]  # (line number, counting from 1; the line's bytes)


@dataclass
class Summary:
    """What a batch found: records written, counts per urgency level, and errors."""

    records: int = 0
    errors: int = 0
    urgency: Counter[str] = field(default_factory=Counter)
    #: The signal (SIGINT or SIGTERM) that stopped the batch, or None if none came.
    stopped_by: int | None = None

    @property
    def failed(self) -> bool:
        return self.errors > 0


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def read_lines(source: IO[bytes], limit: int = MAX_LINE_BYTES) -> Iterator[bytes | LineTooLong]:
    """The lines of ``source`` without their line ends. A line of more than ``limit`` bytes comes
    as a :class:`LineTooLong`; it is read past in small pieces, so it is never held whole."""
    while line := source.readline(limit + 2):  # room for the "\r\n" after a line at the limit
        if len(line) == limit + 2 and not line.endswith(b"\n"):
            size = _read_past(source, line)
            yield LineTooLong(size) if size > limit else line.rstrip(b"\r\n")
            continue
        line = line.rstrip(b"\r\n")
        yield line if len(line) <= limit else LineTooLong(len(line))


def _read_past(source: IO[bytes], start: bytes) -> int:
    """Read to the end of the line that begins with ``start``; its length without line end."""
    size = len(start)
    ending = size - len(start.rstrip(b"\r\n"))  # the "\r" and "\n" at the end so far
    piece = start
    while not piece.endswith(b"\n"):
        piece = source.readline(_SKIP_BYTES)
        if not piece:
            break
        size += len(piece)
        kept = len(piece.rstrip(b"\r\n"))
        ending = len(piece) - kept + (ending if kept == 0 else 0)
    return size - ending


def writes_over_input(source: IO[bytes], output_path: str) -> bool:
    """Whether writing to ``output_path`` (``"-"``: standard output) would write over the file
    that ``source`` reads: the same file by any name, a symbolic or hard link included.

    Only a regular file counts: a terminal or ``/dev/null`` can well be both input and output.
    """
    try:
        read = os.fstat(source.fileno())
        written = os.fstat(sys.stdout.fileno()) if output_path == "-" else os.stat(output_path)
    except (OSError, ValueError, AttributeError):  # no file behind one of them: nothing to lose
        return False
    return stat.S_ISREG(read.st_mode) and os.path.samestat(read, written)


# --- in each worker ------------------------------------------------------------------------------

_worker_knowledge_base: KnowledgeBase | None = None
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _start_worker(rules_dir: str | None) -> None:
    global _worker_knowledge_base
    _worker_knowledge_base = load_knowledge_base(rules_dir)


Records = list[tuple[str, str | None]]  # (a record's JSON, its urgency level or None: an error)


@dataclass(frozen=True)
class _Failed:
    """What a worker sends instead of records when it cannot go on (a bug, most likely)."""

    reason: str


def _work(tasks: Connection, results: Connection, rules_dir: str | None, compact: bool) -> None:
    """A worker process: assess each chunk that comes, send back its records, in order."""
    # Ctrl-C reaches the whole process group: the parent alone decides, and ends its workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    _end_with_parent()
    try:
        _start_worker(rules_dir)
        inbox: queue.SimpleQueue[list[Line] | None] = queue.SimpleQueue()
        threading.Thread(target=_receive, args=(tasks, inbox), daemon=True).start()
        while (chunk := inbox.get()) is not None:
            results.send(_assess_chunk(chunk, compact))
    except BaseException as error:  # noqa: BLE001  (told to the parent: never a traceback here)
        with contextlib.suppress(Exception):
            results.send(_Failed(f"{type(error).__name__}: {error}"))


def _receive(tasks: Connection, inbox: queue.SimpleQueue[list[Line] | None]) -> None:
    """Take chunks as soon as they come, so the parent never waits to send one while this
    worker waits to send it records: each would wait for the other for ever."""
    with contextlib.suppress(EOFError, OSError):  # the parent has gone
        while (chunk := tasks.recv()) is not None:
            inbox.put(chunk)
    inbox.put(None)


def _end_with_parent() -> None:
    """On Linux, have the kernel end this worker when its parent ends, however that happens
    (SIGKILL included, which the parent cannot catch to end its workers itself)."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):  # no prctl: the parent still ends them
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _assess_chunk(chunk: list[Line], compact: bool) -> Records:
    """(the record's JSON, its urgency level or None for an error) for each line of a chunk."""
    knowledge_base = _worker_knowledge_base or load_knowledge_base()
    return [_record(number, data, knowledge_base, compact) for number, data in chunk]


def _record(
    number: int, data: bytes | LineTooLong, knowledge_base: KnowledgeBase, compact: bool
) -> tuple[str, str | None]:
    try:
        if isinstance(data, LineTooLong):
            return _error(number, _too_long(data.size)), None
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
            return _one_line(json.dumps(record, ensure_ascii=False)), triage.level
        result = evaluation.assessment()
    except LiverTriageError as error:
        return _error(number, str(error)), None
    except RecursionError:  # JSON nested nearly as deep as Python allows overflows what reads it
        return _error(
            number, "answers: the line is nested too deeply; answers are not nested"
        ), None
    except Exception as error:  # noqa: BLE001  (a bug must not stop the rest of the batch)
        return _error(number, f"internal error: {type(error).__name__}: {error}"), None
    record_json = f'{{"line": {number}, "assessment": {result.model_dump_json()}}}'
    return _one_line(record_json), result.urgency.level


def _too_long(size: int) -> str:
    return (
        f"answers: the line is {size:,} bytes long; "
        f"the most a line may hold is {MAX_LINE_BYTES // 1024} KiB (one answers object)"
    )


def _error(number: int, message: str) -> str:
    # A message may quote a lone surrogate from the line ("\ud800"), which UTF-8 cannot hold.
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return _one_line(json.dumps({"line": number, "error": message}, ensure_ascii=False))


#: Line breaks that JSON leaves as they are, but that readers splitting on every Unicode line
#: break (Python's str.splitlines) would cut a record at. Only JSON strings can hold them.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _one_line(record_json: str) -> str:
    for char, escape in _LINE_BREAKS.items():
        if char in record_json:
            record_json = record_json.replace(char, escape)
    return record_json


# --- in the calling process ----------------------------------------------------------------------


class _Stop(BaseException):
    """Raised by a stop signal to leave a wait (for a worker's result, for a line from a pipe).
    Not an error: it never leaves :func:`assess_lines`."""


class _StopSignals:
    """SIGINT and SIGTERM while a batch runs (in the main thread, the only one they can reach).

    A signal is noted, and acted on only at safe points: at once in the middle of a wait, and
    otherwise after the record being written. Raised anywhere else, it could land inside a
    library, which may swallow it, or half-way through writing a record.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self._raised = False
        self._waiting = False
        self._pid = os.getpid()
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, signal.SIG_DFL if previous is None else previous)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if os.getpid() != self._pid:  # a worker just forked, before its own set-up: as by default
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if self.received is None:
            self.received = signum
        if self._waiting:
            self.check()

    def check(self) -> None:
        """Stop here if a signal came (only once: the batch is then stopping)."""
        if self.received is not None and not self._raised:
            self._raised = True
            raise _Stop

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """A wait that a signal ends at once."""
        self._waiting = True  # first, so that a signal from here on is not missed
        try:
            self.check()
            yield
        finally:
            self._waiting = False

    def lines(self, lines: Iterable[bytes | LineTooLong]) -> Iterator[bytes | LineTooLong]:
        """``lines``, read so that a signal ends a read that waits (on a pipe, a terminal)."""
        iterator = iter(lines)
        while True:
            with self.waiting():
                line = next(iterator, None)
            if line is None:
                return
            yield line


def _chunks(lines: Iterable[bytes | LineTooLong], first_line: int = 1) -> Iterator[list[Line]]:
    chunk: list[Line] = []
    size = 0
    for number, data in enumerate(lines, start=first_line):
        chunk.append((number, data))
        size += len(data) if isinstance(data, bytes) else 0
        if len(chunk) == CHUNK_LINES or size >= CHUNK_BYTES:
            yield chunk
            chunk = []
            size = 0
    if chunk:
        yield chunk


def assess_lines(
    lines: Iterable[bytes | LineTooLong],
    write: Callable[[str], object],
    *,
    workers: int,
    compact: bool = False,
    rules_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
    first_line: int = 1,
) -> Summary:
    """Assess every line with ``workers`` processes; ``write`` each record in input order.

    Records are numbered from ``first_line``: a shard of a larger input, run on its own, keeps
    the line numbers of the whole, so that joined shards equal one run.

    ``progress`` is told how many lines have been written so far, after each chunk. Called in
    the main thread, SIGINT and SIGTERM stop the batch between two records (every record is
    written whole) and end its workers; the summary's ``stopped_by`` is then the signal.
    """
    summary = Summary()
    stop = _StopSignals()

    def take(records: Records) -> None:
        for record, level in records:
            write(record)
            summary.records += 1
            if level is None:
                summary.errors += 1
            else:
                summary.urgency[level] += 1
        if progress is not None:
            progress(summary.records)
        stop.check()

    rules = str(rules_dir) if rules_dir else None
    chunks = _chunks(stop.lines(lines), first_line)
    try:
        with stop:
            if workers <= 1:
                _start_worker(rules)
                for chunk in chunks:
                    take(_assess_chunk(chunk, compact))
            else:
                _assess_in_workers(chunks, take, workers, compact, rules, stop)
    except _Stop:
        pass
    except WorkerLost:
        if stop.received is None:  # it ended on its own, not with the batch stopping
            raise
    summary.stopped_by = stop.received
    return summary


class WorkerLost(RuntimeError):
    """A worker process ended before its work was done (killed, out of memory, or a bug)."""


@dataclass
class _Worker:
    """A worker process and the parent's ends of its two pipes; only it holds the other ends,
    so when it ends, for whatever reason, reading its records meets the end of the pipe."""

    process: BaseProcess
    tasks: Connection
    results: Connection


def _start_workers(count: int, rules: str | None, compact: bool) -> list[_Worker]:
    context = multiprocessing.get_context()
    workers: list[_Worker] = []
    try:
        for _ in range(count):
            task_reader, task_writer = context.Pipe(duplex=False)
            result_reader, result_writer = context.Pipe(duplex=False)
            process = context.Process(
                target=_work,
                args=(task_reader, result_writer, rules, compact),
                name="livertriage-batch",
                daemon=True,  # ended at exit too, should anything be left
            )
            workers.append(_Worker(process, task_writer, result_reader))
            process.start()
            task_reader.close()  # the worker's ends: before the next worker inherits them
            result_writer.close()
    except BaseException:
        _end_workers(workers, graceful=False)
        raise
    return workers


def _assess_in_workers(
    chunks: Iterator[list[Line]],
    take: Callable[[Records], None],
    count: int,
    compact: bool,
    rules: str | None,
    stop: _StopSignals,
) -> None:
    """Chunks go to the workers in turn, so records come back in input order: the next is
    always from the worker given the oldest chunk still out."""
    workers = _start_workers(count, rules, compact)
    in_flight: deque[_Worker] = deque()
    finished = False
    try:
        for index, chunk in enumerate(chunks):
            worker = workers[index % count]
            _send(worker, chunk, stop)
            in_flight.append(worker)
            if len(in_flight) >= count * IN_FLIGHT_PER_WORKER:
                take(_records(in_flight.popleft(), stop))
        while in_flight:
            take(_records(in_flight.popleft(), stop))
        finished = True
    finally:
        _end_workers(workers, graceful=finished)


def _send(worker: _Worker, chunk: list[Line], stop: _StopSignals) -> None:
    try:
        with stop.waiting():
            worker.tasks.send(chunk)
    except OSError:  # its end is closed: it has ended
        raise _lost(worker, "") from None


def _records(worker: _Worker, stop: _StopSignals) -> Records:
    try:
        with stop.waiting():
            message: Records | _Failed = worker.results.recv()
    except (EOFError, OSError):
        raise _lost(worker, "") from None
    if isinstance(message, _Failed):
        raise _lost(worker, f": {message.reason}")
    return message


def _lost(worker: _Worker, reason: str) -> WorkerLost:
    worker.process.join(timeout=5)  # to tell how it ended, if it has
    return WorkerLost(
        f"a batch worker process ended (exit status {worker.process.exitcode}){reason}"
    )


def _end_workers(workers: list[_Worker], *, graceful: bool) -> None:
    """End every worker: at once when the batch stopped early, since what they still hold is
    not wanted (killing one is safe: nobody else reads its pipe); else once they are idle."""
    started = [worker for worker in workers if worker.process.pid is not None]
    for worker in started:
        if graceful:  # no more work: each worker ends once it has read this
            with contextlib.suppress(OSError):
                worker.tasks.send(None)
        else:
            worker.process.kill()
    for worker in workers:
        worker.tasks.close()
    for worker in started:
        worker.process.join(timeout=10)
        if worker.process.exitcode is None:  # it should have ended by now: do not wait on it
            worker.process.kill()
            worker.process.join()
    for worker in workers:
        worker.results.close()
