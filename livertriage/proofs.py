"""Checking a knowledge base by running its rules: the safety promises, proven.

Loading proves the urgency floor of docs/contract.md §2 (:mod:`livertriage.floor`). ``livertriage
rules check``
(:func:`check_knowledge_base`) reports every problem of the reading and its checks
(:mod:`livertriage.knowledge`), and then, when nothing else is wrong, proves the floor and two
more promises, which take a little longer:

- "don't know" never lowers the urgency: for every urgency rule that needs a "no" (directly or
  through its findings), the answers that make it fire, with that "no" turned into "don't know",
  still reach its level;
- no stop rule ends the interview while a question it skips could still raise the urgency: an
  interview in which the stop rule holds is run to its end, and each question it left unasked is
  answered yes, then don't know, to see that the urgency does not rise.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from livertriage.answers import AnswerValue
from livertriage.engine import fired
from livertriage.errors import Problem
from livertriage.floor import floor_problems
from livertriage.graph import RuleGraph, compile_graph
from livertriage.interview import Interview
from livertriage.knowledge import KnowledgeBase, default_rules_dir, inspect_rules
from livertriage.models import Condition, urgency_rank

__all__ = ["check_knowledge_base", "safety_problems"]


def check_knowledge_base(path: str | Path | None = None) -> tuple[Problem, ...]:
    """Every problem in a rules directory (the shipped one when ``path`` is None): errors, which
    stop it from loading, and warnings. When nothing else is wrong, the urgency floor, "don't know"
    never lowering the urgency, and stop rules never skipping a question that could raise it are
    proven by running the rules.
    """
    knowledge_base, problems = inspect_rules(Path(path) if path else default_rules_dir())
    if knowledge_base is None or any(p.severity == "error" for p in problems):
        return problems
    problems += tuple(floor_problems(compile_graph(knowledge_base)))
    if not any(p.severity == "error" for p in problems):
        problems += tuple(safety_problems(knowledge_base))
    return problems


def safety_problems(kb: KnowledgeBase) -> Iterator[Problem]:
    """Every broken promise of the two kinds above, each naming its rule."""
    graph = compile_graph(kb)
    yield from _unknown_lowers(kb, graph)
    yield from _stop_skips(kb, graph)


def _firing_answers(kb: KnowledgeBase, when: Condition) -> dict[str, AnswerValue] | None:
    """Answers that make ``when`` hold, the fewest it needs; None if it needs a contradiction."""
    findings = {finding.id: finding.when for finding in kb.findings}
    answers: dict[str, AnswerValue] = {}

    def need(condition: Condition, seen: frozenset[str]) -> bool:
        wanted: list[tuple[str, AnswerValue]] = [(q, "yes") for q in condition.yes]
        wanted += [(q, "no") for q in condition.no]
        if condition.any_yes and not any(answers.get(q) == "yes" for q in condition.any_yes):
            wanted.append((condition.any_yes[0], "yes"))
        if condition.any_unknown:
            wanted.append((condition.any_unknown[0], "unknown"))
        if condition.uses_age and kb.age_question:
            low = condition.age_at_least or 0
            wanted.append((kb.age_question, low))
        for question, value in wanted:
            if answers.setdefault(question, value) != value:
                return False
        return all(
            need(findings[f], seen | {f})
            for f in condition.findings
            if f in findings and f not in seen
        )

    return answers if need(when, frozenset()) else None


def _unknown_lowers(kb: KnowledgeBase, graph: RuleGraph) -> Iterator[Problem]:
    for rule in kb.urgency:
        answers = _firing_answers(kb, rule.when)
        if answers is None or rule.id not in fired(graph, answers):
            continue
        for question, value in answers.items():
            if value != "no":
                continue
            level = graph.urgency_level(fired(graph, {**answers, question: "unknown"}))
            if urgency_rank(level) < urgency_rank(rule.level):
                yield Problem(
                    "urgency.toml",
                    rule.id,
                    f'"don\'t know" lowers the urgency: with {question} answered no this rule '
                    f"gives {rule.level!r}, but with don't know the answers reach only {level!r}; "
                    "add a rule for the unknown answer",
                )


def _stop_skips(kb: KnowledgeBase, graph: RuleGraph) -> Iterator[Problem]:
    for stop in kb.stops:
        start = _firing_answers(kb, stop.when)
        if start is None:
            continue
        interview = Interview(kb, start)
        while (question := interview.current) is not None:
            interview.answer(question.id, 45 if question.kind == "age" else "no")
        if interview.ending is None or interview.ending.rule != stop.id:
            continue
        answers = interview.answers
        level = interview.evaluation.urgency_level
        relevant = interview.evaluation.relevant_questions
        for skipped in (q for q in relevant if q not in answers):
            kind = kb.catalogue[skipped].kind
            values: tuple[AnswerValue, ...] = ("yes", "unknown") if kind == "yes_no" else (0, 15)
            for value in values:
                reached = graph.urgency_level(fired(graph, {**answers, skipped: value}))
                if urgency_rank(reached) > urgency_rank(level):
                    yield Problem(
                        "questions.toml",
                        stop.id,
                        f"ends the interview before {skipped!r}, whose answer {value!r} would "
                        f"raise the urgency from {level!r} to {reached!r}",
                    )
                    break
