"""A rule's condition as FHIR says when an item shows: ``enableWhen``, or else FHIRPath.

Two readings of a condition (rules/README.md):

- an ask rule's (``opening``): "don't know" opens a follow-up as the answer it may hide would,
  and an unknown age meets every age condition;
- every other rule's: only yes and no are evidence, and only a known age meets an age condition.

Where FHIR's flat ``enableWhen`` list (all of, or any of) can say a condition exactly, that is
what comes out, so that any form renderer follows it. A condition that needs "this and (that or
that)" comes out as FHIRPath over the QuestionnaireResponse (SDC's ``enableWhenExpression``):
exact, never an approximation. A derived finding is read as its own condition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from livertriage.fhir_models import DONT_KNOW, NO, YES
from livertriage.knowledge import KnowledgeBase
from livertriage.models import Condition

__all__ = ["ENABLE_WHEN_EXPRESSION", "Expression", "Tests", "enable_when", "shown_when"]

ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)


@dataclass(frozen=True)
class Tests:
    """A flat enableWhen list, joined by ``behaviour`` ("all" or "any")."""

    tests: list[dict[str, Any]]
    behaviour: str


@dataclass(frozen=True)
class Expression:
    """A FHIRPath expression, for what a flat list cannot say."""

    text: str


def enable_when(
    conditions: Sequence[Condition], knowledge_base: KnowledgeBase, *, opening: bool
) -> Tests | Expression | None:
    """Any one of ``conditions``, as enableWhen tests or else FHIRPath; None when one of them
    always holds. ``opening`` reads them as ask rules do."""
    if not conditions or any(when.always for when in conditions):
        return None
    findings = {finding.id: finding.when for finding in knowledge_base.findings}
    reading = _Reading(knowledge_base.age_question or "age", findings, opening)
    # Each condition is "all of" its parts; each part is "any of" some tests.
    parts = [reading.parts(when) for when in conditions]
    if all(len(each) == 1 and each[0].any_of is not None for each in parts):
        return Tests([test for each in parts for test in each[0].any_of or []], "any")
    if len(parts) == 1 and all(part.all_of is not None for part in parts[0]):
        return Tests([test for part in parts[0] for test in part.all_of or []], "all")
    return Expression(" or ".join(f"({reading.fhirpath(when)})" for when in conditions))


def shown_when(condition: Tests | Expression | None) -> dict[str, Any]:
    """The elements that make an item show only under ``condition``."""
    if isinstance(condition, Expression):
        expression = {"language": "text/fhirpath", "expression": condition.text}
        return {"extension": [{"url": ENABLE_WHEN_EXPRESSION, "valueExpression": expression}]}
    if condition is None:
        return {}
    if len(condition.tests) == 1:
        return {"enableWhen": condition.tests}
    return {"enableWhen": condition.tests, "enableBehavior": condition.behaviour}


@dataclass(frozen=True)
class _Part:
    """One part of a condition as "any of" some tests, and as "all of" some tests, each where
    a flat list can say it exactly (None where it cannot)."""

    any_of: list[dict[str, Any]] | None
    all_of: list[dict[str, Any]] | None


def _equals(question: str, coding: dict[str, str]) -> dict[str, Any]:
    return {"question": question, "operator": "=", "answerCoding": dict(coding)}


def _compare(question: str, operator: str, years: int) -> dict[str, Any]:
    return {"question": question, "operator": operator, "answerInteger": years}


@dataclass(frozen=True)
class _Reading:
    """How to read conditions: the age question's id, the findings' conditions, and whether
    as an ask rule (``opening``)."""

    age: str
    findings: Mapping[str, Condition]
    opening: bool

    # --- flat lists --------------------------------------------------------------------------

    def _answer_is(self, question: str, coding: dict[str, str]) -> _Part:
        """The answer is ``coding``, or, read as an ask rule reads it, that or don't know."""
        if not self.opening:
            return _Part(any_of=[_equals(question, coding)], all_of=[_equals(question, coding)])
        other = NO if coding is YES else YES
        return _Part(  # of yes, no and don't know: not the other one, when there is one
            any_of=[_equals(question, coding), _equals(question, DONT_KNOW)],
            all_of=[
                {"question": question, "operator": "exists", "answerBoolean": True},
                {"question": question, "operator": "!=", "answerCoding": dict(other)},
            ],
        )

    def _any(self, questions: Sequence[str], coding: dict[str, str]) -> _Part:
        if len(questions) == 1:
            return self._answer_is(questions[0], coding)
        tests = [t for q in questions for t in self._answer_is(q, coding).any_of or []]
        return _Part(any_of=tests, all_of=None)

    def parts(self, when: Condition) -> list[_Part]:
        parts = [self._answer_is(q, YES) for q in when.yes]
        parts += [self._answer_is(q, NO) for q in when.no]
        if when.any_yes:
            parts.append(self._any(when.any_yes, YES))
        if when.any_unknown:  # "don't know" itself: the same in both readings
            tests = [_equals(q, DONT_KNOW) for q in when.any_unknown]
            parts.append(_Part(any_of=tests, all_of=tests if len(tests) == 1 else None))
        if when.uses_age:
            parts.append(self._age_part(when))
        # A finding holds exactly when its one condition does, read as the assessment reads it:
        # its parts join the others.
        derived = _Reading(self.age, self.findings, opening=False)
        for finding in when.findings:
            parts += derived.parts(self.findings[finding])
        return parts

    def _age_part(self, when: Condition) -> _Part:
        bounds = [
            _compare(self.age, operator, years)
            for operator, years in ((">=", when.age_at_least), ("<", when.age_below))
            if years is not None
        ]
        if self.opening:  # or not known: only "any of" says that, with one bound
            any_of = [*bounds, _equals(self.age, DONT_KNOW)] if len(bounds) == 1 else None
            return _Part(any_of=any_of, all_of=None)
        return _Part(any_of=bounds if len(bounds) == 1 else None, all_of=bounds)

    # --- FHIRPath ----------------------------------------------------------------------------

    def fhirpath(self, when: Condition) -> str:
        """The condition as FHIRPath over the QuestionnaireResponse (``%resource``)."""
        unknown = (DONT_KNOW,) if self.opening else ()
        terms = [_coded(q, YES, *unknown) for q in when.yes]
        terms += [_coded(q, NO, *unknown) for q in when.no]
        if when.any_yes:
            terms.append(_either(_coded(q, YES, *unknown) for q in when.any_yes))
        if when.any_unknown:
            terms.append(_either(_coded(q, DONT_KNOW) for q in when.any_unknown))
        if when.uses_age:
            bounds = [
                f"$this {operator} {years}"
                for operator, years in ((">=", when.age_at_least), ("<", when.age_below))
                if years is not None
            ]
            known = f"{_answer(self.age)}.ofType(integer).where({' and '.join(bounds)}).exists()"
            terms.append(_either([known, _coded(self.age, DONT_KNOW)]) if self.opening else known)
        # A finding is derived as every rule but an ask rule reads its condition.
        derived = _Reading(self.age, self.findings, opening=False)
        terms += [f"({derived.fhirpath(self.findings[f])})" for f in when.findings]
        return " and ".join(terms) if terms else "true"


def _answer(question: str) -> str:
    return f"%resource.repeat(item).where(linkId='{question}').answer.value"


def _coded(question: str, *codings: dict[str, str]) -> str:
    codes = " or ".join(f"code='{coding['code']}'" for coding in codings)
    return f"{_answer(question)}.ofType(Coding).where({codes}).exists()"


def _either(terms: Iterable[str]) -> str:
    return "(" + " or ".join(terms) + ")"
