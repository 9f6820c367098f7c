"""The shape of the knowledge base: what each file in ``rules/`` may contain.

These pydantic models are the schema a clinician's edits are checked against. They are frozen, and
unknown keys are errors, so that a typo in a rules file fails loudly instead of being ignored.
Checks that span several entries or files (unknown ids, cycles, the urgency floor) live in
:mod:`livertriage.knowledge`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

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
    "Icd10Code",
    "LevelWording",
    "Note",
    "Question",
    "QuestionKind",
    "ReportWording",
    "Rule",
    "SnomedCode",
    "SourcedText",
    "Stage",
    "StopRule",
    "Treatment",
    "UrgencyLevel",
    "UrgencyRule",
    "is_seed_citation",
    "urgency_rank",
    "verhoeff_check_digit",
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


# --- Clinical codes ---------------------------------------------------------------------------
#
# Causes and questions may carry a SNOMED CT concept id and a WHO ICD-10 code, as metadata for
# other systems (never shown to the person as a diagnosis). Only codes that
# shared/reference/clinical_facts.md §4 marks verified ([V]) go into rules/; these checks
# catch a mistyped code when the rules load.

# Verhoeff's check-digit tables (J. Verhoeff, 1969), as SNOMED CT uses them for its identifiers.
# _VERHOEFF_D is the multiplication table of the dihedral group D5 (the symmetries of a pentagon:
# 0-4 rotations, 5-9 reflections); unlike a sum modulo 10, it catches every single-digit error and
# every swap of two adjacent digits.
_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
# _VERHOEFF_P[i] permutes a digit by its position i, counted from the right modulo 8: row 1 is
# Verhoeff's permutation, and row i applies it i times (it has order 8, so row 8 would be row 0).
# Permuting by position is what makes swaps of adjacent digits detectable. The rows are derived
# rather than copied out, so that no mistyped entry can hide in them.
_VERHOEFF_PERMUTATION = (1, 5, 7, 6, 2, 8, 3, 0, 9, 4)


def _verhoeff_rows() -> tuple[tuple[int, ...], ...]:
    rows = [tuple(range(10))]
    for _ in range(7):
        rows.append(tuple(rows[-1][_VERHOEFF_PERMUTATION[digit]] for digit in range(10)))
    return tuple(rows)


_VERHOEFF_P = _verhoeff_rows()
# _VERHOEFF_INV[c] is the inverse of c in D5: the check digit that brings the total back to 0.
_VERHOEFF_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_check_digit(digits: str) -> int:
    """The Verhoeff check digit to append to ``digits`` (a non-empty string of 0-9).

    The digits are read from the right. The check digit will sit at position 0, so the last of
    ``digits`` is at position 1: each digit is permuted by its position, and the results are
    combined in D5; the check digit is the inverse of that total.
    """
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"{digits!r} is not a string of digits")
    total = 0
    for position, digit in enumerate(reversed(digits), start=1):
        total = _VERHOEFF_D[total][_VERHOEFF_P[position % 8][int(digit)]]
    return _VERHOEFF_INV[total]


#: Used with fullmatch, as the ICD-10 pattern below: with match, "$" lets a final newline through.
_SNOMED_SHAPE = re.compile(r"[1-9][0-9]{5,17}")
#: The partition identifier (the two digits before the check digit) of a concept id: "00" for the
#: international release, "10" for a concept of an extension (namespace). "01"/"11" are
#: descriptions and "02"/"12" relationships, which are never what a cause or question means.
_CONCEPT_PARTITIONS = ("00", "10")


def _check_snomed(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f'snomed {value!r} must be written as text in quotes, such as "19943007"')
    shown = json.dumps(value, ensure_ascii=False)
    if not _SNOMED_SHAPE.fullmatch(value):
        raise ValueError(
            f"snomed {shown} is not a SNOMED CT concept id (it must be 6 to 18 digits, "
            "the first not 0)"
        )
    if verhoeff_check_digit(value[:-1]) != int(value[-1]):
        raise ValueError(f"snomed {shown} is not a SNOMED CT concept id (its check digit is wrong)")
    partition = value[-3:-1]
    if partition not in _CONCEPT_PARTITIONS:
        raise ValueError(
            f"snomed {shown} is not a SNOMED CT concept id (its partition identifier, the two "
            f"digits before the check digit, is {partition!r}; a concept id has '00' or '10')"
        )
    return value


# A WHO ICD-10 code: a capital letter, two more characters, and optionally a dot and one or two
# more (K74.6, R18, R50.9). The first letter is never U: WHO reserves chapter XXII (U00-U99) for
# special purposes (provisional codes for new diseases, and resistance to antimicrobial agents),
# which no cause or symptom here is; a U is far more likely a typo. The third character is a
# digit, or A or B as in some national modifications (ICD-10-CM's C4A, D3A); after the dot come
# digits, or letters for some codes, never U.
_ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9AB](?:\.[0-9A-TV-Z]{1,2})?$")


def _check_icd10(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f'icd10 {value!r} must be written as text in quotes, such as "K74.6"')
    if not _ICD10.fullmatch(value):
        raise ValueError(
            f"icd10 {json.dumps(value, ensure_ascii=False)} is not an ICD-10 code: a capital "
            "letter other than U, two digits (the second may be A or B), and optionally a dot "
            'and one or two digits or capital letters, such as "K74.6" or "R18"'
        )
    return value


#: A SNOMED CT concept id, checked for its shape, its Verhoeff check digit and its partition.
SnomedCode = Annotated[str, BeforeValidator(_check_snomed)]
#: A WHO ICD-10 code, checked for its shape.
Icd10Code = Annotated[str, BeforeValidator(_check_icd10)]

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
    #: The SNOMED CT concept and the WHO ICD-10 code of what the question asks about, where
    #: clinical_facts.md §4 verified one with this meaning: metadata, never shown as a diagnosis.
    snomed: SnomedCode | None = None
    icd10: Icd10Code | None = None

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
    #: The SNOMED CT concept and the WHO ICD-10 code of the cause, where clinical_facts.md §4
    #: verified one with this meaning: metadata for other systems, never shown as a diagnosis.
    snomed: SnomedCode | None = None
    icd10: Icd10Code | None = None

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
