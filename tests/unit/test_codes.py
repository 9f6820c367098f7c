"""Clinical codes on causes and questions: the Verhoeff check of SNOMED CT ids, the shape of
ICD-10 codes, the codes the shipped rules carry, and where they appear (the JSON) and do not
(the reports a person reads)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import TypeAdapter, ValidationError

from livertriage import KnowledgeBase
from livertriage.cli import cli
from livertriage.models import Icd10Code, SnomedCode, verhoeff_check_digit
from tests.rules_edits import edit

#: SNOMED CT concept ids of the international release, from clinical_facts.md §4 [V].
GOOD_SNOMED = ("19943007", "386661006", "84229001", "61977001", "128302006", "2901004")

#: Every code the shipped rules carry, by entry; every entry not listed carries none. Each is
#: verified ([V]) in clinical_facts.md §4 with the entry's own meaning.
CAUSE_CODES: dict[str, tuple[str | None, str | None]] = {
    "chronic_hepatitis": ("76783007", None),
    "hepatic_tuberculosis": (None, "A18.8"),
    "cirrhosis": ("19943007", "K74.6"),
    "parasitic_cyst": (None, "B67.8"),
}
QUESTION_CODES: dict[str, tuple[str | None, str | None]] = {
    "vomiting_blood": ("8765009", "K92.0"),
    "black_stools": ("2901004", "K92.1"),
    "jaundice": ("18165001", None),
    "weight_loss": ("89362005", "R63.4"),
    "fatigue": ("84229001", "R53"),
    "ascites": ("389026000", "R18"),
    "night_sweats": ("42984000", "R61.9"),
    "appetite_loss": ("79890006", "R63.0"),
    "abdominal_bloating": ("116289008", "R14"),
    "splenomegaly": ("16294009", "R16.1"),
    "told_hydatid_cyst": (None, "B67.8"),
}

_SNOMED = TypeAdapter(SnomedCode)
_ICD10 = TypeAdapter(Icd10Code)


def refusal(adapter: TypeAdapter[str], value: object) -> str:
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python(value)
    (error,) = caught.value.errors()
    return str(error["msg"]).removeprefix("Value error, ")


# --- Verhoeff --------------------------------------------------------------------------------


@pytest.mark.parametrize(("digits", "check"), [("236", 3), ("12345", 1), ("0", 4), ("9", 1)])
def test_verhoeff_gives_the_published_check_digits(digits: str, check: int) -> None:
    # 236 -> 2363 and 12345 -> 123451 are Verhoeff's usual worked examples.
    assert verhoeff_check_digit(digits) == check


@pytest.mark.parametrize("code", GOOD_SNOMED)
def test_verhoeff_accepts_real_snomed_ids(code: str) -> None:
    assert verhoeff_check_digit(code[:-1]) == int(code[-1])


@pytest.mark.parametrize("code", GOOD_SNOMED)
def test_verhoeff_catches_every_single_digit_change(code: str) -> None:
    for position, digit in enumerate(code):
        for other in "0123456789".replace(digit, ""):
            changed = code[:position] + other + code[position + 1 :]
            assert verhoeff_check_digit(changed[:-1]) != int(changed[-1]), changed


@pytest.mark.parametrize("code", GOOD_SNOMED)
def test_verhoeff_catches_every_swap_of_adjacent_digits(code: str) -> None:
    for position in range(len(code) - 1):
        if code[position] == code[position + 1]:
            continue
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        assert verhoeff_check_digit(swapped[:-1]) != int(swapped[-1]), swapped


@pytest.mark.parametrize("digits", ["", "12a", "1 2", "١٢٣"])
def test_verhoeff_takes_only_ascii_digits(digits: str) -> None:
    with pytest.raises(ValueError, match="is not a string of digits"):
        verhoeff_check_digit(digits)


# --- SnomedCode ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", GOOD_SNOMED)
def test_a_snomed_concept_id_is_accepted(code: str) -> None:
    assert _SNOMED.validate_python(code) == code


def test_an_extension_concept_id_is_accepted() -> None:
    payload = "1000001" + "10"  # item 1, namespace 1000001 written before the partition "10"
    code = payload + str(verhoeff_check_digit(payload))
    assert _SNOMED.validate_python(code) == code


def test_a_wrong_check_digit_is_refused_with_one_clear_line() -> None:
    assert refusal(_SNOMED, "19943008") == (
        'snomed "19943008" is not a SNOMED CT concept id (its check digit is wrong)'
    )


@pytest.mark.parametrize("partition", ["01", "02", "11", "12"])
def test_a_description_or_relationship_id_is_refused(partition: str) -> None:
    payload = "2901" + partition
    code = payload + str(verhoeff_check_digit(payload))
    message = refusal(_SNOMED, code)
    assert message.startswith(f'snomed "{code}" is not a SNOMED CT concept id')
    assert f"partition identifier, the two digits before the check digit, is '{partition}'" in (
        message
    )


@pytest.mark.parametrize(
    "code",
    ["12345", "1234567890123456789", "019943007", "1994300X", " 19943007", "19943007\n", ""],
)
def test_a_snomed_id_of_the_wrong_shape_is_refused(code: str) -> None:
    assert refusal(_SNOMED, code) == (
        f"snomed {json.dumps(code)} is not a SNOMED CT concept id "
        "(it must be 6 to 18 digits, the first not 0)"
    )


def test_a_snomed_id_written_as_a_number_is_refused() -> None:
    assert refusal(_SNOMED, 19943007) == (
        'snomed 19943007 must be written as text in quotes, such as "19943007"'
    )


# --- Icd10Code -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["K74.6", "R18", "R53", "A18.8", "B67.8", "R61.9", "K92.0", "C4A", "B18.1", "S36.1A"]
)
def test_an_icd10_code_is_accepted(code: str) -> None:
    assert _ICD10.validate_python(code) == code


@pytest.mark.parametrize(
    "code",
    [
        "k74.6",  # lower case
        "K74,6",  # a comma
        "K746",  # no dot
        "K74.",  # a dot and nothing after it
        "K74.678",  # three characters after the dot
        "K7",  # too short
        "KK4.6",  # a letter where a digit goes
        "K7C.1",  # a third character other than a digit, A or B
        "U07.1",  # chapter XXII, reserved for special purposes
        "K74.U",  # U after the dot
        " K74.6",  # a space
        "K74.6\n",  # a final newline
        "",
    ],
)
def test_a_malformed_icd10_code_is_refused_naming_it(code: str) -> None:
    message = refusal(_ICD10, code)
    assert message.startswith(f"icd10 {json.dumps(code)} is not an ICD-10 code: a capital letter")
    assert "\n" not in message


def test_an_icd10_code_written_as_a_number_is_refused() -> None:
    assert refusal(_ICD10, 18) == 'icd10 18 must be written as text in quotes, such as "K74.6"'


# --- the shipped rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "expected"), [("causes", CAUSE_CODES), ("questions", QUESTION_CODES)]
)
def test_the_shipped_rules_carry_exactly_the_verified_codes(
    knowledge_base: KnowledgeBase,
    entries: str,
    expected: dict[str, tuple[str | None, str | None]],
) -> None:
    carried = {
        entry.id: (entry.snomed, entry.icd10)
        for entry in getattr(knowledge_base, entries)
        if entry.snomed or entry.icd10
    }
    assert carried == expected


def test_hepatitis_history_carries_no_code_of_one_kind_of_hepatitis(
    knowledge_base: KnowledgeBase,
) -> None:
    # It asks about hepatitis B or C or any chronic hepatitis: the hepatitis B code (61977001)
    # would say more than the answer does.
    question = knowledge_base.catalogue["hepatitis_history"]
    assert (question.snomed, question.icd10) == (None, None)


def test_every_shipped_code_is_well_formed(knowledge_base: KnowledgeBase) -> None:
    codes = [(c.snomed, c.icd10) for c in knowledge_base.causes] + [
        (q.snomed, q.icd10) for q in knowledge_base.questions
    ]
    snomed = [code for code, _ in codes if code]
    icd10 = [code for _, code in codes if code]
    assert len(snomed) >= 10
    assert len(icd10) >= 10
    for code in snomed:
        assert _SNOMED.validate_python(code) == code
        assert verhoeff_check_digit(code[:-1]) == int(code[-1])
    for code in icd10:
        assert _ICD10.validate_python(code) == code


# --- rules check -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "line"),
    [
        (
            "causes.toml",
            'snomed = "19943007"',
            'snomed = "19943008"',
            'error: causes.toml [cirrhosis]: snomed: snomed "19943008" is not a SNOMED CT '
            "concept id (its check digit is wrong)",
        ),
        (
            "questions.toml",
            'icd10 = "R63.4"',
            'icd10 = "R634"',
            'error: questions.toml [weight_loss]: icd10: icd10 "R634" is not an ICD-10 code',
        ),
        (
            "causes.toml",
            'icd10 = "A18.8"',
            "icd10 = 18.8",
            "error: causes.toml [hepatic_tuberculosis]: icd10: icd10 18.8 must be written as text",
        ),
    ],
)
def test_rules_check_refuses_a_malformed_code_in_one_line(
    runner: CliRunner, rules_copy: Path, file: str, old: str, new: str, line: str
) -> None:
    edit(rules_copy / file, old, new)
    result = runner.invoke(cli, ["rules", "check", str(rules_copy)])
    assert result.exit_code == 2
    errors = [text for text in result.stdout.splitlines() if text.startswith("error: ")]
    assert len(errors) == 1, result.stdout
    assert errors[0].startswith(line)
    assert "has errors" in result.stderr


# --- where the codes appear ------------------------------------------------------------------

_ANSWERS = '{"fever": "yes", "known_cirrhosis": "yes", "tb_history": "yes"}'


def test_the_json_candidates_carry_the_codes_of_their_causes(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["assess", "--answers", "-", "--format", "json"], input=_ANSWERS)
    assert result.exit_code == 0, result.stderr
    candidates = json.loads(result.stdout)["candidates"]
    assert all("snomed" in c and "icd10" in c for c in candidates)
    carried = {c["id"]: (c["snomed"], c["icd10"]) for c in candidates}
    assert carried == {c["id"]: CAUSE_CODES.get(c["id"], (None, None)) for c in candidates}


def test_the_assessment_schema_has_the_codes(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema", "assessment"])
    candidate = json.loads(result.stdout)["$defs"]["Candidate"]
    for name in ("snomed", "icd10"):
        assert name in candidate["required"]
        assert candidate["properties"][name]["anyOf"] == [{"type": "string"}, {"type": "null"}]


def test_the_question_catalogue_in_json_carries_the_codes(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["questions", "--format", "json"])
    assert result.exit_code == 0
    listed = {q["id"]: (q.get("snomed"), q.get("icd10")) for q in json.loads(result.stdout)}
    assert {qid: codes for qid, codes in listed.items() if codes != (None, None)} == (
        QUESTION_CODES
    )


@pytest.mark.parametrize(
    "flags", [[], ["--details"], ["--format", "markdown"], ["--format", "markdown", "--details"]]
)
def test_no_report_a_person_reads_shows_a_code(runner: CliRunner, flags: list[str]) -> None:
    result = runner.invoke(cli, ["assess", "--answers", "-", *flags], input=_ANSWERS)
    assert result.exit_code == 0, result.stderr
    for snomed, icd10 in CAUSE_CODES.values():
        for code in (snomed, icd10):
            assert code is None or code not in result.stdout, code
