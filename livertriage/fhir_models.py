"""FHIR's words for ours: the identifiers, the codings, and the models that check a resource.

The models come from ``fhir.resources`` (pydantic models of every FHIR resource), installed by
the optional extra ``livertriage[fhir]``; it is imported only when a FHIR resource is read or
written, so the rest of livertriage neither needs it nor pays for importing it. R4 resources
are checked with its R4B models, which are R4's for every resource livertriage reads or writes.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Container
from typing import Any, Literal

from livertriage.errors import AnswersError, MissingExtraError, printable, shortened

__all__ = [
    "ABOUT_LINK",
    "BASE",
    "DONT_KNOW",
    "EMERGENCY_SUFFIX",
    "HELP_SUFFIX",
    "ICD_10",
    "NO",
    "QUESTIONNAIRE_URL",
    "SNOMED_CT",
    "YES",
    "Release",
    "check_resource",
    "dumps",
    "is_display_link",
    "model",
    "read_response_model",
]

Release = Literal["R4", "R5"]

#: livertriage publishes nothing (it is offline), so its identifiers live under ".invalid", the
#: domain reserved never to resolve: unique, and never pretending to be someone's web page.
BASE = "https://livertriage.invalid/fhir"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/livertriage"
SNOMED_CT = "http://snomed.info/sct"
ICD_10 = "http://hl7.org/fhir/sid/icd-10"

# FHIR's own "yes / no / don't know" (the ValueSet yesnodontknow): HL7 v2 table 0136 for yes
# and no, and the data-absent reason "asked-unknown" for don't know.
YES = {"system": "http://terminology.hl7.org/CodeSystem/v2-0136", "code": "Y", "display": "Yes"}
NO = {"system": "http://terminology.hl7.org/CodeSystem/v2-0136", "code": "N", "display": "No"}
DONT_KNOW = {
    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
    "code": "asked-unknown",
    "display": "Don't know",
}

INSTALL = 'pip install "livertriage[fhir]"'


def model(resource_type: str, release: Release = "R4") -> Any:
    """The ``fhir.resources`` class of a resource type, such as ``Questionnaire``."""
    package = "fhir.resources.R4B" if release == "R4" else "fhir.resources"
    try:
        module = importlib.import_module(f"{package}.{resource_type.lower()}")
    except ModuleNotFoundError as error:
        if error.name is not None and error.name.split(".")[0] in ("fhir", "fhir_core"):
            raise MissingExtraError(
                f"FHIR needs the optional extra, which is not installed; install it with: {INSTALL}"
            ) from None
        raise
    return getattr(module, resource_type)


def check_resource(resource: dict[str, Any], release: Release = "R4") -> dict[str, Any]:
    """``resource`` (JSON as a dict), once FHIR's models accept it; a ValueError if not."""
    model(str(resource["resourceType"]), release).model_validate(resource)
    return resource


def read_response_model(resource: dict[str, Any]) -> None:
    """Check a QuestionnaireResponse against FHIR's models; bad input gets one line.

    R4's model first, then R5's: the two differ in a few elements (R5's ``identifier`` is a
    list), and a response of either release is read the same way.
    """
    from pydantic import ValidationError

    try:
        model("QuestionnaireResponse").model_validate(resource)
    except ValidationError as error:
        try:
            model("QuestionnaireResponse", "R5").model_validate(resource)
        except ValidationError as other:
            # The release it was written for is the one with fewer problems.
            closer = min((error, other), key=lambda found: found.error_count())
            raise AnswersError(_first_problem(closer)) from None


def _first_problem(error: Any) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the resource"
    what = str(first["msg"])
    if what.startswith("Invalid JSON"):  # the models try a string as JSON text first
        what = "expected a JSON object or list here"
    # printable here too: a location is a JSON key, which a library caller may print as is.
    where, what = (printable(" ".join(text.split())) for text in (where, what))
    return (
        "answers: the QuestionnaireResponse is not valid FHIR at "
        f"{shortened(where, 60)}: {shortened(what, 120)}"
    )


#: The Questionnaire's display items (see :mod:`livertriage.fhir_questionnaire`): what it is,
#: each question's help, and what to do at once after an answer that means an emergency.
ABOUT_LINK = "about"
HELP_SUFFIX = ".help"
EMERGENCY_SUFFIX = ".emergency"


def is_display_link(link: str, question_ids: Container[str]) -> bool:
    """Whether ``link`` is one of the Questionnaire's display items, which hold no answer: an
    emergency note follows a question or a rule (``urgency.…``)."""
    if link.endswith(HELP_SUFFIX):
        return link.removesuffix(HELP_SUFFIX) in question_ids
    return link == ABOUT_LINK or link.endswith(EMERGENCY_SUFFIX)


def dumps(resource: dict[str, Any]) -> str:
    """A resource as indented JSON, ending with a newline."""
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
