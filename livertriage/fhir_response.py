"""The FHIR input edge: a QuestionnaireResponse read as answers, and answers written as one.

A response's items are matched to the catalogue by ``linkId`` (the answer id). A yes/no answer
is a coding of FHIR's yes / no / don't know (see :mod:`livertriage.fhir_models`) or a boolean;
the age is an integer, or the "don't know" coding. Anything else, an unknown ``linkId``, two
answers to one question, or a response to another questionnaire, is refused in one line
naming it. What comes out is checked again, like any answers, by
:func:`livertriage.answers.parse_answers`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from livertriage.answers import AGE_RANGE, did_you_mean, show_value
from livertriage.errors import AnswersError, shortened
from livertriage.fhir_models import (
    DONT_KNOW,
    NO,
    QUESTIONNAIRE_URL,
    YES,
    is_display_link,
    read_response_model,
)
from livertriage.models import Question

__all__ = ["answers_from_response", "response_from_answers"]

_YES_NO_CODES = {YES["code"]: "yes", NO["code"]: "no", DONT_KNOW["code"]: None}
_SYSTEMS = {
    YES["code"]: YES["system"],
    NO["code"]: NO["system"],
    DONT_KNOW["code"]: DONT_KNOW["system"],
}
_YES_NO_ALLOWED = (
    f"a coding {YES['code']}, {NO['code']} or {DONT_KNOW['code']} "
    "(yes, no, don't know), or a boolean"
)
#: A QuestionnaireResponse's statuses (the same in R4 and R5).
_STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")
_AGE_ALLOWED = (
    f"a whole number of years from {AGE_RANGE[0]} to {AGE_RANGE[1]} (valueInteger), "
    f"or the coding {DONT_KNOW['code']}"
)


def answers_from_response(
    resource: Mapping[str, Any], catalogue: Mapping[str, Question]
) -> dict[str, object]:
    """The answers a QuestionnaireResponse holds, keyed by question id, as an answers object
    would give them (``None`` for don't know). Raises :class:`AnswersError` for bad input."""
    try:
        return _read(resource, catalogue)
    except RecursionError:  # groups nested thousands deep overflow what reads them
        raise AnswersError(
            "answers: the QuestionnaireResponse is nested too deeply; livertriage's "
            "Questionnaire has no groups"
        ) from None


def _read(resource: Mapping[str, Any], catalogue: Mapping[str, Question]) -> dict[str, object]:
    kind = resource.get("resourceType")
    if kind != "QuestionnaireResponse":
        raise AnswersError(
            f"answers: a FHIR {show_value(kind, 60)} resource is not a QuestionnaireResponse; "
            "give the QuestionnaireResponse to livertriage's Questionnaire"
        )
    read_response_model(dict(resource))
    _check_modifiers(resource, "")
    _check_questionnaire(resource.get("questionnaire"))
    status = resource.get("status")
    if status not in _STATUSES:  # FHIR's models leave the code's values to us
        raise AnswersError(
            f"answers: the QuestionnaireResponse's status is {show_value(status, 60)}, which is "
            f"not allowed; use one of {', '.join(_STATUSES)}"
        )
    if status == "entered-in-error":
        raise AnswersError(
            'answers: the QuestionnaireResponse has status "entered-in-error"; '
            "its answers were withdrawn and are not assessed"
        )
    found = _answers(resource, catalogue)
    age = _age_id(catalogue)
    if status in ("completed", "amended") and age is not None and age not in found:
        # The Questionnaire requires the age, so a finished response without it did not know
        # it; read as such, it opens the baby's and pregnancy's own questions, never closes them.
        found[age] = None
    return found


def _answers(resource: Mapping[str, Any], catalogue: Mapping[str, Question]) -> dict[str, object]:
    found: dict[str, object] = {}
    seen: set[str] = set()
    for item in _items(_listed(resource, "item", "the response")):
        link = item["linkId"]
        given = _listed(item, "answer", f"item {link}")
        if link not in catalogue:
            if not given and not item.get("item") and is_display_link(link, catalogue):
                continue  # the Questionnaire's own text, echoed by a form: nothing to read
            raise _unknown_link(link, catalogue)  # a group too: the Questionnaire has none
        if link in seen:
            raise AnswersError(
                f'answers: the QuestionnaireResponse has two items for "{link}"; '
                "give each question one item",
                field=link,
            )
        seen.add(link)
        if not given:
            continue  # shown but left empty: not answered, as a question never asked
        if len(given) > 1:
            raise AnswersError(
                f'answers: the QuestionnaireResponse gives "{link}" {len(given)} answers; give one',
                field=link,
            )
        found[link] = _value(catalogue[link], given[0])
    return found


def _listed(element: Mapping[str, Any], key: str, where: str) -> list[Any]:
    """``element[key]``, a list; FHIR's models let a null through, which says nothing."""
    value = element.get(key, [])
    if not isinstance(value, list):
        raise AnswersError(
            f'answers: the QuestionnaireResponse\'s "{key}" in {shortened(where, 60)} is '
            f"{show_value(value, 60)}; leave it out or give a list"
        )
    return value


def _items(items: list[Any]) -> Iterator[Mapping[str, Any]]:
    """Every item, however deeply nested (under an item or under an answer)."""
    for item in items:
        where = f"item {item['linkId']}"
        yield item
        yield from _items(_listed(item, "item", where))
        for answer in _listed(item, "answer", where):
            yield from _items(_listed(answer, "item", f"an answer to {where}"))


def _check_modifiers(element: object, where: str) -> None:
    """Refuse what may change the meaning of the answers and livertriage cannot read: FHIR
    forbids processing a resource with a modifier the reader does not understand."""
    if isinstance(element, list):
        for index, child in enumerate(element):
            _check_modifiers(child, f"{where}.{index}")
    elif isinstance(element, dict):
        for key, child in element.items():
            if key in ("modifierExtension", "implicitRules"):
                at = f"{where}.{key}".lstrip(".")
                raise AnswersError(
                    f"answers: the QuestionnaireResponse has {show_value(at, 60)}, which may "
                    "change what the answers mean and which livertriage cannot read; "
                    "leave it out to assess the answers"
                )
            _check_modifiers(child, f"{where}.{key}")


def _check_questionnaire(reference: object) -> None:
    if not isinstance(reference, str):
        raise AnswersError(
            "answers: the QuestionnaireResponse names no questionnaire; livertriage assesses "
            f"responses to its own ({QUESTIONNAIRE_URL})"
        )
    url, bar, version = reference.partition("|")
    if url != QUESTIONNAIRE_URL or (bar and (not version or "|" in version)):
        raise AnswersError(
            "answers: the QuestionnaireResponse answers the questionnaire "
            f"{show_value(reference, 120)}, not livertriage's ({QUESTIONNAIRE_URL}, "
            "or that with |version)"
        )


def _value(question: Question, answer: Mapping[str, Any]) -> object:
    coding = answer.get("valueCoding")
    code = _code(coding) if coding is not None else None
    if question.kind == "age":
        years = answer.get("valueInteger")
        if isinstance(years, int) and not isinstance(years, bool):
            if not AGE_RANGE[0] <= years <= AGE_RANGE[1]:
                raise _wrong_type(question, answer, _AGE_ALLOWED)
            return years
        if code == DONT_KNOW["code"]:
            return None
        raise _wrong_type(question, answer, _AGE_ALLOWED)
    flag = answer.get("valueBoolean")
    if isinstance(flag, bool):  # JSON's true and false, never the string "false" or 1
        return "yes" if flag else "no"
    if code in _YES_NO_CODES:
        return _YES_NO_CODES[code]
    raise _wrong_type(question, answer, _YES_NO_ALLOWED)


def _code(coding: Mapping[str, Any]) -> str | None:
    """The code of one of FHIR's yes / no / don't know codings, or None for any other."""
    code = coding.get("code")
    system = coding.get("system")
    if code in _SYSTEMS and system in (None, _SYSTEMS[code]):
        return str(code)
    return None


def _wrong_type(question: Question, answer: Mapping[str, Any], allowed: str) -> AnswersError:
    value = next(
        (f"{k} {show_value(v, 60)}" for k, v in answer.items() if k.startswith("value")), "none"
    )
    return AnswersError(
        f'answers: the QuestionnaireResponse answers "{question.id}" with {value}, which is '
        f"not allowed; use {allowed}",
        field=question.id,
        value=answer,
    )


def _unknown_link(link: str, catalogue: Mapping[str, Question]) -> AnswersError:
    return AnswersError(
        f"answers: the QuestionnaireResponse has an item with linkId {show_value(link, 60)}, "
        f"which is not a question of livertriage's Questionnaire{did_you_mean(link, catalogue)}",
        field=link,
    )


def _age_id(catalogue: Mapping[str, Question]) -> str | None:
    return next((q.id for q in catalogue.values() if q.kind == "age"), None)


def response_from_answers(
    answers: Mapping[str, object], catalogue: Mapping[str, Question], version: str
) -> dict[str, Any]:
    """Checked answers (see :func:`livertriage.answers.parse_answers`) as a completed
    QuestionnaireResponse to the Questionnaire of knowledge-base ``version``."""
    items = []
    for question_id, value in answers.items():
        question = catalogue[question_id]
        if isinstance(value, int) and question.kind == "age":
            answer: dict[str, Any] = {"valueInteger": value}
        else:
            coding = {"yes": YES, "no": NO}.get(str(value), DONT_KNOW)
            answer = {"valueCoding": dict(coding)}
        items.append({"linkId": question_id, "text": question.text, "answer": [answer]})
    age = _age_id(catalogue)
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_URL}|{version}",
        # Without the age, which the Questionnaire requires, the response is not complete.
        "status": "in-progress" if age is not None and age not in answers else "completed",
        "item": items,
    }
