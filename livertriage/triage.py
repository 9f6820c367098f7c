"""From answers to an :class:`~livertriage.assessment.Assessment`.

:func:`load_knowledge_base` reads and checks a rules directory, compiles it, and proves the urgency
floor of CONTRACT.md §2 by running the compiled rules. :func:`evaluate` runs the rules over one
set of answers; :func:`assess` turns that run into the assessment: causes ranked by their evidence,
the highest urgency any rule reached, the advice that applies, and last the physician
recommendation.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livertriage.answers import Answers, AnswerValue, parse_answers
from livertriage.assessment import (
    AdviceItem,
    Assessment,
    Candidate,
    DoctorQuestion,
    DoctorStep,
    EvidenceItem,
    KnowledgeBaseInfo,
    Note,
    TraceKind,
    TraceStep,
    TreatmentOption,
    Urgency,
    UrgencyReason,
)
from livertriage.engine import RECOMMENDATION_RULE, CompiledRules, Firing
from livertriage.errors import KnowledgeBaseError, Problem
from livertriage.knowledge import (
    KnowledgeBase,
    default_rules_dir,
    inspect_rules,
    read_knowledge_base,
)
from livertriage.models import (
    AdviceRule,
    AskRule,
    Cause,
    DoctorQuestionRule,
    EvidenceRule,
    FindingRule,
    Rule,
    StopRule,
    UrgencyLevel,
    UrgencyRule,
    urgency_rank,
)
from livertriage.safety import FLOOR_TRIGGERS

__all__ = [
    "Evaluation",
    "assess",
    "check_knowledge_base",
    "compiled_rules",
    "evaluate",
    "load_knowledge_base",
]

_compiled: weakref.WeakKeyDictionary[KnowledgeBase, CompiledRules] = weakref.WeakKeyDictionary()
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
    knowledge_base = read_knowledge_base(directory)
    broken = list(_floor_problems(knowledge_base))
    if broken:
        raise KnowledgeBaseError(broken)
    return knowledge_base


def check_knowledge_base(path: str | Path | None = None) -> tuple[Problem, ...]:
    """Every problem in a rules directory (the shipped one when ``path`` is None): errors, which
    stop it from loading, and warnings. The urgency floor is checked when nothing else is wrong.
    """
    knowledge_base, problems = inspect_rules(Path(path) if path else default_rules_dir())
    if knowledge_base is not None and not any(p.severity == "error" for p in problems):
        problems += tuple(_floor_problems(knowledge_base))
    return problems


def compiled_rules(knowledge_base: KnowledgeBase) -> CompiledRules:
    """The knowledge base compiled into an engine: once per knowledge base."""
    with _compile_lock:
        compiled = _compiled.get(knowledge_base)
        if compiled is None:
            compiled = CompiledRules(knowledge_base.rules, knowledge_base.age_question)
            _compiled[knowledge_base] = compiled
        return compiled


def _floor_problems(knowledge_base: KnowledgeBase) -> Iterable[Problem]:
    """The contract's floor, proven by running the rules: answers can only add urgency, so the
    trigger answers alone are the hardest case."""
    compiled = compiled_rules(knowledge_base)
    for trigger, required in FLOOR_TRIGGERS:
        answers: dict[str, AnswerValue] = dict.fromkeys(sorted(trigger), "yes")
        level = _urgency_level(knowledge_base, compiled.run(answers))
        if urgency_rank(level) < urgency_rank(required):
            said = " and ".join(sorted(trigger))
            yield Problem(
                "urgency.toml",
                None,
                f"the urgency floor is broken: {said} answered yes gives {level!r}, "
                f"but CONTRACT.md §2 requires at least {required!r}",
            )


def _urgency_level(knowledge_base: KnowledgeBase, firings: Iterable[Firing]) -> UrgencyLevel:
    fired = {firing.rule for firing in firings}
    levels = [rule.level for rule in knowledge_base.urgency if rule.id in fired]
    return max(levels, key=urgency_rank, default="routine")


@dataclass(frozen=True)
class Evaluation:
    """One run of the rules: the checked answers and every rule firing, in firing order."""

    knowledge_base: KnowledgeBase
    answers: Answers
    firings: tuple[Firing, ...]

    @property
    def fired(self) -> frozenset[str]:
        """The ids of every rule that fired."""
        return frozenset(firing.rule for firing in self.firings)

    @property
    def relevant_questions(self) -> tuple[str, ...]:
        """Questions the rules make relevant now, in interview order."""
        return tuple(q.question for q in self.knowledge_base.ask_rules if q.id in self.fired)

    @property
    def urgency_level(self) -> UrgencyLevel:
        return _urgency_level(self.knowledge_base, self.firings)

    @property
    def stops(self) -> tuple[StopRule, ...]:
        """The stop rules that hold: each ends the interview early."""
        return tuple(rule for rule in self.knowledge_base.stops if rule.id in self.fired)

    def because(self, rule_id: str) -> frozenset[str]:
        """The facts a rule matched, over all its firings."""
        return frozenset(
            f for firing in self.firings if firing.rule == rule_id for f in firing.because
        )

    def assessment(self) -> Assessment:
        """The assessment of these answers."""
        return _Assembler(self).assessment()


def evaluate(
    answers: Mapping[str, object] | Answers, knowledge_base: KnowledgeBase | None = None
) -> Evaluation:
    """Check the answers and run the rules over them."""
    knowledge_base = knowledge_base or load_knowledge_base()
    checked = parse_answers(answers, knowledge_base.catalogue)
    firings = compiled_rules(knowledge_base).run(checked.root)
    return Evaluation(knowledge_base, checked, firings)


def assess(
    answers: Mapping[str, object] | Answers, *, knowledge_base: KnowledgeBase | None = None
) -> Assessment:
    """Assess answers: possible causes, urgency, advice and the physician recommendation.

    ``answers`` maps question ids to answers as CONTRACT.md §1 describes. Raises
    :class:`~livertriage.errors.AnswersError` naming the first id at fault.
    """
    return evaluate(answers, knowledge_base).assessment()


class _Assembler:
    """Builds the assessment from one evaluation."""

    def __init__(self, evaluation: Evaluation) -> None:
        self.kb = evaluation.knowledge_base
        self.answers = evaluation.answers.root
        self.firings = evaluation.firings
        self.because: dict[str, set[str]] = defaultdict(set)
        for firing in evaluation.firings:
            self.because[firing.rule].update(firing.because)
        if RECOMMENDATION_RULE not in self.because:
            raise RuntimeError("the engine ended without its physician recommendation")
        self._finding_answers: dict[str, set[str]] = {}

    def fired(self, rule: Rule) -> bool:
        return rule.id in self.because

    # --- explanation ---------------------------------------------------------------------------

    def questions_behind(self, rule_id: str) -> set[str]:
        """The questions whose answers led to this rule, through findings too."""
        questions: set[str] = set()
        for fact in self.because.get(rule_id, ()):
            if fact.startswith("finding:"):
                finding = fact.removeprefix("finding:")
                if finding not in self._finding_answers:
                    self._finding_answers[finding] = set()  # a guard; cycles are rejected on load
                    self._finding_answers[finding] = self.questions_behind(finding)
                questions |= self._finding_answers[finding]
            else:
                questions.add(fact.partition("=")[0])
        return questions

    def explained(self, rule: Rule) -> dict[str, Any]:
        """The fields every explained item shares: rule, answers, findings, rationale, source."""
        behind = self.questions_behind(rule.id)
        return {
            "rule": rule.id,
            "answers": {q: v for q, v in self.answers.items() if q in behind},
            "findings": sorted(
                fact.removeprefix("finding:")
                for fact in self.because[rule.id]
                if fact.startswith("finding:")
            ),
            "rationale": rule.rationale,
            "source": list(rule.source),
            "beyond_seed": rule.beyond_seed,
        }

    # --- the parts -------------------------------------------------------------------------------

    def candidate(self, cause: Cause) -> Candidate:
        items = [
            EvidenceItem(weight=rule.weight, **self.explained(rule))
            for rule in self.kb.evidence
            if rule.cause == cause.id and self.fired(rule)
        ]
        return Candidate(
            id=cause.id,
            name=cause.name,
            framing=cause.framing,
            beyond_seed=cause.beyond_seed,
            seed_section=cause.seed_section,
            rank=0,
            score=cause.prior + sum(item.weight for item in items),
            prior=cause.prior,
            summary=cause.summary,
            evidence_for=sorted(
                (item for item in items if item.weight > 0), key=lambda item: -item.weight
            ),
            evidence_against=sorted(
                (item for item in items if item.weight < 0), key=lambda item: item.weight
            ),
            notes=[Note(text=note.text, source=list(note.source)) for note in cause.note],
            doctor_may=[DoctorStep(text=s.text, source=list(s.source)) for s in cause.doctor_may],
            treatment_options=[
                TreatmentOption(name=t.name, note=t.note, source=list(t.source))
                for t in cause.treatment
            ],
        )

    def candidates(self) -> list[Candidate]:
        unranked = [self.candidate(cause) for cause in self.kb.causes]
        # Ties keep the order of causes.toml: sorted() is stable.
        ranked = sorted(unranked, key=lambda candidate: -candidate.score)
        return [c.model_copy(update={"rank": n}) for n, c in enumerate(ranked, start=1)]

    def urgency(self) -> Urgency:
        rules = [rule for rule in self.kb.urgency if self.fired(rule)]
        level = _urgency_level(self.kb, self.firings)
        wording = self.kb.urgency_levels[level]
        reasons = [
            UrgencyReason(level=rule.level, **self.explained(rule))
            for rule in sorted(rules, key=lambda rule: -urgency_rank(rule.level))
        ]
        unanswered = [
            q.id
            for q in self.kb.questions
            if q.stage == "red_flag" and self.answers.get(q.id, "unknown") == "unknown"
        ]
        return Urgency(
            level=level,
            label=wording.label,
            action=wording.action,
            reasons=reasons,
            unanswered_red_flags=unanswered,
        )

    def trace(self) -> list[TraceStep]:
        kinds: dict[str, TraceKind | None] = {RECOMMENDATION_RULE: "recommendation"}
        order = {RECOMMENDATION_RULE: len(self.kb.rules)}
        for index, rule in enumerate(self.kb.rules):
            kinds[rule.id] = _kind(rule)
            order[rule.id] = index
        steps = []
        for rule_id in sorted(self.because, key=order.__getitem__):
            kind = kinds[rule_id]
            if kind is not None:  # ask and stop rules steer the interview; they conclude nothing
                steps.append(
                    TraceStep(rule=rule_id, kind=kind, because=sorted(self.because[rule_id]))
                )
        return steps

    def assessment(self) -> Assessment:
        urgency = self.urgency()
        return Assessment(
            answers=dict(self.answers),
            urgency=urgency,
            candidates=self.candidates(),
            advice=[
                AdviceItem(text=rule.text, **self.explained(rule))
                for rule in self.kb.advice
                if self.fired(rule)
            ],
            questions_for_doctor=[
                DoctorQuestion(text=rule.text, **self.explained(rule))
                for rule in self.kb.doctor_questions
                if self.fired(rule)
            ],
            notes=[
                Note(id=note.id, text=note.text, source=list(note.source))
                for note in self.kb.report.note
            ],
            trace=self.trace(),
            knowledge_base=KnowledgeBaseInfo(
                version=self.kb.version, fingerprint=self.kb.fingerprint
            ),
            disclaimer=self.kb.report.disclaimer,
            recommendation=self.kb.urgency_levels[urgency.level].recommendation,
        )


def _kind(rule: Rule) -> TraceKind | None:
    kinds: dict[type, TraceKind | None] = {
        FindingRule: "finding",
        EvidenceRule: "evidence",
        UrgencyRule: "urgency",
        AdviceRule: "advice",
        DoctorQuestionRule: "doctor_question",
        AskRule: None,
        StopRule: None,
    }
    return kinds[type(rule)]
