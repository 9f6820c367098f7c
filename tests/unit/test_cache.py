"""The checked knowledge base kept between runs: used only for exactly the rules and code it was
checked from, never when it could have been changed by someone else, never by rules check."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from livertriage import KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from livertriage.cache import cache_key
from livertriage.cli import cli
from tests.rules_edits import edit


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("LIVERTRIAGE_CACHE_DIR", str(folder))
    return folder


def reading_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_reading(directory: Path) -> KnowledgeBase:
        raise AssertionError(f"read {directory} again")

    monkeypatch.setattr("livertriage.triage.read_knowledge_base", no_reading)


def test_a_second_load_of_the_same_rules_uses_the_cache(
    rules_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_knowledge_base(rules_copy)
    [entry] = cache.glob("*.pickle")
    assert entry.stem == cache_key(rules_copy)
    assert oct(entry.stat().st_mode & 0o777) == oct(0o600)
    reading_fails(monkeypatch)
    again = load_knowledge_base(rules_copy)
    assert again.fingerprint == first.fingerprint
    assert again.questions == first.questions


def test_an_edited_rules_file_is_read_and_checked_again(rules_copy: Path, cache: Path) -> None:
    load_knowledge_base(rules_copy)
    edit(
        rules_copy / "urgency.toml",
        'label = "Emergency"',
        'label = "Emergency. You have cirrhosis"',
    )
    with pytest.raises(KnowledgeBaseError):
        load_knowledge_base(rules_copy)


def test_an_entry_others_can_write_is_never_read(
    rules_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_knowledge_base(rules_copy)
    [entry] = cache.glob("*.pickle")
    entry.chmod(0o666)
    reading_fails(monkeypatch)
    with pytest.raises(AssertionError, match="read"):
        load_knowledge_base(rules_copy)


def test_a_corrupt_entry_means_a_full_load(rules_copy: Path, cache: Path) -> None:
    load_knowledge_base(rules_copy)
    [entry] = cache.glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert load_knowledge_base(rules_copy).questions


def test_rules_check_never_reads_the_cache(
    rules_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_knowledge_base(rules_copy)

    def no_cache(directory: Path) -> None:
        raise AssertionError("rules check read the cache")

    monkeypatch.setattr("livertriage.cache.cached", no_cache)
    monkeypatch.setattr("livertriage.triage.cached", no_cache)
    result = CliRunner().invoke(cli, ["rules", "check", str(rules_copy)])
    assert result.exit_code == 0, result.output


def test_the_cache_can_be_turned_off(
    rules_copy: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIVERTRIAGE_NO_CACHE", "1")
    load_knowledge_base(rules_copy)
    assert not cache.exists()
    # ... and nothing kept earlier is read either.
    monkeypatch.delenv("LIVERTRIAGE_NO_CACHE")
    load_knowledge_base(rules_copy)
    monkeypatch.setenv("LIVERTRIAGE_NO_CACHE", "1")
    reading_fails(monkeypatch)
    with pytest.raises(AssertionError, match="read"):
        load_knowledge_base(rules_copy)


@pytest.mark.slow
def test_a_cached_start_imports_only_what_an_assessment_needs(tmp_path: Path, cache: Path) -> None:
    # The point of the cache and of the lazy imports: a start that assesses skips reading and
    # checking the rules, the interview, the session files, and the did-you-mean suggestions.
    import json
    import os
    import subprocess
    import sys

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"fever": "yes", "age": 40}), encoding="utf-8")
    code = (
        "import sys\n"
        "from livertriage.cli import main\n"
        "try:\n"
        f"    main(['assess', '--answers', {str(answers)!r}, '--format', 'json'])\n"
        "except SystemExit as end:\n"
        "    assert end.code in (0, None), end.code\n"
        "print(sorted(m for m in sys.modules if m in {'tomllib', 'difflib', "
        "'livertriage.interview', 'livertriage.session', 'livertriage.proofs'}), "
        "file=sys.stderr)\n"
    )
    environment = {**os.environ, "LIVERTRIAGE_CACHE_DIR": str(cache)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=environment,
            check=True,
        )
        for _ in range(2)  # the first fills the cache
    ]
    assert "tomllib" in runs[0].stderr  # the check: the first start read the rules
    assert runs[1].stderr.strip().splitlines()[-1] == "[]"
