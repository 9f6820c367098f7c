"""Render an assessment as one printable, self-contained HTML page, for a person to take to their
doctor. No I/O: :func:`render_page` returns a string.

The page carries its own stylesheet (screen and print, A4) and fetches nothing: no fonts, scripts,
images or links. Like the text report it puts the urgency first and ends, always, with the
physician recommendation as the last text of the page (docs/contract.md §2). It is meant to print on
at most two A4 pages for a typical answer set, so it leaves out what the text report adds around
the causes (notes, doctor steps, treatments, advice); scores, rule ids and sources appear only in
a line of small print per cause, for the clinician.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from html import escape

from livertriage.answers import AnswerValue
from livertriage.assessment import Assessment, Candidate, EvidenceItem
from livertriage.knowledge import KnowledgeBase
from livertriage.lines import CARER_FINDINGS, FRAMING, describe_answers, made_on, spoken

__all__ = ["TITLE", "render_page"]

TITLE = "livertriage report: calcification spots on the liver"
_LEDE = (
    "Possible causes for a physician to consider, and how soon to see one. This is not a diagnosis."
)
#: How many explanations the page shows in full; the rest get one line each.
_DETAILED_CAUSES = 3
#: How many sentences of a cause's summary the page shows.
_SUMMARY_SENTENCES = 2
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; padding: 1.5rem; max-width: 48rem; color: #111; background: #fff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
}
h1 { font-size: 1.45rem; margin: 0 0 0.2rem; line-height: 1.2; }
h2 { font-size: 1.1rem; margin: 1.1rem 0 0.35rem; padding-bottom: 0.1rem;
  border-bottom: 1px solid #bbb; }
h3 { font-size: 1rem; margin: 0.7rem 0 0.15rem; }
p { margin: 0.2rem 0; }
ul, ol { margin: 0.15rem 0 0.3rem; padding-left: 1.3rem; }
li { margin: 0.05rem 0; }
.lede { font-weight: 600; }
.meta, .small { color: #444; font-size: 0.8rem; }
.carer, .modified { font-style: italic; }
.urgency { margin: 0.9rem 0 0.5rem; padding: 0.6rem 0.9rem; border: 2px solid;
  border-left-width: 0.6rem; border-radius: 4px; }
.urgency h2 { border: 0; margin: 0 0 0.2rem; font-size: 0.85rem; text-transform: uppercase;
  letter-spacing: 0.04em; }
.urgency .level { font-size: 1.2rem; font-weight: 700; }
.urgency .because { margin-top: 0.3rem; }
.level-emergency { border-color: #b3001b; background: #fde7ea; }
.level-emergency .level { color: #8c0015; }
.level-urgent { border-color: #c85a00; background: #fff0e0; }
.level-urgent .level { color: #8f3f00; }
.level-soon { border-color: #b58900; background: #fff8d6; }
.level-soon .level { color: #6b5000; }
.level-routine { border-color: #2e7d32; background: #e9f5ea; }
.level-routine .level { color: #1b5e20; }
.warning { border-left: 0.3rem solid #b3001b; padding: 0.15rem 0.6rem; margin: 0.5rem 0; }
.cause { break-inside: avoid; }
.framing { font-weight: 400; font-style: italic; }
.evidence-title { font-weight: 600; margin-top: 0.2rem; }
.others li { break-inside: avoid; }
.others .small { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.15rem 0.5rem;
  border-bottom: 1px solid #ddd; }
thead th { border-bottom: 1px solid #888; }
tbody th { font-weight: 400; }
.disclaimer { margin-top: 0.9rem; color: #333; font-size: 0.85rem; }
.recommendation { margin-top: 0.7rem; padding: 0.5rem 0.8rem; border: 2px solid #111;
  font-weight: 700; font-size: 1.05rem; }
@page { size: A4; margin: 12mm 13mm; }
@media print {
  html, body { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 9.5pt; line-height: 1.3; }
  h1 { font-size: 14pt; }
  h2 { font-size: 11pt; margin: 0.45rem 0 0.15rem; break-after: avoid; }
  h3 { font-size: 10pt; margin: 0.35rem 0 0.05rem; break-after: avoid; }
  .meta, .small { font-size: 7.5pt; }
  .urgency { margin: 0.45rem 0 0.3rem; padding: 0.3rem 0.6rem; break-inside: avoid; }
  .urgency .level { font-size: 12pt; }
  .warning { margin: 0.3rem 0; }
  .others { columns: 2; column-gap: 1.5rem; }
  .answers tbody { columns: 2; column-gap: 1.5rem; }
  table.answers, .answers thead, .answers tbody, .answers tr { display: block; }
  .answers thead { display: none; }
  .answers tr { display: flex; break-inside: avoid; border-bottom: 1px solid #ddd; }
  .answers th, .answers td { display: block; border: 0; padding: 0.05rem 0.3rem; }
  .answers th { flex: 1; }
  .answers td { font-weight: 600; }
  .disclaimer { margin-top: 0.45rem; font-size: 8pt; }
  .recommendation { margin-top: 0.4rem; padding: 0.3rem 0.6rem; font-size: 10.5pt;
    break-inside: avoid; }
}
"""


def render_page(
    assessment: Assessment, knowledge_base: KnowledgeBase, *, generated: datetime
) -> str:
    """The assessment as one self-contained HTML5 document, dated ``generated``.

    In order: the title, the urgency (coloured by level, with its reasons), the warning signs not
    asked about, the possible explanations of the spots (the first three in full), conditions a
    doctor already found, the questions for the doctor, the person's answers, the disclaimer and,
    last, the physician recommendation. Every piece of text is HTML-escaped, since a modified rules
    directory may contain anything. The page links to and fetches nothing.
    """
    body = "\n".join(_Page(assessment, knowledge_base, generated).body())
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(TITLE)}</title>\n"
        f"<style>{_CSS}</style>\n"
        "</head>\n"
        f"<body>\n{body}\n</body>\n"
        "</html>\n"
    )


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _date(moment: datetime) -> str:
    """ "1 December 2026, 14:05", the same in every locale (plus the time zone, if known)."""
    text = made_on(moment)
    zone = moment.tzname()
    return f"{text} {zone}" if zone else text


def _summary(text: str) -> str:
    """The first sentences of a cause's summary."""
    return " ".join(_SENTENCE_END.split(text.strip())[:_SUMMARY_SENTENCES])


class _Page:
    def __init__(
        self, assessment: Assessment, knowledge_base: KnowledgeBase, generated: datetime
    ) -> None:
        self.a = assessment
        self.kb = knowledge_base
        self.generated = generated
        held = {finding.id for finding in assessment.findings}
        self.for_carer = bool(held & CARER_FINDINGS)

    def said(self, answers: Mapping[str, AnswerValue]) -> str:
        return describe_answers(self.kb, answers)

    def label(self, question: str) -> str:
        entry = self.kb.catalogue.get(question)
        return entry.label if entry is not None else question

    def explained(self, answers: Mapping[str, AnswerValue], rationale: str) -> str:
        """ "<answers in words>. <rationale>", escaped, the answers emphasised."""
        if not answers:
            return _e(rationale)
        return f"<em>{_e(self.said(answers))}</em>. {_e(rationale)}"

    # --- sections ----------------------------------------------------------------------------

    def body(self) -> Iterator[str]:
        yield from self.header()
        yield from self.urgency()
        yield from self.causes()
        yield from self.doctor_questions()
        yield from self.answers()
        yield f'<p class="disclaimer">{_e(self.a.disclaimer)}</p>'
        # The physician recommendation is always the last text of the page.
        yield f'<p class="recommendation">{_e(self.a.recommendation)}</p>'

    def header(self) -> Iterator[str]:
        info = self.a.knowledge_base
        yield "<header>"
        yield f"<h1>{_e(TITLE)}</h1>"
        yield f'<p class="lede">{_e(_LEDE)}</p>'
        yield (
            f'<p class="meta">Made on {_e(_date(self.generated))} with livertriage, '
            f"knowledge base {_e(info.version)} ({_e(info.fingerprint[:12])}).</p>"
        )
        if not info.shipped:
            yield (
                f'<p class="modified">Made with a modified knowledge base from '
                f"{_e(info.directory or 'an unnamed directory')}, not the one livertriage ships: "
                "its rules may differ from the checked ones.</p>"
            )
        if self.for_carer:
            yield (
                '<p class="carer">This report is written for the parent or carer: the baby\'s or '
                "child's own doctors decide what is needed.</p>"
            )
        yield "</header>"

    def urgency(self) -> Iterator[str]:
        urgency = self.a.urgency
        yield f'<section class="urgency level-{_e(urgency.level)}" aria-label="urgency">'
        yield "<h2>How soon to see a doctor</h2>"
        yield f'<p class="level">{_e(urgency.label)}</p>'
        yield f'<p class="action">{_e(urgency.action)}</p>'
        top = [r for r in urgency.reasons if r.level == urgency.level]
        if top:
            yield '<p class="because">Because:</p>'
            yield "<ul>"
            for reason in top:
                yield f"<li>{self.explained(reason.answers, reason.rationale)}</li>"
            yield "</ul>"
        yield "</section>"
        # Under an emergency, nothing unanswered could make it more urgent.
        if urgency.unanswered_red_flags and urgency.level != "emergency":
            labels = "; ".join(self.label(q) for q in urgency.unanswered_red_flags)
            yield (
                '<p class="warning"><strong>Warning signs not asked about or not known:</strong> '
                f"{_e(labels)}. If any of them is present, get help at once: the urgency above "
                "assumes they are not.</p>"
            )

    def causes(self) -> Iterator[str]:
        explanations = [c for c in self.a.candidates if not c.known_condition]
        known = [c for c in self.a.candidates if c.known_condition]
        yield '<section class="causes">'
        yield "<h2>Possible explanations of the spots, best supported first</h2>"
        if self.a.causes_uninformative:
            yield (
                "<p>Many answers were &quot;don't know&quot;, so this list tells little: the "
                "doctor's questions and the scan itself will say much more.</p>"
            )
        for number, candidate in enumerate(explanations[:_DETAILED_CAUSES], start=1):
            yield from self.cause(candidate, f"{number}. ")
        others = explanations[_DETAILED_CAUSES:]
        if others:
            yield '<p class="evidence-title">Also for a physician to consider:</p>'
            yield '<ul class="others">'
            for c in others:
                yield (
                    f'<li>{_e(c.name)}: <span class="framing">{_e(FRAMING[c.framing])}</span> '
                    f'<span class="small">(score {c.score})</span></li>'
                )
            yield "</ul>"
        yield "</section>"
        if known:
            yield '<section class="known">'
            yield "<h2>Conditions that matter alongside the spots</h2>"
            yield (
                "<p>You told us a doctor has already found these. They are shown here because "
                "they matter alongside the spots, not as the explanation of them.</p>"
            )
            for candidate in known:
                yield from self.cause(candidate)
            yield "</section>"

    def cause(self, c: Candidate, number: str = "") -> Iterator[str]:
        yield f'<article class="cause" id="cause-{_e(c.id)}">'
        yield (
            f'<h3>{number}{_e(c.name)}: <span class="framing">{_e(FRAMING[c.framing])}</span></h3>'
        )
        yield f"<p>{_e(_summary(c.summary))}</p>"
        for title, items in (
            ("What points to it", c.evidence_for),
            ("What points away from it", c.evidence_against),
        ):
            if items:
                yield f'<p class="evidence-title">{title}:</p>'
                yield "<ul>"
                for item in items:
                    yield f"<li>{self.explained(item.answers, item.rationale)}</li>"
                yield "</ul>"
        yield f'<p class="small">For the clinician: {_e(self.clinician(c))}</p>'
        yield "</article>"

    def clinician(self, c: Candidate) -> str:
        """The cause's score, the rules behind it and their sources, in one line."""
        evidence = [*c.evidence_for, *c.evidence_against]
        where = f"seed §{c.seed_section}" if c.seed_section else "beyond the seed"
        parts = [f"score {c.score} (prior {c.prior}); {where}"]
        if evidence:
            parts.append("rules: " + ", ".join(_weighted(item) for item in evidence))
            parts.append("sources: " + ", ".join(_unique(s for i in evidence for s in i.source)))
        return "; ".join(parts) + "."

    def doctor_questions(self) -> Iterator[str]:
        if not self.a.questions_for_doctor:
            return
        yield '<section class="questions">'
        yield "<h2>Questions to ask your doctor</h2>"
        yield "<ul>"
        for item in self.a.questions_for_doctor:
            yield f"<li>{_e(item.text)}</li>"
        yield "</ul>"
        yield "</section>"

    def answers(self) -> Iterator[str]:
        yield '<section class="your-answers">'
        yield "<h2>Your answers</h2>"
        if not self.a.answers:
            yield "<p>No questions were answered.</p>"
        else:
            yield '<table class="answers">'
            yield '<thead><tr><th scope="col">Question</th><th scope="col">Answer</th></tr></thead>'
            yield "<tbody>"
            for question, value in self.a.answers.items():
                yield (
                    f'<tr><th scope="row">{_e(self.label(question))}</th>'
                    f"<td>{_e(spoken(value))}</td></tr>"
                )
            yield "</tbody>"
            yield "</table>"
        yield "</section>"


def _weighted(item: EvidenceItem) -> str:
    return f"{item.rule} ({item.weight:+d})"


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))
