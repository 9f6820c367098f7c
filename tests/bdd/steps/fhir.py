"""FHIR steps: a clinic's QuestionnaireResponse in, FHIR resources out, a form's questions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pytest_bdd import given, parsers, then, when

from livertriage import Assessment, KnowledgeBase, assess, evaluate, parse_answers
from livertriage.cli import cli
from livertriage.fhir_models import DONT_KNOW, QUESTIONNAIRE_URL, YES
from livertriage.fhir_questionnaire import questionnaire
from livertriage.fhir_response import response_from_answers
from livertriage.safety import find_unsafe_language
from tests.bdd.steps.given import question_id
from tests.fhir_form import Form, texts


@pytest.fixture
def exported() -> dict[str, Any]:
    """The QuestionnaireResponse a clinic's system exported."""
    return {}


@given("a clinic exports them as a FHIR QuestionnaireResponse")
def export_response(
    answers: dict[str, object], knowledge_base: KnowledgeBase, exported: dict[str, Any]
) -> None:
    checked = parse_answers(answers, knowledge_base.catalogue)
    made = response_from_answers(checked.root, knowledge_base.catalogue, knowledge_base.version)
    exported.update(json.loads(json.dumps(made)))  # as it would arrive: JSON text


@given("livertriage's FHIR Questionnaire", target_fixture="fhir_questionnaire")
def fhir_questionnaire(runner: CliRunner) -> dict[str, Any]:
    result = runner.invoke(cli, ["fhir", "questionnaire"])
    assert result.exit_code == 0, result.stderr
    made: dict[str, Any] = json.loads(result.stdout)
    return made


@when("livertriage assesses the QuestionnaireResponse", target_fixture="assessment")
def assess_response(exported: dict[str, Any], runner: CliRunner) -> Assessment:
    result = runner.invoke(
        cli, ["assess", "--answers", "-", "--format", "json"], input=json.dumps(exported)
    )
    assert result.exit_code == 0, result.stderr
    return Assessment.model_validate_json(result.stdout)


@when("I ask for the FHIR report", target_fixture="fhir_result")
def ask_for_fhir(answers: dict[str, object], runner: CliRunner) -> dict[str, Any]:
    result = runner.invoke(
        cli, ["assess", "--answers", "-", "--format", "fhir"], input=json.dumps(answers)
    )
    assert result.exit_code == 0, result.stderr
    made: dict[str, Any] = json.loads(result.stdout)
    return made


def _response(*items: dict[str, Any], to: str = QUESTIONNAIRE_URL) -> str:
    return json.dumps(
        {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": to,
            "status": "completed",
            "item": list(items),
        }
    )


@when(
    parsers.parse('I give livertriage a QuestionnaireResponse to the questionnaire "{url}"'),
    target_fixture="cli_result",
)
def give_other_questionnaire(runner: CliRunner, url: str) -> Result:
    return runner.invoke(cli, ["assess", "--answers", "-"], input=_response(to=url))


@when(
    parsers.parse(
        'I give livertriage a QuestionnaireResponse answering "{link}" with the text "{text}"'
    ),
    target_fixture="cli_result",
)
def give_wrong_type(runner: CliRunner, link: str, text: str) -> Result:
    item = {"linkId": link, "answer": [{"valueString": text}]}
    return runner.invoke(cli, ["assess", "--answers", "-"], input=_response(item))


@when(
    parsers.parse('I give livertriage a QuestionnaireResponse answering "{link}" with yes'),
    target_fixture="cli_result",
)
def give_unknown_link(runner: CliRunner, link: str) -> Result:
    item = {"linkId": link, "answer": [{"valueCoding": YES}]}
    return runner.invoke(cli, ["assess", "--answers", "-"], input=_response(item))


@then("the assessment is the same as for the answers themselves")
def same_as_answers(
    assessment: Assessment, answers: dict[str, object], knowledge_base: KnowledgeBase
) -> None:
    assert assessment == assess(answers, knowledge_base=knowledge_base)


def _resources(fhir_result: dict[str, Any]) -> list[dict[str, Any]]:
    assert fhir_result["resourceType"] == "Bundle"
    return [entry["resource"] for entry in fhir_result["entry"]]


@then(parsers.parse('the FHIR result gives the urgency "{level}" with its reasons'))
def fhir_urgency(fhir_result: dict[str, Any], level: str) -> None:
    observation = next(r for r in _resources(fhir_result) if r["resourceType"] == "Observation")
    assert observation["valueCodeableConcept"]["coding"][0]["code"] == level
    assert observation["note"], "no reasons"


@then(
    parsers.parse('the last FHIR resource proposes seeing a physician with priority "{priority}"')
)
def fhir_proposal(fhir_result: dict[str, Any], priority: str) -> None:
    last = _resources(fhir_result)[-1]
    assert last["resourceType"] == "ServiceRequest"
    assert (last["intent"], last["priority"]) == ("proposal", priority)
    assert last["code"]["text"] == "See a physician"


@then("the FHIR result ends with the recommendation to see a physician")
def fhir_ends_with_physician(fhir_result: dict[str, Any]) -> None:
    last = _resources(fhir_result)[-1]
    assert list(last)[-1] == "patientInstruction"
    assert "physician" in last["patientInstruction"]


@then("nothing in the FHIR result states a diagnosis or instructs about a medicine")
def fhir_safe(fhir_result: dict[str, Any], knowledge_base: KnowledgeBase) -> None:
    text = " ".join(texts(fhir_result))
    assert find_unsafe_language(text, knowledge_base.medicine_names) == []


def _prediction(fhir_result: dict[str, Any], name: str) -> dict[str, Any]:
    causes = next(r for r in _resources(fhir_result) if r["resourceType"] == "RiskAssessment")
    found: dict[str, Any] = next(
        p for p in causes["prediction"] if p["outcome"]["text"].startswith(f"{name}: ")
    )
    return found


@then(
    parsers.parse(
        'the FHIR result offers "{name}" for a physician to consider, coded "{code}" in SNOMED CT'
    )
)
def fhir_cause_coded(fhir_result: dict[str, Any], name: str, code: str) -> None:
    outcome = _prediction(fhir_result, name)["outcome"]
    assert {"system": "http://snomed.info/sct", "code": code} in outcome["coding"]


@then(
    parsers.parse(
        'the FHIR result lists "{name}" as a condition a doctor already found, without a code'
    )
)
def fhir_known_uncoded(fhir_result: dict[str, Any], name: str) -> None:
    outcome = _prediction(fhir_result, name)["outcome"]
    assert "a doctor already found" in outcome["text"]
    assert "coding" not in outcome


@then("the FHIR result's possible causes are marked preliminary")
def fhir_preliminary(fhir_result: dict[str, Any]) -> None:
    causes = next(r for r in _resources(fhir_result) if r["resourceType"] == "RiskAssessment")
    assert causes["status"] == "preliminary"
    assert "not a diagnosis" in causes["code"]["text"]


@then(parsers.parse('the form asks "{name}" only when "{other}" is below {years:d} or not known'))
def form_condition(
    fhir_questionnaire: dict[str, Any],
    knowledge_base: KnowledgeBase,
    name: str,
    other: str,
    years: int,
) -> None:
    link, age = question_id(knowledge_base, name), question_id(knowledge_base, other)
    item = next(i for i in fhir_questionnaire["item"] if i["linkId"] == link)
    assert item["enableBehavior"] == "any"
    assert item["enableWhen"] == [
        {"question": age, "operator": "<", "answerInteger": years},
        {"question": age, "operator": "=", "answerCoding": DONT_KNOW},
    ]


@then("every question the interview may ask is in the form, warning signs first")
def form_complete(fhir_questionnaire: dict[str, Any], knowledge_base: KnowledgeBase) -> None:
    links = [i["linkId"] for i in fhir_questionnaire["item"] if i["type"] != "display"]
    asked = [q.id for q in knowledge_base.questions if q.stage != "legacy"]
    assert [link for link in links if link in asked] == asked
    red_flags = [q.id for q in knowledge_base.questions if q.stage == "red_flag"]
    assert links[: len(red_flags)] == red_flags


@then("a form filled in with these answers asks exactly the questions the interview asks")
def form_asks_as_interview(answers: dict[str, object], knowledge_base: KnowledgeBase) -> None:
    checked = parse_answers(answers, knowledge_base.catalogue)
    made = response_from_answers(checked.root, knowledge_base.catalogue, knowledge_base.version)
    filled = {item["linkId"]: item["answer"][0] for item in made["item"]}
    relevant = evaluate(checked, knowledge_base, interview=True).relevant_questions
    assert Form(questionnaire(knowledge_base)).enabled(filled) == list(relevant)
