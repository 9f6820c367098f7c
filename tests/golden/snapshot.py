"""The behaviour snapshot for refactoring the engine and the graph (issue 12): before and after,
the same seeded answer sets must give byte-identical assessments, and the same seeded simulated
interviews must ask the same questions in the same order.

Regenerate the snapshot (only when a change is meant to alter behaviour, such as a rules edit):

    .venv/bin/python -m tests.golden.snapshot

It writes ``views.sha256`` (the person's and the clinician's view of every public vignette, in
text and Markdown: wording is behaviour too), ``assessments.sha256`` (one line per answer set:
its number and the SHA-256 of ``assess(answers).model_dump_json()``) and ``interviews.sha256``
(one line per interview: its number and the SHA-256 of the question ids asked, in order).
"""

from __future__ import annotations

import hashlib
import random
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from livertriage import Interview, KnowledgeBase, assess, load_knowledge_base
from livertriage.answers import AnswerValue
from livertriage.report import render

HERE = Path(__file__).parent
ASSESSMENTS = HERE / "assessments.sha256"
INTERVIEWS = HERE / "interviews.sha256"
VIEWS = HERE / "views.sha256"
VIGNETTES = HERE.parents[1] / "features" / "vignettes.toml"
#: Each vignette's report as a person and a clinician read it, in text and Markdown.
VIEW_KINDS = (("text", False), ("markdown", False), ("text", True), ("markdown", True))
ANSWER_SETS = 10_000
SIMULATED_INTERVIEWS = 2_000
_YES_NO: tuple[AnswerValue, ...] = ("yes", "no", "unknown")


def answer_sets(
    knowledge_base: KnowledgeBase, count: int, seed: int = 12
) -> Iterator[dict[str, AnswerValue]]:
    """Seeded answer sets over the whole catalogue: each question left out, or answered."""
    rng = random.Random(seed)
    for _ in range(count):
        answers: dict[str, AnswerValue] = {}
        for question in knowledge_base.questions:
            if rng.random() < 0.5:
                continue
            if question.kind == "age":
                answers[question.id] = rng.choice([0, 1, 5, 15, 16, 30, 50, 70, "unknown"])
            else:
                answers[question.id] = rng.choice(_YES_NO)
        yield answers


def hidden_answer_sets(
    knowledge_base: KnowledgeBase, count: int, seed: int = 21
) -> Iterator[dict[str, AnswerValue]]:
    """Seeded "true" answers to every question asked, for simulated interviews."""
    rng = random.Random(seed)
    for _ in range(count):
        hidden: dict[str, AnswerValue] = {}
        for question in knowledge_base.questions:
            if question.kind == "age":
                hidden[question.id] = rng.choice([0, 5, 15, 30, 70, "unknown"])
            else:
                hidden[question.id] = rng.choice(("no",) * 5 + ("yes", "yes", "unknown"))
        yield hidden


def assessment_digest(knowledge_base: KnowledgeBase, answers: dict[str, AnswerValue]) -> str:
    text = assess(answers, knowledge_base=knowledge_base).model_dump_json()
    return hashlib.sha256(text.encode()).hexdigest()


def interview_digest(knowledge_base: KnowledgeBase, hidden: dict[str, AnswerValue]) -> str:
    interview = Interview(knowledge_base)
    asked: list[str] = []
    while (question := interview.current) is not None:
        asked.append(question.id)
        interview.answer(question.id, hidden[question.id])
    return hashlib.sha256(",".join(asked).encode()).hexdigest()


def view_digests(knowledge_base: KnowledgeBase) -> list[str]:
    """One line per vignette and view: "<vignette id> <format>/<view> <SHA-256>"."""
    vignettes = tomllib.loads(VIGNETTES.read_text(encoding="utf-8"))["vignette"]
    lines = []
    for vignette in vignettes:
        result = assess(vignette["answers"], knowledge_base=knowledge_base)
        for fmt, details in VIEW_KINDS:
            text = render(result, knowledge_base, fmt, details=details)  # type: ignore[arg-type]
            view = "details" if details else "person"
            digest = hashlib.sha256(text.encode()).hexdigest()
            lines.append(f"{vignette['id']} {fmt}/{view} {digest}")
    return lines


def read(path: Path) -> list[str]:
    return [line.split()[1] for line in path.read_text(encoding="utf-8").splitlines()]


def main() -> None:
    knowledge_base = load_knowledge_base()
    with ASSESSMENTS.open("w", encoding="utf-8") as out:
        for number, answers in enumerate(answer_sets(knowledge_base, ANSWER_SETS)):
            out.write(f"{number} {assessment_digest(knowledge_base, answers)}\n")
    with INTERVIEWS.open("w", encoding="utf-8") as out:
        for number, hidden in enumerate(hidden_answer_sets(knowledge_base, SIMULATED_INTERVIEWS)):
            out.write(f"{number} {interview_digest(knowledge_base, hidden)}\n")
    VIEWS.write_text("\n".join(view_digests(knowledge_base)) + "\n", encoding="utf-8")
    print(f"wrote {ASSESSMENTS}, {INTERVIEWS} and {VIEWS}", file=sys.stderr)


if __name__ == "__main__":
    main()
