"""Traceability: every statement of the seed has a scenario, and every statement tag is real.

The statements are in features/seed_statements.toml; a scenario covers one with the tag
@seed-<id>. The scenarios are read with the official Gherkin parser, so a statement counts as
covered only when a scenario (or its Rule, Feature or Examples) carries its tag.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gherkin.parser import Parser

FEATURES = Path(__file__).resolve().parents[2] / "features"
SEED = FEATURES / "seed" / "000_092d38c8fe8d92ea.txt"
TAG = re.compile(r"@seed-((?:intro|advice|[1-5])\.\d+)")


def statements() -> dict[str, Any]:
    with (FEATURES / "seed_statements.toml").open("rb") as stream:
        return tomllib.load(stream)


def seed_sentences() -> list[str]:
    sentences = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if re.match(r"^\d\. ", line):  # a section heading
            sentences.append(line)
        elif line:
            sentences += re.split(r"(?<=[.?!:])\s+(?=[A-Z])", line)
    return sentences


def scenario_tags(features: Path) -> Iterator[tuple[str, set[str]]]:
    """(scenario name, every tag that applies to it) for every scenario in every feature file."""
    for path in sorted(features.glob("*.feature")):
        # The parser's TypedDicts do not describe Rule children; read the document as plain data.
        document: Any = Parser().parse(path.read_text(encoding="utf-8"))
        feature = document["feature"]
        feature_tags = {tag["name"] for tag in feature["tags"]}
        for child in feature["children"]:
            if "rule" in child:
                rule_tags = {tag["name"] for tag in child["rule"]["tags"]}
                grandchildren = child["rule"]["children"]
            else:
                rule_tags, grandchildren = set(), [child]
            for item in grandchildren:
                if "scenario" not in item:
                    continue
                scenario = item["scenario"]
                tags = feature_tags | rule_tags | {tag["name"] for tag in scenario["tags"]}
                for examples in scenario["examples"]:
                    tags |= {tag["name"] for tag in examples["tags"]}
                yield f"{path.name}: {scenario['name']}", tags


def covered(features: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, tags in scenario_tags(features):
        for tag in tags:
            match = TAG.fullmatch(tag)
            if match:
                found.setdefault(match[1], []).append(name)
    return found


def test_every_statement_is_in_the_seed() -> None:
    seed = SEED.read_text(encoding="utf-8")
    for statement in statements()["statement"]:
        assert statement["text"] in seed, statement["id"]


def test_every_sentence_of_the_seed_is_accounted_for() -> None:
    data = statements()
    known = {s["text"] for s in data["statement"]} | set(data["not_statements"]["text"])
    missing = [sentence for sentence in seed_sentences() if sentence not in known]
    assert missing == []


def test_every_statement_has_a_scenario() -> None:
    found = covered(FEATURES)
    uncovered = [s["id"] for s in statements()["statement"] if s["id"] not in found]
    assert uncovered == [], f"seed statements without a scenario: {uncovered}"


def test_every_statement_tag_names_a_statement() -> None:
    ids = {s["id"] for s in statements()["statement"]}
    unknown = sorted(set(covered(FEATURES)) - ids)
    assert unknown == [], f"tags naming no seed statement: {unknown}"


def test_deleting_a_statements_only_scenario_is_caught(tmp_path: Path) -> None:
    # The check must be able to fail: remove every scenario tagged @seed-4.3 from a copy.
    for path in FEATURES.glob("*.feature"):
        text = path.read_text(encoding="utf-8")
        blocks = re.split(r"(?m)^(?=\s*(?:@[^\n]*\n\s*)*(?:Scenario|Rule|Feature))", text)
        kept = [block for block in blocks if "@seed-4.3" not in block]
        (tmp_path / path.name).write_text("".join(kept), encoding="utf-8")
    assert "4.3" in covered(FEATURES)
    assert "4.3" not in covered(tmp_path)
