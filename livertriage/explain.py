"""Explanation: from one evaluation (the answers, and the rules that fired) to the
:class:`~livertriage.assessment.Assessment`, every conclusion with its rule, the answers and
findings behind it (read from the rule graph), its rationale and its sources.

:mod:`livertriage.triage` decides (which rules fired, the urgency, the ranking); this module
explains, and builds the output model.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from livertriage.assessment import (
    AdviceItem,
    Assessment,
    DerivedFinding,
    DoctorQuestion,
    DoctorStep,
    EvidenceItem,
    KnowledgeBaseInfo,
    Note,
    TreatmentOption,
    UrgencyReason,
)
from livertriage.engine import RECOMMENDATION_RULE
from livertriage.errors import KnowledgeBaseError
from livertriage.knowledge import KnowledgeBase, default_rules_dir
from livertriage.models import Rule

_Item = EvidenceItem | UrgencyReason | AdviceItem | DoctorQuestion | DerivedFinding
_ItemT = TypeVar("_ItemT", EvidenceItem, UrgencyReason, AdviceItem, DoctorQuestion, DerivedFinding)

#: How many explained items a knowledge base keeps for reuse (see _Tables.items): a bound on
#: memory of about 8 MB (an item takes about 2 KB). 20,000 uniform random answer sets give about
#: 2,100 different items, so on such data the store never fills (docs/performance.md).
_ITEMS_KEPT = 4_096

if TYPE_CHECKING:  # triage calls explain(); only the type comes back
    from livertriage.triage import Evaluation

__all__ = ["explain"]


def explain(evaluation: Evaluation) -> Assessment:
    """The assessment of one evaluation."""
    return _Assembler(evaluation).assessment()


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
    #: Explained items already built, by rule and the answers behind it. An item is a frozen
    #: model that depends on nothing else, so an equal one is reused rather than built and
    #: validated again (pydantic takes a model instance as it is). Cleared when full.
    items: dict[tuple[str, tuple[tuple[str, object], ...]], _Item]

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
                "snomed": cause.snomed,
                "icd10": cause.icd10,
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
            items={},
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
        self.led_to: dict[str, frozenset[str]] = {}  # what each rule's answers were, once

    def fired(self, rule: Rule) -> bool:
        return rule.id in self.fired_ids

    # --- explanation ---------------------------------------------------------------------------

    def explained(self, rule: Rule, model: type[_ItemT], **more: Any) -> _ItemT:
        """An explained item: rule, answers, findings, rationale and source, and ``more`` (which
        depends on the rule alone); the same item as before when the same answers led to it."""
        behind = self.graph.answers_behind(rule.id, self.answers, self.led_to)
        key = (rule.id, tuple((question, self.answers[question]) for question in behind))
        items = self.tables.items
        item = items.get(key)
        if not isinstance(item, model):  # not built yet (a rule always gives one kind of item)
            if len(items) >= _ITEMS_KEPT:
                items.clear()
            item = items[key] = model.model_validate(
                {
                    **self.tables.explanations[rule.id],
                    "answers": dict(key[1]),
                    "findings": list(self.graph.rules[rule.id].findings),
                    **more,
                }
            )
        return item

    # --- the parts -------------------------------------------------------------------------------

    def candidates(self) -> list[dict[str, Any]]:
        candidates = []
        for rank, (cause, score) in enumerate(self.triage.ranking, start=1):
            items = [
                self.explained(rule, EvidenceItem, weight=rule.weight)
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
                        (item for item in items if item.weight > 0),
                        key=lambda item: -item.weight,
                    ),
                    "evidence_against": sorted(
                        (item for item in items if item.weight < 0),
                        key=lambda item: item.weight,
                    ),
                }
            )
        return candidates

    def urgency(self) -> dict[str, Any]:
        return {
            "level": self.triage.level,
            "label": self.kb.urgency_levels[self.triage.level].label,
            "action": self.triage.action,
            "reasons": [
                self.explained(rule, UrgencyReason, level=rule.level, action=rule.action)
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
                    self.explained(rule, AdviceItem, text=rule.text)
                    for rule in self.kb.advice
                    if self.fired(rule) and not self.findings_held.intersection(rule.not_with)
                ],
                "questions_for_doctor": [
                    self.explained(rule, DoctorQuestion, text=rule.text)
                    for rule in self.kb.doctor_questions
                    if self.fired(rule)
                ],
                "notes": self.tables.report_notes,
                "findings": [
                    self.explained(rule, DerivedFinding, id=rule.id, name=rule.name)
                    for rule in self.kb.findings
                    if self.fired(rule)
                ],
                "causes_uninformative": self.causes_uninformative(),
                "knowledge_base": self.tables.info,
                "disclaimer": self.kb.report.disclaimer,
                "recommendation": self.triage.recommendation,
            }
        )
