"""Reading: a rules directory into a :class:`KnowledgeBase`, every problem collected.

Each entry of each file is validated on its own (see :mod:`livertriage.models`), so that one bad
entry does not hide the problems of the others. Then the checks that span entries and files run:
duplicate ids, references to unknown questions, findings or causes, cycles among findings, rules
that can never fire, red flags without an urgency rule, the contract's catalogue, and unsafe
language. Every problem is collected; errors stop the load, warnings are kept on the result.

The checks themselves are in :mod:`livertriage.checks`; the urgency floor and the other promises
that need the rules to run are proven in :mod:`livertriage.proofs`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from livertriage.checks import RuleChecks
from livertriage.errors import KnowledgeBaseError, Problem
from livertriage.models import (
    STAGE_ORDER,
    URGENCY_LEVELS,
    AdviceRule,
    AskRule,
    Cause,
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


class _Reader(RuleChecks):
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
        import tomllib  # here: a start that finds its knowledge base cached reads no TOML

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
