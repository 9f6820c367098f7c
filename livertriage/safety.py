"""What livertriage promises whatever the knowledge base says (docs/contract.md §1, §2 and §4).

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
    "RED_FLAG_QUESTIONS",
    "find_unsafe_language",
    "floor_level",
    "wording_problems",
]

#: Every question id that docs/contract.md §1 requires the catalogue to accept.
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

#: The urgency floor of docs/contract.md §2: each set of questions, all answered yes, must lead
#: to at least the level given.
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
    """The lowest urgency docs/contract.md §2 allows for these answers (already normalised)."""
    said_yes = {question for question, value in answers.items() if value == "yes"}
    level: UrgencyLevel = "routine"
    for trigger, trigger_level in FLOOR_TRIGGERS:
        if trigger <= said_yes and urgency_rank(trigger_level) > urgency_rank(level):
            level = trigger_level
    return level


_HEDGE = r"(?:most likely |likely |probably |definitely |certainly |clearly |surely )?"
_DIAGNOSIS_CLAIMS = re.compile(
    r"\byou(?: have|'ve)\b"
    rf"|\byou {_HEDGE}have\b"
    r"|\byou(?: are|'re) suffering\b"
    r"|\byou suffer from\b"
    r"|\byour diagnosis\b"
    r"|\bthe diagnosis is\b"
    r"|\bdiagnosis\s*:"
    rf"|\b(?:this|it) is {_HEDGE}(?:an? )?(?:hepatic tuberculosis|tuberculosis|cirrhosis|"
    r"chronic hepatitis|hepatitis|liver cancer|cancer|a tumour|an abscess)\b",
    re.IGNORECASE,
)
_MEDICINE_WORDS = r"(?:medicines?|medications?|tablets?|pills?|capsules?|doses?|drugs?|treatments?)"
_MEDICINE_INSTRUCTIONS = re.compile(
    r"\b(?:take|start|begin|commence|stop|discontinue|increase|reduce|double|halve|skip)\s+"
    r"(?:taking\s+|using\s+)?"
    r"(?:your\s+|the\s+|this\s+|these\s+|those\s+|a\s+|an\s+|some\s+|more\s+|less\s+)?"
    r"(?:current\s+|usual\s+|regular\s+|other\s+|liver\s+)?"
    + _MEDICINE_WORDS
    + r"|\b(?:stop|start|begin|keep)\s+taking\b"
    + r"|\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|g|grams?|micrograms?|milligrams?|ml)\b"
    + r"|\bevery\s+\d+\s*(?:hours?|hrs?)\b"
    + r"|\b(?:once|twice|three times)\s+(?:a|per)\s+day\b",
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
        r"\b(?:take|start|begin|commence|stop|discontinue|use)\s+(?:taking\s+|using\s+)?"
        r"(?:" + "|".join(names) + r")\b",
        re.IGNORECASE,
    )


#: The warning signs of the contract's floor that a yes alone escalates: the interview must ask
#: them first, in the red-flag stage, so that no ask condition can hide them.
RED_FLAG_QUESTIONS: tuple[str, ...] = tuple(
    question
    for trigger, level in FLOOR_TRIGGERS
    if level in ("emergency", "urgent") and len(trigger) == 1
    for question in trigger
)

# Words that take back a recommendation or an urgency: "no need to see a physician", "no hurry".
_NEGATIONS = re.compile(
    r"\b(?:no need|not necessary|unnecessary|needn't|need not|do not need|don't need|"
    r"no hurry|no rush|nothing to worry|not urgent|there is no need|rest at home)\b",
    re.IGNORECASE,
)
#: What the words of each level must say (docs/contract.md §2), as (pattern, what it means).
_LEVEL_WORDS: dict[UrgencyLevel, tuple[str, str]] = {
    "emergency": (r"\bemergency\b", "send the person to emergency care"),
    "urgent": (r"\btoday\b|\b24 hours\b|\bnow\b", "say today, within 24 hours"),
    "soon": (r"\bdays?\b", "say within days"),
    "routine": (r"\bappointment\b|\bbook\b|\bdiscuss\b", "say to book an appointment"),
}


def wording_problems(level: UrgencyLevel, text: str, *, label: bool = True) -> list[str]:
    """Why ``text`` cannot be the words of ``level`` (a label, action or recommendation), or [].

    The words must not take the urgency back, and an action or recommendation must say what the
    level means. A label is short ("Emergency", "Urgent: today"), so it only has to name the level
    or its time.
    """
    problems = [
        f"{match.group(0)!r} takes back the urgency or the physician"
        for match in _NEGATIONS.finditer(text)
    ]
    pattern, meaning = _LEVEL_WORDS[level]
    if label and len(text.split()) <= 5:
        if level not in text.lower() and not re.search(pattern, text, re.IGNORECASE):
            problems.append(f"the label {text!r} does not name the level {level!r}")
    elif not re.search(pattern, text, re.IGNORECASE):
        problems.append(f"the words for {level!r} must {meaning}: {text!r}")
    return problems
