"""Packing by scanning alone, in Debian's chromium against the live test server: the packer
types the waybill, a wrong item (red, with a beep), takes it out, types the right items and
the weight, each followed by Enter as a scanner sends it, never touching the mouse. Then the
parcel is shipped from the ship page and the stock-out is posted exactly once."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.e2e.test_browser_catalog import _log_in, browser, fast_passwords, page  # noqa: F401
from zhanggui.catalog.models import Sku
from zhanggui.fulfillment.models import Parcel, ParcelStatus
from zhanggui.fulfillment.tests.packing_factories import printed_parcel
from zhanggui.inventory.models import MoveKind, StockMove
from zhanggui.inventory.selectors import ledger_differences
from zhanggui.orders.models import OrderStatus
from zhanggui.orders.tests.factories import make_skus

pytest.importorskip("playwright.sync_api")
# Playwright's sync API runs an event loop in this thread; the ORM calls made here (setting
# up rows, checking results) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RIGHT = {"BP-S": "6901234567892", "BP-M": "6901234567908"}
WRONG = "6901234567915"


def _scan(station: Any, code: str) -> None:
    """What a scanner does: the code's keys, then Enter; the station answers before the
    next scan is checked."""
    station.keyboard.type(code)
    station.keyboard.press("Enter")
    station.wait_for_function(
        "document.getElementById('pack-station').getAttribute('aria-busy') === 'false'"
    )


def _feedback(station: Any) -> tuple[str, str]:
    panel = station.locator("#pack-feedback")
    return str(panel.get_attribute("class")), panel.inner_text()


def test_a_parcel_is_packed_by_scanning_alone_then_shipped_once(
    page: Any,  # noqa: F811
    live_server: Any,
    make_user: Any,
) -> None:
    make_user("warehouse", username="dabaoyuan")
    skus = make_skus(None, "BP-S", "BP-M", "BP-L", on_hand=10)
    for sku, barcode in zip(skus, [*RIGHT.values(), WRONG], strict=True):
        Sku.objects.filter(pk=sku.pk).update(barcode=barcode)
    parcel = printed_parcel(None, ("BP-S", 2), ("BP-M", 1))
    base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page, base, "dabaoyuan")

    page.goto(f"{base}/shipping/pack/")
    page.locator("#pack-station[data-ready=true]").wait_for()
    assert page.evaluate("document.activeElement.id") == "scan-input"

    _scan(page, parcel.tracking_no)
    assert _feedback(page)[0] == "pack-feedback ok"
    checks = page.locator("#pack-parcel")
    assert checks.locator('[data-field="receiver-name"]').inner_text() == "张三"
    assert checks.locator('[data-field="tracking-no"]').inner_text() == parcel.tracking_no
    assert checks.locator("tr.line").count() == 2

    _scan(page, WRONG)
    css, text = _feedback(page)
    assert css == "pack-feedback blocked"
    assert "BP-L" in text
    assert page.locator("#pack-station").get_attribute("data-last-sound") == "blocked"
    assert page.locator("#pack-extras").is_visible()
    # Blocked: a right item is not counted until the wrong one is out.
    _scan(page, RIGHT["BP-S"])
    assert checks.locator('tr.line[data-sku="BP-S"] td.counts').inner_text() == "0 / 2"
    _scan(page, "UNDO")
    assert _feedback(page)[0] == "pack-feedback ok"

    _scan(page, RIGHT["BP-S"])
    _scan(page, "bp-m")  # the merchant code typed by hand
    _scan(page, RIGHT["BP-S"])
    assert _feedback(page)[0] == "pack-feedback complete"
    assert page.evaluate("document.activeElement.id") == "weight-input"

    weight = parcel.estimated_weight_g
    _scan(page, str(weight))
    css, text = _feedback(page)
    assert css == "pack-feedback packed"
    assert "dabaoyuan" in page.locator("#pack-last").inner_text()
    assert not page.locator("#pack-parcel").is_visible()
    assert page.evaluate("document.activeElement.id") == "scan-input"

    parcel.refresh_from_db()
    assert (parcel.status, parcel.weight_g) == (ParcelStatus.PACKED, weight)
    assert parcel.packed_by is not None
    assert parcel.packed_by.username == "dabaoyuan"
    assert parcel.order.status == OrderStatus.PACKED

    # Packing it again is refused, saying by whom.
    _scan(page, parcel.tracking_no)
    css, text = _feedback(page)
    assert css == "pack-feedback error"
    assert "dabaoyuan" in text

    page.goto(f"{base}/shipping/ship/")
    page.locator(f"input[name=parcel_ids][value='{parcel.pk}']").wait_for()
    page.locator("form button[type=submit].primary").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/shipping/ship/")
    page.locator(".message.success").wait_for()

    parcel.refresh_from_db()
    assert parcel.status == ParcelStatus.SHIPPED
    assert parcel.order.status == OrderStatus.SHIPPED
    sales = StockMove.objects.filter(kind=MoveKind.SALE, ref=parcel.tracking_no)
    assert sorted(sales.values_list("quantity", flat=True)) == [-2, -1]
    assert ledger_differences() == []
    assert not Parcel.objects.filter(status=ParcelStatus.PACKED).exists()
    assert errors == []
