"""Render an assessment as text, Markdown or JSON. No I/O: every function returns a string.

Two views of one assessment (docs/contract.md §2):

- the person's view, the default for text and Markdown (:mod:`livertriage.person_view`): the
  urgency first, a few likely explanations in plain words, the questions for the doctor;
- the clinician's view (``details=True``, and always the JSON): everything, with scores, rules,
  sources and confidence tags.

Both end, always, with the physician recommendation as their last line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Literal

from livertriage.answers import AnswerValue
from livertriage.assessment import Assessment, Candidate, EvidenceItem
from livertriage.knowledge import KnowledgeBase
from livertriage.lines import (
    CARER_LINE,
    DETAILED_CAUSES,
    FRAMING,
    MAX_WIDTH,
    UNINFORMATIVE,
    ReportWriter,
    Role,
    Style,
    describe_answers,
    made_on,
    plain,
    spoken,
    unanswered_signs,
)
from livertriage.person_view import PersonView

__all__ = [
    "FORMATS",
    "FRAMING",
    "Format",
    "Role",
    "Style",
    "describe_answers",
    "made_on",
    "plain",
    "render",
    "spoken",
]

Format = Literal["text", "markdown", "json", "fhir", "fhir-r5"]
#: fhir is a FHIR R4 Bundle, fhir-r5 the same in R5 (both need the extra livertriage[fhir]).
FORMATS: tuple[Format, ...] = ("text", "markdown", "json", "fhir", "fhir-r5")

_TREATMENT_INTRO = (
    "Treatments the source text names. They are options a physician may consider, "
    "never something to start or change without one:"
)


def render(
    assessment: Assessment,
    knowledge_base: KnowledgeBase,
    fmt: Format,
    style: Style = plain,
    *,
    details: bool = False,
    width: int = MAX_WIDTH,
    generated: datetime | None = None,
) -> str:
    """The assessment in ``fmt``; text and Markdown end with the recommendation line, and
    FHIR's Bundle with the ServiceRequest to see a physician.

    ``details`` gives the clinician's view instead of the person's. ``style`` styles the text
    report only (Markdown and JSON stay plain); ``width`` is the text's width (at most 88);
    ``generated``, when given, dates the report.
    """
    if fmt == "json":
        return assessment.model_dump_json(indent=2) + "\n"
    if fmt in ("fhir", "fhir-r5"):
        from livertriage.fhir_models import dumps
        from livertriage.fhir_result import bundle

        return dumps(bundle(assessment, knowledge_base, "R5" if fmt == "fhir-r5" else "R4"))
    markdown = fmt == "markdown"
    chosen = plain if markdown else style
    writer: _Details | PersonView = (
        _Details(assessment, knowledge_base, markdown=markdown, style=chosen, width=width)
        if details
        else PersonView(assessment, knowledge_base, markdown=markdown, style=chosen, width=width)
    )
    return "\n".join(writer.lines(generated)) + "\n"


class _Details(ReportWriter):
    """The clinician's view: every rule, score, source and confidence tag."""

    def said(self, answers: Mapping[str, AnswerValue]) -> str:
        return describe_answers(self.kb, answers)

    def evidence(self, item: EvidenceItem) -> str:
        said = self.said(item.answers)
        sign = f"{item.weight:+d}"
        return f"{said} ({sign}). {item.rationale} [{item.rule}; {', '.join(item.source)}]"

    # --- sections --------------------------------------------------------------------------

    def lines(self, generated: datetime | None = None) -> Iterator[str]:
        title = "livertriage report: calcification spots on the liver (full details)"
        if self.markdown:
            yield f"# {title}"
        else:
            yield from (self.style(line, "title") for line in self.para(title))
        yield ""
        yield from self.introduction(generated, CARER_LINE)
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
        yield from self.recommendation()

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
            yield from self.para(unanswered_signs(labels))

    def causes(self) -> Iterator[str]:
        explanations = [c for c in self.a.candidates if not c.known_condition]
        known = [c for c in self.a.candidates if c.known_condition]
        yield from self.heading("Possible explanations of the spots, best supported first")
        if self.a.causes_uninformative:
            yield ""
            yield from self.para(UNINFORMATIVE)
        for candidate in explanations[:DETAILED_CAUSES]:
            yield from self.cause(candidate)
        others = explanations[DETAILED_CAUSES:]
        if others:
            yield ""
            yield from self.para(
                "Also for a physician to consider: "
                + "; ".join(f"{c.name} ({FRAMING[c.framing]}, score {c.score})" for c in others)
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
        header = f"{c.rank}. {c.name}: {FRAMING[c.framing]} ({where}; score {c.score})"
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
