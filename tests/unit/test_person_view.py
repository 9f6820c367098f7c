"""The person's view, for every public vignette: short, plain, first things first."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from livertriage import KnowledgeBase, assess
from livertriage.person_view import MAX_REASONS, WORD_BUDGET
from livertriage.report import render

VIGNETTES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parents[2] / "features" / "vignettes.toml").read_text(encoding="utf-8")
)["vignette"]

#: What belongs to the clinician's view only: scores, rule ids, confidence tags, sources.
CLINICIAN_ONLY = re.compile(
    r"score \d|\(\+\d\)|\(-\d\)|\[(V|V2|U)\]|§|\b[a-z_]+\.[a-z_]+\b(?!\.\w)|clinical_facts"
)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_the_persons_view_is_short_plain_and_first_things_first(
    knowledge_base: KnowledgeBase, vignette: dict[str, Any], fmt: str
) -> None:
    result = assess(vignette["answers"])
    view = render(result, knowledge_base, fmt)  # type: ignore[arg-type]
    assert len(view.split()) <= WORD_BUDGET
    found = [m.group(0) for m in CLINICIAN_ONLY.finditer(view) if m.group(0) != "livertriage.md"]
    assert found == []
    lines = view.splitlines()
    assert lines[-1].strip("*") == result.recommendation
    if result.urgency.level in ("emergency", "urgent") and fmt == "text":
        first = "\n".join(lines[:12])
        assert result.urgency.action in " ".join(first.split())
        reasons = first[first.index("Because") :]
        assert 1 <= reasons.count("\n  - ") + reasons.startswith("  - ") <= MAX_REASONS
        if result.urgency.level == "emergency":
            assert "drive yourself" in " ".join(first.split())


def test_an_emergency_puts_the_action_first_and_the_rest_for_later(
    knowledge_base: KnowledgeBase,
) -> None:
    result = assess(
        {"vomiting_blood": "yes", "black_stools": "yes", "confusion": "yes", "fever": "yes"}
    )
    lines = render(result, knowledge_base, "text").splitlines()
    assert lines[1] == "Emergency"
    assert "Do not drive yourself." in " ".join(lines[2:4])
    assert sum(line.startswith("  - ") for line in lines[:12]) == MAX_REASONS
    later = lines.index("FOR LATER, WHEN HELP IS ON ITS WAY")
    assert later < lines.index("WHAT MIGHT EXPLAIN THE SPOTS")


def test_nothing_breaks_mid_word_at_60_columns(knowledge_base: KnowledgeBase) -> None:
    for vignette in VIGNETTES[:30]:
        result = assess(vignette["answers"])
        for details in (False, True):
            view = render(result, knowledge_base, "text", details=details, width=60)
            body = view.splitlines()[:-1]  # the last line is the recommendation, whole
            assert all(len(line) <= 60 or " " not in line.strip() for line in body)
            # Joined again, the words are those of the 88-column view: none was split.
            wide = render(result, knowledge_base, "text", details=details)
            assert words(view) == words(wide)


def words(view: str) -> list[str]:
    """The words of a view, without the rules of the urgency box (as wide as the view)."""
    return [word for word in view.split() if set(word) != {"="}]


def test_the_clinicians_view_keeps_everything(knowledge_base: KnowledgeBase) -> None:
    result = assess({"night_sweats": "yes", "fever": "yes", "tb_history": "yes"})
    details = render(result, knowledge_base, "text", details=True)
    assert "score" in details
    assert "tb.night_sweats" in details
    assert "[V]" in details
    person = render(result, knowledge_base, "text")
    assert "tb.night_sweats" not in person
    assert "drenching night sweats" in person  # what in the answers points to TB


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_advice_about_the_persons_own_answers_is_never_cut(
    knowledge_base: KnowledgeBase, vignette: dict[str, Any]
) -> None:
    """The safety advice answers the person's own answers (a baby's danger signs, never
    stopping heavy drinking suddenly, telling every doctor about a pregnancy): the shortening
    that keeps the view short never drops it."""
    result = assess(vignette["answers"])
    view = " ".join(render(result, knowledge_base, "text").split())
    for item in result.advice:
        if item.answers:
            assert " ".join(item.text.split()) in view, item.rule


def test_the_rest_of_an_urgent_report_is_for_once_a_visit_today_is_arranged(
    knowledge_base: KnowledgeBase,
) -> None:
    urgent = render(assess({"jaundice": "yes"}), knowledge_base, "text").splitlines()
    assert "FOR LATER, ONCE A VISIT TODAY IS ARRANGED" in urgent
    emergency = render(assess({"vomiting_blood": "yes"}), knowledge_base, "text").splitlines()
    assert "FOR LATER, WHEN HELP IS ON ITS WAY" in emergency
