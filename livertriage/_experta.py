"""experta, adapted: the engine's private changes to experta 1.9.4, each with its reason.

Only :mod:`livertriage.engine` uses this module, and only :mod:`livertriage.engine` and this
module import experta. experta is pinned (``==1.9.4``) and unmaintained, so its private node
protocol, which these changes rely on, does not drift; the differential tests against stock
experta (``tests/unit/test_engine.py``) and against a direct evaluator of the rule graph
(``tests/unit/test_oracle.py``) check that the firings are the same.

The changes, each measured with ``make bench`` when it was made:

- :class:`_ChangedNodesMatcher`: visits only the conflict-set nodes a token reached (the scan of
  every rule's node was three quarters of a run), tests an alpha node's fact before copying its
  token, and runs TEST nodes on the token's bindings directly; its conflict-set nodes build each
  activation once, into one list (about 12% of an ``assess()``'s instructions, valgrind);
- :class:`_Token`: experta's token without its argument checks (a quarter of the matching time);
- :meth:`_ChangedNodesMatcher.prepare_ruleset`: rules the compiler built already have the form
  experta's rewriting into disjunctive normal form gives, so they are not rewritten (about 40%
  of the time of building the network, paid at every start);
- :class:`_RecencyStrategy`: experta's depth strategy without an LRU cache that hashes every
  activation;
- :class:`Engine`: experta's run loop without formatting a log line nobody reads, and without
  asking the matcher for activations when no fact changed; deffacts found once; a reset that
  does not inspect their signatures, and a declare that does not scan the facts this engine
  built itself;
- :class:`_FactList`: experta's fact list, computing a fact's identity (for duplicates) without
  a Python call per slot (with the lean reset and declare, 8% of the engine's time);
- :class:`DecoratedRule`: a rule decorated without inspecting its action's signature, and
  hashed once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from livertriage import _compat  # noqa: F401  (must run before experta is imported)

from experta import Fact, KnowledgeEngine, watchers  # isort: skip
from experta import Rule as ExpertaRule  # isort: skip
from experta.agenda import Agenda  # isort: skip
from experta.factlist import FactList  # isort: skip
from experta.conditionalelement import TEST, ConditionalElement  # isort: skip
from experta.fieldconstraint import L, P  # isort: skip
from experta.matchers.rete import ReteMatcher  # isort: skip
from experta.matchers.rete.check import FeatureCheck, TypeCheck  # isort: skip
from experta.matchers.rete.mixins import NoMemory  # isort: skip
from experta.matchers.rete.nodes import (  # isort: skip
    ConflictSetNode,
    FeatureTesterNode,
    WhereNode,
)
from experta.activation import Activation  # isort: skip
from experta.matchers.rete.token import Token, TokenInfo  # isort: skip
from experta.strategies import DepthStrategy  # isort: skip

__all__ = ["DecoratedRule", "Engine"]


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
    objects, without their logging and key parsing): a fact's type, a slot equal to a literal,
    and a slot that meets a predicate, binding nothing. Any other check returns None and keeps
    experta's object.

    A missing slot reads as absent here, as in experta, because no fact type of this engine
    declares experta Fields with defaults (a test keeps it so)."""
    if isinstance(check, TypeCheck):
        fact_type = check.fact_type
        return lambda fact: type(fact) == fact_type  # noqa: E721  (experta compares with ==)
    plain_slot = (
        isinstance(check, FeatureCheck)
        and isinstance(check.what, str)
        and "__" not in check.what
        and getattr(check.how, "__bind__", None) is None  # NOT, AND and OR bind nothing either
    )
    if plain_slot and type(check.how) is L:
        key, value, get = check.what, check.how.value, dict.get
        return lambda fact: get(fact, key, _ABSENT) == value
    if plain_slot and type(check.how) is P:
        # experta: a missing slot fails; else the predicate's truth (match_predicate).
        slot, match = check.what, check.how.match
        return lambda fact: slot in fact and bool(match(fact[slot]))
    return None


def _in_normal_form(rule: Any) -> bool:
    """A rule experta's rewriting would leave as it is: fact patterns (the first element one),
    with no conditional element in any slot but a plain predicate or literal, then TESTs."""

    def plain(value: Any) -> bool:
        return not isinstance(value, ConditionalElement) or type(value) in (P, L)

    def pattern(element: Any) -> bool:
        return isinstance(element, Fact) and all(plain(value) for value in element.values())

    return (
        len(rule) > 0
        and pattern(rule[0])
        and all(pattern(element) or type(element) is TEST for element in rule)
    )


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
    - A conflict-set node copies each token, then builds an activation and hashes it twice to
      see whether it cancels a removed one. This engine only ever adds facts between resets, so
      a valid token's activation is built once, from the token as it is, and collected in a
      list (the agenda orders activations by their keys, not by the order they arrive). A
      retraction is handled as experta handles it.
    - Tokens the matcher creates are :class:`_Token`. Reset clears each node with memory once
      (not once per path to it), and of the conflict-set nodes only those a token reached.

    Measured on the benchmark's answer sets (docs/performance.md), each change took off: the
    marked conflict-set nodes about three quarters of a run, testing the fact before copying
    the token and the direct alpha tests most of the rest of the matching time.
    """

    def __init__(self, engine: Any) -> None:
        self._changed: dict[Any, None] = {}  # conflict-set nodes experta's way changed
        self._touched: dict[Any, None] = {}  # conflict-set nodes reached since the last reset()
        self._activations: list[Any] = []  # activations added since the last changes()
        super().__init__(engine)
        self._nodes = self._every_node()
        for node in self._nodes:
            node.children[:] = [
                self._activating(child)
                if isinstance(child.node, ConflictSetNode)
                # A TEST or alpha node's children are read when a token arrives, so they see
                # the callbacks set here for the conflict-set nodes below them.
                else self._testing_first(child)
                for child in node.children
            ]
        # Every node with memory is cleared on reset (join nodes keep left and right memories),
        # except conflict-set nodes, which are cleared only if a token reached them.
        self._with_memory = [
            node for node in self._nodes if not isinstance(node, NoMemory | ConflictSetNode)
        ]

    @staticmethod
    def prepare_ruleset(engine: Any) -> set[Any]:
        """The rules as experta's network builder needs them: in disjunctive normal form, and
        starting with a fact pattern. experta rewrites every rule to get there; a rule made only
        of fact patterns whose slots hold values or plain predicates, then TESTs, starting with
        a fact pattern (every rule :mod:`livertriage.engine` compiles), is there already, and
        the rewriting would give an equal rule. Such rules are only copied, unbound from the
        engine, as experta's rewriting leaves them. Any other rule set is rewritten as before."""
        rules = engine.get_rules()
        if all(_in_normal_form(rule) for rule in rules):
            return {rule.new_conditions(*rule) for rule in rules}
        return set(ReteMatcher.prepare_ruleset(engine))

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
        test, grandchildren = child.node.matcher, child.node.children
        test = _direct(test) or test

        def tested(token: Any) -> None:
            for fact in token.data:  # an alpha token holds exactly one fact
                result = test(fact)
                if result is True:
                    for grandchild in grandchildren:
                        grandchild.callback(token)
                elif result:
                    # A binding: what experta's node does with one that meets no earlier one.
                    # The compiler binds one name per rule (the answer sheet, for its TEST),
                    # and never negates one, so no earlier binding can disagree with it.
                    bound = token.copy()
                    bound.context.update(result)
                    for grandchild in grandchildren:
                        grandchild.callback(bound)

        return child._replace(callback=tested)

    def _activating(self, child: Any) -> Any:
        """A conflict-set node's activation, as experta's ConflictSetNode._activate, with the
        new activations kept in one list for the whole matcher."""
        node, rule = child.node, child.node.rule
        changed, touched, activations = self._changed, self._touched, self._activations

        def activation(info: Any) -> Any:
            context = {key: value for key, value in info.context if isinstance(key, str)}
            return Activation(rule, info.data, context)

        def activate(token: Any) -> None:
            touched[node] = None
            info = TokenInfo(token.data, token.context)
            if token.is_valid():
                if info not in node.memory:
                    node.memory.add(info)
                    activations.append(activation(info))
            elif info in node.memory:  # a retraction (never, in this engine): as experta does
                # Its activation is on the agenda already: changes() hands deletions to the
                # network before additions, and hands on every addition before it returns.
                node.memory.remove(info)
                node.removed.add(activation(info))
                changed[node] = None

        return child._replace(callback=activate)

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
        added, removed = self._activations[:], []
        self._activations.clear()
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
            node._reset()  # every run fires its agenda to the end: no activation is pending
        self._changed.clear()
        self._touched.clear()
        self._activations.clear()


class _RecencyStrategy(DepthStrategy):
    """experta's depth strategy (salience first, then the most recent facts), with the key
    computed directly instead of through an LRU cache that hashes every activation."""

    def get_key(self, activation: Any) -> tuple[int, list[int]]:
        facts = sorted((fact["__factid__"] for fact in activation.facts), reverse=True)
        return (activation.rule.salience, facts)


class _FactList(FactList):
    """experta's fact list, with a fact's identity computed in one step.

    experta calls ``Fact.is_special`` on every slot to leave out the ``__factid__``-style keys;
    on an answer sheet of thirty-odd slots that was about 15 µs a declaration. The only special
    key a fact of this engine can hold is ``__factid__``, given when it is declared (answer and
    finding ids are checked snake_case names), so only that one is left out. The identity is
    the same set experta builds.
    """

    @staticmethod
    def _get_fact_id(fact: Any) -> frozenset[Any]:
        items = dict(fact)
        items.pop("__factid__", None)
        return frozenset([fact.__class__, *items.items()])


class Engine(KnowledgeEngine):
    """The base of every compiled engine: collects the ids of the rules that fire in a run."""

    __matcher__ = _ChangedNodesMatcher
    __strategy__ = _RecencyStrategy

    def __init__(self) -> None:
        super().__init__()
        self.fired: set[str] = set()
        self._deffacts: list[Any] | None = None

    def get_deffacts(self) -> list[Any]:
        # experta finds them with inspect.getmembers() on every reset(); they never change.
        if self._deffacts is None:
            self._deffacts = super().get_deffacts()
        return self._deffacts

    def reset(self, **kwargs: Any) -> None:
        """experta's reset, without inspecting each deffacts' signature to filter keyword
        arguments: this engine's only deffacts is experta's initial fact, which takes none, and
        nothing passes any."""
        if kwargs:
            raise TypeError("this engine's reset takes no arguments")
        self.agenda = Agenda()
        self.facts = _FactList()
        self.matcher.reset()
        self.declare(*(fact for deffacts in self.get_deffacts() for fact in deffacts()))
        self.running = False

    def declare(self, *facts: Any) -> Any:
        """experta's declare, without its scans for patterns and for double underscores in
        slot names: every fact is built by :mod:`livertriage.engine` from checked answers and
        finding ids, never from a pattern, and ids are snake_case names with no double
        underscore (checked when the knowledge base is read)."""
        last = None
        for fact in facts:
            last = self.facts.declare(fact)
        if not self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
        return last

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


class DecoratedRule(ExpertaRule):
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
