"""The assessment: what :func:`livertriage.assess` returns (docs/contract.md §2).

Every conclusion carries its explanation as data: the rule that reached it, the answers (and
derived findings) it came from, a one-sentence rationale and its sources.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from livertriage.answers import AnswerValue
from livertriage.models import UrgencyLevel

__all__ = [
    "AdviceItem",
    "Assessment",
    "Candidate",
    "DerivedFinding",
    "DoctorQuestion",
    "DoctorStep",
    "EvidenceItem",
    "KnowledgeBaseInfo",
    "Note",
    "TreatmentOption",
    "Urgency",
    "UrgencyReason",
]


class _Output(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class _Explained(_Output):
    rule: str = Field(description="The id of the rule behind this item, as in rules/.")
    answers: dict[str, AnswerValue] = Field(
        description="The answers the rule used, directly or through derived findings."
    )
    findings: list[str] = Field(description="The derived findings the rule used.")
    rationale: str = Field(description="Why the rule holds, in one sentence.")
    source: list[str] = Field(description="Where the rule comes from: seed sections or references.")
    beyond_seed: bool = Field(description="True when no source of the rule is the seed text.")

    @computed_field(description="The ids of the questions behind this item.")  # type: ignore[prop-decorator]
    @property
    def questions(self) -> list[str]:
        return list(self.answers)

    @computed_field(description="The first question behind this item, if any.")  # type: ignore[prop-decorator]
    @property
    def question(self) -> str | None:
        return next(iter(self.answers), None)


class EvidenceItem(_Explained):
    """One answer (or group of answers) that points towards or away from a cause."""

    weight: int = Field(description="Points added to the cause's score; negative points away.")


class DoctorStep(_Output):
    """Something a doctor may do to look into a cause."""

    text: str
    source: list[str]


class TreatmentOption(_Output):
    """A treatment the seed names: an option a physician may consider, never an instruction."""

    name: str
    note: str
    source: list[str]


class Note(_Output):
    id: str | None = None
    text: str
    source: list[str]


class Candidate(_Output):
    """A possible cause for a physician to consider; never a diagnosis."""

    id: str
    name: str
    framing: Literal["possible_cause", "check_for", "rule_out"] = Field(
        description=(
            "possible_cause: a possible explanation of the spots; check_for: a condition a doctor "
            "may want to check for; rule_out: beyond the source text, for a doctor to rule out."
        )
    )
    beyond_seed: bool
    seed_section: int | None = Field(description="The seed section it comes from, if any.")
    snomed: str | None = Field(
        description=(
            "The SNOMED CT concept id of the cause, where the references verify one, else null: "
            "metadata for other systems, never a diagnosis."
        ),
    )
    icd10: str | None = Field(
        description=(
            "The WHO ICD-10 code of the cause, where the references verify one, else null: "
            "metadata for other systems, never a diagnosis."
        ),
    )
    rank: int = Field(description="1 for the best-supported cause.")
    score: int = Field(description="prior plus the weights of the evidence for and against it.")
    prior: int
    summary: str
    evidence_for: list[EvidenceItem]
    evidence_against: list[EvidenceItem]
    known_condition: bool = Field(
        default=False,
        description=(
            "True when the person said a doctor already found this condition: it matters "
            "alongside the spots, and is listed after the explanations of them."
        ),
    )
    notes: list[Note]
    doctor_may: list[DoctorStep]
    treatment_options: list[TreatmentOption]


class UrgencyReason(_Explained):
    level: UrgencyLevel
    action: str | None = Field(
        default=None, description="Where this rule sends a special group, if it has its own."
    )


class Urgency(_Output):
    level: UrgencyLevel
    label: str
    action: str = Field(description="What to do, in plain words.")
    reasons: list[UrgencyReason] = Field(
        description="Every urgency rule that fired, highest first."
    )
    unanswered_red_flags: list[str] = Field(
        description='Warning-sign questions not asked or answered "don\'t know".'
    )


class AdviceItem(_Explained):
    text: str


class DoctorQuestion(_Explained):
    """A question for the person to ask the doctor."""

    text: str


class DerivedFinding(_Explained):
    """A finding the rules derived from answers (or other findings), such as "fever with night
    sweats or weight loss". Evidence and urgency items name the findings they used."""

    id: str
    name: str


class KnowledgeBaseInfo(_Output):
    version: str
    fingerprint: str = Field(description="SHA-256 of the rules files used.")
    shipped: bool = Field(
        default=True, description="False when a modified knowledge base (--rules-dir) was used."
    )
    directory: str | None = Field(
        default=None, description="Where a modified knowledge base was read from."
    )


class Assessment(_Output):
    """The result of an assessment. ``recommendation`` always sends the person to a physician."""

    answers: dict[str, AnswerValue] = Field(description="The answers assessed, normalised.")
    urgency: Urgency
    candidates: list[Candidate] = Field(description="Possible causes, best-supported first.")
    advice: list[AdviceItem]
    questions_for_doctor: list[DoctorQuestion] = Field(
        description="Questions worth asking the doctor, given these answers."
    )
    notes: list[Note]
    findings: list[DerivedFinding] = Field(
        description="The findings derived on the way, each explained (the chain behind HOW)."
    )
    causes_uninformative: bool = Field(
        default=False,
        description=(
            'True when so many answers are "don\'t know" that the list of causes tells little.'
        ),
    )
    knowledge_base: KnowledgeBaseInfo
    disclaimer: str
    recommendation: str = Field(description="See a physician, and how soon. Always present.")
