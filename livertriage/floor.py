"""The urgency floor of docs/contract.md §2, proven by running a knowledge base's rules.

Every load proves it (:func:`livertriage.triage.load_knowledge_base`), and so does ``livertriage
rules check``: a rules directory whose rules go under the floor is never used.
"""

from __future__ import annotations

from collections.abc import Iterator

from livertriage.answers import AnswerValue
from livertriage.engine import fired
from livertriage.errors import Problem
from livertriage.graph import RuleGraph
from livertriage.models import urgency_rank
from livertriage.safety import FLOOR_TRIGGERS

__all__ = ["floor_problems"]


def floor_problems(graph: RuleGraph) -> Iterator[Problem]:
    """The contract's floor, proven by running the rules: answers can only add urgency, so the
    trigger answers alone are the hardest case."""
    for trigger, required in FLOOR_TRIGGERS:
        answers: dict[str, AnswerValue] = dict.fromkeys(sorted(trigger), "yes")
        level = graph.urgency_level(fired(graph, answers))
        if urgency_rank(level) < urgency_rank(required):
            said = " and ".join(sorted(trigger))
            yield Problem(
                "urgency.toml",
                None,
                f"the urgency floor is broken: {said} answered yes gives {level!r}, "
                f"but docs/contract.md §2 requires at least {required!r}",
            )
