"""Then steps: what the person, the program, or the clinician gets back."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import Result
from pytest_bdd import parsers, then

from livertriage import (
    Assessment,
    Candidate,
    KnowledgeBase,
    KnowledgeBaseError,
    UrgencyLevel,
    assess,
)
from livertriage.models import urgency_rank
from livertriage.report import render
from livertriage.safety import find_unsafe_language
from tests.bdd.steps.given import SPOKEN_ANSWERS, question_id
from tests.vignettes import Figures


def candidate_named(assessment: Assessment, name: str) -> Candidate:
    for candidate in assessment.candidates:
        if name in (candidate.name, candidate.id):
            return candidate
    raise AssertionError(f"no possible cause named {name!r}")


def ranking(assessment: Assessment) -> str:
    return ", ".join(f"{c.name} ({c.score})" for c in assessment.candidates)


def column(datatable: list[list[str]], name: str) -> list[str]:
    header, *rows = datatable
    assert header == [name], header
    return [row[0].strip() for row in rows]


# --- possible causes -------------------------------------------------------------------------


@then(parsers.parse('the cause listed first is "{name}"'))
def cause_listed_first(assessment: Assessment, name: str) -> None:
    first = assessment.candidates[0]
    assert name in (first.name, first.id), ranking(assessment)


@then("the possible causes include:")
def causes_include(assessment: Assessment, datatable: list[list[str]]) -> None:
    for name in column(datatable, "cause"):
        assert not candidate_named(assessment, name).beyond_seed


@then(
    parsers.parse(
        'the possible causes beyond the source text, for a doctor to rule out, include "{name}"'
    )
)
def beyond_seed_cause(assessment: Assessment, name: str) -> None:
    candidate = candidate_named(assessment, name)
    assert candidate.beyond_seed
    assert candidate.framing == "rule_out"


REASONS = (
    r'the reasons (?P<side>for|against) "(?P<name>[^"]+)" '
    r'include my answer about "(?P<question>[^"]+)"'
)


@then(parsers.re(REASONS))
def reasons_include(
    assessment: Assessment, knowledge_base: KnowledgeBase, side: str, name: str, question: str
) -> None:
    qid = question_id(knowledge_base, question)
    candidate = candidate_named(assessment, name)
    items = candidate.evidence_for if side == "for" else candidate.evidence_against
    naming = [item for item in items if qid in item.questions]
    assert naming, [item.rule for item in items]
    assert all(item.rule in knowledge_base.rules_by_id for item in naming)


@then(parsers.parse('what livertriage says about "{name}" mentions "{phrase}"'))
def cause_text_mentions(assessment: Assessment, name: str, phrase: str) -> None:
    candidate = candidate_named(assessment, name)
    said = " ".join([candidate.summary, *(note.text for note in candidate.notes)])
    assert phrase in said, said


@then(parsers.parse('what a doctor may do about "{name}" mentions "{phrase}"'))
def doctor_may_mentions(assessment: Assessment, name: str, phrase: str) -> None:
    steps = [step.text for step in candidate_named(assessment, name).doctor_may]
    assert any(phrase in step for step in steps), steps


@then(parsers.parse('the options a doctor may consider for "{name}" are:'))
def treatment_options(assessment: Assessment, name: str, datatable: list[list[str]]) -> None:
    options = [t.name for t in candidate_named(assessment, name).treatment_options]
    assert options == column(datatable, "option")


@then(
    parsers.parse(
        'the text report names each option for "{name}" only as something a physician may consider'
    )
)
def options_only_for_a_physician(
    assessment: Assessment, knowledge_base: KnowledgeBase, name: str
) -> None:
    candidate = candidate_named(assessment, name)
    report = render(assessment, knowledge_base, "text", details=True)
    section = report[report.index(candidate.name) :]
    intro = section.index("options a physician may consider")
    for option in candidate.treatment_options:
        assert intro < section.index(option.name)
    assert find_unsafe_language(report, knowledge_base.medicine_names) == []


@then(parsers.parse('the caveat for "{treatment}" mentions "{phrase}"'))
def caveat_mentions(assessment: Assessment, treatment: str, phrase: str) -> None:
    notes = [
        option.note
        for candidate in assessment.candidates
        for option in candidate.treatment_options
        if option.name == treatment
    ]
    assert notes, f"no treatment option named {treatment!r}"
    assert phrase in notes[0], notes[0]


@then(parsers.parse('"{name}" is presented as a condition a doctor may want to check for'))
def presented_as_check_for(
    assessment: Assessment, knowledge_base: KnowledgeBase, name: str
) -> None:
    candidate = candidate_named(assessment, name)
    assert candidate.framing == "check_for"
    report = render(assessment, knowledge_base, "text", details=True)
    assert f"{candidate.name}: a condition a doctor may want to check for" in report


@then(parsers.parse('"{name}" is shown as a condition a doctor already found, alongside the spots'))
def shown_as_known_condition(
    assessment: Assessment, knowledge_base: KnowledgeBase, name: str
) -> None:
    candidate = candidate_named(assessment, name)
    assert candidate.known_condition
    explanations = [c for c in assessment.candidates if not c.known_condition]
    assert assessment.candidates.index(candidate) >= len(explanations), ranking(assessment)
    report = render(assessment, knowledge_base, "text", details=True)
    alongside = report.index("CONDITIONS THAT MATTER ALONGSIDE THE SPOTS")
    assert report.index(f"{candidate.name}: ", alongside) > alongside


@then(parsers.parse('"{name}" lists no treatment options'))
def no_treatment_options(assessment: Assessment, name: str) -> None:
    assert candidate_named(assessment, name).treatment_options == []


@then(parsers.parse('"{name}" is presented as beyond the source text'))
def presented_as_beyond_seed(
    assessment: Assessment, knowledge_base: KnowledgeBase, name: str
) -> None:
    candidate = candidate_named(assessment, name)
    assert candidate.beyond_seed
    report = " ".join(render(assessment, knowledge_base, "text", details=True).split())
    assert f"{candidate.name}: for a doctor to rule out (beyond the source text" in report


@then("the possible causes are ranked as if those questions had not been asked")
def ranked_as_if_not_asked(
    assessment: Assessment, answers: dict[str, object], knowledge_base: KnowledgeBase
) -> None:
    known = {q: v for q, v in answers.items() if v != "unknown"}
    silent = assess(known, knowledge_base=knowledge_base)
    assert [(c.id, c.score) for c in assessment.candidates] == [
        (c.id, c.score) for c in silent.candidates
    ]


@then('no possible cause has a reason that rests on an answer of "don\'t know"')
def no_unknown_evidence(assessment: Assessment) -> None:
    for candidate in assessment.candidates:
        for item in candidate.evidence_for + candidate.evidence_against:
            assert "unknown" not in item.answers.values(), item.rule


# --- urgency ---------------------------------------------------------------------------------


@then(parsers.parse('the urgency is "{level}"'))
def urgency_is(assessment: Assessment, level: UrgencyLevel) -> None:
    assert assessment.urgency.level == level, [r.rule for r in assessment.urgency.reasons]


@then(parsers.parse('the action mentions "{words}"'))
def action_mentions(assessment: Assessment, words: str) -> None:
    assert words in assessment.urgency.action, assessment.urgency.action


@then(parsers.parse('the recommendation mentions "{words}"'))
def recommendation_mentions(assessment: Assessment, words: str) -> None:
    # The last line names the same place as the urgency box (a special group's own route).
    assert words in assessment.recommendation, assessment.recommendation
    assert "physician" in assessment.recommendation


@then("no possible cause lists a medicine")
def no_cause_lists_a_medicine(assessment: Assessment) -> None:
    options = [t.name for c in assessment.candidates for t in c.treatment_options]
    assert not [name for name in options if "tablets" in name or "capsules" in name], options


@then(parsers.parse('the text report says "{words}"'))
def text_report_says(assessment: Assessment, knowledge_base: KnowledgeBase, words: str) -> None:
    report = " ".join(render(assessment, knowledge_base, "text").split())
    assert words in report


@then(parsers.parse('the urgency is at least "{level}"'))
def urgency_at_least(assessment: Assessment, level: UrgencyLevel) -> None:
    assert urgency_rank(assessment.urgency.level) >= urgency_rank(level), assessment.urgency.level


@then("the urgency is the same or higher than before")
def urgency_not_lower(assessment: Assessment, before: dict[str, Assessment]) -> None:
    earlier = before["assessment"].urgency.level
    assert urgency_rank(assessment.urgency.level) >= urgency_rank(earlier)


@then(parsers.parse('the urgency reasons name my answer about "{question}"'))
def urgency_reasons_name(
    assessment: Assessment, knowledge_base: KnowledgeBase, question: str
) -> None:
    qid = question_id(knowledge_base, question)
    assert any(qid in reason.questions for reason in assessment.urgency.reasons)


@then("the advice is to call the emergency number or go to an emergency department now")
def emergency_action(assessment: Assessment) -> None:
    assert "emergency number" in assessment.urgency.action
    assert "emergency department" in assessment.urgency.action
    assert "emergency number" in assessment.recommendation


@then("the urgency reasons say calcification spots should always be discussed with a physician")
def routine_reason(assessment: Assessment) -> None:
    assert any(
        "should always be discussed with a physician" in reason.rationale
        for reason in assessment.urgency.reasons
    )


@then(parsers.parse('the report lists "{question}" among the warning signs not answered'))
def lists_unanswered(assessment: Assessment, knowledge_base: KnowledgeBase, question: str) -> None:
    assert question_id(knowledge_base, question) in assessment.urgency.unanswered_red_flags
    report = " ".join(render(assessment, knowledge_base, "text").split())
    assert question in report[report.index("Not answered:") :]
    details = " ".join(render(assessment, knowledge_base, "text", details=True).split())
    assert question in details[details.index("Warning signs not asked about or not known") :]


@then(parsers.parse('the report does not list "{question}" among the warning signs not answered'))
def does_not_list_unanswered(
    assessment: Assessment, knowledge_base: KnowledgeBase, question: str
) -> None:
    assert question_id(knowledge_base, question) not in assessment.urgency.unanswered_red_flags


@then("the recommendation tells me to see a physician")
def recommends_physician(assessment: Assessment) -> None:
    assert "physician" in assessment.recommendation.lower()


@then("nothing in the assessment states a diagnosis or instructs about a medicine")
def no_unsafe_language(assessment: Assessment, knowledge_base: KnowledgeBase) -> None:
    text = assessment.model_dump_json()
    assert find_unsafe_language(text, knowledge_base.medicine_names) == []


# --- advice ----------------------------------------------------------------------------------


@then(parsers.parse('the advice includes "{text}"'))
def advice_includes(assessment: Assessment, text: str) -> None:
    assert text in [item.text for item in assessment.advice]


@then(parsers.parse('the advice includes a piece about "{phrase}"'))
def advice_about(assessment: Assessment, phrase: str) -> None:
    assert any(phrase in item.text for item in assessment.advice), [
        a.text for a in assessment.advice
    ]


@then(parsers.parse('the advice has no piece about "{phrase}"'))
def advice_not_about(assessment: Assessment, phrase: str) -> None:
    assert not any(phrase in item.text.lower() for item in assessment.advice)


@then("the advice comes from the source text's closing paragraph")
def advice_from_seed(assessment: Assessment) -> None:
    assert all(
        "seed §advice" in item.source or "seed §2" in item.source
        for item in assessment.advice
        if not item.beyond_seed
    )
    assert any("seed §advice" in item.source for item in assessment.advice if item.answers)


@then(parsers.parse('the questions to ask the doctor include one about "{topic}"'))
def doctor_question_about(assessment: Assessment, topic: str) -> None:
    texts = [item.text for item in assessment.questions_for_doctor]
    assert any(topic in text for text in texts), texts


# --- the command line ------------------------------------------------------------------------


@then("the report's last line is the recommendation to see a physician")
def last_line_is_recommendation(cli_result: Result) -> None:
    assert cli_result.exit_code == 0, cli_result.output
    last = cli_result.stdout.rstrip("\n").splitlines()[-1]
    assert "physician" in last.lower(), last


@then("the report notes that the source text advises seeking medical attention promptly")
def notes_seek_care(cli_result: Result) -> None:
    assert "advises seeking medical attention promptly" in " ".join(cli_result.stdout.split())


@then(parsers.parse("the command fails with exit status {status:d}"))
def command_fails(cli_result: Result, status: int) -> None:
    assert cli_result.exit_code == status, (cli_result.stdout, cli_result.stderr)


@then(parsers.parse('the error message is one line naming "{word}"'))
def error_one_line(cli_result: Result, word: str) -> None:
    lines = cli_result.stderr.strip().splitlines()
    assert len(lines) == 1, cli_result.stderr
    assert word in lines[0]
    assert "Traceback" not in cli_result.output


@then(parsers.parse('the error message says "{words}"'))
def error_says(cli_result: Result, words: str) -> None:
    assert words in cli_result.stderr, cli_result.stderr


# --- the questionnaire -----------------------------------------------------------------------


def asked(result: Result, knowledge_base: KnowledgeBase) -> list[str]:
    """The ids of the questions the questionnaire put, in order (repeats included)."""
    texts = {f"\n{q.text}\n": q.id for q in knowledge_base.questions}
    found = [
        (m.start(), texts[m.group(0)])
        for t in texts
        for m in re.finditer(re.escape(t), result.stderr)
    ]
    return [qid for _, qid in sorted(found)]


@then("the questionnaire ends with the report")
def ends_with_report(cli_result: Result) -> None:
    assert cli_result.exit_code == 0, cli_result.stderr
    first = cli_result.stdout.splitlines()[0]
    # The title, or for an emergency or an urgent level the urgency box before everything.
    assert first.startswith(("livertriage report", "=====")), cli_result.stdout


@then("I was asked fewer questions than the catalogue holds")
def fewer_questions(cli_result: Result, knowledge_base: KnowledgeBase) -> None:
    assert len(set(asked(cli_result, knowledge_base))) < len(knowledge_base.questions)


@then("no question was asked twice")
def none_twice(cli_result: Result, knowledge_base: KnowledgeBase) -> None:
    questions = asked(cli_result, knowledge_base)
    assert len(questions) == len(set(questions)), questions


@then("the first questions were about the warning signs:")
def first_questions(
    cli_result: Result, knowledge_base: KnowledgeBase, datatable: list[list[str]]
) -> None:
    expected = [question_id(knowledge_base, name) for name in column(datatable, "question")]
    assert asked(cli_result, knowledge_base)[: len(expected)] == expected


@then(parsers.parse('I am told "{words}"'))
def told(cli_result: Result, words: str) -> None:
    assert words in " ".join(cli_result.stderr.split()), cli_result.stderr


@then(parsers.parse("I was asked {count:d} questions"))
def asked_count(cli_result: Result, knowledge_base: KnowledgeBase, count: int) -> None:
    assert len(set(asked(cli_result, knowledge_base))) == count


@then(parsers.parse('I was asked about "{question}"'))
def was_asked(cli_result: Result, knowledge_base: KnowledgeBase, question: str) -> None:
    assert question_id(knowledge_base, question) in asked(cli_result, knowledge_base)


@then(parsers.parse('I was not asked about "{question}"'))
def was_not_asked(cli_result: Result, knowledge_base: KnowledgeBase, question: str) -> None:
    assert question_id(knowledge_base, question) not in asked(cli_result, knowledge_base)


@then(parsers.parse('the report says the urgency is "{label}"'))
def report_urgency(cli_result: Result, label: str) -> None:
    report = cli_result.stdout
    # The urgency box: a rule, then its title ("Urgent: today", or "How soon to see a doctor:
    # Soon: within a few days" when it is not pressing).
    lines = report.splitlines()
    edge = next(i for i, line in enumerate(lines) if line.startswith("====="))
    title = lines[edge + 1]
    assert title.removeprefix("How soon to see a doctor: ").startswith(label), report


@then(parsers.parse("the questionnaire stops with exit status {status:d}"))
def stops_with(cli_result: Result, status: int) -> None:
    assert cli_result.exit_code == status
    assert "Traceback" not in cli_result.output


@then("my answers so far are kept:")
def answers_kept(
    session_dir: Path, knowledge_base: KnowledgeBase, datatable: list[list[str]]
) -> None:
    [path] = session_dir.glob("session-*.json")
    saved = json.loads(path.read_text(encoding="utf-8"))["answers"]
    header, *rows = datatable
    assert header == ["question", "answer"], header
    expected = {question_id(knowledge_base, q): SPOKEN_ANSWERS[a] for q, a in rows}
    assert saved == expected


@then("I am told how to carry on later")
def told_how_to_resume(cli_result: Result) -> None:
    # The program is named as it can be typed here ("livertriage", its path, or python -m).
    assert re.search(r"Carry on later with:\s+\S.* ask --resume \S+", cli_result.stderr), (
        cli_result.stderr
    )


# --- the knowledge base ----------------------------------------------------------------------


@then("it loads with no problem and no warning")
def loads_cleanly(loaded: KnowledgeBase | KnowledgeBaseError) -> None:
    assert isinstance(loaded, KnowledgeBase), loaded
    assert loaded.warnings == ()


@then(parsers.re(r"loading fails, naming (?P<names>.+)"))
def loading_fails(loaded: KnowledgeBase | KnowledgeBaseError, names: str) -> None:
    assert isinstance(loaded, KnowledgeBaseError), "the broken copy loaded"
    problems = [str(problem) for problem in loaded.problems]
    for name in re.findall(r'"([^"]+)"', names):
        assert any(name in problem for problem in problems), (name, problems)


# --- the vignettes ---------------------------------------------------------------------------


@then(parsers.parse("the leading cause is right in at least {percent:d}% of vignettes"))
def top1_at_least(figures: Figures, percent: int) -> None:
    assert figures.top1 >= percent / 100, "\n".join(figures.lines())


@then(
    parsers.parse("the right cause is among the first three in at least {percent:d}% of vignettes")
)
def top3_at_least(figures: Figures, percent: int) -> None:
    assert figures.top3 >= percent / 100, "\n".join(figures.lines())


@then(parsers.parse("the urgency is right in at least {percent:d}% of vignettes"))
def triage_at_least(figures: Figures, percent: int) -> None:
    assert figures.triage >= percent / 100, "\n".join(figures.lines())


@then("no vignette is under-triaged")
def none_under_triaged(figures: Figures) -> None:
    assert figures.under_triaged == (), "\n".join(figures.lines())
