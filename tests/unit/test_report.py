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
    report = render(assess({"jaundice": "yes"}), knowledge_base, "text")
    assert report.index("HOW SOON TO SEE A DOCTOR") < report.index("POSSIBLE EXPLANATIONS")
    assert "Urgent: today" in report


def test_the_text_report_names_answers_in_words_with_their_rules(
    knowledge_base: KnowledgeBase,
) -> None:
    report = render(assess({"night_sweats": "yes", "fever": "yes"}), knowledge_base, "text")
    assert "drenching night sweats: yes (+2)" in report
    assert "tb.night_sweats" in report
    assert "seed §4" in report


def test_treatments_appear_only_as_a_physicians_options(knowledge_base: KnowledgeBase) -> None:
    report = render(assess({"tb_history": "yes", "night_sweats": "yes"}), knowledge_base, "text")
    intro = report.index("options a physician may consider")
    assert intro < report.index("Isoniazid tablets")


def test_unanswered_warning_signs_are_pointed_out(knowledge_base: KnowledgeBase) -> None:
    report = render(assess({"jaundice": "unknown"}), knowledge_base, "text")
    assert "Warning signs not asked about or not known" in report
    assert "yellow skin or yellow whites of the eyes" in report


def test_markdown_has_headings(knowledge_base: KnowledgeBase) -> None:
    report = render(assess({"fever": "yes"}), knowledge_base, "markdown")
    assert report.startswith("# livertriage report")
    assert "\n## How soon to see a doctor\n" in report
    assert "\n### 1. " in report


def test_json_is_the_assessment(knowledge_base: KnowledgeBase) -> None:
    result = assess({"fever": "yes"})
    parsed = json.loads(render(result, knowledge_base, "json"))
    assert Assessment.model_validate(parsed).model_dump() == result.model_dump()
