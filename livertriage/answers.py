"""Answers: checking what a person or a program says against the question catalogue.

This is the input edge (docs/contract.md §1). Everything past it sees only normalised values:
``"yes"``, ``"no"`` or ``"unknown"`` for yes/no questions, and a whole number of years (or
``"unknown"``) for the age. A question left out was not asked, which is not the same as
``"unknown"``; neither counts as evidence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import ConfigDict, RootModel

from livertriage.errors import AnswersError, shortened
from livertriage.models import Question

__all__ = [
    "AGE_RANGE",
    "AnswerValue",
    "Answers",
    "YesNo",
    "answers_json_schema",
    "did_you_mean",
    "parse_answers",
    "parse_answers_json",
    "show_value",
    "unique_keys",
]

YesNo = Literal["yes", "no", "unknown"]
#: A normalised answer: yes/no/unknown, or an age in whole years.
AnswerValue = YesNo | int

#: The ages the catalogue accepts, in whole years (inclusive).
AGE_RANGE = (0, 120)

_YES_NO_WORDS: dict[str, YesNo] = {"yes": "yes", "no": "no", "unknown": "unknown"}
_YES_NO_ALLOWED = 'true, false, "yes", "no", "unknown" or null'
_AGE_ALLOWED = f"a whole number of years from {AGE_RANGE[0]} to {AGE_RANGE[1]}, or null if unknown"


class Answers(RootModel[dict[str, AnswerValue]]):
    """Normalised answers, keyed by question id. Build them with :func:`parse_answers`."""

    model_config = ConfigDict(frozen=True)

    def __len__(self) -> int:
        return len(self.root)


def show_value(value: object, limit: int = 40) -> str:
    """A short, JSON-like rendering of a value for a one-line message."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    except RecursionError:  # a value nested thousands deep: say what it is, not all of it
        text = f"{_describe_type(value)} nested too deeply"
    # Lone surrogates cannot be written as UTF-8: show them escaped.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return shortened(" ".join(text.split()), limit)


def _yes_no(question: Question, value: object) -> YesNo:
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, str) and value.strip().lower() in _YES_NO_WORDS:
        return _YES_NO_WORDS[value.strip().lower()]
    raise AnswersError(
        f'answers: "{question.id}" is {show_value(value)}, which is not allowed; '
        f"use {_YES_NO_ALLOWED}",
        field=question.id,
        value=value,
    )


def _age(question: Question, value: object) -> int | YesNo:
    if value is None or (isinstance(value, str) and value.strip().lower() == "unknown"):
        return "unknown"
    years: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        years = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        years = int(value)
    if years is None or not AGE_RANGE[0] <= years <= AGE_RANGE[1]:
        problem = "is out of range" if years is not None else "is not allowed"
        raise AnswersError(
            f'answers: "{question.id}" is {show_value(value)}, which {problem}; use {_AGE_ALLOWED}',
            field=question.id,
            value=value,
        )
    return years


def did_you_mean(key: str, catalogue: Mapping[str, Question]) -> str:
    """'; did you mean "fever"?' for the question id nearest ``key``, or nothing."""
    import difflib  # here: only a mistake needs it, and every start would pay for it

    close = difflib.get_close_matches(key, list(catalogue), n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def _unknown_id(key: str, catalogue: Mapping[str, Question]) -> AnswersError:
    return AnswersError(
        f"answers: {show_value(key)} is not a question id{did_you_mean(key, catalogue)} "
        '(run "livertriage questions" for the catalogue)',
        field=key,
    )


def parse_answers(raw: object, catalogue: Mapping[str, Question]) -> Answers:
    """Check ``raw`` (a mapping of question id to answer, or a FHIR QuestionnaireResponse,
    recognised by its ``resourceType``) and normalise it.

    Raises :class:`~livertriage.errors.AnswersError` naming the first id at fault, its value and
    what is allowed. Ids come out in catalogue order, so equal answers compare equal.
    """
    if isinstance(raw, Answers):
        raw = raw.root
    if isinstance(raw, Mapping) and "resourceType" in raw:  # FHIR: no question id is that
        from livertriage.fhir_response import answers_from_response

        raw = answers_from_response(raw, catalogue)
    if not isinstance(raw, Mapping):
        raise AnswersError(
            f"answers: expected a JSON object mapping question ids to answers, "
            f"got {_describe_type(raw)}"
        )
    given: dict[str, AnswerValue] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or key not in catalogue:
            raise _unknown_id(str(key), catalogue)
        question = catalogue[key]
        given[key] = _age(question, value) if question.kind == "age" else _yes_no(question, value)
    return Answers({qid: given[qid] for qid in catalogue if qid in given})


def _describe_type(value: object) -> str:
    names = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _reject_constant(name: str) -> Any:
    raise AnswersError(f"answers: {name} is not allowed in JSON answers")


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice: taking either value would be a silent guess."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise AnswersError(
                f"answers: {show_value(key)} is given twice; give each question one answer",
                field=key,
            )
        found[key] = value
    return found


def parse_answers_json(data: bytes, catalogue: Mapping[str, Question]) -> Answers:
    """Parse a JSON answers document (UTF-8 bytes) and check it with :func:`parse_answers`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnswersError(
            f"answers: the input is not UTF-8 text (bad byte at position {error.start}); "
            "save the file as UTF-8 JSON"
        ) from None
    if not text.strip():
        raise AnswersError(
            'answers: the input is empty; expected a JSON object such as {"fever": "yes"}'
        )
    try:
        raw = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=unique_keys)
    except AnswersError:
        raise
    except json.JSONDecodeError as error:
        raise AnswersError(
            f"answers: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise AnswersError("answers: the JSON is nested too deeply") from None
    except ValueError as error:  # int() refuses numbers with thousands of digits
        raise AnswersError(f"answers: a number in the JSON is too large ({error})") from None
    return parse_answers(raw, catalogue)


def answers_json_schema(catalogue: Mapping[str, Question]) -> dict[str, object]:
    """The JSON Schema of an answers document for this catalogue."""
    yes_no: dict[str, object] = {
        "anyOf": [
            {"type": "boolean"},
            {"enum": ["yes", "no", "unknown"]},
            {"type": "null"},
        ]
    }
    age: dict[str, object] = {
        "anyOf": [
            {"type": "integer", "minimum": AGE_RANGE[0], "maximum": AGE_RANGE[1]},
            {"enum": ["unknown"]},
            {"type": "null"},
        ]
    }
    properties = {
        question.id: {**(age if question.kind == "age" else yes_no), "description": question.text}
        for question in catalogue.values()
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "livertriage answers",
        "description": (
            "Question id -> answer. A question left out was not asked; null or "
            '"unknown" means the person does not know.'
        ),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
