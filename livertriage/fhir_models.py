"""FHIR's words for ours: the identifiers, the codings, and the models that check a resource.

The models come from ``fhir.resources`` (pydantic models of every FHIR resource), installed by
the optional extra ``livertriage[fhir]``; it is imported only when a FHIR resource is read or
written, so the rest of livertriage neither needs it nor pays for importing it. R4 resources
are checked with its R4B models, which are R4's for every resource livertriage reads or writes.
"""

from __future__ import annotations

import importlib
import json
from typing import Any, Literal

from livertriage.errors import AnswersError, MissingExtraError

__all__ = [
    "BASE",
    "DONT_KNOW",
    "NO",
    "QUESTIONNAIRE_URL",
    "RELEASES",
    "YES",
    "Release",
    "check_resource",
    "dumps",
    "model",
    "read_response_model",
]

Release = Literal["R4", "R5"]
RELEASES: tuple[Release, ...] = ("R4", "R5")

#: livertriage publishes nothing (it is offline), so its identifiers live under ".invalid", the
#: domain reserved never to resolve: unique, and never pretending to be someone's web page.
BASE = "https://livertriage.invalid/fhir"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/livertriage"

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
    """Check a QuestionnaireResponse against FHIR's model; bad input gets one line.

    R4's model: its ``questionnaire`` is optional, where R5's is required, and a response of
    either release has the same shape otherwise.
    """
    from pydantic import ValidationError

    try:
        model("QuestionnaireResponse").model_validate(resource)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the resource"
        raise AnswersError(
            f"answers: the QuestionnaireResponse is not valid FHIR at {where}: {first['msg']}"
        ) from None


def dumps(resource: dict[str, Any]) -> str:
    """A resource as indented JSON, ending with a newline."""
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
