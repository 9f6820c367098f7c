"""The questionnaire's conversation: questions put, replies read, why and help answered. No
click and no terminal: the command line passes in how to ``say`` a line and how to ``prompt``
for a reply, so the conversation can be tested with plain functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol

from livertriage.interview import Interview, Why, choices, interpret
from livertriage.lines import describe_answers, spoken
from livertriage.models import Question

__all__ = ["MAX_PIPED_RETRIES", "Conversation", "Say", "Stopped", "Tone"]

#: With piped input nobody can correct a reply, so after this many replies that are not answers
#: to one question, it is recorded as "don't know" (never evidence, never lowers urgency).
MAX_PIPED_RETRIES = 3

#: How a line is said: the terminal may show it dimmed, bold, or as an alarm.
Tone = Literal["plain", "dim", "bold", "alarm"]


class Say(Protocol):
    """Shows one message; ``whole`` keeps it on one line, as a command to type must be."""

    def __call__(self, text: str = "", tone: Tone = "plain", *, whole: bool = False) -> None: ...


class Stopped(Exception):
    """The person quit, pressed Ctrl-C, or the input ended, or the terminal went away.
    ``status`` is the exit status to end with: 1, or 130 after Ctrl-C."""

    def __init__(self, status: int = 1) -> None:
        super().__init__(status)
        self.status = status


ANSWER_FOR_WHOM = (
    "Answer every question about the person the scan was for. If you are answering for a baby, "
    "a child or someone you care for, answer about them; for a scan of an unborn baby, about "
    "the mother."
)


class Conversation:
    """One interview, spoken: ``say`` shows a line, ``prompt`` reads a reply (raising EOFError
    when the input ends); ``interactive`` when a person can correct a reply."""

    def __init__(
        self,
        interview: Interview,
        *,
        say: Say,
        prompt: Callable[[], str],
        interactive: bool,
    ) -> None:
        self.interview = interview
        self.kb = interview.knowledge_base
        self.say = say
        self.prompt = prompt
        self.interactive = interactive

    def run(self) -> None:
        """Ask until the interview is over; raises :class:`Stopped` if the person stops."""
        if not self.interview.answers:
            # The questions say "you": make plain who "you" is when answering for someone else.
            self.say(ANSWER_FOR_WHOM, "dim")
        while (question := self.interview.current) is not None:
            progress = self.interview.progress
            self.say()
            self.say(f"Question {progress.number}, about {progress.left} left", "dim")
            self.say(question.text, "bold")
            self.say(f"  ({choices(question)})", "dim")
            self.ask(question)
        ending = self.interview.ending
        if ending is not None:
            self.say()
            if ending.emergency:
                self.say(f"EMERGENCY: {ending.message}", "alarm")
            else:
                self.say(ending.message, "bold")
            self.say()

    def ask(self, question: Question) -> None:
        not_answers = 0
        while True:
            try:
                typed = self.prompt()
            except EOFError:
                raise Stopped from None
            reply = interpret(question, typed)
            if reply.kind == "answer":
                self.interview.answer(question.id, reply.value)
                return
            if reply.kind == "quit":
                raise Stopped
            if reply.kind == "back":
                undone = self.interview.back()
                if undone is None:
                    self.say("There is no earlier answer to change.")
                    continue
                self.say(f"Going back to: {self.kb.catalogue[undone].label}.")
                return
            if reply.kind == "why":
                self.explain(self.interview.why(question))
            elif reply.kind == "help":
                self.say(question.help)
            else:
                self.say(reply.hint)
                not_answers += 1
                if not self.interactive and not_answers >= MAX_PIPED_RETRIES:
                    self.say(
                        f"Taken as don't know after {not_answers} replies that are not answers."
                    )
                    self.interview.answer(question.id, "unknown")
                    return

    def said(self, answers: dict[str, Any]) -> str:
        return describe_answers(self.kb, answers)

    def explain(self, why: Why) -> None:
        self.say(f"Why this question: {why.question.why} [{', '.join(why.question.source)}]")
        if why.opened_by:
            self.say(
                f"Asked now because of your answer: {self.said(why.opened_by)} (rule {why.rule})."
            )
        else:
            self.say(f"Asked of everyone (rule {why.rule}).")
        for effect in why.effects:
            parts = []
            if effect.causes:
                parts.append("; ".join(f"{name} {change:+d}" for name, change in effect.causes))
            if effect.urgency_changes:
                parts.append(f"how soon to see a doctor becomes: {effect.urgency}")
            if effect.ends_interview:
                parts.append("the questions would stop there")
            said = spoken(effect.answer)
            self.say(
                f"If {said}: "
                + (", and ".join(parts) if parts else "nothing in the ranking changes")
                + "."
            )
