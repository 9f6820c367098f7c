"""The specification is complete: every step defined, every contract question and urgency level
in a scenario, and at least 60 scenarios (Examples rows counted)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from gherkin.parser import Parser

from livertriage import URGENCY_LEVELS, KnowledgeBase
from livertriage.safety import CONTRACT_QUESTION_IDS

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "features"


def documents() -> list[Any]:
    return [
        Parser().parse(path.read_text(encoding="utf-8"))
        for path in sorted(FEATURES.glob("*.feature"))
    ]


def scenarios(document: Any) -> list[Any]:
    found = []
    for child in document["feature"]["children"]:
        if "rule" in child:
            found += [c["scenario"] for c in child["rule"]["children"] if "scenario" in c]
        elif "scenario" in child:
            found.append(child["scenario"])
    return found


def texts(scenario: Any) -> list[str]:
    """Every step text, data-table cell and Examples cell of a scenario."""
    found = []
    for step in scenario["steps"]:
        found.append(step["text"])
        for row in step.get("dataTable", {}).get("rows", []):
            found += [cell["value"] for cell in row["cells"]]
    for examples in scenario["examples"]:
        for row in examples.get("tableBody", []):
            found += [cell["value"] for cell in row["cells"]]
    return found


def generate_missing(features: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--generate-missing", "--feature", str(features), "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result.stdout + result.stderr


@pytest.mark.slow
def test_generate_missing_finds_nothing_undefined() -> None:
    output = generate_missing(FEATURES)
    assert "Please place the code above" in output  # it ran
    assert "is not bound" not in output
    assert "is not defined" not in output


@pytest.mark.slow
def test_generate_missing_would_report_a_gap(tmp_path: Path) -> None:
    shutil.copytree(FEATURES, tmp_path / "features")
    (tmp_path / "features" / "new.feature").write_text(
        "Feature: new\n  Scenario: new\n    Given something nobody defined\n", encoding="utf-8"
    )
    assert 'Scenario "new" is not bound' in generate_missing(tmp_path / "features")


def test_at_least_sixty_scenarios_counting_examples_rows() -> None:
    count = 0
    for document in documents():
        for scenario in scenarios(document):
            rows = sum(len(e.get("tableBody", [])) for e in scenario["examples"])
            count += rows or 1
    assert count >= 60, count


def test_every_contract_question_is_in_a_scenario(knowledge_base: KnowledgeBase) -> None:
    names = {q.label: q.id for q in knowledge_base.questions} | {
        q: q for q in knowledge_base.catalogue
    }
    found: set[str] = set()
    for document in documents():
        for scenario in scenarios(document):
            for text in texts(scenario):
                candidates = {text.strip(), *re.findall(r'"([^"]+)"', text)}
                found |= {names[c] for c in candidates if c in names}
    missing = sorted(set(CONTRACT_QUESTION_IDS) - found)
    assert missing == [], f"contract questions in no scenario: {missing}"


def test_every_urgency_level_is_an_expected_outcome() -> None:
    expected: set[str] = set()
    for document in documents():
        for scenario in scenarios(document):
            for step in scenario["steps"]:
                match = re.fullmatch(r'the urgency is "(\w+)"', step["text"])
                if match:
                    expected.add(match[1])
    assert expected >= set(URGENCY_LEVELS)
