"""Guards that the older tests could not catch missing.

Each test here starts from input that only the guard itself can put right: a rules copy whose
questions are written out of stage order, rationales that are not one sentence, a fresh
interpreter in which nothing but the experta shim has run. Remove the guard and the test fails.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import livertriage
from livertriage import Interview, KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from livertriage.cli import cli
from livertriage.models import STAGE_ORDER
from tests.rules_edits import edit

RED_FLAGS_WRITTEN_FIRST = "vomiting_blood"

# --- helpers ---------------------------------------------------------------------------------


def _blocks(text: str) -> list[str]:
    """The file split before each [[...]] table (the first block is the header comment)."""
    return re.split(r"(?m)^(?=\[\[)", text)


def move_to_end(path: Path, entry_ids: list[str]) -> None:
    """Move the [[...]] tables with these ids, in the order given, to the end of the file."""
    blocks = _blocks(path.read_text(encoding="utf-8"))
    moved = [
        next(block for block in blocks if f'id = "{entry_id}"\n' in block) for entry_id in entry_ids
    ]
    kept = [block for block in blocks if block not in moved]
    assert len(kept) == len(blocks) - len(entry_ids), entry_ids
    text = "".join(kept).rstrip("\n") + "\n\n" + "".join(moved)
    path.write_text(text, encoding="utf-8")


def written_order(rules: Path) -> list[tuple[str, str]]:
    """(id, stage) of each question, in the order questions.toml writes them."""
    with (rules / "questions.toml").open("rb") as file:
        document = tomllib.load(file)
    return [(question["id"], question["stage"]) for question in document["question"]]


def assert_in_stage_order(knowledge_base: KnowledgeBase, written: list[tuple[str, str]]) -> None:
    """Every question of a stage comes before every question of a later stage, and within a stage
    the questions keep the order of the file (rules/questions.toml promises both)."""
    loaded = [(question.id, question.stage) for question in knowledge_base.questions]
    assert sorted(loaded) == sorted(written)
    ranks = [STAGE_ORDER.index(stage) for _, stage in loaded]
    assert ranks == sorted(ranks), [qid for qid, _ in loaded]
    for stage in STAGE_ORDER:
        assert [q for q, s in loaded if s == stage] == [q for q, s in written if s == stage]


def asked_until(interview: Interview, target: str) -> list[str]:
    """Answer "no" (and an adult age) to each question asked, until ``target`` is asked; return
    the ids asked before it."""
    asked: list[str] = []
    while (question := interview.current) is not None and question.id != target:
        asked.append(question.id)
        interview.answer(question.id, 40 if question.kind == "age" else "no")
    assert question is not None, f"{target} was never asked; asked {asked}"
    return asked


# --- the stage sort (livertriage/knowledge.py) ------------------------------------------------


def test_a_red_flag_question_written_last_is_still_asked_with_the_red_flags(
    rules_copy: Path,
) -> None:
    move_to_end(rules_copy / "questions.toml", [RED_FLAGS_WRITTEN_FIRST])
    written = written_order(rules_copy)
    # Only a sort can bring it back: the file now lists it after the legacy questions.
    assert written[-1] == (RED_FLAGS_WRITTEN_FIRST, "red_flag")
    assert written[-2][1] == "legacy"

    knowledge_base = load_knowledge_base(rules_copy)

    assert_in_stage_order(knowledge_base, written)
    stages = {question.id: question.stage for question in knowledge_base.questions}
    asked_before = asked_until(Interview(knowledge_base), RED_FLAGS_WRITTEN_FIRST)
    assert asked_before, "the other red flags, written before it, come first"
    assert {stages[qid] for qid in asked_before} == {"red_flag"}


def test_when_every_red_flag_is_written_last_the_interview_still_opens_with_one(
    rules_copy: Path,
) -> None:
    red_flags = [qid for qid, stage in written_order(rules_copy) if stage == "red_flag"]
    assert red_flags[0] == RED_FLAGS_WRITTEN_FIRST
    move_to_end(rules_copy / "questions.toml", red_flags)
    written = written_order(rules_copy)
    assert written[0][1] == "special_group"
    assert [qid for qid, _ in written[-len(red_flags) :]] == red_flags

    knowledge_base = load_knowledge_base(rules_copy)

    assert_in_stage_order(knowledge_base, written)
    assert knowledge_base.questions[0].id == RED_FLAGS_WRITTEN_FIRST
    first = Interview(knowledge_base).current
    assert first is not None
    assert first.id == RED_FLAGS_WRITTEN_FIRST


# --- the one-sentence rationale (livertriage/models.py) ---------------------------------------

RULE_FILE = "advice.toml"
RULE_ID = "advice.sleep"
RATIONALE = "The source text advises sufficient, good-quality sleep to support liver repair."
NOT_ONE_SENTENCE = {
    "two sentences": "First sentence. Second sentence.",
    "a question and a sentence": "Does sleep help? The source text says so.",
    "empty": "",
    "no full stop": "The source text advises sleep",
    "two lines": "The source text advises sleep.\\nIt helps the liver repair.",
}


def set_rationale(rules: Path, rationale: str) -> None:
    edit(rules / RULE_FILE, f'rationale = "{RATIONALE}"', f'rationale = "{rationale}"')


@pytest.mark.parametrize("rationale", NOT_ONE_SENTENCE.values(), ids=list(NOT_ONE_SENTENCE))
def test_a_rationale_that_is_not_one_sentence_stops_the_load(
    rules_copy: Path, rationale: str
) -> None:
    set_rationale(rules_copy, rationale)
    with pytest.raises(KnowledgeBaseError) as raised:
        load_knowledge_base(rules_copy)
    message = str(raised.value)
    assert f"{RULE_FILE} [{RULE_ID}]" in message
    assert "rationale must be one sentence" in message
    [problem] = raised.value.problems
    assert (problem.file, problem.entry_id, problem.severity) == (RULE_FILE, RULE_ID, "error")


@pytest.mark.parametrize("rationale", NOT_ONE_SENTENCE.values(), ids=list(NOT_ONE_SENTENCE))
def test_rules_check_names_a_rationale_that_is_not_one_sentence_and_exits_2(
    runner: CliRunner, rules_copy: Path, rationale: str
) -> None:
    set_rationale(rules_copy, rationale)
    result = runner.invoke(cli, ["rules", "check", str(rules_copy)])
    assert result.exit_code == 2, result.stdout
    assert result.stdout.splitlines()[0] == (
        f"error: {RULE_FILE} [{RULE_ID}]: rationale: a rationale must be one sentence on one line, "
        "ending with a full stop"
    )
    assert result.stdout.splitlines()[-1].endswith(": 1 error, 0 warnings")
    assert result.stderr.startswith("livertriage: error: ")
    assert "Traceback" not in result.output


def test_one_sentence_with_a_decimal_and_an_abbreviation_still_loads(rules_copy: Path) -> None:
    rationale = "Adults need about 7.5 hours of sleep, e.g. at night, for liver repair."
    set_rationale(rules_copy, rationale)
    knowledge_base = load_knowledge_base(rules_copy)
    [rule] = [rule for rule in knowledge_base.advice if rule.id == RULE_ID]
    assert rule.rationale == rationale


# --- the experta shim (livertriage/_compat.py), in fresh interpreters --------------------------

SHIM = Path(livertriage.__file__).resolve().parent / "_compat.py"

# Loads the shim from its file, without importing the livertriage package (whose __init__ would
# apply it, and import experta, on its own).
LOAD_SHIM_ALONE = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location("shim_under_test", {str(SHIM)!r})
shim = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shim)
assert "livertriage" not in sys.modules and "experta" not in sys.modules
"""


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.skipif(sys.version_info < (3, 10), reason="collections.Mapping exists before 3.10")
def test_experta_imports_after_the_shim_alone_and_not_without_it() -> None:
    without = run_python("import experta")
    assert without.returncode != 0
    assert "AttributeError" in without.stderr
    assert "Mapping" in without.stderr

    with_shim = run_python(LOAD_SHIM_ALONE + "import experta; print(experta.__version__)")
    assert with_shim.returncode == 0, with_shim.stderr
    assert with_shim.stdout.strip() == "1.9.4"


def test_apply_restores_a_missing_alias_and_leaves_an_existing_one_alone() -> None:
    result = run_python(
        LOAD_SHIM_ALONE
        + """
import collections, collections.abc, json
seen = {"after_load": getattr(collections, "Mapping", None) is collections.abc.Mapping}
del collections.Mapping
seen["deleted"] = not hasattr(collections, "Mapping")
shim.apply()
seen["restored"] = getattr(collections, "Mapping", None) is collections.abc.Mapping
shim.apply()
seen["again"] = getattr(collections, "Mapping", None) is collections.abc.Mapping
collections.Mapping = marker = object()
shim.apply()
seen["kept"] = collections.Mapping is marker
print(json.dumps(seen))
"""
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "after_load": True,
        "deleted": True,
        "restored": True,
        "again": True,
        "kept": True,
    }
