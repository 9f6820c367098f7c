"""livertriage: an offline, rule-based triage helper for calcification spots on the liver.

It lists possible causes for a physician to consider, says how soon to see one, and always ends
by recommending a physician. It never gives a diagnosis.

>>> import livertriage
>>> result = livertriage.assess({"fever": "yes", "night_sweats": "yes", "tb_contact": "yes"})
>>> result.candidates[0].id
'hepatic_tuberculosis'
>>> result.urgency.level
'soon'
>>> "physician" in result.recommendation
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from livertriage import _compat  # noqa: F401  (first: experta needs it before import)
from livertriage.answers import Answers, AnswerValue, parse_answers
from livertriage.assessment import (
    AdviceItem,
    Assessment,
    Candidate,
    DerivedFinding,
    EvidenceItem,
    Urgency,
    UrgencyReason,
)
from livertriage.errors import (
    AnswersError,
    KnowledgeBaseError,
    LiverTriageError,
    Problem,
    SessionError,
)
from livertriage.knowledge import KnowledgeBase
from livertriage.models import URGENCY_LEVELS, Question, UrgencyLevel
from livertriage.triage import (
    Evaluation,
    assess,
    evaluate,
    load_knowledge_base,
)

if TYPE_CHECKING:
    from livertriage.interview import Interview
    from livertriage.proofs import check_knowledge_base

__version__ = "0.1.0"

#: Imported when first used: an assessment needs neither the interview nor the rules checks, so
#: a start that only assesses does not pay for them.
_LATER = {"Interview": "livertriage.interview", "check_knowledge_base": "livertriage.proofs"}


def __getattr__(name: str) -> Any:
    if name in _LATER:
        value = getattr(importlib.import_module(_LATER[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'livertriage' has no attribute {name!r}")


__all__ = [
    "URGENCY_LEVELS",
    "AdviceItem",
    "AnswerValue",
    "Answers",
    "AnswersError",
    "Assessment",
    "Candidate",
    "DerivedFinding",
    "Evaluation",
    "EvidenceItem",
    "Interview",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "LiverTriageError",
    "Problem",
    "Question",
    "SessionError",
    "Urgency",
    "UrgencyLevel",
    "UrgencyReason",
    "__version__",
    "assess",
    "check_knowledge_base",
    "evaluate",
    "load_knowledge_base",
    "parse_answers",
]
