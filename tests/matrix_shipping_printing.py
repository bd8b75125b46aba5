"""Permission-matrix rows of the printing routes (see matrix.py): choosing and printing
labels, label batches with their labels, pick lists and packing slips, reprinting and
cancelling labels, and the waybill print API. All need fulfillment.print_labels, which
staff/roles.py (_SHIPPING) gives the manager and the warehouse."""

from __future__ import annotations

from itertools import count
from typing import Any

from tests.matrix import Route, roles

PRINT_LABELS = roles("manager", "warehouse")
_numbers = count(1)


def _approved_order() -> int:
    from zhanggui.fulfillment.models import Courier
    from zhanggui.fulfillment.services import pools
    from zhanggui.orders.services import lifecycle
    from zhanggui.orders.tests.factories import make_order, make_skus

    number = next(_numbers)
    code = f"MX-PR-{number}"
    make_skus(None, code, on_hand=5)
    order = make_order(None, (code, 1))
    lifecycle.approve_order(actor=None, order_id=order.pk)
    courier = Courier.objects.get(code="STO")
    pools.import_numbers(actor=None, courier=courier, numbers=[f"{7_800_000_000 + number * 10}"])
    return order.pk


def _batch() -> dict[str, Any]:
    from zhanggui.fulfillment.services import printing

    batch = printing.create_batch(None, [_approved_order()], "76x130").batch
    assert batch is not None  # noqa: S101
    return {"pk": batch.pk}


def _parcel() -> dict[str, Any]:
    from zhanggui.fulfillment.models import Parcel
    from zhanggui.fulfillment.services import printing

    order_id = _approved_order()
    printing.create_batch(None, [order_id], "76x130")
    return {"pk": Parcel.objects.get(order_id=order_id).pk}


ROUTES: list[Route] = [
    Route("fulfillment:print", PRINT_LABELS),
    Route(
        "fulfillment:print",
        PRINT_LABELS,
        method="post",
        data=lambda: {"size": "76x130", "order": [_approved_order()]},
    ),
    Route("fulfillment:batches", PRINT_LABELS),
    Route("fulfillment:batch_detail", PRINT_LABELS, kwargs=_batch),
    Route("fulfillment:batch_labels", PRINT_LABELS, kwargs=_batch),
    Route("fulfillment:batch_pick_list", PRINT_LABELS, kwargs=_batch),
    Route("fulfillment:batch_pick_list_xlsx", PRINT_LABELS, kwargs=_batch),
    Route("fulfillment:batch_slips", PRINT_LABELS, kwargs=_batch),
    Route("fulfillment:batch_reprint", PRINT_LABELS, method="post", kwargs=_batch, data=dict),
    Route("fulfillment:label_reprint", PRINT_LABELS, method="post", kwargs=_parcel, data=dict),
    Route(
        "fulfillment:label_cancel",
        PRINT_LABELS,
        method="post",
        kwargs=_parcel,
        data=lambda: {"reason": "地址写错"},
    ),
    Route(
        "waybill-print",
        PRINT_LABELS,
        method="post",
        data=lambda: {"order_ids": [_approved_order()], "size": "76x130"},
        api=True,
        note="fulfillment.print_labels",
    ),
]
