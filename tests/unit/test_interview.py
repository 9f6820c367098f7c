"""The interview: rule-driven order, early endings, back, why, and progress. No terminal here."""

from __future__ import annotations

from pathlib import Path

import pytest

from livertriage import AnswersError, Interview, KnowledgeBase
from livertriage.interview import interpret
from livertriage.triage import rule_graph


def run_through(interview: Interview, answer: str) -> list[str]:
    """Answer every question the same way (the age as 45); return the ids asked, in order."""
    asked = []
    while (question := interview.current) is not None:
        assert question.id not in asked, f"{question.id} asked twice"
        asked.append(question.id)
        interview.answer(question.id, 45 if question.kind == "age" else answer)
    return asked


def test_red_flags_come_first(knowledge_base: KnowledgeBase) -> None:
    asked = run_through(Interview(knowledge_base), "no")
    red_flags = [q.id for q in knowledge_base.questions if q.stage == "red_flag"]
    assert asked[: len(red_flags)] == red_flags


def test_no_to_everything_asks_far_fewer_questions_than_the_catalogue(
    knowledge_base: KnowledgeBase,
) -> None:
    asked = run_through(Interview(knowledge_base), "no")
    assert len(asked) <= len(knowledge_base.questions) * 2 // 3
    # The history questions that tell the benign causes apart are asked...
    assert {"liver_injury_history", "liver_infection_history"} <= set(asked)
    # ...and the follow-ups that only a yes opens are not.
    assert not {"chills", "night_sweats", "coughing_blood", "splenomegaly"} & set(asked)


def test_a_yes_opens_its_follow_ups(knowledge_base: KnowledgeBase) -> None:
    interview = Interview(knowledge_base)
    while (question := interview.current) is not None and question.id != "fever":
        interview.answer(question.id, 45 if question.kind == "age" else "no")
    interview.answer("fever", "yes")
    asked = run_through(interview, "no")
    assert {"chills", "night_sweats", "persistent_cough", "tb_recent_contact"} <= set(asked)
    # Follow-ups come after the core questions.
    assert asked.index("chills") > asked.index("cancer_history")


def test_no_follow_up_is_asked_when_nothing_opened_it(knowledge_base: KnowledgeBase) -> None:
    asked = set(run_through(Interview(knowledge_base), "no"))
    follow_ups = {q.id for q in knowledge_base.questions if q.stage == "follow_up"}
    assert not asked & follow_ups


def test_don_t_know_opens_the_follow_ups_a_yes_would_open(knowledge_base: KnowledgeBase) -> None:
    # "Don't know" never closes a door: an unsure fever still asks about a stiff neck and chills.
    asked = set(run_through(Interview(knowledge_base), "unknown"))
    assert {"chills", "stiff_neck_headache", "night_sweats", "coughing_blood"} <= asked
    yes_opens = set(run_through(Interview(knowledge_base), "yes")) - {"fever"}
    interview = Interview(knowledge_base)
    run_through(interview, "unknown")
    assert interview.evaluation.relevant_questions  # the rules still ran
    follow_ups = {q.id for q in knowledge_base.questions if q.stage == "follow_up"}
    assert follow_ups & yes_opens <= asked | {"stiff_neck_headache"}


@pytest.mark.parametrize(
    "sign",
    [
        "vomiting_blood",
        "black_stools",
        "confusion",
        "severe_abdominal_pain",
        "breathing_difficulty",
    ],
)
def test_a_yes_to_an_emergency_sign_ends_the_interview_at_once(
    knowledge_base: KnowledgeBase, sign: str
) -> None:
    interview = Interview(knowledge_base)
    while (question := interview.current) is not None and question.id != sign:
        interview.answer(question.id, "no")
    interview.answer(sign, "yes")
    assert interview.finished
    assert interview.ending is not None
    assert interview.ending.emergency
    assert "emergency" in interview.ending.message
    assert interview.assessment().urgency.level == "emergency"


def test_a_stop_rule_ends_the_interview_for_a_child(knowledge_base: KnowledgeBase) -> None:
    interview = Interview(knowledge_base)
    while (question := interview.current) is not None and question.id != "age":
        interview.answer(question.id, "no")
    interview.answer("age", 9)
    asked = run_through(interview, "no")
    assert interview.finished
    assert interview.ending is not None
    assert interview.ending.rule == "stop.child"
    assert not interview.ending.emergency
    # Only questions that could still raise the urgency are asked after the stop rule holds.
    reach = rule_graph(knowledge_base, interview=True).urgency_reach
    assert all(reach[question] is not None for question in asked)
    assert not {"liver_injury_history", "liver_infection_history", "smoking"} & set(asked)


def test_a_pregnancy_finding_ends_the_adult_questions(knowledge_base: KnowledgeBase) -> None:
    interview = Interview(knowledge_base, {"prenatal_finding": "yes"})
    asked = run_through(interview, "no")
    # The warning signs are still asked, and whatever could raise the urgency; then they stop.
    red_flags = [q.id for q in knowledge_base.questions if q.stage == "red_flag"]
    assert asked[: len(red_flags)] == red_flags
    assert not {"liver_injury_history", "liver_infection_history", "smoking"} & set(asked)
    assert interview.ending is not None
    assert interview.ending.rule == "stop.pregnancy_or_newborn"
    assert interview.assessment().candidates[0].id == "congenital"


def test_no_stop_rule_skips_a_warning_sign(knowledge_base: KnowledgeBase) -> None:
    # A child's age given in advance: every warning sign, fever included, is still asked.
    interview = Interview(knowledge_base, {"age": 9})
    asked = run_through(interview, "no")
    red_flags = [q.id for q in knowledge_base.questions if q.stage == "red_flag"]
    assert "fever" in red_flags
    assert asked[: len(red_flags)] == red_flags
    assert interview.ending is not None
    assert interview.ending.rule == "stop.child"


def test_a_stop_rule_waits_for_every_question_that_could_raise_the_urgency(
    knowledge_base: KnowledgeBase,
) -> None:
    # A fever in pregnancy: chills and a stiff neck can still raise the urgency, so they are
    # asked although the stop rule for a pregnancy-scan finding already holds.
    interview = Interview(knowledge_base, {"prenatal_finding": "yes", "fever": "yes"})
    asked = run_through(interview, "no")
    assert {"chills", "stiff_neck_headache"} <= set(asked)
    assert interview.ending is not None
    assert interview.ending.rule == "stop.pregnancy_or_newborn"


def test_a_baby_with_a_fever_is_asked_whether_it_is_under_3_months(
    knowledge_base: KnowledgeBase,
) -> None:
    interview = Interview(knowledge_base, {"fever": "yes", "age": 0})
    asked = run_through(interview, "no")
    assert "baby_under_3_months" in asked
    interview = Interview(knowledge_base, {"fever": "yes", "age": 0})
    while (question := interview.current) is not None:
        interview.answer(question.id, "yes" if question.id == "baby_under_3_months" else "no")
    assert interview.assessment().urgency.level == "emergency"


def test_back_undoes_the_last_answer_and_recomputes(knowledge_base: KnowledgeBase) -> None:
    interview = Interview(knowledge_base)
    while (question := interview.current) is not None and question.id != "fever":
        interview.answer(question.id, 45 if question.kind == "age" else "no")
    interview.answer("fever", "yes")
    assert "chills" in interview.evaluation.relevant_questions
    assert interview.back() == "fever"
    assert interview.current is not None
    assert interview.current.id == "fever"
    assert "fever" not in interview.answers
    assert "chills" not in interview.evaluation.relevant_questions


def test_back_with_nothing_answered(knowledge_base: KnowledgeBase) -> None:
    assert Interview(knowledge_base).back() is None


def test_prefilled_answers_are_not_asked_again(knowledge_base: KnowledgeBase) -> None:
    interview = Interview(knowledge_base, {"vomiting_blood": "no", "fever": "yes", "age": 50})
    asked = run_through(interview, "no")
    assert not {"vomiting_blood", "fever", "age"} & set(asked)
    assert "chills" in asked


def test_prefilled_answers_keep_their_order(knowledge_base: KnowledgeBase) -> None:
    interview = Interview(knowledge_base, {"smoking": "no", "fever": "yes"})
    assert list(interview.answers) == ["smoking", "fever"]
    assert interview.back() == "fever"


def test_bad_answers_are_refused(knowledge_base: KnowledgeBase) -> None:
    with pytest.raises(AnswersError):
        Interview(knowledge_base, {"fever": "maybe"})
    with pytest.raises(AnswersError):
        Interview(knowledge_base).answer("age", 300)


def test_progress_counts_up_and_estimates_what_is_left(knowledge_base: KnowledgeBase) -> None:
    interview = Interview(knowledge_base)
    first = interview.progress
    assert first.number == 1
    assert first.left > 10
    interview.answer("vomiting_blood", "no")
    assert interview.progress.number == 2
    assert interview.progress.left == first.left - 1


def test_why_names_the_rule_that_opened_the_question(knowledge_base: KnowledgeBase) -> None:
    interview = Interview(knowledge_base, {"fever": "yes", "weight_loss": "no"})
    why = interview.why(knowledge_base.catalogue["night_sweats"])
    assert why.rule == "ask.night_sweats"
    assert why.opened_by == {"fever": "yes"}
    yes, no = why.effects
    assert yes.answer == "yes"
    assert ("Hepatic tuberculosis", 3) in yes.causes  # +2 night sweats, +1 with fever
    assert no.causes == ()


def test_why_for_a_question_asked_of_everyone(knowledge_base: KnowledgeBase) -> None:
    why = Interview(knowledge_base).why(knowledge_base.catalogue["vomiting_blood"])
    assert why.opened_by == {}
    yes = why.effects[0]
    assert yes.urgency == "emergency"
    assert yes.urgency_changes
    assert yes.ends_interview


def test_why_for_the_age_shows_no_yes_or_no(knowledge_base: KnowledgeBase) -> None:
    assert Interview(knowledge_base).why(knowledge_base.catalogue["age"]).effects == ()


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("y", "answer", "yes"),
        ("Yes", "answer", "yes"),
        (" n ", "answer", "no"),
        ("no", "answer", "no"),
        ("?", "answer", "unknown"),
        ("don't know", "answer", "unknown"),
        ("Don’t know", "answer", "unknown"),
        ("not sure", "answer", "unknown"),
        ("why", "why", None),
        ("help", "help", None),
        ("back", "back", None),
        ("quit", "quit", None),
        ("q", "quit", None),
        ("maybe", "invalid", None),
        ("", "invalid", None),
        ("42", "invalid", None),
    ],
)
def test_interpret_a_yes_no_question(
    knowledge_base: KnowledgeBase, typed: str, kind: str, value: object
) -> None:
    reply = interpret(knowledge_base.catalogue["fever"], typed)
    assert (reply.kind, reply.value) == (kind, value)
    if kind == "invalid":
        assert "y = yes" in reply.hint


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("42", "answer", 42),
        ("0", "answer", 0),
        ("?", "answer", "unknown"),
        ("121", "invalid", None),
        ("-3", "invalid", None),
        ("4.5", "invalid", None),
        ("y", "invalid", None),
        ("²", "invalid", None),
    ],
)
def test_interpret_the_age(
    knowledge_base: KnowledgeBase, typed: str, kind: str, value: object
) -> None:
    reply = interpret(knowledge_base.catalogue["age"], typed)
    assert (reply.kind, reply.value) == (kind, value)


def test_an_interview_runs_the_rules_it_was_given(rules_copy: Path) -> None:
    """Not the shipped ones: every evaluation, and every why, comes from its own knowledge base."""
    from livertriage import load_knowledge_base

    own = load_knowledge_base(rules_copy)
    interview = Interview(own, {"vomiting_blood": "no"})
    assert interview.evaluation.knowledge_base is own
    interview.answer("black_stools", "no")
    assert interview.evaluation.knowledge_base is own
    question = interview.current
    assert question is not None
    assert interview.why(question).effects  # worked out with the same rules
