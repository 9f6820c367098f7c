"""The conversation without a terminal or click: plain functions say and prompt."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from livertriage import Interview, KnowledgeBase
from livertriage.conversation import MAX_PIPED_RETRIES, Conversation, Stopped, Tone


class Script:
    """Replies typed in turn; everything said, with its tone."""

    def __init__(self, replies: list[str]) -> None:
        self.replies: Iterator[str] = iter(replies)
        self.said: list[tuple[str, Tone]] = []

    def say(self, text: str = "", tone: Tone = "plain", *, whole: bool = False) -> None:
        self.said.append((text, tone))

    def prompt(self) -> str:
        try:
            return next(self.replies)
        except StopIteration:
            raise EOFError from None

    def text(self) -> str:
        return "\n".join(text for text, _ in self.said)


def talk(
    knowledge_base: KnowledgeBase, replies: list[str], *, interactive: bool = True
) -> tuple[Interview, Script]:
    script = Script(replies)
    interview = Interview(knowledge_base)
    conversation = Conversation(
        interview, say=script.say, prompt=script.prompt, interactive=interactive
    )
    conversation.run()
    return interview, script


def test_a_yes_to_an_emergency_sign_ends_with_an_alarm(knowledge_base: KnowledgeBase) -> None:
    interview, script = talk(knowledge_base, ["y"])
    assert interview.answers == {"vomiting_blood": "yes"}
    assert script.said[-2][1] == "alarm"
    assert script.said[-2][0].startswith("EMERGENCY: Call your emergency number")


def test_why_and_back_are_answered_and_quit_stops(knowledge_base: KnowledgeBase) -> None:
    script = Script(["why", "n", "back", "n", "n", "quit"])
    interview = Interview(knowledge_base)
    conversation = Conversation(interview, say=script.say, prompt=script.prompt, interactive=True)
    with pytest.raises(Stopped) as stopped:
        conversation.run()
    assert stopped.value.status == 1
    text = script.text()
    assert "Why this question: Vomiting blood" in text
    assert "Going back to: vomiting blood or coffee-ground material." in text
    assert interview.answers == {"vomiting_blood": "no", "black_stools": "no"}


def test_the_end_of_the_input_stops_the_conversation(knowledge_base: KnowledgeBase) -> None:
    with pytest.raises(Stopped) as stopped:
        talk(knowledge_base, ["n"])
    assert stopped.value.status == 1


def test_piped_replies_that_are_not_answers_become_dont_know(
    knowledge_base: KnowledgeBase,
) -> None:
    script = Script(["maybe"] * MAX_PIPED_RETRIES)
    interview = Interview(knowledge_base)
    with pytest.raises(Stopped):
        Conversation(interview, say=script.say, prompt=script.prompt, interactive=False).run()
    assert interview.answers == {"vomiting_blood": "unknown"}
    assert f"Taken as don't know after {MAX_PIPED_RETRIES} replies" in script.text()


def test_at_a_terminal_a_person_is_asked_again_as_often_as_needed(
    knowledge_base: KnowledgeBase,
) -> None:
    script = Script(["maybe"] * (MAX_PIPED_RETRIES + 2))
    interview = Interview(knowledge_base)
    with pytest.raises(Stopped):
        Conversation(interview, say=script.say, prompt=script.prompt, interactive=True).run()
    assert interview.answers == {}
