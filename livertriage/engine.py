"""The forward-chaining engine: experta runs the rule graph's rules, and nothing else.

One typed function is the way in: :func:`fired` runs the rules of a :class:`~livertriage.graph.
RuleGraph` over one set of answers and returns the ids of the rules that fired. Everything else
(explanations, the interview, the report) reads the graph, not experta.

The graph's rules are compiled once into a ``KnowledgeEngine`` subclass: experta builds its Rete
network from the rules present on the class when an engine is created
(ReteMatcher.build_network), so they must exist before that. Engine instances are then reused
through ``reset()``, one per thread. experta's adaptations live in :mod:`livertriage._experta`.

Facts flow in layers, each derived by rules::

    AnswerSheet(fever="yes", ...) --> Finding(id) --> Finding(id) ...
                  \\---------------------\\-----> evidence, urgency, advice, doctor questions,
                                                  ask, stop                   (conclusions)
    (lowest salience)                      ----> the physician recommendation, always

The answers are one fact with a slot per question (a CLIPS template), so a rule's answer tests are
field tests on one fact rather than joins across dozens of facts. Only answers and findings are
declared as facts, because only they are matched by rules.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from livertriage import _compat  # noqa: F401  (must run before experta is imported)

from experta import AS, TEST, P, Fact, InitialFact  # isort: skip

from livertriage._experta import DecoratedRule, Engine
from livertriage.answers import AnswerValue
from livertriage.graph import RuleGraph
from livertriage.models import AskRule, Condition, FindingRule, Rule

__all__ = ["RECOMMENDATION_RULE", "fired"]

#: The id of the rule that always fires last and adds the physician recommendation.
RECOMMENDATION_RULE = "recommend.see_physician"
_LAST = -1000  # salience of the recommendation: lower than every other rule


class AnswerSheet(Fact):
    """The person's answers: one slot per question answered (question id -> "yes", "no",
    "unknown", or the age in years). A question not asked has no slot, and matches nothing."""


class Finding(Fact):
    """id: a derived finding's id."""


# Cached: experta keeps every predicate it has seen in class-wide caches, so a fresh closure for
# each compilation of the same rules would make those caches grow with every load.
@functools.cache
def _age_between(low: int, high: int, or_unknown: bool = False) -> Callable[[object], bool]:
    def test(value: object) -> bool:
        if or_unknown and value == "unknown":
            return True
        return isinstance(value, int) and not isinstance(value, bool) and low <= value < high

    return test


@functools.cache
def _any(questions: frozenset[str], values: frozenset[str]) -> Callable[[Any], bool]:
    # One test over the answers, rather than an OR: experta expands OR into every combination.
    def test(answers: Any) -> bool:
        return any(answers.get(question) in values for question in questions)

    return test


@functools.cache
def _one_of(values: frozenset[str]) -> Callable[[object], bool]:
    def test(value: object) -> bool:
        return value in values

    return test


_YES = frozenset({"yes"})
_UNKNOWN = frozenset({"unknown"})


def _opens_on_unknown(rule: Rule) -> bool:
    """Ask rules read "don't know" as they read the answer it might hide: not knowing never
    closes a door (a follow-up a yes would open also opens on "don't know", and an unknown age
    meets every age condition)."""
    return isinstance(rule, AskRule)


class _Compiler:
    """Turns knowledge-base rules into experta rules: patterns, actions and explanations."""

    def __init__(self, age_question: str | None) -> None:
        self.age_question = age_question

    def patterns(self, when: Condition, or_unknown: bool = False) -> list[Any]:
        slots: dict[str, Any]
        if or_unknown:
            slots = dict.fromkeys(when.yes, P(_one_of(frozenset({"yes", "unknown"}))))
            slots |= dict.fromkeys(when.no, P(_one_of(frozenset({"no", "unknown"}))))
        else:
            slots = dict.fromkeys(when.yes, "yes") | dict.fromkeys(when.no, "no")
        if when.uses_age and self.age_question is not None:
            low = when.age_at_least if when.age_at_least is not None else 0
            high = when.age_below if when.age_below is not None else 1_000
            slots[self.age_question] = P(_age_between(low, high, or_unknown))
        patterns: list[Any] = []
        if slots or when.any_yes or when.any_unknown:
            patterns.append(AS.answers << AnswerSheet(**slots))
        if when.any_yes:
            opening = _YES | _UNKNOWN if or_unknown else _YES
            patterns.append(TEST(_any(frozenset(when.any_yes), opening)))
        if when.any_unknown:
            patterns.append(TEST(_any(frozenset(when.any_unknown), _UNKNOWN)))
        patterns += [Finding(id=finding) for finding in when.findings]
        return patterns or [InitialFact()]

    def rule(self, rules: Sequence[Rule]) -> Any:
        """One experta rule for knowledge-base rules with the same condition: they share one
        path through the network and one activation, and each is recorded as fired."""
        when = rules[0].when
        or_unknown = _opens_on_unknown(rules[0])
        rule_ids = tuple(rule.id for rule in rules)
        findings = tuple(rule.id for rule in rules if isinstance(rule, FindingRule))

        # **matched: experta then passes the bound names as they are, without filtering them.
        def action(engine: Engine, **matched: Any) -> None:
            engine.fired.update(rule_ids)
            for finding in findings:
                engine.declare(Finding(id=finding))

        # experta's watch("RULES") log then shows the knowledge base's rule ids.
        action.__name__ = ",".join(rule_ids)
        return DecoratedRule(*self.patterns(when, or_unknown))(action)


def _same_condition(rules: Sequence[Rule]) -> list[list[Rule]]:
    """The rules grouped by condition (and by how they read "don't know"), in the order each
    condition first appears."""
    groups: dict[tuple[Condition, bool], list[Rule]] = {}
    for rule in rules:
        key = (_canonical(rule.when), _opens_on_unknown(rule))
        groups.setdefault(key, []).append(rule)
    return list(groups.values())


def _canonical(when: Condition) -> Condition:
    """The condition with its lists in order, so that equal conditions compare equal."""
    return when.model_copy(
        update={
            name: tuple(sorted(getattr(when, name)))
            for name in ("yes", "no", "any_yes", "any_unknown", "findings")
        }
    )


def _recommend(engine: Engine, **matched: Any) -> None:
    engine.fired.add(RECOMMENDATION_RULE)


_recommend.__name__ = RECOMMENDATION_RULE


class _Compiled:
    """A rule graph's running rules compiled into an experta engine class, one engine per
    thread."""

    def __init__(self, graph: RuleGraph) -> None:
        kb = graph.knowledge_base
        rules = [graph.rules[rule_id].rule for rule_id in graph.running]
        compiler = _Compiler(kb.age_question)
        namespace: dict[str, Any] = {"__module__": __name__}
        for index, group in enumerate(_same_condition(rules)):
            namespace[f"rule_{index}"] = compiler.rule(group)
        namespace["rule_recommendation"] = DecoratedRule(InitialFact(), salience=_LAST)(_recommend)
        self.engine_class: type[Engine] = type("CompiledEngine", (Engine,), namespace)
        # Only the questions some rule reads become slots: less to match.
        self.read = frozenset(
            question for rule in rules for question in rule.when.yes_no_questions()
        ) | ({kb.age_question} if kb.age_question else set())
        self.local = threading.local()

    def engine(self) -> Engine:
        engine: Engine | None = getattr(self.local, "engine", None)
        if engine is None:
            engine = self.local.engine = self.engine_class()
        return engine


_compiled: weakref.WeakKeyDictionary[RuleGraph, _Compiled] = weakref.WeakKeyDictionary()
_compile_lock = threading.Lock()


def _compiled_for(graph: RuleGraph) -> _Compiled:
    compiled = _compiled.get(graph)
    if compiled is None:
        with _compile_lock:
            compiled = _compiled.get(graph)
            if compiled is None:
                compiled = _compiled[graph] = _Compiled(graph)
    return compiled


def fired(graph: RuleGraph, answers: Mapping[str, AnswerValue]) -> frozenset[str]:
    """Run forward chaining over checked answers: the ids of the rules that fired, the
    physician recommendation's always among them.

    The graph's rules are compiled into experta once per graph; each thread reuses its own
    engine through ``reset()``.
    """
    compiled = _compiled_for(graph)
    engine = compiled.engine()
    engine.fired = set()
    engine.reset()
    # Slots hold strings and whole numbers, already immutable: no need for experta's freeze().
    fact = AnswerSheet()
    dict.update(fact, {q: v for q, v in answers.items() if q in compiled.read})
    engine.declare(fact)
    engine.run()
    return frozenset(engine.fired)
