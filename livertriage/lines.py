"""The building blocks of the human-readable reports: answers in words, wrapped paragraphs,
bullets, headings and a box, in plain text or Markdown; the words both views share. No I/O.

Text is wrapped to a width of at most 88 columns (a narrower terminal gives a narrower report),
and never broken inside a word or at a hyphen, so that "don't" and "24-hour" stay whole.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Literal

from livertriage.answers import AnswerValue
from livertriage.assessment import Assessment
from livertriage.knowledge import KnowledgeBase

__all__ = [
    "CARER_FINDINGS",
    "CARER_LINE",
    "DETAILED_CAUSES",
    "FRAMING",
    "MAX_WIDTH",
    "UNINFORMATIVE",
    "LineWriter",
    "ReportWriter",
    "Role",
    "Style",
    "describe_answers",
    "made_on",
    "modified_notice",
    "plain",
    "spoken",
    "unanswered_signs",
    "wrap",
]

#: The widest a report or a message is ever wrapped, however wide the terminal (clig.dev).
MAX_WIDTH = 88
#: The narrowest width a report is wrapped to, so that a tiny terminal still gets whole words.
MIN_WIDTH = 40

#: What a piece of the text report is, so a terminal can style it (colour, bold).
Role = Literal[
    "title", "heading", "cause", "emergency", "urgent", "soon", "routine", "recommendation"
]
#: Styles a line of the text report: (text, role) -> text, for example with terminal colours.
Style = Callable[[str, Role], str]

_SPOKEN = {"yes": "yes", "no": "no", "unknown": "don't know"}


def plain(text: str, role: Role) -> str:
    """No styling: the text as it is."""
    return text


def spoken(value: AnswerValue) -> str:
    """An answer as a person says it: yes, no, don't know, or the number."""
    return _SPOKEN.get(str(value), str(value))


def describe_answers(knowledge_base: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> str:
    """Answers in words: "drenching night sweats: yes; age in years: 45"."""
    catalogue = knowledge_base.catalogue
    return "; ".join(
        f"{catalogue[q].label if q in catalogue else q}: {spoken(v)}" for q, v in answers.items()
    )


def fit_width(columns: int | None) -> int:
    """The width to wrap to on a terminal of ``columns``: at most 88, at least 40."""
    if not columns or columns <= 0:
        return MAX_WIDTH
    return max(MIN_WIDTH, min(columns, MAX_WIDTH))


def wrap(text: str, width: int, initial: str = "", subsequent: str = "") -> list[str]:
    """Wrap at spaces only: a word longer than the line stays whole rather than break."""
    return textwrap.wrap(
        text,
        width,
        initial_indent=initial,
        subsequent_indent=subsequent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [initial.rstrip()]


class LineWriter:
    """Headings, paragraphs, bullets and boxes, as wrapped text lines or as Markdown."""

    def __init__(self, *, markdown: bool, style: Style, width: int = MAX_WIDTH) -> None:
        self.markdown = markdown
        self.style = style
        self.width = min(width, MAX_WIDTH)

    def heading(self, text: str, level: int = 2) -> Iterator[str]:
        yield ""
        if self.markdown:
            yield f"{'#' * level} {text}"
            yield ""
        else:
            yield self.style(text.upper(), "heading")

    def para(self, text: str, indent: int = 0) -> Iterator[str]:
        if self.markdown:
            yield text
        else:
            pad = " " * indent
            yield from wrap(text, self.width, pad, pad)

    def bullet(self, text: str, mark: str = "-", indent: int = 2) -> Iterator[str]:
        if self.markdown:
            yield f"{' ' * max(indent - 2, 0)}- {text}"
        else:
            pad = " " * indent
            yield from wrap(text, self.width, f"{pad}{mark} ", f"{pad}  ")

    def box(self, title: str, body: str, role: Role) -> Iterator[str]:
        """The urgency, framed so that it stands out: a box in text, a quote in Markdown."""
        if self.markdown:
            yield f"> **{title}**"
            yield ">"
            yield f"> {body}"
            yield ""
            return
        edge = "=" * self.width
        yield self.style(edge, role)
        for row in [*wrap(title, self.width), *wrap(body, self.width)]:
            yield self.style(row, role)
        yield self.style(edge, role)


#: How many causes the report explains in full; the rest get one line each.
DETAILED_CAUSES = 3

#: A cause's framing in words: never a diagnosis.
FRAMING = {
    "possible_cause": "a possible cause",
    "check_for": "a condition a doctor may want to check for",
    "rule_out": "for a doctor to rule out",
}


def unanswered_signs(labels: Sequence[str]) -> str:
    """The warning signs not asked about or not known, and what that means (the clinician's
    view, and FHIR)."""
    return (
        f"Warning signs not asked about or not known: {'; '.join(labels)}. If any of them is "
        "present, get help at once: the urgency above assumes they are not."
    )


#: When so many answers are "don't know" that the list of causes tells little.
UNINFORMATIVE = (
    "Many answers were \"don't know\", so this list tells little: the doctor's questions and the "
    "scan itself will say much more."
)
#: Findings (rules/findings.toml) that make the report speak to a parent or carer.
CARER_FINDINGS = frozenset({"child", "fetus_or_newborn"})
CARER_LINE = (
    "This report is written for the parent or carer. Medicine lists and lifestyle advice for "
    "adults are left out: the baby's or child's own doctors decide what is needed."
)


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def made_on(moment: datetime) -> str:
    """A date a person reads at a glance, whatever the machine's language: "1 December 2026,
    14:05"."""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def modified_notice(assessment: Assessment) -> str | None:
    """The line every report carries when its rules are not the shipped ones."""
    info = assessment.knowledge_base
    if info.shipped:
        return None
    return (
        f"Made with a modified knowledge base from {info.directory}, not the one livertriage "
        "ships: its rules may differ from the checked ones."
    )


class ReportWriter(LineWriter):
    """What both views start from: the assessment, its knowledge base, and whom it speaks to."""

    def __init__(
        self,
        assessment: Assessment,
        knowledge_base: KnowledgeBase,
        *,
        markdown: bool,
        style: Style,
        width: int,
    ) -> None:
        super().__init__(markdown=markdown, style=style, width=width)
        self.a = assessment
        self.kb = knowledge_base
        held = {finding.id for finding in assessment.findings}
        self.for_carer = bool(held & CARER_FINDINGS)

    def introduction(
        self, generated: datetime | None, carer_line: str, lead: str = ""
    ) -> Iterator[str]:
        """What the report is and is not, when it was made, and the notices: a knowledge base
        other than the shipped one, and a report written for a parent or carer."""
        yield from self.para(
            lead + "Possible causes for a physician to consider, and how soon to see one. This is "
            "not a diagnosis." + (f" Made on {made_on(generated)}." if generated else "")
        )
        notice = modified_notice(self.a)
        if notice:
            yield ""
            yield from self.para(notice)
        if self.for_carer:
            yield ""
            yield from self.para(carer_line)

    def recommendation(self) -> Iterator[str]:
        """The physician recommendation: always the last line, after a blank one."""
        yield ""
        text = self.a.recommendation
        yield f"**{text}**" if self.markdown else self.style(text, "recommendation")
