"""The experta engine: real forward chaining, explanation as data, instances reused."""

from __future__ import annotations

import threading

from livertriage import KnowledgeBase
from livertriage.engine import RECOMMENDATION_RULE, CompiledRules, Firing
from livertriage.triage import compiled_rules


def fired(firings: tuple[Firing, ...]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for firing in firings:
        result.setdefault(firing.rule, set()).update(firing.because)
    return result


def test_answers_chain_into_findings_and_findings_into_evidence(
    knowledge_base: KnowledgeBase,
) -> None:
    rules = fired(compiled_rules(knowledge_base).run({"fever": "yes", "night_sweats": "yes"}))
    # Layer 1: answers -> a derived finding, recording the answers it came from.
    assert rules["constitutional_symptoms"] == {"fever=yes", "night_sweats=yes"}
    # Layer 2: the finding -> evidence, recording the finding it came from.
    assert rules["tb.constitutional"] == {"finding:constitutional_symptoms"}


def test_findings_can_feed_urgency(knowledge_base: KnowledgeBase) -> None:
    rules = fired(compiled_rules(knowledge_base).run({"fever": "yes", "abdominal_pain": "yes"}))
    assert rules["urgency.possible_liver_abscess"] == {"finding:possible_liver_abscess"}


def test_unknown_is_never_evidence(knowledge_base: KnowledgeBase) -> None:
    everything_unknown = dict.fromkeys(
        (q.id for q in knowledge_base.questions if q.kind == "yes_no"), "unknown"
    )
    rules = fired(compiled_rules(knowledge_base).run(everything_unknown))
    evidence = {rule.id for rule in knowledge_base.evidence}
    findings = {rule.id for rule in knowledge_base.findings}
    assert not (set(rules) & (evidence | findings))


def test_the_recommendation_fires_last_every_time(knowledge_base: KnowledgeBase) -> None:
    compiled = compiled_rules(knowledge_base)
    for answers in ({}, {"vomiting_blood": "yes"}, {"fever": "yes", "chills": "yes", "age": 30}):
        firings = compiled.run(answers)  # type: ignore[arg-type]
        assert firings[-1] == Firing(RECOMMENDATION_RULE, ())
        assert [f.rule for f in firings].count(RECOMMENDATION_RULE) == 1


def test_an_any_of_condition_records_every_matching_answer(knowledge_base: KnowledgeBase) -> None:
    rules = fired(compiled_rules(knowledge_base).run({"ascites": "yes", "splenomegaly": "yes"}))
    assert rules["portal_hypertension_signs"] == {"ascites=yes", "splenomegaly=yes"}


def test_age_bounds_match_whole_years_only(knowledge_base: KnowledgeBase) -> None:
    compiled = compiled_rules(knowledge_base)
    assert "congenital.newborn" in fired(compiled.run({"age": 0}))
    assert "congenital.newborn" not in fired(compiled.run({"age": 1}))
    assert "advice.child" in fired(compiled.run({"age": 15}))
    assert "advice.child" not in fired(compiled.run({"age": 16}))
    assert "congenital.newborn" not in fired(compiled.run({"age": "unknown"}))


def test_a_reused_engine_keeps_nothing_from_the_previous_run(knowledge_base: KnowledgeBase) -> None:
    compiled = compiled_rules(knowledge_base)
    alone = compiled.run({"smoking": "yes"})
    compiled.run({"vomiting_blood": "yes", "fever": "yes", "tb_history": "yes"})
    assert compiled.run({"smoking": "yes"}) == alone


def test_the_knowledge_base_is_compiled_once(knowledge_base: KnowledgeBase) -> None:
    assert compiled_rules(knowledge_base) is compiled_rules(knowledge_base)
    interview = compiled_rules(knowledge_base, interview=True)
    assert interview is compiled_rules(knowledge_base, interview=True)
    assert interview is not compiled_rules(knowledge_base)


def test_only_the_interview_engine_runs_ask_and_stop_rules(knowledge_base: KnowledgeBase) -> None:
    answers = {"prenatal_finding": "yes"}
    assessment = fired(compiled_rules(knowledge_base).run(answers))
    interview = fired(compiled_rules(knowledge_base, interview=True).run(answers))
    assert not any(rule.startswith(("ask.", "stop.")) for rule in assessment)
    assert "stop.pregnancy_or_newborn" in interview
    assert "ask.vomiting_blood" in interview
    # Everything else is the same.
    assert {r: b for r, b in interview.items() if not r.startswith(("ask.", "stop."))} == assessment


def test_threads_get_their_own_engine_and_the_same_results(knowledge_base: KnowledgeBase) -> None:
    compiled = CompiledRules(knowledge_base.rules, knowledge_base.age_question)
    answer_sets = [{"fever": "yes"}, {"jaundice": "yes"}, {"tb_history": "yes", "age": 40}]
    expected = [fired(compiled.run(a)) for a in answer_sets]  # type: ignore[arg-type]
    results: list[bool] = []

    def work() -> None:
        results.extend(
            [fired(compiled.run(a)) for a in answer_sets] == expected  # type: ignore[arg-type]
            for _ in range(20)
        )

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 80
