"""The checks that span entries and files of a rules directory, run as it is read.

Duplicate ids, references to unknown questions, findings or causes, cycles among findings, rules
that can never fire, red flags without an urgency rule, the contract's catalogue, the wording of
the urgency levels, and unsafe language. Each problem names its file and entry; errors stop the
load, warnings are kept. :mod:`livertriage.knowledge` reads; this module checks what it read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from livertriage.graph import questions_behind
from livertriage.models import (
    AskRule,
    Condition,
    FindingRule,
    Question,
    Rule,
    UrgencyLevel,
)
from livertriage.safety import (
    CONTRACT_QUESTION_IDS,
    RED_FLAG_QUESTIONS,
    find_unsafe_language,
    wording_problems,
)

if TYPE_CHECKING:  # the reader checks what it has just built
    from livertriage.knowledge import KnowledgeBase

__all__ = ["RuleChecks"]


class RuleChecks:
    """The checks, as the reader runs them: each reports through :meth:`error` and
    :meth:`warn`, and skips what a file that could not be read makes meaningless."""

    unreadable: set[str]

    def error(self, file: str, entry: str | None, message: str) -> None:
        raise NotImplementedError

    def warn(self, file: str, entry: str | None, message: str) -> None:
        raise NotImplementedError

    def _judged(self, file: str, key: str, entry_id: str) -> bool:
        raise NotImplementedError

    def _check(self, kb: KnowledgeBase) -> None:
        self._check_duplicates(kb)
        self._check_catalogue(kb)
        for file, rule in _rules_with_files(kb):
            self._check_condition(kb, file, rule.id, rule.when, rule)
        for question in kb.questions:
            for when in question.ask_conditions:
                self._check_condition(kb, "questions.toml", question.id, when, None)
            if question.ask_conditions:
                self._check_asked_in_time(kb, question)
        for evidence in kb.evidence:
            if evidence.cause not in kb.causes_by_id and self._judged(
                "causes.toml", "cause", evidence.cause
            ):
                self.error(
                    "evidence.toml", evidence.id, f"cause {evidence.cause!r} is not in causes.toml"
                )
        self._check_shown_with(kb)
        self._check_finding_cycles(kb)
        self._check_satisfiable(kb)
        self._check_coverage(kb)
        self._check_language(kb)
        self._check_urgency_wording(kb)

    def _check_urgency_wording(self, kb: KnowledgeBase) -> None:
        """The words the person reads must say what the level means (docs/contract.md §2): a level's
        label cannot be changed into "no hurry" while its id still says emergency."""
        for level, wording in kb.urgency_levels.items():
            entry = f"level.{level}"
            for problem in _recommendation_problems(level, wording.recommendation, label=True):
                self.error("urgency.toml", entry, problem)
            for text in (wording.label, wording.action):
                for problem in wording_problems(level, text):
                    self.error("urgency.toml", entry, problem)
        for rule in kb.urgency:
            if rule.action:
                for problem in wording_problems(rule.level, rule.action, label=False):
                    self.error("urgency.toml", rule.id, f"action: {problem}")
            if rule.recommendation:
                for problem in _recommendation_problems(rule.level, rule.recommendation):
                    self.error("urgency.toml", rule.id, f"recommendation: {problem}")

    def _check_duplicates(self, kb: KnowledgeBase) -> None:
        groups: list[tuple[str, Iterable[str]]] = [
            ("questions.toml", (q.id for q in kb.questions)),
            ("causes.toml", (c.id for c in kb.causes)),
            ("report.toml", (n.id for n in kb.report.note)),
        ]
        for file, ids in groups:
            seen: set[str] = set()
            for entry_id in ids:
                if entry_id in seen:
                    self.error(file, entry_id, "duplicate id")
                seen.add(entry_id)
        first_file: dict[str, str] = {}
        for file, rule in _rules_with_files(kb):
            if rule.id in first_file:
                self.error(file, rule.id, f"duplicate rule id (also in {first_file[rule.id]})")
            first_file.setdefault(rule.id, file)

    def _check_catalogue(self, kb: KnowledgeBase) -> None:
        for question_id in CONTRACT_QUESTION_IDS:
            question = kb.catalogue.get(question_id)
            expected = "age" if question_id == "age" else "yes_no"
            if question is None:
                if self._judged("questions.toml", "question", question_id):
                    self.error(
                        "questions.toml", question_id, "missing: docs/contract.md §1 requires it"
                    )
            elif question.kind != expected:
                self.error(
                    "questions.toml",
                    question_id,
                    f"kind must be {expected!r} (docs/contract.md §1)",
                )
        for question_id in RED_FLAG_QUESTIONS:
            question = kb.catalogue.get(question_id)
            if question is not None and question.stage != "red_flag":
                self.error(
                    "questions.toml",
                    question_id,
                    "a warning sign of the urgency floor must be asked first, in stage 'red_flag'",
                )
        ages = [q.id for q in kb.questions if q.kind == "age"]
        if len(ages) > 1:
            self.error("questions.toml", ages[1], "only one question may be of kind 'age'")

    def _check_condition(
        self, kb: KnowledgeBase, file: str, entry: str, when: Condition, rule: Rule | None
    ) -> None:
        for question_id in when.yes_no_questions():
            question = kb.catalogue.get(question_id)
            if question is None:
                if self._judged("questions.toml", "question", question_id):
                    self.error(file, entry, f"unknown question {question_id!r}")
            elif question.kind != "yes_no":
                self.error(
                    file,
                    entry,
                    f"{question_id!r} is not a yes/no question; use age_below or age_at_least",
                )
        finding_ids = {finding.id for finding in kb.findings}
        for finding_id in when.findings:
            if finding_id not in finding_ids and self._judged(
                "findings.toml", "finding", finding_id
            ):
                self.error(file, entry, f"unknown finding {finding_id!r}")
        if when.uses_age and kb.age_question is None:
            self.error(file, entry, "uses the age, but no question is of kind 'age'")
        if isinstance(rule, FindingRule) and when.always:
            self.error(
                file, entry, "a finding needs a condition; one that always holds adds nothing"
            )

    def _check_asked_in_time(self, kb: KnowledgeBase, question: Question) -> None:
        order = list(kb.catalogue)
        openers = [q for when in question.ask_conditions for q in when.yes_no_questions()]
        for opener in openers:
            if opener in kb.catalogue and order.index(opener) > order.index(question.id):
                self.error(
                    "questions.toml",
                    question.id,
                    f"ask_when reads {opener!r}, which the interview asks later",
                )
        if any(when.findings for when in question.ask_conditions):
            self.error(
                "questions.toml", question.id, "ask_when may read answers only, not findings"
            )

    def _check_shown_with(self, kb: KnowledgeBase) -> None:
        """Findings named by only_with / not_with, and questions named by known_from, exist."""
        finding_ids = {finding.id for finding in kb.findings}

        def check(file: str, entry: str, named: Iterable[str]) -> None:
            for finding_id in named:
                if finding_id not in finding_ids and self._judged(
                    "findings.toml", "finding", finding_id
                ):
                    self.error(file, entry, f"unknown finding {finding_id!r}")

        for cause in kb.causes:
            for item in (*cause.note, *cause.doctor_may, *cause.treatment):
                check("causes.toml", cause.id, item.finding_ids())
            check("causes.toml", cause.id, cause.not_with)
            for question_id in cause.known_from:
                question = kb.catalogue.get(question_id)
                if question is None or question.kind != "yes_no":
                    self.error(
                        "causes.toml",
                        cause.id,
                        f"known_from: {question_id!r} is not a yes/no question",
                    )
        for advice in kb.advice:
            check("advice.toml", advice.id, advice.not_with)

    def _check_finding_cycles(self, kb: KnowledgeBase) -> None:
        uses = {finding.id: set(finding.when.findings) for finding in kb.findings}
        state: dict[str, str] = {}

        def visit(finding_id: str, path: list[str]) -> None:
            if state.get(finding_id) == "done" or finding_id not in uses:
                return
            if state.get(finding_id) == "active":
                cycle = " -> ".join([*path[path.index(finding_id) :], finding_id])
                self.error(
                    "findings.toml",
                    finding_id,
                    f"findings depend on each other in a cycle: {cycle}",
                )
                return
            state[finding_id] = "active"
            for used in sorted(uses[finding_id]):
                visit(used, [*path, finding_id])
            state[finding_id] = "done"

        for finding_id in uses:
            visit(finding_id, [])

    def _check_satisfiable(self, kb: KnowledgeBase) -> None:
        """A rule that needs a question both yes and no (through its findings) can never fire."""
        findings = {finding.id: finding for finding in kb.findings}

        def required(when: Condition, seen: frozenset[str]) -> tuple[set[str], set[str]]:
            yes, no = set(when.yes), set(when.no)
            for finding_id in when.findings:
                if finding_id in findings and finding_id not in seen:
                    more_yes, more_no = required(findings[finding_id].when, seen | {finding_id})
                    yes |= more_yes
                    no |= more_no
            return yes, no

        for file, rule in _rules_with_files(kb):
            yes, no = required(rule.when, frozenset({rule.id}))
            clash = sorted(yes & no)
            if clash:
                self.error(file, rule.id, f"can never fire: it needs {clash} to be both yes and no")

    def _check_coverage(self, kb: KnowledgeBase) -> None:
        if self.unreadable:
            return  # with a file missing, "nothing uses this" would mostly be noise
        pointed_to = {e.cause for e in kb.evidence if e.weight > 0}
        for cause in kb.causes:
            if cause.id not in pointed_to:
                self.warn("causes.toml", cause.id, "no evidence rule points towards this cause")
        in_urgency = {q for rule in kb.urgency for q in questions_behind(kb, rule.when)}
        for question in kb.questions:
            if question.stage == "red_flag" and question.id not in in_urgency:
                self.error(
                    "questions.toml", question.id, "a red flag needs an urgency rule that reads it"
                )
        used_findings = {f for _, rule in _rules_with_files(kb) for f in rule.when.findings}
        used_findings |= {f for advice in kb.advice for f in advice.not_with}
        used_findings |= {f for cause in kb.causes for f in cause.not_with}
        used_findings |= {
            f
            for cause in kb.causes
            for item in (*cause.note, *cause.doctor_may, *cause.treatment)
            for f in item.finding_ids()
        }
        for finding in kb.findings:
            if finding.id not in used_findings:
                self.warn("findings.toml", finding.id, "no rule uses this finding")
        read = {
            q
            for _, rule in _rules_with_files(kb)
            if not isinstance(rule, AskRule)
            for q in questions_behind(kb, rule.when)
        }
        for question in kb.questions:
            if question.id not in read:
                self.warn(
                    "questions.toml", question.id, "no rule reads the answer to this question"
                )

    def _check_language(self, kb: KnowledgeBase) -> None:
        for file, entry, text in _texts(kb):
            for phrase in find_unsafe_language(text, kb.medicine_names):
                self.error(
                    file,
                    entry,
                    f"unsafe wording {phrase!r}: never state a diagnosis or tell anyone "
                    "to take, stop or dose a medicine (docs/contract.md §4)",
                )


def _recommendation_problems(level: UrgencyLevel, text: str, *, label: bool = False) -> list[str]:
    """Why ``text`` cannot be a recommendation at ``level``: it must send the person to a
    physician (docs/contract.md §2), and say what the level means."""
    problems = wording_problems(level, text, label=label)
    if "physician" not in text.lower():
        problems.insert(
            0, "the recommendation must tell the person to see a physician (docs/contract.md §2)"
        )
    return problems


def _rules_with_files(kb: KnowledgeBase) -> Iterator[tuple[str, Rule]]:
    for file, rules in (
        ("findings.toml", kb.findings),
        ("evidence.toml", kb.evidence),
        ("urgency.toml", kb.urgency),
        ("advice.toml", kb.advice),
        ("doctor_questions.toml", kb.doctor_questions),
        ("questions.toml", kb.ask_rules),
        ("questions.toml", kb.stops),
    ):
        for rule in rules:
            yield file, rule


def _texts(kb: KnowledgeBase) -> Iterator[tuple[str, str | None, str]]:
    """Every text a person may read, with its file and entry id."""
    for question in kb.questions:
        for text in (question.label, question.text, question.help, question.why):
            yield "questions.toml", question.id, text
    for cause in kb.causes:
        for text in cause.texts():
            yield "causes.toml", cause.id, text
    for file, rule in _rules_with_files(kb):
        yield file, rule.id, rule.rationale
    for rule in kb.urgency:
        for own in (rule.action, rule.recommendation):
            if own:
                yield "urgency.toml", rule.id, own
    for finding in kb.findings:
        yield "findings.toml", finding.id, finding.name
    for advice in kb.advice:
        yield "advice.toml", advice.id, advice.text
    for doctor_question in kb.doctor_questions:
        yield "doctor_questions.toml", doctor_question.id, doctor_question.text
    for stop in kb.stops:
        yield "questions.toml", stop.id, stop.message
    for level, wording in kb.urgency_levels.items():
        for text in (wording.label, wording.action, wording.recommendation):
            yield "urgency.toml", f"level.{level}", text
    yield "report.toml", None, kb.report.disclaimer
    for note in kb.report.note:
        yield "report.toml", note.id, note.text
