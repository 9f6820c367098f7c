"""`rules check` guards the safety promises, not only the format (the adversary's M5, m2, m8 and
m11). Each guard has a copy of the rules that breaks it; on the code before these guards, every
one of these copies passed with "no problems"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from livertriage import check_knowledge_base
from tests.rules_edits import edit

EMERGENCY_LEVEL = (
    '[level.emergency]\nlabel = "Emergency"\n'
    'action = "Call your emergency number, or go to an emergency department, now."\n'
    'recommendation = "Call your emergency number or go to an emergency department now, '
)


def problems(rules: Path) -> list[str]:
    return [str(problem) for problem in check_knowledge_base(rules) if problem.severity == "error"]


def test_an_emergency_worded_as_no_hurry_is_refused(rules_copy: Path) -> None:
    edit(
        rules_copy / "urgency.toml",
        EMERGENCY_LEVEL,
        '[level.emergency]\nlabel = "Routine"\n'
        'action = "No hurry: mention it at your next check-up."\n'
        'recommendation = "Mention this to a physician at your next routine check-up, there is no '
        "hurry. ",
    )
    found = problems(rules_copy)
    assert any("[level.emergency]" in p and "does not name the level" in p for p in found)
    assert any(
        "[level.emergency]" in p and "must send the person to emergency care" in p for p in found
    )
    assert any("'no hurry'" in p.lower() for p in found)


def test_a_recommendation_that_takes_back_the_physician_is_refused(rules_copy: Path) -> None:
    edit(
        rules_copy / "urgency.toml",
        'recommendation = "Book an appointment with a physician in the next few weeks',
        'recommendation = "There is no need to call an ambulance or see a physician; rest at home. '
        "Book an appointment in the next few weeks",
    )
    found = problems(rules_copy)
    assert any("[level.routine]" in p and "no need" in p for p in found), found


def test_a_special_action_must_fit_its_level(rules_copy: Path) -> None:
    edit(
        rules_copy / "urgency.toml",
        "action = \"Call your cancer team's 24-hour line now, or go to an emergency department; "
        'call your emergency number if you are very unwell."',
        'action = "Mention it to your cancer team at the next visit."',
    )
    assert any("[urgency.fever_after_cancer_treatment]: action:" in p for p in problems(rules_copy))


PREGNANCY_RECOMMENDATION = (
    'recommendation = "See a physician today through your maternity assessment unit '
    "(maternity triage) or midwife: contact them now, and call your emergency number for a fit, "
    'a collapse, or if you are very drowsy or hard to wake."\n'
)


def test_a_special_action_needs_its_own_recommendation(rules_copy: Path) -> None:
    # Without it the last line would name the level's general route, slower than the box's.
    edit(rules_copy / "urgency.toml", PREGNANCY_RECOMMENDATION, "")
    found = problems(rules_copy)
    assert any(
        "[urgency.pregnancy_warning_signs]" in p and "action and recommendation go together" in p
        for p in found
    ), found


@pytest.mark.parametrize(
    ("recommendation", "problem"),
    [
        ("Contact your midwife today.", "must tell the person to see a physician"),
        ("Mention it to a physician at your next antenatal visit.", "must say today"),
    ],
)
def test_a_special_recommendation_must_send_to_a_physician_in_time(
    rules_copy: Path, recommendation: str, problem: str
) -> None:
    edit(
        rules_copy / "urgency.toml",
        PREGNANCY_RECOMMENDATION,
        f'recommendation = "{recommendation}"\n',
    )
    found = problems(rules_copy)
    assert any(
        "[urgency.pregnancy_warning_signs]: recommendation:" in p and problem in p for p in found
    ), found


@pytest.mark.parametrize(
    ("file", "old", "new", "phrase"),
    [
        (
            "causes.toml",
            'summary = "Scarring of the liver',
            'summary = "You most likely have cirrhosis. The diagnosis is cirrhosis. '
            "Scarring of the liver",
            "You most likely have",
        ),
        (
            "advice.toml",
            'text = "Avoid smoking."',
            'text = "This is hepatic tuberculosis; begin isoniazid today, discontinue your current '
            'pills and take paracetamol 1 g every 4 hours."',
            "begin isoniazid",
        ),
        (
            "causes.toml",
            'note = "Part of standard TB treatment; it can harm the liver',
            'note = "Begin isoniazid today; it can harm the liver',
            "Begin isoniazid",
        ),
    ],
    ids=["a diagnosis", "medicine instructions in advice", "a medicine instruction in a note"],
)
def test_diagnoses_and_medicine_instructions_are_refused(
    rules_copy: Path, file: str, old: str, new: str, phrase: str
) -> None:
    edit(rules_copy / file, old, new)
    assert any(f"unsafe wording {phrase!r}" in p for p in problems(rules_copy))


def test_a_rule_where_dont_know_lowers_the_urgency_is_refused(rules_copy: Path) -> None:
    # The adversary's "nomono": urgent on a cancer history with no symptoms, so that a "don't
    # know" to fever (no longer "no symptoms") would drop the urgency.
    with (rules_copy / "urgency.toml").open("a", encoding="utf-8") as rules:
        rules.write(
            '\n[[rule]]\nid = "urgency.cancer_without_symptoms"\nlevel = "urgent"\n'
            'when = { yes = ["cancer_history"], findings = ["no_current_symptoms"] }\n'
            'rationale = "A test rule."\nsource = ["clinical_facts §3 [V]"]\n'
        )
    found = problems(rules_copy)
    assert any(
        "[urgency.cancer_without_symptoms]" in p and '"don\'t know" lowers the urgency' in p
        for p in found
    ), found


def test_a_red_flag_hidden_behind_a_condition_is_refused(rules_copy: Path) -> None:
    # The adversary's "hide": vomiting blood moved to a follow-up that is never asked.
    edit(
        rules_copy / "questions.toml",
        'id = "vomiting_blood"\nkind = "yes_no"\nstage = "red_flag"',
        'id = "vomiting_blood"\nkind = "yes_no"\nstage = "follow_up"\n'
        'ask_when = { yes = ["confusion", "fainting"] }',
    )
    found = problems(rules_copy)
    assert any(
        "[vomiting_blood]" in p and "must be asked first, in stage 'red_flag'" in p for p in found
    ), found


def test_a_stop_rule_that_skips_a_question_that_could_raise_the_urgency_is_refused(
    rules_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The interview itself never lets a stop rule skip such a question (it asks every question
    # whose answer could still raise the urgency). Blind it, and the proof must notice.
    monkeypatch.setattr(
        "livertriage.graph._urgency_reach", lambda kb, rules: dict.fromkeys(kb.catalogue)
    )
    found = problems(rules_copy)
    assert any("[stop.child]: ends the interview before" in p for p in found), found


def test_control_characters_in_rules_texts_are_refused(rules_copy: Path) -> None:
    edit(
        rules_copy / "questions.toml",
        'text = "Have you vomited blood, or something that looks like coffee grounds?"',
        'text = "Have you vomited blood?\\u001b[2K\\rAre you feeling fine today? (answer n if so)"',
    )
    assert any("control characters" in p for p in problems(rules_copy))


def test_a_deeply_nested_value_is_a_problem_not_a_crash(rules_copy: Path) -> None:
    with (rules_copy / "report.toml").open("a", encoding="utf-8") as report:
        report.write("x = " + "[" * 500 + "]" * 500 + "\n")
    assert any("nested too deeply" in p for p in problems(rules_copy))


def test_a_rules_file_that_is_a_fifo_is_a_problem_not_a_hang(rules_copy: Path) -> None:
    (rules_copy / "report.toml").unlink()
    os.mkfifo(rules_copy / "report.toml")
    assert any("report.toml: not a regular file" in p for p in problems(rules_copy))
