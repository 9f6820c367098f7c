"""Properties over the whole answer space (hypothesis).

Any mix of yes, no, don't know and not asked, over every question, with any valid age. make test
runs 100 examples per property; make test-long (the "ci" profile, run by .ci/run) 2,000.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livertriage import Assessment, KnowledgeBase, assess, load_knowledge_base
from livertriage.models import Condition, urgency_rank
from livertriage.report import render
from livertriage.safety import find_unsafe_language, floor_level

#: Run at full strength (the "ci" profile) by make test-long; make test runs them lighter.
pytestmark = pytest.mark.properties

#: Every form an answer may take on the way in (docs/contract.md §1).
YES_NO_FORMS = st.sampled_from([True, False, "yes", "no", "unknown", None, "YES", "No"])


def kb() -> KnowledgeBase:
    return load_knowledge_base()


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, object]:
    """For every question of the catalogue: not asked, or an answer in any accepted form."""
    answers: dict[str, object] = {}
    for question in kb().questions:
        if draw(st.booleans()):
            continue  # not asked
        if question.kind == "age":
            answers[question.id] = draw(st.one_of(st.none(), st.integers(0, 120)))
        else:
            answers[question.id] = draw(YES_NO_FORMS)
    return answers


def everything_said(result: Assessment, knowledge_base: KnowledgeBase) -> str:
    return "\n".join(
        [
            result.model_dump_json(),
            render(result, knowledge_base, "text"),
            render(result, knowledge_base, "markdown"),
        ]
    )


@given(answer_sets())
def test_any_answers_keep_every_promise(answers: dict[str, object]) -> None:
    knowledge_base = kb()
    result = assess(answers, knowledge_base=knowledge_base)  # never raises on valid answers
    # The urgency never goes under the contract's floor.
    assert urgency_rank(result.urgency.level) >= urgency_rank(floor_level(result.answers))
    # The recommendation always sends the person to a physician, and comes last.
    assert "physician" in result.recommendation
    # ... worded by the same rule as the action: the level's, or a special group's own route.
    wording = knowledge_base.urgency_levels[result.urgency.level]
    assert (result.urgency.action == wording.action) == (
        result.recommendation == wording.recommendation
    )
    text = render(result, knowledge_base, "text")
    assert text.rstrip("\n").splitlines()[-1] == result.recommendation
    # No diagnosis, no instruction to take, stop or dose a medicine, anywhere.
    said = everything_said(result, knowledge_base)
    assert find_unsafe_language(said, knowledge_base.medicine_names) == []
    # Deterministic: the same answers give the same assessment, to the byte.
    assert assess(answers, knowledge_base=knowledge_base).model_dump_json() == (
        result.model_dump_json()
    )


@given(answer_sets(), st.data())
def test_adding_a_red_flag_never_lowers_urgency(
    answers: dict[str, object], data: st.DataObject
) -> None:
    red_flags = sorted(q.id for q in kb().questions if q.stage == "red_flag")
    flag = data.draw(st.sampled_from(red_flags))
    before = assess(answers).urgency.level
    after = assess({**answers, flag: "yes"}).urgency.level
    assert urgency_rank(after) >= urgency_rank(before)


@given(answer_sets(), st.data())
def test_no_to_unknown_never_lowers_urgency(
    answers: dict[str, object], data: st.DataObject
) -> None:
    yes_no = sorted(q.id for q in kb().questions if q.kind == "yes_no")
    question = data.draw(st.sampled_from(yes_no))
    said_no = {**answers, question: "no"}
    before = assess(said_no).urgency.level
    after = assess({**said_no, question: "unknown"}).urgency.level
    assert urgency_rank(after) >= urgency_rank(before)


#: The questions whose "no" is the worrying answer: a no to "are the spots unchanged since the
#: earlier scan?" reads as spots new or changed. On these alone a yes may give a lower urgency
#: than a no (it is the reassuring answer), and never lower than leaving the question out.
REASSURING_QUESTIONS = frozenset({"spots_unchanged", "stable_on_earlier_scans"})


@given(answer_sets(), st.data())
def test_yes_never_lowers_urgency_below_leaving_the_question_out(
    answers: dict[str, object], data: st.DataObject
) -> None:
    yes_no = sorted(q.id for q in kb().questions if q.kind == "yes_no")
    question = data.draw(st.sampled_from(yes_no))
    left_out = {q: v for q, v in answers.items() if q != question}
    before = assess(left_out).urgency.level
    after = assess({**left_out, question: "yes"}).urgency.level
    assert urgency_rank(after) >= urgency_rank(before)


@given(answer_sets(), st.data())
def test_no_to_yes_lowers_urgency_only_on_a_reassuring_question(
    answers: dict[str, object], data: st.DataObject
) -> None:
    yes_no = sorted(q.id for q in kb().questions if q.kind == "yes_no")
    question = data.draw(st.sampled_from(yes_no))
    said_no = assess({**answers, question: "no"}).urgency.level
    said_yes = assess({**answers, question: "yes"}).urgency.level
    if urgency_rank(said_yes) < urgency_rank(said_no):
        assert question in REASSURING_QUESTIONS


def test_a_yes_to_a_reassuring_question_can_lower_urgency() -> None:
    """The exception above is real, not a dead entry: each of these questions lowers somewhere."""
    for question, context in {
        "spots_unchanged": {"earlier_scan": "yes"},
        "stable_on_earlier_scans": {},
    }.items():
        said_no = assess({**context, question: "no"}).urgency.level
        said_yes = assess({**context, question: "yes"}).urgency.level
        assert (said_no, said_yes) == ("soon", "routine"), question


@cache
def supporting_answers() -> tuple[tuple[str, str], ...]:
    """(cause, question) pairs where a yes to the question is evidence for the cause, directly or
    through a derived finding."""
    knowledge_base = kb()
    findings = {finding.id: finding.when for finding in knowledge_base.findings}

    def yes_questions(when: Condition) -> set[str]:
        found = set(when.yes) | set(when.any_yes)
        for finding in when.findings:
            found |= yes_questions(findings[finding])
        return found

    pairs = {
        (rule.cause, question)
        for rule in knowledge_base.evidence
        if rule.weight > 0
        for question in yes_questions(rule.when)
    }
    return tuple(sorted(pairs))


@given(answer_sets(), st.data())
def test_adding_a_supporting_answer_never_lowers_that_causes_score(
    answers: dict[str, object], data: st.DataObject
) -> None:
    cause, question = data.draw(st.sampled_from(supporting_answers()))
    before = {c.id: c.score for c in assess(answers).candidates}
    after = {c.id: c.score for c in assess({**answers, question: "yes"}).candidates}
    # A cause may leave the list altogether (adult causes for a baby); while listed, it only rises.
    if cause in before and cause in after:
        assert after[cause] >= before[cause], (cause, question)


def test_there_are_supporting_answers_for_every_cause() -> None:
    assert {cause for cause, _ in supporting_answers()} == set(kb().causes_by_id)
