"""One client's record as a FHIR Bundle, built and validated with fhir.resources.

fhir.resources 8 models FHIR R5 at its top level; R5 has no Media and a different
AdverseEvent. The export therefore uses the package's `fhir.resources.R4B` models (FHIR 4.3.0,
the R4 family: Patient, Consent, Questionnaire(Response), Procedure, Observation, AdverseEvent,
CarePlan, Media and CodeSystem have the R4 shapes). Each resource is validated as it is made
(`model_validate`), and the Bundle again as a whole.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.fhirresourcemodel import FHIRResourceModel
from fhir.resources.R4B.resource import Resource

from acuface.aftercare.models import AdverseEvent
from acuface.atlas.models import Point
from acuface.clients.models import Client
from acuface.clients.selectors import consent_status
from acuface.courses.models import Course
from acuface.intake.models import Intake
from acuface.intake.questionnaire import answer_display
from acuface.intake.selectors import schema_of
from acuface.photos.models import AnalysisStatus, Photo
from acuface.treatments.models import ASSESSMENT_REGIONS, TreatmentSession

BASE = "https://acuface.invalid/fhir"
POINTS_SYSTEM = f"{BASE}/CodeSystem/acupuncture-points"
REGIONS_SYSTEM = f"{BASE}/CodeSystem/face-regions"
NAMESPACE = uuid.UUID("5b0f3a52-1f0e-4f43-9a3d-6a0d6c2b8f11")

PROCEDURE_STATUS = {
    "complete": "completed",
    "abandoned": "stopped",
    "cancelled": "not-done",
    "scheduled": "preparation",
}
QUESTION_TYPES = {
    "yes_no": "boolean",
    "single": "choice",
    "multi": "choice",
    "number": "decimal",
    "date": "date",
    "scale_0_10": "integer",
    "scale_1_5": "integer",
    "text": "text",
    "medications": "string",
}
OUTCOMES_URL = f"{BASE}/Questionnaire/course-outcomes"
OUTCOME_ITEMS = (
    ("satisfaction", "Satisfaction with the treatment so far (0-10)", "integer"),
    ("complexion", "Complexion: better, about the same, worse", "choice"),
    ("jaw_tension", "Jaw tension today (0 none to 10 worst)", "integer"),
    ("looks_rested", "Looks more rested", "boolean"),
    ("would_recommend", "Would recommend it to a friend", "boolean"),
)
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def full_url(kind: str, obj: Model | str) -> str:
    key = obj if isinstance(obj, str) else str(obj.pk)
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{key}')}"


def _ref(kind: str, obj: Model | str) -> dict[str, str]:
    return {"reference": full_url(kind, obj)}


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _resource(model: type[FHIRResourceModel], data: dict[str, Any]) -> Resource:
    """Validate one resource by constructing it; drops empty values first."""
    clean = {k: v for k, v in data.items() if v not in (None, [], {}, "")}
    resource = model.model_validate(clean)
    assert isinstance(resource, Resource)
    return resource


def _model(name: str) -> type[FHIRResourceModel]:
    import importlib

    module = importlib.import_module(f"fhir.resources.R4B.{name.lower()}")
    found: type[FHIRResourceModel] = getattr(module, name)
    return found


class _Builder:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.entries: list[tuple[str, Resource]] = []
        self.patient = _ref("Patient", client)

    def add(self, kind: str, key: Model | str, data: dict[str, Any]) -> None:
        data = {"resourceType": kind, "id": full_url(kind, key).removeprefix("urn:uuid:"), **data}
        self.entries.append((full_url(kind, key), _resource(_model(kind), data)))

    # --- the resources -------------------------------------------------------------------------

    def patient_resource(self) -> None:
        c = self.client
        telecom = [
            {"system": "phone", "value": c.phone} if c.phone else None,
            {"system": "email", "value": c.email} if c.email else None,
        ]
        self.add(
            "Patient",
            c,
            {
                "identifier": [
                    {"system": f"{BASE}/clinic/{c.clinic.slug}/client", "value": str(c.pk)}
                ],
                "active": not c.is_archived,
                "name": [{"family": c.last_name, "given": [c.first_name], "text": c.full_name}],
                "birthDate": c.date_of_birth.isoformat(),
                "telecom": [t for t in telecom if t],
                "address": [{"text": c.address}] if c.address else None,
                "contact": [
                    {
                        "name": {"text": c.emergency_contact_name},
                        "telecom": [{"system": "phone", "value": c.emergency_contact_phone}]
                        if c.emergency_contact_phone
                        else None,
                    }
                ]
                if c.emergency_contact_name
                else None,
                "communication": [{"language": {"text": c.preferred_language}}]
                if c.preferred_language
                else None,
            },
        )

    def consents(self) -> None:
        for consent in self.client.consents.select_related("text"):
            status = "inactive" if consent.withdrawn_at else "active"
            scope = "treatment" if consent.text.kind == "treatment" else "patient-privacy"
            self.add(
                "Consent",
                consent,
                {
                    "status": status,
                    "scope": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                "code": scope,
                            }
                        ]
                    },
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "http://loinc.org",
                                    "code": "59284-0",
                                    "display": "Patient Consent",
                                }
                            ],
                            "text": consent.text.get_kind_display(),
                        }
                    ],
                    "patient": self.patient,
                    "dateTime": _iso(consent.signed_at),
                    "policyRule": {
                        "text": f"{consent.text.title} (version {consent.text.version})"
                    },
                    "provision": {
                        "period": {
                            "start": _iso(consent.signed_at),
                            "end": _iso(consent.withdrawn_at),
                        }
                    },
                },
            )

    def intakes(self) -> None:
        intakes = Intake.objects.filter(
            client=self.client, status=Intake.Status.SUBMITTED
        ).select_related("questionnaire")
        seen: set[int] = set()
        for intake in intakes:
            questionnaire = intake.questionnaire
            schema = schema_of(questionnaire)
            url = f"{BASE}/Questionnaire/intake-{questionnaire.clinic_id or 'default'}"
            if questionnaire.pk not in seen:
                seen.add(questionnaire.pk)
                self.add(
                    "Questionnaire",
                    questionnaire,
                    {
                        "url": url,
                        "version": str(questionnaire.version),
                        "title": questionnaire.title,
                        "status": "active",
                        "date": _iso(questionnaire.published_at),
                        "item": [
                            {
                                "linkId": section.key,
                                "text": section.title,
                                "type": "group",
                                "item": [
                                    {
                                        "linkId": q.key,
                                        "text": q.label,
                                        "type": QUESTION_TYPES.get(q.type, "string"),
                                        "required": q.required or None,
                                        "answerOption": [
                                            {"valueCoding": {"code": ch.key, "display": ch.label}}
                                            for ch in q.choices
                                        ]
                                        or None,
                                    }
                                    for q in section.questions
                                ],
                            }
                            for section in schema.sections
                            if section.questions
                        ],
                    },
                )
            answers = intake.answers or {}
            items = []
            for section in schema.sections:
                rows = []
                for q in section.shown(answers):
                    value = answers.get(q.key)
                    if value is None or value == "" or value == []:
                        continue
                    rows.append(
                        {"linkId": q.key, "text": q.label, "answer": _answers(q.type, q, value)}
                    )
                if rows:
                    items.append({"linkId": section.key, "text": section.title, "item": rows})
            self.add(
                "QuestionnaireResponse",
                intake,
                {
                    "questionnaire": f"{url}|{questionnaire.version}",
                    "status": "completed",
                    "subject": self.patient,
                    "authored": _iso(intake.submitted_at),
                    "item": items,
                },
            )

    def code_system(self, points: Iterable[Point]) -> None:
        self.add(
            "CodeSystem",
            "acupuncture-points",
            {
                "url": POINTS_SYSTEM,
                "name": "AcufaceAcupuncturePoints",
                "title": "Acupuncture points of the Acuface atlas",
                "status": "active",
                "content": "fragment",
                "caseSensitive": True,
                "concept": [
                    {
                        "code": p.code,
                        "display": f"{p.code} {p.pinyin} ({p.english})",
                        "definition": p.location or None,
                    }
                    for p in points
                ],
            },
        )

    def sessions(self, sessions: list[TreatmentSession]) -> None:
        for s in sessions:
            body_sites = []
            seen = set()
            for needle in s.needles.all():
                key = (needle.point.code, needle.side)
                if key in seen:
                    continue
                seen.add(key)
                body_sites.append(
                    {
                        "coding": [
                            {
                                "system": POINTS_SYSTEM,
                                "code": needle.point.code,
                                "display": needle.point.english,
                            }
                        ],
                        "text": f"{needle.point.code}, {needle.get_side_display()}",
                    }
                )
            start = s.needling_started_at or s.checked_in_at or s.scheduled_at
            end = s.needles_out_at or s.completed_at or s.cancelled_at
            self.add(
                "Procedure",
                s,
                {
                    "status": PROCEDURE_STATUS.get(s.state, "in-progress"),
                    "code": {"text": "Facial (cosmetic) acupuncture"},
                    "subject": self.patient,
                    "performedPeriod": {
                        "start": _iso(start),
                        "end": _iso(end) if end and end >= start else None,
                    },
                    "bodySite": body_sites,
                    "statusReason": {"text": s.cancel_reason} if s.cancel_reason else None,
                    "performer": [{"actor": {"display": str(s.practitioner)}}]
                    if s.practitioner
                    else None,
                },
            )
            self._assessment(s)

    def _assessment(self, s: TreatmentSession) -> None:
        when = _iso(s.assessed_at or s.scheduled_at)
        exam = [{"coding": [{"system": OBS_CATEGORY, "code": "exam"}]}]
        for region, grade in (s.region_grades or {}).items():
            self.add(
                "Observation",
                f"grade/{s.pk}/{region}",
                {
                    "status": "final",
                    "category": exam,
                    "code": {"text": "Practitioner's skin grade (0 none to 4 severe)"},
                    "bodySite": {
                        "coding": [{"system": REGIONS_SYSTEM, "code": region}],
                        "text": ASSESSMENT_REGIONS.get(region, region),
                    },
                    "subject": self.patient,
                    "effectiveDateTime": when,
                    "valueInteger": int(grade),
                    "partOf": [_ref("Procedure", s)],
                },
            )
        for field, label in (
            ("fitzpatrick", "Fitzpatrick skin type"),
            ("glogau", "Glogau photoaging class"),
        ):
            value = getattr(s, field)
            if value:
                self.add(
                    "Observation",
                    f"{field}/{s.pk}",
                    {
                        "status": "final",
                        "category": exam,
                        "code": {"text": label},
                        "subject": self.patient,
                        "effectiveDateTime": when,
                        "valueString": value,
                        "partOf": [_ref("Procedure", s)],
                    },
                )

    def photos(self, photos: list[Photo], *, with_media: bool) -> None:
        for photo in photos:
            if with_media:
                self.add(
                    "Media",
                    photo,
                    {
                        "status": "completed",
                        "type": {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/media-type",
                                    "code": "image",
                                    "display": "Image",
                                }
                            ]
                        },
                        "subject": self.patient,
                        "createdDateTime": photo.taken_on.isoformat(),
                        "height": photo.height,
                        "width": photo.width,
                        "content": {
                            "contentType": "image/png"
                            if photo.image_format == "png"
                            else "image/jpeg",
                            "url": photo_file_name(photo),
                            "size": photo.byte_size,
                            "title": f"Face photo {photo.taken_on.isoformat()}",
                        },
                    },
                )
            if photo.status != AnalysisStatus.DONE:
                continue
            for row in (photo.analysis.get("metrics") or {}).get("regions", []):
                if not row.get("is_measurable"):
                    continue
                for key, label, unit in (
                    ("wrinkle_index", "Wrinkle index", "1"),
                    ("lightness", "Brightness L*", "1"),
                ):
                    if row.get(key) is None:
                        continue
                    self.add(
                        "Observation",
                        f"metric/{photo.pk}/{row['region_id']}/{key}",
                        {
                            "status": "final",
                            "category": [{"coding": [{"system": OBS_CATEGORY, "code": "imaging"}]}],
                            "code": {"text": f"{label} (photo analysis)"},
                            "bodySite": {
                                "coding": [{"system": REGIONS_SYSTEM, "code": row["region_id"]}],
                                "text": row.get("label") or row["region_id"],
                            },
                            "subject": self.patient,
                            "effectiveDateTime": photo.taken_on.isoformat(),
                            "valueQuantity": {"value": round(float(row[key]), 3), "unit": unit},
                            "derivedFrom": [_ref("Media", photo)] if with_media else None,
                        },
                    )

    def adverse_events(self, events: list[AdverseEvent]) -> None:
        severity = {"mild": "mild", "moderate": "moderate", "severe": "severe"}
        for e in events:
            self.add(
                "AdverseEvent",
                e,
                {
                    "actuality": "actual",
                    "event": {"text": e.get_kind_display()},
                    "subject": self.patient,
                    "date": _iso(e.onset_at),
                    "detected": _iso(e.onset_at),
                    "severity": {
                        "coding": [{"system": AE_SEVERITY, "code": severity.get(e.grade, "mild")}]
                    },
                    "outcome": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
                                "code": "resolved" if e.resolved_at else "ongoing",
                            }
                        ]
                    },
                    "suspectEntity": [{"instance": _ref("Procedure", e.session)}],
                },
            )

    def course_outcomes(self, courses: list[Course]) -> None:
        """Our short client-reported form as a Questionnaire, each answer set as a response."""
        responses = [o for course in courses for o in course.outcomes.all()]
        if not responses:
            return
        self.add(
            "Questionnaire",
            "course-outcomes",
            {
                "url": OUTCOMES_URL,
                "version": "1",
                "title": "How is it going? (client-reported outcomes over a course)",
                "status": "active",
                "item": [
                    {"linkId": key, "text": text, "type": kind, "required": True}
                    for key, text, kind in OUTCOME_ITEMS
                ],
            },
        )
        for o in responses:
            values = {
                "satisfaction": {"valueInteger": o.satisfaction},
                "complexion": {
                    "valueCoding": {"code": o.complexion, "display": o.get_complexion_display()}
                },
                "jaw_tension": {"valueInteger": o.jaw_tension},
                "looks_rested": {"valueBoolean": o.looks_rested},
                "would_recommend": {"valueBoolean": o.would_recommend},
            }
            items = [
                {"linkId": key, "text": text, "answer": [values[key]]}
                for key, text, _ in OUTCOME_ITEMS
            ]
            if o.comment:
                items.append(
                    {"linkId": "comment", "text": "Comment", "answer": [{"valueString": o.comment}]}
                )
            self.add(
                "QuestionnaireResponse",
                o,
                {
                    "questionnaire": f"{OUTCOMES_URL}|1",
                    "status": "completed",
                    "subject": self.patient,
                    "authored": o.answered_on.isoformat(),
                    "basedOn": None,
                    "partOf": None,
                    "item": items,
                },
            )

    def care_plans(self, courses: list[Course]) -> None:
        status = {"active": "active", "finished": "completed", "stopped": "revoked"}
        for course in courses:
            activities = []
            for b in course.bookings.select_related("session").order_by("starts_at"):
                done = b.session is not None and b.session.state == "complete"
                detail_status = (
                    "completed" if done else ("cancelled" if not b.is_live else "scheduled")
                )
                activity: dict[str, Any] = {
                    "detail": {
                        "status": detail_status,
                        "code": {
                            "text": "Maintenance session"
                            if b.is_maintenance
                            else f"Session {b.number or ''}".strip()
                        },
                        "scheduledPeriod": {"start": _iso(b.starts_at), "end": _iso(b.ends_at)},
                    }
                }
                if done and b.session is not None:
                    activity["outcomeReference"] = [_ref("Procedure", b.session)]
                activities.append({k: v for k, v in activity.items() if v})
            self.add(
                "CarePlan",
                course,
                {
                    "status": status.get(course.status, "active"),
                    "intent": "plan",
                    "title": str(course),
                    "description": (
                        f"{course.sessions_planned} sessions, {course.per_week} a week, "
                        "then maintenance every "
                        f"{course.maintenance_every_weeks} weeks."
                    ),
                    "subject": self.patient,
                    "period": {"start": course.starts_on.isoformat()},
                    "created": _iso(course.created_at),
                    "activity": activities,
                },
            )

    def bundle(self) -> Bundle:
        data = {
            "resourceType": "Bundle",
            "id": str(uuid.uuid4()),
            "type": "collection",
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "entry": [{"fullUrl": url, "resource": r} for url, r in self.entries],
        }
        return Bundle.model_validate(data)


def _answers(kind: str, question: Any, value: Any) -> list[dict[str, Any]]:
    if kind == "yes_no":
        return [{"valueBoolean": bool(value)}]
    if kind in ("scale_0_10", "scale_1_5") and isinstance(value, int):
        return [{"valueInteger": value}]
    if kind == "number" and isinstance(value, int | float):
        return [{"valueDecimal": value}]
    if kind == "date" and isinstance(value, str):
        return [{"valueDate": value}]
    if kind in ("single", "multi"):
        labels = {c.key: c.label for c in question.choices}
        keys = value if isinstance(value, list) else [value]
        return [{"valueCoding": {"code": str(k), "display": labels.get(k, str(k))}} for k in keys]
    return [{"valueString": answer_display(question, value)[:5000]}]


def photo_file_name(photo: Photo) -> str:
    extension = "png" if photo.image_format == "png" else "jpg"
    return f"photos/photo-{photo.pk}-{photo.taken_on.isoformat()}.{extension}"


def client_bundle(*, client: Client) -> Bundle:
    """The client's whole record as a validated FHIR R4B Bundle; photos only with photo consent."""
    builder = _Builder(client)
    builder.patient_resource()
    builder.consents()
    builder.intakes()
    sessions = list(
        TreatmentSession.objects.filter(client=client)
        .select_related("practitioner")
        .prefetch_related("needles__point")
        .order_by("scheduled_at", "id")
    )
    points = {n.point.code: n.point for s in sessions for n in s.needles.all()}
    builder.code_system(
        sorted(points.values(), key=lambda p: p.code) or Point.objects.order_by("code")[:1]
    )
    builder.sessions(sessions)
    photos_consented = consent_status(client=client)["photos"].is_given
    builder.photos(
        list(Photo.objects.filter(client=client).order_by("taken_on", "id")),
        with_media=photos_consented,
    )
    builder.adverse_events(
        list(AdverseEvent.objects.filter(session__client=client).select_related("session"))
    )
    courses = list(Course.objects.filter(client=client).prefetch_related("outcomes"))
    builder.course_outcomes(courses)
    builder.care_plans(courses)
    return builder.bundle()


def client_bundle_json(*, client: Client) -> str:
    return client_bundle(client=client).model_dump_json(indent=2)
