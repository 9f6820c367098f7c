"""The README's library example runs, and says what it shows."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_library_example_runs_as_documented() -> None:
    [block] = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(block, str(README), "exec"), namespace)
    result = namespace["result"]
    # The comments in the example promise these values.
    assert result.urgency.level == "soon"  # type: ignore[attr-defined]
    assert result.candidates[0].name == "Hepatic tuberculosis"  # type: ignore[attr-defined]
    assert "physician" in result.recommendation  # type: ignore[attr-defined]


def test_the_all_no_question_count_is_true() -> None:
    from livertriage import Interview, load_knowledge_base

    text = README.read_text(encoding="utf-8")
    claimed = re.search(r"\*\*(\d+) of the (\d+)\s+questions\*\*", text)
    assert claimed, "the README states how many questions an all-no interview asks"
    knowledge_base = load_knowledge_base()
    interview = Interview(knowledge_base)
    asked = 0
    while (question := interview.current) is not None:
        asked += 1
        interview.answer(question.id, 45 if question.kind == "age" else "no")
    askable = [q for q in knowledge_base.questions if q.stage != "legacy"]
    assert (asked, len(askable)) == (int(claimed[1]), int(claimed[2]))
