"""experta's firings equal an independent direct evaluator's (tests/oracle.py), for every rule
the assessment and the interview run, over seeded random answer sets: 1,000 in make test, and
10,000 in make test-long (marker ``long``)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from livertriage import KnowledgeBase, load_knowledge_base
from livertriage.answers import AnswerValue
from livertriage.engine import fired
from livertriage.triage import rule_graph
from tests.oracle import oracle_fired


def random_answer_sets(
    knowledge_base: KnowledgeBase, count: int, seed: int
) -> Iterator[dict[str, AnswerValue]]:
    rng = random.Random(seed)
    for _ in range(count):
        answers: dict[str, AnswerValue] = {}
        for question in knowledge_base.questions:
            if rng.random() < 0.4:
                continue  # not asked
            if question.kind == "age":
                answers[question.id] = rng.choice([rng.randint(0, 120), "unknown"])
            else:
                answers[question.id] = rng.choice(("yes", "no", "unknown"))
        yield answers


def differences(count: int, seed: int) -> list[tuple[dict[str, AnswerValue], bool]]:
    knowledge_base = load_knowledge_base()
    return [
        (answers, interview)
        for interview in (False, True)
        for graph in (rule_graph(knowledge_base, interview=interview),)
        for answers in random_answer_sets(knowledge_base, count, seed)
        if fired(graph, answers) != oracle_fired(graph, answers)
    ]


def test_experta_fires_what_the_oracle_fires() -> None:
    assert differences(1_000, seed=7)[:3] == []


@pytest.mark.long
def test_experta_fires_what_the_oracle_fires_over_ten_thousand_answer_sets() -> None:
    assert differences(10_000, seed=8)[:3] == []


def test_the_oracle_is_not_the_engine() -> None:
    """The oracle notices a rule that fires where its condition does not hold: a test of the
    test, so that agreement means something."""
    knowledge_base = load_knowledge_base()
    graph = rule_graph(knowledge_base)
    answers: dict[str, AnswerValue] = {"fever": "yes", "night_sweats": "no"}
    assert "constitutional_symptoms" not in oracle_fired(graph, answers)
    assert "constitutional_symptoms" in oracle_fired(graph, {**answers, "night_sweats": "yes"})
    assert "urgency.vomiting_blood" in oracle_fired(graph, {"vomiting_blood": "yes"})
    assert "urgency.vomiting_blood" not in oracle_fired(graph, {"vomiting_blood": "unknown"})
