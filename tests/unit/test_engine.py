"""The experta engine behind its seam, fired(graph, answers): real forward chaining, instances
reused, the same firings as stock experta; and the graph's explanations of them."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

import pytest

from livertriage import KnowledgeBase, check_knowledge_base, load_knowledge_base
from livertriage.engine import RECOMMENDATION_RULE, fired
from livertriage.graph import Match, RuleGraph, compile_graph
from livertriage.triage import rule_graph
from tests.rules_edits import edit


def run(
    knowledge_base: KnowledgeBase, answers: Mapping[str, object], *, interview: bool = False
) -> frozenset[str]:
    return fired(rule_graph(knowledge_base, interview=interview), answers)  # type: ignore[arg-type]


def matched(knowledge_base: KnowledgeBase, rule_id: str, answers: Mapping[str, object]) -> Match:
    return rule_graph(knowledge_base).rules[rule_id].matched(answers)  # type: ignore[arg-type]


def test_answers_chain_into_findings_and_findings_into_evidence(
    knowledge_base: KnowledgeBase,
) -> None:
    answers = {"fever": "yes", "night_sweats": "yes"}
    rules = run(knowledge_base, answers)
    # Layer 1: answers -> a derived finding; the graph says which answers it came from.
    assert "constitutional_symptoms" in rules
    assert set(matched(knowledge_base, "constitutional_symptoms", answers).questions) == {
        "fever",
        "night_sweats",
    }
    # Layer 2: the finding -> evidence, which came from the finding.
    assert "tb.constitutional" in rules
    assert matched(knowledge_base, "tb.constitutional", answers) == Match(
        questions=(), findings=("constitutional_symptoms",)
    )


def test_findings_can_feed_urgency(knowledge_base: KnowledgeBase) -> None:
    answers = {"fever": "yes", "abdominal_pain": "yes"}
    assert "urgency.possible_liver_abscess" in run(knowledge_base, answers)
    assert matched(knowledge_base, "urgency.possible_liver_abscess", answers).findings == (
        "possible_liver_abscess",
    )


def test_unknown_is_never_evidence(knowledge_base: KnowledgeBase) -> None:
    everything_unknown = dict.fromkeys(
        (q.id for q in knowledge_base.questions if q.kind == "yes_no"), "unknown"
    )
    rules = run(knowledge_base, everything_unknown)
    evidence = {rule.id for rule in knowledge_base.evidence}
    findings = {rule.id for rule in knowledge_base.findings}
    assert not (set(rules) & (evidence | findings))


def test_the_recommendation_fires_every_time(knowledge_base: KnowledgeBase) -> None:
    for answers in ({}, {"vomiting_blood": "yes"}, {"fever": "yes", "chills": "yes", "age": 30}):
        assert RECOMMENDATION_RULE in run(knowledge_base, answers)


def test_an_any_of_condition_records_every_matching_answer(knowledge_base: KnowledgeBase) -> None:
    answers = {"ascites": "yes", "splenomegaly": "yes", "fever": "unknown"}
    assert "portal_hypertension_signs" in run(knowledge_base, answers)
    assert set(matched(knowledge_base, "portal_hypertension_signs", answers).questions) == {
        "ascites",
        "splenomegaly",
    }


def test_age_bounds_match_whole_years_only(knowledge_base: KnowledgeBase) -> None:
    assert "congenital.newborn" in run(knowledge_base, {"age": 0})
    assert "congenital.newborn" not in run(knowledge_base, {"age": 1})
    assert "advice.child" in run(knowledge_base, {"age": 15})
    assert "advice.child" not in run(knowledge_base, {"age": 16})
    assert "congenital.newborn" not in run(knowledge_base, {"age": "unknown"})


def test_a_reused_engine_keeps_nothing_from_the_previous_run(knowledge_base: KnowledgeBase) -> None:
    alone = run(knowledge_base, {"smoking": "yes"})
    run(knowledge_base, {"vomiting_blood": "yes", "fever": "yes", "tb_history": "yes"})
    assert run(knowledge_base, {"smoking": "yes"}) == alone


def test_the_knowledge_base_is_compiled_once(knowledge_base: KnowledgeBase) -> None:
    assert rule_graph(knowledge_base) is rule_graph(knowledge_base)
    interview = rule_graph(knowledge_base, interview=True)
    assert interview is rule_graph(knowledge_base, interview=True)
    assert interview is not rule_graph(knowledge_base)


def test_only_the_interview_engine_runs_ask_and_stop_rules(knowledge_base: KnowledgeBase) -> None:
    answers = {"prenatal_finding": "yes"}
    assessment = run(knowledge_base, answers)
    interview = run(knowledge_base, answers, interview=True)
    assert not any(rule.startswith(("ask.", "stop.")) for rule in assessment)
    assert "stop.pregnancy_or_newborn" in interview
    assert "ask.vomiting_blood" in interview
    # Everything else is the same.
    assert {r for r in interview if not r.startswith(("ask.", "stop."))} == assessment


def test_threads_get_their_own_engine_and_the_same_results(knowledge_base: KnowledgeBase) -> None:
    graph = compile_graph(knowledge_base, interview=True)  # a new graph: a new engine class
    answer_sets = [{"fever": "yes"}, {"jaundice": "yes"}, {"tb_history": "yes", "age": 40}]
    expected = [fired(graph, a) for a in answer_sets]  # type: ignore[arg-type]
    results: list[bool] = []

    def work() -> None:
        results.extend(
            [fired(graph, a) for a in answer_sets] == expected  # type: ignore[arg-type]
            for _ in range(20)
        )

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 80


# --- the compiled engine against plain experta -----------------------------------------------


def plain_experta_fired(graph: RuleGraph, answers: dict[str, object]) -> frozenset[str]:
    """The same compiled rules in a stock experta KnowledgeEngine (experta's own matcher,
    strategy and run loop), built fresh, so nothing can carry over from another run."""
    from experta import InitialFact, KnowledgeEngine
    from experta import Rule as ExpertaRule

    from livertriage.engine import AnswerSheet, _Compiler, _recommend, _same_condition

    compiler = _Compiler(graph.knowledge_base.age_question)
    rules = [graph.rules[rule_id].rule for rule_id in graph.running]
    namespace = {
        f"rule_{n}": compiler.rule(group) for n, group in enumerate(_same_condition(rules))
    }
    namespace["rule_recommendation"] = ExpertaRule(InitialFact(), salience=-1000)(_recommend)
    engine = type("Plain", (KnowledgeEngine,), namespace)()
    engine.fired = set()
    engine.reset()
    engine.declare(AnswerSheet(**answers))
    engine.run()
    return frozenset(engine.fired)


def random_answer_sets(knowledge_base: KnowledgeBase, count: int) -> list[dict[str, object]]:
    import random

    rng = random.Random(4)
    sets = []
    for _ in range(count):
        answers: dict[str, object] = {}
        for question in knowledge_base.questions:
            if rng.random() < 0.4:
                continue
            answers[question.id] = (
                rng.randint(0, 120)
                if question.kind == "age"
                else rng.choice(["yes", "no", "unknown"])
            )
        sets.append(answers)
    return sets


def with_join_nodes(rules_copy: Path) -> KnowledgeBase:
    """A knowledge base whose rules join answers with findings, and findings with findings:
    the shipped one has no such rules, so experta builds no join nodes for it."""
    evidence = rules_copy / "evidence.toml"
    edit(
        evidence,
        'when = { findings = ["constitutional_symptoms"] }',
        'when = { yes = ["tb_contact"], findings = ["constitutional_symptoms"] }',
    )
    edit(
        evidence,
        'when = { findings = ["active_process_signs"] }',
        'when = { findings = ["active_process_signs", "higher_risk_background"] }',
    )
    return load_knowledge_base(rules_copy)


@pytest.mark.parametrize(
    ("joins", "count"),
    [
        (False, 50),
        (True, 50),
        # Stock experta builds its network afresh for every set: minutes, so make test-long.
        pytest.param(False, 500, marks=pytest.mark.long),
        pytest.param(True, 500, marks=pytest.mark.long),
    ],
    ids=["shipped rules", "rules with join nodes", "shipped rules, 500", "join nodes, 500"],
)
def test_a_reused_engine_gives_what_plain_experta_gives_run_after_run(
    knowledge_base: KnowledgeBase, rules_copy: Path, joins: bool, count: int
) -> None:
    kb = with_join_nodes(rules_copy) if joins else knowledge_base
    graph = rule_graph(kb, interview=True)  # one engine, reused
    for answers in random_answer_sets(kb, count):
        ours = fired(graph, answers)  # type: ignore[arg-type]
        assert ours == plain_experta_fired(graph, answers), answers


def test_the_floor_proof_does_not_depend_on_earlier_runs(rules_copy: Path) -> None:
    # Black stools made to need a finding that only vomiting blood gives: the floor is broken
    # for black stools alone, whatever ran before it on the same engine.
    (rules_copy / "findings.toml").write_text(
        (rules_copy / "findings.toml").read_text(encoding="utf-8")
        + '\n[[finding]]\nid = "bleeding_seen"\nname = "vomited blood"\n'
        'when = { yes = ["vomiting_blood"] }\nrationale = "A test finding."\n'
        'source = ["clinical_facts §3 [V]"]\n',
        encoding="utf-8",
    )
    edit(
        rules_copy / "urgency.toml",
        'when = { yes = ["black_stools"] }',
        'when = { yes = ["black_stools"], findings = ["bleeding_seen"] }',
    )
    problems = [str(p) for p in check_knowledge_base(rules_copy)]
    assert any("black_stools answered yes gives" in problem for problem in problems), problems


def test_no_fact_type_declares_fields() -> None:
    # The engine's direct alpha tests read a missing slot as absent; experta would consult a
    # Field's default instead. They agree only while no fact type declares Fields.
    from livertriage.engine import AnswerSheet, Finding

    assert AnswerSheet.__fields__ == {}
    assert Finding.__fields__ == {}


def test_compiling_again_reuses_the_same_predicates(knowledge_base: KnowledgeBase) -> None:
    from experta.matchers.rete.check import WhereCheck

    fired(compile_graph(knowledge_base), {})
    known = len(WhereCheck._instances)
    fired(compile_graph(knowledge_base), {})
    assert len(WhereCheck._instances) == known


# --- experta's adaptations, on the paths the compiled rules never take --------------------------


def _finding_engines() -> list[object]:
    """The adapted engine and stock experta, each with one rule on a finding."""
    from experta import KnowledgeEngine
    from experta import Rule as ExpertaRule

    from livertriage._experta import DecoratedRule, Engine
    from livertriage.engine import Finding

    def on_x(engine: object, **matched: object) -> None:
        engine.fired.append("on_x")  # type: ignore[attr-defined]

    return [
        type("Engine", (base,), {"on_x": rule(Finding(id="x"))(on_x)})()
        for base, rule in ((Engine, DecoratedRule), (KnowledgeEngine, ExpertaRule))
    ]


@pytest.mark.parametrize(
    "steps",
    [
        ("declare",),
        ("declare", "retract"),
        ("declare", "retract", "declare"),
        ("declare", "run", "retract", "declare"),
    ],
)
def test_a_retraction_cancels_an_activation_as_in_stock_experta(steps: tuple[str, ...]) -> None:
    from livertriage.engine import Finding

    outcomes = []
    for engine in _finding_engines():
        engine.fired = []  # type: ignore[attr-defined]
        engine.reset()  # type: ignore[attr-defined]
        fact = None
        for step in steps:
            if step == "declare":
                fact = engine.declare(Finding(id="x"))  # type: ignore[attr-defined]
            elif step == "retract":
                engine.retract(fact)  # type: ignore[attr-defined]
            else:
                engine.run()  # type: ignore[attr-defined]
        engine.run()  # type: ignore[attr-defined]
        outcomes.append(engine.fired)  # type: ignore[attr-defined]
    assert outcomes[0] == outcomes[1]
    assert len(outcomes[0]) == steps.count("declare") - steps.count("retract") + steps.count("run")


def test_a_fact_declared_twice_is_one_fact_as_in_stock_experta() -> None:
    from experta.factlist import FactList

    from livertriage._experta import _FactList
    from livertriage.engine import AnswerSheet, Finding

    facts = _FactList()
    assert facts.declare(Finding(id="x")) is not None
    assert facts.declare(Finding(id="x")) is None
    declared = AnswerSheet(fever="yes", age=40)
    facts.declare(declared)  # now carries __factid__, which its identity leaves out
    for fact in (declared, AnswerSheet(fever="yes", age=40), Finding(id="y")):
        assert _FactList._get_fact_id(fact) == FactList._get_fact_id(fact)


def test_the_engine_reset_takes_no_arguments() -> None:
    engine = _finding_engines()[0]
    with pytest.raises(TypeError):
        engine.reset(person="x")  # type: ignore[attr-defined]


@pytest.mark.parametrize("interview", [False, True])
def test_compiled_rules_skip_the_rewriting_and_equal_what_it_gives(
    knowledge_base: KnowledgeBase, interview: bool
) -> None:
    from experta.matchers.rete import ReteMatcher

    from livertriage._experta import _ChangedNodesMatcher, _in_normal_form
    from livertriage.engine import _compiled_for

    engine = _compiled_for(rule_graph(knowledge_base, interview=interview)).engine()
    assert all(_in_normal_form(rule) for rule in engine.get_rules())  # the short way is taken
    assert _ChangedNodesMatcher.prepare_ruleset(engine) == ReteMatcher.prepare_ruleset(engine)


def test_a_rule_not_in_normal_form_is_rewritten_as_experta_does() -> None:
    from experta import OR, Fact, KnowledgeEngine
    from experta import Rule as ExpertaRule
    from experta.fieldconstraint import ORFC, L
    from experta.matchers.rete import ReteMatcher

    from livertriage._experta import _ChangedNodesMatcher, _in_normal_form

    def action(engine: object, **matched: object) -> None:
        pass

    rules = {
        "either": ExpertaRule(OR(Fact(a=1), Fact(b=2)))(action),
        "either_value": ExpertaRule(Fact(a=ORFC(L(1), L(2))))(action),
    }
    engine = type("Mixed", (KnowledgeEngine,), rules)()
    assert not any(_in_normal_form(rule) for rule in engine.get_rules())
    assert _ChangedNodesMatcher.prepare_ruleset(engine) == ReteMatcher.prepare_ruleset(engine)
