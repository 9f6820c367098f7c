"""An independent oracle for the engine: a direct evaluator of a rule graph, in the tests only.

It reads each rule's condition as rules/README.md defines it and evaluates it with plain Python:
the findings first, in dependency order, then every other rule the graph runs. It shares no
code with :mod:`livertriage.engine` (which compiles the conditions into experta patterns), so
a differential test of the two checks the compilation and experta's matching at once.
"""

from __future__ import annotations

from collections.abc import Mapping

from livertriage.answers import AnswerValue
from livertriage.engine import RECOMMENDATION_RULE
from livertriage.graph import RuleGraph
from livertriage.models import AskRule, Condition, FindingRule


def holds(
    when: Condition,
    answers: Mapping[str, AnswerValue],
    findings: set[str],
    age_question: str | None,
    *,
    unknown_opens: bool,
) -> bool:
    """Whether a condition holds. With ``unknown_opens`` (ask rules), "don't know" counts as
    the answer it may hide, and an unknown age meets every age condition."""
    yes = {"yes", "unknown"} if unknown_opens else {"yes"}
    no = {"no", "unknown"} if unknown_opens else {"no"}
    if not all(answers.get(q) in yes for q in when.yes):
        return False
    if not all(answers.get(q) in no for q in when.no):
        return False
    if when.any_yes and not any(answers.get(q) in yes for q in when.any_yes):
        return False
    if when.any_unknown and not any(answers.get(q) == "unknown" for q in when.any_unknown):
        return False
    if when.uses_age:
        age = answers.get(age_question) if age_question else None
        if not (unknown_opens and age == "unknown"):
            if not isinstance(age, int) or isinstance(age, bool):
                return False
            if when.age_at_least is not None and age < when.age_at_least:
                return False
            if when.age_below is not None and age >= when.age_below:
                return False
    return all(finding in findings for finding in when.findings)


def oracle_fired(graph: RuleGraph, answers: Mapping[str, AnswerValue]) -> frozenset[str]:
    """The ids of the rules whose conditions hold, as the engine should fire them."""
    age_question = graph.knowledge_base.age_question
    running = set(graph.running)
    held: set[str] = set()
    for finding_id in graph.findings_order:
        rule = graph.rules[finding_id].rule
        assert isinstance(rule, FindingRule)
        if finding_id in running and holds(
            rule.when, answers, held, age_question, unknown_opens=False
        ):
            held.add(finding_id)
    fired = set(held) | {RECOMMENDATION_RULE}
    for rule_id in graph.running:
        rule = graph.rules[rule_id].rule
        if isinstance(rule, FindingRule):
            continue
        if holds(rule.when, answers, held, age_question, unknown_opens=isinstance(rule, AskRule)):
            fired.add(rule_id)
    return frozenset(fired)
