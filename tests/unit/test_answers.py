"""Answers: the input edge of docs/contract.md §1."""

from __future__ import annotations

import json

import pytest

from livertriage import AnswersError, KnowledgeBase, parse_answers
from livertriage.answers import Answers, answers_json_schema, parse_answers_json


def parse(knowledge_base: KnowledgeBase, raw: object) -> dict[str, object]:
    return dict(parse_answers(raw, knowledge_base.catalogue).root)


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        (True, "yes"),
        (False, "no"),
        ("yes", "yes"),
        ("no", "no"),
        ("unknown", "unknown"),
        (None, "unknown"),
        ("YES", "yes"),
        (" No ", "no"),
    ],
)
def test_yes_no_values_are_normalised(
    knowledge_base: KnowledgeBase, given: object, normalised: str
) -> None:
    assert parse(knowledge_base, {"fever": given}) == {"fever": normalised}


@pytest.mark.parametrize(("given", "years"), [(0, 0), (42, 42), (120, 120), (42.0, 42)])
def test_age_takes_whole_years(knowledge_base: KnowledgeBase, given: object, years: int) -> None:
    assert parse(knowledge_base, {"age": given}) == {"age": years}


@pytest.mark.parametrize("given", [None, "unknown"])
def test_age_can_be_unknown(knowledge_base: KnowledgeBase, given: object) -> None:
    assert parse(knowledge_base, {"age": given}) == {"age": "unknown"}


def test_left_out_questions_stay_left_out(knowledge_base: KnowledgeBase) -> None:
    # "Not asked" is not the same as "unknown".
    assert parse(knowledge_base, {}) == {}
    assert "chills" not in parse(knowledge_base, {"fever": "yes"})


def test_ids_come_out_in_catalogue_order(knowledge_base: KnowledgeBase) -> None:
    one = parse_answers({"smoking": "no", "fever": "yes"}, knowledge_base.catalogue)
    other = parse_answers({"fever": "yes", "smoking": "no"}, knowledge_base.catalogue)
    assert list(one.root) == list(other.root)
    assert one == other


def test_answers_model_is_accepted_again(knowledge_base: KnowledgeBase) -> None:
    first = parse_answers({"fever": True}, knowledge_base.catalogue)
    assert parse_answers(first, knowledge_base.catalogue) == first
    assert isinstance(first, Answers)
    assert len(first) == 1


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ({"fever": "maybe"}, "fever", ['"maybe"', '"yes"', '"unknown"', "null"]),
        ({"fever": 1}, "fever", ["1", "true, false"]),
        ({"fever": {"a": 1}}, "fever", ['{"a": 1}']),
        ({"fever": ["yes"]}, "fever", ['["yes"]']),
        ({"age": 121}, "age", ["121", "out of range", "0 to 120"]),
        ({"age": -1}, "age", ["-1", "out of range"]),
        ({"age": 42.5}, "age", ["42.5", "whole number"]),
        ({"age": True}, "age", ["true", "whole number"]),
        ({"age": "42"}, "age", ['"42"', "whole number"]),
        ({"age": 10**30}, "age", ["out of range"]),
        ({"age": float("inf")}, "age", ["Infinity"]),
    ],
)
def test_bad_values_name_the_id_the_value_and_what_is_allowed(
    knowledge_base: KnowledgeBase, raw: object, field: str, words: list[str]
) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers(raw, knowledge_base.catalogue)
    message = str(caught.value)
    assert f'"{field}"' in message
    for word in words:
        assert word in message
    assert "\n" not in message
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [("fevr", "fever"), ("night_sweat", "night_sweats"), ("Fever", "fever")],
)
def test_unknown_ids_suggest_the_closest(
    knowledge_base: KnowledgeBase, key: str, suggestion: str
) -> None:
    with pytest.raises(AnswersError, match=f'did you mean "{suggestion}"'):
        parse_answers({key: "yes"}, knowledge_base.catalogue)


@pytest.mark.parametrize("key", ["fever__value", "__class__", "", "zzzz"])
def test_other_unknown_ids_are_refused(knowledge_base: KnowledgeBase, key: str) -> None:
    with pytest.raises(AnswersError, match="is not a question id"):
        parse_answers({key: "yes"}, knowledge_base.catalogue)


@pytest.mark.parametrize("raw", [[], "yes", 3, None])
def test_answers_must_be_a_mapping(knowledge_base: KnowledgeBase, raw: object) -> None:
    with pytest.raises(AnswersError, match="expected a JSON object"):
        parse_answers(raw, knowledge_base.catalogue)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"{", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b'{"age": NaN}', "NaN"),
        (b'{"age": Infinity}', "Infinity"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"age": ' + b"9" * 5000 + b"}", "too large"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_json_problems_are_one_line(knowledge_base: KnowledgeBase, data: bytes, words: str) -> None:
    with pytest.raises(AnswersError, match=words) as caught:
        parse_answers_json(data, knowledge_base.catalogue)
    assert "\n" not in str(caught.value)


def test_json_with_a_byte_order_mark_is_read(knowledge_base: KnowledgeBase) -> None:
    answers = parse_answers_json(b'\xef\xbb\xbf{"fever": true}', knowledge_base.catalogue)
    assert answers.root == {"fever": "yes"}


def test_schema_lists_every_question_and_nothing_else(knowledge_base: KnowledgeBase) -> None:
    schema = answers_json_schema(knowledge_base.catalogue)
    assert set(schema["properties"]) == set(knowledge_base.catalogue)  # type: ignore[call-overload]
    assert schema["additionalProperties"] is False
    json.dumps(schema)
