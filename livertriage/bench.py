"""The benchmark: ``python -m livertriage.bench`` (``make bench``). Prints Markdown.

Measures, each as a median (or a percentile) over repeated runs:

- cold start: the whole-process time of ``livertriage assess`` on one answers file, against the
  stack's floor (a bare interpreter that imports experta with the shim and click, and defines and
  dumps one pydantic model);
- ``assess()`` per answer set, over 1,500 random answer sets from the whole catalogue; with
  ``--against DIR`` (another checkout, say the commit before a change), also the ratio of this
  tree's median to that tree's, each measured in its own process, alternately, several times;
- the interview's latency per answer (answer in, next question out);
- ``livertriage batch`` throughput with 2 workers, and peak memory (RSS) of the process tree;
  for compact records (batch's default), against the ideal two-worker rate: twice the rate of
  ``assess()`` in one process.

Random answer sets: every question is left out, or answered yes, no or don't know, with equal
chances; the age is left out or a random whole number of years. The seed is fixed.

This is a benchmark, not a test: it prints figures and never fails because of them.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from livertriage import Interview, KnowledgeBase, assess, load_knowledge_base
from livertriage.answers import AnswerValue

__all__ = ["main", "random_answers"]

FLOOR = (
    "import collections, collections.abc\n"
    "collections.Mapping = collections.abc.Mapping\n"
    "import experta, click, pydantic\n"
    "class Model(pydantic.BaseModel):\n"
    "    value: int = 1\n"
    "print(Model().model_dump_json())\n"
)


def random_answers(knowledge_base: KnowledgeBase, rng: random.Random) -> dict[str, AnswerValue]:
    answers: dict[str, AnswerValue] = {}
    for question in knowledge_base.questions:
        if question.kind == "age":
            if rng.random() < 0.5:
                answers[question.id] = rng.randint(0, 120)
            continue
        choice = rng.choice(("left out", "yes", "no", "unknown"))
        if choice != "left out":
            answers[question.id] = choice  # type: ignore[assignment]
    return answers


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


# --- the measurements -----------------------------------------------------------------------------


def cold_start(runs: int, answers_file: Path) -> tuple[float, float]:
    """(median seconds for livertriage assess, median seconds for the floor)."""
    command = [sys.executable, "-m", "livertriage", "assess", "--answers", str(answers_file)]
    ours, floor = [], []
    for _ in range(runs):  # interleaved, so both see the same machine
        ours.append(
            timed(
                lambda: subprocess.run(
                    [*command, "--format", "json"], check=True, capture_output=True
                )
            )
        )
        floor.append(
            timed(
                lambda: subprocess.run(
                    [sys.executable, "-c", FLOOR], check=True, capture_output=True
                )
            )
        )
    return statistics.median(ours), statistics.median(floor)


# One process's assess() median in µs, for --against: random_answers and assess_times (same
# seed, same draws) and only public names, so that any checkout of livertriage can run it.
_ASSESS_MEDIAN = """
import statistics, time
import livertriage
from livertriage import assess, load_knowledge_base
times = assess_times(load_knowledge_base(), COUNT, random.Random(20261125))
print(statistics.median(times) * 1e6)
"""


def assess_ratio(against: Path, rounds: int, count: int) -> list[tuple[float, float]]:
    """(this tree's median, the other tree's), in µs, for each of ``rounds`` alternating runs."""
    here = str(Path(__file__).resolve().parent.parent)
    code = "\n".join(
        (
            "from __future__ import annotations",  # random_answers' annotations stay unread
            "import random",
            inspect.getsource(random_answers),
            inspect.getsource(assess_times),
            _ASSESS_MEDIAN.replace("COUNT", str(count)),
        )
    )

    def median_in(tree: str) -> float:
        # Run in the tree, too: "python -c" puts the working folder first on the path.
        environment = {**os.environ, "PYTHONPATH": tree}
        done = subprocess.run(
            [sys.executable, "-c", code + f"\nassert livertriage.__file__.startswith({tree!r})"],
            check=False,
            capture_output=True,
            env=environment,
            cwd=tree,
        )
        if done.returncode != 0:
            raise SystemExit(f"assess() in {tree} failed:\n{done.stderr.decode(errors='replace')}")
        return float(done.stdout)

    return [(median_in(here), median_in(str(against))) for _ in range(rounds)]


def assess_times(knowledge_base: KnowledgeBase, count: int, rng: random.Random) -> list[float]:
    answer_sets = [random_answers(knowledge_base, rng) for _ in range(count)]
    for answers in answer_sets[:50]:  # warm up: compile, first-use caches
        assess(answers, knowledge_base=knowledge_base)
    times = []
    for answers in answer_sets:
        start = time.perf_counter()
        assess(answers, knowledge_base=knowledge_base)
        times.append(time.perf_counter() - start)
    return times


def two_workers_rate(times: Sequence[float]) -> float:
    """Records per second of two workers, each as fast as ``times`` (seconds per record)."""
    return 2 * len(times) / sum(times)


def interview_times(knowledge_base: KnowledgeBase, count: int, rng: random.Random) -> list[float]:
    """The time from an answer to the next question, over ``count`` random interviews."""
    times = []
    for _ in range(count):
        interview = Interview(knowledge_base)
        while (question := interview.current) is not None:
            value: AnswerValue
            if question.kind == "age":
                value = rng.randint(16, 90)
            else:
                value = rng.choices(("yes", "no", "unknown"), weights=(1, 4, 1))[0]
            start = time.perf_counter()
            interview.answer(question.id, value)
            interview.current  # noqa: B018  (the next question is the point)
            times.append(time.perf_counter() - start)
    return times


def _tree_rss(pid: int) -> dict[int, int]:
    """RSS in bytes of a process and all its descendants, from /proc."""
    found: dict[int, int] = {}
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            rss = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
            found[current] = int(rss.split()[1]) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return found


def batch_run(
    knowledge_base: KnowledgeBase, lines: int, workers: int, compact: bool, directory: Path
) -> tuple[float, int, int]:
    """(records per second, peak RSS of the whole tree, peak RSS of one process)."""
    rng = random.Random(lines)
    source, target = directory / f"in-{lines}.jsonl", directory / "out.jsonl"
    if not source.exists():
        with source.open("w", encoding="utf-8") as stream:
            for _ in range(lines):
                stream.write(json.dumps(random_answers(knowledge_base, rng)) + "\n")
    command = [
        sys.executable,
        "-m",
        "livertriage",
        "batch",
        str(source),
        "-o",
        str(target),
        "--workers",
        str(workers),
    ] + ([] if compact else ["--full"])
    peaks = {"tree": 0, "one": 0}
    start = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            sizes = _tree_rss(process.pid)
            if sizes:
                peaks["tree"] = max(peaks["tree"], sum(sizes.values()))
                peaks["one"] = max(peaks["one"], max(sizes.values()))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    target.unlink(missing_ok=True)
    if code != 0:
        raise SystemExit(f"batch failed with exit status {code}")
    return lines / elapsed, peaks["tree"], peaks["one"]


# --- the report -----------------------------------------------------------------------------------


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model}, {cores} cores, Python {platform.python_version()}, {platform.system()}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m livertriage.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="far fewer runs: a smoke test")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="DIR",
        help="another checkout of livertriage: compare assess() with it (see docs/performance.md)",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    knowledge_base = load_knowledge_base()
    rng = random.Random(20261125)
    mb = 1024 * 1024

    print(f"Machine: {machine()}\n")
    print("| measure | result | target |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        answers_file = directory / "answers.json"
        answers_file.write_text(json.dumps(random_answers(knowledge_base, rng)), encoding="utf-8")
        cold_start(1, answers_file)  # the first start fills the knowledge-base cache
        ours, floor = cold_start(3 if quick else 15, answers_file)
        print(
            f"| cold start: `livertriage assess`, median | {ours * 1000:.0f} ms "
            f"= {ours / floor:.2f} × the floor ({floor * 1000:.0f} ms) | ≤ 1.5 × the floor |"
        )
        times = assess_times(knowledge_base, 150 if quick else 1500, rng)
        print(
            f"| `assess()` per answer set, median (p90, p99) | "
            f"{statistics.median(times) * 1e6:.0f} µs ({percentile(times, 0.9) * 1e6:.0f}, "
            f"{percentile(times, 0.99) * 1e6:.0f}) | — |"
        )
        if args.against is not None:
            pairs = assess_ratio(args.against, 3 if quick else 12, 150 if quick else 1500)
            ratio = statistics.median(here / there for here, there in pairs)
            print(
                f"| `assess()` median against `{args.against}`, {len(pairs)} alternating runs "
                f"| {ratio:.2f} × (this tree {statistics.median(p[0] for p in pairs):.0f} µs, "
                f"that one {statistics.median(p[1] for p in pairs):.0f} µs) | ≤ 0.80 × |"
            )

        steps = interview_times(knowledge_base, 20 if quick else 300, rng)
        print(
            f"| interview, answer in to next question, median (p99) | "
            f"{statistics.median(steps) * 1000:.2f} ms ({percentile(steps, 0.99) * 1000:.2f} ms)"
            f" | ≤ 5 ms p99 |"
        )
        sizes = (1_000,) if quick else (10_000, 100_000)
        for compact in (False, True):
            style = "compact records" if compact else "full assessments"
            for lines in sizes:
                # The ideal: two workers, each at the in-process assess() rate, measured just
                # before, so that both figures see the same (shared, noisy) machine.
                ideal = (
                    two_workers_rate(assess_times(knowledge_base, 100 if quick else 1000, rng))
                    if compact
                    else None
                )
                rate, tree, one = batch_run(knowledge_base, lines, 2, compact, directory)
                share = f" = {rate / ideal:.0%} of the ideal {ideal:,.0f}" if ideal else ""
                print(
                    f"| `batch`, {lines:,} lines, 2 workers, {style} | {rate:,.0f} records/s"
                    f"{share}; peak RSS {tree / mb:.0f} MB in all, {one / mb:.0f} MB in one "
                    f"process | {'≥ 85% of the ideal; ' if compact else ''}≤ 150 MB, flat |"
                )


if __name__ == "__main__":
    main()
