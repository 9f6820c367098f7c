"""Clinical codes: the Verhoeff check of SNOMED CT ids, and the shape of SNOMED CT ids and
ICD-10 codes."""

from __future__ import annotations

import json

import pytest
from pydantic import TypeAdapter, ValidationError

from livertriage.models import Icd10Code, SnomedCode, verhoeff_check_digit

#: SNOMED CT concept ids of the international release, from clinical_facts.md §4 [V].
GOOD_SNOMED = ("19943007", "386661006", "84229001", "61977001", "128302006", "2901004")

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
