"""Every feature file runs as tests: one line per file, as jrnl does."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("advice.feature")
scenarios("babies_and_children.feature")
scenarios("bad_input.feature")
scenarios("causes.feature")
scenarios("fhir.feature")
scenarios("knowledge_base.feature")
scenarios("pregnancy.feature")
scenarios("questionnaire.feature")
scenarios("unknown_answers.feature")
scenarios("urgency.feature")
scenarios("vignettes.feature")
scenarios("weakened_immunity.feature")
