"""Permission-matrix rows of packing and shipping (see matrix.py): the packing station and
its two JSON endpoints, the ship page and the parcel list.

The warehouse and the manager pack (fulfillment.pack_parcel) and ship (orders.ship_order);
everyone who reads parcels reads the list (fulfillment.view_parcel)."""

from __future__ import annotations

from typing import Any

from tests.matrix import Route, roles

PACK = roles("manager", "warehouse")
SHIP = roles("manager", "warehouse")
VIEW_PARCEL = roles("manager", "warehouse", "finance", "cs_presale", "cs_aftersale", "analyst")


def _printed() -> Any:
    from zhanggui.fulfillment.tests.packing_factories import printed_parcel
    from zhanggui.orders.tests.factories import make_skus

    make_skus(None, "MX-PK-S", on_hand=10)
    return printed_parcel(None, ("MX-PK-S", 1))


def _scan() -> dict[str, Any]:
    return {"code": _printed().tracking_no, "request_id": "matrix"}


def _finish() -> dict[str, Any]:
    # Nothing is open in a new session: the station answers with a refusal, not an error.
    return {"parcel_id": str(_printed().pk), "weight": "500", "request_id": "matrix"}


def _ship() -> dict[str, Any]:
    from zhanggui.fulfillment.services import packing

    parcel = _printed()
    counts = {
        item.sku_id: item.quantity
        for item in packing.parcel_checks(parcel, packing.members_of(parcel.order)).items
    }
    packing.finish_packing(
        actor=None,
        parcel_id=parcel.pk,
        counts=counts,
        weight_g=parcel.estimated_weight_g,
    )
    return {"parcel_ids": [str(parcel.pk)]}


ROUTES: list[Route] = [
    Route("fulfillment:pack", PACK),
    Route("fulfillment:pack_scan", PACK, method="post", data=_scan),
    Route("fulfillment:pack_finish", PACK, method="post", data=_finish),
    Route("fulfillment:ship", SHIP),
    Route("fulfillment:ship", SHIP, method="post", data=_ship, note="orders.ship_order"),
    Route("fulfillment:parcels", VIEW_PARCEL),
]
