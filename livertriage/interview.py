"""The interview: which question comes next, what has been answered. No I/O.

The rules decide what is relevant. After every answer the engine runs again; its "ask" rules name
the questions relevant now, and the next question is the first of those not yet answered, in
interview order (red flags, special groups, core, follow-ups, history). The interview ends when no
relevant question is left, when the urgency reaches "emergency" (a yes to an emergency warning sign
ends it at once, as NHS Pathways does), or when one of the knowledge base's stop rules holds. A
stop rule never skips a warning sign: it waits until every red-flag question is answered, and
until no relevant question is left whose answer could still raise the urgency (the rule
graph's ``urgency_reach``); the questions it skips can change only the causes.

Answers are kept in the order given, so ``back`` can undo the last one and everything after it is
recomputed from the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from livertriage.answers import AGE_RANGE, AnswerValue, parse_answers
from livertriage.assessment import Assessment
from livertriage.knowledge import KnowledgeBase
from livertriage.models import Question, UrgencyLevel, urgency_rank
from livertriage.triage import Evaluation, evaluate

__all__ = ["Effect", "Ending", "Interview", "Progress", "Reply", "Why", "choices", "interpret"]

_YES = {"y", "yes", "yeah", "yep", "true"}
_NO = {"n", "no", "nope", "false"}
_UNKNOWN = {"?", "dk", "don't know", "dont know", "do not know", "not sure", "unsure", "unknown"}
_COMMANDS: dict[str, Literal["why", "help", "back", "quit"]] = {
    "why": "why",
    "w": "why",
    "help": "help",
    "h": "help",
    "back": "back",
    "b": "back",
    "quit": "quit",
    "q": "quit",
    "exit": "quit",
    "stop": "quit",
}


@dataclass(frozen=True)
class Reply:
    """What a typed line means: an answer, a command, or something to ask again with a hint."""

    kind: Literal["answer", "why", "help", "back", "quit", "invalid"]
    value: AnswerValue | None = None
    hint: str = ""


def choices(question: Question) -> str:
    """The one-line reminder of what can be typed at this question."""
    if question.kind == "age":
        answer = f"a whole number of years ({AGE_RANGE[0]} to {AGE_RANGE[1]}), ? if unknown"
    else:
        answer = "y = yes, n = no, ? = don't know"
    return f"{answer} · why · help · back · quit"


def interpret(question: Question, typed: str) -> Reply:
    """Read one typed line as an answer to ``question``, or as a command."""
    word = " ".join(typed.strip().lower().replace("’", "'").split())
    if word in _COMMANDS:
        return Reply(_COMMANDS[word])
    if word in _UNKNOWN:
        return Reply("answer", "unknown")
    if question.kind == "age":
        if word.isascii() and word.isdigit() and AGE_RANGE[0] <= int(word) <= AGE_RANGE[1]:
            return Reply("answer", int(word))
        return Reply("invalid", hint=f"Please type {choices(question)}.")
    if word in _YES:
        return Reply("answer", "yes")
    if word in _NO:
        return Reply("answer", "no")
    return Reply("invalid", hint=f"Please type {choices(question)}.")


@dataclass(frozen=True)
class Ending:
    """Why the interview ended early: an emergency, or a stop rule."""

    rule: str | None
    message: str
    emergency: bool


@dataclass(frozen=True)
class Progress:
    #: The number of the question being asked (1 for the first).
    number: int
    #: How many more questions are relevant now; follow-ups may add to it.
    left: int


@dataclass(frozen=True)
class Effect:
    """What one answer to the current question would change."""

    answer: AnswerValue
    urgency: UrgencyLevel
    urgency_changes: bool
    #: (cause name, change in its score), largest changes first.
    causes: tuple[tuple[str, int], ...]
    ends_interview: bool


@dataclass(frozen=True)
class Why:
    """MYCIN's WHY: the rule that made the question relevant, and what an answer would change."""

    question: Question
    rule: str
    #: The answers that opened the question; empty when it is asked of everyone.
    opened_by: dict[str, AnswerValue]
    effects: tuple[Effect, ...]


class Interview:
    """One person's interview. ``answers`` pre-fills answers (from a file or a saved session)."""

    def __init__(
        self, knowledge_base: KnowledgeBase, answers: Mapping[str, object] | None = None
    ) -> None:
        self.knowledge_base = knowledge_base
        given = dict(answers or {})
        checked = parse_answers(given, knowledge_base.catalogue).root
        # Keep the order the answers were given in, for "back" (a FHIR response: its own order).
        self._set({qid: checked[qid] for qid in given if qid in checked} | checked)

    # --- state -----------------------------------------------------------------------------

    def _set(self, answers: dict[str, AnswerValue]) -> None:
        """Run the rules over new answers, then take both in one assignment: a signal that
        stops the interview midway finds the old answers with their own evaluation, or the new
        ones with theirs, never new answers with a stale evaluation."""
        self._state = (answers, evaluate(answers, self.knowledge_base, interview=True))

    @property
    def _answers(self) -> dict[str, AnswerValue]:
        return self._state[0]

    @property
    def _evaluation(self) -> Evaluation:
        return self._state[1]

    @property
    def answers(self) -> dict[str, AnswerValue]:
        """The answers so far, in the order given."""
        return dict(self._answers)

    @property
    def evaluation(self) -> Evaluation:
        return self._evaluation

    def _unanswered(self) -> list[str]:
        """The relevant questions not yet answered, in interview order. Once a stop rule holds,
        only those that are warning signs or could still raise the urgency."""
        relevant = self._evaluation.relevant_questions
        unanswered = [qid for qid in relevant if qid not in self._answers]
        if not self._evaluation.stops:
            return unanswered
        return [qid for qid in unanswered if self._could_raise_urgency(qid)]

    def _could_raise_urgency(self, question_id: str) -> bool:
        if self.knowledge_base.catalogue[question_id].stage == "red_flag":
            return True
        reach = self._evaluation.graph.urgency_reach[question_id]
        level = self._evaluation.urgency_level
        return reach is not None and urgency_rank(reach) > urgency_rank(level)

    @property
    def ending(self) -> Ending | None:
        """Why the interview ended early, or None."""
        if self._evaluation.urgency_level == "emergency":
            action = self._evaluation.assessment().urgency.action
            return Ending(rule=None, message=action, emergency=True)
        stops = self._evaluation.stops
        if stops and not self._unanswered():
            return Ending(rule=stops[0].id, message=stops[0].message, emergency=False)
        return None

    @property
    def current(self) -> Question | None:
        """The question to ask now, or None when the interview is over."""
        if self._evaluation.urgency_level == "emergency":
            return None
        unanswered = self._unanswered()
        return self.knowledge_base.catalogue[unanswered[0]] if unanswered else None

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def progress(self) -> Progress:
        return Progress(number=len(self._answers) + 1, left=max(len(self._unanswered()) - 1, 0))

    # --- changes ---------------------------------------------------------------------------

    def answer(self, question_id: str, value: object) -> None:
        """Record an answer (checked like any other) and run the rules again."""
        checked = parse_answers({question_id: value}, self.knowledge_base.catalogue).root
        answers = {q: v for q, v in self._answers.items() if q != question_id}
        answers[question_id] = checked[question_id]
        self._set(answers)

    def back(self) -> str | None:
        """Undo the last answer; return its question id, or None if nothing was answered."""
        if not self._answers:
            return None
        question_id = next(reversed(self._answers))
        self._set({q: v for q, v in self._answers.items() if q != question_id})
        return question_id

    # --- explanation -----------------------------------------------------------------------

    def why(self, question: Question) -> Why:
        """Why ``question`` is asked now, and what a yes, a no (or an age) would change."""
        evaluation = self._evaluation
        rule = next(
            (r for r in question.ask_rules if r.id in evaluation.fired), question.ask_rules[0]
        )
        matched = evaluation.matched(rule.id).questions if rule.id in evaluation.fired else ()
        opened_by = {
            q: self._answers[q]
            for q in evaluation.graph.in_catalogue_order(matched)
            if q in self._answers
        }
        now = self._evaluation.assessment()
        options: tuple[AnswerValue, ...] = ("yes", "no") if question.kind == "yes_no" else ()
        return Why(
            question=question,
            rule=rule.id,
            opened_by=opened_by,
            effects=tuple(self._effect(question.id, value, now) for value in options),
        )

    def _effect(self, question_id: str, value: AnswerValue, now: Assessment) -> Effect:
        after = evaluate({**self._answers, question_id: value}, self.knowledge_base, interview=True)
        then = after.assessment()
        before = {c.id: c.score for c in now.candidates}
        changes = [
            (c.name, c.score - before[c.id]) for c in then.candidates if c.score != before[c.id]
        ]
        changes.sort(key=lambda change: -abs(change[1]))
        ends = then.urgency.level == "emergency" or (
            bool(after.stops)
            and Interview(self.knowledge_base, {**self._answers, question_id: value}).ending
            is not None
        )
        return Effect(
            answer=value,
            urgency=then.urgency.level,
            urgency_changes=then.urgency.level != now.urgency.level,
            causes=tuple(changes),
            ends_interview=ends,
        )

    def assessment(self) -> Assessment:
        """The assessment of the answers so far."""
        return self._evaluation.assessment()
