"""The shape of the knowledge base: what each file in ``rules/`` may contain.

These pydantic models are the schema a clinician's edits are checked against. They are frozen, and
unknown keys are errors, so that a typo in a rules file fails loudly instead of being ignored.
Checks that span several entries or files (unknown ids, cycles, the urgency floor) live in
:mod:`livertriage.knowledge`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "STAGE_ORDER",
    "URGENCY_LEVELS",
    "AdviceRule",
    "AskRule",
    "Cause",
    "Citation",
    "Condition",
    "DoctorQuestionRule",
    "EvidenceRule",
    "FindingRule",
    "LevelWording",
    "Note",
    "Question",
    "QuestionKind",
    "ReportWording",
    "Rule",
    "SourcedText",
    "Stage",
    "StopRule",
    "Treatment",
    "UrgencyLevel",
    "UrgencyRule",
    "is_seed_citation",
    "urgency_rank",
]

UrgencyLevel = Literal["emergency", "urgent", "soon", "routine"]
#: Urgency levels from lowest to highest (docs/contract.md §2).
URGENCY_LEVELS: tuple[UrgencyLevel, ...] = ("routine", "soon", "urgent", "emergency")

QuestionKind = Literal["yes_no", "age"]
Stage = Literal["red_flag", "special_group", "core", "follow_up", "history", "legacy"]
#: The stages the interview asks, in order; "legacy" questions are accepted but never asked.
STAGE_ORDER: tuple[Stage, ...] = (
    "red_flag",
    "special_group",
    "core",
    "follow_up",
    "history",
    "legacy",
)
Framing = Literal["possible_cause", "check_for", "rule_out"]

#: Sections of the seed text (features/seed/): the opening paragraph, the five causes, and the
#: closing lifestyle advice.
SEED_SECTIONS = ("intro", "1", "2", "3", "4", "5", "advice")

_CITATION = re.compile(
    rf"^(?:seed §(?:{'|'.join(SEED_SECTIONS)})"
    r"|(?:clinical_facts|clinical_facts_2|triage_anchors) §\d+(?:\.\d+)* \[(?:V|V2|U)\])$"
)
_ENTRY_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_RULE_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*)*$")


def urgency_rank(level: UrgencyLevel) -> int:
    """0 for routine up to 3 for emergency."""
    return URGENCY_LEVELS.index(level)


def is_seed_citation(citation: str) -> bool:
    """Whether a citation points into the seed text rather than a reference."""
    return citation.startswith("seed §")


def _check_citation(value: str) -> str:
    if not _CITATION.match(value):
        raise ValueError(
            f"source {value!r} is not a citation; use 'seed §1' … 'seed §5', 'seed §intro', "
            "'seed §advice', or a reference such as 'clinical_facts §2.4 [V]' or "
            "'clinical_facts_2 §1 [V]' "
            "(confidence V, V2 or U)"
        )
    return value


def _check_entry_id(value: str) -> str:
    # experta reads "__" in fact keys as nested matching, so ids must never contain it.
    if not _ENTRY_ID.match(value):
        raise ValueError(
            f"id {value!r} must be lower case letters and digits joined by single underscores"
        )
    return value


def _check_rule_id(value: str) -> str:
    if not _RULE_ID.match(value):
        raise ValueError(
            f"rule id {value!r} must be lower-case words joined by single underscores, "
            "in dot-separated parts, such as 'tb.night_sweats'"
        )
    return value


def _check_sentence(value: str) -> str:
    if "\n" in value or not value.endswith(".") or re.search(r"[.!?] [A-Z]", value):
        raise ValueError("a rationale must be one sentence on one line, ending with a full stop")
    return _check_printable(value)


def _check_printable(value: str) -> str:
    # A carriage return or an escape sequence could rewrite what the person sees on screen.
    bad = [char for char in value if unicodedata.category(char) == "Cc"]
    if bad:
        raise ValueError(f"text must not contain control characters (found {bad[0]!r})")
    return value


def _check_line(value: str) -> str:
    if not value.strip() or "\n" in value:
        raise ValueError("text must be one non-empty line")
    return _check_printable(value)


Citation = Annotated[str, AfterValidator(_check_citation)]
Sources = Annotated[tuple[Citation, ...], Field(min_length=1)]
EntryId = Annotated[str, AfterValidator(_check_entry_id)]
RuleId = Annotated[str, AfterValidator(_check_rule_id)]
Sentence = Annotated[str, AfterValidator(_check_sentence)]
Line = Annotated[str, AfterValidator(_check_line)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Condition(_Frozen):
    """When a rule applies. Every key given must hold (AND); an empty condition always holds.

    Only yes and no answers match ``yes``, ``no`` and ``any_yes``: "don't know" is never evidence.
    """

    #: Each of these questions was answered yes.
    yes: tuple[EntryId, ...] = ()
    #: Each of these questions was answered no.
    no: tuple[EntryId, ...] = ()
    #: At least one of these questions was answered yes.
    any_yes: tuple[EntryId, ...] = ()
    #: At least one of these questions was answered "don't know" (used to keep urgency up).
    any_unknown: tuple[EntryId, ...] = ()
    #: Each of these derived findings holds.
    findings: tuple[EntryId, ...] = ()
    #: The age is known and below this many years.
    age_below: Annotated[int, Field(ge=1, le=121)] | None = None
    #: The age is known and at least this many years.
    age_at_least: Annotated[int, Field(ge=0, le=120)] | None = None

    @model_validator(mode="after")
    def _can_hold(self) -> Condition:
        both = set(self.yes) & set(self.no)
        if both:
            raise ValueError(f"can never hold: {sorted(both)} must be both yes and no")
        if (
            self.age_below is not None
            and self.age_at_least is not None
            and self.age_below <= self.age_at_least
        ):
            raise ValueError("can never hold: age_below must be greater than age_at_least")
        for name in ("yes", "no", "any_yes", "any_unknown", "findings"):
            values: tuple[str, ...] = getattr(self, name)
            if len(set(values)) != len(values):
                raise ValueError(f"{name} lists the same id twice")
        return self

    @property
    def always(self) -> bool:
        """True when the condition has no keys, so it always holds."""
        return not self.yes_no_questions() and not self.findings and not self.uses_age

    @property
    def uses_age(self) -> bool:
        return self.age_below is not None or self.age_at_least is not None

    def yes_no_questions(self) -> tuple[str, ...]:
        """Every yes/no question the condition reads, in the order written."""
        return (*self.yes, *self.no, *self.any_yes, *self.any_unknown)


class _RuleBase(_Frozen):
    id: RuleId
    when: Condition
    rationale: Sentence
    source: Sources

    @property
    def beyond_seed(self) -> bool:
        """True when no source of the rule is the seed text."""
        return not any(is_seed_citation(citation) for citation in self.source)


class FindingRule(_RuleBase):
    """Derives a finding: its id is both the rule id and the finding id."""

    id: EntryId
    name: Line


class EvidenceRule(_RuleBase):
    """Points towards (weight > 0) or away from (weight < 0) a cause."""

    cause: EntryId
    weight: Annotated[int, Field(ge=-10, le=10)]

    @model_validator(mode="after")
    def _nonzero(self) -> EvidenceRule:
        if self.weight == 0:
            raise ValueError("weight must not be 0: a rule that changes nothing is noise")
        return self


class UrgencyRule(_RuleBase):
    """Raises the urgency to at least ``level``.

    ``action`` replaces the level's usual action when this rule decides the level: a special
    group has its own place to go (a cancer team's 24-hour line, a maternity unit). Such a rule
    also words the physician recommendation, ``recommendation``, so that the last line of the
    report names the same place as the urgency box.
    """

    level: UrgencyLevel
    action: Line | None = None
    recommendation: Line | None = None

    @model_validator(mode="after")
    def _action_with_recommendation(self) -> UrgencyRule:
        if (self.action is None) != (self.recommendation is None):
            raise ValueError(
                "action and recommendation go together: a rule that sends a special group "
                "somewhere of its own says so in the last line too"
            )
        return self


FindingIds = tuple[EntryId, ...]


class AdviceRule(_RuleBase):
    """Adds a piece of lifestyle advice, unless one of the ``not_with`` findings holds."""

    text: Line
    #: Findings that hide the advice (say, advice on alcohol when the scan was of a baby).
    not_with: FindingIds = ()


class DoctorQuestionRule(_RuleBase):
    """Adds a question for the person to ask the doctor."""

    text: Line


class AskRule(_RuleBase):
    """Makes a question relevant in the interview. Built from a question's ``ask_when``."""

    question: EntryId


class StopRule(_RuleBase):
    """Ends the interview early, showing ``message`` before the report."""

    message: Line


Rule = (
    FindingRule | EvidenceRule | UrgencyRule | AdviceRule | DoctorQuestionRule | AskRule | StopRule
)


class Question(_Frozen):
    """One question of the catalogue (``rules/questions.toml``)."""

    id: EntryId
    kind: QuestionKind
    stage: Stage
    label: Line
    text: Line
    help: Line
    why: Sentence
    source: Sources
    #: When the question is relevant: one condition, or a list of conditions of which any one
    #: is enough. Without it, the question is asked of everyone.
    ask_when: Condition | tuple[Condition, ...] | None = None
    snomed: Annotated[str, Field(pattern=r"^\d{6,18}$")] | None = None

    @model_validator(mode="after")
    def _follow_ups_have_a_condition(self) -> Question:
        if self.stage == "follow_up" and not self.ask_conditions:
            raise ValueError("a follow_up question needs ask_when")
        if self.stage in ("red_flag", "legacy") and self.ask_when is not None:
            raise ValueError(f"a {self.stage} question may not have ask_when")
        return self

    @property
    def ask_conditions(self) -> tuple[Condition, ...]:
        """The conditions of ask_when, any one of which makes the question relevant."""
        if self.ask_when is None:
            return ()
        return self.ask_when if isinstance(self.ask_when, tuple) else (self.ask_when,)

    @property
    def ask_rules(self) -> tuple[AskRule, ...]:
        """The rules that make this question relevant: one per condition, or one that always
        holds. The first is ``ask.<id>``; the others ``ask.<id>.alt<n>``."""
        conditions = self.ask_conditions or (Condition(),)
        return tuple(
            AskRule(
                id=f"ask.{self.id}" + (f".alt{index}" if index else ""),
                question=self.id,
                when=when,
                rationale=self.why,
                source=self.source,
            )
            for index, when in enumerate(conditions)
        )


class _Shown(_Frozen):
    """A piece of a cause shown only with some findings, or hidden by others."""

    #: Shown only when at least one of these findings holds (empty: always).
    only_with: FindingIds = ()
    #: Hidden when any of these findings holds (say, medicine lists for a baby).
    not_with: FindingIds = ()

    def finding_ids(self) -> tuple[str, ...]:
        return (*self.only_with, *self.not_with)

    def shown(self, findings: frozenset[str]) -> bool:
        """Whether it is shown, given the findings that hold."""
        if self.only_with and not findings.intersection(self.only_with):
            return False
        return not findings.intersection(self.not_with)


class SourcedText(_Shown):
    text: Line
    source: Sources


class Treatment(_Shown):
    """A treatment the seed names: shown only as an option a physician may consider."""

    name: Line
    note: Line
    source: Sources


class Cause(_Frozen):
    """A possible cause (``rules/causes.toml``)."""

    id: EntryId
    name: Line
    framing: Framing
    #: Points before any answer: 0 unless a source says the cause is common (up to 5), or that
    #: it fits only a narrow group (down to -5, such as congenital calcification outside pregnancy
    #: and infancy).
    prior: Annotated[int, Field(ge=-5, le=5)] = 0
    summary: Line
    source: Sources
    note: tuple[SourcedText, ...] = ()
    doctor_may: tuple[SourcedText, ...] = ()
    treatment: tuple[Treatment, ...] = ()
    #: Questions whose "yes" means a doctor already found this condition: it is then shown as a
    #: condition that matters alongside the spots, not as an explanation of them.
    known_from: tuple[EntryId, ...] = ()
    #: Findings that leave the cause out of the list altogether (adult causes for a baby).
    not_with: FindingIds = ()

    @property
    def seed_section(self) -> int | None:
        """The seed section the cause comes from, or None for a cause beyond the seed."""
        for citation in self.source:
            section = citation.removeprefix("seed §")
            if section.isdigit():
                return int(section)
        return None

    @property
    def beyond_seed(self) -> bool:
        return self.seed_section is None

    def texts(self) -> Iterator[str]:
        """Every piece of text a person may read about this cause."""
        yield self.name
        yield self.summary
        for item in (*self.note, *self.doctor_may):
            yield item.text
        for treatment in self.treatment:
            yield treatment.name
            yield treatment.note


class LevelWording(_Frozen):
    """What the person reads for one urgency level (``rules/urgency.toml``)."""

    label: Line
    action: Line
    recommendation: Line


class Note(_Frozen):
    id: RuleId
    text: Line
    source: Sources


class ReportWording(_Frozen):
    """The framing every report carries (``rules/report.toml``)."""

    version: Annotated[str, Field(pattern=r"^\d{4}\.\d{1,2}\.\d+$")]
    disclaimer: Line
    note: tuple[Note, ...] = ()
