"""Reports: urgency first, the recommendation last, plain words, no diagnosis."""

from __future__ import annotations

import json

import pytest

from livertriage import Assessment, KnowledgeBase, assess
from livertriage.report import render
from livertriage.safety import find_unsafe_language

STORIES = [
    {},
    {"vomiting_blood": "yes"},
    {"fever": "yes", "night_sweats": "yes", "tb_contact": "yes", "age": 34},
    {"known_cirrhosis": "yes", "ascites": "yes", "jaundice": "unknown"},
]


@pytest.mark.parametrize("answers", STORIES)
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_the_last_line_is_the_physician_recommendation(
    knowledge_base: KnowledgeBase, answers: dict[str, object], fmt: str
) -> None:
    result = assess(answers)
    report = render(result, knowledge_base, fmt)  # type: ignore[arg-type]
    last = report.rstrip("\n").splitlines()[-1]
    assert result.recommendation in last
    assert "physician" in last


@pytest.mark.parametrize("answers", STORIES)
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_no_report_states_a_diagnosis(
    knowledge_base: KnowledgeBase, answers: dict[str, object], fmt: str
) -> None:
    report = render(assess(answers), knowledge_base, fmt)  # type: ignore[arg-type]
    assert find_unsafe_language(report, knowledge_base.medicine_names) == []


def test_urgency_comes_before_the_causes(knowledge_base: KnowledgeBase) -> None:
    result = assess({"jaundice": "yes"})
    details = render(result, knowledge_base, "text", details=True)
    assert details.index("HOW SOON TO SEE A DOCTOR") < details.index("POSSIBLE EXPLANATIONS")
    assert "Urgent: today" in details
    person = render(result, knowledge_base, "text")
    assert person.splitlines()[1] == "Urgent: today"
    assert person.index("Urgent: today") < person.index("WHAT MIGHT EXPLAIN THE SPOTS")


def test_the_text_report_names_answers_in_words_with_their_rules(
    knowledge_base: KnowledgeBase,
) -> None:
    report = render(
        assess({"night_sweats": "yes", "fever": "yes"}), knowledge_base, "text", details=True
    )
    assert "drenching night sweats: yes (+2)" in report
    assert "tb.night_sweats" in report
    assert "seed §4" in report


def test_treatments_appear_only_as_a_physicians_options(knowledge_base: KnowledgeBase) -> None:
    answers = {"tb_history": "yes", "night_sweats": "yes"}
    report = render(assess(answers), knowledge_base, "text", details=True)
    intro = report.index("options a physician may consider")
    assert intro < report.index("Isoniazid tablets")


def test_unanswered_warning_signs_are_pointed_out(knowledge_base: KnowledgeBase) -> None:
    result = assess({"jaundice": "unknown"})
    details = render(result, knowledge_base, "text", details=True)
    assert "Warning signs not asked about or not known" in details
    assert "yellow skin or yellow whites of the eyes" in details
    person = " ".join(render(result, knowledge_base, "text").split())
    assert "yellow skin or yellow whites of the eyes" in person[person.index("Not answered:") :]


def test_markdown_has_headings(knowledge_base: KnowledgeBase) -> None:
    details = render(assess({"fever": "yes"}), knowledge_base, "markdown", details=True)
    assert details.startswith("# livertriage report")
    assert "\n## How soon to see a doctor\n" in details
    assert "\n### 1. " in details
    person = render(assess({"fever": "yes"}), knowledge_base, "markdown")
    assert person.startswith("# livertriage report")
    assert "\n> **How soon to see a doctor: Soon: within a few days**\n" in person
    assert "\n## What might explain the spots\n" in person


def test_json_is_the_assessment(knowledge_base: KnowledgeBase) -> None:
    result = assess({"fever": "yes"})
    parsed = json.loads(render(result, knowledge_base, "json"))
    assert Assessment.model_validate(parsed).model_dump() == result.model_dump()
