"""An assessment as FHIR resources: one Bundle (``--format fhir``). docs/fhir.md says why these.

- an **Observation**: the urgency level as a code; the action, word for word, every reason that
  raised it, and the warning signs not answered, as notes;
- a **RiskAssessment**, status "preliminary": the possible causes for a physician to consider
  that something in the answers points to (and conditions a doctor already found), best
  supported first, each worded as the reports word it, never as a diagnosis, with SNOMED CT and
  ICD-10 codes where the references verify one; its mitigation is the recommendation;
- last, a **ServiceRequest** with intent "proposal": see a physician, with a priority never
  lower than the urgency, and the recommendation as the patient's instruction.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from livertriage.assessment import Assessment, Candidate
from livertriage.fhir_models import BASE, ICD_10, SNOMED_CT, Release, check_resource
from livertriage.knowledge import KnowledgeBase
from livertriage.lines import CARER_FINDINGS, CARER_LINE, FRAMING, UNINFORMATIVE, unanswered_signs
from livertriage.models import UrgencyLevel

__all__ = ["PRIORITY", "URGENCY_SYSTEM", "bundle"]

URGENCY_SYSTEM = f"{BASE}/CodeSystem/urgency"
_RESULT_SYSTEM = f"{BASE}/CodeSystem/result"
#: FHIR's request priorities, from lowest: routine, urgent, asap, stat. Each level maps to one
#: at least as high, so that no reader of the FHIR alone can take it for less pressing.
PRIORITY: dict[UrgencyLevel, str] = {
    "routine": "routine",
    "soon": "urgent",
    "urgent": "asap",
    "emergency": "stat",
}
#: For a baby, the scan's subject is the baby, and the parent or carer answers.
_SUBJECT = {"display": "The person the scan was for"}
#: Who made each resource: software, never a clinician.
_AUTHOR = {"display": "livertriage (rule-based software, not a clinician)"}


def bundle(
    assessment: Assessment, knowledge_base: KnowledgeBase, release: Release = "R4"
) -> dict[str, Any]:
    """The assessment as a Bundle of type "collection", each resource checked by FHIR's models
    (the optional extra ``livertriage[fhir]``)."""
    # Names that stay the same for the same assessment, so that the output is reproducible.
    digest = hashlib.sha256(assessment.model_dump_json().encode()).hexdigest()
    names = {
        kind: f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{BASE}/{kind}/{digest}')}"
        for kind in ("Bundle", "Observation", "RiskAssessment", "ServiceRequest")
    }
    resources = [
        _urgency(assessment, knowledge_base),
        _causes(assessment),
        _see_a_physician(assessment, names, release),
    ]
    result = {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": names["Bundle"]},
        "type": "collection",
        "entry": [
            {"fullUrl": names[resource["resourceType"]], "resource": resource}
            for resource in resources
        ],
    }
    return check_resource(result, release)  # the Bundle's model checks each resource in it


def _urgency(assessment: Assessment, knowledge_base: KnowledgeBase) -> dict[str, Any]:
    urgency = assessment.urgency
    notes = [urgency.action]
    notes += [f"{reason.rationale} [{reason.rule}]" for reason in urgency.reasons]
    if urgency.unanswered_red_flags and urgency.level != "emergency":
        labels = [knowledge_base.catalogue[q].label for q in urgency.unanswered_red_flags]
        notes.append(unanswered_signs(labels))
    return {
        "resourceType": "Observation",
        "status": "preliminary",
        "code": {
            "coding": [{"system": _RESULT_SYSTEM, "code": "urgency", "display": "Urgency"}],
            "text": "How soon to see a physician about calcification spots on the liver",
        },
        "subject": _SUBJECT,
        "device": _AUTHOR,
        "valueCodeableConcept": {
            "coding": [{"system": URGENCY_SYSTEM, "code": urgency.level, "display": urgency.label}],
            "text": f"{urgency.label} (livertriage's urgency level)",
        },
        # The action first, word for word; then every reason, and what was not answered.
        "note": [{"text": text} for text in notes],
    }


def _causes(assessment: Assessment) -> dict[str, Any]:
    """The causes something in the answers points to, and the conditions a doctor already
    found; the others are named in a note, uncoded, so that no code stands for a cause that
    nothing supports."""
    kb = assessment.knowledge_base
    supported = [c for c in assessment.candidates if c.evidence_for or c.known_condition]
    others = [c.name for c in assessment.candidates if c not in supported]
    notes = [UNINFORMATIVE] if assessment.causes_uninformative else []
    if others:
        notes.append(
            "Nothing in the answers points to the other causes on livertriage's list: "
            + "; ".join(others)
            + "."
        )
    if any(f.id in CARER_FINDINGS for f in assessment.findings):
        notes.append(CARER_LINE)
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "status": "preliminary",
        "subject": _SUBJECT,
        "code": {
            "text": "Possible causes of calcification spots on the liver, for a physician to "
            "consider: not a diagnosis",
        },
        "performer": _AUTHOR,
        "method": {
            "text": f"livertriage rules, knowledge base {kb.version} (SHA-256 {kb.fingerprint})"
        },
        "prediction": [_prediction(candidate) for candidate in supported],
        "mitigation": assessment.recommendation,
        "note": [{"text": text} for text in (*notes, assessment.disclaimer)],
    }
    if not supported:
        del resource["prediction"]
    return resource


def _prediction(candidate: Candidate) -> dict[str, Any]:
    codings = []
    # Not a condition a doctor already found: the question that says so may ask about more
    # than the code means ("cirrhotic or scarred"), and a record could file it as found.
    if not candidate.known_condition:
        if candidate.snomed:
            codings.append({"system": SNOMED_CT, "code": candidate.snomed})
        if candidate.icd10:
            codings.append({"system": ICD_10, "code": candidate.icd10})
    framing = (
        "a condition a doctor already found, which matters alongside the spots"
        if candidate.known_condition
        else FRAMING[candidate.framing]
    )
    outcome: dict[str, Any] = {"text": f"{candidate.name}: {framing}"}
    if codings:
        outcome["coding"] = codings
    reasons = [f"rank {candidate.rank}, score {candidate.score}"]
    reasons += [f"for: {item.rationale}" for item in candidate.evidence_for]
    reasons += [f"against: {item.rationale}" for item in candidate.evidence_against]
    return {"outcome": outcome, "rationale": "; ".join(reasons)}


def _see_a_physician(
    assessment: Assessment, names: dict[str, str], release: Release
) -> dict[str, Any]:
    level = assessment.urgency.level
    what = {"text": "See a physician"}
    because = [names["Observation"], names["RiskAssessment"]]
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "proposal",
        "priority": PRIORITY[level],
        "subject": _SUBJECT,
        "requester": _AUTHOR,
        "note": [{"text": f"{assessment.urgency.label}: {assessment.urgency.action}"}],
    }
    if release == "R4":
        resource["code"] = what
        resource["reasonReference"] = [{"reference": name} for name in because]
        resource["patientInstruction"] = assessment.recommendation
    else:  # R5 wraps the code and reasons in CodeableReference, and instructions in a list
        resource["code"] = {"concept": what}
        resource["reason"] = [{"reference": {"reference": name}} for name in because]
        resource["patientInstruction"] = [{"instructionMarkdown": assessment.recommendation}]
    return resource
