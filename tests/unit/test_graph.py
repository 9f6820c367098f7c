"""The rule graph's facts, pinned where mutation testing (docs/mutation.md) found them unwatched:
what lies behind a rule through its findings, how high each answer can take the urgency, what
"don't know" opened; and the contract's floor as the tests compute it."""

from __future__ import annotations

from livertriage import Interview, KnowledgeBase
from livertriage.models import urgency_rank
from livertriage.safety import floor_level
from livertriage.triage import rule_graph


def test_a_question_behind_a_finding_reaches_the_urgency_of_the_finding(
    knowledge_base: KnowledgeBase,
) -> None:
    reach = rule_graph(knowledge_base).urgency_reach
    # An enlarged spleen counts only through the finding "signs of portal hypertension".
    assert (
        "splenomegaly"
        in rule_graph(knowledge_base).rules["urgency.portal_hypertension_signs"].questions_behind
    )
    assert reach["splenomegaly"] == "soon"


def test_a_question_reaches_at_least_what_the_questions_it_opens_reach(
    knowledge_base: KnowledgeBase,
) -> None:
    graph = rule_graph(knowledge_base, interview=True)
    reach = graph.urgency_reach
    for question in knowledge_base.questions:
        opened = reach[question.id]
        if opened is None:
            continue
        for ask in question.ask_rules:
            if ask.id not in graph.rules:
                continue  # a legacy question, never asked
            for opener in graph.rules[ask.id].questions_behind:
                reached = reach[opener]
                assert reached is not None, (opener, question.id)
                assert urgency_rank(reached) >= urgency_rank(opened), (opener, question.id)
    # Night sweats open the long cough, which opens coughing blood (urgent).
    assert reach["night_sweats"] == "urgent"


def test_why_names_the_dont_know_that_opened_a_question(knowledge_base: KnowledgeBase) -> None:
    interview = Interview(knowledge_base, {"recent_cancer_treatment": "unknown"})
    question = knowledge_base.catalogue["feeling_unwell_suddenly"]
    assert interview.why(question).opened_by == {"recent_cancer_treatment": "unknown"}


def test_the_floor_the_tests_compute_follows_the_contract() -> None:
    assert floor_level({}) == "routine"
    assert floor_level({"vomiting_blood": "yes"}) == "emergency"
    assert floor_level({"fever": "yes", "chills": "yes"}) == "urgent"
    assert floor_level({"jaundice": "yes"}) == "urgent"
    assert floor_level({"fever": "yes"}) == "soon"
    assert floor_level({"fever": "yes", "chills": "no"}) == "soon"
    assert floor_level({"vomiting_blood": "unknown"}) == "routine"
