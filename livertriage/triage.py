"""Deciding: the rules that fire for a set of answers, the urgency and the ranking of causes.

:func:`load_knowledge_base` reads a rules directory, compiles its rule graph, and proves the
urgency floor of docs/contract.md §2 (:mod:`livertriage.floor`). :func:`evaluate` runs the
rules over one set of answers (:func:`livertriage.engine.fired`); an :class:`Evaluation` decides
the urgency and ranks the causes, and :func:`assess` has it explained
(:mod:`livertriage.explain`) into the assessment.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from livertriage.answers import Answers, parse_answers
from livertriage.assessment import (
    Assessment,
)
from livertriage.cache import cached, keep
from livertriage.engine import fired
from livertriage.errors import KnowledgeBaseError
from livertriage.explain import explain
from livertriage.floor import floor_problems
from livertriage.graph import Match, RuleGraph, compile_graph
from livertriage.knowledge import (
    KnowledgeBase,
    default_rules_dir,
    read_knowledge_base,
)
from livertriage.models import (
    Cause,
    LevelWording,
    StopRule,
    UrgencyLevel,
    UrgencyRule,
    urgency_rank,
)

__all__ = [
    "Evaluation",
    "Triage",
    "assess",
    "evaluate",
    "load_knowledge_base",
    "rule_graph",
]

_graphs: weakref.WeakKeyDictionary[KnowledgeBase, dict[bool, RuleGraph]] = (
    weakref.WeakKeyDictionary()
)
_default: KnowledgeBase | None = None
_default_lock = threading.Lock()
_compile_lock = threading.Lock()


def load_knowledge_base(path: str | Path | None = None) -> KnowledgeBase:
    """Load and check a rules directory: the shipped ``rules/`` when ``path`` is None.

    The shipped knowledge base is loaded once per process. Raises
    :class:`~livertriage.errors.KnowledgeBaseError` listing every problem found.
    """
    global _default
    if path is None:
        with _default_lock:
            if _default is None:
                _default = _load(default_rules_dir())
            return _default
    return _load(Path(path))


def _load(directory: Path) -> KnowledgeBase:
    # Checked and proven before, from these very rules with this very code (livertriage.cache).
    knowledge_base = cached(directory)
    if knowledge_base is not None:
        return knowledge_base
    knowledge_base = read_knowledge_base(directory)
    broken = list(floor_problems(rule_graph(knowledge_base)))
    if broken:
        raise KnowledgeBaseError(broken)
    keep(directory, knowledge_base)
    return knowledge_base


def rule_graph(knowledge_base: KnowledgeBase, *, interview: bool = False) -> RuleGraph:
    """The knowledge base's rule graph, compiled once per knowledge base. The interview's adds
    the ask and stop rules to what the engine runs, which an assessment does not need."""
    with _compile_lock:
        graphs = _graphs.setdefault(knowledge_base, {})
        if interview not in graphs:
            graphs[interview] = compile_graph(knowledge_base, interview=interview)
        return graphs[interview]


@dataclass(frozen=True)
class Triage:
    """The essentials of an assessment, without its explanations: for bulk triage."""

    level: UrgencyLevel
    #: The urgency rules that fired, highest level first.
    reasons: tuple[UrgencyRule, ...]
    #: (cause, score), best first; ties keep the order of causes.toml.
    ranking: tuple[tuple[Cause, int], ...]
    #: Causes the person said a doctor already found: conditions that matter alongside the spots,
    #: ranked after the explanations.
    known_conditions: frozenset[str]
    unanswered_red_flags: tuple[str, ...]
    #: What to do: the level's action, or the places of the special groups' rules at the level
    #: reached (see :func:`_route`).
    action: str
    #: See a physician, and how soon: worded by the same rules as ``action``.
    recommendation: str


@dataclass(frozen=True)
class Evaluation:
    """One run of the rules: the checked answers and the rules that fired."""

    graph: RuleGraph
    answers: Answers
    fired: frozenset[str]

    @property
    def knowledge_base(self) -> KnowledgeBase:
        return self.graph.knowledge_base

    @property
    def interview(self) -> bool:
        """Whether the interview's ask and stop rules ran (see :func:`evaluate`)."""
        return self.graph.interview

    @property
    def relevant_questions(self) -> tuple[str, ...]:
        """Questions the rules make relevant now, in interview order."""
        self._needs_interview_rules()
        opened = (q.question for q in self.graph.ask_rules if q.id in self.fired)
        return tuple(dict.fromkeys(opened))  # a question with several ask rules, once

    def _needs_interview_rules(self) -> None:
        if not self.interview:
            raise ValueError("this evaluation ran without the interview's rules")

    @property
    def urgency_level(self) -> UrgencyLevel:
        return self.graph.urgency_level(self.fired)

    @property
    def stops(self) -> tuple[StopRule, ...]:
        """The stop rules that hold: each ends the interview early."""
        self._needs_interview_rules()
        return tuple(rule for rule in self.graph.stop_rules if rule.id in self.fired)

    def matched(self, rule_id: str) -> Match:
        """What a rule that fired matched in these answers."""
        return self.graph.rules[rule_id].matched(self.answers.root)

    def triage(self) -> Triage:
        """The urgency, the causes ranked by score, and the recommendation; no explanations."""
        kb, fired, answers, graph = self.knowledge_base, self.fired, self.answers.root, self.graph
        level = self.urgency_level
        scores = [
            (
                cause,
                cause.prior
                + sum(r.weight for r in graph.evidence_by_cause[cause.id] if r.id in fired),
            )
            for cause in kb.causes
            if not fired.intersection(cause.not_with)  # say, adult causes for a baby
        ]
        known = {c.id for c in kb.causes if any(answers.get(q) == "yes" for q in c.known_from)}
        reasons = tuple(
            sorted(
                (rule for rule in kb.urgency if rule.id in fired),
                key=lambda rule: -urgency_rank(rule.level),
            )
        )
        action, recommendation = _route(kb.urgency_levels[level], level, reasons)
        return Triage(
            level=level,
            reasons=reasons,
            # Explanations first, then conditions a doctor already found; stable: ties keep order.
            ranking=tuple(sorted(scores, key=lambda entry: (entry[0].id in known, -entry[1]))),
            known_conditions=frozenset(known),
            unanswered_red_flags=tuple(
                q for q in graph.red_flags if answers.get(q, "unknown") == "unknown"
            ),
            action=action,
            recommendation=recommendation,
        )

    def assessment(self) -> Assessment:
        """The assessment of these answers, every conclusion explained."""
        return explain(self)


def _route(
    wording: LevelWording, level: UrgencyLevel, reasons: tuple[UrgencyRule, ...]
) -> tuple[str, str]:
    """Where to go, and the recommendation that ends the report, for the level reached.

    The level's own words, unless rules at that level send special groups somewhere of their own
    (a maternity unit, a cancer team's 24-hour line): then each such place, in file order, both
    in the action and in the recommendation, so that neither the box nor the last line leaves
    out a place one of the person's answers calls for. An emergency sign that is not a special
    group's keeps the level's own words: emergency services now are the fastest route of all.
    """
    at_level = [rule for rule in reasons if rule.level == level]
    if level == "emergency" and any(rule.action is None for rule in at_level):
        return wording.action, wording.recommendation
    routes = dict.fromkeys(
        (rule.action, rule.recommendation)
        for rule in at_level
        if rule.action is not None and rule.recommendation is not None
    )
    if not routes:
        return wording.action, wording.recommendation
    return " ".join(a for a, _ in routes), " ".join(r for _, r in routes)


def evaluate(
    answers: Mapping[str, object] | Answers,
    knowledge_base: KnowledgeBase | None = None,
    *,
    interview: bool = False,
) -> Evaluation:
    """Check the answers and run the rules over them; with ``interview``, the ask and stop rules
    too (which questions are relevant now, and whether the interview should end)."""
    knowledge_base = knowledge_base or load_knowledge_base()
    checked = parse_answers(answers, knowledge_base.catalogue)
    graph = rule_graph(knowledge_base, interview=interview)
    return Evaluation(graph, checked, fired(graph, checked.root))


def assess(
    answers: Mapping[str, object] | Answers, *, knowledge_base: KnowledgeBase | None = None
) -> Assessment:
    """Assess answers: possible causes, urgency, advice and the physician recommendation.

    ``answers`` maps question ids to answers as docs/contract.md §1 describes. Raises
    :class:`~livertriage.errors.AnswersError` naming the first id at fault.
    """
    return evaluate(answers, knowledge_base).assessment()
