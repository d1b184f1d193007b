"""Every write to photos and point positions."""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from acuface.clients.models import Client
from acuface.clients.selectors import client_has_consent
from acuface.core.audit import audit_record
from acuface.core.models import AuditEvent, User
from acuface.photos import selectors, vision_glue
from acuface.photos.models import (
    AnalysisStatus,
    Photo,
    PhotoSource,
    PointPosition,
    PositionSource,
)
from acuface.photos.uploads import clean_filename, read_photo
from acuface.treatments.models import TreatmentSession

logger = logging.getLogger(__name__)

NO_CONSENT = (
    "This client has not given photo consent (or withdrew it). Record their consent to "
    "photographs before uploading a photo."
)
SYSTEM = "system (photo analysis)"
FAILED_MESSAGE = "The analysis stopped on an unexpected error. Try again with “Analyse again”."


def photo_upload(
    *,
    actor: User,
    client: Client,
    upload: IO[bytes],
    filename: str = "",
    size: int | None = None,
    source: str = PhotoSource.CLIENT_RECORD,
    taken_on: dt.date | None = None,
    fixed_name: str = "",
    session: TreatmentSession | None = None,
) -> Photo:
    """Check, strip and store a photo of a client, then queue its analysis.

    `fixed_name` (demo data only) stores the file under that name, written once and reused.
    """
    if not client_has_consent(client=client, kind="photos"):
        raise ValidationError(NO_CONSENT, code="no_consent")
    if source not in PhotoSource.values:
        raise ValidationError({"source": "Unknown photo source."})
    if session is not None and session.client_id != client.pk:
        raise ValidationError({"session": "That session belongs to another client."})
    try:
        clean = read_photo(upload, size=size)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from error
    if fixed_name and default_storage.exists(fixed_name):
        stored, is_new_file = fixed_name, False
    else:
        name = (
            fixed_name
            or f"photos/{client.clinic_id}/{client.pk}/{uuid.uuid4().hex}.{clean.image_format}"
        )
        stored, is_new_file = default_storage.save(name, ContentFile(clean.content)), True
    try:
        with transaction.atomic():
            photo = Photo(
                client=client,
                storage_name=stored,
                image_format=clean.image_format,
                width=clean.width,
                height=clean.height,
                byte_size=len(clean.content),
                sha256=clean.sha256,
                original_name=clean_filename(filename),
                source=source,
                taken_on=taken_on or timezone.localdate(),
                uploaded_by=actor,
                session=session,
            )
            photo.full_clean()
            photo.save()
            audit_record(
                clinic=client.clinic,
                action=AuditEvent.Action.CREATED,
                obj=photo,
                actor=actor,
                client=client,
                changes={
                    "source": [None, photo.source],
                    "taken_on": [None, photo.taken_on.isoformat()],
                    "size": [None, f"{photo.width}x{photo.height}"],
                    "session": [None, session.pk if session else None],
                },
            )
            _enqueue_analysis(photo)
    except Exception:
        if is_new_file:
            default_storage.delete(stored)
        raise
    return photo


def _enqueue_analysis(photo: Photo) -> None:
    from acuface.photos.tasks import analyse_photo_task

    photo_id = photo.pk
    transaction.on_commit(lambda: analyse_photo_task.enqueue(photo_id))


def photo_request_analysis(*, actor: User, photo: Photo) -> Photo:
    """Queue a photo for analysis again (after a failure, or a newer vision version)."""
    with transaction.atomic():
        before = photo.status
        photo.status = AnalysisStatus.PENDING
        photo.status_message = ""
        photo.save(update_fields=["status", "status_message"])
        audit_record(
            clinic=photo.client.clinic,
            action=AuditEvent.Action.UPDATED,
            obj=photo,
            actor=actor,
            client=photo.client,
            changes={"status": [before, photo.status]},
        )
        _enqueue_analysis(photo)
    return photo


def photo_analyse(*, photo_id: int) -> Photo | None:
    """Run the vision analysis of one stored photo and store the result (the task's body)."""
    photo = Photo.objects.select_related("client__clinic").filter(pk=photo_id).first()
    if photo is None:
        return None  # deleted while it waited in the queue
    Photo.objects.filter(pk=photo_id).update(status=AnalysisStatus.RUNNING)
    try:
        with default_storage.open(photo.storage_name, "rb") as stored:
            analysis = vision_glue.analyse_content(stored.read())
    except Exception:
        logger.exception("analysis of photo %s failed", photo_id)
        return photo_store_analysis(photo=photo, analysis=None)
    return photo_store_analysis(photo=photo, analysis=analysis)


def photo_store_analysis(*, photo: Photo, analysis: dict[str, Any] | None) -> Photo:
    """Store an analysis result (None: it failed) and carry earlier corrected points onto it."""
    with transaction.atomic():
        photo = Photo.objects.select_for_update().select_related("client__clinic").get(pk=photo.pk)
        before = photo.status
        if analysis is None:
            photo.status = AnalysisStatus.FAILED
            photo.status_message = FAILED_MESSAGE
        else:
            reason = vision_glue.gate_reason(analysis)
            photo.analysis = analysis
            photo.analysis_version = str(analysis.get("version", ""))[:40]
            photo.analysed_at = timezone.now()
            photo.status = AnalysisStatus.REJECTED if reason else AnalysisStatus.DONE
            photo.status_message = reason
        photo.save(
            update_fields=[
                "status",
                "status_message",
                "analysis",
                "analysis_version",
                "analysed_at",
            ]
        )
        audit_record(
            clinic=photo.client.clinic,
            action=AuditEvent.Action.UPDATED,
            obj=photo,
            actor_label=SYSTEM,
            client=photo.client,
            changes={"status": [before, photo.status]},
        )
        if photo.status == AnalysisStatus.DONE and photo.analysis.get("face"):
            _carry_positions(photo)
    return photo


def _carry_positions(photo: Photo) -> None:
    """Bring the practitioner's latest positions from earlier photos onto a new one.

    They arrive unconfirmed ("carried"): still suggestions the practitioner checks.
    """
    located = {(p["code"], p["side"]) for p in selectors.suggested_points(photo)}
    taken = set(photo.point_positions.values_list("code", "side"))
    for earlier in selectors.latest_practitioner_positions(photo=photo):
        key = (earlier.code, earlier.side)
        if key in taken or key not in located or earlier.anchor is None:
            continue
        try:
            x, y = vision_glue.place_anchor_on(photo.analysis, earlier.anchor)
        except (KeyError, ValueError, IndexError, TypeError):
            continue
        if not (0 <= x <= photo.width and 0 <= y <= photo.height):
            continue
        position = PointPosition.objects.create(
            photo=photo,
            code=earlier.code,
            side=earlier.side,
            x=x,
            y=y,
            anchor_triangle=earlier.anchor_triangle,
            anchor_weights=earlier.anchor_weights,
            source=PositionSource.CARRIED,
            is_confirmed=False,
        )
        audit_record(
            clinic=photo.client.clinic,
            action=AuditEvent.Action.CREATED,
            obj=position,
            actor_label=SYSTEM,
            client=photo.client,
            changes={
                "position": [None, [round(x, 2), round(y, 2)]],
                "from_photo": [None, earlier.photo_id],
            },
        )


def _check_position(photo: Photo, code: str, side: str, x: float, y: float) -> None:
    if not photo.has_points:
        raise ValidationError("This photo has no points to correct.", code="no_points")
    known = {(p["code"], p["side"]) for p in selectors.suggested_points(photo)}
    if (code, side) not in known:
        raise ValidationError("Unknown point for this photo.", code="unknown_point")
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValidationError("The position must be a number.", code="not_number")
    if not (0.0 <= x <= photo.width and 0.0 <= y <= photo.height):
        raise ValidationError("The point must stay inside the photo.", code="outside")


def point_position_set(
    *, actor: User, photo: Photo, code: str, side: str, x: float, y: float
) -> PointPosition:
    """Save the practitioner's position of one point (moved = confirmed), audited old → new."""
    _check_position(photo, code, side, x, y)
    anchor = vision_glue.anchor_for(photo.analysis, x, y)
    with transaction.atomic():
        position = (
            PointPosition.objects.select_for_update()
            .filter(photo=photo, code=code, side=side)
            .first()
        )
        suggested = selectors.suggestion_of(photo, code, side)
        old = [round(position.x, 2), round(position.y, 2)] if position else suggested
        old_source = position.source if position else "suggested"
        if position is None:
            position = PointPosition(photo=photo, code=code, side=side)
        else:
            position.revision += 1
        position.x, position.y = x, y
        position.anchor_triangle = anchor["triangle"]
        position.anchor_weights = anchor["weights"]
        position.source = PositionSource.MOVED
        position.is_confirmed = True
        position.set_by = actor
        position.set_at = timezone.now()
        position.full_clean(validate_unique=False)
        position.save()
        audit_record(
            clinic=photo.client.clinic,
            action=AuditEvent.Action.UPDATED,
            obj=position,
            actor=actor,
            client=photo.client,
            changes={
                "position": [old, [round(x, 2), round(y, 2)]],
                "source": [old_source, position.source],
            },
        )
    return position


def points_confirm(*, actor: User, photo: Photo) -> int:
    """Confirm every point not yet confirmed where it stands now; returns how many."""
    if not photo.has_points:
        raise ValidationError("This photo has no points to confirm.", code="no_points")
    confirmed = 0
    with transaction.atomic():
        existing = {
            (p.code, p.side): p
            for p in PointPosition.objects.select_for_update().filter(photo=photo)
        }
        for point in selectors.suggested_points(photo):
            key = (point["code"], point["side"])
            position = existing.get(key)
            if position is not None and position.is_confirmed:
                continue
            if position is None:
                anchor = point.get("anchor") or {"triangle": [], "weights": []}
                position = PointPosition(
                    photo=photo,
                    code=point["code"],
                    side=point["side"],
                    x=float(point["xy"][0]),
                    y=float(point["xy"][1]),
                    anchor_triangle=anchor["triangle"],
                    anchor_weights=anchor["weights"],
                )
            position.source = (
                PositionSource.CONFIRMED
                if position.source != PositionSource.CARRIED
                else PositionSource.CARRIED
            )
            position.is_confirmed = True
            position.set_by = actor
            position.set_at = timezone.now()
            position.save()
            confirmed += 1
        if confirmed:
            audit_record(
                clinic=photo.client.clinic,
                action=AuditEvent.Action.ACKNOWLEDGED,
                obj=photo,
                actor=actor,
                client=photo.client,
                changes={"points_confirmed": [None, confirmed]},
            )
    return confirmed


def photo_record_viewed(*, actor: User, photo: Photo) -> None:
    """Log that a staff member opened a photo."""
    audit_record(
        clinic=photo.client.clinic,
        action=AuditEvent.Action.VIEWED,
        obj=photo,
        actor=actor,
        client=photo.client,
    )


def photo_delete(*, actor: User, photo: Photo) -> None:
    """Delete a photo for good: its file, its analysis and its point positions (audited)."""
    client = photo.client
    name, label = photo.storage_name, str(photo)
    with transaction.atomic():
        audit_record(
            clinic=client.clinic,
            action=AuditEvent.Action.ERASED,
            obj=photo,
            actor=actor,
            client=client,
            changes={"photo": [label, None]},
        )
        photo.delete()
        # Shared (demo) files may back several rows; delete the file with its last row.
        if not Photo.objects.filter(storage_name=name).exists():
            transaction.on_commit(lambda: default_storage.delete(name))


def photos_erase_for_client(*, actor: User, client: Client) -> int:
    """Delete every photo of a client (for the client-erasure flow); returns how many."""
    photos = list(Photo.objects.filter(client=client).select_related("client__clinic"))
    for photo in photos:
        photo_delete(actor=actor, photo=photo)
    return len(photos)
