"""Loading the knowledge base: the shipped rules are clean, and every kind of breakage is reported
with its file, its entry id and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from livertriage import KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from livertriage.safety import CONTRACT_QUESTION_IDS
from tests.rules_edits import drop_entry, edit


def problems(rules: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(rules)
    return [str(problem) for problem in caught.value.problems]


def test_the_shipped_rules_load_without_a_warning(knowledge_base: KnowledgeBase) -> None:
    assert knowledge_base.warnings == ()
    assert len(knowledge_base.fingerprint) == 64


def test_the_shipped_catalogue_holds_every_contract_id(knowledge_base: KnowledgeBase) -> None:
    assert set(CONTRACT_QUESTION_IDS) <= set(knowledge_base.catalogue)


def test_the_five_seed_causes_come_first_with_their_sections(knowledge_base: KnowledgeBase) -> None:
    seed = [(cause.id, cause.seed_section) for cause in knowledge_base.causes[:5]]
    assert seed == [
        ("congenital", 1),
        ("healed_injury", 2),
        ("chronic_hepatitis", 3),
        ("hepatic_tuberculosis", 4),
        ("cirrhosis", 5),
    ]
    assert all(cause.beyond_seed for cause in knowledge_base.causes[5:])


def test_every_seed_treatment_is_there(knowledge_base: KnowledgeBase) -> None:
    named = {t.name.split()[0].lower() for c in knowledge_base.causes for t in c.treatment}
    for drug in (
        "glutathione",
        "prednisone",
        "diammonium",
        "isoniazid",
        "rifampicin",
        "ethambutol",
        "vitamin",
        "tenofovir",
        "sofosbuvir",
    ):
        assert drug in named


def test_every_rule_has_a_rationale_and_a_source(knowledge_base: KnowledgeBase) -> None:
    for rule in knowledge_base.rules:
        assert rule.rationale.endswith(".")
        assert rule.source


def test_questions_come_in_interview_order(knowledge_base: KnowledgeBase) -> None:
    stages = [question.stage for question in knowledge_base.questions]
    order = ["red_flag", "special_group", "core", "follow_up", "history", "legacy"]
    assert stages == sorted(stages, key=order.index)


def test_the_same_directory_gives_the_same_fingerprint(rules_copy: Path) -> None:
    assert (
        load_knowledge_base(rules_copy).fingerprint == load_knowledge_base(rules_copy).fingerprint
    )
    edit(rules_copy / "report.toml", 'version = "', '# changed\nversion = "')
    assert load_knowledge_base(rules_copy).fingerprint != load_knowledge_base().fingerprint


def test_a_toml_syntax_error_names_the_file(rules_copy: Path) -> None:
    edit(rules_copy / "evidence.toml", "weight = 6", "weight = = 6")
    [problem] = problems(rules_copy)
    assert problem.startswith("evidence.toml: TOML syntax error")


def test_a_missing_file_is_named(rules_copy: Path) -> None:
    (rules_copy / "advice.toml").unlink()
    assert "advice.toml: file is missing" in problems(rules_copy)


def test_a_missing_field_names_the_file_and_the_rule(rules_copy: Path) -> None:
    edit(
        rules_copy / "evidence.toml",
        'rationale = "Night sweats are one of the symptoms the source text gives for hepatic '
        'tuberculosis."\n',
        "",
    )
    assert "evidence.toml [tb.night_sweats]: rationale: missing" in problems(rules_copy)


def test_an_unknown_key_is_an_error_not_ignored(rules_copy: Path) -> None:
    edit(rules_copy / "urgency.toml", 'level = "emergency"\n', 'level = "emergency"\nlevle = 1\n')
    found = problems(rules_copy)
    assert any("urgency.toml [urgency.vomiting_blood]: levle: unknown key" in p for p in found)


def test_an_unknown_question_in_a_rule_is_named(rules_copy: Path) -> None:
    edit(
        rules_copy / "evidence.toml",
        'when = { yes = ["night_sweats"] }',
        'when = { yes = ["night_sweat"] }',
    )
    assert "evidence.toml [tb.night_sweats]: unknown question 'night_sweat'" in problems(rules_copy)


def test_an_unknown_finding_and_an_unknown_cause_are_named(rules_copy: Path) -> None:
    edit(
        rules_copy / "evidence.toml",
        'findings = ["constitutional_symptoms"]',
        'findings = ["constitutional"]',
    )
    edit(rules_copy / "evidence.toml", 'cause = "parasitic_cyst"', 'cause = "parasite"')
    found = problems(rules_copy)
    assert "evidence.toml [tb.constitutional]: unknown finding 'constitutional'" in found
    assert "evidence.toml [parasite.exposure]: cause 'parasite' is not in causes.toml" in found


def test_a_duplicate_id_is_named(rules_copy: Path) -> None:
    edit(rules_copy / "evidence.toml", 'id = "tb.fever"', 'id = "tb.night_sweats"')
    assert "evidence.toml [tb.night_sweats]: duplicate rule id (also in evidence.toml)" in problems(
        rules_copy
    )


def test_a_duplicate_question_is_named(rules_copy: Path) -> None:
    edit(rules_copy / "questions.toml", 'id = "smoking"', 'id = "fever"')
    assert "questions.toml [fever]: duplicate id" in problems(rules_copy)


def test_an_id_with_double_underscores_is_refused(rules_copy: Path) -> None:
    # experta reads "__" in a fact key as nested matching.
    edit(rules_copy / "causes.toml", 'id = "cirrhosis"', 'id = "liver__cirrhosis"')
    assert any(
        "[liver__cirrhosis]: id: id 'liver__cirrhosis' must be" in p for p in problems(rules_copy)
    )


def test_findings_in_a_cycle_are_named(rules_copy: Path) -> None:
    edit(
        rules_copy / "findings.toml",
        'when = { any_yes = ["ascites", "splenomegaly"] }',
        'when = { any_yes = ["ascites", "splenomegaly"], findings = ["possible_liver_abscess"] }',
    )
    edit(
        rules_copy / "findings.toml",
        'when = { yes = ["fever", "abdominal_pain"] }',
        'when = { yes = ["fever", "abdominal_pain"], findings = ["portal_hypertension_signs"] }',
    )
    assert any("in a cycle" in problem for problem in problems(rules_copy))


def test_a_rule_that_can_never_fire_is_named(rules_copy: Path) -> None:
    # no_current_symptoms needs fever = no; this rule would need fever = yes as well.
    edit(
        rules_copy / "evidence.toml",
        'when = { findings = ["no_current_symptoms"] }\nrationale = "Healed',
        'when = { yes = ["fever"], findings = ["no_current_symptoms"] }\nrationale = "Healed',
    )
    assert (
        "evidence.toml [healed.no_symptoms]: can never fire: "
        "it needs ['fever'] to be both yes and no" in problems(rules_copy)
    )


def test_a_red_flag_without_an_urgency_rule_is_named(rules_copy: Path) -> None:
    drop_entry(rules_copy / "urgency.toml", "urgency.fainting")
    edit(
        rules_copy / "urgency.toml",
        '"breathing_difficulty", "fainting", ',
        '"breathing_difficulty", ',
    )
    assert "questions.toml [fainting]: a red flag needs an urgency rule that reads it" in (
        problems(rules_copy)
    )


def test_breaking_the_urgency_floor_is_refused(rules_copy: Path) -> None:
    # Lowering vomiting blood to "urgent" is valid TOML, but breaks docs/contract.md §2.
    edit(
        rules_copy / "urgency.toml",
        'level = "emergency"\nwhen = { yes = ["vomiting_blood"] }',
        'level = "urgent"\nwhen = { yes = ["vomiting_blood"] }',
    )
    [problem] = problems(rules_copy)
    assert "urgency floor is broken: vomiting_blood answered yes gives 'urgent'" in problem
    assert "at least 'emergency'" in problem


def test_a_missing_contract_question_is_named(rules_copy: Path) -> None:
    drop_entry(rules_copy / "questions.toml", "parasite_exposure")
    found = problems(rules_copy)
    assert "questions.toml [parasite_exposure]: missing: docs/contract.md §1 requires it" in found


def test_unsafe_wording_is_refused(rules_copy: Path) -> None:
    edit(
        rules_copy / "advice.toml",
        'text = "Avoid smoking."',
        'text = "You have cirrhosis; stop taking your tablets."',
    )
    found = [p for p in problems(rules_copy) if "unsafe wording" in p]
    assert any("'You have'" in p for p in found)
    assert any("'stop taking'" in p or "'stop taking your tablets'" in p for p in found)


def test_a_named_medicine_instruction_is_refused(rules_copy: Path) -> None:
    edit(rules_copy / "advice.toml", 'text = "Avoid smoking."', 'text = "Start isoniazid today."')
    assert any("'Start isoniazid'" in p for p in problems(rules_copy))


def test_a_recommendation_must_send_to_a_physician(rules_copy: Path) -> None:
    edit(
        rules_copy / "urgency.toml",
        'recommendation = "Book an appointment with a physician in the next few weeks to discuss',
        'recommendation = "Keep an eye on it, and discuss the scan report',
    )
    assert (
        "urgency.toml [level.routine]: the recommendation must tell the person "
        "to see a physician (docs/contract.md §2)" in problems(rules_copy)
    )


def test_a_citation_must_name_a_seed_section_or_a_reference(rules_copy: Path) -> None:
    edit(rules_copy / "evidence.toml", 'source = ["seed §4"]', 'source = ["a blog"]')
    assert any("source 'a blog' is not a citation" in p for p in problems(rules_copy))


def test_every_problem_is_reported_not_just_the_first(rules_copy: Path) -> None:
    edit(
        rules_copy / "evidence.toml",
        'when = { yes = ["night_sweats"] }',
        'when = { yes = ["night_sweat"] }',
    )
    edit(rules_copy / "questions.toml", 'id = "smoking"', 'id = "fever"')
    edit(rules_copy / "causes.toml", 'framing = "check_for"', 'framing = "maybe"')
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(rules_copy)
    found = [str(p) for p in caught.value.problems]
    assert len(found) >= 3
    assert "more problem" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_unread_toml_file_is_a_warning(rules_copy: Path) -> None:
    (rules_copy / "extra.toml").write_text("x = 1\n", encoding="utf-8")
    kb = load_knowledge_base(rules_copy)
    assert [str(w) for w in kb.warnings] == [
        "extra.toml: not a rules file livertriage reads; it is ignored"
    ]


def test_a_directory_that_does_not_exist_is_named(tmp_path: Path) -> None:
    [problem] = problems(tmp_path / "nowhere")
    assert problem.endswith("nowhere: not a directory")
