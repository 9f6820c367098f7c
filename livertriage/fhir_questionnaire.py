"""The question catalogue as one FHIR Questionnaire, generated from the rules.

Each question is an item whose ``linkId`` is its answer id, in the interview's order (the red
flags first), and whose ``ask_when`` decides when it shows, read as the interview reads it
(:mod:`livertriage.fhir_conditions`). Display items say what the form is, each question's help,
and, where the interview would stop at an emergency, what to do at once: after a question whose
yes alone means an emergency, and after the last question of every other rule that makes the
urgency an emergency, shown when the rule holds. docs/fhir.md shows an item.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from livertriage.answers import AGE_RANGE
from livertriage.fhir_conditions import enable_when, shown_when
from livertriage.fhir_models import (
    ABOUT_LINK,
    DONT_KNOW,
    EMERGENCY_SUFFIX,
    HELP_SUFFIX,
    NO,
    QUESTIONNAIRE_URL,
    SNOMED_CT,
    YES,
    Release,
)
from livertriage.graph import questions_behind
from livertriage.knowledge import KnowledgeBase
from livertriage.models import Condition, Question, UrgencyRule
from livertriage.triage import evaluate

__all__ = ["questionnaire"]

_SDC_BEHAVIOUR = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-behave"
_HIDDEN = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden"
_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
_MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
_MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"


def questionnaire(knowledge_base: KnowledgeBase, release: Release = "R4") -> dict[str, Any]:
    """The whole catalogue as a Questionnaire (JSON as a dict) of FHIR ``release``."""
    notes = _emergency_notes(knowledge_base)
    return {
        "resourceType": "Questionnaire",
        "id": "livertriage",
        "meta": {"profile": [_SDC_BEHAVIOUR]},
        "url": QUESTIONNAIRE_URL,
        "version": knowledge_base.version,
        "name": "LivertriageCalcificationSpots",
        "title": "Calcification spots on the liver: questions before seeing a physician",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "The questions of livertriage, an offline, rule-based triage helper for a person "
            "told that a scan shows calcification spots on the liver. Generated from its rules "
            f"(knowledge base {knowledge_base.version}, fingerprint {knowledge_base.fingerprint}). "
            f"{knowledge_base.report.disclaimer}"
        ),
        "item": [
            {"linkId": ABOUT_LINK, "text": knowledge_base.report.disclaimer, "type": "display"},
            *(
                item
                for question in knowledge_base.questions
                for item in (_item(question, knowledge_base, release), *notes[question.id])
            ),
        ],
    }


def _emergency_notes(knowledge_base: KnowledgeBase) -> dict[str, list[dict[str, Any]]]:
    """What to do at once, by the question it follows: a form goes on where the interview
    would stop at an emergency, so it says so where the answer that means one is given."""
    emergency = knowledge_base.urgency_levels["emergency"].recommendation
    notes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    alone = {
        question.id
        for question in knowledge_base.questions
        if question.kind == "yes_no"
        and question.stage != "legacy"
        and evaluate({question.id: "yes"}, knowledge_base).urgency_level == "emergency"
    }
    for question_id in alone:
        notes[question_id].append(
            {
                "linkId": f"{question_id}{EMERGENCY_SUFFIX}",
                "text": emergency,
                "type": "display",
                "enableWhen": [{"question": question_id, "operator": "=", "answerCoding": YES}],
            }
        )
    position = {question.id: index for index, question in enumerate(knowledge_base.questions)}
    for rule in knowledge_base.urgency:
        if rule.level != "emergency" or _said_by_one_yes(rule, alone):
            continue
        last = max(questions_behind(knowledge_base, rule.when), key=position.__getitem__)
        for index, alternative in enumerate(_alternatives(rule.when)):
            condition = enable_when((alternative,), knowledge_base, opening=False)
            notes[last].append(
                {
                    "linkId": f"{rule.id}{f'.alt{index}' if index else ''}{EMERGENCY_SUFFIX}",
                    "text": rule.recommendation or emergency,
                    "type": "display",
                    **shown_when(condition),
                }
            )
    return notes


def _alternatives(when: Condition) -> list[Condition]:
    """The condition as alternatives without "any of", so that each is a flat "all of" that
    every form renderer can follow (one without FHIRPath would show a FHIRPath note always).
    Where two alternatives hold at once, the note shows twice: never not at all."""
    yes_choices: list[tuple[str, ...]] = [(q,) for q in when.any_yes] or [()]
    unknown_choices: list[tuple[str, ...]] = [(q,) for q in when.any_unknown] or [()]
    return [
        when.model_copy(update={"yes": (*when.yes, *yes), "any_yes": (), "any_unknown": unknown})
        for yes in yes_choices
        for unknown in unknown_choices
    ]


def _said_by_one_yes(rule: UrgencyRule, alone: set[str]) -> bool:
    """Whether the rule holds exactly when one of its questions is yes, each of which already
    has its own note."""
    when = rule.when
    if when.no or when.any_unknown or when.findings or when.uses_age or len(when.yes) > 1:
        return False
    if when.yes and when.any_yes:
        return False
    return set(when.yes or when.any_yes) <= alone


def _item(question: Question, knowledge_base: KnowledgeBase, release: Release) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": question.id}
    extensions: list[dict[str, Any]] = []
    if question.snomed:
        item["code"] = [{"system": SNOMED_CT, "code": question.snomed}]
    item["text"] = question.text
    if question.kind == "age":
        item["type"] = "integer"
        # Left empty, the age would meet no age condition, and a baby's or a pregnancy's own
        # questions and warning signs would never be asked: a form must ask for it.
        item["required"] = True
        extensions += [
            {"url": _MIN_VALUE, "valueInteger": AGE_RANGE[0]},
            {"url": _MAX_VALUE, "valueInteger": AGE_RANGE[1]},
        ]
    else:
        item["type"] = "choice" if release == "R4" else "coding"
        if release == "R5":
            item["answerConstraint"] = "optionsOnly"
        item["answerOption"] = [{"valueCoding": dict(coding)} for coding in (YES, NO, DONT_KNOW)]
    if question.stage == "legacy":  # an older answer id: accepted, never asked
        extensions.append({"url": _HIDDEN, "valueBoolean": True})
    shown = shown_when(enable_when(question.ask_conditions, knowledge_base, opening=True))
    extensions += shown.pop("extension", [])
    item.update(shown)
    if extensions:
        item["extension"] = extensions
    item["item"] = [
        {
            "linkId": f"{question.id}{HELP_SUFFIX}",
            "text": f"{question.help} Why it is asked: {question.why}",
            "type": "display",
            "extension": [
                {
                    "url": _ITEM_CONTROL,
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": "http://hl7.org/fhir/questionnaire-item-control",
                                "code": "help",
                            }
                        ]
                    },
                }
            ],
        }
    ]
    return item
