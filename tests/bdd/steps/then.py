"""Then steps: what the person, or the program, gets back."""

from __future__ import annotations

from click.testing import Result
from pytest_bdd import parsers, then

from livertriage import Assessment, Candidate, KnowledgeBase, UrgencyLevel
from livertriage.models import urgency_rank
from livertriage.safety import find_unsafe_language
from tests.bdd.steps.given import question_id


def candidate_named(assessment: Assessment, name: str) -> Candidate:
    for candidate in assessment.candidates:
        if name in (candidate.name, candidate.id):
            return candidate
    raise AssertionError(f"no possible cause named {name!r}")


def ranking(assessment: Assessment) -> str:
    return ", ".join(f"{c.name} ({c.score})" for c in assessment.candidates)


@then(parsers.parse('the cause listed first is "{name}"'))
def cause_listed_first(assessment: Assessment, name: str) -> None:
    first = assessment.candidates[0]
    assert name in (first.name, first.id), ranking(assessment)


@then(parsers.parse('"{name}" is among the first {count:d} possible causes'))
def cause_among_first(assessment: Assessment, name: str, count: int) -> None:
    assert candidate_named(assessment, name).rank <= count, ranking(assessment)


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


@then(parsers.parse('the urgency is "{level}"'))
def urgency_is(assessment: Assessment, level: UrgencyLevel) -> None:
    assert assessment.urgency.level == level, [r.rule for r in assessment.urgency.reasons]


@then(parsers.parse('the urgency is at least "{level}"'))
def urgency_at_least(assessment: Assessment, level: UrgencyLevel) -> None:
    assert urgency_rank(assessment.urgency.level) >= urgency_rank(level), assessment.urgency.level


@then(parsers.parse('the urgency reasons name my answer about "{question}"'))
def urgency_reasons_name(
    assessment: Assessment, knowledge_base: KnowledgeBase, question: str
) -> None:
    qid = question_id(knowledge_base, question)
    assert any(qid in reason.questions for reason in assessment.urgency.reasons)


@then("the recommendation tells me to see a physician")
def recommends_physician(assessment: Assessment) -> None:
    assert "physician" in assessment.recommendation.lower()


@then("nothing in the assessment states a diagnosis or instructs about a medicine")
def no_unsafe_language(assessment: Assessment, knowledge_base: KnowledgeBase) -> None:
    text = assessment.model_dump_json()
    assert find_unsafe_language(text, knowledge_base.medicine_names) == []


@then("the report's last line is the recommendation to see a physician")
def last_line_is_recommendation(cli_result: Result) -> None:
    assert cli_result.exit_code == 0, cli_result.output
    last = cli_result.stdout.rstrip("\n").splitlines()[-1]
    assert "physician" in last.lower(), last


@then(parsers.parse("the command fails with exit status {status:d}"))
def command_fails(cli_result: Result, status: int) -> None:
    assert cli_result.exit_code == status, (cli_result.stdout, cli_result.stderr)


@then(parsers.parse('the error message is one line naming "{word}"'))
def error_one_line(cli_result: Result, word: str) -> None:
    lines = cli_result.stderr.strip().splitlines()
    assert len(lines) == 1, cli_result.stderr
    assert word in lines[0]
    assert "Traceback" not in cli_result.output
