"""FHIR: the Questionnaire, QuestionnaireResponse input, and the result as a Bundle.

Every resource is checked with fhir.resources' own models (R4 through its R4B models, and R5),
not with livertriage's check; which items a Questionnaire enables is worked out by
tests/fhir_form.py, a renderer in miniature that shares no code with the interview.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fhir.resources.bundle import Bundle as BundleR5
from fhir.resources.questionnaire import Questionnaire as QuestionnaireR5
from fhir.resources.questionnaireresponse import QuestionnaireResponse as ResponseR5
from fhir.resources.R4B.bundle import Bundle as BundleR4
from fhir.resources.R4B.questionnaire import Questionnaire as QuestionnaireR4
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as ResponseR4

from livertriage import AnswersError, KnowledgeBase, assess, evaluate, parse_answers
from livertriage.bench import random_answers
from livertriage.cli import cli
from livertriage.fhir_models import DONT_KNOW, NO, QUESTIONNAIRE_URL, YES, Release, check_resource
from livertriage.fhir_questionnaire import questionnaire
from livertriage.fhir_response import answers_from_response, response_from_answers
from livertriage.fhir_result import PRIORITY, bundle
from livertriage.models import URGENCY_LEVELS, urgency_rank
from livertriage.safety import find_unsafe_language
from tests.fhir_form import Form, texts

ROOT = Path(__file__).resolve().parents[2]
ROUND_TRIPS = 1_000


@pytest.fixture(scope="module")
def form(knowledge_base: KnowledgeBase) -> Form:
    return Form(questionnaire(knowledge_base))


def response(knowledge_base: KnowledgeBase, answers: dict[str, Any]) -> dict[str, Any]:
    checked = parse_answers(answers, knowledge_base.catalogue)
    return response_from_answers(checked.root, knowledge_base.catalogue, knowledge_base.version)


# --- the Questionnaire -------------------------------------------------------------------------


@pytest.mark.parametrize(("release", "model"), [("R4", QuestionnaireR4), ("R5", QuestionnaireR5)])
def test_the_questionnaire_is_valid_fhir(
    knowledge_base: KnowledgeBase, release: Release, model: Any
) -> None:
    model.model_validate(questionnaire(knowledge_base, release))


def test_the_questionnaire_is_the_catalogue_in_interview_order(
    knowledge_base: KnowledgeBase,
) -> None:
    made = questionnaire(knowledge_base)
    assert made["url"] == QUESTIONNAIRE_URL
    assert made["version"] == knowledge_base.version
    asked = [item for item in made["item"] if item["type"] != "display"]
    assert [item["linkId"] for item in asked] == [q.id for q in knowledge_base.questions]
    stages = [knowledge_base.catalogue[item["linkId"]].stage for item in asked]
    assert stages[: stages.count("red_flag")] == ["red_flag"] * stages.count("red_flag")
    for item in asked:
        question = knowledge_base.catalogue[item["linkId"]]
        assert item["text"] == question.text
        assert question.help in item["item"][0]["text"]
        assert item["item"][0]["type"] == "display"
        codes = [c["code"] for c in item.get("code", [])]
        assert codes == ([question.snomed] if question.snomed else [])


def test_yes_no_items_offer_yes_no_and_dont_know_and_the_age_is_a_bounded_integer(
    knowledge_base: KnowledgeBase,
) -> None:
    releases: tuple[tuple[Release, str], ...] = (("R4", "choice"), ("R5", "coding"))
    for release, choice in releases:
        items = {i["linkId"]: i for i in questionnaire(knowledge_base, release)["item"]}
        age = items["age"]
        assert age["type"] == "integer"
        bounds = {e["url"].rsplit("/", 1)[1]: e.get("valueInteger") for e in age["extension"]}
        assert (bounds["minValue"], bounds["maxValue"]) == (0, 120)
        fever = items["fever"]
        assert fever["type"] == choice
        codes = [option["valueCoding"]["code"] for option in fever["answerOption"]]
        assert codes == ["Y", "N", "asked-unknown"]


def test_the_form_opens_with_the_disclaimer_and_says_what_to_do_after_an_emergency_sign(
    knowledge_base: KnowledgeBase,
) -> None:
    made = questionnaire(knowledge_base)["item"]
    assert made[0] == {
        "linkId": "about",
        "text": knowledge_base.report.disclaimer,
        "type": "display",
    }
    emergency = knowledge_base.urgency_levels["emergency"].recommendation
    warnings = {  # after a question whose yes alone means an emergency
        item["linkId"].removesuffix(".emergency"): item
        for item in made
        if item["linkId"].endswith(".emergency") and not item["linkId"].startswith("urgency.")
    }
    asked = [q.id for q in knowledge_base.questions if q.stage != "legacy" and q.kind == "yes_no"]
    assert set(warnings) == {
        q
        for q in asked
        if assess({q: "yes"}, knowledge_base=knowledge_base).urgency.level == "emergency"
    }
    assert {"vomiting_blood", "black_stools", "confusion", "baby_unwell_signs"} <= set(warnings)
    assert "fever" not in warnings
    links = [item["linkId"] for item in made]
    for sign, item in warnings.items():
        assert links.index(item["linkId"]) == links.index(sign) + 1  # right after the question
        assert item["text"] == emergency
        assert item["enableWhen"] == [{"question": sign, "operator": "=", "answerCoding": YES}]


def test_the_age_is_required_and_a_finished_response_without_it_did_not_know_it(
    knowledge_base: KnowledgeBase,
) -> None:
    age = next(i for i in questionnaire(knowledge_base)["item"] if i["linkId"] == "age")
    assert age["required"] is True
    # Without an age, the baby's questions would stay closed, and a baby's fever would read as
    # "within days": a finished response without it is read as age not known, which opens them.
    finished = base_response({"linkId": "fever", "answer": [{"valueCoding": YES}]})
    finished["item"] = finished["item"][1:]
    assert parse_answers(finished, knowledge_base.catalogue).root == {
        "fever": "yes",
        "age": "unknown",
    }
    unfinished = {**finished, "status": "in-progress"}
    assert parse_answers(unfinished, knowledge_base.catalogue).root == {"fever": "yes"}
    # livertriage's own response without an age says it is unfinished, so it reads back as is.
    assert response(knowledge_base, {"fever": "yes"})["status"] == "in-progress"


def test_legacy_questions_are_hidden_and_every_other_one_is_shown(
    knowledge_base: KnowledgeBase,
) -> None:
    hidden = {
        item["linkId"]
        for item in questionnaire(knowledge_base)["item"]
        if any(e["url"].endswith("questionnaire-hidden") for e in item.get("extension", []))
    }
    assert hidden == {q.id for q in knowledge_base.questions if q.stage == "legacy"}


def test_a_condition_points_only_to_earlier_items(knowledge_base: KnowledgeBase) -> None:
    seen: set[str] = set()
    for item in questionnaire(knowledge_base)["item"]:
        for test in item.get("enableWhen", []):
            assert test["question"] in seen, (item["linkId"], test["question"])
        seen.add(item["linkId"])


def test_plain_enable_when_wherever_a_flat_list_can_say_the_condition(
    knowledge_base: KnowledgeBase,
) -> None:
    items = {i["linkId"]: i for i in questionnaire(knowledge_base)["item"]}
    assert items["baby_under_3_months"]["enableWhen"] == [
        {"question": "age", "operator": "<", "answerInteger": 1},
        {"question": "age", "operator": "=", "answerCoding": DONT_KNOW},
    ]
    assert items["baby_under_3_months"]["enableBehavior"] == "any"
    expressions = {
        link
        for link, item in items.items()
        if any(e["url"].endswith("enableWhenExpression") for e in item.get("extension", []))
    }
    # "baby and (jaundice yes or don't know)", "(10 to 59 or age unknown) or a prenatal finding";
    # every emergency note is a flat list, which a renderer without FHIRPath follows too.
    assert expressions == {"jaundice_first_day", "pregnant_now"}
    assert not any("enableWhen" in items[link] for link in expressions)


def fill_answer(item: dict[str, Any], rng: random.Random) -> dict[str, Any] | None:
    """A person's answer to an item: often none, and ages near the conditions' edges."""
    roll = rng.random()
    if roll < 0.2:
        return None
    if item["type"] == "integer":
        if roll < 0.35:
            return {"valueCoding": DONT_KNOW}
        return {"valueInteger": rng.choice([0, 0, 1, 2, 9, 10, 11, 12, 30, 59, 60, 61, 90, 120])}
    return {"valueCoding": rng.choice([YES, YES, NO, DONT_KNOW])}


def _rule_of(link: str) -> str:
    """The rule an emergency note says, from its linkId: "urgency.x.alt1.emergency"."""
    return re.sub(r"(\.alt\d+)?\.emergency$", "", link)


# FHIRPath is slow to evaluate: 300 forms in make test, 5,000 in make test-long.
@pytest.mark.parametrize("forms", [300, pytest.param(5_000, marks=pytest.mark.long)])
def test_a_form_enables_exactly_the_questions_the_interview_makes_relevant(
    knowledge_base: KnowledgeBase, form: Form, forms: int
) -> None:
    rng = random.Random(13 + forms)
    rules_with_notes = {
        _rule_of(note["linkId"]) for note in form.notes if note["linkId"].startswith("urgency.")
    }
    assert len(rules_with_notes) >= 5  # fever with cirrhosis, after cancer treatment, ...
    for _ in range(forms):
        filled = form.fill(rng, fill_answer)
        resource = {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": QUESTIONNAIRE_URL,
            "status": "in-progress",  # the age may be left empty here
            "item": [{"linkId": link, "answer": [answer]} for link, answer in filled.items()],
        }
        answers = parse_answers(resource, knowledge_base.catalogue)
        relevant = evaluate(answers, knowledge_base, interview=True).relevant_questions
        assert form.enabled(filled) == list(relevant), answers.root
        # Where the interview would stop at an emergency, the form says what to do at once,
        # and a rule's own note shows exactly when that rule holds.
        notes = form.shown_notes(filled)
        assessed = evaluate(answers, knowledge_base)
        assert bool(notes) == (assessed.urgency_level == "emergency"), answers.root
        shown = {_rule_of(n) for n in notes if n.startswith("urgency.")}
        assert shown == set(assessed.fired) & rules_with_notes, answers.root


def test_a_form_says_what_to_do_when_two_answers_together_mean_an_emergency(
    knowledge_base: KnowledgeBase, form: Form
) -> None:
    filled: dict[str, dict[str, Any]] = {
        "fever": {"valueCoding": YES},
        "age": {"valueInteger": 50},
        "known_cirrhosis": {"valueCoding": YES},
    }
    answers = {"fever": "yes", "age": 50, "known_cirrhosis": "yes"}
    assert assess(answers, knowledge_base=knowledge_base).urgency.level == "emergency"
    assert form.shown_notes(filled) == ["urgency.fever_with_cirrhosis.emergency"]
    # Without that note, the form would let the emergency pass unremarked: the check sees it.
    made = questionnaire(knowledge_base)
    made["item"] = [i for i in made["item"] if not i["linkId"].startswith("urgency.fever_with")]
    assert Form(made).shown_notes(filled) == []


def test_the_form_checker_can_tell_a_wrong_condition(knowledge_base: KnowledgeBase) -> None:
    made = questionnaire(knowledge_base)
    for item in made["item"]:
        if item["linkId"] == "baby_under_3_months":
            item["enableWhen"] = item["enableWhen"][:1]  # forgets that "don't know" opens it
    form = Form(made)
    filled = {"age": {"valueCoding": DONT_KNOW}}
    answers = parse_answers({"age": "unknown"}, knowledge_base.catalogue)
    relevant = evaluate(answers, knowledge_base, interview=True).relevant_questions
    assert "baby_under_3_months" in relevant
    assert "baby_under_3_months" not in form.enabled(filled)


# --- QuestionnaireResponse in ------------------------------------------------------------------


def test_answers_through_a_response_give_the_same_assessment(
    knowledge_base: KnowledgeBase,
) -> None:
    rng = random.Random(7)
    for index in range(ROUND_TRIPS):
        answers = random_answers(knowledge_base, rng)
        resource = response(knowledge_base, answers)
        if index % 50 == 0:  # the library's models are slow: a sample of each release
            ResponseR4.model_validate(resource)
            ResponseR5.model_validate(resource)
        through = assess(json.loads(json.dumps(resource)), knowledge_base=knowledge_base)
        assert through == assess(answers, knowledge_base=knowledge_base), answers


def test_a_response_nested_thousands_deep_is_refused_in_one_line(
    knowledge_base: KnowledgeBase,
) -> None:
    item: dict[str, Any] = {"linkId": "fever", "answer": [{"valueCoding": YES}]}
    for depth in range(3_000):
        item = {"linkId": f"group{depth}", "item": [item]}
    with pytest.raises(AnswersError, match="nested too deeply"):
        parse_answers(base_response(item), knowledge_base.catalogue)


def test_an_r5_response_and_the_questionnaires_own_display_items_are_read(
    knowledge_base: KnowledgeBase,
) -> None:
    made = base_response(
        {"linkId": "about"},
        {"linkId": "fever", "answer": [{"valueCoding": YES}], "item": [{"linkId": "fever.help"}]},
        {"linkId": "vomiting_blood.emergency"},
    )
    made["identifier"] = [{"value": "r5-has-a-list"}]  # R4's is one identifier
    assert parse_answers(made, knowledge_base.catalogue).root == {"fever": "yes", "age": 40}
    made["item"][1]["answer"] = [{"valueCoding": YES}]  # a display item never holds an answer
    with pytest.raises(AnswersError, match='linkId "about", which is not a question'):
        parse_answers(made, knowledge_base.catalogue)


def test_booleans_and_codings_without_a_system_are_read(knowledge_base: KnowledgeBase) -> None:
    resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_URL}|2020.1.0",
        "status": "in-progress",
        "item": [
            {"linkId": "fever", "answer": [{"valueBoolean": True}]},
            {"linkId": "jaundice", "answer": [{"valueBoolean": False}]},
            {"linkId": "chills", "answer": [{"valueCoding": {"code": "asked-unknown"}}]},
            {"linkId": "age", "answer": [{"valueCoding": DONT_KNOW}]},
            {  # nested under a question, and under an answer: both are read
                "linkId": "night_sweats",
                "item": [{"linkId": "weight_loss", "answer": [{"valueCoding": YES}]}],
            },
            {
                "linkId": "ascites",
                "answer": [
                    {"valueBoolean": False, "item": [{"linkId": "splenomegaly", "answer": []}]}
                ],
            },
        ],
    }
    assert parse_answers(resource, knowledge_base.catalogue).root == {
        "jaundice": "no",
        "fever": "yes",
        "age": "unknown",
        "weight_loss": "yes",
        "chills": "unknown",
        "ascites": "no",
    }
    assert answers_from_response(resource, knowledge_base.catalogue)["fever"] == "yes"


def base_response(*items: dict[str, Any]) -> dict[str, Any]:
    """A completed response: the age, then ``items``."""
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": QUESTIONNAIRE_URL,
        "status": "completed",
        "item": [{"linkId": "age", "answer": [{"valueInteger": 40}]}, *items],
    }


BAD_RESPONSES = [
    (
        base_response({"linkId": "feverr", "answer": [{"valueCoding": YES}]}),
        'linkId "feverr", which is not a question of livertriage\'s Questionnaire; '
        'did you mean "fever"?',
    ),
    (
        base_response({"linkId": "fever", "answer": [{"valueString": "a bit"}]}),
        'answers "fever" with valueString "a bit", which is not allowed; '
        "use a coding Y, N or asked-unknown",
    ),
    (
        base_response({"linkId": "fever", "answer": [{"valueInteger": 1}]}),
        'answers "fever" with valueInteger 1, which is not allowed',
    ),
    (
        base_response(
            {
                "linkId": "fever",
                "answer": [{"valueCoding": {"system": "http://loinc.org", "code": "Y"}}],
            }
        ),
        'answers "fever" with valueCoding',
    ),
    (
        {**base_response(), "item": [{"linkId": "age", "answer": [{"valueCoding": YES}]}]},
        'answers "age" with valueCoding',
    ),
    (
        base_response({"linkId": "fever", "answer": [{"valueCoding": YES}, {"valueCoding": NO}]}),
        'gives "fever" 2 answers; give one',
    ),
    (
        base_response(
            {"linkId": "fever", "answer": [{"valueCoding": YES}]},
            {"linkId": "fever", "answer": [{"valueCoding": NO}]},
        ),
        'has two items for "fever"',
    ),
    (
        {**base_response(), "questionnaire": "http://example.org/Questionnaire/phq-9"},
        'answers the questionnaire "http://example.org/Questionnaire/phq-9", not livertriage\'s',
    ),
    (
        {key: value for key, value in base_response().items() if key != "questionnaire"},
        "names no questionnaire",
    ),
    ({**base_response(), "status": "entered-in-error"}, "entered-in-error"),
    (
        {"resourceType": "Patient", "id": "p1"},
        'a FHIR "Patient" resource is not a QuestionnaireResponse',
    ),
    (
        {**base_response(), "status": "done"},
        'status is "done", which is not allowed; use one of in-progress, completed',
    ),
    (base_response({"answer": [{"valueCoding": YES}]}), "is not valid FHIR at item.1.linkId"),
    ({**base_response(), "item": None}, '"item" in the response is null; leave it out or give'),
    (base_response({"linkId": "fever", "answer": None}), '"answer" in item fever is null'),
    (
        base_response({"linkId": "night_sweats", "item": [{"linkId": "fever", "answer": None}]}),
        '"answer" in item fever is null',
    ),
    (
        base_response({"linkId": "fever"}, {"linkId": "fever", "answer": [{"valueCoding": NO}]}),
        'has two items for "fever"',
    ),
    (
        {
            **base_response(),
            "modifierExtension": [{"url": "http://x.org/negated", "valueBoolean": True}],
        },
        'has "modifierExtension", which may change what the answers mean',
    ),
    (
        base_response(
            {
                "linkId": "fever",
                "modifierExtension": [{"url": "http://x.org/negated", "valueBoolean": True}],
                "answer": [{"valueCoding": YES}],
            }
        ),
        'has "item.1.modifierExtension"',
    ),
    ({**base_response(), "implicitRules": "http://x.org/rules"}, 'has "implicitRules"'),
    (
        base_response(
            {"linkId": "zzz", "item": [{"linkId": "fever", "answer": [{"valueCoding": YES}]}]}
        ),
        'linkId "zzz", which is not a question',
    ),
    (
        base_response(
            {
                "linkId": "fever.help",
                "item": [{"linkId": "fever", "answer": [{"valueCoding": YES}]}],
            }
        ),
        'linkId "fever.help", which is not a question',
    ),
    (
        base_response(
            {"linkId": "fever", "item": [{"linkId": "chills", "answer": [{"valueCoding": YES}]}]},
            {"linkId": "fever", "answer": [{"valueCoding": NO}]},
        ),
        'has two items for "fever"',
    ),
    (
        {**base_response(), "questionnaire": f"{QUESTIONNAIRE_URL}|1|2"},
        "not livertriage's",
    ),
    ({**base_response(), "questionnaire": f"{QUESTIONNAIRE_URL}|"}, "not livertriage's"),
    ({**base_response(), "a\nb": 1}, "is not valid FHIR at a b: Extra inputs are not permitted"),
    ({**base_response(), "a\x1b[2Jb": 1}, "is not valid FHIR at a\\x1b[2Jb"),
    ({**base_response(), "subject": "Patient/1"}, "at subject: expected a JSON object or list"),
    (
        {**base_response(), "item": [{"linkId": "age", "answer": [{"valueInteger": -1}]}]},
        'answers "age" with valueInteger -1, which is not allowed; use a whole number of years '
        "from 0 to 120",
    ),
]


@pytest.mark.parametrize(("resource", "message"), BAD_RESPONSES)
def test_a_bad_response_is_refused_in_one_line(
    knowledge_base: KnowledgeBase, resource: dict[str, Any], message: str
) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers(resource, knowledge_base.catalogue)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("resource", "message"), BAD_RESPONSES[:3])
def test_a_bad_response_on_the_command_line_exits_2(resource: dict[str, Any], message: str) -> None:
    result = CliRunner().invoke(cli, ["assess", "--answers", "-"], input=json.dumps(resource))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_batch_reads_responses_as_a_bulk_export_writes_them(
    knowledge_base: KnowledgeBase, tmp_path: Path
) -> None:
    rng = random.Random(3)
    sets = [random_answers(knowledge_base, rng) for _ in range(20)]
    lines = [json.dumps(response(knowledge_base, answers)) for answers in sets]
    lines.insert(5, json.dumps(BAD_RESPONSES[0][0]))
    source = tmp_path / "QuestionnaireResponse.ndjson"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(source), "--workers", "1"])
    assert result.exit_code == 1  # the bad line is an error record; the others are assessed
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert 'did you mean "fever"' in records[5]["error"]
    del records[5]
    for answers, record in zip(sets, records, strict=True):
        assert record["urgency"] == assess(answers, knowledge_base=knowledge_base).urgency.level


# --- the result out ----------------------------------------------------------------------------


@pytest.mark.parametrize(("release", "model"), [("R4", BundleR4), ("R5", BundleR5)])
def test_the_result_is_valid_fhir_and_ends_by_proposing_a_physician(
    knowledge_base: KnowledgeBase, release: Release, model: Any
) -> None:
    rng = random.Random(11)
    for _ in range(40):
        assessment = assess(random_answers(knowledge_base, rng), knowledge_base=knowledge_base)
        made = bundle(assessment, knowledge_base, release)
        model.model_validate(made)
        kinds = [entry["resource"]["resourceType"] for entry in made["entry"]]
        assert kinds == ["Observation", "RiskAssessment", "ServiceRequest"]
        urgency, causes, proposal = (entry["resource"] for entry in made["entry"])
        assert urgency["valueCodeableConcept"]["coding"][0]["code"] == assessment.urgency.level
        notes = [n["text"] for n in urgency["note"]]
        assert notes[0] == assessment.urgency.action
        reasons = [f"{r.rationale} [{r.rule}]" for r in assessment.urgency.reasons]
        assert notes[1 : 1 + len(reasons)] == reasons
        unanswered = assessment.urgency.unanswered_red_flags
        told = [n for n in notes if n.startswith("Warning signs not asked about or not known")]
        assert len(told) == (1 if unanswered and assessment.urgency.level != "emergency" else 0)
        # Only the causes something points to (or already found), best supported first.
        supported = [c for c in assessment.candidates if c.evidence_for or c.known_condition]
        predictions = causes.get("prediction", [])
        assert len(predictions) == len(supported)
        for prediction, candidate in zip(predictions, supported, strict=True):
            assert prediction["outcome"]["text"].startswith(f"{candidate.name}: ")
            codes = [c["code"] for c in prediction["outcome"].get("coding", [])]
            coded = [] if candidate.known_condition else [candidate.snomed, candidate.icd10]
            assert codes == [code for code in coded if code]
        authors = [urgency["device"], causes["performer"], proposal["requester"]]
        assert all("software, not a clinician" in author["display"] for author in authors)
        assert proposal["intent"] == "proposal"
        assert proposal["priority"] == PRIORITY[assessment.urgency.level]
        instruction = proposal["patientInstruction"]
        said = instruction if release == "R4" else instruction[0]["instructionMarkdown"]
        assert said == assessment.recommendation
        assert list(proposal)[-1] == "patientInstruction"
        assert find_unsafe_language(" ".join(texts(made)), knowledge_base.medicine_names) == []


def test_a_priority_is_never_lower_than_the_urgency() -> None:
    fhir_order = ["routine", "urgent", "asap", "stat"]  # FHIR's request priorities, lowest first
    for level in URGENCY_LEVELS:
        assert fhir_order.index(PRIORITY[level]) == urgency_rank(level), level


def test_the_same_assessment_gives_the_same_bundle(knowledge_base: KnowledgeBase) -> None:
    one = assess({"fever": "yes"}, knowledge_base=knowledge_base)
    other = assess({"fever": "no"}, knowledge_base=knowledge_base)
    assert bundle(one, knowledge_base) == bundle(one, knowledge_base)
    assert bundle(one, knowledge_base)["identifier"] != bundle(other, knowledge_base)["identifier"]


# --- the command line ----------------------------------------------------------------------------


def test_the_three_commands_work_together(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["fhir", "questionnaire"])
    assert made.exit_code == 0
    QuestionnaireR4.model_validate(json.loads(made.stdout))
    answers = tmp_path / "answers.json"
    answers.write_text('{"fever": "yes", "chills": "yes", "age": 50}', encoding="utf-8")
    converted = runner.invoke(cli, ["fhir", "response", "--answers", str(answers)])
    assert converted.exit_code == 0
    resource = tmp_path / "response.json"
    resource.write_text(converted.stdout, encoding="utf-8")
    direct = runner.invoke(cli, ["assess", "--answers", str(answers), "--format", "fhir"])
    through = runner.invoke(cli, ["assess", "--answers", str(resource), "--format", "fhir"])
    assert through.exit_code == 0
    assert through.stdout == direct.stdout
    BundleR4.model_validate(json.loads(through.stdout))
    proposal = json.loads(through.stdout)["entry"][-1]["resource"]
    assert proposal["priority"] == "asap"  # fever with chills: urgent, today


def test_without_the_extra_the_fhir_commands_say_how_to_install_it(tmp_path: Path) -> None:
    # The extra's packages made unimportable, as in an install without it.
    script = (
        "import sys; sys.modules['fhir'] = None; sys.modules['fhir.resources'] = None\n"
        "from livertriage.cli import main; main(sys.argv[1:])"
    )
    plain = tmp_path / "answers.json"
    plain.write_text('{"fever": "yes"}', encoding="utf-8")
    for args in (
        ["fhir", "questionnaire"],
        ["assess", "--answers", str(plain), "--format", "fhir"],
    ):
        ran = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
        )
        assert ran.returncode == 1, ran.stderr
        assert ran.stderr.strip().splitlines() == [
            "livertriage: error: FHIR needs the optional extra, which is not installed; "
            'install it with: pip install "livertriage[fhir]"'
        ]
    ran = subprocess.run(
        [sys.executable, "-c", script, "assess", "--answers", str(plain)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0  # everything else works as before
    assert "physician" in ran.stdout.splitlines()[-1]


def test_livertriage_imports_no_fhir_until_asked() -> None:
    ran = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, livertriage; livertriage.assess({'fever': 'yes'}); "
            "print(sorted(m for m in sys.modules if 'fhir' in m))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout.strip() == "[]"


def test_a_message_quoting_the_input_cannot_drive_the_terminal() -> None:
    for given in (
        '{"fe\u202ever": "yes"}',
        '{"resourceType": "QuestionnaireResponse", "a\\u001b[2J": 1}',
    ):
        result = CliRunner().invoke(cli, ["assess", "--answers", "-"], input=given)
        assert result.exit_code == 2
        assert "\u202e" not in result.stderr
        assert "\x1b" not in result.stderr
        assert result.stderr.count("\n") == 1


def test_the_python_example_in_docs_fhir_runs() -> None:
    text = (ROOT / "docs" / "fhir.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```python\n(.*?)```", text, re.S)
    namespace: dict[str, Any] = {}
    exec(compile(block, "docs/fhir.md", "exec"), namespace)
    BundleR4.model_validate(namespace["result"])
    assert namespace["result"]["entry"][-1]["resource"]["priority"] == "urgent"  # fever: soon


def test_r5_from_the_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["fhir", "questionnaire", "--release", "R5"])
    assert made.exit_code == 0
    QuestionnaireR5.model_validate(json.loads(made.stdout))
    answers = tmp_path / "answers.json"
    answers.write_text('{"jaundice": "yes", "age": 30}', encoding="utf-8")
    converted = runner.invoke(
        cli, ["fhir", "response", "--answers", str(answers), "--release", "R5"]
    )
    assert converted.exit_code == 0
    ResponseR5.model_validate(json.loads(converted.stdout))
    result = runner.invoke(cli, ["assess", "--answers", str(answers), "--format", "fhir-r5"])
    BundleR5.model_validate(json.loads(result.stdout))
    proposal = json.loads(result.stdout)["entry"][-1]["resource"]
    assert proposal["priority"] == "asap"  # yellowing: urgent, today
    assert "physician" in proposal["patientInstruction"][0]["instructionMarkdown"]


def test_the_questionnaire_prefilled_from_a_response(knowledge_base: KnowledgeBase) -> None:
    from livertriage import Interview

    made = response(knowledge_base, {"age": 40, "vomiting_blood": "no", "fever": "yes"})
    interview = Interview(knowledge_base, made)
    assert interview.answers == {"vomiting_blood": "no", "fever": "yes", "age": 40}
    assert interview.current is not None
    assert interview.current.id not in interview.answers
    assert interview.back() == "age"  # "back" undoes the response's last item first


def test_the_questionnaire_ends_with_the_fhir_result(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["ask", "--format", "fhir"],
        input="y\n",
        env={"LIVERTRIAGE_SESSION_DIR": str(tmp_path)},
    )
    assert result.exit_code == 0, result.output
    bundle_text = result.stdout[result.stdout.index('{\n  "resourceType": "Bundle"') :]
    made = json.loads(bundle_text)
    BundleR4.model_validate(made)
    assert made["entry"][-1]["resource"]["priority"] == "stat"  # vomiting blood: an emergency


def test_the_bundles_check_reaches_into_its_resources() -> None:
    # bundle() checks only the whole Bundle: that check must refuse a bad resource inside it.
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "x"},
    }
    made = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": observation}]}
    check_resource(made)
    observation["unknown"] = 1
    with pytest.raises(ValueError, match=re.escape("entry.0.resource.unknown")):
        check_resource(made)
