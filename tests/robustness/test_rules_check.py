"""`livertriage rules check` and --rules-dir: a broken knowledge base never reaches a person."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from livertriage.cli import cli
from tests.rules_edits import drop_entry, edit


def check(runner: CliRunner, directory: Path, *flags: str) -> Result:
    return runner.invoke(cli, ["rules", "check", *flags, str(directory)])


def test_the_shipped_rules_have_no_problem_and_no_warning(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["rules", "check", "--strict"])
    assert result.exit_code == 0
    assert result.stdout == "the shipped knowledge base: no problems\n"


def syntax_error(rules: Path) -> None:
    edit(rules / "findings.toml", 'id = "constitutional_symptoms"', 'id = "constitutional_symptoms')


def missing_field(rules: Path) -> None:
    edit(
        rules / "urgency.toml",
        'level = "urgent"\nwhen = { yes = ["jaundice"] }',
        'when = { yes = ["jaundice"] }',
    )


def duplicate_id(rules: Path) -> None:
    edit(rules / "advice.toml", 'id = "advice.sleep"', 'id = "advice.diet"')


def unknown_question(rules: Path) -> None:
    edit(rules / "urgency.toml", 'when = { yes = ["confusion"] }', 'when = { yes = ["confused"] }')


def unknown_finding(rules: Path) -> None:
    edit(rules / "urgency.toml", '["possible_liver_abscess"]', '["abscess"]')


def unknown_cause(rules: Path) -> None:
    edit(rules / "evidence.toml", 'cause = "calcified_tumour"', 'cause = "tumour"')


def findings_in_a_cycle(rules: Path) -> None:
    edit(
        rules / "findings.toml",
        '"alcohol_use", "report_mass"] }',
        '"alcohol_use", "report_mass"], findings = ["higher_risk_background"] }',
    )


def rule_that_can_never_fire(rules: Path) -> None:
    edit(
        rules / "urgency.toml",
        'when = { yes = ["fever", "known_cirrhosis"] }',
        'when = { yes = ["fever"], no = ["fever"] }',
    )


def cause_without_evidence(rules: Path) -> None:
    for rule_id in ("schisto.freshwater", "schisto.endemic_origin", "schisto.spleen"):
        drop_entry(rules / "evidence.toml", rule_id)


def red_flag_without_urgency(rules: Path) -> None:
    drop_entry(rules / "urgency.toml", "urgency.fainting")
    edit(rules / "urgency.toml", '"breathing_difficulty", "fainting", ', '"breathing_difficulty", ')


BREAKAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "a syntax error": (syntax_error, "error: findings.toml: TOML syntax error"),
    "a missing field": (missing_field, "error: urgency.toml [urgency.jaundice]: level: missing"),
    "a duplicate id": (
        duplicate_id,
        "error: advice.toml [advice.diet]: duplicate rule id (also in advice.toml)",
    ),
    "an unknown question": (
        unknown_question,
        "error: urgency.toml [urgency.confusion]: unknown question 'confused'",
    ),
    "an unknown finding": (
        unknown_finding,
        "error: urgency.toml [urgency.possible_liver_abscess]: unknown finding 'abscess'",
    ),
    "an unknown cause": (
        unknown_cause,
        "error: evidence.toml [tumour.cancer_history]: cause 'tumour' is not in causes.toml",
    ),
    "findings in a cycle": (
        findings_in_a_cycle,
        "error: findings.toml [higher_risk_background]: findings depend on each other in a cycle",
    ),
    "a rule that can never fire": (
        rule_that_can_never_fire,
        "error: urgency.toml [urgency.fever_with_cirrhosis]: when: can never hold",
    ),
    "a cause with no evidence rule": (
        cause_without_evidence,
        "warning: causes.toml [schistosomiasis]: no evidence rule points towards this cause",
    ),
    "a red flag with no urgency rule": (
        red_flag_without_urgency,
        "error: questions.toml [fainting]: a red flag needs an urgency rule that reads it",
    ),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_each_kind_of_problem_is_named_with_its_file_and_rule(
    runner: CliRunner, rules_copy: Path, breakage: str
) -> None:
    change, expected = BREAKAGES[breakage]
    change(rules_copy)
    result = check(runner, rules_copy, "--strict")
    assert result.exit_code == 2, result.stdout
    [said] = result.stderr.splitlines()
    assert said.startswith("livertriage: error: ")
    assert any(line.startswith(expected) for line in result.stdout.splitlines()), result.stdout
    assert "Traceback" not in result.output


def test_every_problem_is_reported_not_just_the_first(runner: CliRunner, rules_copy: Path) -> None:
    for breakage in (
        "a missing field",
        "a duplicate id",
        "an unknown question",
        "an unknown cause",
    ):
        BREAKAGES[breakage][0](rules_copy)
    result = check(runner, rules_copy)
    assert result.exit_code == 2
    errors = [line for line in result.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4, result.stdout
    assert result.stdout.splitlines()[-1].endswith(": 4 errors, 0 warnings")


def test_a_missing_file_does_not_flood_the_report(runner: CliRunner, rules_copy: Path) -> None:
    (rules_copy / "findings.toml").unlink()
    result = check(runner, rules_copy)
    assert result.exit_code == 2
    assert result.stdout.splitlines()[0] == "error: findings.toml: file is missing"
    assert "unknown finding" not in result.stdout


def test_warnings_alone_pass_unless_strict(runner: CliRunner, rules_copy: Path) -> None:
    (rules_copy / "notes.toml").write_text("x = 1\n", encoding="utf-8")
    assert check(runner, rules_copy).exit_code == 0
    assert check(runner, rules_copy, "--strict").exit_code == 2


def test_rules_dir_is_checked_before_any_use(runner: CliRunner, rules_copy: Path) -> None:
    BREAKAGES["an unknown question"][0](rules_copy)
    result = runner.invoke(
        cli, ["--rules-dir", str(rules_copy), "assess", "--answers", "-"], input="{}"
    )
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "urgency.toml [urgency.confusion]: unknown question 'confused'" in line
    assert result.stdout == ""


def test_a_modified_knowledge_base_is_used(runner: CliRunner, rules_copy: Path) -> None:
    edit(rules_copy / "questions.toml", 'label = "smoking"', 'label = "tobacco smoking"')
    result = runner.invoke(
        cli,
        ["assess", "--answers", "-", "--details"],
        input=json.dumps({"smoking": "yes"}),
        env={"LIVERTRIAGE_RULES_DIR": str(rules_copy)},
    )
    assert result.exit_code == 0, result.stderr
    assert "tobacco smoking: yes" in result.stdout


def test_rules_check_takes_the_rules_dir_too(runner: CliRunner, rules_copy: Path) -> None:
    BREAKAGES["a duplicate id"][0](rules_copy)
    result = runner.invoke(cli, ["--rules-dir", str(rules_copy), "rules", "check"])
    assert result.exit_code == 2
    assert "duplicate rule id" in result.stdout


def test_a_rules_dir_that_does_not_exist(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--rules-dir", str(tmp_path / "none"), "questions"])
    assert result.exit_code == 2
    assert "not a directory" in result.stderr
