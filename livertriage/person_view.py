"""The person's view of an assessment: what a worried person needs, in plain words. No I/O.

Urgency first, as a box, with at most three reasons; then the few most likely explanations,
each in a sentence or two with what in the person's own answers points to it; then the
questions to ask the doctor and the advice; last, the physician recommendation. No scores, rule
ids or source tags: those are in the clinician's view (``--details``, and the JSON).

For an emergency or an urgent level, the action comes first of all (with "do not drive
yourself" for an emergency), and everything else follows under a heading that says it is for
later.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from livertriage.answers import AnswerValue
from livertriage.assessment import Candidate
from livertriage.lines import (
    DETAILED_CAUSES,
    FRAMING,
    ReportWriter,
    describe_answers,
    wrap,
)

__all__ = ["MAX_REASONS", "WORD_BUDGET", "PersonView"]

#: The most words the person's view takes, where it can (issue: at most 450 for every vignette).
WORD_BUDGET = 450

#: The most reasons the person's view gives for the urgency.
MAX_REASONS = 3
#: How the view shortens to fit its budget, from the fullest view to the shortest: the
#: questions for the doctor and general pieces of advice shown, the explanations given in full,
#: the reasons given for "soon" or "routine" (less is at stake than in the first minutes), and
#: the answers named as pointing to an explanation. Emergency and urgent keep their reasons.
_SHORTER_AND_SHORTER = (
    (3, DETAILED_CAUSES, 2, 2),
    (2, DETAILED_CAUSES, 2, 2),
    (1, DETAILED_CAUSES, 2, 2),
    (1, 2, 2, 2),
    (1, 1, 2, 2),
    (1, 1, 1, 2),
    (1, 1, 1, 1),
)
_TITLE = "livertriage report: calcification spots on the liver"
_CARER_LINE = (
    "This report is written for the parent or carer: the child's own doctors decide what is needed."
)
_SEEK_CARE_NOTE = "note.seek_care"
#: What "the source text" is, said once in plain words.
_SOURCE_TEXT = '"The source text" is the health article that livertriage was built from.'
_DO_NOT_DRIVE = "Do not drive yourself."
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def gist(summary: str, words: int = 7) -> str:
    """The first sentence of a summary, or the first two when the first is shorter than
    ``words`` words (as "The liver repairs itself well.")."""
    sentences = _SENTENCE_END.split(summary.strip())
    if len(sentences) > 1 and len(sentences[0].split()) < words:
        return f"{sentences[0]} {sentences[1]}"
    return sentences[0]


class PersonView(ReportWriter):
    """Writes the person's view as text lines or Markdown."""

    #: How many questions and pieces of advice, and explanations in full, this pass shows.
    items, causes, calm_reasons, pointers = _SHORTER_AND_SHORTER[0]

    @property
    def pressing(self) -> bool:
        """Emergency or urgent: what to do comes before anything else."""
        return self.a.urgency.level in ("emergency", "urgent")

    # --- the whole view --------------------------------------------------------------------

    def lines(self, generated: datetime | None = None) -> Iterator[str]:
        """The view, within :data:`WORD_BUDGET` words where it can be: the questions for the
        doctor and the advice are shortened to fit (never below one of each), then the
        explanations given in full (never below one); the urgency, its reasons and the warning
        signs not answered never are. What is left out is in the full details."""
        for self.items, self.causes, self.calm_reasons, self.pointers in _SHORTER_AND_SHORTER:
            lines = list(self._lines(generated))
            if sum(len(line.split()) for line in lines) <= WORD_BUDGET:
                break
        return iter(lines)

    def _lines(self, generated: datetime | None) -> Iterator[str]:
        if self.pressing:
            # The action before anything else, all within the first lines of the screen.
            yield from self.urgency()
            yield from self.heading(
                "For later, when help is on its way"
                if self.a.urgency.level == "emergency"
                else "For later, once a visit today is arranged"
            )
            yield from self.introduction(generated, _CARER_LINE, lead=_TITLE + ". ")
        else:
            yield from self.title()
            yield from self.introduction(generated, _CARER_LINE)
            yield ""
            yield from self.urgency()
        body = [*self.explanations(), *self.doctor_questions(), *self.advice()]
        yield from body
        yield from self.closing()
        yield from self.recommendation()

    def title(self) -> Iterator[str]:
        yield f"# {_TITLE}" if self.markdown else self.style(_TITLE, "title")

    # --- sections --------------------------------------------------------------------------

    def urgency(self) -> Iterator[str]:
        urgency = self.a.urgency
        action = urgency.action
        if urgency.level == "emergency" and "drive" not in action.lower():
            action = f"{action} {_DO_NOT_DRIVE}"
        title = urgency.label if self.pressing else f"How soon to see a doctor: {urgency.label}"
        yield from self.box(title, action, urgency.level)
        reasons: list[str] = []
        for reason in urgency.reasons:
            if reason.level != urgency.level:
                continue
            if reason.rationale not in reasons:
                reasons.append(reason.rationale)
        if reasons:
            yield from self.para("Because:" if len(reasons) == 1 else "Because of:")
            # The first few say why; all of them are in the full details.
            for text in reasons[: MAX_REASONS if self.pressing else self.calm_reasons]:
                yield from self.bullet(text)
        # Under an emergency, nothing unanswered could make it more urgent.
        if urgency.unanswered_red_flags and urgency.level != "emergency":
            labels = [self.kb.catalogue[q].label for q in urgency.unanswered_red_flags]
            yield ""
            yield from self.para(
                "Not answered: " + "; ".join(labels) + ". If any is present, get help at once."
            )

    def explanations(self) -> Iterator[str]:
        explanations = [c for c in self.a.candidates if not c.known_condition]
        known = [c for c in self.a.candidates if c.known_condition]
        yield from self.heading("What might explain the spots")
        if self.a.causes_uninformative:
            yield from self.para(
                "Many answers were \"don't know\", so this list tells little: the doctor's "
                "questions and the scan itself will say much more."
            )
        # In full: the best supported, and the next ones that something in the answers points
        # to; a cause ranked by its prior alone adds words and no information.
        shown = [
            c for rank, c in enumerate(explanations[: self.causes]) if rank == 0 or c.evidence_for
        ]
        for candidate in shown:
            yield from self.explanation(candidate)
        others = [c for c in explanations if c not in shown]
        if others:
            yield ""
            yield from self.para(
                f"{len(others)} other possible cause{'s' * (len(others) != 1)} for a doctor to "
                "consider are named in the full details."
            )
        if known:
            yield ""
            yield from self.para(
                "Already found by a doctor, and important alongside the spots: "
                + "; ".join(c.name for c in known)
                + "."
            )

    def explanation(self, candidate: Candidate) -> Iterator[str]:
        yield ""
        header = f"{candidate.rank}. {candidate.name} ({FRAMING[candidate.framing]})"
        if self.markdown:
            yield f"**{header}**"
            yield ""
        else:
            yield from (self.style(line, "cause") for line in wrap(header, self.width, "", "   "))
        text = gist(candidate.summary)
        pointers: dict[str, AnswerValue] = {}
        for item in candidate.evidence_for:
            pointers.update(item.answers)
        if pointers:
            shown = list(pointers.items())[: self.pointers]
            text += " In your answers: " + "; ".join(self.pointer(q, v) for q, v in shown) + "."
        yield from self.para(text, indent=0 if self.markdown else 3)

    def pointer(self, question_id: str, value: AnswerValue) -> str:
        """An answer that points to a cause: its label alone for a yes, else with the answer."""
        if value == "yes" and question_id in self.kb.catalogue:
            return self.kb.catalogue[question_id].label
        return describe_answers(self.kb, {question_id: value})

    def doctor_questions(self) -> Iterator[str]:
        if self.a.questions_for_doctor:
            yield from self.heading("Questions to ask your doctor")
            yield from self.shortlist(
                [(q.text, bool(q.answers)) for q in self.a.questions_for_doctor]
            )

    def advice(self) -> Iterator[str]:
        if self.a.advice:
            yield from self.heading("Advice")
            # Advice that answers this person's own answers is never cut: it carries the safety
            # advice (a baby's danger signs, never stopping heavy drinking suddenly, telling
            # every doctor about a pregnancy). Only the general advice is shortened.
            yield from self.shortlist(
                [(a.text, bool(a.answers)) for a in self.a.advice], keep_own=True
            )

    def shortlist(self, items: list[tuple[str, bool]], *, keep_own: bool = False) -> Iterator[str]:
        """At most a few items: those that answer this person's own answers first (in the
        rules' order), then the general ones; the rest are in the full details. With
        ``keep_own``, every item of the person's own is shown, whatever the limit."""
        ordered = [text for text, own in items if own] + [text for text, own in items if not own]
        shown = max(self.items, sum(own for _, own in items)) if keep_own else self.items
        for text in ordered[:shown]:
            yield from self.bullet(text)
        if len(ordered) > shown:
            yield from self.bullet(f"And {len(ordered) - shown} more in the full details.")

    def closing(self) -> Iterator[str]:
        yield ""
        # The source text's own last word: see a doctor promptly (seed, introduction).
        seek_care = next((n.text for n in self.a.notes if n.id == _SEEK_CARE_NOTE), None)
        yield from self.para(" ".join(filter(None, [seek_care, _SOURCE_TEXT])))
        yield ""
        # The introduction has said that this is not a diagnosis; the full disclaimer is in
        # the details.
        yield from self.para(
            "Full details for your doctor, with every rule and source: --details. "
            f"Knowledge base {self.a.knowledge_base.version}."
        )
