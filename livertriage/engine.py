"""The forward-chaining engine: the one module that imports experta.

The knowledge base is compiled once into a ``KnowledgeEngine`` subclass whose rules are built from
the data in ``rules/``: experta builds its Rete network from the rules present on the class when
an engine is created (ReteMatcher.build_network), so they must exist before that. Engine
instances are then reused through ``reset()``, one per thread.

Facts flow in layers, each derived by rules::

    AnswerSheet(fever="yes", ...) --> Finding(id) --> Finding(id) ...
                  \\---------------------\\-----> evidence, urgency, advice, doctor questions,
                                                  ask, stop                   (conclusions)
    (lowest salience)                      ----> the physician recommendation, always

The answers are one fact with a slot per question (a CLIPS template), so a rule's answer tests are
field tests on one fact rather than joins across dozens of facts. Only answers and findings are
declared as facts, because only they are matched by rules; the other conclusions are recorded as
:class:`Firing` records, each naming its rule and the facts it matched. That record is the
explanation (MYCIN's HOW): nothing is scraped from logs.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from livertriage import _compat  # noqa: F401  (must run before experta is imported)

from experta import AS, TEST, P, Fact, InitialFact, KnowledgeEngine, watchers  # isort: skip
from experta import Rule as ExpertaRule  # isort: skip
from experta.matchers.rete import ReteMatcher  # isort: skip
from experta.fieldconstraint import L  # isort: skip
from experta.matchers.rete.check import FeatureCheck, TypeCheck  # isort: skip
from experta.matchers.rete.nodes import (  # isort: skip
    ConflictSetNode,
    FeatureTesterNode,
    WhereNode,
)
from experta.matchers.rete.mixins import NoMemory  # isort: skip
from experta.matchers.rete.token import Token  # isort: skip
from experta.strategies import DepthStrategy  # isort: skip

from livertriage.models import AskRule, Condition, FindingRule, Rule

__all__ = ["RECOMMENDATION_RULE", "CompiledRules", "Firing"]

#: The id of the rule that always fires last and adds the physician recommendation.
RECOMMENDATION_RULE = "recommend.see_physician"
_LAST = -1000  # salience of the recommendation: lower than every other rule


class AnswerSheet(Fact):
    """The person's answers: one slot per question answered (question id -> "yes", "no",
    "unknown", or the age in years). A question not asked has no slot, and matches nothing."""


class Finding(Fact):
    """id: a derived finding's id."""


@dataclass(frozen=True, slots=True)
class Firing:
    """One rule firing: the rule's id and the facts it matched.

    Facts are written ``question=value`` (``fever=yes``, ``age=42``) or ``finding:<id>``.
    """

    rule: str
    because: tuple[str, ...]


class _Token(Token):
    """experta's Token without its argument assertions: the matcher only builds valid tokens, and
    checking every copy at every node cost a quarter of the matching time."""

    def __new__(cls, tag: Any, data: Any, context: Any = None) -> _Token:
        facts = {data} if isinstance(data, Fact) else set(data)
        return tuple.__new__(cls, (tag, facts, {} if context is None else context))

    def copy(self) -> _Token:
        return tuple.__new__(type(self), (self.tag, self.data.copy(), self.context.copy()))


_ABSENT = object()


def _direct(check: Any) -> Callable[[Any], Any] | None:
    """The simplest alpha checks as plain comparisons (the same answers as experta's check
    objects, without their logging and key parsing): a fact's type, and a slot equal to a
    literal that binds nothing. Any other check returns None and keeps experta's object.

    A missing slot reads as absent here, as in experta, because no fact type of this engine
    declares experta Fields with defaults (a test keeps it so)."""
    if isinstance(check, TypeCheck):
        fact_type = check.fact_type
        return lambda fact: type(fact) == fact_type  # noqa: E721  (experta compares with ==)
    if (
        isinstance(check, FeatureCheck)
        and isinstance(check.what, str)
        and "__" not in check.what
        and type(check.how) is L
        and check.how.__bind__ is None
    ):
        key, value, get = check.what, check.how.value, dict.get
        return lambda fact: get(fact, key, _ABSENT) == value
    return None


def _binds_freely(bindings: Mapping[Any, Any], context: Mapping[Any, Any]) -> bool:
    """Whether plain bindings (name -> value) agree with a token's context, as experta's
    FeatureTesterNode checks them: no earlier binding of a name to another value, nor a
    negated binding of it to the same value."""
    for name, value in bindings.items():
        if not isinstance(name, str) or context.get(name, value) != value:
            return False
        if context.get((False, name), _ABSENT) == value:
            return False
    return True


class _ChangedNodesMatcher(ReteMatcher):
    """experta's Rete matcher, doing less of the work that does not change the result.

    The network, its nodes, tokens and activations are experta's own. What differs:

    - ReteMatcher.changes() collects new activations by visiting every rule's conflict-set
      node, and the engine calls it before each firing: with a hundred rules that scan was
      three quarters of the cost. Here each conflict-set node marks itself when a token
      reaches it, and only marked nodes are visited.
    - An alpha node copies the token it receives before testing its one fact, and most tests
      fail. Alpha tests are pure functions of the fact, so the fact is tested first. A test
      that binds a variable then goes through experta's node as before; a plain test that
      passes hands the token straight to the node's children (every experta node copies a
      token before changing it, so skipping the copy changes nothing).
    - A TEST node only reads a token's bindings, so its test runs on them directly.
    - Tokens the matcher creates are :class:`_Token`. Reset clears each node with memory once
      (not once per path to it), and of the conflict-set nodes only those a token reached.
    """

    def __init__(self, engine: Any) -> None:
        self._changed: dict[Any, None] = {}  # conflict-set nodes reached since the last changes()
        self._touched: dict[Any, None] = {}  # ... and since the last reset()
        super().__init__(engine)
        self._nodes = self._every_node()
        for node in self._nodes:
            if isinstance(node, ConflictSetNode):
                node._activate = self._marking(node, node._activate)
            node.children[:] = [self._testing_first(child) for child in node.children]
        # Every node with memory is cleared on reset (join nodes keep left and right memories),
        # except conflict-set nodes, which are cleared only if a token reached them.
        self._with_memory = [
            node for node in self._nodes if not isinstance(node, NoMemory | ConflictSetNode)
        ]

    @staticmethod
    def _testing_first(child: Any) -> Any:
        if isinstance(child.node, WhereNode):
            # A TEST node only reads the token's bindings: test them, then pass the token on.
            where, children = child.node.matcher, child.node.children

            def tested_where(token: Any) -> None:
                if where(token.context):
                    for grandchild in children:
                        grandchild.callback(token)

            return child._replace(callback=tested_where)
        if not isinstance(child.node, FeatureTesterNode):
            return child
        test, activate, grandchildren = child.node.matcher, child.callback, child.node.children
        test = _direct(test) or test

        def tested(token: Any) -> None:
            for fact in token.data:  # an alpha token holds exactly one fact
                result = test(fact)
                if result is True:
                    for grandchild in grandchildren:
                        grandchild.callback(token)
                elif result and _binds_freely(result, token.context):
                    # What experta's node does with a binding that meets no earlier one.
                    bound = token.copy()
                    bound.context.update(result)
                    for grandchild in grandchildren:
                        grandchild.callback(bound)
                elif result:  # anything else: experta's node, with all its checks
                    activate(token)

        return child._replace(callback=tested)

    def _marking(self, node: Any, activate: Callable[[Any], None]) -> Callable[[Any], None]:
        changed, touched = self._changed, self._touched

        def marked(token: Any) -> None:
            changed[node] = None
            touched[node] = None
            activate(token)

        return marked

    def _every_node(self) -> list[Any]:
        seen: dict[int, Any] = {}
        pending = [self.root_node]
        while pending:
            node = pending.pop()
            if id(node) not in seen:
                seen[id(node)] = node
                pending.extend(child.node for child in node.children)
        return list(seen.values())

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            token = _Token.valid(fact)
            for child in self.root_node.children:
                child.callback(token)
        added: list[Any] = []
        removed: list[Any] = []
        for node in self._changed:
            node_added, node_removed = node.get_activations()
            added.extend(node_added)
            removed.extend(node_removed)
        self._changed.clear()
        return added, removed

    def reset(self) -> None:
        for node in self._with_memory:
            node._reset()
        for node in self._touched:
            node._reset()
            # Activations a run left pending (if it stopped early) must not fire in the next.
            node.added, node.removed = set(), set()
        self._changed.clear()
        self._touched.clear()


class _RecencyStrategy(DepthStrategy):
    """experta's depth strategy (salience first, then the most recent facts), with the key
    computed directly instead of through an LRU cache that hashes every activation."""

    def get_key(self, activation: Any) -> tuple[int, list[int]]:
        facts = sorted((fact["__factid__"] for fact in activation.facts), reverse=True)
        return (activation.rule.salience, facts)


class _Engine(KnowledgeEngine):
    """The base of every compiled engine: collects firings during a run."""

    __matcher__ = _ChangedNodesMatcher
    __strategy__ = _RecencyStrategy

    def __init__(self) -> None:
        super().__init__()
        self.firings: list[Firing] = []
        self._deffacts: list[Any] | None = None

    def get_deffacts(self) -> list[Any]:
        # experta finds them with inspect.getmembers() on every reset(); they never change.
        if self._deffacts is None:
            self._deffacts = super().get_deffacts()
        return self._deffacts

    def run(self, steps: float = float("inf")) -> None:
        """experta's run loop, without two costs that change nothing: formatting the FIRE log
        line nobody is watching, and asking the matcher for new activations when no fact was
        declared or retracted since it was last asked (most actions declare nothing)."""
        self.running = True
        log_firings = watchers.worth("RULES", "INFO")
        execution = 0
        while steps > 0 and self.running:
            if self.facts.added or self.facts.removed:
                added, removed = self.get_activations()
                self.strategy.update_agenda(self.agenda, added, removed)
            activation = self.agenda.get_next()
            if activation is None:
                break
            steps -= 1
            execution += 1
            if log_firings:
                facts = ", ".join(str(fact) for fact in activation.facts)
                watchers.RULES.info("FIRE %s %s: %s", execution, activation.rule.__name__, facts)
            context = activation.context
            activation.rule(self, **{k: v for k, v in context.items() if not k.startswith("__")})
        self.running = False


class _Rule(ExpertaRule):
    """experta's Rule, decorated and hashed more cheaply.

    experta hashes a rule (a tuple of all its patterns) for every activation it compares; a
    compiled rule never changes after it is decorated, so its hash is computed once. Equal rules
    still hash equal: the hash leaves out only the bound instance, which equality compares too.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.__dict__.get("_wrapped") is None and args:
            # Decoration. experta inspects the function's signature to filter the arguments
            # it passes; every action here takes **matched, so there is nothing to filter, and
            # the inspection (repeated for each copy experta makes of a rule) is skipped.
            action: Callable[..., Any] = args[0]
            self._wrapped = action
            self._wrapped_args: list[str] = []
            return functools.update_wrapper(self, action)
        return super().__call__(*args, **kwargs)

    def __hash__(self) -> int:
        cached: int | None = self.__dict__.get("_hash")
        if cached is None or self._wrapped is None:
            cached = hash((tuple(self), self._wrapped, self.salience))
            if self._wrapped is not None:
                self.__dict__["_hash"] = cached
        return cached


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

    def because(
        self, when: Condition, or_unknown: bool = False
    ) -> Callable[[Any], tuple[str, ...]]:
        """What the rule matched, as "question=value" and "finding:<id>"."""
        fixed = [f"finding:{finding}" for finding in when.findings]
        age = self.age_question if when.uses_age else None
        any_yes, any_unknown = tuple(when.any_yes), tuple(when.any_unknown)
        if not or_unknown:
            fixed += [f"{q}=yes" for q in when.yes] + [f"{q}=no" for q in when.no]
            if age is None and not any_yes and not any_unknown:
                constant = tuple(sorted(fixed))  # the same every time the rule fires
                return lambda answers: constant
        opening = _YES | _UNKNOWN if or_unknown else _YES
        named = (*when.yes, *when.no) if or_unknown else ()

        def matched(answers: Any) -> tuple[str, ...]:
            facts = list(fixed)
            facts += [f"{q}={answers[q]}" for q in named]
            if age is not None:
                facts.append(f"{age}={answers[age]}")
            facts += [f"{q}={answers[q]}" for q in any_yes if answers.get(q) in opening]
            facts += [f"{q}=unknown" for q in any_unknown if answers.get(q) == "unknown"]
            return tuple(sorted(facts))

        return matched

    def rule(self, rules: Sequence[Rule]) -> Any:
        """One experta rule for knowledge-base rules with the same condition: they share one
        path through the network and one activation, and each still records its own firing."""
        when = rules[0].when
        or_unknown = _opens_on_unknown(rules[0])
        because = self.because(when, or_unknown)
        rule_ids = tuple(rule.id for rule in rules)
        findings = tuple(rule.id for rule in rules if isinstance(rule, FindingRule))

        # **matched: experta then passes the bound names as they are, without filtering them.
        def action(engine: _Engine, answers: Any = None, **matched: Any) -> None:
            facts = because(answers)
            engine.firings.extend(Firing(rule_id, facts) for rule_id in rule_ids)
            for finding in findings:
                engine.declare(Finding(id=finding))

        # experta's watch("RULES") log then shows the knowledge base's rule ids.
        action.__name__ = ",".join(rule_ids)
        return _Rule(*self.patterns(when, or_unknown))(action)


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


def _recommend(engine: _Engine, **matched: Any) -> None:
    engine.firings.append(Firing(RECOMMENDATION_RULE, ()))


_recommend.__name__ = RECOMMENDATION_RULE


class CompiledRules:
    """A knowledge base's rules compiled into an experta engine class, ready to run."""

    def __init__(self, rules: Sequence[Rule], age_question: str | None) -> None:
        compiler = _Compiler(age_question)
        namespace: dict[str, Any] = {"__module__": __name__}
        for index, group in enumerate(_same_condition(rules)):
            namespace[f"rule_{index}"] = compiler.rule(group)
        namespace["rule_recommendation"] = _Rule(InitialFact(), salience=_LAST)(_recommend)
        self._engine_class: type[_Engine] = type("CompiledEngine", (_Engine,), namespace)
        # Only the questions some rule reads become slots: less to match.
        self._read = frozenset(
            question for rule in rules for question in rule.when.yes_no_questions()
        ) | ({age_question} if age_question else set())
        self._local = threading.local()

    def _engine(self) -> _Engine:
        engine: _Engine | None = getattr(self._local, "engine", None)
        if engine is None:
            engine = self._engine_class()
            self._local.engine = engine
        return engine

    def run(self, answers: Mapping[str, str | int]) -> tuple[Firing, ...]:
        """Run forward chaining over normalised answers; return every firing, in firing order.

        Salience orders firings, then recency, as in experta; activations that tie on both fire
        in no defined order. Nothing built from the firings depends on their order.
        """
        engine = self._engine()
        engine.firings = []
        engine.reset()
        # Slots hold strings and whole numbers, already immutable: no need for experta's freeze().
        fact = AnswerSheet()
        dict.update(fact, {q: v for q, v in answers.items() if q in self._read})
        engine.declare(fact)
        engine.run()
        return tuple(engine.firings)
