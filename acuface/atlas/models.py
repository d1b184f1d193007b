"""The point atlas, protocols (standard and clinic copies, versioned), and treatment plans."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone

from acuface.atlas.planning import PointSpec
from acuface.atlas.rules import SIDE_LABELS, plan_rules, region_key
from acuface.clients.models import Client
from acuface.core.models import Clinic, User


class Point(models.Model):
    """One acupuncture point. Loaded from `data/points.json`; shared by every clinic."""

    code = models.CharField(max_length=12, unique=True)
    pinyin = models.CharField(max_length=60)
    english = models.CharField(max_length=80)
    alias = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=60)
    # Face region key ("cheek"; a sided region gets the side appended) or "body".
    region = models.CharField(max_length=30)
    is_facial = models.BooleanField()
    is_bilateral = models.BooleanField()
    location = models.TextField()
    angle = models.CharField(max_length=120)
    depth_min_mm = models.DecimalField(max_digits=5, decimal_places=2)
    depth_max_mm = models.DecimalField(max_digits=5, decimal_places=2)
    gauge_min_mm = models.DecimalField(max_digits=5, decimal_places=2)
    gauge_max_mm = models.DecimalField(max_digits=5, decimal_places=2)
    gauge_default_mm = models.DecimalField(max_digits=5, decimal_places=2)
    length_min_mm = models.DecimalField(max_digits=5, decimal_places=2)
    length_max_mm = models.DecimalField(max_digits=5, decimal_places=2)
    length_default_mm = models.DecimalField(max_digits=5, decimal_places=2)
    cautions = models.TextField(blank=True)
    contraindications = models.TextField(blank=True)
    # The acuface.vision recipe that finds it on a photo; "" when a frontal photo cannot.
    recipe_id = models.CharField(max_length=40, blank=True)
    photo_note = models.CharField(max_length=200, blank=True)
    # Chart-only position (client's right side / midline) for points no recipe can place.
    chart_x = models.FloatField(null=True, blank=True)
    chart_y = models.FloatField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("-is_facial", "order", "code")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(depth_min_mm__lte=models.F("depth_max_mm")),
                name="point_depth_range",
            ),
            models.CheckConstraint(
                condition=models.Q(gauge_min_mm__lte=models.F("gauge_max_mm")),
                name="point_gauge_range",
            ),
            models.CheckConstraint(
                condition=models.Q(length_min_mm__lte=models.F("length_max_mm")),
                name="point_length_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.pinyin}"

    @property
    def sides(self) -> tuple[str, ...]:
        return ("right", "left") if self.is_bilateral else ("midline",)

    @property
    def is_chart_only(self) -> bool:
        return self.is_facial and not self.recipe_id

    def region_for(self, side: str) -> str:
        return region_key(self.region, side)

    def spec(self) -> PointSpec:
        return PointSpec(
            code=self.code,
            name=self.pinyin,
            region=self.region,
            is_facial=self.is_facial,
            is_bilateral=self.is_bilateral,
            gauge_default_mm=self.gauge_default_mm,
            length_default_mm=self.length_default_mm,
        )


class ProtocolKind(models.TextChoices):
    CONCERN = "concern", "Concern"
    CONSTITUTION = "constitution", "Constitution add-on"


class Protocol(models.Model):
    """One version of a protocol. `clinic` empty: the standard one from `data/protocols.json`.

    An edit never changes a row: it adds the next version and marks the old one not current.
    """

    CLINIC_PATH = "clinic"

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="protocols"
    )
    key = models.SlugField(max_length=40)
    kind = models.CharField(max_length=20, choices=ProtocolKind.choices)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    # [{"code": "ST2", "needle_type": "filiform"}, ...]
    points = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("kind", "key", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "key", "version"],
                name="protocol_clinic_key_version",
                nulls_distinct=False,
            ),
            models.UniqueConstraint(
                fields=["clinic", "key"],
                condition=models.Q(is_current=True),
                name="protocol_one_current",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        owner = "clinic" if self.clinic_id else "standard"
        return f"{self.name} ({owner}, version {self.version})"

    @property
    def codes(self) -> list[str]:
        return [str(item.get("code", "")) for item in self.points]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    READY = "ready", "Ready"


class TreatmentPlan(models.Model):
    """The points, needles and retention planned for one session of one client."""

    CLINIC_PATH = "client__clinic"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="treatment_plans")
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="treatment_plans"
    )
    planned_on = models.DateField()
    concerns = models.JSONField(default=list, blank=True)
    constitution_types = models.JSONField(default=list, blank=True)
    # What screening said when the plan was proposed: {"forbidden_points": {...},
    # "deferred_regions": {...}, "source": "intake" | "none", "warning": "..."}.
    restrictions = models.JSONField(default=dict, blank=True)
    retention_minutes = models.PositiveSmallIntegerField(default=30)
    retention_reason = models.CharField(max_length=500, blank=True)
    notes = models.TextField(max_length=5000, blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-planned_on", "-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_minutes__gte=5, retention_minutes__lte=90),
                name="plan_retention_5_to_90",
            ),
        ]

    def __str__(self) -> str:
        return f"Treatment plan for {self.client} on {self.planned_on:%d %b %Y}"

    @property
    def expected_needle_count(self) -> int:
        return sum(1 for line in self.lines.all() if not line.is_excluded)

    @property
    def concern_labels(self) -> list[str]:
        labels = plan_rules().concerns
        return [labels.get(key, key) for key in self.concerns]

    @property
    def screening_warning(self) -> str:
        return str(self.restrictions.get("warning", ""))


class NeedleType(models.TextChoices):
    FILIFORM = "filiform", "Filiform"
    INTRADERMAL = "intradermal", "Intradermal (press)"


class Side(models.TextChoices):
    RIGHT = "right", "client's right"
    LEFT = "left", "client's left"
    MIDLINE = "midline", "midline"


class PlannedPoint(models.Model):
    """One point on one side in a plan; excluded lines stay, with the reason."""

    CLINIC_PATH = "plan__client__clinic"

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="lines")
    point = models.ForeignKey(Point, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    needle_type = models.CharField(max_length=20, choices=NeedleType.choices)
    gauge_mm = models.DecimalField(max_digits=5, decimal_places=2)
    length_mm = models.DecimalField(max_digits=5, decimal_places=2)
    is_excluded = models.BooleanField(default=False)
    exclusion_reason = models.CharField(max_length=500, blank=True)
    override_reason = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("order", "id")
        constraints = [
            models.UniqueConstraint(fields=["plan", "point", "side"], name="plan_point_side"),
            models.CheckConstraint(
                condition=models.Q(gauge_mm__gt=Decimal("0")), name="planned_gauge_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(length_mm__gt=Decimal("0")), name="planned_length_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point.code} {SIDE_LABELS.get(self.side, self.side)}"

    @property
    def state(self) -> str:
        return "excluded" if self.is_excluded else "planned"
