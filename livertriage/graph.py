"""The compiled rule graph: every fact about a knowledge base's rules, worked out once.

Loading a knowledge base reads and checks it (:mod:`livertriage.knowledge`); compiling it here
gives one immutable :class:`RuleGraph`, free of experta, that every consumer reads: the engine
(:mod:`livertriage.engine` runs its rules), the explanations, the interview, the checks and the
report. Each fact is computed in one place:

- the findings in dependency order;
- for every rule, the questions and findings behind it, closed over findings, and a pure
  function from answers to what it matched (:meth:`CompiledRule.matched`), as typed data;
- the red flags, the evidence by cause, the ask and stop rules, the catalogue order, and how
  high each question's answer could take the urgency.

Whether a rule fires is the engine's decision, not the graph's: the graph explains a firing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from livertriage.answers import AnswerValue
from livertriage.models import (
    AskRule,
    Condition,
    EvidenceRule,
    FindingRule,
    Rule,
    StopRule,
    UrgencyLevel,
    urgency_rank,
)

if TYPE_CHECKING:  # the knowledge layer uses this module's walks while it checks
    from livertriage.knowledge import KnowledgeBase

__all__ = ["CompiledRule", "Match", "RuleGraph", "compile_graph", "questions_behind"]

_YES = frozenset({"yes"})
_YES_OR_UNKNOWN = frozenset({"yes", "unknown"})


@dataclass(frozen=True, slots=True)
class Match:
    """What a rule that fired matched: its questions (in the order its condition names them)
    and the findings it needed."""

    questions: tuple[str, ...]
    findings: tuple[str, ...]


@dataclass(frozen=True)
class CompiledRule:
    """One rule, with what lies behind it."""

    rule: Rule
    #: Every question its condition reads, directly or through findings (the age included).
    questions_behind: frozenset[str]
    #: The findings its condition names, sorted, as explanations list them.
    findings: tuple[str, ...]
    #: Ask rules read "don't know" as the answer it may hide: not knowing never closes a door
    #: (a follow-up a yes would open opens on "don't know" too; an unknown age meets every age
    #: condition).
    opens_on_unknown: bool
    age_question: str | None
    #: For a rule whose condition names its questions outright (no "any of", no findings):
    #: those questions in catalogue order, the same whenever it fires. None otherwise.
    fixed_questions: tuple[str, ...] | None

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def when(self) -> Condition:
        return self.rule.when

    def matched(self, answers: Mapping[str, AnswerValue]) -> Match:
        """What the rule matched in ``answers``, given that it fired: the questions its
        condition names outright, the age if it reads one, the "any of" questions answered as
        they had to be; and the findings it needed."""
        when = self.when
        opening = _YES_OR_UNKNOWN if self.opens_on_unknown else _YES
        questions = [*when.yes, *when.no]
        if when.uses_age and self.age_question is not None:
            questions.append(self.age_question)
        questions += [q for q in when.any_yes if answers.get(q) in opening]
        questions += [q for q in when.any_unknown if answers.get(q) == "unknown"]
        return Match(questions=tuple(dict.fromkeys(questions)), findings=tuple(when.findings))


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one graph per compile
class RuleGraph:
    """A knowledge base's rules, compiled: see the module's docstring."""

    knowledge_base: KnowledgeBase
    #: The rules the engine runs: an assessment's, or with ``interview`` its ask and stop rules
    #: too (which questions are relevant now, and whether the interview should end).
    running: tuple[str, ...]
    interview: bool
    #: Every rule of the knowledge base, compiled.
    rules: Mapping[str, CompiledRule]
    #: Findings, each after every finding its condition needs.
    findings_order: tuple[str, ...]
    red_flags: tuple[str, ...]
    evidence_by_cause: Mapping[str, tuple[EvidenceRule, ...]]
    ask_rules: tuple[AskRule, ...]
    stop_rules: tuple[StopRule, ...]
    #: Each question's place in the catalogue (the interview's order).
    position: Mapping[str, int]
    #: For each question, the highest urgency its answer could lead to, or None.
    urgency_reach: Mapping[str, UrgencyLevel | None] = field(repr=False)

    def urgency_level(self, fired: Collection[str]) -> UrgencyLevel:
        """The highest level of the urgency rules among ``fired`` (rule ids); routine if none."""
        levels = [rule.level for rule in self.knowledge_base.urgency if rule.id in fired]
        return max(levels, key=urgency_rank, default="routine")

    def in_catalogue_order(self, questions: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(set(questions), key=self.position.__getitem__))

    def answers_behind(
        self,
        rule_id: str,
        answers: Mapping[str, AnswerValue],
        memo: dict[str, frozenset[str]] | None = None,
    ) -> tuple[str, ...]:
        """The questions whose answers led to a rule that fired, through its findings too, in
        catalogue order. ``memo`` keeps what each finding led to, for the other rules of the
        same answers."""
        fixed = self.rules[rule_id].fixed_questions
        if fixed is not None:
            return fixed
        return self.in_catalogue_order(self._led_to(rule_id, answers, {} if memo is None else memo))

    def _led_to(
        self, rule_id: str, answers: Mapping[str, AnswerValue], memo: dict[str, frozenset[str]]
    ) -> frozenset[str]:
        known = memo.get(rule_id)
        if known is None:
            match = self.rules[rule_id].matched(answers)
            found = set(match.questions)
            for finding in match.findings:
                found |= self._led_to(finding, answers, memo)  # findings have no cycles
            known = memo[rule_id] = frozenset(found)
        return known


def compile_graph(kb: KnowledgeBase, *, interview: bool = False) -> RuleGraph:
    """Compile a checked knowledge base (its findings have no cycles); with ``interview``, the
    engine runs the ask and stop rules too."""
    findings = {finding.id: finding for finding in kb.findings}
    position = {q.id: index for index, q in enumerate(kb.questions)}
    rules = {
        rule.id: CompiledRule(
            rule=rule,
            questions_behind=behind_rule,
            findings=tuple(sorted(rule.when.findings)),
            opens_on_unknown=isinstance(rule, AskRule),
            age_question=kb.age_question,
            fixed_questions=(
                None
                if rule.when.any_yes or rule.when.any_unknown or rule.when.findings
                else tuple(sorted(behind_rule, key=position.__getitem__))
            ),
        )
        for rule in kb.rules
        for behind_rule in (questions_behind(kb, rule.when),)
    }
    return RuleGraph(
        knowledge_base=kb,
        running=tuple(rule.id for rule in (kb.rules if interview else kb.assessment_rules)),
        interview=interview,
        rules=MappingProxyType(rules),
        findings_order=_dependency_order(findings),
        red_flags=tuple(q.id for q in kb.questions if q.stage == "red_flag"),
        evidence_by_cause=MappingProxyType(
            {c.id: tuple(r for r in kb.evidence if r.cause == c.id) for c in kb.causes}
        ),
        ask_rules=kb.ask_rules,
        stop_rules=kb.stops,
        position=MappingProxyType(position),
        urgency_reach=MappingProxyType(_urgency_reach(kb, rules)),
    )


def questions_behind(kb: KnowledgeBase, when: Condition) -> frozenset[str]:
    """The questions a condition reads, directly or through its findings (the age included).
    Safe on a knowledge base still being checked: unknown findings and cycles are skipped, not
    followed."""
    questions: set[str] = set()
    findings = {finding.id: finding for finding in kb.findings}
    needed: set[str] = set()
    pending: list[Condition] = [when]
    while pending:
        condition = pending.pop()
        questions.update(condition.yes_no_questions())
        if condition.uses_age and kb.age_question:
            questions.add(kb.age_question)
        for finding_id in condition.findings:
            if finding_id not in needed:
                needed.add(finding_id)
                if finding_id in findings:
                    pending.append(findings[finding_id].when)
    return frozenset(questions)


def _dependency_order(findings: Mapping[str, FindingRule]) -> tuple[str, ...]:
    """Findings in file order, each moved after the findings it needs (depth first)."""
    order: dict[str, None] = {}

    def visit(finding_id: str, path: frozenset[str]) -> None:
        if finding_id in order or finding_id not in findings or finding_id in path:
            return  # known, unknown, or a cycle (rejected on load)
        for needed in findings[finding_id].when.findings:
            visit(needed, path | {finding_id})
        order[finding_id] = None

    for finding_id in findings:
        visit(finding_id, frozenset())
    return tuple(order)


def _urgency_reach(
    kb: KnowledgeBase, rules: Mapping[str, CompiledRule]
) -> dict[str, UrgencyLevel | None]:
    """For each question, the highest urgency its answer could lead to: through the urgency
    rules that read it (directly or through findings), or through the follow-ups it opens.

    The interview never lets a stop rule skip a question whose reach is above the urgency
    already reached, so no warning sign goes unasked because the questions stopped early.
    """
    reach: dict[str, UrgencyLevel | None] = dict.fromkeys(kb.catalogue)
    for rule in kb.urgency:
        for question_id in rules[rule.id].questions_behind:
            if question_id in reach and _higher(rule.level, reach[question_id]):
                reach[question_id] = rule.level
    openers = {
        question.id: {q for when in question.ask_conditions for q in questions_behind(kb, when)}
        for question in kb.questions
    }
    changed = True
    while changed:  # an opener reaches what the questions it opens reach
        changed = False
        for question in kb.questions:
            level = reach[question.id]
            if level is None:
                continue
            for opener in sorted(openers[question.id]):
                if opener in reach and _higher(level, reach[opener]):
                    reach[opener] = level
                    changed = True
    return reach


def _higher(level: UrgencyLevel, than: UrgencyLevel | None) -> bool:
    return than is None or urgency_rank(level) > urgency_rank(than)
