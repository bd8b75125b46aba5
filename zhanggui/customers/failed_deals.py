"""Failed deals (交易失败备注, DOMAIN.md §5): a buyer inquired and did not buy; what they
wanted and why not is noted on the buyer, so the next conversation starts from it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhanggui.channels.models import Channel
from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.customers.models import Customer, FailedDeal

NOTE_MAX = 2000
NICK_MAX = 64


def note_failed_deal(*, actor: Any, channel: str, buyer_nick: str, note: str) -> FailedDeal:
    """Note a failed deal on a buyer, linked to the customer when we know them (audited).
    Raises InvalidInput for an unknown channel, a missing nick or note, or one too long."""
    buyer_nick, note = buyer_nick.strip(), note.strip()
    errors: dict[str, list[Any]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if not buyer_nick:
        errors["buyer_nick"] = [_("Which buyer?")]
    elif len(buyer_nick) > NICK_MAX:
        errors["buyer_nick"] = [_("At most %(n)d characters.") % {"n": NICK_MAX}]
    if not note:
        errors["note"] = [_("Write what the buyer wanted and why they did not buy.")]
    elif len(note) > NOTE_MAX:
        errors["note"] = [_("At most %(n)d characters.") % {"n": NOTE_MAX}]
    if errors:
        raise InvalidInput(errors)
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        deal = FailedDeal.objects.create(
            channel=channel,
            buyer_nick=buyer_nick,
            customer=Customer.objects.filter(channel=channel, buyer_nick=buyer_nick).first(),
            note=note,
            created_by=user,
        )
        audit.record_creation(
            actor=actor, instance=deal, fields=("channel", "buyer_nick", "customer", "note")
        )
    return deal


def failed_deals_of(channel: str, buyer_nick: str) -> QuerySet[FailedDeal]:
    """The buyer's failed-deal notes, newest first."""
    return FailedDeal.objects.filter(channel=channel, buyer_nick=buyer_nick).select_related(
        "created_by"
    )


def list_failed_deals(*, query: str = "", channel: str = "") -> QuerySet[FailedDeal]:
    """Every note, newest first, for a buyer nick containing `query` on `channel`."""
    deals = FailedDeal.objects.select_related("created_by", "customer")
    if channel:
        deals = deals.filter(channel=channel)
    if query:
        deals = deals.filter(buyer_nick__icontains=query)
    return deals
