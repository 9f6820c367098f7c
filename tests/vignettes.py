"""The clinical vignette suite (features/vignettes.toml) and the figures the studies report.

- top-1: the leading cause is one of the vignette's expected leading causes;
- top-3: one of them is among the first three;
- a condition the person says a doctor already found (known cirrhosis, known hepatitis) is shown
  in a section of its own, alongside the explanations of the spots rather than among them; where
  the clinician's leading cause is such a known condition, showing it there counts as a hit;
- triage: the urgency is exactly the expected level;
- under-triage: the urgency is below the expected level (never allowed);
- safe (Gilbert et al. 2020): the right level, more cautious, or at most one level less cautious.

Reference figures: Semigran et al. 2015 (BMJ): top-1 34%, top-3 51%, triage 57%.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livertriage import KnowledgeBase, assess
from livertriage.models import URGENCY_LEVELS, UrgencyLevel, urgency_rank

VIGNETTES = Path(__file__).resolve().parents[1] / "features" / "vignettes.toml"


@dataclass(frozen=True)
class Vignette:
    id: str
    story: str
    answers: dict[str, Any]
    leading: tuple[str, ...]
    urgency: UrgencyLevel
    source: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    vignette: Vignette
    #: The explanations of the spots, best supported first.
    ranked: tuple[str, ...]
    urgency: UrgencyLevel
    #: Conditions shown apart, as already found by a doctor.
    known: tuple[str, ...] = ()

    @property
    def known_hit(self) -> bool:
        return any(cause in self.vignette.leading for cause in self.known)

    @property
    def top1(self) -> bool:
        return self.ranked[0] in self.vignette.leading or self.known_hit

    @property
    def top3(self) -> bool:
        return any(cause in self.vignette.leading for cause in self.ranked[:3]) or self.known_hit

    @property
    def triage(self) -> bool:
        return self.urgency == self.vignette.urgency

    @property
    def gap(self) -> int:
        """How many levels more cautious (positive) or less cautious (negative) than expected."""
        return urgency_rank(self.urgency) - urgency_rank(self.vignette.urgency)


@dataclass(frozen=True)
class Figures:
    outcomes: tuple[Outcome, ...] = field(default=())

    def share(self, attribute: str) -> float:
        hits = sum(1 for outcome in self.outcomes if getattr(outcome, attribute))
        return hits / len(self.outcomes)

    @property
    def top1(self) -> float:
        return self.share("top1")

    @property
    def top3(self) -> float:
        return self.share("top3")

    @property
    def triage(self) -> float:
        return self.share("triage")

    @property
    def under_triaged(self) -> tuple[Outcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.gap < 0)

    @property
    def over_triaged(self) -> tuple[Outcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.gap > 0)

    @property
    def safe(self) -> float:
        return sum(1 for o in self.outcomes if o.gap >= -1) / len(self.outcomes)

    def lines(self) -> list[str]:
        count = len(self.outcomes)
        by_level = {
            level: sum(1 for o in self.outcomes if o.vignette.urgency == level)
            for level in reversed(URGENCY_LEVELS)
        }
        strata = ", ".join(f"{n} {level}" for level, n in by_level.items())
        lines = [
            f"{count} clinical vignettes ({strata})",
            f"  top-1 cause accuracy   {self.top1:6.1%}   (bar 90%; Semigran 2015 checkers 34%)",
            f"  top-3 cause accuracy   {self.top3:6.1%}   (bar 95%; Semigran 2015 checkers 51%)",
            f"  triage accuracy        {self.triage:6.1%}   (bar 95%; Semigran 2015 checkers 57%)",
            f"  under-triaged          {len(self.under_triaged):6d}   (bar 0)",
            f"  over-triaged           {len(self.over_triaged):6d}",
            f"  safe advice (Gilbert)  {self.safe:6.1%}   (GPs 97.0% in Gilbert 2020)",
        ]
        lines.extend(
            f"  miss {o.vignette.id}: expected {'/'.join(o.vignette.leading)}, "
            f"{o.vignette.urgency}; got {', '.join(o.ranked[:3])}; {o.urgency}"
            for o in self.outcomes
            if not (o.top1 and o.triage)
        )
        return lines


#: The figures of the last scoring, for the end-of-run summary (tests/conftest.py).
LAST: list[Figures] = []


def load_vignettes(path: Path = VIGNETTES) -> list[Vignette]:
    with path.open("rb") as stream:
        data = tomllib.load(stream)
    return [
        Vignette(
            id=item["id"],
            story=item["story"],
            answers=dict(item["answers"]),
            leading=tuple(item["leading"]),
            urgency=item["urgency"],
            source=tuple(item["source"]),
        )
        for item in data["vignette"]
    ]


def score(vignettes: list[Vignette], knowledge_base: KnowledgeBase) -> Figures:
    outcomes = []
    for vignette in vignettes:
        result = assess(vignette.answers, knowledge_base=knowledge_base)
        outcomes.append(
            Outcome(
                vignette=vignette,
                ranked=tuple(c.id for c in result.candidates if not c.known_condition),
                urgency=result.urgency.level,
                known=tuple(c.id for c in result.candidates if c.known_condition),
            )
        )
    figures = Figures(tuple(outcomes))
    LAST[:] = [figures]
    return figures
