"""Purchasing writes: suppliers (purchase orders come later). Validated and audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.purchasing.exceptions import DuplicateSupplier
from zhanggui.purchasing.models import Supplier

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


@transaction.atomic
def create_supplier(*, actor: Any, data: SupplierInput) -> Supplier:
    """Add a supplier. Raises InvalidInput naming each bad field, DuplicateSupplier when
    the name is taken."""
    errors = check_supplier_input(data)
    if errors:
        raise InvalidInput(errors)
    name = data.name.strip()
    if Supplier.objects.filter(name=name).exists():
        raise DuplicateSupplier(name=name)
    try:
        with transaction.atomic():
            supplier = Supplier.objects.create(
                name=name,
                contact_name=data.contact_name.strip(),
                phone=data.phone.strip(),
                province=data.province.strip(),
                city=data.city.strip(),
                address=data.address.strip(),
                lead_time_days=data.lead_time_days,
                notes=data.notes,
                is_active=data.is_active,
            )
    except IntegrityError as error:  # a concurrent insert won the unique race
        raise DuplicateSupplier(name=name) from error
    audit.record_creation(actor=actor, instance=supplier, fields=SUPPLIER_AUDITED)
    return supplier
