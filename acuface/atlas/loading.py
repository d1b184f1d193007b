"""Reading the atlas data files into the database (data migration and `manage.py load_atlas`).

Takes the model classes as arguments so the data migration can pass its historical models.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from acuface.atlas.rules import DATA_DIR

POINT_FIELDS = (
    "pinyin",
    "english",
    "alias",
    "channel",
    "region",
    "is_facial",
    "is_bilateral",
    "location",
    "angle",
    "depth_min_mm",
    "depth_max_mm",
    "gauge_min_mm",
    "gauge_max_mm",
    "gauge_default_mm",
    "length_min_mm",
    "length_max_mm",
    "length_default_mm",
    "cautions",
    "contraindications",
    "recipe_id",
    "photo_note",
    "chart_x",
    "chart_y",
)
DECIMAL_FIELDS = frozenset(f for f in POINT_FIELDS if f.endswith("_mm"))


@dataclass(frozen=True)
class LoadResult:
    points_created: int
    points_updated: int
    protocols_created: int
    protocols_unchanged: int


def read_data_file(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    return data


def _point_values(row: dict[str, Any], order: int) -> dict[str, Any]:
    values: dict[str, Any] = {"order": order}
    for name in POINT_FIELDS:
        value = row.get(name, "" if name not in ("chart_x", "chart_y") else None)
        values[name] = Decimal(str(value)) if name in DECIMAL_FIELDS else value
    return values


def load_atlas_data(*, point_model: Any, protocol_model: Any) -> LoadResult:
    """Upsert points by code; give each changed standard protocol a new current version."""
    points = read_data_file("points.json")["points"]
    protocols = read_data_file("protocols.json")["protocols"]
    known = {row["code"] for row in points}
    for protocol in protocols:
        missing = [item["code"] for item in protocol["points"] if item["code"] not in known]
        if missing:
            raise ValueError(f"protocol {protocol['key']} names unknown points {missing}")
    created = updated = p_created = p_same = 0
    with transaction.atomic():
        for order, row in enumerate(points):
            values = _point_values(row, order)
            _, was_created = point_model.objects.update_or_create(code=row["code"], defaults=values)
            created += was_created
            updated += not was_created
        for row in protocols:
            lines = [{"code": i["code"], "needle_type": i["needle_type"]} for i in row["points"]]
            current = protocol_model.objects.filter(
                clinic__isnull=True, key=row["key"], is_current=True
            ).first()
            content = (row["name"], row["kind"], row.get("description", ""), lines)
            if current is not None and content == (
                current.name,
                current.kind,
                current.description,
                current.points,
            ):
                p_same += 1
                continue
            version = 1
            if current is not None:
                version = current.version + 1
                current.is_current = False
                current.save(update_fields=["is_current"])
            protocol_model.objects.create(
                clinic=None,
                key=row["key"],
                kind=row["kind"],
                name=row["name"],
                description=row.get("description", ""),
                points=lines,
                version=version,
                is_current=True,
            )
            p_created += 1
    return LoadResult(created, updated, p_created, p_same)
