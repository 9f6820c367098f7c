"""assess(): ranking, urgency, advice, explanation and determinism."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livertriage import Assessment, KnowledgeBase, assess
from livertriage.models import URGENCY_LEVELS, urgency_rank
from livertriage.safety import find_unsafe_language, floor_level

# Typical stories, one per seed cause: each must rank its cause first, with these answers
# among the evidence for it.
TYPICAL: dict[str, tuple[dict[str, object], set[str]]] = {
    "congenital": ({"prenatal_finding": "yes", "age": 0}, {"prenatal_finding", "age"}),
    "healed_injury": (
        {
            "liver_infection_history": "yes",
            "stable_on_earlier_scans": "yes",
            "prenatal_finding": "no",
        },
        {"liver_infection_history", "stable_on_earlier_scans"},
    ),
    "chronic_hepatitis": (
        {"hepatitis_risk": "yes", "fatigue": "yes", "liver_medication": "yes"},
        {"hepatitis_risk", "fatigue", "liver_medication"},
    ),
    "hepatic_tuberculosis": (
        {"tb_history": "yes", "night_sweats": "yes", "persistent_cough": "yes"},
        {"tb_history", "night_sweats", "persistent_cough"},
    ),
    "cirrhosis": (
        {"splenomegaly": "yes", "ascites": "yes", "alcohol_use": "yes"},
        {"splenomegaly", "ascites", "alcohol_use"},
    ),
}


@pytest.mark.parametrize(("cause", "story"), TYPICAL.items())
def test_a_typical_story_ranks_its_cause_first(
    cause: str, story: tuple[dict[str, object], set[str]]
) -> None:
    answers, supporting = story
    first = assess(answers).candidates[0]
    assert first.id == cause
    assert {q for item in first.evidence_for for q in item.questions} >= supporting


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ({}, "routine"),
        ({"smoking": "yes", "liver_injury_history": "yes"}, "routine"),
        ({"night_sweats": "yes"}, "soon"),
        ({"jaundice": "yes"}, "urgent"),
        ({"fever": "yes", "chills": "yes"}, "urgent"),
        ({"fever": "yes", "abdominal_pain": "yes"}, "urgent"),
        ({"coughing_blood": "yes"}, "urgent"),
        ({"confusion": "yes"}, "emergency"),
        ({"stiff_neck_headache": "yes"}, "emergency"),
    ],
)
def test_every_urgency_level_is_reachable(answers: dict[str, object], level: str) -> None:
    assert assess(answers).urgency.level == level


def test_every_level_has_its_own_recommendation(knowledge_base: KnowledgeBase) -> None:
    texts = {knowledge_base.urgency_levels[level].recommendation for level in URGENCY_LEVELS}
    assert len(texts) == 4
    assert all("physician" in text for text in texts)


def test_all_causes_are_ranked_best_first() -> None:
    result = assess({"tb_history": "yes", "cancer_history": "yes"})
    assert [c.rank for c in result.candidates] == list(range(1, len(result.candidates) + 1))
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    for candidate in result.candidates:
        weights = [item.weight for item in candidate.evidence_for + candidate.evidence_against]
        assert candidate.score == candidate.prior + sum(weights)


def test_evidence_names_questions_answers_rules_and_sources(knowledge_base: KnowledgeBase) -> None:
    result = assess({"tb_history": "no", "fever": "yes", "night_sweats": "yes"})
    tb = next(c for c in result.candidates if c.id == "hepatic_tuberculosis")
    by_rule = {item.rule: item for item in tb.evidence_for + tb.evidence_against}
    assert by_rule["tb.night_sweats"].question == "night_sweats"
    assert by_rule["tb.night_sweats"].answers == {"night_sweats": "yes"}
    assert by_rule["tb.night_sweats"].source == ["seed §4"]
    assert not by_rule["tb.night_sweats"].beyond_seed
    # Through a finding: the answers behind it, and the finding's id.
    assert by_rule["tb.constitutional"].answers == {"fever": "yes", "night_sweats": "yes"}
    assert by_rule["tb.constitutional"].findings == ["constitutional_symptoms"]
    assert by_rule["tb.no_history"].weight < 0
    assert by_rule["tb.no_history"] in tb.evidence_against
    for item in by_rule.values():
        assert item.rule in knowledge_base.rules_by_id


def test_unknown_counts_the_same_as_not_asked_for_causes() -> None:
    asked = assess(dict.fromkeys(("fever", "night_sweats", "tb_history", "ascites"), "unknown"))
    silent = assess({})
    assert [(c.id, c.score) for c in asked.candidates] == [
        (c.id, c.score) for c in silent.candidates
    ]


def test_unknown_on_an_emergency_sign_raises_urgency() -> None:
    result = assess({"black_stools": "unknown"})
    assert result.urgency.level == "urgent"
    assert result.urgency.reasons[0].rule == "urgency.unsure_emergency_sign"
    assert "black_stools" in result.urgency.unanswered_red_flags


def test_unanswered_red_flags_list_the_not_asked_and_the_unknown() -> None:
    result = assess({"vomiting_blood": "no", "jaundice": "unknown"})
    assert "vomiting_blood" not in result.urgency.unanswered_red_flags
    assert "jaundice" in result.urgency.unanswered_red_flags
    assert "confusion" in result.urgency.unanswered_red_flags


def test_urgency_reasons_come_highest_first() -> None:
    result = assess({"vomiting_blood": "yes", "fever": "yes"})
    ranks = [urgency_rank(reason.level) for reason in result.urgency.reasons]
    assert ranks == sorted(ranks, reverse=True)
    assert result.urgency.reasons[-1].rule == "urgency.discuss_scan"


def test_the_seed_advice_always_applies() -> None:
    advice = {item.rule for item in assess({}).advice}
    assert {"advice.avoid_alcohol", "advice.avoid_smoking", "advice.sleep", "advice.diet"} <= advice


def test_answer_specific_advice_applies_only_when_relevant() -> None:
    assert "advice.medicines_list" not in {a.rule for a in assess({}).advice}
    assert "advice.medicines_list" in {a.rule for a in assess({"liver_medication": "yes"}).advice}


def test_derived_findings_are_explained() -> None:
    result = assess({"fever": "yes", "night_sweats": "yes", "weight_loss": "no"})
    [finding] = [f for f in result.findings if f.id == "constitutional_symptoms"]
    assert finding.rule == "constitutional_symptoms"
    assert finding.name == "fever with night sweats or weight loss"
    assert finding.answers == {"fever": "yes", "night_sweats": "yes"}
    assert finding.source == ["seed §4", "clinical_facts §2.4 [V]"]
    # The evidence that used it names it, and the answers behind it.
    tb = next(c for c in result.candidates if c.id == "hepatic_tuberculosis")
    [item] = [i for i in tb.evidence_for if i.rule == "tb.constitutional"]
    assert item.findings == ["constitutional_symptoms"]
    assert "possible_liver_abscess" not in {f.id for f in result.findings}


def test_same_answers_same_assessment_whatever_their_order() -> None:
    one = assess({"fever": "yes", "tb_contact": "yes", "age": 40, "smoking": "no"})
    other = assess({"smoking": "no", "age": 40, "tb_contact": "yes", "fever": "yes"})
    assert one.model_dump_json() == other.model_dump_json()


def test_the_assessment_round_trips_through_json() -> None:
    result = assess({"jaundice": "yes", "hepatitis_history": "yes"})
    again = Assessment.model_validate_json(result.model_dump_json())
    assert again.model_dump() == result.model_dump()


ANSWER = st.sampled_from(["yes", "no", "unknown", None])


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, object]:
    from livertriage import load_knowledge_base

    catalogue = load_knowledge_base().catalogue
    asked = draw(st.lists(st.sampled_from(sorted(catalogue)), unique=True))
    answers: dict[str, object] = {}
    for question in asked:
        if catalogue[question].kind == "age":
            answers[question] = draw(st.one_of(st.none(), st.integers(0, 120)))
        else:
            answers[question] = draw(ANSWER)
    return answers


@given(answer_sets())
def test_any_answers_meet_the_floor_and_end_with_a_physician(answers: dict[str, object]) -> None:
    result = assess(answers)
    assert urgency_rank(result.urgency.level) >= urgency_rank(floor_level(result.answers))
    assert "physician" in result.recommendation
    assert find_unsafe_language(result.model_dump_json()) == []
    assert result.model_dump_json() == assess(answers).model_dump_json()


def test_reused_explanations_are_bounded_and_change_nothing(
    knowledge_base: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    from livertriage import explain
    from livertriage.bench import random_answers

    rng = random.Random(12)
    answer_sets = [random_answers(knowledge_base, rng) for _ in range(60)]
    expected = [assess(a, knowledge_base=knowledge_base).model_dump_json() for a in answer_sets]
    monkeypatch.setattr(explain, "_ITEMS_KEPT", 5)
    explain._tables_of(knowledge_base).items.clear()
    for answers, before in zip(answer_sets, expected, strict=True):
        assert assess(answers, knowledge_base=knowledge_base).model_dump_json() == before
        assert len(explain._tables_of(knowledge_base).items) <= 5


def test_a_general_emergency_sign_keeps_the_emergency_route(knowledge_base: KnowledgeBase) -> None:
    # After cancer treatment a fever alone sends the person to the cancer team's line or an
    # emergency department; vomiting blood as well needs emergency services, first and last.
    answers = {"recent_cancer_treatment": "yes", "fever": "yes"}
    alone = assess(answers, knowledge_base=knowledge_base)
    assert "cancer team's 24-hour line" in alone.urgency.action
    assert "cancer team's 24-hour line" in alone.recommendation
    both = assess({**answers, "vomiting_blood": "yes"}, knowledge_base=knowledge_base)
    emergency = knowledge_base.urgency_levels["emergency"]
    assert (both.urgency.action, both.recommendation) == (
        emergency.action,
        emergency.recommendation,
    )


def test_every_special_route_at_the_level_is_named(knowledge_base: KnowledgeBase) -> None:
    # Pregnant with a severe headache (maternity unit) and a transplant with a fever (transplant
    # team): both are urgent, and neither route may be dropped, in the box or the last line.
    result = assess(
        {
            "age": 30,
            "pregnant_now": "yes",
            "pregnancy_headache_vision": "yes",
            "organ_transplant": "yes",
            "fever": "yes",
        },
        knowledge_base=knowledge_base,
    )
    assert result.urgency.level == "urgent"
    for route in ("maternity assessment unit", "transplant team"):
        assert route in result.urgency.action
        assert route in result.recommendation
    assert result.recommendation.count("physician") >= 2
