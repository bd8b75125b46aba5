"""Customer writes. Receiver details are personal data: every change is audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhanggui.channels.models import Channel
from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.customers.exceptions import DuplicateCustomer
from zhanggui.customers.models import Customer

CUSTOMER_AUDITED = (
    "channel",
    "buyer_nick",
    "name",
    "phone",
    "province",
    "city",
    "district",
    "address",
    "postcode",
)
# Channel exports often mask phones (138****5678), so '*' is allowed.
PHONE_PATTERN = re.compile(r"^[0-9+\-* ]{0,30}$")
POSTCODE_PATTERN = re.compile(r"^(\d{6})?$")
LENGTHS = {
    "buyer_nick": 64,
    "name": 50,
    "province": 20,
    "city": 30,
    "district": 30,
    "address": 200,
}


@dataclass(frozen=True)
class CustomerInput:
    channel: str
    buyer_nick: str
    name: str = ""
    phone: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    address: str = ""
    postcode: str = ""
    notes: str = ""


def check_customer_input(data: CustomerInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if not data.buyer_nick.strip():
        errors["buyer_nick"] = [_("A buyer nick is required.")]
    for name, limit in LENGTHS.items():
        if len(getattr(data, name).strip()) > limit:
            errors.setdefault(name, []).append(
                _("At most %(limit)d characters.") % {"limit": limit}
            )
    if not PHONE_PATTERN.match(data.phone.strip()):
        errors["phone"] = [_("Use digits, '-', '+' and '*' only.")]
    if not POSTCODE_PATTERN.match(data.postcode.strip()):
        errors["postcode"] = [_("A postcode is 6 digits.")]
    return errors


@transaction.atomic
def create_customer(*, actor: Any, data: CustomerInput) -> Customer:
    """Add a buyer of one channel. Raises InvalidInput naming each bad field,
    DuplicateCustomer when the channel already knows this buyer nick."""
    errors = check_customer_input(data)
    if errors:
        raise InvalidInput(errors)
    nick = data.buyer_nick.strip()
    if Customer.objects.filter(channel=data.channel, buyer_nick=nick).exists():
        raise DuplicateCustomer(channel=data.channel, buyer_nick=nick)
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                channel=data.channel,
                buyer_nick=nick,
                name=data.name.strip(),
                phone=data.phone.strip(),
                province=data.province.strip(),
                city=data.city.strip(),
                district=data.district.strip(),
                address=data.address.strip(),
                postcode=data.postcode.strip(),
                notes=data.notes,
            )
    except IntegrityError as error:  # a concurrent insert won the unique race
        raise DuplicateCustomer(channel=data.channel, buyer_nick=nick) from error
    audit.record_creation(actor=actor, instance=customer, fields=CUSTOMER_AUDITED)
    return customer
