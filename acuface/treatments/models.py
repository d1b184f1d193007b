"""Treatment sessions: needles in and out, needle stock, events, incidents, follow-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from acuface.atlas.models import Point, TreatmentPlan
from acuface.clients.models import Client
from acuface.core.models import Clinic, User
from acuface.treatments import states

# CLINICAL.md §7: the regions graded 0 to 4 in the skin assessment.
ASSESSMENT_REGIONS = {
    "forehead": "Forehead",
    "frown_lines": "Frown lines",
    "crows_feet_right": "Crow's feet, right",
    "crows_feet_left": "Crow's feet, left",
    "under_eye_right": "Under-eye, right",
    "under_eye_left": "Under-eye, left",
    "nasolabial_right": "Nasolabial fold, right",
    "nasolabial_left": "Nasolabial fold, left",
    "marionette_right": "Marionette / jowl, right",
    "marionette_left": "Marionette / jowl, left",
    "perioral": "Perioral",
}
GRADE_LABELS = {0: "none", 1: "minimal", 2: "mild", 3: "moderate", 4: "severe"}


def _after(later: str, earlier: str, *, strict: bool = False) -> Q:
    """`later` is empty, `earlier` is empty, or `later` is not before `earlier`."""
    compare = Q(**{f"{later}__gt" if strict else f"{later}__gte": F(earlier)})
    return Q(**{f"{later}__isnull": True}) | Q(**{f"{earlier}__isnull": True}) | compare


class NeedleType(models.TextChoices):
    FILIFORM = "filiform", "Filiform"
    INTRADERMAL = "intradermal", "Intradermal (press)"


class NeedleProduct(models.Model):
    """A needle the clinic buys: brand, type, gauge and length, material."""

    CLINIC_PATH = "clinic"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="needle_products")
    brand = models.CharField(max_length=120)
    needle_type = models.CharField(max_length=20, choices=NeedleType.choices)
    gauge_mm = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.08")), MaxValueValidator(Decimal("0.50"))],
    )
    length_mm = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.3")), MaxValueValidator(Decimal("100"))],
    )
    material = models.CharField(max_length=60, default="stainless steel")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("brand", "gauge_mm", "length_mm", "id")
        constraints = [
            models.CheckConstraint(condition=Q(gauge_mm__gt=0), name="needle_product_gauge_pos"),
            models.CheckConstraint(condition=Q(length_mm__gt=0), name="needle_product_length_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.brand} {self.gauge_mm} x {self.length_mm} mm ({self.material})"


class NeedleLot(models.Model):
    """One delivered lot of a product: traced per needle, counted down as needles are used."""

    CLINIC_PATH = "product__clinic"

    product = models.ForeignKey(NeedleProduct, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(max_length=60)
    expires_on = models.DateField()
    quantity_received = models.PositiveIntegerField(validators=[MaxValueValidator(1_000_000)])
    quantity_left = models.PositiveIntegerField()
    low_stock_at = models.PositiveIntegerField(default=100)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("expires_on", "id")
        constraints = [
            models.CheckConstraint(condition=Q(quantity_left__gte=0), name="needle_lot_left_gte_0"),
            models.CheckConstraint(
                condition=Q(quantity_left__lte=F("quantity_received")),
                name="needle_lot_left_lte_received",
            ),
            models.UniqueConstraint(fields=["product", "lot_number"], name="needle_lot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.product.brand} lot {self.lot_number} (exp. {self.expires_on:%d %b %Y})"

    def is_expired_on(self, day: dt.date) -> bool:
        return self.expires_on < day

    @property
    def is_low(self) -> bool:
        return self.quantity_left <= self.low_stock_at


class SessionState(models.TextChoices):
    SCHEDULED = states.SCHEDULED, states.STATE_LABELS[states.SCHEDULED]
    CHECKED_IN = states.CHECKED_IN, states.STATE_LABELS[states.CHECKED_IN]
    SKIN_ASSESSED = states.SKIN_ASSESSED, states.STATE_LABELS[states.SKIN_ASSESSED]
    CLEANSED = states.CLEANSED, states.STATE_LABELS[states.CLEANSED]
    NEEDLING = states.NEEDLING, states.STATE_LABELS[states.NEEDLING]
    RETENTION = states.RETENTION, states.STATE_LABELS[states.RETENTION]
    REMOVAL = states.REMOVAL, states.STATE_LABELS[states.REMOVAL]
    MOISTURIZED = states.MOISTURIZED, states.STATE_LABELS[states.MOISTURIZED]
    AFTERCARE_ISSUED = states.AFTERCARE_ISSUED, states.STATE_LABELS[states.AFTERCARE_ISSUED]
    COMPLETE = states.COMPLETE, states.STATE_LABELS[states.COMPLETE]
    CANCELLED = states.CANCELLED, states.STATE_LABELS[states.CANCELLED]
    ABANDONED = states.ABANDONED, states.STATE_LABELS[states.ABANDONED]


class Fitzpatrick(models.TextChoices):
    I = "I", "I: always burns, never tans"  # noqa: E741
    II = "II", "II: usually burns, tans minimally"
    III = "III", "III: sometimes burns, tans uniformly"
    IV = "IV", "IV: burns minimally, always tans"
    V = "V", "V: very rarely burns, tans very easily"
    VI = "VI", "VI: never burns"


class Glogau(models.TextChoices):
    I = "I", "I: no wrinkles"  # noqa: E741
    II = "II", "II: wrinkles in motion"
    III = "III", "III: wrinkles at rest"
    IV = "IV", "IV: only wrinkles"


class TreatmentSession(models.Model):
    """One treatment of one client, from check-in to aftercare; its state lives here."""

    CLINIC_PATH = "client__clinic"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="treatment_sessions")
    practitioner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="treatment_sessions"
    )
    plan = models.ForeignKey(
        TreatmentPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    state = models.CharField(
        max_length=20, choices=SessionState.choices, default=SessionState.SCHEDULED
    )
    scheduled_at = models.DateTimeField()
    # The lots chosen for this session's needles, one for facial points and one for body points;
    # each tap takes from the lot of its point's kind, so a tap needs only the point.
    facial_lot = models.ForeignKey(
        NeedleLot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body_lot = models.ForeignKey(
        NeedleLot, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    checked_in_at = models.DateTimeField(null=True, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    cleansed_at = models.DateTimeField(null=True, blank=True)
    needling_started_at = models.DateTimeField(null=True, blank=True)
    retention_started_at = models.DateTimeField(null=True, blank=True)
    retention_ends_at = models.DateTimeField(null=True, blank=True)
    removal_started_at = models.DateTimeField(null=True, blank=True)
    needles_out_at = models.DateTimeField(null=True, blank=True)
    moisturized_at = models.DateTimeField(null=True, blank=True)
    aftercare_issued_at = models.DateTimeField(null=True, blank=True)
    makeup_free_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    retention_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    retention_reason = models.CharField(max_length=500, blank=True)
    defer_override_reason = models.CharField(max_length=500, blank=True)
    early_removal_reason = models.CharField(max_length=500, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)

    fitzpatrick = models.CharField(max_length=3, choices=Fitzpatrick.choices, blank=True)
    glogau = models.CharField(max_length=3, choices=Glogau.choices, blank=True)
    region_grades = models.JSONField(default=dict, blank=True)
    assessment_notes = models.TextField(max_length=5000, blank=True)
    # What screening forbade on the day, frozen at check-in: {"forbidden_points": {code: reason},
    # "deferred_regions": {region: reason}}; every needle tap is checked against it with the
    # plan's own restriction function (atlas.planning.exclusion_reason).
    restrictions = models.JSONField(default=dict, blank=True)
    # The client's own risk notes from screening, frozen when the aftercare sheet is issued.
    aftercare_risk_notes = models.JSONField(default=list, blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-scheduled_at", "-id")
        indexes = [
            models.Index(fields=["client", "-scheduled_at"], name="session_client_scheduled"),
            models.Index(fields=["state", "scheduled_at"], name="session_state_scheduled"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_after("retention_ends_at", "retention_started_at", strict=True),
                name="session_retention_ends_after_start",
            ),
            models.CheckConstraint(
                condition=_after("retention_started_at", "needling_started_at"),
                name="session_retention_after_needling",
            ),
            models.CheckConstraint(
                condition=_after("needles_out_at", "needling_started_at"),
                name="session_needles_out_after_in",
            ),
            models.CheckConstraint(
                condition=_after("makeup_free_at", "needles_out_at", strict=True),
                name="session_makeup_free_after_out",
            ),
            models.CheckConstraint(
                condition=_after("completed_at", "checked_in_at"),
                name="session_completed_after_check_in",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="session_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Session of {self.client} on {self.scheduled_at:%d %b %Y}"

    @property
    def is_final(self) -> bool:
        return self.state in states.FINAL_STATES


class Needle(models.Model):
    """One needle: where it went in, from which lot, when and by whom; when it came out."""

    CLINIC_PATH = "session__client__clinic"

    class Side(models.TextChoices):
        RIGHT = "right", "client's right"
        LEFT = "left", "client's left"
        MIDLINE = "midline", "midline"

    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="needles")
    point = models.ForeignKey(Point, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    lot = models.ForeignKey(NeedleLot, on_delete=models.PROTECT, related_name="needles")
    inserted_at = models.DateTimeField()
    inserted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The point was not in today's plan: the practitioner confirmed adding it at the couch.
    is_added_at_couch = models.BooleanField(default=False)

    class Meta:
        ordering = ("inserted_at", "id")
        constraints = [
            models.CheckConstraint(
                condition=_after("removed_at", "inserted_at"), name="needle_removed_after_inserted"
            ),
            # One needle at a time in a point on a side.
            models.UniqueConstraint(
                fields=["session", "point", "side"],
                condition=Q(removed_at__isnull=True),
                name="needle_one_in_per_point_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point.code} {self.get_side_display()}"

    @property
    def is_in(self) -> bool:
        return self.removed_at is None


class PointOverride(models.Model):
    """The practitioner's written reason to needle one point, on one side, that screening forbids
    for this session. It opens that point only; every other restriction still holds."""

    CLINIC_PATH = "session__client__clinic"

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.CASCADE, related_name="point_overrides"
    )
    point = models.ForeignKey(Point, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=Needle.Side.choices)
    restriction = models.CharField(max_length=500)  # what screening said of the point
    reason = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("recorded_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "point", "side"], name="point_override_once_per_point_side"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="point_override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.point.code} ({self.get_side_display()}) overridden: {self.reason}"


class SessionEventKind(models.TextChoices):
    """What can happen at the couch; issue #6 maps each kind to an adverse event."""

    DIZZINESS = "dizziness", "Dizziness"
    FAINTING = "fainting", "Fainting"
    NAUSEA = "nausea", "Nausea"
    BLEEDING_AT_REMOVAL = "bleeding_at_removal", "Bleeding at removal"
    PAIN_AT_POINT = "pain_at_point", "Pain at a point"
    BENT_NEEDLE = "bent_needle", "Bent needle"
    STUCK_NEEDLE = "stuck_needle", "Stuck needle"
    ASKED_TO_STOP = "asked_to_stop", "Client asked to stop"
    OTHER = "other", "Other"


class SessionEvent(models.Model):
    """Something that happened during the session, with its time and (optionally) its point."""

    CLINIC_PATH = "session__client__clinic"

    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=SessionEventKind.choices)
    at = models.DateTimeField()
    point = models.ForeignKey(
        Point, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(max_length=10, choices=Needle.Side.choices, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        where = f" at {self.point.code}" if self.point_id and self.point else ""
        return f"{self.get_kind_display()}{where}"


class MissingNeedleIncident(models.Model):
    """Needles that could not be found at the end of a session; the owner reviews every one."""

    CLINIC_PATH = "session__client__clinic"

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="missing_needle_incidents"
    )
    needles_missing = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    searched_where = models.TextField(max_length=2000)
    outcome = models.TextField(max_length=2000)
    filed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-filed_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(needles_missing__gte=1), name="incident_needles_missing_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.needles_missing} needle(s) missing, session {self.session_id}"


class FollowUpKind(models.TextChoices):
    DAY_1 = "24h", "24 hours after"
    DAY_7 = "7d", "7 days after"


class FollowUp(models.Model):
    """A check-in with the client after the session; issue #6 sends them and adds answers."""

    CLINIC_PATH = "session__client__clinic"

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.CASCADE, related_name="follow_ups"
    )
    kind = models.CharField(max_length=4, choices=FollowUpKind.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("due_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["session", "kind"], name="follow_up_once_per_kind"),
        ]
        indexes = [models.Index(fields=["due_at"], name="follow_up_due")]

    def __str__(self) -> str:
        return f"Follow-up {self.get_kind_display()} session {self.session_id}"


class AftercareSheet(models.Model):
    """The aftercare sheet as it was issued to the client: a record that never changes.

    `facts` holds everything the sheet prints, as printed (clock times in the clinic's zone,
    the clinic's phone and emergency number, the next session, the check-in times and link,
    the wording); the page, the PDF and the e-mail are made from it, never from live data.
    `pdf` is the PDF as issued, so every download is the same bytes. Sheets issued before the
    facts were kept got theirs from the data migration, rebuilt from the session's stored
    times; they have no stored PDF, and each download renders one from those facts (never
    writing on a download), so it is the same PDF while the renderer is.
    """

    CLINIC_PATH = "session__client__clinic"

    session = models.OneToOneField(
        TreatmentSession, on_delete=models.CASCADE, related_name="aftercare_sheet"
    )
    issued_at = models.DateTimeField()
    facts = models.JSONField()
    pdf = models.BinaryField(blank=True, default=b"")
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"Aftercare sheet of session {self.session_id}"
