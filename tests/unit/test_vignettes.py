"""Each clinical vignette on its own: well formed, and never under-triaged.

The suite's accuracy figures are checked (and printed) by features/vignettes.feature.
"""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from livertriage import KnowledgeBase, assess
from livertriage.models import Citation, urgency_rank
from tests.vignettes import Vignette, load_vignettes

VIGNETTES = load_vignettes()
CITATION: TypeAdapter[str] = TypeAdapter(Citation)


def test_the_suite_is_large_and_stratified() -> None:
    assert len(VIGNETTES) >= 90
    assert len({v.id for v in VIGNETTES}) == len(VIGNETTES)
    for level in ("emergency", "urgent", "soon", "routine"):
        assert sum(1 for v in VIGNETTES if v.urgency == level) >= 8
    # At least 10 stories for each group that most needs a safe answer.
    for group in ("immune-", "child-", "pregnancy-", "unknown-", "mixed-"):
        assert sum(1 for v in VIGNETTES if v.id.startswith(group)) >= 10, group


def test_every_seed_cause_leads_several_vignettes() -> None:
    for cause in (
        "congenital",
        "healed_injury",
        "chronic_hepatitis",
        "hepatic_tuberculosis",
        "cirrhosis",
    ):
        assert sum(1 for v in VIGNETTES if cause in v.leading) >= 6, cause


@pytest.mark.vignette
@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v.id)
def test_a_vignette_is_well_formed_and_never_under_triaged(
    vignette: Vignette, knowledge_base: KnowledgeBase
) -> None:
    assert set(vignette.leading) <= set(knowledge_base.causes_by_id)
    for citation in vignette.source:
        CITATION.validate_python(citation)  # the same citation form as the rules
    result = assess(vignette.answers, knowledge_base=knowledge_base)  # ids and values checked
    assert urgency_rank(result.urgency.level) >= urgency_rank(vignette.urgency), vignette.story
