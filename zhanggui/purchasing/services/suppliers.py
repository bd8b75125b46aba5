"""Supplier writes: create and edit, with their contacts. Validated and audited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.core.models import AuditAction
from zhanggui.purchasing.exceptions import DuplicateSupplier, SupplierNotFound
from zhanggui.purchasing.models import Supplier, SupplierContact

SUPPLIER_AUDITED = (
    "name",
    "contact_name",
    "phone",
    "province",
    "city",
    "address",
    "lead_time_days",
    "is_active",
)
# Landlines are written with area code and dash (020-86661234), mobiles as 11 digits.
PHONE_PATTERN = re.compile(r"^[0-9+\- ]{0,30}$")
MAX_LEAD_TIME_DAYS = 365
LENGTHS = {"name": 100, "contact_name": 50, "province": 20, "city": 30, "address": 200}
CONTACT_LENGTHS = {"name": 50, "position": 30, "phone": 30, "wechat": 50}
MAX_CONTACTS = 20


@dataclass(frozen=True)
class SupplierInput:
    name: str
    contact_name: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    address: str = ""
    lead_time_days: int = 7
    notes: str = ""
    is_active: bool = True


@dataclass(frozen=True)
class ContactInput:
    name: str
    position: str = ""
    phone: str = ""
    wechat: str = ""


def check_supplier_input(data: SupplierInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("A name is required.")]
    for name, limit in LENGTHS.items():
        if len(getattr(data, name).strip()) > limit:
            errors.setdefault(name, []).append(
                _("At most %(limit)d characters.") % {"limit": limit}
            )
    if not PHONE_PATTERN.match(data.phone.strip()):
        errors["phone"] = [_("Use digits, '-' and '+' only.")]
    if not 0 <= data.lead_time_days <= MAX_LEAD_TIME_DAYS:
        errors["lead_time_days"] = [
            _("A lead time is between 0 and %(max)d days.") % {"max": MAX_LEAD_TIME_DAYS}
        ]
    return errors


def check_contacts(contacts: Sequence[ContactInput]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(contacts) > MAX_CONTACTS:
        errors["contacts"] = [_("At most %(limit)d contacts.") % {"limit": MAX_CONTACTS}]
    for index, contact in enumerate(contacts):
        where = f"contacts[{index}]"
        if not contact.name.strip():
            errors[f"{where}.name"] = [_("A contact needs a name.")]
        for name, limit in CONTACT_LENGTHS.items():
            if len(getattr(contact, name).strip()) > limit:
                errors.setdefault(f"{where}.{name}", []).append(
                    _("At most %(limit)d characters.") % {"limit": limit}
                )
        if not PHONE_PATTERN.match(contact.phone.strip()):
            errors[f"{where}.phone"] = [_("Use digits, '-' and '+' only.")]
    return errors


def _save_contacts(supplier: Supplier, contacts: Sequence[ContactInput]) -> None:
    supplier.contacts.all().delete()
    SupplierContact.objects.bulk_create(
        SupplierContact(
            supplier=supplier,
            name=contact.name.strip(),
            position=contact.position.strip(),
            phone=contact.phone.strip(),
            wechat=contact.wechat.strip(),
        )
        for contact in contacts
    )


def _cleaned(data: SupplierInput) -> dict[str, Any]:
    return {
        "name": data.name.strip(),
        "contact_name": data.contact_name.strip(),
        "phone": data.phone.strip(),
        "province": data.province.strip(),
        "city": data.city.strip(),
        "address": data.address.strip(),
        "lead_time_days": data.lead_time_days,
        "notes": data.notes,
        "is_active": data.is_active,
    }


@transaction.atomic
def create_supplier(
    *, actor: Any, data: SupplierInput, contacts: Sequence[ContactInput] = ()
) -> Supplier:
    """Add a supplier with its extra contacts. Raises InvalidInput naming each bad field,
    DuplicateSupplier when the name is taken."""
    errors = check_supplier_input(data) | check_contacts(contacts)
    if errors:
        raise InvalidInput(errors)
    name = data.name.strip()
    if Supplier.objects.filter(name=name).exists():
        raise DuplicateSupplier(name=name)
    try:
        with transaction.atomic():
            supplier = Supplier.objects.create(**_cleaned(data))
    except IntegrityError as error:  # a concurrent insert won the unique race
        raise DuplicateSupplier(name=name) from error
    _save_contacts(supplier, contacts)
    audit.record_creation(actor=actor, instance=supplier, fields=SUPPLIER_AUDITED)
    return supplier


@transaction.atomic
def update_supplier(
    *, actor: Any, supplier_id: int, data: SupplierInput, contacts: Sequence[ContactInput]
) -> Supplier:
    """Replace a supplier's details and its contact list. Raises SupplierNotFound,
    InvalidInput naming each bad field, DuplicateSupplier when renamed onto another one."""
    supplier = Supplier.objects.select_for_update().filter(pk=supplier_id).first()
    if supplier is None:
        raise SupplierNotFound()
    errors = check_supplier_input(data) | check_contacts(contacts)
    if errors:
        raise InvalidInput(errors)
    values = _cleaned(data)
    if Supplier.objects.filter(name=values["name"]).exclude(pk=supplier.pk).exists():
        raise DuplicateSupplier(name=values["name"])
    before = audit.snapshot(supplier, SUPPLIER_AUDITED)
    for name, value in values.items():
        setattr(supplier, name, value)
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError as error:
        raise DuplicateSupplier(name=values["name"]) from error
    _save_contacts(supplier, contacts)
    changes = audit.diff(before, audit.snapshot(supplier, SUPPLIER_AUDITED))
    audit.record(actor=actor, instance=supplier, action=AuditAction.UPDATE, changes=changes)
    return supplier
