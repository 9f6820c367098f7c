"""Special groups decide the urgency on their own, and an adult is never told of a congenital
cause without a finding before birth (issue: clinical safety, round 2). Hypothesis draws every
other answer at random, so no combination may pull the level under the group's floor."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livertriage import Interview, assess, load_knowledge_base
from livertriage.models import UrgencyLevel, urgency_rank
from tests.robustness.test_properties import answer_sets

#: Run at full strength (the "ci" profile) by make test-long; make test runs them lighter.
pytestmark = pytest.mark.properties

#: (the answers that put a person in the group with a warning sign, the least urgency allowed).
GROUPS: dict[str, tuple[dict[str, object], UrgencyLevel]] = {
    "fever after chemotherapy": ({"recent_cancer_treatment": "yes", "fever": "yes"}, "emergency"),
    "feeling unwell after chemotherapy": (
        {"recent_cancer_treatment": "yes", "feeling_unwell_suddenly": "yes"},
        "emergency",
    ),
    "fever with a transplant": ({"organ_transplant": "yes", "fever": "yes"}, "urgent"),
    "fever with advanced HIV": ({"advanced_hiv": "yes", "fever": "yes"}, "urgent"),
    "fever on steroid tablets": ({"long_term_steroids": "yes", "fever": "yes"}, "urgent"),
    "fever with a weak immune system": ({"immunosuppressed": "yes", "fever": "yes"}, "urgent"),
    "fever in a baby under 3 months": (
        {"age": 0, "baby_under_3_months": "yes", "fever": "yes"},
        "emergency",
    ),
    "fever in a baby perhaps under 3 months": (
        {"age": 0, "baby_under_3_months": "unknown", "fever": "yes"},
        "emergency",
    ),
    "fever in a baby": ({"age": 0, "fever": "yes"}, "urgent"),
    "jaundice on the first day of life": (
        {"age": 0, "jaundice": "yes", "jaundice_first_day": "yes"},
        "emergency",
    ),
    "a baby with liver spots": ({"age": 0}, "soon"),
    "pain in pregnancy": ({"pregnant_now": "yes", "abdominal_pain": "yes"}, "urgent"),
    "headache in pregnancy": (
        {"pregnant_now": "yes", "pregnancy_headache_vision": "yes"},
        "urgent",
    ),
    "jaundice in pregnancy": ({"pregnant_now": "yes", "jaundice": "yes"}, "urgent"),
}


@pytest.mark.parametrize("group", GROUPS, ids=list(GROUPS))
@settings(max_examples=200)  # for each of the 14 groups: 2,800 answer sets in all
@given(others=answer_sets())
def test_a_special_group_with_a_warning_sign_never_gets_less_than_its_level(
    group: str, others: dict[str, object]
) -> None:
    required, level = GROUPS[group]
    result = assess({**others, **required})
    assert urgency_rank(result.urgency.level) >= urgency_rank(level), result.urgency.reasons


@given(others=answer_sets(), age=st.integers(16, 120), prenatal=st.sampled_from(["no", "unknown"]))
def test_congenital_is_never_in_an_adults_top_three_without_a_finding_before_birth(
    others: dict[str, object], age: int, prenatal: str
) -> None:
    result = assess({**others, "age": age, "prenatal_finding": prenatal})
    top_three = [c.id for c in result.candidates[:3]]
    assert "congenital" not in top_three, [(c.id, c.score) for c in result.candidates]


@given(hidden=answer_sets())
def test_don_t_know_opens_every_question_a_yes_would_open(hidden: dict[str, Any]) -> None:
    # Changing any one answer from yes to "don't know" never closes a question it opened.
    knowledge_base = load_knowledge_base()
    yes_answers = [q for q, value in hidden.items() if value in (True, "yes", "YES")]
    for question in yes_answers[:3]:
        open_on_yes = set(Interview(knowledge_base, hidden).evaluation.relevant_questions)
        unsure = {**hidden, question: "unknown"}
        open_on_unknown = set(Interview(knowledge_base, unsure).evaluation.relevant_questions)
        assert open_on_yes <= open_on_unknown, (question, open_on_yes - open_on_unknown)


@given(answers=answer_sets(), data=st.data())
def test_don_t_know_is_never_more_than_one_level_below_yes(
    answers: dict[str, object], data: st.DataObject
) -> None:
    # "Don't know" on a warning sign keeps the urgency within one level of what a yes would give:
    # never the two-level drop of an emergency sign treated as if it were absent.
    knowledge_base = load_knowledge_base()
    question = data.draw(
        st.sampled_from([q.id for q in knowledge_base.questions if q.kind == "yes_no"])
    )
    on_yes = urgency_rank(assess({**answers, question: "yes"}).urgency.level)
    on_unknown = urgency_rank(assess({**answers, question: "unknown"}).urgency.level)
    assert on_unknown >= on_yes - 1, question
