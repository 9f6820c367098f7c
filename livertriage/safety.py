"""What livertriage promises whatever the knowledge base says (CONTRACT.md §1, §2 and §4).

- The minimum question catalogue that every knowledge base must accept.
- The urgency floor that the urgency rules must never go under.
- The language it never uses: no diagnosis, no instruction to take, stop or dose a medicine.

Loading a knowledge base checks it against these; the tests check every output against them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from livertriage.models import UrgencyLevel, urgency_rank

__all__ = [
    "CONTRACT_QUESTION_IDS",
    "FLOOR_TRIGGERS",
    "find_unsafe_language",
    "floor_level",
]

#: Every question id that CONTRACT.md §1 requires the catalogue to accept.
CONTRACT_QUESTION_IDS: tuple[str, ...] = (
    "age",
    "prenatal_finding",
    "stable_on_earlier_scans",
    "fever",
    "chills",
    "night_sweats",
    "weight_loss",
    "persistent_cough",
    "fatigue",
    "appetite_loss",
    "abdominal_bloating",
    "abdominal_pain",
    "ascites",
    "splenomegaly",
    "jaundice",
    "vomiting_blood",
    "black_stools",
    "confusion",
    "severe_abdominal_pain",
    "breathing_difficulty",
    "alcohol_use",
    "smoking",
    "hepatitis_history",
    "hepatitis_risk",
    "liver_medication",
    "tb_history",
    "tb_contact",
    "immunosuppressed",
    "liver_injury_history",
    "liver_infection_history",
    "known_cirrhosis",
    "family_liver_disease",
    "cancer_history",
    "parasite_exposure",
)

#: The urgency floor of CONTRACT.md §2: each set of questions, all answered yes, must lead to at
#: least the level given.
FLOOR_TRIGGERS: tuple[tuple[frozenset[str], UrgencyLevel], ...] = (
    *(
        (frozenset({question}), "emergency")
        for question in (
            "vomiting_blood",
            "black_stools",
            "confusion",
            "severe_abdominal_pain",
            "breathing_difficulty",
        )
    ),
    (frozenset({"jaundice"}), "urgent"),
    (frozenset({"fever", "chills"}), "urgent"),
    *(
        (frozenset({question}), "soon")
        for question in (
            "fever",
            "night_sweats",
            "weight_loss",
            "persistent_cough",
            "ascites",
            "splenomegaly",
            "abdominal_pain",
            "prenatal_finding",
            "cancer_history",
            "known_cirrhosis",
        )
    ),
)


def floor_level(answers: Mapping[str, object]) -> UrgencyLevel:
    """The lowest urgency CONTRACT.md §2 allows for these answers (already normalised)."""
    said_yes = {question for question, value in answers.items() if value == "yes"}
    level: UrgencyLevel = "routine"
    for trigger, trigger_level in FLOOR_TRIGGERS:
        if trigger <= said_yes and urgency_rank(trigger_level) > urgency_rank(level):
            level = trigger_level
    return level


_DIAGNOSIS_CLAIMS = re.compile(
    r"\byou(?: have|'ve)\b"
    r"|\byou(?: are|'re) suffering\b"
    r"|\byou suffer from\b"
    r"|\byour diagnosis\b"
    r"|\bdiagnosis\s*:",
    re.IGNORECASE,
)
_MEDICINE_WORDS = r"(?:medicines?|medications?|tablets?|pills?|capsules?|doses?|drugs?|treatments?)"
_MEDICINE_INSTRUCTIONS = re.compile(
    r"\b(?:take|start|stop|increase|reduce|double|halve|skip)\s+(?:taking\s+|using\s+)?"
    r"(?:your\s+|the\s+|this\s+|these\s+|those\s+|a\s+|an\s+|some\s+|more\s+|less\s+)?"
    + _MEDICINE_WORDS
    + r"|\b(?:stop|start|keep)\s+taking\b"
    + r"|\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|micrograms?|milligrams?|ml)\b",
    re.IGNORECASE,
)


def find_unsafe_language(text: str, medicine_names: Iterable[str] = ()) -> list[str]:
    """Every phrase in ``text`` that states a diagnosis or instructs about a medicine.

    ``medicine_names`` adds names (such as "isoniazid") that must never follow "take", "start"
    or "stop".
    """
    found = [match.group(0) for match in _DIAGNOSIS_CLAIMS.finditer(text)]
    found += [match.group(0) for match in _MEDICINE_INSTRUCTIONS.finditer(text)]
    named = _named_instructions(tuple(medicine_names))
    if named is not None:
        found += [match.group(0) for match in named.finditer(text)]
    return found


@functools.cache
def _named_instructions(medicine_names: tuple[str, ...]) -> re.Pattern[str] | None:
    names = [re.escape(name) for name in medicine_names if name]
    if not names:
        return None
    return re.compile(
        r"\b(?:take|start|stop|use)\s+(?:taking\s+|using\s+)?(?:" + "|".join(names) + r")\b",
        re.IGNORECASE,
    )
