"""Render an assessment as text, Markdown or JSON. No I/O: every function returns a string.

The human-readable reports put urgency first and end, always, with the physician recommendation
as their last line (CONTRACT.md §2).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator, Mapping
from typing import Literal

from livertriage.answers import AnswerValue
from livertriage.assessment import Assessment, Candidate, EvidenceItem
from livertriage.knowledge import KnowledgeBase

__all__ = ["FORMATS", "Format", "Role", "Style", "describe_answers", "plain", "render", "spoken"]

Format = Literal["text", "markdown", "json"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "json")

#: What a piece of the text report is, so a terminal can style it (colour, bold).
Role = Literal[
    "title", "heading", "cause", "emergency", "urgent", "soon", "routine", "recommendation"
]
#: Styles a line of the text report: (text, role) -> text, for example with terminal colours.
Style = Callable[[str, Role], str]


def plain(text: str, role: Role) -> str:
    """No styling: the text as it is."""
    return text


#: How many causes the report explains in full; the rest get one line each.
DETAILED_CAUSES = 3
_WIDTH = 88

_FRAMING = {
    "possible_cause": "a possible cause",
    "check_for": "a condition a doctor may want to check for",
    "rule_out": "for a doctor to rule out",
}
_SPOKEN = {"yes": "yes", "no": "no", "unknown": "don't know"}
#: Findings (rules/findings.toml) that make the report speak to a parent or carer.
_CARER_FINDINGS = frozenset({"child", "fetus_or_newborn"})
_TREATMENT_INTRO = (
    "Treatments the source text names. They are options a physician may consider, "
    "never something to start or change without one:"
)


def spoken(value: AnswerValue) -> str:
    """An answer as a person says it: yes, no, don't know, or the number."""
    return _SPOKEN.get(str(value), str(value))


def describe_answers(knowledge_base: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> str:
    """Answers in words: "drenching night sweats: yes; age in years: 45"."""
    catalogue = knowledge_base.catalogue
    return "; ".join(
        f"{catalogue[q].label if q in catalogue else q}: {spoken(v)}" for q, v in answers.items()
    )


def render(
    assessment: Assessment, knowledge_base: KnowledgeBase, fmt: Format, style: Style = plain
) -> str:
    """The assessment in ``fmt``; text and Markdown end with the recommendation line.

    ``style`` styles the text report only (Markdown and JSON stay plain).
    """
    if fmt == "json":
        return assessment.model_dump_json(indent=2) + "\n"
    markdown = fmt == "markdown"
    writer = _Writer(
        assessment, knowledge_base, markdown=markdown, style=plain if markdown else style
    )
    return "\n".join(writer.lines()) + "\n"


class _Writer:
    def __init__(
        self, assessment: Assessment, knowledge_base: KnowledgeBase, *, markdown: bool, style: Style
    ) -> None:
        self.a = assessment
        self.kb = knowledge_base
        self.markdown = markdown
        self.style = style
        held = {finding.id for finding in assessment.findings}
        self.for_carer = bool(held & _CARER_FINDINGS)

    # --- building blocks -------------------------------------------------------------------------

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
            yield from textwrap.wrap(
                text, _WIDTH, initial_indent=" " * indent, subsequent_indent=" " * indent
            )

    def bullet(self, text: str, mark: str = "-", indent: int = 2) -> Iterator[str]:
        if self.markdown:
            yield f"{' ' * max(indent - 2, 0)}- {text}"
        else:
            pad = " " * indent
            yield from textwrap.wrap(
                text, _WIDTH, initial_indent=f"{pad}{mark} ", subsequent_indent=f"{pad}  "
            )

    def said(self, answers: Mapping[str, AnswerValue]) -> str:
        return describe_answers(self.kb, answers)

    def evidence(self, item: EvidenceItem) -> str:
        said = self.said(item.answers)
        sign = f"{item.weight:+d}"
        return f"{said} ({sign}). {item.rationale} [{item.rule}; {', '.join(item.source)}]"

    # --- sections --------------------------------------------------------------------------

    def lines(self) -> Iterator[str]:
        title = "livertriage report: calcification spots on the liver"
        yield f"# {title}" if self.markdown else self.style(title, "title")
        yield ""
        yield from self.para(
            "Possible causes for a physician to consider, and how soon to see one. This is not a "
            "diagnosis."
        )
        info = self.a.knowledge_base
        if not info.shipped:
            yield ""
            yield from self.para(
                f"Made with a modified knowledge base from {info.directory}, not the one "
                "livertriage ships: its rules may differ from the checked ones."
            )
        if self.for_carer:
            yield ""
            yield from self.para(
                "This report is written for the parent or carer. Medicine lists and lifestyle "
                "advice for adults are left out: the baby's or child's own doctors decide what is "
                "needed."
            )
        yield from self.urgency()
        yield from self.causes()
        yield from self.advice()
        yield from self.doctor_questions()
        yield from self.notes()
        yield from self.answers()
        yield ""
        modified = "" if self.a.knowledge_base.shipped else ", modified"
        yield from self.para(
            f"{self.a.disclaimer} Knowledge base {self.a.knowledge_base.version} "
            f"({self.a.knowledge_base.fingerprint[:12]}{modified})."
        )
        yield ""
        # The physician recommendation is always the last line.
        recommendation = self.a.recommendation
        yield (
            f"**{recommendation}**"
            if self.markdown
            else self.style(recommendation, "recommendation")
        )

    def urgency(self) -> Iterator[str]:
        urgency = self.a.urgency
        yield from self.heading("How soon to see a doctor")
        for line in self.para(f"{urgency.label}. {urgency.action}"):
            yield self.style(line, urgency.level)
        top = [r for r in urgency.reasons if r.level == urgency.level]
        if top:
            yield ""
            yield from self.para("Because:")
            for reason in top:
                said = f"{self.said(reason.answers)}. " if reason.answers else ""
                yield from self.bullet(f"{said}{reason.rationale} [{reason.rule}]")
        # Under an emergency, nothing unanswered could make it more urgent.
        if urgency.unanswered_red_flags and urgency.level != "emergency":
            labels = [self.kb.catalogue[q].label for q in urgency.unanswered_red_flags]
            yield ""
            yield from self.para(
                "Warning signs not asked about or not known: "
                + "; ".join(labels)
                + ". If any of them is present, get help at once: the urgency above assumes "
                "they are not."
            )

    def causes(self) -> Iterator[str]:
        explanations = [c for c in self.a.candidates if not c.known_condition]
        known = [c for c in self.a.candidates if c.known_condition]
        yield from self.heading("Possible explanations of the spots, best supported first")
        if self.a.causes_uninformative:
            yield ""
            yield from self.para(
                "Many answers were \"don't know\", so this list tells little: the doctor's "
                "questions and the scan itself will say much more."
            )
        for candidate in explanations[:DETAILED_CAUSES]:
            yield from self.cause(candidate)
        others = explanations[DETAILED_CAUSES:]
        if others:
            yield ""
            yield from self.para(
                "Also for a physician to consider: "
                + "; ".join(f"{c.name} ({_FRAMING[c.framing]}, score {c.score})" for c in others)
                + "."
            )
        if known:
            yield from self.heading("Conditions that matter alongside the spots")
            yield from self.para(
                "You told us a doctor has already found these. They are shown here because they "
                "matter alongside the spots, not as the explanation of them."
            )
            for candidate in known:
                yield from self.cause(candidate)

    def cause(self, c: Candidate) -> Iterator[str]:
        where = (
            f"source text, section {c.seed_section}" if c.seed_section else "beyond the source text"
        )
        yield ""
        header = f"{c.rank}. {c.name}: {_FRAMING[c.framing]} ({where}; score {c.score})"
        if self.markdown:
            yield f"### {header}"
            yield ""
        else:
            yield from (self.style(line, "cause") for line in self.para(header))
        yield from self.para(c.summary, indent=3)
        for note in c.notes:
            yield from self.bullet(f"{note.text} [{', '.join(note.source)}]", mark="*", indent=3)
        for title, items in (
            ("What points to it", c.evidence_for),
            ("What points away from it", c.evidence_against),
        ):
            if items:
                yield from self.para(f"{title}:", indent=3)
                for item in items:
                    yield from self.bullet(
                        self.evidence(item), mark="+" if item.weight > 0 else "-", indent=5
                    )
        if c.doctor_may:
            yield from self.para("What a doctor may do:", indent=3)
            for step in c.doctor_may:
                yield from self.bullet(step.text, mark="*", indent=5)
        if c.treatment_options:
            yield from self.para(_TREATMENT_INTRO, indent=3)
            for option in c.treatment_options:
                yield from self.bullet(f"{option.name}: {option.note}", mark="*", indent=5)

    def advice(self) -> Iterator[str]:
        yield from self.heading("Advice")
        for item in self.a.advice:
            yield from self.bullet(item.text)

    def doctor_questions(self) -> Iterator[str]:
        if self.a.questions_for_doctor:
            yield from self.heading("Questions to ask your doctor")
            for item in self.a.questions_for_doctor:
                yield from self.bullet(item.text)

    def notes(self) -> Iterator[str]:
        yield from self.heading("Good to know")
        for note in self.a.notes:
            yield from self.bullet(note.text)

    def answers(self) -> Iterator[str]:
        yield from self.heading("Your answers")
        if not self.a.answers:
            yield from self.para("No questions were answered.")
        for question, value in self.a.answers.items():
            yield from self.bullet(self.said({question: value}))
