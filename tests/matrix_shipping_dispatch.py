"""Permission-matrix rows of the dispatch pages: handovers and stubs, tracking and claims,
courier bills (see matrix.py).

Everyone who reads parcels reads handovers, stubs, tracking and claims. Handovers, their
manifest, the courier's figures and archiving stubs are for those who ship or print labels
(the warehouse, the manager); tracking imports and claims for the warehouse, after-sales and
the manager; courier bills for finance and the manager only."""

from __future__ import annotations

from typing import Any

from tests.matrix import Route, roles

VIEW_PARCEL = roles("manager", "warehouse", "finance", "cs_presale", "cs_aftersale", "analyst")
HANDOVER = roles("manager", "warehouse")
MANAGE_CLAIMS = roles("manager", "warehouse", "cs_aftersale")
RECONCILE_BILLS = roles("manager", "finance")


def _parcel() -> Any:
    from zhanggui.fulfillment.tests.factories_dispatch import make_parcel

    return make_parcel()


def _parcel_kwargs() -> dict[str, Any]:
    return {"pk": _parcel().pk}


def _handover() -> dict[str, Any]:
    from zhanggui.fulfillment.services.handover import create_handover

    parcel = _parcel()
    return {"pk": create_handover(actor=None, courier_id=parcel.courier_id).pk}


def _claim() -> dict[str, Any]:
    from decimal import Decimal

    from zhanggui.fulfillment.services.claims import open_claim

    claim = open_claim(actor=None, parcel_id=_parcel().pk, kind="lost", amount_claimed=Decimal(9))
    return {"pk": claim.pk}


BILL_CSV = "运单号,计费重量(kg),运费\r\n7799999999901,1,8.00\r\n"


def _bill() -> dict[str, Any]:
    from datetime import date

    from zhanggui.fulfillment.models import Courier
    from zhanggui.fulfillment.services.bills import import_bill

    bill = import_bill(
        actor=None,
        courier_id=Courier.objects.get(code="STO").pk,
        month=date(2026, 1, 1),
        filename="matrix.csv",
        content=BILL_CSV.encode(),
    )
    return {"pk": bill.pk}


def _sent_bill() -> dict[str, Any]:
    from zhanggui.fulfillment.services.bills import send_to_finance

    kwargs = _bill()
    send_to_finance(actor=None, bill_id=kwargs["pk"])
    return kwargs


def _file(name: str, text: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _handover_data() -> dict[str, Any]:
    parcel = _parcel()
    return {"courier": parcel.courier.code, "all": "1", "note": "矩阵"}


def _archive_data() -> dict[str, Any]:
    from django.utils import timezone

    _handover()
    return {"courier": "STO", "day": timezone.localdate().isoformat()}


def _tracking_file() -> dict[str, Any]:
    return {
        "file": _file("track.csv", "运单号,状态,时间\r\n7799999999902,运输中,2026-05-01 10:00\r\n")
    }


def _bill_file() -> dict[str, Any]:
    return {
        "courier": "STO",
        "month": "2026-02",
        "weight_tolerance_g": "100",
        "file": _file("bill.csv", BILL_CSV),
    }


ROUTES: list[Route] = [
    Route("fulfillment:handover_list", VIEW_PARCEL),
    Route("fulfillment:handover_create", HANDOVER, note="orders.ship_order or print_labels"),
    Route("fulfillment:handover_create", HANDOVER, method="post", data=_handover_data),
    Route("fulfillment:handover_detail", VIEW_PARCEL, kwargs=_handover),
    Route(
        "fulfillment:handover_checks",
        HANDOVER,
        method="post",
        kwargs=_handover,
        data=lambda: {"lines": "7799999999903 1.2"},
    ),
    Route("fulfillment:handover_manifest", HANDOVER, kwargs=_handover),
    Route("fulfillment:stubs", VIEW_PARCEL),
    Route("fulfillment:stubs_archive", HANDOVER, method="post", data=_archive_data),
    Route("fulfillment:tracking", VIEW_PARCEL),
    Route("fulfillment:tracking_import", MANAGE_CLAIMS, method="post", data=_tracking_file),
    Route("fulfillment:tracking_parcel", VIEW_PARCEL, kwargs=_parcel_kwargs),
    Route(
        "fulfillment:tracking_undeliverable",
        MANAGE_CLAIMS,
        method="post",
        kwargs=_parcel_kwargs,
        data=lambda: {"note": "地址不存在"},
    ),
    Route("fulfillment:claim_create", MANAGE_CLAIMS, kwargs=_parcel_kwargs),
    Route(
        "fulfillment:claim_create",
        MANAGE_CLAIMS,
        method="post",
        kwargs=_parcel_kwargs,
        data=lambda: {"kind": "lost", "amount_claimed": "59.00", "description": "丢件"},
    ),
    Route("fulfillment:claim_list", VIEW_PARCEL),
    Route("fulfillment:claim_detail", VIEW_PARCEL, kwargs=_claim),
    Route(
        "fulfillment:claim_status",
        MANAGE_CLAIMS,
        method="post",
        kwargs=_claim,
        data=lambda: {"action": "submit"},
    ),
    Route(
        "fulfillment:claim_photos",
        MANAGE_CLAIMS,
        method="post",
        kwargs=_claim,
        # Not an image: refused in place, so the matrix writes no file under MEDIA_ROOT.
        data=lambda: {"photos": _file("note.txt", "not an image")},
    ),
    Route("fulfillment:bill_list", RECONCILE_BILLS),
    Route("fulfillment:bill_import", RECONCILE_BILLS, method="post", data=_bill_file),
    Route("fulfillment:bill_detail", RECONCILE_BILLS, kwargs=_bill),
    Route("fulfillment:bill_export", RECONCILE_BILLS, kwargs=_bill),
    Route(
        "fulfillment:bill_rematch",
        RECONCILE_BILLS,
        method="post",
        kwargs=_bill,
        data=lambda: {"weight_tolerance_g": "150"},
    ),
    Route("fulfillment:bill_send", RECONCILE_BILLS, method="post", kwargs=_bill),
    Route("fulfillment:bill_checked", RECONCILE_BILLS, method="post", kwargs=_sent_bill),
    Route("fulfillment:bill_delete", RECONCILE_BILLS, method="post", kwargs=_bill),
]
