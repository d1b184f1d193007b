"""Writes to clinics and their staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from acuface.core.audit import audit_record, update_fields_audited
from acuface.core.models import AuditEvent, Clinic, Role, User


def staff_invite(*, actor: User, email: str, first_name: str, last_name: str, role: str) -> User:
    """Add a staff member to the actor's clinic and e-mail them a link to set a password."""
    clinic = actor.clinic
    if clinic is None or not actor.is_owner:
        raise ValidationError("Only a clinic owner can invite staff.")
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone already has an account with this e-mail address."})
    with transaction.atomic():
        user = User.objects.create_user(
            email, None, first_name=first_name, last_name=last_name, role=role, clinic=clinic
        )
        audit_record(
            clinic=clinic,
            action=AuditEvent.Action.INVITED,
            obj=user,
            actor=actor,
            changes={"email": [None, email], "role": [None, role]},
        )
        link = settings.SITE_URL + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        transaction.on_commit(
            lambda: send_mail(
                subject=f"You are invited to {clinic.name} on Acuface",
                message=(
                    f"Hello {first_name},\n\n{actor} has added you to {clinic.name} as "
                    f"{Role(role).label.lower()}.\nChoose your password here:\n{link}\n\n"
                    "The link works once and expires in a few days."
                ),
                from_email=None,
                recipient_list=[email],
            )
        )
    return user


def staff_set_active(*, actor: User, staff: User, is_active: bool) -> User:
    """Deactivate or reactivate a staff member; nobody can lock themselves out."""
    if actor.clinic_id is None or not actor.is_owner or staff.clinic_id != actor.clinic_id:
        raise ValidationError("Only an owner of this clinic can change staff.")
    if staff.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account.")
    if staff.is_active == is_active:
        return staff
    assert actor.clinic is not None
    with transaction.atomic():
        staff.is_active = is_active
        staff.save(update_fields=["is_active"])
        audit_record(
            clinic=actor.clinic,
            action=AuditEvent.Action.RESTORED if is_active else AuditEvent.Action.DEACTIVATED,
            obj=staff,
            actor=actor,
            changes={"is_active": [not is_active, is_active]},
        )
    return staff


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _address_lines(value: str) -> str:
    lines = (" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def clinic_contact_update(
    *,
    actor: User,
    clinic: Clinic,
    phone: str,
    email: str,
    address: str,
    emergency_number: str,
) -> Clinic:
    """Set how clients reach the clinic and which number they dial in an emergency (owner)."""
    if not actor.is_owner or actor.clinic_id != clinic.pk:
        raise ValidationError("Only an owner of this clinic can change its settings.")
    data = {
        "phone": _one_line(phone),
        "email": email.strip().lower(),
        "address": _address_lines(address),
        "emergency_number": "".join(emergency_number.split()),
    }
    with transaction.atomic():
        locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
        update_fields_audited(instance=locked, data=data, actor=actor, clinic=locked)
    for name, value in data.items():
        setattr(clinic, name, value)
    return locked
