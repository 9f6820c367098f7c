"""From answers to an :class:`~livertriage.assessment.Assessment`.

:func:`load_knowledge_base` reads and checks a rules directory, compiles it, and proves the urgency
floor of docs/contract.md §2 by running the compiled rules. :func:`evaluate` runs the rules over one
set of answers; :func:`assess` turns that run into the assessment: causes ranked by their evidence,
the highest urgency any rule reached, the advice that applies, and last the physician
recommendation.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livertriage.answers import Answers, AnswerValue, parse_answers
from livertriage.assessment import (
    Assessment,
    DoctorStep,
    KnowledgeBaseInfo,
    Note,
    TreatmentOption,
)
from livertriage.engine import RECOMMENDATION_RULE, fired
from livertriage.errors import KnowledgeBaseError, Problem
from livertriage.graph import Match, RuleGraph, compile_graph
from livertriage.knowledge import (
    KnowledgeBase,
    default_rules_dir,
    inspect_rules,
    read_knowledge_base,
)
from livertriage.models import (
    Cause,
    Rule,
    StopRule,
    UrgencyLevel,
    UrgencyRule,
    urgency_rank,
)
from livertriage.safety import FLOOR_TRIGGERS

__all__ = [
    "Evaluation",
    "Triage",
    "assess",
    "check_knowledge_base",
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
    knowledge_base = read_knowledge_base(directory)
    broken = list(_floor_problems(knowledge_base))
    if broken:
        raise KnowledgeBaseError(broken)
    return knowledge_base


def check_knowledge_base(path: str | Path | None = None) -> tuple[Problem, ...]:
    """Every problem in a rules directory (the shipped one when ``path`` is None): errors, which
    stop it from loading, and warnings. When nothing else is wrong, the urgency floor, "don't know"
    never lowering the urgency, and stop rules never skipping a question that could raise it are
    proven by running the rules (:mod:`livertriage.proofs`).
    """
    knowledge_base, problems = inspect_rules(Path(path) if path else default_rules_dir())
    if knowledge_base is not None and not any(p.severity == "error" for p in problems):
        problems += tuple(_floor_problems(knowledge_base))
    if knowledge_base is not None and not any(p.severity == "error" for p in problems):
        from livertriage.proofs import safety_problems  # it runs interviews, which import us

        problems += tuple(safety_problems(knowledge_base))
    return problems


def rule_graph(knowledge_base: KnowledgeBase, *, interview: bool = False) -> RuleGraph:
    """The knowledge base's rule graph, compiled once per knowledge base. The interview's adds
    the ask and stop rules to what the engine runs, which an assessment does not need."""
    with _compile_lock:
        graphs = _graphs.setdefault(knowledge_base, {})
        if interview not in graphs:
            graphs[interview] = compile_graph(knowledge_base, interview=interview)
        return graphs[interview]


def _floor_problems(knowledge_base: KnowledgeBase) -> Iterable[Problem]:
    """The contract's floor, proven by running the rules: answers can only add urgency, so the
    trigger answers alone are the hardest case."""
    graph = rule_graph(knowledge_base)
    for trigger, required in FLOOR_TRIGGERS:
        answers: dict[str, AnswerValue] = dict.fromkeys(sorted(trigger), "yes")
        level = _urgency_level(knowledge_base, fired(graph, answers))
        if urgency_rank(level) < urgency_rank(required):
            said = " and ".join(sorted(trigger))
            yield Problem(
                "urgency.toml",
                None,
                f"the urgency floor is broken: {said} answered yes gives {level!r}, "
                f"but docs/contract.md §2 requires at least {required!r}",
            )


def _urgency_level(knowledge_base: KnowledgeBase, fired: Collection[str]) -> UrgencyLevel:
    """The highest level of the urgency rules among ``fired`` (rule ids); routine if none."""
    levels = [rule.level for rule in knowledge_base.urgency if rule.id in fired]
    return max(levels, key=urgency_rank, default="routine")


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
        opened = (q.question for q in self.knowledge_base.ask_rules if q.id in self.fired)
        return tuple(dict.fromkeys(opened))  # a question with several ask rules, once

    def _needs_interview_rules(self) -> None:
        if not self.interview:
            raise ValueError("this evaluation ran without the interview's rules")

    @property
    def urgency_level(self) -> UrgencyLevel:
        return _urgency_level(self.knowledge_base, self.fired)

    @property
    def stops(self) -> tuple[StopRule, ...]:
        """The stop rules that hold: each ends the interview early."""
        self._needs_interview_rules()
        return tuple(rule for rule in self.knowledge_base.stops if rule.id in self.fired)

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
        return Triage(
            level=level,
            reasons=tuple(
                sorted(
                    (rule for rule in kb.urgency if rule.id in fired),
                    key=lambda rule: -urgency_rank(rule.level),
                )
            ),
            # Explanations first, then conditions a doctor already found; stable: ties keep order.
            ranking=tuple(sorted(scores, key=lambda entry: (entry[0].id in known, -entry[1]))),
            known_conditions=frozenset(known),
            unanswered_red_flags=tuple(
                q for q in graph.red_flags if answers.get(q, "unknown") == "unknown"
            ),
            recommendation=kb.urgency_levels[level].recommendation,
        )

    def assessment(self) -> Assessment:
        """The assessment of these answers."""
        return _Assembler(self).assessment()


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


@dataclass(frozen=True)
class _Tables:
    """What every assessment from one knowledge base shares, worked out once: each rule's fixed
    explanation, each cause's fixed parts, and the catalogue order."""

    explanations: dict[str, dict[str, Any]]
    causes: dict[str, dict[str, Any]]
    #: Each cause's notes, doctor steps and treatments, built once, with when each is shown.
    cause_parts: dict[str, dict[str, tuple[tuple[Any, Any], ...]]]
    report_notes: tuple[Note, ...]
    info: KnowledgeBaseInfo

    @classmethod
    def of(cls, kb: KnowledgeBase) -> _Tables:
        explanations = {
            rule.id: {
                "rule": rule.id,
                "rationale": rule.rationale,
                "source": list(rule.source),
                "beyond_seed": rule.beyond_seed,
            }
            for rule in kb.rules
        }
        causes = {
            cause.id: {
                "id": cause.id,
                "name": cause.name,
                "framing": cause.framing,
                "beyond_seed": cause.beyond_seed,
                "seed_section": cause.seed_section,
                "prior": cause.prior,
                "summary": cause.summary,
            }
            for cause in kb.causes
        }
        cause_parts = {
            cause.id: {
                # Built once; pydantic takes model instances as they are.
                "notes": tuple((n, Note(text=n.text, source=list(n.source))) for n in cause.note),
                "doctor_may": tuple(
                    (d, DoctorStep(text=d.text, source=list(d.source))) for d in cause.doctor_may
                ),
                "treatment_options": tuple(
                    (t, TreatmentOption(name=t.name, note=t.note, source=list(t.source)))
                    for t in cause.treatment
                ),
            }
            for cause in kb.causes
        }
        return cls(
            explanations=explanations,
            cause_parts=cause_parts,
            causes=causes,
            report_notes=tuple(
                Note(id=n.id, text=n.text, source=list(n.source)) for n in kb.report.note
            ),
            info=_info(kb),
        )


def _info(kb: KnowledgeBase) -> KnowledgeBaseInfo:
    """The version and fingerprint, and where the rules came from if not the shipped ones."""
    try:
        shipped = Path(kb.directory).resolve() == default_rules_dir().resolve()
    except KnowledgeBaseError:  # no shipped rules at all: whatever was loaded is not them
        shipped = False
    return KnowledgeBaseInfo(
        version=kb.version,
        fingerprint=kb.fingerprint,
        shipped=shipped,
        directory=None if shipped else kb.directory,
    )


_tables: weakref.WeakKeyDictionary[KnowledgeBase, _Tables] = weakref.WeakKeyDictionary()


def _tables_of(knowledge_base: KnowledgeBase) -> _Tables:
    tables = _tables.get(knowledge_base)
    if tables is None:
        tables = _tables[knowledge_base] = _Tables.of(knowledge_base)
    return tables


class _Assembler:
    """Builds the assessment from one evaluation: plain data first, then one validation of the
    whole tree by pydantic (faster than building each nested model on its own)."""

    def __init__(self, evaluation: Evaluation) -> None:
        self.kb = evaluation.knowledge_base
        self.graph = evaluation.graph
        self.tables = _tables_of(self.kb)
        self.answers = evaluation.answers.root
        self.triage = evaluation.triage()
        self.fired_ids = evaluation.fired
        if RECOMMENDATION_RULE not in self.fired_ids:
            raise RuntimeError("the engine ended without its physician recommendation")
        finding_ids = {finding.id for finding in self.kb.findings}
        self.findings_held = frozenset(self.fired_ids & finding_ids)

    def fired(self, rule: Rule) -> bool:
        return rule.id in self.fired_ids

    # --- explanation ---------------------------------------------------------------------------

    def explained(self, rule: Rule, **more: Any) -> dict[str, Any]:
        """An explained item: rule, answers, findings, rationale and source, and ``more``."""
        behind = self.graph.answers_behind(rule.id, self.answers)
        return {
            **self.tables.explanations[rule.id],
            "answers": {question: self.answers[question] for question in behind},
            "findings": sorted(rule.when.findings),
            **more,
        }

    # --- the parts -------------------------------------------------------------------------------

    def candidates(self) -> list[dict[str, Any]]:
        candidates = []
        for rank, (cause, score) in enumerate(self.triage.ranking, start=1):
            items = [
                self.explained(rule, weight=rule.weight)
                for rule in self.graph.evidence_by_cause[cause.id]
                if self.fired(rule)
            ]
            parts = {
                name: [built for shown, built in items if shown.shown(self.findings_held)]
                for name, items in self.tables.cause_parts[cause.id].items()
            }
            candidates.append(
                {
                    **self.tables.causes[cause.id],
                    **parts,
                    "known_condition": cause.id in self.triage.known_conditions,
                    "rank": rank,
                    "score": score,
                    "evidence_for": sorted(
                        (item for item in items if item["weight"] > 0),
                        key=lambda item: -item["weight"],
                    ),
                    "evidence_against": sorted(
                        (item for item in items if item["weight"] < 0),
                        key=lambda item: item["weight"],
                    ),
                }
            )
        return candidates

    def urgency(self) -> dict[str, Any]:
        wording = self.kb.urgency_levels[self.triage.level]
        # A special group's own action, when a rule at the level reached gives one.
        special = (
            rule.action
            for rule in self.triage.reasons
            if rule.level == self.triage.level and rule.action
        )
        return {
            "level": self.triage.level,
            "label": wording.label,
            "action": next(special, wording.action),
            "reasons": [
                self.explained(rule, level=rule.level, action=rule.action)
                for rule in self.triage.reasons
            ],
            "unanswered_red_flags": list(self.triage.unanswered_red_flags),
        }

    def causes_uninformative(self) -> bool:
        """True when so many answers are "don't know" (a third or more of the yes/no answers
        given, or none given) that the ranking of causes says little."""
        yes_no = [v for v in self.answers.values() if isinstance(v, str)]
        unknown = sum(1 for value in yes_no if value == "unknown")
        return not yes_no or 3 * unknown >= len(yes_no)

    def assessment(self) -> Assessment:
        return Assessment.model_validate(
            {
                "answers": dict(self.answers),
                "urgency": self.urgency(),
                "candidates": self.candidates(),
                "advice": [
                    self.explained(rule, text=rule.text)
                    for rule in self.kb.advice
                    if self.fired(rule) and not self.findings_held.intersection(rule.not_with)
                ],
                "questions_for_doctor": [
                    self.explained(rule, text=rule.text)
                    for rule in self.kb.doctor_questions
                    if self.fired(rule)
                ],
                "notes": self.tables.report_notes,
                "findings": [
                    self.explained(rule, id=rule.id, name=rule.name)
                    for rule in self.kb.findings
                    if self.fired(rule)
                ],
                "causes_uninformative": self.causes_uninformative(),
                "knowledge_base": self.tables.info,
                "disclaimer": self.kb.report.disclaimer,
                "recommendation": self.triage.recommendation,
            }
        )
