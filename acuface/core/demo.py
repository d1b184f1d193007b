"""The demo clinic's people: shared by every app's demo loader."""

from __future__ import annotations

import dataclasses

from acuface.core.models import Clinic, Role, User

DEMO_PASSWORD = "acuface-demo"  # noqa: S105 (a published demo password, development only)

DEMO_STAFF = {
    "owner": ("owner@demo.acuface.test", "Mei", "Lin", Role.OWNER),
    "practitioner": ("ana@demo.acuface.test", "Ana", "Sousa", Role.PRACTITIONER),
    "practitioner2": ("tom@demo.acuface.test", "Tom", "Okafor", Role.PRACTITIONER),
    "front_desk": ("desk@demo.acuface.test", "Priya", "Shah", Role.FRONT_DESK),
}


@dataclasses.dataclass
class DemoClinic:
    clinic: Clinic
    staff: dict[str, User]


# How clients reach the demo clinic (Ofcom's drama numbers, which are never in use).
DEMO_CONTACT = {
    "phone": "+44 20 7946 0321",
    "email": "hello@demo.acuface.test",
    "address": "12 Long Lane\nLondon EC1A 9HP",
    "emergency_number": "999",
}


def demo_clinic() -> DemoClinic:
    clinic, _ = Clinic.objects.get_or_create(
        slug="lotus-demo",
        defaults={
            "name": "Lotus Facial Acupuncture (demo)",
            "time_zone": "Europe/London",
            **DEMO_CONTACT,
        },
    )
    # A demo clinic made before these settings existed gets them, once, where still empty.
    missing = [name for name in DEMO_CONTACT if not getattr(clinic, name)]
    for name in missing:
        setattr(clinic, name, DEMO_CONTACT[name])
    if missing:
        clinic.save(update_fields=missing)
    staff: dict[str, User] = {}
    for key, (email, first, last, role) in DEMO_STAFF.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, first_name=first, last_name=last, role=role, clinic=clinic
            )
        staff[key] = user
    return DemoClinic(clinic=clinic, staff=staff)
