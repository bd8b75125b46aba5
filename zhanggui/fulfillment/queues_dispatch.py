"""Home-page work queues of the dispatch pages (staff.queues), registered on import from
urls_dispatch.py: shipped parcels waiting for a handover and stubs due for archiving (the
warehouse), claims waiting for the courier (warehouse, after-sales), courier bills sent to
finance to check."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhanggui.staff.queues import Queue, register
from zhanggui.staff.roles import Role


def _count_awaiting_handover() -> int:
    from zhanggui.fulfillment.services.handover import count_parcels_awaiting_handover

    return count_parcels_awaiting_handover()


def _count_stubs_to_archive() -> int:
    from zhanggui.fulfillment.services.handover import count_stubs_to_archive

    return count_stubs_to_archive()


def _count_unsettled_claims() -> int:
    from zhanggui.fulfillment.services.claims import count_unsettled_claims

    return count_unsettled_claims()


def _count_bills_to_check() -> int:
    from zhanggui.fulfillment.services.bills import count_bills_to_check

    return count_bills_to_check()


register(
    Queue(
        "parcels_awaiting_handover",
        _("Shipped parcels not yet handed over"),
        frozenset({Role.WAREHOUSE}),
        _count_awaiting_handover,
        lambda: reverse("fulfillment:handover_list"),
    )
)
register(
    Queue(
        "stubs_to_archive",
        _("Handovers whose stubs are due for archiving (15 days)"),
        frozenset({Role.WAREHOUSE}),
        _count_stubs_to_archive,
        lambda: reverse("fulfillment:stubs") + "?due=1",
    )
)
register(
    Queue(
        "claims_unsettled",
        _("Courier claims not settled"),
        frozenset({Role.WAREHOUSE, Role.CS_AFTERSALE}),
        _count_unsettled_claims,
        lambda: reverse("fulfillment:claim_list"),
    )
)
register(
    Queue(
        "courier_bills_to_check",
        _("Courier bills to check"),
        frozenset({Role.FINANCE}),
        _count_bills_to_check,
        lambda: reverse("fulfillment:bill_list") + "?status=sent_to_finance",
    )
)
