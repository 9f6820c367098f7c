"""The question catalogue as one FHIR Questionnaire, generated from the rules.

Each question is an item whose ``linkId`` is its answer id, in the interview's order (the red
flags first). Its ``ask_when`` becomes the item's ``enableWhen``, read as the interview reads it:
"don't know" opens a follow-up as the answer it may hide would, and an unknown age meets every
age condition. Where FHIR's plain ``enableWhen`` list (all of, or any of) can say a condition
exactly, that is what the item gets, so that any form renderer asks the same follow-ups. A few
conditions need "this and (that or that)", which a flat list cannot say; those items get the
condition as a FHIRPath expression instead (SDC's ``enableWhenExpression``), never an
approximation. docs/fhir.md shows both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from livertriage.answers import AGE_RANGE
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
from livertriage.knowledge import KnowledgeBase
from livertriage.models import Condition, Question
from livertriage.triage import evaluate

__all__ = ["ENABLE_WHEN_EXPRESSION", "enable_when", "questionnaire"]

ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
_SDC_BEHAVIOUR = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-behave"
_HIDDEN = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden"
_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
_MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
_MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"


def questionnaire(knowledge_base: KnowledgeBase, release: Release = "R4") -> dict[str, Any]:
    """The whole catalogue as a Questionnaire (JSON as a dict) of FHIR ``release``."""
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
                for item in _items(question, knowledge_base, release)
            ),
        ],
    }


def _items(
    question: Question, knowledge_base: KnowledgeBase, release: Release
) -> Iterator[dict[str, Any]]:
    """The question's item; after a question whose yes alone means an emergency, what to do at
    once if the answer is yes (a form goes on where the interview would stop)."""
    yield _item(question, knowledge_base, release)
    if (
        question.kind == "yes_no"
        and question.stage != "legacy"
        and _emergency_on_yes(question, knowledge_base)
    ):
        yield {
            "linkId": f"{question.id}{EMERGENCY_SUFFIX}",
            "text": knowledge_base.urgency_levels["emergency"].recommendation,
            "type": "display",
            "enableWhen": [{"question": question.id, "operator": "=", "answerCoding": dict(YES)}],
        }


def _emergency_on_yes(question: Question, knowledge_base: KnowledgeBase) -> bool:
    return evaluate({question.id: "yes"}, knowledge_base).urgency_level == "emergency"


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
    condition = enable_when(question.ask_conditions, knowledge_base.age_question or "age")
    if isinstance(condition, _Expression):
        extensions.append(
            {
                "url": ENABLE_WHEN_EXPRESSION,
                "valueExpression": {"language": "text/fhirpath", "expression": condition.text},
            }
        )
    elif condition is not None:
        item["enableWhen"] = condition.tests
        if len(condition.tests) > 1:
            item["enableBehavior"] = condition.behaviour
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


@dataclass(frozen=True)
class _Tests:
    """A flat enableWhen list, joined by ``behaviour``."""

    tests: list[dict[str, Any]]
    behaviour: str


@dataclass(frozen=True)
class _Expression:
    """A FHIRPath expression, for what a flat list cannot say."""

    text: str


def enable_when(conditions: Sequence[Condition], age: str) -> _Tests | _Expression | None:
    """``ask_when`` (any one of ``conditions``) as enableWhen tests, or else as FHIRPath;
    None when the question is asked of everyone. ``age`` is the age question's id."""
    if not conditions or any(when.always for when in conditions):
        return None
    # Each condition is "all of" its parts; each part is "any of" some tests.
    parts = [_parts(when, age) for when in conditions]
    if all(len(each) == 1 and each[0].any_of is not None for each in parts):
        return _Tests([test for each in parts for test in each[0].any_of or []], "any")
    if len(parts) == 1 and all(part.all_of is not None for part in parts[0]):
        return _Tests([test for part in parts[0] for test in part.all_of or []], "all")
    return _Expression(" or ".join(f"({_fhirpath(when, age)})" for when in conditions))


@dataclass(frozen=True)
class _Part:
    """One part of a condition as "any of" some tests, and as "all of" some tests, each where
    a flat list can say it exactly (None where it cannot)."""

    any_of: list[dict[str, Any]] | None
    all_of: list[dict[str, Any]] | None


def _equals(question: str, coding: dict[str, str]) -> dict[str, Any]:
    return {"question": question, "operator": "=", "answerCoding": dict(coding)}


def _one_of(question: str, first: dict[str, str], other: dict[str, str]) -> _Part:
    """The answer is ``first`` or ``other`` (of yes, no, don't know): any of the two, or all
    of "it exists" and "it is not the third"."""
    third = next(c for c in (YES, NO, DONT_KNOW) if c["code"] not in (first["code"], other["code"]))
    return _Part(
        any_of=[_equals(question, first), _equals(question, other)],
        all_of=[
            {"question": question, "operator": "exists", "answerBoolean": True},
            {"question": question, "operator": "!=", "answerCoding": dict(third)},
        ],
    )


def _parts(when: Condition, age: str) -> list[_Part]:
    parts = [_one_of(q, YES, DONT_KNOW) for q in when.yes]
    parts += [_one_of(q, NO, DONT_KNOW) for q in when.no]
    if len(when.any_yes) == 1:
        parts.append(_one_of(when.any_yes[0], YES, DONT_KNOW))
    elif when.any_yes:
        tests = [test for q in when.any_yes for test in _one_of(q, YES, DONT_KNOW).any_of or []]
        parts.append(_Part(any_of=tests, all_of=None))
    if when.any_unknown:
        tests = [_equals(q, DONT_KNOW) for q in when.any_unknown]
        parts.append(_Part(any_of=tests, all_of=tests if len(tests) == 1 else None))
    if when.uses_age:
        unknown = _equals(age, DONT_KNOW)
        if when.age_at_least is not None and when.age_below is not None:
            parts.append(_Part(any_of=None, all_of=None))  # (at least and below) or unknown
        elif when.age_below is not None:
            parts.append(_Part(any_of=[_age(age, "<", when.age_below), unknown], all_of=None))
        elif when.age_at_least is not None:
            parts.append(_Part(any_of=[_age(age, ">=", when.age_at_least), unknown], all_of=None))
    return parts


def _age(age: str, operator: str, years: int) -> dict[str, Any]:
    return {"question": age, "operator": operator, "answerInteger": years}


# --- FHIRPath, for what a flat list cannot say ------------------------------------------------


def _answer(question: str) -> str:
    return f"%resource.repeat(item).where(linkId='{question}').answer.value"


def _coded(question: str, *codings: dict[str, str]) -> str:
    codes = " or ".join(f"code='{coding['code']}'" for coding in codings)
    return f"{_answer(question)}.ofType(Coding).where({codes}).exists()"


def _fhirpath(when: Condition, age: str) -> str:
    """One condition as FHIRPath over the QuestionnaireResponse (``%resource``)."""
    terms = [_coded(q, YES, DONT_KNOW) for q in when.yes]
    terms += [_coded(q, NO, DONT_KNOW) for q in when.no]
    if when.any_yes:
        terms.append("(" + " or ".join(_coded(q, YES, DONT_KNOW) for q in when.any_yes) + ")")
    if when.any_unknown:
        terms.append("(" + " or ".join(_coded(q, DONT_KNOW) for q in when.any_unknown) + ")")
    if when.uses_age:
        bounds = []
        if when.age_at_least is not None:
            bounds.append(f"$this >= {when.age_at_least}")
        if when.age_below is not None:
            bounds.append(f"$this < {when.age_below}")
        known = f"{_answer(age)}.ofType(integer).where({' and '.join(bounds)}).exists()"
        terms.append(f"({known} or {_coded(age, DONT_KNOW)})")
    return " and ".join(terms)
