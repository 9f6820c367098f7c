"""A form renderer in miniature: which items of a FHIR Questionnaire a response enables.

It reads ``enableWhen`` and ``enableBehavior`` as FHIR defines them, with no code from
livertriage: ``exists`` asks whether the item has an answer, ``=`` whether an answer equals the
given one, ``!=`` whether none does, and ``<`` … ``>=`` compare numbers. An SDC
``enableWhenExpression`` is evaluated by fhirpathpy, an independent FHIRPath engine. As in a
real form, an item that is not enabled has no answer, and so cannot enable another.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Mapping
from typing import Any

from fhirpathpy import compile as compile_fhirpath
from fhirpathpy.models import models

from livertriage.fhir_conditions import ENABLE_WHEN_EXPRESSION

HIDDEN = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden"
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

Answer = dict[str, Any]  # one answer of a QuestionnaireResponse: {"valueCoding": {...}}


class Form:
    """A Questionnaire ready to be filled in: its items, and their conditions compiled."""

    def __init__(self, questionnaire: Mapping[str, Any]) -> None:
        self.items = [
            item
            for item in questionnaire["item"]
            if not _hidden(item) and item["type"] != "display"  # display items ask nothing
        ]
        #: The display items that show only under a condition (what to do in an emergency).
        self.notes = [
            item
            for item in questionnaire["item"]
            if item["type"] == "display" and ("enableWhen" in item or "extension" in item)
        ]
        self.expressions: dict[str, Callable[..., list[Any]]] = {}
        for item in (*self.items, *self.notes):
            for extension in item.get("extension", []):
                if extension["url"] == ENABLE_WHEN_EXPRESSION:
                    text = extension["valueExpression"]["expression"]
                    self.expressions[item["linkId"]] = compile_fhirpath(text, models["r4"])

    def enabled(self, answers: Mapping[str, Answer]) -> list[str]:
        """The linkIds of the items enabled, in order; the answers of the others are dropped
        first, as a renderer drops them."""
        kept: dict[str, Answer] = {}
        shown: list[str] = []
        for item in self.items:  # every condition points back to an earlier item
            if self._enabled(item, kept):
                shown.append(item["linkId"])
                if item["linkId"] in answers:
                    kept[item["linkId"]] = answers[item["linkId"]]
        return shown

    def shown_notes(self, answers: Mapping[str, Answer]) -> list[str]:
        """The linkIds of the conditional display items shown, in order."""
        enabled = set(self.enabled(answers))
        kept = {link: answer for link, answer in answers.items() if link in enabled}
        return [note["linkId"] for note in self.notes if self._enabled(note, kept)]

    def fill(
        self, rng: random.Random, choose: Callable[[dict[str, Any], random.Random], Answer | None]
    ) -> dict[str, Answer]:
        """Fill the form in as a person would: each enabled item in turn, answered by
        ``choose`` (None leaves it empty)."""
        answers: dict[str, Answer] = {}
        for item in self.items:
            if self._enabled(item, answers):
                answer = choose(item, rng)
                if answer is not None:
                    answers[item["linkId"]] = answer
        return answers

    def _enabled(self, item: Mapping[str, Any], answers: Mapping[str, Answer]) -> bool:
        if item["linkId"] in self.expressions:
            response = {
                "resourceType": "QuestionnaireResponse",
                "status": "in-progress",
                "item": [{"linkId": link, "answer": [a]} for link, a in answers.items()],
            }
            found = self.expressions[item["linkId"]](response, {"resource": response})
            return found == [True]
        tests = item.get("enableWhen")
        if not tests:
            return True
        results = [_holds(test, answers.get(test["question"])) for test in tests]
        return any(results) if item.get("enableBehavior") == "any" else all(results)


def texts(value: Any) -> list[str]:
    """Every string in a resource (JSON as dicts and lists), for the wording checks."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in texts(item)]
    return [value] if isinstance(value, str) else []


def _hidden(item: Mapping[str, Any]) -> bool:
    return any(e["url"] == HIDDEN and e.get("valueBoolean") for e in item.get("extension", []))


def _value(answer: Answer) -> Any:
    return next(v for k, v in answer.items() if k.startswith("value"))


def _same(given: Any, wanted: Any) -> bool:
    if isinstance(wanted, dict):  # codings match by system and code
        return isinstance(given, dict) and (given.get("system"), given.get("code")) == (
            wanted.get("system"),
            wanted.get("code"),
        )
    return bool(given == wanted)


def _holds(test: Mapping[str, Any], answer: Answer | None) -> bool:
    wanted = next(v for k, v in test.items() if k.startswith("answer"))
    if test["operator"] == "exists":
        return (answer is not None) is wanted
    if test["operator"] == "!=":
        return answer is None or not _same(_value(answer), wanted)
    if answer is None:
        return False
    if test["operator"] == "=":
        return _same(_value(answer), wanted)
    given = _value(answer)
    return isinstance(given, int) and _COMPARE[test["operator"]](given, wanted)
