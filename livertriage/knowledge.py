"""Read a rules directory and check it into a :class:`KnowledgeBase`.

Each entry of each file is validated on its own (see :mod:`livertriage.models`), so that one bad
entry does not hide the problems of the others. Then the checks that span entries and files run:
duplicate ids, references to unknown questions, findings or causes, cycles among findings, rules
that can never fire, red flags without an urgency rule, the contract's catalogue, and unsafe
language. Every problem is collected; errors stop the load, warnings are kept on the result.

The urgency floor is checked by running the compiled rules, in :mod:`livertriage.triage`.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from livertriage.errors import KnowledgeBaseError, Problem
from livertriage.graph import questions_behind
from livertriage.models import (
    STAGE_ORDER,
    URGENCY_LEVELS,
    AdviceRule,
    AskRule,
    Cause,
    Condition,
    DoctorQuestionRule,
    EvidenceRule,
    FindingRule,
    LevelWording,
    Question,
    ReportWording,
    Rule,
    StopRule,
    UrgencyLevel,
    UrgencyRule,
)
from livertriage.safety import (
    CONTRACT_QUESTION_IDS,
    RED_FLAG_QUESTIONS,
    find_unsafe_language,
    wording_problems,
)

__all__ = [
    "RULES_FILES",
    "KnowledgeBase",
    "default_rules_dir",
    "inspect_rules",
    "read_knowledge_base",
]

#: The files of a rules directory, in the order they are read.
RULES_FILES = (
    "questions.toml",
    "causes.toml",
    "findings.toml",
    "evidence.toml",
    "urgency.toml",
    "advice.toml",
    "doctor_questions.toml",
    "report.toml",
)
#: The top-level keys each file may have (report.toml is checked whole by its model).
_TOP_LEVEL = {
    "questions.toml": ("question", "stop"),
    "causes.toml": ("cause",),
    "findings.toml": ("finding",),
    "evidence.toml": ("evidence",),
    "urgency.toml": ("level", "rule"),
    "advice.toml": ("advice",),
    "doctor_questions.toml": ("doctor_question",),
}

M = TypeVar("M", bound=BaseModel)


# eq=False: a knowledge base is compared and hashed by identity, so it can key caches.
@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """A checked knowledge base. Build it with :func:`livertriage.load_knowledge_base`."""

    directory: str
    #: The questions, in interview order: by stage, then as written in questions.toml.
    questions: tuple[Question, ...]
    causes: tuple[Cause, ...]
    findings: tuple[FindingRule, ...]
    evidence: tuple[EvidenceRule, ...]
    urgency_levels: Mapping[UrgencyLevel, LevelWording]
    urgency: tuple[UrgencyRule, ...]
    advice: tuple[AdviceRule, ...]
    doctor_questions: tuple[DoctorQuestionRule, ...]
    #: Rules that end the interview early (questions.toml, [[stop]]).
    stops: tuple[StopRule, ...]
    report: ReportWording
    #: SHA-256 of the rules files, so an assessment names exactly what produced it.
    fingerprint: str
    warnings: tuple[Problem, ...] = field(default=())

    @property
    def version(self) -> str:
        return self.report.version

    @cached_property
    def catalogue(self) -> dict[str, Question]:
        """Question id -> question, in interview order."""
        return {question.id: question for question in self.questions}

    @cached_property
    def causes_by_id(self) -> dict[str, Cause]:
        return {cause.id: cause for cause in self.causes}

    @cached_property
    def ask_rules(self) -> tuple[AskRule, ...]:
        """One per question the interview may ask; legacy questions are never asked."""
        return tuple(rule for q in self.questions if q.stage != "legacy" for rule in q.ask_rules)

    @cached_property
    def assessment_rules(self) -> tuple[Rule, ...]:
        """The rules an assessment needs: findings, evidence, urgency, advice, doctor questions."""
        return (*self.findings, *self.evidence, *self.urgency, *self.advice, *self.doctor_questions)

    @cached_property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule: the assessment's, then the interview's ask and stop rules."""
        return (*self.assessment_rules, *self.ask_rules, *self.stops)

    @cached_property
    def rules_by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    @cached_property
    def age_question(self) -> str | None:
        """The id of the age question, if the catalogue has one."""
        return next((q.id for q in self.questions if q.kind == "age"), None)

    @cached_property
    def medicine_names(self) -> tuple[str, ...]:
        """The first word of each treatment the seed names, such as "isoniazid"."""
        return tuple(
            sorted({t.name.split()[0].lower() for cause in self.causes for t in cause.treatment})
        )


def default_rules_dir() -> Path:
    """The shipped rules: inside the installed package, or ``rules/`` beside it in a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "rules", package.parent / "rules"):
        if (candidate / "questions.toml").is_file():
            return candidate
    raise KnowledgeBaseError(
        [Problem("rules", None, f"no rules directory found in {package} or beside it")]
    )


def inspect_rules(directory: Path) -> tuple[KnowledgeBase | None, tuple[Problem, ...]]:
    """Read and check every file in ``directory``: the knowledge base (None if it cannot be
    built) and every problem found, errors and warnings."""
    reader = _Reader(directory)
    knowledge_base = reader.read()
    return knowledge_base, tuple(reader.problems)


def read_knowledge_base(directory: Path) -> KnowledgeBase:
    """Read and check every file in ``directory``; raise :class:`KnowledgeBaseError` on errors."""
    knowledge_base, problems = inspect_rules(directory)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors or knowledge_base is None:
        raise KnowledgeBaseError(errors or problems)
    return knowledge_base


def _format_error(error: ErrorDetails) -> str:
    where = ""
    for part in error["loc"]:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key (check its spelling against rules/README.md)"
    elif error["type"] == "missing":
        message = "missing"
    return f"{where}: {message}" if where else message


class _Reader:
    """Reads one rules directory, collecting every problem on the way."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[Problem] = []
        #: Files that could not be read at all: references into them cannot be judged.
        self.unreadable: set[str] = set()
        #: Ids of every entry as written, valid or not, by list key ("question", "cause", ...), so
        #: that one invalid entry is reported once, not again by every rule that names it.
        self.written_ids: dict[str, set[str]] = {}

    def error(self, file: str, entry: str | None, message: str) -> None:
        self.problems.append(Problem(file, entry, message))

    def warn(self, file: str, entry: str | None, message: str) -> None:
        self.problems.append(Problem(file, entry, message, severity="warning"))

    # --- reading ---------------------------------------------------------------------------------

    def read(self) -> KnowledgeBase | None:
        if not self.directory.is_dir():
            self.error(str(self.directory), None, "not a directory")
            return None
        documents = {name: self._document(name) for name in RULES_FILES}
        for extra in sorted(self.directory.glob("*.toml")):
            if extra.name not in RULES_FILES:
                self.warn(extra.name, None, "not a rules file livertriage reads; it is ignored")

        for file, keys in _TOP_LEVEL.items():
            for unknown in sorted(set(documents[file]) - set(keys)):
                self.error(file, None, f"{unknown}: unknown top-level key (expected {keys})")
        questions = self._entries(documents, "questions.toml", "question", Question)
        stops = self._entries(documents, "questions.toml", "stop", StopRule)
        causes = self._entries(documents, "causes.toml", "cause", Cause)
        findings = self._entries(documents, "findings.toml", "finding", FindingRule)
        evidence = self._entries(documents, "evidence.toml", "evidence", EvidenceRule)
        urgency = self._entries(documents, "urgency.toml", "rule", UrgencyRule)
        advice = self._entries(documents, "advice.toml", "advice", AdviceRule)
        doctor_questions = self._entries(
            documents, "doctor_questions.toml", "doctor_question", DoctorQuestionRule
        )
        levels = self._levels(documents["urgency.toml"])
        report = self._report(documents["report.toml"])
        if levels is None or report is None:
            return None

        questions.sort(key=lambda question: STAGE_ORDER.index(question.stage))
        knowledge_base = KnowledgeBase(
            directory=str(self.directory),
            questions=tuple(questions),
            causes=tuple(causes),
            findings=tuple(findings),
            evidence=tuple(evidence),
            urgency_levels=levels,
            urgency=tuple(urgency),
            advice=tuple(advice),
            doctor_questions=tuple(doctor_questions),
            stops=tuple(stops),
            report=report,
            fingerprint=self._fingerprint(),
        )
        self._check(knowledge_base)
        warnings = tuple(p for p in self.problems if p.severity == "warning")
        return replace(knowledge_base, warnings=warnings)

    def _document(self, name: str) -> dict[str, Any]:
        path = self.directory / name
        try:
            if path.exists() and not path.is_file():
                # A FIFO or a device would block the read, or never end it.
                self.error(name, None, "not a regular file")
                self.unreadable.add(name)
                return {}
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.error(name, None, "file is missing")
        except UnicodeDecodeError:
            self.error(name, None, "not UTF-8 text")
        except tomllib.TOMLDecodeError as error:
            self.error(name, None, f"TOML syntax error: {error}")
        except RecursionError:
            self.error(name, None, "a value is nested too deeply to read")
        except OSError as error:
            self.error(name, None, f"cannot be read: {error.strerror}")
        self.unreadable.add(name)
        return {}

    def _judged(self, file: str, key: str, entry_id: str) -> bool:
        """Whether a reference to ``entry_id`` that did not resolve is a real problem."""
        return file not in self.unreadable and entry_id not in self.written_ids.get(key, set())

    def _entries(
        self,
        documents: Mapping[str, dict[str, Any]],
        file: str,
        key: str,
        model: type[M],
    ) -> list[M]:
        raw_entries = documents[file].get(key, [])
        if not isinstance(raw_entries, list) or not all(isinstance(e, dict) for e in raw_entries):
            self.error(file, None, f"{key} must be a list of tables, written [[{key}]]")
            self.unreadable.add(file)
            return []
        self.written_ids.setdefault(key, set()).update(
            raw["id"] for raw in raw_entries if isinstance(raw.get("id"), str)
        )
        entries: list[M] = []
        for index, raw in enumerate(raw_entries):
            try:
                entries.append(model.model_validate(raw))
            except ValidationError as error:
                entry = raw.get("id") if isinstance(raw.get("id"), str) else f"entry {index + 1}"
                for detail in error.errors():
                    self.error(file, entry, _format_error(detail))
        return entries

    def _levels(self, document: dict[str, Any]) -> dict[UrgencyLevel, LevelWording] | None:
        raw = document.get("level", {})
        if not isinstance(raw, dict):
            self.error("urgency.toml", None, "level must be tables such as [level.emergency]")
            return None
        levels: dict[UrgencyLevel, LevelWording] = {}
        for unknown in sorted(set(raw) - set(URGENCY_LEVELS)):
            self.error("urgency.toml", f"level.{unknown}", f"not a level; use {URGENCY_LEVELS}")
        for level in URGENCY_LEVELS:
            if level not in raw:
                self.error("urgency.toml", f"level.{level}", "the wording of this level is missing")
                continue
            try:
                levels[level] = LevelWording.model_validate(raw[level])
            except ValidationError as error:
                for detail in error.errors():
                    self.error("urgency.toml", f"level.{level}", _format_error(detail))
        return levels if len(levels) == len(URGENCY_LEVELS) else None

    def _report(self, document: dict[str, Any]) -> ReportWording | None:
        try:
            return ReportWording.model_validate(document)
        except ValidationError as error:
            for detail in error.errors():
                loc = detail["loc"]
                entry = None
                if len(loc) >= 2 and loc[0] == "note" and isinstance(loc[1], int):
                    notes = document.get("note", [])
                    raw = notes[loc[1]] if loc[1] < len(notes) else {}
                    entry = raw.get("id") if isinstance(raw, dict) else None
                self.error("report.toml", entry, _format_error(detail))
            return None

    def _fingerprint(self) -> str:
        digest = hashlib.sha256()
        for name in RULES_FILES:
            path = self.directory / name
            if path.is_file():
                digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    # --- checks across entries and files ---------------------------------------------------

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
            if "physician" not in wording.recommendation.lower():
                self.error(
                    "urgency.toml",
                    entry,
                    "the recommendation must tell the person to see a physician "
                    "(docs/contract.md §2)",
                )
            for text in (wording.label, wording.action, wording.recommendation):
                for problem in wording_problems(level, text):
                    self.error("urgency.toml", entry, problem)
        for rule in kb.urgency:
            if rule.action:
                for problem in wording_problems(rule.level, rule.action, label=False):
                    self.error("urgency.toml", rule.id, f"action: {problem}")

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
        if rule.action:
            yield "urgency.toml", rule.id, rule.action
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
