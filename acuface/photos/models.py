"""Client photos, their analysis, and the point positions practitioners confirmed or moved."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from acuface.clients.models import Client
from acuface.core.models import User


class PhotoSource(models.TextChoices):
    CLIENT_RECORD = "client_record", "Client record"
    SKIN_ASSESSMENT = "skin_assessment", "Skin assessment"


class AnalysisStatus(models.TextChoices):
    PENDING = "pending", "Waiting for analysis"
    RUNNING = "running", "Being analysed"
    DONE = "done", "Analysed"
    # The photo was read but a quality gate stopped the analysis (no face, face too small...).
    REJECTED = "rejected", "Not analysable"
    # Something unexpected went wrong; the photo is kept and can be analysed again.
    FAILED = "failed", "Analysis failed"


class Photo(models.Model):
    """One photo of a client's face, stored stripped of metadata, never at a public URL."""

    CLINIC_PATH = "client__clinic"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="photos")
    # The session whose skin assessment the photo was taken for, if any.
    session = models.ForeignKey(
        "treatments.TreatmentSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    # The name in Django's default storage (under MEDIA_ROOT, which no URL serves).
    storage_name = models.CharField(max_length=200, editable=False)
    image_format = models.CharField(max_length=4, choices=[("jpeg", "JPEG"), ("png", "PNG")])
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    byte_size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The uploader's file name, cleaned; shown to people only, never used as a path.
    original_name = models.CharField(max_length=120, blank=True)
    source = models.CharField(
        max_length=20, choices=PhotoSource.choices, default=PhotoSource.CLIENT_RECORD
    )
    taken_on = models.DateField(default=timezone.localdate)
    uploaded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING
    )
    # `acuface.vision.analysis.PhotoAnalysis.to_dict()`; empty until analysed.
    analysis = models.JSONField(default=dict, blank=True)
    analysis_version = models.CharField(max_length=40, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    # Plain words for people when the analysis could not be done.
    status_message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("-taken_on", "-uploaded_at", "-id")
        indexes = [models.Index(fields=["client", "-taken_on"], name="photo_client_taken")]

    def __str__(self) -> str:
        return f"Photo of {self.taken_on:%d %b %Y}"

    @property
    def is_finished(self) -> bool:
        return self.status not in (AnalysisStatus.PENDING, AnalysisStatus.RUNNING)

    @property
    def has_points(self) -> bool:
        return bool((self.analysis.get("points") or {}).get("points"))

    @property
    def has_metrics(self) -> bool:
        return bool((self.analysis.get("metrics") or {}).get("regions"))

    @property
    def quality_failures(self) -> list[dict[str, Any]]:
        failures: list[dict[str, Any]] = (self.analysis.get("quality") or {}).get("failures", [])
        return failures


class PositionSource(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed as suggested"
    MOVED = "moved", "Moved by the practitioner"
    # Carried from the practitioner's position on an earlier photo of the client, not yet checked.
    CARRIED = "carried", "Carried from an earlier photo"


class PointPosition(models.Model):
    """Where one point lies on one photo, as the practitioner confirmed or moved it.

    The mesh anchor (a landmark triangle and barycentric weights) lets the position be carried
    onto the client's later photos.
    """

    CLINIC_PATH = "photo__client__clinic"

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="point_positions")
    code = models.CharField(max_length=12)
    side = models.CharField(
        max_length=8, choices=[("right", "right"), ("left", "left"), ("midline", "midline")]
    )
    x = models.FloatField(validators=[MinValueValidator(0.0)])
    y = models.FloatField(validators=[MinValueValidator(0.0)])
    anchor_triangle = models.JSONField(default=list)
    anchor_weights = models.JSONField(default=list)
    source = models.CharField(max_length=10, choices=PositionSource.choices)
    is_confirmed = models.BooleanField(default=False)
    set_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    # How many times the position was changed; shown next to the point, bumped by every save.
    revision = models.PositiveIntegerField(default=1, validators=[MaxValueValidator(10**6)])

    class Meta:
        ordering = ("photo", "code", "side")
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "code", "side"], name="point_position_one_per_point"
            ),
            models.CheckConstraint(
                condition=models.Q(x__gte=0) & models.Q(y__gte=0),
                name="point_position_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.side}) on {self.photo}"

    @property
    def anchor(self) -> dict[str, list[Any]] | None:
        if len(self.anchor_triangle) != 3:
            return None
        return {"triangle": self.anchor_triangle, "weights": self.anchor_weights}
