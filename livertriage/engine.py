"""The forward-chaining engine: the one module that imports experta.

The knowledge base is compiled once into a ``KnowledgeEngine`` subclass whose rules are built from
the data in ``rules/``: experta builds its Rete network from the rules present on the class when an
engine is created, so they must exist before that (see style_anchors.md §1.4). Engine instances are
then reused through ``reset()``, one per thread.

Facts flow in layers, each derived by rules::

    Answer(question, value) --> Finding(id) --> Finding(id) ...
                 \\--------------------\\-----> evidence, urgency, advice, ask   (conclusions)
    (lowest salience)                    ----> the physician recommendation, always

Only answers and findings are declared as facts, because only they are matched by rules; the other
conclusions are recorded as :class:`Firing` records, each naming its rule and the facts it came
from. That record is the explanation (MYCIN's HOW): nothing is scraped from logs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from livertriage import _compat  # noqa: F401  (must run before experta is imported)

from experta import AS, P, Fact, InitialFact, KnowledgeEngine  # isort: skip
from experta import Rule as ExpertaRule  # isort: skip

from livertriage.models import Condition, FindingRule, Rule

__all__ = ["RECOMMENDATION_RULE", "CompiledRules", "Firing"]

#: The id of the rule that always fires last and adds the physician recommendation.
RECOMMENDATION_RULE = "recommend.see_physician"
_LAST = -1000  # salience of the recommendation: lower than every other rule


class Answer(Fact):
    """question: a question id; value: "yes", "no", "unknown", or an age in years."""


class Finding(Fact):
    """id: a derived finding's id."""


@dataclass(frozen=True, slots=True)
class Firing:
    """One rule firing: the rule's id and the facts it matched.

    Facts are written ``question=value`` (``fever=yes``, ``age=42``) or ``finding:<id>``.
    """

    rule: str
    because: tuple[str, ...]


def _describe(fact: Any) -> str:
    if isinstance(fact, Finding):
        return f"finding:{fact['id']}"
    return f"{fact['question']}={fact['value']}"


class _Engine(KnowledgeEngine):
    """The base of every compiled engine: collects firings during a run."""

    def __init__(self) -> None:
        super().__init__()
        self.firings: list[Firing] = []


def _action(rule_id: str, declares_finding: bool) -> Callable[..., None]:
    def action(engine: _Engine, **matched: Any) -> None:
        because = tuple(sorted(_describe(fact) for fact in matched.values()))
        engine.firings.append(Firing(rule_id, because))
        if declares_finding:
            engine.declare(Finding(id=rule_id))

    # experta's watch("RULES") log then shows the knowledge base's rule ids.
    action.__name__ = rule_id
    return action


def _in(values: frozenset[str]) -> Callable[[object], bool]:
    # One predicate for "value in a set": experta expands OR into every combination (DNF).
    return values.__contains__


def _age_between(low: int, high: int) -> Callable[[object], bool]:
    def test(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and low <= value < high

    return test


def _patterns(when: Condition, age_question: str | None) -> list[Any]:
    patterns: list[Any] = []

    def bind(pattern: Any) -> None:
        patterns.append(getattr(AS, f"f{len(patterns)}") << pattern)

    for question in when.yes:
        bind(Answer(question=question, value="yes"))
    for question in when.no:
        bind(Answer(question=question, value="no"))
    if when.any_yes:
        bind(Answer(question=P(_in(frozenset(when.any_yes))), value="yes"))
    if when.any_unknown:
        bind(Answer(question=P(_in(frozenset(when.any_unknown))), value="unknown"))
    for finding in when.findings:
        bind(Finding(id=finding))
    if when.uses_age and age_question is not None:
        low = when.age_at_least if when.age_at_least is not None else 0
        high = when.age_below if when.age_below is not None else 1_000
        bind(Answer(question=age_question, value=P(_age_between(low, high))))
    return patterns or [InitialFact()]


class CompiledRules:
    """A knowledge base's rules compiled into an experta engine class, ready to run."""

    def __init__(self, rules: Sequence[Rule], age_question: str | None) -> None:
        namespace: dict[str, Any] = {"__module__": __name__}
        for index, rule in enumerate(rules):
            action = _action(rule.id, isinstance(rule, FindingRule))
            namespace[f"rule_{index}"] = ExpertaRule(*_patterns(rule.when, age_question))(action)
        namespace["rule_recommendation"] = ExpertaRule(InitialFact(), salience=_LAST)(
            _action(RECOMMENDATION_RULE, declares_finding=False)
        )
        self._engine_class: type[_Engine] = type("CompiledEngine", (_Engine,), namespace)
        # Only answers some rule can match are declared: fewer facts, less matching.
        self._matchable = self._matchable_answers(rules)
        self._age_question = age_question
        self._local = threading.local()

    @staticmethod
    def _matchable_answers(rules: Sequence[Rule]) -> frozenset[tuple[str, str]]:
        pairs: set[tuple[str, str]] = set()
        for rule in rules:
            when = rule.when
            pairs.update((q, "yes") for q in (*when.yes, *when.any_yes))
            pairs.update((q, "no") for q in when.no)
            pairs.update((q, "unknown") for q in when.any_unknown)
        return frozenset(pairs)

    def _engine(self) -> _Engine:
        engine: _Engine | None = getattr(self._local, "engine", None)
        if engine is None:
            engine = self._engine_class()
            self._local.engine = engine
        return engine

    def run(self, answers: Mapping[str, str | int]) -> tuple[Firing, ...]:
        """Run forward chaining over normalised answers; return every firing, in firing order."""
        facts = [
            Answer(question=question, value=value)
            for question, value in answers.items()
            if (question, value) in self._matchable
            or (question == self._age_question and isinstance(value, int))
        ]
        engine = self._engine()
        engine.firings = []
        engine.reset()
        if facts:
            engine.declare(*facts)
        engine.run()
        return tuple(engine.firings)
